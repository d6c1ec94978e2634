/*
 * gen_fuzz_seeds.c -- write the seed corpora of the libFuzzer targets.
 *
 * Run once from the top of the tree after make; the output is checked in
 * under tests/fixtures/fuzz/ (crashes the fuzzers find are added there by
 * hand, under names that say what they were):
 *
 *	cc -std=c11 -D_GNU_SOURCE -Icommon -o /tmp/gen-seeds \
 *	    tests/gen_fuzz_seeds.c build/libcafeboard.a -lmsgpackc -lm &&
 *	    /tmp/gen-seeds tests/fixtures/fuzz
 *
 * The event log and the snapshot come from a board built through the model
 * as the server builds one (check, prepare, encode, append, apply): a café
 * with every kind of change.  The board files and the strings are the ones
 * workshops write, and the mistakes they make.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evlog.h"
#include "model.h"
#include "proto.h"

#define NOW	1700000000000LL

static struct model	*board;
static struct evlog	*logf;
static struct proto_buf	 scratch;
static const char	*top;

/* Write len bytes after an optional mode byte to top/dir/name. */
static void
put(const char *dir, const char *name, int mode, const void *data,
    size_t len)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", top, dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%s/%s", top, dir, name);
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		exit(1);
	}
	if (mode >= 0)
		fputc(mode, f);
	if (len > 0)
		fwrite(data, 1, len, f);
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* The whole file at path (malloc'd); exits if it cannot be read. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	uint8_t	*buf;
	long	 n;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Copy a file of the tree into the corpus, after a mode byte. */
static void
copy(const char *src, const char *dir, const char *name, int mode)
{
	uint8_t	*buf;
	size_t	 len;

	buf = slurp(src, &len);
	put(dir, name, mode, buf, len);
	free(buf);
}

/* One change by who (0: the server), as the server makes it. */
static void
change(uint32_t who, struct proto_op op)
{
	static const uint8_t	zero[PROTO_CLIENT_LEN];
	struct proto_event	ev;
	const char		*why;
	char			err[256];
	size_t			n;

	if (model_check(board, who, &op, NOW, &why) != 0) {
		fprintf(stderr, "gen-seeds: %s refused: %s\n",
		    proto_kind_name(op.kind), why);
		exit(1);
	}
	model_prepare(board, &op, NOW);
	memset(&ev, 0, sizeof ev);
	ev.seq = board->head + 1;
	ev.origin = who;
	ev.op_id = who == 0 ? 0 : (uint32_t)ev.seq;
	ev.op = op;
	proto_buf_reset(&scratch);
	if ((n = proto_enc_event(&scratch, &ev)) == 0 ||
	    evlog_append(logf, ev.seq, NOW + (int64_t)ev.seq * 1000, zero,
	    scratch.data + PROTO_FRAME_HDR, n - PROTO_FRAME_HDR, err,
	    sizeof err) != 0 || model_apply(board, &ev, NOW, NULL) != 0) {
		fprintf(stderr, "gen-seeds: seq %llu: %s\n",
		    (unsigned long long)ev.seq, err);
		exit(1);
	}
	model_op_clear(&op);
}

/* An op of kind with the fields given. */
#define OP(...)	((struct proto_op){ __VA_ARGS__ })

/* The café: every kind of change a workshop makes. */
static void
build_board(void)
{
	struct proto_op	s = OP(.kind = OP_SETTINGS);
	uint64_t	t1, t2, c1, c2, c3;
	uint32_t	p;

	s.settings.has = SET_TITLE | SET_CODE | SET_DOTS | SET_BLIND |
	    SET_KEEP;
	s.settings.title = "Caf\xc3\xa9 de l'emploi";
	s.settings.code = "territoire";
	s.settings.dots = 3;
	s.settings.blind = true;
	s.settings.keep = 2;
	change(0, s);
	change(0, OP(.kind = OP_BANNER, .text = "Bienvenue \xe2\x98\x95"));
	t1 = board->head + 1;
	change(0, OP(.kind = OP_TABLE_ADD, .text = "Comment mieux "
	    "coop\xc3\xa9rer ?", .theme = "Acc\xc3\xa8s"));
	t2 = board->head + 1;
	change(0, OP(.kind = OP_TABLE_ADD, .text = "\xe6\x98\x8e\xe7\xbe\x8e "
	    "\xe2\x80\x94 \xc2\xab oui \xc2\xbb", .theme = ""));
	for (p = 1; p <= 4; p++) {
		static const char *const names[] = { "Nadia", "Zo\xc3\xa9",
		    "Bruno", "\xe6\x98\x8e\xe7\xbe\x8e" };
		struct proto_op j = OP(.kind = OP_JOINED, .participant = p,
		    .text = (char *)names[p - 1]);

		j.client[0] = (uint8_t)p;
		change(0, j);
	}
	change(0, OP(.kind = OP_ROLE, .participant = 1,
	    .role = ROLE_FACILITATOR));
	change(2, OP(.kind = OP_TABLE_SIT, .table = t1));
	change(3, OP(.kind = OP_TABLE_SIT, .table = t1));
	change(4, OP(.kind = OP_TABLE_SIT, .table = t2));
	change(1, OP(.kind = OP_PHASE, .phase = PHASE_IDEAS));
	change(1, OP(.kind = OP_TIMER, .action = TIMER_START, .seconds = 600,
	    .text = "Tour 1"));
	c1 = board->head + 1;
	change(2, OP(.kind = OP_CARD_ADD, .table = t1, .text = "Un guichet "
	    "unique"));
	c2 = board->head + 1;
	change(3, OP(.kind = OP_CARD_ADD, .table = t1, .text = "Des "
	    "\xc3\xa9quipes\nmixtes"));
	change(3, OP(.kind = OP_CARD_ADD, .table = t1, .parent = c1,
	    .text = "et un num\xc3\xa9ro"));
	c3 = board->head + 1;
	change(4, OP(.kind = OP_CARD_ADD, .table = t2, .text = "\xe5\x8d\x94"
	    "\xe5\x8a\x9b \xf0\x9f\x99\x82"));
	change(2, OP(.kind = OP_CARD_EDIT, .card = c1, .text = "Un guichet "
	    "unique, vraiment"));
	change(4, OP(.kind = OP_CARD_ADD, .table = t2, .text = "doublon"));
	change(4, OP(.kind = OP_CARD_DELETE, .card = board->head));
	change(1, OP(.kind = OP_TIMER, .action = TIMER_PAUSE));
	change(1, OP(.kind = OP_TIMER, .action = TIMER_ADD, .seconds = 60));
	change(1, OP(.kind = OP_TIMER, .action = TIMER_RESUME));
	change(2, OP(.kind = OP_READY, .flag = true));
	change(1, OP(.kind = OP_PHASE, .phase = PHASE_GROUP));
	change(2, OP(.kind = OP_CARD_GROUP, .card = c2, .head = c1));
	change(3, OP(.kind = OP_CLUSTER_TITLE, .head = c1, .text = "Accueil"));
	change(1, OP(.kind = OP_FOLLOW, .view = 1, .table = t1));
	change(1, OP(.kind = OP_PHASE, .phase = PHASE_VOTE));
	change(2, OP(.kind = OP_VOTE, .card = c1, .delta = 1));
	change(3, OP(.kind = OP_VOTE, .card = c1, .delta = 1));
	change(3, OP(.kind = OP_VOTE, .card = c2, .delta = 1));
	change(3, OP(.kind = OP_VOTE, .card = c2, .delta = -1));
	change(4, OP(.kind = OP_VOTE, .card = c3, .delta = 1));
	change(1, OP(.kind = OP_PHASE, .phase = PHASE_HARVEST));
	change(1, OP(.kind = OP_KEEP, .card = c1, .flag = true));
	change(1, OP(.kind = OP_ROTATE));
	change(1, OP(.kind = OP_TABLE_EDIT, .table = t2, .text = "Et "
	    "demain ?", .theme = "Suite"));
	change(1, OP(.kind = OP_PHASE, .phase = PHASE_CLOSED));
}

/* The event log and snapshot seeds, from the café and the fixtures. */
static void
seeds_log_and_snapshot(const char *fixtures)
{
	static const char *const logs[] = { "clean.log", "bitflip.log",
	    "torn.log", "seqgap.log", "zerotail.log", "badmagic.log" };
	struct proto_buf	 st;
	uint8_t			*buf;
	size_t			 len, i, mid;
	char			 dir[] = "/tmp/gen-seeds-XXXXXX", path[256];
	char			 err[256], src[1024];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof path, "%s/events.log", dir);
	board = model_new("seed");
	proto_buf_init(&scratch);
	logf = evlog_open(path, EVLOG_CREATE, NULL, NULL, NULL, err,
	    sizeof err);
	if (logf == NULL) {
		fprintf(stderr, "gen-seeds: %s\n", err);
		exit(1);
	}
	build_board();
	evlog_sync(logf);
	evlog_close(logf);
	buf = slurp(path, &len);
	put("evlog", "cafe", 0, buf, len);
	put("evlog", "cafe-crc", 1, buf, len);
	/* A middle record whose body changed, CRC made right by the target. */
	mid = len / 2;
	buf[mid] ^= 0x21;
	put("evlog", "cafe-body-changed", 1, buf, len);
	put("evlog", "cafe-bitflip", 0, buf, len);
	put("evlog", "cafe-torn", 0, buf, len - 7);
	put("evlog", "header-only", 0, buf, 8);
	put("evlog", "empty", 0, buf, 0);
	free(buf);
	for (i = 0; i < sizeof logs / sizeof logs[0]; i++) {
		snprintf(src, sizeof src, "%s/%s", fixtures, logs[i]);
		copy(src, "evlog", logs[i], 0);
	}

	proto_buf_init(&st);
	model_state_write(board, 0, NOW, &st);
	put("snapshot", "cafe-state", (int)((board->head << 1) & 0xfe),
	    st.data, st.len);
	put("snapshot", "empty-state", 0, st.data, 0);
	if (evlog_snapshot_write(dir, board->head, st.data, st.len, err,
	    sizeof err) != 0) {
		fprintf(stderr, "gen-seeds: %s\n", err);
		exit(1);
	}
	snprintf(path, sizeof path, "%s/snapshot", dir);
	copy(path, "snapshot", "cafe-file", 1);
	snprintf(src, sizeof src, "%s/snapshot.good", fixtures);
	copy(src, "snapshot", "fixture-file", 1);
	proto_buf_free(&st);
	unlink(path);
	snprintf(path, sizeof path, "%s/events.log", dir);
	unlink(path);
	rmdir(dir);
	model_free(board);
	proto_buf_free(&scratch);
}

