/*
 * test_export.c -- the harvest a facilitator sends out is right, safe and
 * the same on every machine.
 *
 * A small café is played through model_apply (two themes, three tables,
 * five people, replies, clusters, votes, kept ideas, a deleted card with
 * live replies, text that is dangerous in Markdown and in spreadsheets) and
 * each export is compared byte for byte with a golden file under
 * tests/fixtures/export/.  Python's csv and json modules then read the CSV
 * and the JSON back and check the values against the model.
 *
 * The Markdown report's own words follow the language of the messages:
 * mini-cafe.fr.md is the same report in French, from the build tree's
 * catalogue (build/locale, which make check builds); CSV and JSON never
 * change with the language.
 *
 * After a deliberate change of format, regenerate the golden files with
 *     CB_REGEN_EXPORT=1 ./build/tests/test_export --filter 'export/golden*'
 * (run from the top of the tree, or with CB_TOP set), then read the diff of
 * tests/fixtures/export/ line by line before committing it.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "model.h"
#include "tsupport.h"
#include "xmalloc.h"

#define T0		1795354200250LL	/* 2026-11-22T13:30:00.250Z */
#define JOIN_CODE	"secret-code-42"

/* The model being played and the clock of its events. */
struct cafe {
	struct model	*m;
	int64_t		 now;
	uint32_t	 op_ids[16];
	uint64_t	 t1, t2, t3;	/* table ids */
};

/* Sequence op as made by origin (0: the server) and apply it. */
static uint64_t
play(struct cafe *c, uint32_t origin, const struct proto_op *op)
{
	struct proto_event	ev;

	memset(&ev, 0, sizeof ev);
	/* The first event at T0, then one about every 8 seconds. */
	c->now = c->m->head == 0 ? T0 : c->now + 7919;
	ev.seq = c->m->head + 1;
	ev.origin = origin;
	ev.op_id = origin != 0 ? ++c->op_ids[origin] : 0;
	ev.op = *op;
	cr_assert_eq(model_apply(c->m, &ev, c->now, NULL), 0);
	return ev.seq;
}

/* A participant joins (server-made). */
static void
join(struct cafe *c, uint32_t id, const char *name)
{
	struct proto_op	op = OP(.kind = OP_JOINED, .participant = id,
			    .text = (char *)name);

	memset(op.client, (int)id, sizeof op.client);
	play(c, 0, &op);
}

/* A card written by who; returns its id. */
static uint64_t
card(struct cafe *c, uint32_t who, uint64_t table, uint64_t parent,
    const char *text)
{
	return play(c, who, &ADD(table, text, parent));
}

/* Play the mini-café.  anonymous: the board hides authors. */
static void
cafe_play(struct cafe *c, bool anonymous)
{
	struct proto_op	op;
	uint64_t	c18, c19, c21, c23, c25, c26, c30;

	memset(c, 0, sizeof *c);
	c->m = model_new("cafe-test");

	join(c, 1, "Claire");
	play(c, 1, &ROLE(1, ROLE_FACILITATOR));
	play(c, 1, &SETTINGS(.has = SET_TITLE | SET_CODE | SET_ANONYMOUS,
	    .title = "Café de l'emploi — *atelier* #2", .code = JOIN_CODE,
	    .anonymous = anonymous));
	play(c, 1, &BANNER("Bienvenue !"));

	op = TADD("Comment garantir une bonne orientation des publics ?");
	op.theme = "Accompagnement des personnes";
	c->t1 = play(c, 1, &op);
	op.text = "Comment faciliter l'accès aux solutions [d'insertion] ?";
	c->t2 = play(c, 1, &op);
	op.text = "-2+3 : comment mieux répondre aux employeurs ?";
	op.theme = "Services aux employeurs & entreprises";
	c->t3 = play(c, 1, &op);

	join(c, 2, "Amélie");
	join(c, 3, "Bob");
	join(c, 4, "@lice");
	join(c, 5, "Dan");
	play(c, 1, &ROLE(5, ROLE_HOST));
	play(c, 2, &SIT(c->t1, 2));
	play(c, 3, &SIT(c->t1, 3));
	play(c, 4, &SIT(c->t2, 4));
	play(c, 5, &SIT(c->t3, 5));

	play(c, 1, &PHASE(PHASE_IDEAS));
	c18 = card(c, 2, c->t1, 0,
	    "Un guichet unique pour les demandeurs d'emploi");
	c19 = card(c, 3, c->t1, c18, "Oui, avec un référent\nqui suit la "
	    "personne\n\nde bout en bout");
	card(c, 2, c->t1, c19, "*bold* and _under_ [link](http://x) "
	    "<script>alert(1)</script>");
	c21 = card(c, 3, c->t1, 0, "# heading");
	card(c, 2, c->t1, 0, "=cmd|' /C calc'!A0");
	c23 = card(c, 4, c->t2, 0, "@SUM(1)");
	card(c, 4, c->t2, 0, "-2+3");
	c25 = card(c, 4, c->t2, 0, "Carte à supprimer");
	c26 = card(c, 4, c->t2, c25, "Réponse à une carte supprimée");
	card(c, 4, c->t2, c26, "Et une réponse à la réponse");
	play(c, 4, &DEL(c25));
	card(c, 4, c->t2, 0, "1. pas une liste\n- ni ceci\n+ ni cela\n"
	    "=== ni un titre\n    ni du code\n---");
	c30 = card(c, 5, c->t3, 0, "Un forum \"employeurs\", avec des "
	    "virgules");
	card(c, 5, c->t3, 0, "Barre \\ oblique & entité &amp; `code` "
	    "~~barré~~ | tube, ligne\u2028séparée");
	play(c, 5, &EDIT(c30, "Un forum \"employeurs\", avec des virgules et "
	    "des « guillemets »"));
	card(c, 3, c->t1, c21, "Réponse au titre");

	play(c, 1, &PHASE(PHASE_GROUP));
	play(c, 3, &GROUP(c21, c18));
	play(c, 2, &TITLE(c18, "Guichet *unique* <b>"));
	play(c, 4, &GROUP(c23 + 1, c23));

	/* A round ends: Amélie and Alice swap tables. */
	{
		struct proto_pair	pairs[2] = { { 2, c->t2 }, { 4, c->t1 } };

		play(c, 1, &OP(.kind = OP_ROTATE, .pairs = pairs,
		    .npairs = 2));
	}

	play(c, 1, &PHASE(PHASE_VOTE));
	play(c, 2, &VOTE(c18, 1));
	play(c, 3, &VOTE(c18, 1));
	play(c, 4, &VOTE(c18, 1));
	play(c, 3, &VOTE(c21, 1));
	play(c, 3, &VOTE(c19, 1));
	play(c, 3, &VOTE(c19, -1));
	play(c, 2, &VOTE(c21 + 1, 1));
	play(c, 4, &VOTE(c23, 1));
	play(c, 2, &VOTE(c23, 1));
	play(c, 4, &VOTE(c23 + 1, 1));
	play(c, 5, &VOTE(c30, 1));
	play(c, 1, &PHASE(PHASE_HARVEST));
	play(c, 1, &KEEP(c21 + 1, true));		/* "=cmd", 1 vote */
	play(c, 1, &KEEP(c18, true));		/* 3 votes */
	play(c, 1, &KEEP(c21, true));		/* 1 vote, older than "=cmd" */
	play(c, 1, &KEEP(c23, true));
	play(c, 1, &KEEP(c30, true));
	play(c, 1, &KEEP(c30, false));		/* changed their mind */
	play(c, 1, &PHASE(PHASE_CLOSED));
}

