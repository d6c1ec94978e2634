/*
 * fingerprint.h -- SHA-256 certificate fingerprints as people read them.
 *
 * Written as `openssl x509 -noout -fingerprint -sha256` prints them: 32
 * bytes in upper-case hex separated by colons.  Read with the colons and
 * the case optional, so that a fingerprint read aloud or typed from a
 * slide is accepted.  The digest of a certificate, ours or a peer's, comes
 * from OpenSSL.
 */
#ifndef CB_FINGERPRINT_H
#define CB_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FINGERPRINT_LEN		32		/* SHA-256 */
/* "AB:CD:...": 3 characters a byte, the last colon a terminating NUL. */
#define FINGERPRINT_TEXT	(FINGERPRINT_LEN * 3)

/* Write digest as "AB:CD:..." into out (FINGERPRINT_TEXT bytes). */
void	 fingerprint_format(const uint8_t *, char *);
/*
 * Read a fingerprint typed with or without colons, in any case, with an
 * optional "SHA256 Fingerprint=" or "sha256:" in front; 0, or -1 when it
 * is not 32 bytes of hex.
 */
int	 fingerprint_parse(const char *, uint8_t *);
/* True if the two texts name the same fingerprint (both must parse). */
bool	 fingerprint_same(const char *, const char *);

struct x509_st;
struct ssl_st;
/* The fingerprint of certificate x as text into fp; 0, or -1. */
int	 fingerprint_cert(struct x509_st *, char *);
/* The fingerprint of the certificate the TLS peer showed; 0, or -1. */
int	 fingerprint_peer(struct ssl_st *, char *);

#endif /* CB_FINGERPRINT_H */
