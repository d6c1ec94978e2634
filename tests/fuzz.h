/*
 * fuzz.h -- what the libFuzzer targets share: the check that fails an
 * input, a private directory for targets that read files, and the clock
 * server/store.c asks for.
 *
 * A target is tests/fuzz_NAME.c: fuzz_NAME_init() once, then
 * fuzz_NAME_one(data, size) per input.  Built with libFuzzer (make fuzz),
 * it gets LLVMFuzzerInitialize and LLVMFuzzerTestOneInput; built into
 * test_fuzz.c (FUZZ_NO_MAIN), make check replays its corpus through the
 * same entry point, with FUZZ_CHECK an assertion.
 */
#ifndef CB_FUZZ_H
#define CB_FUZZ_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A failed check: abort (a crash to libFuzzer); the tests override it. */
#ifndef FUZZ_CHECK
#define FUZZ_CHECK(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "fuzz: check failed: %s (%s:%d)\n", #c,	\
		    __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)
#endif

/* The targets of one binary share one directory, made once. */
static char	fuzz_dir[64];

/* Remove the private directory and the files in it. */
static void
fuzz_dir_remove(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[512];

	if (fuzz_dir[0] == '\0' || (d = opendir(fuzz_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", fuzz_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(fuzz_dir);
	fuzz_dir[0] = '\0';
}

/*
 * Make the private directory (in memory when /dev/shm exists); it goes
 * when the process exits (a crash leaves it, beside its input).
 */
static void
fuzz_dir_init(void)
{
	if (fuzz_dir[0] != '\0')
		return;
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/cafeboard-fuzz-XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_dir_remove);
}

/* fuzz_dir/name into buf. */
static void
fuzz_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", fuzz_dir, name);
}

/* Write data to the file at path, replacing it. */
static void
fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE	*f;

	if ((f = fopen(path, "wb")) == NULL ||
	    (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

/* The whole file at path (malloc'd), its length in *len; NULL if none. */
static uint8_t *
fuzz_read(const char *path, size_t *len)
{
	FILE	*f;
	uint8_t	*buf = NULL;
	size_t	 cap = 0, n;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (cap - *len < 4096) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		if ((n = fread(buf + *len, 1, cap - *len, f)) == 0)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

/* Remove the files fuzz_dir/names... (NULL terminated) if there. */
static void
fuzz_unlink(const char *const *names)
{
	char	path[128];

	for (; *names != NULL; names++) {
		fuzz_path(path, sizeof path, *names);
		unlink(path);
	}
}

/* server/store.c's clock: the wall clock, as the server's. */
int64_t	server_now_ms(void);
int64_t
server_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The libFuzzer entry points of target NAME, which call fuzz_NAME_init
 * and fuzz_NAME_one; nothing when the target is built into test_fuzz.c.
 */
#ifndef FUZZ_NO_MAIN
#define FUZZ_TARGET(name)						\
int	LLVMFuzzerInitialize(int *, char ***);				\
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);		\
									\
int									\
LLVMFuzzerInitialize(int *argc, char ***argv)				\
{									\
	(void)argc;							\
	(void)argv;							\
	fuzz_##name##_init();						\
	return 0;							\
}									\
									\
int									\
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)		\
{									\
	return fuzz_##name##_one(data, size);				\
}
#else
#define FUZZ_TARGET(name)
#endif

#endif /* CB_FUZZ_H */
