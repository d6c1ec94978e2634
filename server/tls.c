/*
 * tls.c -- the server's TLS: its certificate (made on first start when the
 * administrator gives none), the context every TLS listener shares, and
 * the certificate's SHA-256 fingerprint that clients pin.
 *
 * The certificate is self-signed: clients trust it by its fingerprint (a
 * pin on the command line, or trust on first use), not through a CA, so
 * nothing but the key's secrecy matters.  It is made with OpenSSL's API;
 * nothing is run through a shell.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fingerprint.h"
#include "i18n.h"
#include "server.h"
#include "xmalloc.h"

#define TLS_CERT_DAYS	3650	/* a self-signed certificate's life */

/* The first OpenSSL error queued, as text (the queue is emptied). */
static const char *
tls_error(void)
{
	unsigned long	 e = ERR_get_error();
	const char	*r;

	ERR_clear_error();
	if (e == 0)
		return "unknown error";
	r = ERR_reason_error_string(e);
	return r != NULL ? r : "unknown error";
}

/* Write a PEM object to path (which must not exist) with mode. */
static int
tls_write_pem(const char *path, mode_t mode, X509 *x, EVP_PKEY *pkey,
    char *err, size_t errlen)
{
	FILE	*f;
	int	 fd, ok;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	ok = x != NULL ? PEM_write_X509(f, x) : PEM_write_PrivateKey(f, pkey,
	    NULL, NULL, 0, NULL, NULL);
	if (!ok || fflush(f) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, ok ? strerror(errno) :
		    tls_error());
		fclose(f);
		unlink(path);
		return -1;
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/*
 * Make a P-256 key and a self-signed certificate for it (CN: the host's
 * name), and write them to key_path (0600) and cert_path (0644).
 */
static int
tls_make_cert(const char *cert_path, const char *key_path, char *err,
    size_t errlen)
{
	EVP_PKEY	*pkey;
	X509		*x = NULL;
	X509_NAME	*name;
	uint8_t		 serial[16];
	BIGNUM		*bn = NULL;
	char		 host[256], cn[300];
	int		 rc = -1;

	if ((pkey = EVP_EC_gen("P-256")) == NULL) {
		snprintf(err, errlen, "key generation: %s", tls_error());
		return -1;
	}
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(cn, sizeof cn, "cafeboard-server %s", host);
	if (getrandom(serial, sizeof serial, 0) != (ssize_t)sizeof serial) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		goto out;
	}
	serial[0] &= 0x7f;	/* a positive serial number */
	if ((x = X509_new()) == NULL ||
	    !X509_set_version(x, 2) ||
	    (bn = BN_bin2bn(serial, sizeof serial, NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
	    (long)TLS_CERT_DAYS * 86400) == NULL ||
	    !X509_set_pubkey(x, pkey) ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    !X509_sign(x, pkey, EVP_sha256())) {
		snprintf(err, errlen, "certificate: %s", tls_error());
		goto out;
	}
	if (tls_write_pem(key_path, 0600, NULL, pkey, err, errlen) != 0)
		goto out;
	if (tls_write_pem(cert_path, 0644, x, NULL, err, errlen) != 0) {
		unlink(key_path);
		goto out;
	}
	rc = 0;
out:
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return rc;
}

/*
 * The TLS context of the listeners, from cert_path and key_path.  made
 * (may be NULL): when both files are missing, make them first and say so.
 * The certificate's fingerprint goes to fp (FINGERPRINT_TEXT bytes).
 * NULL with err when the files cannot be used.
 */
SSL_CTX *
tls_server_ctx(const char *cert_path, const char *key_path, bool *made,
    char *fp, char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	X509		*x;
	struct stat	 st;

	if (made != NULL) {
		*made = false;
		if (access(cert_path, F_OK) != 0 && errno == ENOENT &&
		    access(key_path, F_OK) != 0 && errno == ENOENT) {
			if (tls_make_cert(cert_path, key_path, err,
			    errlen) != 0)
				return NULL;
			*made = true;
		}
	}
	if (stat(key_path, &st) == 0 && (st.st_mode & 077) != 0) {
		snprintf(err, errlen, _("TLS key %s can be read by others "
		    "(mode %03o); run: chmod 600 %s"), key_path,
		    (unsigned)(st.st_mode & 0777), key_path);
		return NULL;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		fatalx("SSL_CTX_new: %s", tls_error());
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) {
		snprintf(err, errlen, _("TLS certificate %s: %s"), cert_path,
		    tls_error());
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, _("TLS key %s: %s"), key_path,
		    tls_error());
		SSL_CTX_free(ctx);
		return NULL;
	}
	x = SSL_CTX_get0_certificate(ctx);
	if (fingerprint_cert(x, fp) != 0)
		fatalx("cannot compute the certificate's fingerprint");
	return ctx;
}

/* A server-side TLS session on ctx for one accepted connection. */
SSL *
tls_server_session(SSL_CTX *ctx)
{
	SSL	*ssl;

	if ((ssl = SSL_new(ctx)) == NULL)
		fatalx("SSL_new: %s", tls_error());
	return ssl;
}

/* Release the context. */
void
tls_server_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}