/* Release what cafe_play built. */
static void
cafe_free(struct cafe *c)
{
	model_free(c->m);
}

/* Export m in fmt to memory; returns a malloc'd buffer and its length. */
static char *
export_mem(const struct model *m, enum export_format fmt, bool bom,
    size_t *len)
{
	struct export_opts	 opts = { .bom = bom };
	char			*buf = NULL;
	FILE			*f;

	cr_assert_not_null(f = open_memstream(&buf, len));
	cr_assert_eq(export_write(m, fmt, &opts, f), 0);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* Read a whole file; NULL if it cannot be read. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		if ((n = fread(buf + *len, 1, cap - *len, f)) == 0)
			break;
		*len += n;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Write len bytes to path. */
static void
write_file(const char *path, const char *data, size_t len)
{
	FILE	*f;

	cr_assert_not_null(f = fopen(path, "wb"), "%s: %s", path,
	    strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/*
 * Compare data with the golden file tests/fixtures/export/name, or write
 * it there when CB_REGEN_EXPORT is set.  On a difference the actual output
 * is left in /tmp for diff(1).
 */
static void
golden(const char *name, const char *data, size_t len)
{
	char	*path, *want, *rel, actual[256];
	size_t	 wlen, i;

	xasprintf(&rel, "tests/fixtures/export/%s", name);
	path = ts_top_path(rel);
	free(rel);
	if (getenv("CB_REGEN_EXPORT") != NULL) {
		write_file(path, data, len);
		cr_log_warn("wrote %s", path);
		free(path);
		return;
	}
	want = read_file(path, &wlen);
	cr_assert_not_null(want, "%s: %s (see the top of test_export.c)",
	    path, strerror(errno));
	for (i = 0; i < len && i < wlen && data[i] == want[i]; i++)
		/* nothing */;
	if (i != len || i != wlen) {
		snprintf(actual, sizeof actual, "/tmp/cb-export-%s", name);
		write_file(actual, data, len);
		cr_assert_fail("%s differs from %s at byte %zu (actual output "
		    "in %s)", name, path, i, actual);
	}
	free(want);
	free(path);
}

/*
 * Messages in French from the build tree's catalogue, as a user with
 * LANGUAGE=fr gets them; english() puts the test's C locale back.
 */
static void
french(void)
{
	char	*rel, dir[PATH_MAX];

	rel = ts_top_path("build/locale");
	cr_assert_not_null(realpath(rel, dir), "%s: %s (make po)", rel,
	    strerror(errno));
	free(rel);
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	cr_assert_eq(setenv("LANGUAGE", "fr", 1), 0);
	cr_assert_not_null(bindtextdomain("cafeboard", dir));
	cr_assert_not_null(bind_textdomain_codeset("cafeboard", "UTF-8"));
	cr_assert_not_null(textdomain("cafeboard"));
}

/* Back to the C locale and English messages. */
static void
english(void)
{
	cr_assert_eq(unsetenv("LANGUAGE"), 0);
	cr_assert_not_null(setlocale(LC_ALL, "C"));
}

/* A temporary file holding data; returns its malloc'd path. */
static char *
temp_file(const char *data, size_t len)
{
	char	*path = xstrdup("/tmp/cb-export-XXXXXX");
	int	 fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Append s as hex (so any text survives a space-separated line). */
static void
hex(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fprintf(f, "%02x", (unsigned char)*s);
}

/*
 * What the model says each exported card is, one line per live card in
 * export order: id, theme, question, cluster title ("N": no cluster),
 * text, author ("" when anonymous), author id (0 likewise), votes, kept,
 * edited, parent (0 for none), all text hex-encoded.
 */
static char *
expected_cards(const struct model *m)
{
	const struct model_table	*t;
	const struct model_card		*c, *h;
	const struct model_participant	*p;
	char				*path = xstrdup("/tmp/cb-expect-XXXXXX");
	size_t				 i, j, k;
	uint64_t			 parent;
	bool				 head;
	FILE				*f;
	int				 fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_not_null(f = fdopen(fd, "w"));
	for (i = 0; i < m->ntables; i++) {
		t = &m->tables[i];
		for (j = 0; j < m->ncards; j++) {
			c = &m->cards[j];
			if (c->deleted || c->table != t->id)
				continue;
			fprintf(f, "%llu ", (unsigned long long)c->id);
			hex(f, t->theme != NULL ? t->theme : "");
			fputc(' ', f);
			hex(f, t->question);
			fputc(' ', f);
			head = c->title[0] != '\0';
			for (k = 0; k < m->ncards; k++) {
				if (!m->cards[k].deleted &&
				    m->cards[k].head == c->id)
					head = true;
			}
			if (c->head != 0) {
				h = model_card(m, c->head);
				hex(f, h->title);
			} else if (head)
				hex(f, c->title);
			else
				fputc('N', f);
			fputc(' ', f);
			hex(f, c->text);
			fputc(' ', f);
			p = model_participant(m, c->author);
			if (!m->settings.anonymous && p != NULL)
				hex(f, p->name);
			/* The nearest live card it builds on. */
			for (parent = c->parent; parent != 0 &&
			    model_card(m, parent)->deleted;
			    parent = model_card(m, parent)->parent)
				/* nothing */;
			fprintf(f, " %u %u %d %d %llu\n",
			    m->settings.anonymous ? 0 : (unsigned)c->author,
			    (unsigned)c->votes, c->kept, c->edited,
			    (unsigned long long)parent);
		}
	}
	cr_assert_eq(fclose(f), 0);
	return path;
}

/* Python: read the CSV as a spreadsheet would and check every cell. */
static const char csv_check[] =
TS_PY_CSV_ROWS
"def h(x): return bytes.fromhex(x).decode('utf-8')\n"
"def safe(s):\n"
"    return \"'\" + s if s[:1] in ('=', '+', '-', '@', '\\t', '\\r') else s\n"
"for r, e in zip(rows[1:], exp):\n"
"    assert len(r) == 14, r\n"
"    assert r[2] == e[0], (r, e)\n"
"    assert r[0] == safe(h(e[1])), (r, e)\n"
"    assert r[1] == safe(h(e[2])), (r, e)\n"
"    assert r[4] == ('' if e[3] == 'N' else safe(h(e[3]))), (r, e)\n"
"    assert r[6] == safe(h(e[4])), (r, e)\n"
"    assert r[7] == safe(h(e[5])), (r, e)\n"
"    assert r[8] == e[7] and r[9] == ('yes' if e[8] == '1' else 'no'), r\n"
"    assert r[5] == ('' if e[10] == '0' else e[10]), (r, e)\n"
"    assert (r[3] == '') == (e[3] == 'N'), (r, e)\n"
"    assert re.fullmatch(r'\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ', r[10]), r\n"
"    for cell in (r[0], r[1], r[4], r[6], r[7]):\n"
"        assert cell[:1] not in ('=', '+', '-', '@', '\\t', '\\r'), cell\n"
"print('csv ok: %d cards' % len(exp))\n";

/* Python: read the JSON and check its shape and every card. */
static const char json_check[] =
"import json, sys\n"
"path, expect, anon = sys.argv[1], sys.argv[2], sys.argv[3] == '1'\n"
"text = open(path, 'rb').read().decode('utf-8')\n"
"assert '\\u2028' not in text and '\\u2029' not in text\n"
"d = json.loads(text)\n"
"assert list(d) == ['format', 'version', 'board', 'participants',\n"
"    'tables', 'steps', 'polls', 'canvases', 'evaluation'], list(d)\n"
"assert d['format'] == 'cafeboard' and d['version'] == 1\n"
"b = d['board']\n"
"assert list(b) == ['name', 'title', 'phase', 'round', 'created_at',\n"
"    'settings'], list(b)\n"
"assert list(b['settings']) == ['dots', 'multi_vote', 'blind', 'private',\n"
"    'anonymous', 'freeze_at_zero', 'locked', 'keep', 'live_polls',\n"
"    'hosts_stay', 'eval_dots', 'place'], b['settings']\n"
"assert b['settings']['anonymous'] == anon\n"
"for p in d['participants']:\n"
"    assert list(p) == ['id', 'name', 'role', 'table', 'label', 'team'], p\n"
"    assert p['role'] in ('participant', 'host', 'facilitator')\n"
"def h(x): return bytes.fromhex(x).decode('utf-8')\n"
"exp = [l.split(' ') for l in open(expect).read().splitlines()]\n"
"cards = [(t, c) for t in d['tables'] for c in t['cards']]\n"
"assert len(cards) == len(exp), (len(cards), len(exp))\n"
"for (t, c), e in zip(cards, exp):\n"
"    assert list(t) == ['id', 'theme', 'question', 'kind', 'number',\n"
"        'canvas', 'cards'], list(t)\n"
"    assert list(c) == ['id', 'parent', 'cluster_head', 'cluster_title',\n"
"        'text', 'author_id', 'author', 'votes', 'reactions', 'kept',\n"
"        'edited', 'created_at', 'section', 'section_name', 'owner', 'due',\n"
"        'scores', 'score_total'], list(c)\n"
"    assert c['id'] == int(e[0]), (c, e)\n"
"    assert t['theme'] == h(e[1]) and t['question'] == h(e[2]), (t, e)\n"
"    assert c['cluster_title'] == (None if e[3] == 'N' else h(e[3])), c\n"
"    assert (c['cluster_head'] is None) == (e[3] == 'N'), c\n"
"    assert c['text'] == h(e[4]), (c, e)\n"
"    assert c['author'] == (h(e[5]) or None), (c, e)\n"
"    assert c['author_id'] == (int(e[6]) or None), (c, e)\n"
"    if anon: assert c['author'] is None and c['author_id'] is None\n"
"    assert c['votes'] == int(e[7]), (c, e)\n"
"    assert c['kept'] == (e[8] == '1') and c['edited'] == (e[9] == '1'), c\n"
"    assert c['parent'] == (int(e[10]) or None), (c, e)\n"
"print('json ok: %d cards' % len(exp))\n";

/* Python reads fmt's output back and agrees with the model. */
static void
python_roundtrip(const struct model *m, enum export_format fmt, bool flag)
{
	char	*out, *path, *expect;
	size_t	 len;
	int	 rc;

	out = export_mem(m, fmt, fmt == EXPORT_CSV && flag, &len);
	path = temp_file(out, len);
	expect = expected_cards(m);
	rc = ts_python(fmt == EXPORT_CSV ? csv_check : json_check, path,
	    expect, flag ? "1" : "0", NULL);
	cr_assert_eq(rc, 0, "python3 rejected the %s export (status %d; "
	    "output kept in %s)", fmt == EXPORT_CSV ? "CSV" : "JSON", rc,
	    path);
	unlink(path);
	unlink(expect);
	free(path);
	free(expect);
	free(out);
}

/*
 * Every character of set in s is preceded by an odd number of backslashes,
 * but for the '#' that open the report's own headings.
 */
static void
assert_all_escaped(const char *s, const char *set)
{
	size_t	i, n;
	bool	heading = false;

	for (i = 0; s[i] != '\0'; i++) {
		if (i == 0 || s[i - 1] == '\n')
			heading = s[i] == '#';
		if (heading && s[i] == '#')
			continue;
		heading = false;
		if (strchr(set, s[i]) == NULL)
			continue;
		for (n = 0; n < i && s[i - 1 - n] == '\\'; n++)
			/* nothing */;
		cr_assert(n % 2 == 1, "unescaped '%c' at byte %zu: %.40s",
		    s[i], i, s + (i > 20 ? i - 20 : 0));
	}
}

Test(export, format_names)
{
	cr_assert_eq(export_format_parse("md"), EXPORT_MD);
	cr_assert_eq(export_format_parse("csv"), EXPORT_CSV);
	cr_assert_eq(export_format_parse("json"), EXPORT_JSON);
	cr_assert_eq(export_format_parse("html"), EXPORT_HTML);
	cr_assert_eq(export_format_parse("pdf"), -1);
	cr_assert_eq(export_format_parse(""), -1);
}

/*
 * One golden file: its format, and a zone far from UTC to run in.  Each
 * case is copied into the test's own process: no pointers.
 */
struct golden_case {
	enum export_format	 fmt;
	char			 tz[32];
	char			 file[32];
};

ParameterizedTestParameters(export, golden)
{
	static struct golden_case	cases[] = {
		{ EXPORT_MD, "Pacific/Kiritimati", "mini-cafe.md" },
		{ EXPORT_CSV, "America/Los_Angeles", "mini-cafe.csv" },
		{ EXPORT_JSON, "Asia/Kolkata", "mini-cafe.json" },
		{ EXPORT_HTML, "Europe/Paris", "mini-cafe.html" },
	};

	return cr_make_param_array(struct golden_case, cases,
	    sizeof cases / sizeof cases[0]);
}

/* Each format of the mini-café, byte for byte; the zone changes nothing. */
ParameterizedTest(struct golden_case *g, export, golden)
{
	struct cafe	 c;
	char		*out;
	size_t		 len;

	setenv("TZ", g->tz, 1);
	tzset();
	cafe_play(&c, false);
	out = export_mem(c.m, g->fmt, false, &len);
	golden(g->file, out, len);
	free(out);
	cafe_free(&c);
}

Test(export, csv_bom_is_the_only_difference)
{
	struct cafe	 c;
	char		*plain, *bom;
	size_t		 plen, blen;

	cafe_play(&c, false);
	plain = export_mem(c.m, EXPORT_CSV, false, &plen);
	bom = export_mem(c.m, EXPORT_CSV, true, &blen);
	cr_assert_eq(blen, plen + 3);
	cr_assert(memcmp(bom, "\xef\xbb\xbf", 3) == 0);
	cr_assert(memcmp(bom + 3, plain, plen) == 0);
	/* Markdown and JSON ignore the option. */
	free(plain);
	free(bom);
	plain = export_mem(c.m, EXPORT_JSON, false, &plen);
	bom = export_mem(c.m, EXPORT_JSON, true, &blen);
	cr_assert_eq(plen, blen);
	cr_assert(memcmp(bom, plain, plen) == 0);
	free(plain);
	free(bom);
	cafe_free(&c);
}

Test(export, python_reads_the_csv_back)
{
	struct cafe	c;

	cafe_play(&c, false);
	python_roundtrip(c.m, EXPORT_CSV, false);
	python_roundtrip(c.m, EXPORT_CSV, true);
	cafe_free(&c);
}

Test(export, python_reads_the_json_back)
{
	struct cafe	c;

	cafe_play(&c, false);
	python_roundtrip(c.m, EXPORT_JSON, false);
	cafe_free(&c);
}

Test(export, csv_neutralises_formulas)
{
	struct cafe	 c;
	char		*out;
	size_t		 len;

	cafe_play(&c, false);
	out = export_mem(c.m, EXPORT_CSV, false, &len);
	/* Text, question and author cells. */
	cr_assert_not_null(strstr(out, ",'=cmd|' /C calc'!A0,"));
	cr_assert_not_null(strstr(out, ",'@SUM(1),'@lice,"));
	cr_assert_not_null(strstr(out, ",'-2+3,'@lice,"));
	cr_assert_not_null(strstr(out, ",'-2+3 : comment mieux répondre aux "
	    "employeurs ?,"));
	cr_assert_null(strstr(out, ",=cmd"));
	cr_assert_null(strstr(out, ",@"));
	cr_assert_null(strstr(out, ",-"));
	/* Quotes doubled inside a quoted cell. */
	cr_assert_not_null(strstr(out, ",\"Un forum \"\"employeurs\"\", avec "
	    "des virgules et des « guillemets »\","));
	free(out);
	cafe_free(&c);
}

Test(export, markdown_has_no_raw_markup)
{
	struct cafe	 c;
	char		*out, *p;
	size_t		 len, n;

	cafe_play(&c, false);
	out = export_mem(c.m, EXPORT_MD, false, &len);
	/* The report itself never uses these: each one came from a user. */
	assert_all_escaped(out, "<>[]`&|!~_#");
	/* Emphasis only where the report puts it: the two cluster lines. */
	for (n = 0, p = out; (p = strchr(p, '*')) != NULL; p++) {
		if (p == out || p[-1] != '\\')
			n++;
	}
	cr_assert_eq(n, 6);
	cr_assert_not_null(strstr(out, "\n- **Guichet \\*unique\\* \\<b\\>** "
	    "— 5 cards, 4 votes\n"));
	cr_assert_not_null(strstr(out, "\n- *Untitled cluster* — 2 cards, "
	    "3 votes\n"));
	cr_assert_not_null(strstr(out, "  - \\# heading — 1 vote — Bob\n"));
	cr_assert_not_null(strstr(out, "\\*bold\\* and \\_under\\_ \\[link\\]"
	    "(http://x) \\<script\\>alert(1)\\</script\\>"));
	cr_assert_not_null(strstr(out, "- \\=cmd\\|' /C calc'\\!A0 — 1 vote"));
	/* Line starts that would open a block are escaped. */
	cr_assert_not_null(strstr(out, "- 1\\. pas une liste\\\n"
	    "  \\- ni ceci\\\n  \\+ ni cela\\\n  \\=== ni un titre\\\n"
	    "  ni du code\\\n  \\---"));
	/* The join code never leaves the server. */
	cr_assert_null(strstr(out, JOIN_CODE));
	free(out);
	cafe_free(&c);
}

/* Render Markdown with cmark(1), if installed, into a malloc'd string. */
static char *
cmark_render(const char *md, size_t len)
{
	char	*in = temp_file(md, len), *outp, *cmd, *html;
	size_t	 hlen;
	int	 rc;

	xasprintf(&outp, "%s.html", in);
	xasprintf(&cmd, "cmark --unsafe < %s > %s", in, outp);
	rc = system(cmd);
	cr_assert_eq(rc, 0, "cmark failed");
	html = read_file(outp, &hlen);
	unlink(in);
	unlink(outp);
	free(in);
	free(outp);
	free(cmd);
	return html;
}

Test(export, markdown_renders_as_intended_in_cmark)
{
	struct cafe	 c;
	char		*out, *html;
	size_t		 len;

	if (system("command -v cmark >/dev/null 2>&1") != 0)
		cr_skip_test("cmark is not installed");
	cafe_play(&c, false);
	out = export_mem(c.m, EXPORT_MD, false, &len);
	html = cmark_render(out, len);
	cr_assert_not_null(html);
	cr_assert_null(strstr(html, "<script"));
	cr_assert_null(strstr(html, "<a "));
	cr_assert_null(strstr(html, "<code>"));
	cr_assert_null(strstr(html, "<em>bold"));
	cr_assert_null(strstr(html, "<pre>"));
	cr_assert_null(strstr(html, "<hr"));
	cr_assert_null(strstr(html, "<ol start"));
	cr_assert_null(strstr(html, "raw HTML omitted"));
	cr_assert_not_null(strstr(html, "<h1>Café de l'emploi — *atelier* "
	    "#2</h1>"));
	cr_assert_not_null(strstr(html, "<h2>Services aux employeurs &amp; "
	    "entreprises</h2>"));
	cr_assert_not_null(strstr(html, "<strong>Guichet *unique* "
	    "&lt;b&gt;</strong> — 5 cards, 4 votes"));
	cr_assert_not_null(strstr(html, "<li>*bold* and _under_ [link](http://x)"
	    " &lt;script&gt;alert(1)&lt;/script&gt; — 0 votes — Amélie</li>"));
	cr_assert_not_null(strstr(html, "<li>Oui, avec un référent<br />\n"
	    "qui suit la personne<br />\n<br />\nde bout en bout — 0 votes — "
	    "Bob\n<ul>\n"));
	cr_assert_not_null(strstr(html, "<li>1. pas une liste<br />\n"
	    "- ni ceci<br />\n+ ni cela<br />\n=== ni un titre<br />\n"
	    "ni du code<br />\n---"));
	cr_assert_not_null(strstr(html, "<li>Barre \\ oblique &amp; entité "
	    "&amp;amp; `code` ~~barré~~ | tube, ligne\u2028séparée — 0 votes "
	    "— Dan</li>"));
	free(html);
	free(out);
	cafe_free(&c);
}

/* The texts of the mini-café's cards that carry markup, as hex lines. */
static char *
html_texts(const struct model *m)
{
	char	*path = temp_file("", 0);

	ts_html_texts(m, path);
	return path;
}

/*
 * ext: the HTML page passes a strict parser, loads and runs nothing, and
 * every card's text is there as text, whatever markup it held.
 */
Test(export, html_is_one_strict_page_of_text)
{
	static const char	*const langs[] = { "en", "fr" };
	struct cafe		 c;
	char			*out, *path, *texts;
	size_t			 len, i;

	cafe_play(&c, false);
	texts = html_texts(c.m);
	for (i = 0; i < 2; i++) {
		if (i == 1)
			french();
		out = export_mem(c.m, EXPORT_HTML, false, &len);
		english();
		cr_assert_not_null(strstr(out, i == 0 ? "<html lang=\"en\">" :
		    "<html lang=\"fr\">"), "%s", langs[i]);
		cr_assert_null(strstr(out, "<script"));
		cr_assert_not_null(strstr(out, "&lt;script&gt;alert(1)"
		    "&lt;/script&gt;"));
		cr_assert_not_null(strstr(out, "<h2>Services aux employeurs "
		    "&amp; entreprises</h2>"));
		path = temp_file(out, len);
		cr_assert_eq(ts_python(TS_PY_HTML_CHECK, path, texts, NULL), 0,
		    "the %s page is refused (kept in %s)", langs[i], path);
		unlink(path);
		free(path);
		free(out);
	}
	unlink(texts);
	free(texts);
	cafe_free(&c);
}

Test(export, golden_markdown_in_french)
{
	struct cafe	 c;
	char		*out, *html;
	size_t		 len;

	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	cafe_play(&c, false);
	french();
	out = export_mem(c.m, EXPORT_MD, false, &len);
	english();
	golden("mini-cafe.fr.md", out, len);
	/* The same user text escaped the same way; only the words differ. */
	assert_all_escaped(out, "<>[]`&|!~_#");
	cr_assert_not_null(strstr(out, "\n- Date\u00a0: 2026-11-22 (UTC)\n"
	    "- Participants\u00a0: 4\n- Animation\u00a0: 1 (Claire)\n"
	    "- Tours\u00a0: 2\n- Questions\u00a0: 3\n"));
	cr_assert_not_null(strstr(out, "\n- *Groupe sans titre* — 2 idées, "
	    "3 gommettes\n"));
	cr_assert_not_null(strstr(out, "  - \\# heading — 1 gommette — Bob\n"));
	cr_assert_not_null(strstr(out, "de bout en bout — 0 gommette — Bob\n"));
	if (system("command -v cmark >/dev/null 2>&1") == 0) {
		html = cmark_render(out, len);
		cr_assert_not_null(html);
		cr_assert_null(strstr(html, "<script"));
		cr_assert_null(strstr(html, "<a "));
		cr_assert_not_null(strstr(html, "<h4>Idées retenues</h4>"));
		cr_assert_not_null(strstr(html, "<h4>Toutes les idées</h4>"));
		cr_assert_not_null(strstr(html, "<h3>Question 3 — -2+3 : "
		    "comment mieux répondre aux employeurs ?</h3>"));
		cr_assert_not_null(strstr(html, "<li><em>Groupe sans titre</em>"
		    " — 2 idées, 3 gommettes\n"));
		cr_assert_not_null(strstr(html, "<strong>Guichet *unique* "
		    "&lt;b&gt;</strong> — 5 idées, 4 gommettes"));
		cr_assert_not_null(strstr(html, "<p>Aucune idée retenue.</p>"));
		free(html);
	}
	free(out);
	cafe_free(&c);
}

/* The machine formats keep their names and values in every language. */
Test(export, csv_and_json_do_not_follow_the_language)
{
	static const enum export_format fmts[] = { EXPORT_CSV, EXPORT_JSON };
	struct cafe	 c;
	char		*en, *fr;
	size_t		 elen, flen, i;

	cafe_play(&c, false);
	for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		en = export_mem(c.m, fmts[i], true, &elen);
		french();
		fr = export_mem(c.m, fmts[i], true, &flen);
		english();
		cr_assert_eq(flen, elen);
		cr_assert(memcmp(fr, en, elen) == 0, "format %zu", i);
		free(en);
		free(fr);
	}
	/* While the report did change, and changes back. */
	french();
	fr = export_mem(c.m, EXPORT_MD, false, &flen);
	english();
	en = export_mem(c.m, EXPORT_MD, false, &elen);
	cr_assert_not_null(strstr(fr, "#### Idées retenues\n"));
	cr_assert_not_null(strstr(en, "#### Kept ideas\n"));
	cr_assert_null(strstr(en, "Idées retenues"));
	free(en);
	free(fr);
	cafe_free(&c);
}

/* In French a workshop over two days runs "du ... au ...". */
Test(export, a_french_report_dates_a_workshop_over_days)
{
	struct cafe	 c;
	char		*md;
	size_t		 len;

	memset(&c, 0, sizeof c);
	c.m = model_new("deux-jours");
	c.t1 = play(&c, 0, &TADD("Question"));
	join(&c, 1, "Léa");
	play(&c, 1, &PHASE(PHASE_IDEAS));
	card(&c, 1, c.t1, 0, "Une idée");
	c.now += 86400000LL;
	card(&c, 1, c.t1, 0, "Une autre idée");
	french();
	md = export_mem(c.m, EXPORT_MD, false, &len);
	english();
	cr_assert_not_null(strstr(md, "\n- Date\u00a0: du 2026-11-22 au "
	    "2026-11-23 (UTC)\n"), "%s", md);
	cr_assert_not_null(strstr(md, "\nAucune idée retenue.\n"), "%s", md);
	free(md);
	model_free(c.m);
}

Test(export, anonymous_hides_authors_everywhere)
{
	static const char *names[] = { "Amélie", "Bob", "@lice", "Dan" };
	struct cafe	 c;
	char		*md, *csv, *json;
	size_t		 len, i;

	cafe_play(&c, true);
	md = export_mem(c.m, EXPORT_MD, false, &len);
	csv = export_mem(c.m, EXPORT_CSV, false, &len);
	json = export_mem(c.m, EXPORT_JSON, false, &len);
	for (i = 0; i < 4; i++) {
		cr_assert_null(strstr(md, names[i]), "%s in the report",
		    names[i]);
		cr_assert_null(strstr(csv, names[i]), "%s in the CSV",
		    names[i]);
	}
	/* Only the list of who came names people. */
	cr_assert_null(strstr(json, "\"author\": \""));
	cr_assert_null(strstr(json, "\"author_id\": 2"));
	cr_assert_not_null(strstr(json, "\"author\": null"));
	cr_assert_not_null(strstr(md, "- \\# heading — 1 vote\n"));
	free(md);
	free(csv);
	free(json);
	python_roundtrip(c.m, EXPORT_CSV, false);
	python_roundtrip(c.m, EXPORT_JSON, true);
	cafe_free(&c);
}

Test(export, no_join_code_nor_client_id)
{
	struct cafe	 c;
	char		*json, *csv;
	size_t		 len, i;

	cafe_play(&c, false);
	json = export_mem(c.m, EXPORT_JSON, false, &len);
	csv = export_mem(c.m, EXPORT_CSV, false, &len);
	cr_assert_null(strstr(json, JOIN_CODE));
	cr_assert_null(strstr(csv, JOIN_CODE));
	cr_assert_null(strstr(json, "\"code\""));
	cr_assert_null(strstr(json, "client"));
	/* Client ids were bytes 1..5 repeated: no control byte is written. */
	for (i = 0; json[i] != '\0'; i++)
		cr_assert((unsigned char)json[i] >= 0x20 || json[i] == '\n');
	free(json);
	free(csv);
	cafe_free(&c);
}

Test(export, json_escapes_every_control_and_separator)
{
	struct cafe	 c;
	char		*json, *path;
	size_t		 len;
	int		 rc;

	memset(&c, 0, sizeof c);
	c.m = model_new("esc");
	join(&c, 1, "Zoé\x7f");
	c.t1 = play(&c, 1, &TADD("Q\t\"quoted\" \\ back"));
	play(&c, 1, &PHASE(PHASE_IDEAS));
	/* Events are authoritative: apply takes what a check would refuse. */
	card(&c, 1, c.t1, 0, "a\x01" "b\x1f" "c\u2028d\u2029e\u202ef\xc2\x85"
	    "g\r\n\b\f/\xff");
	json = export_mem(c.m, EXPORT_JSON, false, &len);
	cr_assert_not_null(strstr(json, "\"text\": \"a\\u0001b\\u001fc\\u2028d"
	    "\\u2029e\\u202ef\\u0085g\\r\\n\\b\\f/\xef\xbf\xbd\""), "%s", json);
	cr_assert_not_null(strstr(json, "\"question\": \"Q\\t\\\"quoted\\\" "
	    "\\\\ back\""));
	cr_assert_not_null(strstr(json, "\"name\": \"Zoé\\u007f\""));
	path = temp_file(json, len);
	rc = ts_python("import json, sys\n"
	    "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
	    "t = d['tables'][0]['cards'][0]['text']\n"
	    "assert t == 'a\\x01b\\x1fc\\u2028d\\u2029e\\u202ef\\x85g\\r\\n"
	    "\\b\\f/\\ufffd', repr(t)\n", path, NULL);
	cr_assert_eq(rc, 0);
	unlink(path);
	free(path);
	free(json);
	model_free(c.m);
}

Test(export, private_text_and_empty_tables)
{
	struct cafe	 c;
	char		*md, *csv, *json;
	size_t		 len;

	memset(&c, 0, sizeof c);
	c.m = model_new("priv");
	join(&c, 1, "Léa");
	c.t1 = play(&c, 1, &TADD("Question une"));
	c.t2 = play(&c, 1, &TADD("Question deux"));
	play(&c, 1, &PHASE(PHASE_IDEAS));
	/* What a replica receives of a private card: no text. */
	card(&c, 1, c.t1, 0, "");
	md = export_mem(c.m, EXPORT_MD, false, &len);
	csv = export_mem(c.m, EXPORT_CSV, false, &len);
	json = export_mem(c.m, EXPORT_JSON, false, &len);
	cr_assert_str_eq(md,
	    "# priv\n"
	    "\n"
	    "- Date: 2026-11-22 (UTC)\n"
	    "- Participants: 1\n"
	    "- Facilitators: 0\n"
	    "- Rounds: 1\n"
	    "- Questions: 2\n"
	    "\n"
	    "### Question 1 — Question une\n"
	    "\n"
	    "#### Kept ideas\n"
	    "\n"
	    "No idea kept.\n"
	    "\n"
	    "#### All ideas\n"
	    "\n"
	    "- (private) — 0 votes — Léa\n"
	    "\n"
	    "### Question 2 — Question deux\n"
	    "\n"
	    "#### Kept ideas\n"
	    "\n"
	    "No idea kept.\n"
	    "\n"
	    "#### All ideas\n"
	    "\n"
	    "No ideas.\n"
	    "\n");
	cr_assert_str_eq(csv,
	    "theme,question,card_id,cluster_head,cluster_title,parent,text,"
	    "author,votes,kept,created_at,section,owner,due\r\n"
	    ",Question une,5,,,,,Léa,0,no,2026-11-22T13:30:31Z,,,\r\n");
	cr_assert_not_null(strstr(json, "\"text\": \"\",\n"));
	cr_assert_not_null(strstr(json, "\"cards\": []\n"));
	free(md);
	free(csv);
	free(json);
	model_free(c.m);
}

Test(export, cluster_titles_stay_bold)
{
	struct cafe	 c;
	char		*md;
	size_t		 len;
	uint64_t	 a, b;

	memset(&c, 0, sizeof c);
	c.m = model_new("titles");
	join(&c, 1, "Léa");
	c.t1 = play(&c, 1, &TADD("Q"));
	play(&c, 1, &PHASE(PHASE_IDEAS));
	a = card(&c, 1, c.t1, 0, "  un  ");
	b = card(&c, 1, c.t1, 0, "\n\ndeux\n\n");
	play(&c, 1, &PHASE(PHASE_GROUP));
	play(&c, 1, &TITLE(a, "\u00a0Titre\u202f!\u00a0"));
	play(&c, 1, &TITLE(b, "\u3000 "));
	md = export_mem(c.m, EXPORT_MD, false, &len);
	cr_assert_not_null(strstr(md, "#### All ideas\n\n"
	    "- **Titre\u202f\\!** — 1 card, 0 votes\n"
	    "  - un — 0 votes — Léa\n"
	    "- *Untitled cluster* — 1 card, 0 votes\n"
	    "  - deux — 0 votes — Léa\n\n"), "%s", md);
	free(md);
	model_free(c.m);
}

Test(export, a_cluster_counts_every_card_listed_under_it)
{
	struct cafe	 c;
	char		*md;
	size_t		 len;
	uint64_t	 a, b, r;

	/*
	 * Two cards grouped, a reply to the head: the list under the
	 * cluster holds three cards and three dots, and so does its header.
	 */
	memset(&c, 0, sizeof c);
	c.m = model_new("counts");
	join(&c, 1, "Léa");
	join(&c, 2, "Noé");
	c.t1 = play(&c, 1, &TADD("Q"));
	play(&c, 1, &PHASE(PHASE_IDEAS));
	a = card(&c, 1, c.t1, 0, "un");
	b = card(&c, 2, c.t1, 0, "deux");
	r = card(&c, 2, c.t1, a, "trois");
	play(&c, 1, &PHASE(PHASE_GROUP));
	play(&c, 1, &GROUP(b, a));
	play(&c, 1, &PHASE(PHASE_VOTE));
	play(&c, 1, &VOTE(a, 1));
	play(&c, 2, &VOTE(b, 1));
	play(&c, 2, &VOTE(r, 1));
	play(&c, 1, &PHASE(PHASE_HARVEST));
	md = export_mem(c.m, EXPORT_MD, false, &len);
	cr_assert_not_null(strstr(md, "#### All ideas\n\n"
	    "- *Untitled cluster* — 3 cards, 3 votes\n"
	    "  - un — 1 vote — Léa\n"
	    "    - trois — 1 vote — Noé\n"
	    "  - deux — 1 vote — Noé\n\n"), "%s", md);
	free(md);
	model_free(c.m);
}

Test(export, an_empty_board)
{
	struct model	*m = model_new("vide");
	char		*md, *json, *csv;
	size_t		 len;

	md = export_mem(m, EXPORT_MD, false, &len);
	cr_assert_str_eq(md, "# vide\n\n- Date: 1970-01-01 (UTC)\n"
	    "- Participants: 0\n- Facilitators: 0\n- Rounds: 1\n"
	    "- Questions: 0\n\n");
	csv = export_mem(m, EXPORT_CSV, false, &len);
	cr_assert_str_eq(csv, "theme,question,card_id,cluster_head,"
	    "cluster_title,parent,text,author,votes,kept,created_at,section,"
	    "owner,due\r\n");
	json = export_mem(m, EXPORT_JSON, false, &len);
	cr_assert_not_null(strstr(json, "\"participants\": [],\n"
	    "  \"tables\": [],\n  \"steps\": [],\n  \"polls\": [],\n"
	    "  \"canvases\": [],\n  \"evaluation\": {\n"
	    "    \"criteria\": [],\n    \"open\": false,\n"
	    "    \"eval_dots\": 0,\n    \"pitch_table\": null\n  }\n}\n"));
	free(md);
	free(csv);
	free(json);
	model_free(m);
}

Test(export, a_write_error_is_reported)
{
	struct cafe	 c;
	FILE		*f;

	cafe_play(&c, false);
	if ((f = fopen("/dev/full", "w")) == NULL)
		cr_skip_test("no /dev/full");
	errno = 0;
	cr_assert_eq(export_write(c.m, EXPORT_JSON, NULL, f), -1);
	cr_assert_eq(errno, ENOSPC);
	fclose(f);
	cafe_free(&c);
}

/*
 * A board is often prepared days before the workshop: the report is dated
 * by its cards (the first to the last), by its creation only when empty.
 */
Test(export, the_report_is_dated_by_the_workshop_not_its_preparation)
{
	struct cafe	 c;
	char		*md;
	size_t		 len;

	memset(&c, 0, sizeof c);
	c.m = model_new("datee");
	c.t1 = play(&c, 0, &TADD("Question"));		/* prepared on 2026-11-22 */
	md = export_mem(c.m, EXPORT_MD, false, &len);
	cr_assert_not_null(strstr(md, "\n- Date: 2026-11-22 (UTC)\n"), "%s",
	    md);
	free(md);
	c.now += 3 * 86400000LL;		/* the workshop */
	join(&c, 1, "Léa");
	play(&c, 1, &PHASE(PHASE_IDEAS));
	card(&c, 1, c.t1, 0, "Une idée");
	md = export_mem(c.m, EXPORT_MD, false, &len);
	cr_assert_not_null(strstr(md, "\n- Date: 2026-11-25 (UTC)\n"), "%s",
	    md);
	free(md);
	c.now += 86400000LL;			/* its second day */
	card(&c, 1, c.t1, 0, "Une autre idée");
	md = export_mem(c.m, EXPORT_MD, false, &len);
	cr_assert_not_null(strstr(md,
	    "\n- Date: 2026-11-25 to 2026-11-26 (UTC)\n"), "%s", md);
	free(md);
	model_free(c.m);
}

/* ------------------------------------------------------------ the day */

/* Submit op as who through the one pipeline (the day's ops derive). */
static uint64_t
submit(struct cafe *c, uint32_t who, const struct proto_op *op)
{
	const char	*why = NULL;
	uint64_t	 seq = c->m->head + 1;

	c->now = c->m->head == 0 ? T0 : c->now + 7919;
	cr_assert_eq(model_submit(c->m, who, NULL, who != 0 ?
	    ++c->op_ids[who] : 0, op, c->now, NULL, &why), 0, "%s refused: %s",
	    proto_kind_name(op->kind), why);
	return seq;
}

/* The first participant seated at table t on c's board. */
static uint32_t
day_at(struct cafe *c, uint64_t t)
{
	size_t	i;

	for (i = 0; i < c->m->nparticipants; i++)
		if (c->m->participants[i].table == t &&
		    c->m->participants[i].role != ROLE_FACILITATOR)
			return c->m->participants[i].id;
	cr_assert_fail("nobody at table %llu", (unsigned long long)t);
	return 0;
}

/*
 * A small territorial day: labels, a run sheet of five steps (a check-in
 * word poll, pairs, groups by label, a closing choice poll, one step never
 * run), cards at the groups' tables, reactions.
 */
static void
day_play(struct cafe *c)
{
	static const char *const labels[] = { "Ain", "Isère" };
	static const char *const images[] = { "Un pont", "Une ruche",
	    "Un [orchestre]" };
	static const char *const names[] = { "Amélie", "Bob", "@lice", "Dan",
	    "Eve" };
	uint64_t	t1, s0, s3, k1, k2;
	uint32_t	i, p;

	memset(c, 0, sizeof *c);
	c->m = model_new("day-test");
	submit(c, 0, &OP(.kind = OP_JOINED, .participant = 1,
	    .text = (char *)"Claire"));
	submit(c, 0, &ROLE(1, ROLE_FACILITATOR));
	submit(c, 1, &SETTINGS(.has = SET_TITLE, .title = "Journée "
	    "territoriale — coopérer"));
	t1 = submit(c, 1, &TADD("Qu'est-ce qui fait une coopération "
	    "réussie ?"));
	submit(c, 1, &LABELS(labels, 2));
	for (i = 0; i < 5; i++) {
		p = i + 2;
		submit(c, 0, &OP(.kind = OP_JOINED, .participant = p,
		    .text = (char *)names[i]));
		submit(c, p, &SIT(t1, 0));
		submit(c, p, &LABEL(i % 2 + 1, 0));
	}
	submit(c, 1, &AGENDA(0, .has = STEP_TITLE | STEP_PHASE |
	    STEP_DURATION | STEP_BANNER | STEP_ACTION | STEP_QUESTION,
	    .title = "Cadrage", .phase = PHASE_WELCOME, .duration = 600,
	    .banner = "Bienvenue !", .action = ACTION_POLL,
	    .question = "Un mot pour dire comment vous arrivez ?"));
	submit(c, 1, &AGENDA(1, .has = STEP_TITLE | STEP_PHASE |
	    STEP_DURATION | STEP_ACTION | STEP_QUESTION,
	    .title = "Entretiens croisés", .phase = PHASE_IDEAS,
	    .duration = 1800, .action = ACTION_PAIRS,
	    .question = "Votre plus belle coopération ?"));
	submit(c, 1, &AGENDA(2, .has = STEP_TITLE | STEP_ACTION |
	    STEP_QUESTION, .title = "Diagnostic par département",
	    .action = ACTION_LABELS, .question = "Nos forces, nos manques"));
	submit(c, 1, &AGENDA(3, .has = STEP_TITLE | STEP_PHASE |
	    STEP_ACTION | STEP_QUESTION | STEP_CHOICES | STEP_FOLLOW,
	    .title = "Clôture", .phase = PHASE_HARVEST,
	    .action = ACTION_POLL, .follow = FOLLOW_RESULTS,
	    .question = "Quelle image pour une bonne coopération ?",
	    .choices = (char **)images, .nchoices = 3));
	submit(c, 1, &AGENDA(4, .has = STEP_TITLE, .title = "Apéritif"));

	s0 = submit(c, 1, &STEP(0));
	submit(c, 2, &WORD(s0, "Curieuse"));
	submit(c, 3, &WORD(s0, " curieuse"));
	submit(c, 4, &WORD(s0, "Prête <b>"));
	submit(c, 5, &WORD(s0, "Fatigué"));
	submit(c, 5, &WORD(s0, "Motivé"));
	submit(c, 1, &CLOSE(s0));

	submit(c, 1, &STEP(1));
	k1 = submit(c, day_at(c, c->m->tables[1].id), &ADD(
	    c->m->tables[1].id, "Se connaître avant d'avoir besoin l'un de "
	    "l'autre", 0));
	k2 = submit(c, day_at(c, c->m->tables[2].id), &ADD(
	    c->m->tables[2].id, "Un *annuaire* partagé", 0));
	submit(c, 2, &REACT(k1, 1, true));
	submit(c, 3, &REACT(k1, 1, true));
	submit(c, 4, &REACT(k1, 3, true));
	submit(c, 5, &REACT(k2, 2, true));

	submit(c, 1, &STEP(2));
	submit(c, day_at(c, c->m->tables[c->m->ntables - 1].id), &ADD(
	    c->m->tables[c->m->ntables - 1].id, "Des rencontres "
	    "trimestrielles", 0));

	s3 = submit(c, 1, &STEP(3));
	submit(c, 2, &CHOOSE(s3, 2));
	submit(c, 3, &CHOOSE(s3, 0));
	submit(c, 4, &CHOOSE(s3, 2));
	submit(c, 1, &CLOSE(s3));
	submit(c, 1, &POLL("Et demain ?", NULL, 0));
}

ParameterizedTestParameters(export, golden_day)
{
	static struct golden_case	cases[] = {
		{ EXPORT_MD, "Pacific/Kiritimati", "mini-day.md" },
		{ EXPORT_JSON, "Asia/Kolkata", "mini-day.json" },
		{ EXPORT_HTML, "America/Los_Angeles", "mini-day.html" },
	};

	return cr_make_param_array(struct golden_case, cases,
	    sizeof cases / sizeof cases[0]);
}

/* The run sheet, the polls and the groups in the report and the JSON. */
ParameterizedTest(struct golden_case *g, export, golden_day)
{
	struct cafe	 c;
	char		*out;
	size_t		 len;

	setenv("TZ", g->tz, 1);
	tzset();
	day_play(&c);
	out = export_mem(c.m, g->fmt, false, &len);
	golden(g->file, out, len);
	free(out);
	cafe_free(&c);
}

Test(export, golden_day_in_french)
{
	struct cafe	 c;
	char		*out;
	size_t		 len;

	day_play(&c);
	french();
	out = export_mem(c.m, EXPORT_MD, false, &len);
	english();
	golden("mini-day.fr.md", out, len);
	cr_assert_not_null(strstr(out, "\n## Déroulé\n"));
	cr_assert_not_null(strstr(out, "\n### Binôme 1 — "));
	cr_assert_not_null(strstr(out, "\n## Sondages\n"));
	free(out);
	cafe_free(&c);
}

/*
 * The HTML page of the day says what the Markdown report says: the run
 * sheet with its real times and the polls with their results, in the same
 * order and words, before the tables; the groups' tables with cards only.
 * Every user text is escaped and the page passes a strict parser.
 */
Test(export, html_day_has_the_run_sheet_and_the_polls)
{
	static const char *const order[] = {
	    "<h2>Run sheet</h2>\n<ol>\n<li>Cadrage — from ",
	    "<li>Entretiens croisés — from ",
	    "<li>Diagnostic par département — from ",
	    "<li>Clôture — since ",
	    "<li>Apéritif — not run</li>\n</ol>",
	    "<h2>Polls</h2>",
	    "<h3>Un mot pour dire comment vous arrivez ?</h3>",
	    "<li>Curieuse <span class=\"meta\">— 2 answers</span></li>",
	    "<li>Prête &lt;b&gt; <span class=\"meta\">— 1 answer</span></li>",
	    "<li>Motivé <span class=\"meta\">— 1 answer</span></li>",
	    "<h3>Quelle image pour une bonne coopération ?</h3>",
	    "<li>Un [orchestre] <span class=\"meta\">— 2 answers</span>",
	    "<li>Une ruche <span class=\"meta\">— 0 answers</span>",
	    "<h3>Et demain ?</h3>\n<p class=\"none\">Still open: the results "
	    "come when it closes.</p>",
	    "<h3>Question 1 — Qu&#39;est-ce qui fait",
	    "<h3>Pair 1 — Votre plus belle coopération ?</h3>",
	    "— 0 votes, +1 ×2, ! ×1 — Bob</span>",
	    "<h3>Pair 2 — ",
	    "<h3>Isère — Nos forces, nos manques</h3>",
	};
	struct cafe	 c;
	char		*out, *md, *path, *at, *next;
	size_t		 len, mlen, i;

	day_play(&c);
	out = export_mem(c.m, EXPORT_HTML, false, &len);
	md = export_mem(c.m, EXPORT_MD, false, &mlen);
	for (at = out, i = 0; i < sizeof order / sizeof order[0]; i++) {
		next = strstr(at, order[i]);
		cr_assert_not_null(next, "\"%s\" is not in the page after "
		    "byte %td", order[i], at - out);
		at = next + strlen(order[i]);
	}
	/* The empty label's table is left out, as in the Markdown. */
	cr_assert_null(strstr(out, "<h3>Ain"));
	cr_assert_null(strstr(md, "### Ain"));
	cr_assert_not_null(strstr(out, "<li>Questions: 1</li>"));
	path = temp_file(out, len);
	cr_assert_eq(ts_python(TS_PY_HTML_CHECK, path, NULL), 0, "python3 "
	    "refused the day's page (kept in %s)", path);
	unlink(path);
	free(path);
	free(md);
	free(out);
	cafe_free(&c);
}

/* The same page in French: the words of the catalogue. */
Test(export, html_day_in_french)
{
	struct cafe	 c;
	char		*out;
	size_t		 len;

	day_play(&c);
	french();
	out = export_mem(c.m, EXPORT_HTML, false, &len);
	english();
	cr_assert_not_null(strstr(out, "<h2>Déroulé</h2>"));
	cr_assert_not_null(strstr(out, "<h2>Sondages</h2>"));
	cr_assert_not_null(strstr(out, "<h3>Binôme 1 — "));
	free(out);
	cafe_free(&c);
}

/* Python's json module reads the day's steps and polls back. */
static const char json_day_check[] =
"import json, sys\n"
"d = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8'))\n"
"assert list(d)[5:7] == ['steps', 'polls'], list(d)\n"
"st = d['steps']\n"
"assert [s['title'] for s in st] == ['Cadrage', 'Entretiens crois\\u00e9s',\n"
"    'Diagnostic par d\\u00e9partement', 'Cl\\u00f4ture', 'Ap\\u00e9ritif']\n"
"for s in st:\n"
"    assert list(s) == ['index', 'title', 'phase', 'duration', 'banner',\n"
"        'follow', 'action', 'size', 'question', 'choices', 'started_at',\n"
"        'ended_at', 'current'], list(s)\n"
"assert [s['phase'] for s in st] == ['welcome', 'ideas', None, 'harvest',\n"
"    None]\n"
"assert [s['action'] for s in st] == ['poll', 'pairs', 'labels', 'poll',\n"
"    'none']\n"
"assert all(s['started_at'] for s in st[:4]) and st[4]['started_at'] is None\n"
"assert all(s['ended_at'] for s in st[:3]) and st[3]['ended_at'] is None\n"
"assert [s['current'] for s in st] == [False, False, False, True, False]\n"
"assert st[0]['started_at'] <= st[0]['ended_at'] <= st[1]['started_at']\n"
"p = d['polls']\n"
"assert [x['kind'] for x in p] == ['word', 'choice', 'word']\n"
"assert p[0]['results'] == [{'answer': 'Curieuse', 'count': 2},\n"
"    {'answer': 'Pr\\u00eate <b>', 'count': 1},\n"
"    {'answer': 'Motiv\\u00e9', 'count': 1}], p[0]['results']\n"
"assert p[1]['results'][0] == {'answer': 'Un [orchestre]', 'count': 2}\n"
"assert p[1]['results'][2] == {'answer': 'Une ruche', 'count': 0}\n"
"assert p[2]['closed'] is False and p[2]['results'] is None\n"
"kinds = [t['kind'] for t in d['tables']]\n"
"assert kinds == ['question', 'pair', 'pair', 'label', 'label'], kinds\n"
"assert [t['number'] for t in d['tables']] == [None, 1, 2, 1, 2]\n"
"assert [t['theme'] for t in d['tables'][3:]] == ['Ain', 'Is\\u00e8re']\n"
"ps = d['participants']\n"
"assert [x['label'] for x in ps] == [None, 'Ain', 'Is\\u00e8re', 'Ain',\n"
"    'Is\\u00e8re', 'Ain'], ps\n"
"c = d['tables'][1]['cards'][0]\n"
"assert c['reactions'] == {'plus': 2, 'question': 0, 'important': 1}, c\n"
"print('json ok: %d steps, %d polls' % (len(st), len(p)))\n";

Test(export, python_reads_the_day_back)
{
	struct cafe	 c;
	char		*out, *path;
	size_t		 len;

	day_play(&c);
	out = export_mem(c.m, EXPORT_JSON, false, &len);
	path = temp_file(out, len);
	cr_assert_eq(ts_python(json_day_check, path, NULL), 0, "python3 "
	    "rejected the day's JSON (kept in %s)", path);
	unlink(path);
	free(path);
	free(out);
	cafe_free(&c);
}
