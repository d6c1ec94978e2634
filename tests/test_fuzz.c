/*
 * test_fuzz.c -- make check replays the corpus of each libFuzzer target
 * (tests/fixtures/fuzz/NAME: the seeds, and every input the fuzzers found
 * that once failed) through the very entry point the fuzzer calls, built
 * without libFuzzer, its checks turned into assertions.  The protocol
 * target's corpus is replayed by test_proto.c.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which input the checks below are looking at. */
static const char *fuzz_current = "";

#define FUZZ_CHECK(c)	cr_assert((c), "%s: %s", fuzz_current, #c)
#define FUZZ_NO_MAIN
#include "fuzz_boardfile.c"
#include "fuzz_evlog.c"
#include "fuzz_snapshot.c"
#include "fuzz_text.c"

/* Remove the targets' directory and what is left in it. */
static void
fuzz_fini(void)
{
	fuzz_dir_remove();
}

TestSuite(fuzz, .fini = fuzz_fini, .timeout = 300);

/*
 * Feed every file of tests/fixtures/fuzz/name to one, after init; at least
 * least files are there.
 */
static void
replay(const char *name, void (*init)(void),
    int (*one)(const uint8_t *, size_t), int least)
{
	struct dirent	*de;
	DIR		*d;
	const char	*top = getenv("CB_TOP");
	char		 dir[1024], path[2048];
	uint8_t		*p;
	size_t		 len;
	int		 count = 0;

	init();
	snprintf(dir, sizeof dir, "%s/tests/fixtures/fuzz/%s",
	    top != NULL ? top : ".", name);
	d = opendir(dir);
	cr_assert_not_null(d, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		p = fuzz_read(path, &len);
		cr_assert_not_null(p, "%s", path);
		fuzz_current = path;
		one(p, len);
		free(p);
		count++;
	}
	closedir(d);
	cr_assert_geq(count, least, "only %d files in %s", count, dir);
}

Test(fuzz, evlog_corpus)
{
	replay("evlog", fuzz_evlog_init, fuzz_evlog_one, 8);
}

Test(fuzz, snapshot_corpus)
{
	replay("snapshot", fuzz_snapshot_init, fuzz_snapshot_one, 4);
}

Test(fuzz, boardfile_corpus)
{
	replay("boardfile", fuzz_boardfile_init, fuzz_boardfile_one, 8);
}

Test(fuzz, text_corpus)
{
	replay("text", fuzz_text_init, fuzz_text_one, 20);
}
