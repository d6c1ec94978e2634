/*
 * trust.c -- TLS for the client: the context, and whether the server's
 * certificate is the one we expect.
 *
 * The server's certificate is self-signed: it is trusted by its SHA-256
 * fingerprint, given with --pin or remembered, as OpenSSH remembers host
 * keys, in $XDG_CONFIG_HOME/cafeboard/known_servers the first time the
 * user accepts it (one line per server: "HOST:PORT FINGERPRINT").  A
 * certificate that differs from the one expected is refused; nothing is
 * sent to the server before the check.
 */
#include <sys/stat.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "fingerprint.h"
#include "paths.h"
#include "xmalloc.h"

/* A client context: TLS 1.2 or later; the pin replaces the CA check. */
struct ssl_ctx_st *
trust_ctx_new(void)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		fatalx("SSL_CTX_new failed");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

/* Release a context (NULL is fine). */
void
trust_ctx_free(struct ssl_ctx_st *ctx)
{
	SSL_CTX_free(ctx);
}

/* A TLS session to host (its name goes in the handshake, SNI). */
struct ssl_st *
trust_session(struct ssl_ctx_st *ctx, const char *host)
{
	SSL	*ssl;

	if ((ssl = SSL_new(ctx)) == NULL)
		fatalx("SSL_new failed");
	if (host != NULL && strchr(host, ':') == NULL)
		SSL_set_tlsext_host_name(ssl, host);
	return ssl;
}

/* The fingerprint of the certificate the server showed; -1 if none. */
int
trust_peer(struct bufferevent *bev, char *fp)
{
	return fingerprint_peer(bufferevent_openssl_get_ssl(bev), fp);
}

/*
 * What went wrong in the TLS layer of bev, as text (the queue emptied);
 * false when the TLS layer reported nothing.
 */
bool
trust_error(struct bufferevent *bev, char *buf, size_t len)
{
	unsigned long	 e, first = 0;
	const char	*r;

	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		if (first == 0)
			first = e;
	}
	ERR_clear_error();
	if (first == 0)
		return false;
	r = ERR_reason_error_string(first);
	snprintf(buf, len, "%s", r != NULL ? r : "TLS handshake failed");
	return true;
}

/* The known_servers file: $XDG_CONFIG_HOME/cafeboard/known_servers. */
char *
trust_known_path(void)
{
	return paths_xdg("XDG_CONFIG_HOME", ".config", "known_servers", "");
}

/* The name a server is remembered by: HOST:PORT, [V6]:PORT. */
static void
trust_name(const struct client_opts *o, char *buf, size_t len)
{
	if (strchr(o->host, ':') != NULL)
		snprintf(buf, len, "[%s]:%s", o->host, o->port);
	else
		snprintf(buf, len, "%s:%s", o->host, o->port);
}

/*
 * The fingerprint known_servers holds for the server of o, into fp;
 * 0, or -1 when there is none (or no file).
 */
static int
trust_lookup(const struct client_opts *o, char *fp)
{
	char	*path = trust_known_path(), line[512], name[300], *p, *word;
	uint8_t	 md[FINGERPRINT_LEN];
	FILE	*f;
	int	 rc = -1;

	trust_name(o, name, sizeof name);
	if ((f = fopen(path, "r")) == NULL) {
		free(path);
		return -1;
	}
	while (rc != 0 && fgets(line, sizeof line, f) != NULL) {
		p = line + strspn(line, " \t");
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		word = p;
		p += strcspn(p, " \t\n");
		if (*p == '\0' || *p == '\n')
			continue;
		*p++ = '\0';
		if (strcasecmp(word, name) != 0)
			continue;
		p[strcspn(p, "\r\n")] = '\0';
		if (fingerprint_parse(p, md) == 0) {
			fingerprint_format(md, fp);
			rc = 0;
		}
	}
	fclose(f);
	free(path);
	return rc;
}

/*
 * Is fp the certificate we expect from the server of o?  The pin when
 * given, else what known_servers remembers; expected gets the one we
 * expected (FINGERPRINT_TEXT bytes), empty when we knew none.
 */
enum trust_verdict
trust_check(const struct client_opts *o, const char *fp, char *expected)
{
	uint8_t	md[FINGERPRINT_LEN];

	expected[0] = '\0';
	if (o->pin != NULL) {
		if (fingerprint_parse(o->pin, md) == 0)
			fingerprint_format(md, expected);
		return fingerprint_same(o->pin, fp) ? TRUST_OK :
		    TRUST_MISMATCH;
	}
	if (trust_lookup(o, expected) != 0)
		return TRUST_UNKNOWN;
	return fingerprint_same(expected, fp) ? TRUST_OK : TRUST_MISMATCH;
}

/* Make the directories of path (mode 0700); 0 or -1. */
static int
trust_mkdirs(const char *path)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/* Remember fp as the certificate of the server of o; 0, or -1 with err. */
int
trust_remember(const struct client_opts *o, const char *fp, char *err,
    size_t errlen)
{
	char	*path = trust_known_path(), name[300], line[512];
	int	 fd, n, rc = 0;

	trust_name(o, name, sizeof name);
	n = snprintf(line, sizeof line, "%s %s\n", name, fp);
	if (trust_mkdirs(path) != 0 || (fd = open(path, O_WRONLY | O_CREAT |
	    O_APPEND | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (write(fd, line, (size_t)n) != n)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	free(path);
	return rc;
}
