/*
 * fingerprint.c -- SHA-256 certificate fingerprints as people read them.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "fingerprint.h"

/* Write digest as "AB:CD:..." into out (FINGERPRINT_TEXT bytes). */
void
fingerprint_format(const uint8_t *digest, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	i;

	for (i = 0; i < FINGERPRINT_LEN; i++) {
		out[3 * i] = hex[digest[i] >> 4];
		out[3 * i + 1] = hex[digest[i] & 0xf];
		out[3 * i + 2] = ':';
	}
	out[FINGERPRINT_TEXT - 1] = '\0';
}

/* The value of a hex digit, or -1. */
static int
fingerprint_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Read a fingerprint typed with or without colons, in any case, with an
 * optional label in front; 0, or -1 when it is not 32 bytes of hex.
 */
int
fingerprint_parse(const char *s, uint8_t *out)
{
	static const char *const labels[] = {
		"sha256 fingerprint=", "sha256:", "sha256=",
	};
	size_t	i, n = 0;
	int	hi, lo;

	while (isspace((unsigned char)*s))
		s++;
	for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (strncasecmp(s, labels[i], strlen(labels[i])) == 0) {
			s += strlen(labels[i]);
			break;
		}
	}
	while (*s != '\0' && !isspace((unsigned char)*s)) {
		if (*s == ':') {
			s++;
			continue;
		}
		if (n == FINGERPRINT_LEN ||
		    (hi = fingerprint_digit((unsigned char)s[0])) < 0 ||
		    (lo = fingerprint_digit((unsigned char)s[1])) < 0)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	while (isspace((unsigned char)*s))
		s++;
	return n == FINGERPRINT_LEN && *s == '\0' ? 0 : -1;
}

/* True if the two texts name the same fingerprint (both must parse). */
bool
fingerprint_same(const char *a, const char *b)
{
	uint8_t	da[FINGERPRINT_LEN], db[FINGERPRINT_LEN];

	return fingerprint_parse(a, da) == 0 && fingerprint_parse(b, db) == 0 &&
	    memcmp(da, db, sizeof da) == 0;
}

/* The fingerprint of certificate x as text into fp; 0, or -1. */
int
fingerprint_cert(X509 *x, char *fp)
{
	uint8_t		md[EVP_MAX_MD_SIZE];
	unsigned	n = 0;

	if (x == NULL || !X509_digest(x, EVP_sha256(), md, &n) ||
	    n != FINGERPRINT_LEN)
		return -1;
	fingerprint_format(md, fp);
	return 0;
}

/* The fingerprint of the certificate the TLS peer showed; 0, or -1. */
int
fingerprint_peer(SSL *ssl, char *fp)
{
	X509	*x;
	int	 rc;

	if (ssl == NULL || (x = SSL_get1_peer_certificate(ssl)) == NULL)
		return -1;
	rc = fingerprint_cert(x, fp);
	X509_free(x);
	return rc;
}