/* Board files: the example, an editor's, and each kind of mistake. */
static void
seeds_boardfile(void)
{
	static const struct {
		const char *name, *text;
	} files[] = {
		{ "small", "title: Atelier\ncode: 1234\ndots: 5\n"
		    "multi_vote: yes\nblind: no\nprivate: on\nanonymous: off\n"
		    "freeze_at_zero: true\nlocked: false\nkeep: 3\n"
		    "banner: Bienvenue\ntheme: Un\nquestion: Pourquoi ?\n"
		    "theme: Deux\nquestion: Comment ?\n  suite de la "
		    "question\n\tet fin\n" },
		{ "comments", "# a comment\n\n# another\ntitle: x\n" },
		{ "crlf", "title: a\r\nquestion: b\r\n  c\r\n" },
		{ "unknown-key", "titel: x\n" },
		{ "far-key", "zzzzzzzz: x\n" },
		{ "missing-colon", "title x\n" },
		{ "twice", "title: a\ntitle: b\n" },
		{ "bad-bool", "blind: maybe\n" },
		{ "bad-number", "dots: 100\n" },
		{ "empty-title", "title:\n" },
		{ "lone-continuation", "  indented first\n" },
		{ "indented-key", "title: a\n  question: b\n" },
		{ "indented-comment", "title: a\n  # not a comment\n" },
		{ "control", "title: a\x1b[2J\n" },
		{ "bidi", "title: a\xe2\x80\xae" "b\n" },
		{ "bad-utf8", "title: \xc3\x28\n" },
		{ "nul", "title: a\0b\n" },
		{ "no-newline", "question: last line" },
		{ "bom-only", "\xef\xbb\xbf" },
	};
	size_t	i;

	copy("examples/seed-cafe.board", "boardfile", "seed-cafe", -1);
	copy("tests/fixtures/boardfile/crlf-bom.board", "boardfile",
	    "crlf-bom", -1);
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		put("boardfile", files[i].name, -1, files[i].text,
		    strcmp(files[i].name, "nul") == 0 ? 12 :
		    strlen(files[i].text));
}

