/*
 * fuzz_boardfile.c -- libFuzzer target for the board-file parser.
 *
 * Every input is a board file.  The parser never crashes, leaks or reads
 * out of bounds; a refusal names its line and leaves nothing to free; a
 * file it accepts holds only protocol-clean text and builds a board as
 * `cafeboard-server create` builds it: every op it gives passes the
 * model's checks, in order.
 *
 *   make fuzz                          libFuzzer for FUZZ_SECONDS
 *   make check                         replays tests/fixtures/fuzz/boardfile
 */
#include "boardfile.h"
#include "fuzz.h"
#include "model.h"
#include "proto.h"
#include "text.h"

/* Once per process: nothing (messages stay in English). */
static void
fuzz_boardfile_init(void)
{
}

/* Text of an op is protocol text of one line (NULL counts as empty). */
static int
fuzz_boardfile_clean(const char *s)
{
	return s == NULL || text_check(s, strlen(s), false, NULL) == TEXT_OK;
}

/* One input: see the top of the file. */
static int
fuzz_boardfile_one(const uint8_t *data, size_t size)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	struct model		*m;
	const char		*why;
	size_t			 n, i;
	int64_t			 now = 1700000000000LL;
	char			 err[512];

	if (boardfile_parse((const char *)data, size, &bf, err,
	    sizeof err) != 0) {
		FUZZ_CHECK(strncmp(err, "line ", 5) == 0);
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		FUZZ_CHECK(bf.ntables == 0 && bf.tables == NULL &&
		    bf.banner == NULL && bf.settings.title == NULL);
		return 0;
	}
	FUZZ_CHECK(fuzz_boardfile_clean(bf.settings.title) &&
	    fuzz_boardfile_clean(bf.settings.code) &&
	    fuzz_boardfile_clean(bf.banner));
	n = boardfile_ops(&bf, &ops);
	FUZZ_CHECK(n <= bf.ntables + 2);
	m = model_new("fuzz");
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(fuzz_boardfile_clean(ops[i].text) &&
		    fuzz_boardfile_clean(ops[i].theme));
		/* What the file says, create does. */
		FUZZ_CHECK(model_submit(m, 0, NULL, 0, &ops[i], now, NULL,
		    &why) == 0);
	}
	FUZZ_CHECK(m->ntables == bf.ntables);
	model_free(m);
	free(ops);
	boardfile_free(&bf);
	return 0;
}

FUZZ_TARGET(boardfile)
