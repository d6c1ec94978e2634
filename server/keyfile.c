/*
 * keyfile.c -- the facilitator key: one secret line in a file of mode 0600.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "server.h"

#define KEYFILE_RANDOM	24	/* bytes of randomness: 48 hex characters */

/* Write a new random key to path (which must not exist). */
static int
keyfile_create(const char *path, char *key, size_t keylen, char *err,
    size_t errlen)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t	 rnd[KEYFILE_RANDOM];
	char	 line[2 * KEYFILE_RANDOM + 2];
	size_t	 i, off = 0;
	ssize_t	 n;
	int	 fd;

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof rnd; i++) {
		line[2 * i] = hex[rnd[i] >> 4];
		line[2 * i + 1] = hex[rnd[i] & 0xf];
	}
	line[2 * sizeof rnd] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (off < sizeof line - 1) {
		n = write(fd, line + off, sizeof line - 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	line[2 * sizeof rnd] = '\0';
	snprintf(key, keylen, "%s", line);
	return 0;
}

/*
 * Read the key from path into key.  When the file is missing and create is
 * true, make one and set *created.  Refuses an empty or malformed key and
 * one that others can read.  err is for whoever starts the server: in the
 * language of the messages.
 */
int
keyfile_load(const char *path, bool create, char *key, size_t keylen,
    bool *created, char *err, size_t errlen)
{
	struct stat	 st;
	char		 buf[PROTO_KEY_MAX + 2];
	ssize_t		 n;
	size_t		 len, i;
	int		 fd;

	*created = false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && create) {
		if (keyfile_create(path, key, keylen, err, errlen) != 0)
			return -1;
		*created = true;
		return 0;
	}
	if (fd == -1) {
		snprintf(err, errlen, _("facilitator key %s: %s"), path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
		snprintf(err, errlen, _("facilitator key %s can be read by "
		    "others (mode %03o); run: chmod 600 %s"), path,
		    (unsigned)(st.st_mode & 0777), path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, _("facilitator key %s: %s"), path,
		    strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0 || len > PROTO_KEY_MAX || len >= keylen) {
		snprintf(err, errlen, _("facilitator key %s: expected one "
		    "line of 1 to %d characters"), path, PROTO_KEY_MAX);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] <= ' ' || buf[i] > '~') {
			snprintf(err, errlen, _("facilitator key %s: only "
			    "printable ASCII without spaces"), path);
			return -1;
		}
	}
	memcpy(key, buf, len + 1);
	return 0;
}

/* Compare two keys in time that does not depend on where they differ. */
bool
keyfile_equal(const char *a, const char *b)
{
	size_t		la = strlen(a), lb = strlen(b), i;
	unsigned char	diff = la != lb;

	for (i = 0; i < la && i < PROTO_KEY_MAX; i++)
		diff |= (unsigned char)(a[i] ^ b[i % (lb == 0 ? 1 : lb)]);
	return diff == 0 && la > 0;
}