/* Strings: names, look-alikes, scripts, controls, bad UTF-8. */
static void
seeds_text(void)
{
	static const char *const strings[] = {
		"Anne", "Zo\xc3\xa9", "ZO\xc3\x89", "Zoe\xcc\x81",
		"\xef\xbc\xba\xef\xbd\x8f\xc3\xa9",
		"Anne\xe2\x80\x8b", "Anne\xe2\x81\xa0", "Anne\xef\xbb\xbf",
		"\xe2\x80\x8b\xe2\x80\x8b", "\xe3\x85\xa4\xe1\x85\x9f",
		"Id\xc3\xa9" "e : \xc2\xab acc\xc3\xa8s \xc3\xa0 l'emploi \xc2\xbb"
		    " \xe2\x80\x94 \xc5\x93uvre",
		"\xe6\x98\x8e\xe7\xbe\x8e \xe3\x81\x95\xe3\x82\x93",
		"\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xe1\x84\x80\xe1\x85\xa1",
		"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
		"\xce\xb1\xce\xb2\xce\xb3 \xce\xa3\xce\x91\xce\xa3",
		"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \xd8\x80\xd9\xa1",
		"\xef\xb7\xba", "\xe3\x8d\xb1 \xe2\x85\xab \xef\xac\x81",
		"Stra\xc3\x9f" "e \xe1\xba\x9e \xc4\xb0",
		"a\xcc\x81\xcc\xa7 e\xcc\xa7\xcc\x81 \xe0\xbd\xb3",
		"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
		    "\xf0\x9f\x91\xa7 \xe2\x9d\xa4\xef\xb8\x8f",
		"\x1b[2J\x1b]0;x\x07 \xc2\x9b" "31m",
		"abc\xe2\x80\xae" "fdp.exe \xe2\x81\xa6x\xe2\x81\xa9",
		"a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\nd\re\tf",
		"\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xff \xe2\x82",
		"  Jean\xc2\xa0 Paul \xe3\x80\x80",
		"---", "\xe2\xa0\x80", "\xf0\x9f\x99\x82",
		"\xe1\xb4\xac\xe2\x81\xbf\xe2\x81\xbf\xe1\xb5\x89",
		"\xef\xbd\xb6\xef\xbe\x9e \xea\xb0\x80\xe1\x86\xa8",
	};
	char	name[32];
	size_t	i;

	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		snprintf(name, sizeof name, "s%02zu", i);
		put("text", name, -1, strings[i], strlen(strings[i]));
	}
}

/* gen-seeds DIR: write every corpus under DIR. */
int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-seeds tests/fixtures/fuzz\n");
		return 2;
	}
	top = argv[1];
	if (mkdir(top, 0755) == -1 && errno != EEXIST) {
		perror(top);
		return 1;
	}
	seeds_log_and_snapshot("tests/fixtures/evlog");
	seeds_boardfile();
	seeds_text();
	return 0;
}
