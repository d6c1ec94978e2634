/*
 * boardfile.c -- parse the plain text board file a facilitator writes.
 *
 * The file is made for any text editor: UTF-8 (a leading byte order mark is
 * skipped), LF or CRLF line ends, "key: value" lines, '#' comments in the
 * first column, blank lines.  A line that starts with a space or a tab
 * continues the value above it; the pieces are joined with one space.  Tabs
 * count as white space everywhere, so a tab inside a value becomes a space.
 *
 * Every error names the line it is on and says what would be right: the
 * person reading it is a facilitator with a text editor, not a programmer,
 * so errors are in the language of the messages (the keys and yes/no stay
 * what the file must say).
 * An indented line that looks like a key or a comment is refused rather than
 * silently glued onto the value above it.
 *
 * The day: "label:" lines give the labels participants pick from; a
 * "step:" line opens a step of the run sheet, and the keys after it (phase,
 * duration in minutes, instructions, follow, one action among rotate,
 * pairs, teams, labels, merge and poll, choice, size) describe that step
 * until the next "step:".  Questions (tables) come before the steps.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boardfile.h"
#include "i18n.h"
#include "model.h"
#include "text.h"
#include "xmalloc.h"

#define BOARDFILE_MAX		(1024 * 1024)	/* bytes in a file */
#define BOARDFILE_QUESTIONS	MODEL_DEFAULT_MAX_TABLES
#define BOARDFILE_THEME_MAX	80		/* code points */
#define BOARDFILE_SHOW_MAX	40		/* bytes of a value in a message */
#define BOARDFILE_MINUTES_MAX	(PROTO_TIMER_MAX / 60)

/* The keys: every setting (in proto.h's order), then the file's own. */
enum boardfile_key_id {
	KEY_BANNER = PROTO_SETTING_COUNT,
	KEY_THEME,
	KEY_QUESTION,
	KEY_CANVAS,		/* ext: deliverables */
	KEY_SECTION,
	KEY_CRITERIA,
	KEY_LABEL,		/* the day: the labels, then a step's keys */
	KEY_STEP,
	KEY_PHASE,
	KEY_DURATION,
	KEY_INSTRUCTIONS,
	KEY_FOLLOW,
	KEY_ROTATE,
	KEY_PAIRS,
	KEY_TEAMS,
	KEY_LABELS,
	KEY_MERGE,
	KEY_POLL,
	KEY_CHOICE,
	KEY_SIZE,
	KEY_COUNT
};

/* The keys that describe the step opened by the last "step:". */
#define BOARDFILE_STEP_KEY(k)	((k) > KEY_STEP && (k) < KEY_COUNT)
/* The keys that give a step its action. */
#define BOARDFILE_ACTION_KEY(k)	((k) >= KEY_ROTATE && (k) <= KEY_POLL)

enum boardfile_type {
	TYPE_TEXT,		/* min..max code points */
	TYPE_NUM,		/* min..max */
	TYPE_BOOL,
	TYPE_PHASE,		/* a phase's name */
	TYPE_FOLLOW,		/* none or results */
	TYPE_MERGE,		/* min..max, or all (0) */
};

/*
 * What each key takes.  once: 1, a second occurrence is an error; 2, the
 * same within one step.
 */
static const struct boardfile_key {
	const char		*name;
	enum boardfile_type	 type;
	uint32_t		 min;
	uint32_t		 max;
	uint32_t		 bit;		/* settings bit, 0 for none */
	int			 once;
} boardfile_keys[KEY_COUNT] = {
#define BOARDFILE_SETTING(member, key, bit, type, min, max, ...) \
	[PROTO_SI_##member] = { key, TYPE_##type, min, max, bit, 1 },
	PROTO_SETTINGS(BOARDFILE_SETTING)
#undef BOARDFILE_SETTING
	[KEY_BANNER] = { "banner", TYPE_TEXT, 0, PROTO_BANNER_MAX, 0, 1 },
	[KEY_THEME] = { "theme", TYPE_TEXT, 0, BOARDFILE_THEME_MAX, 0, 0 },
	[KEY_QUESTION] = { "question", TYPE_TEXT, 1, PROTO_QUESTION_MAX, 0, 0 },
	[KEY_LABEL] = { "label", TYPE_TEXT, 1, PROTO_WORD_MAX, 0, 0 },
	[KEY_STEP] = { "step", TYPE_TEXT, 1, PROTO_STEP_TITLE_MAX, 0, 0 },
	[KEY_PHASE] = { "phase", TYPE_PHASE, 0, 0, 0, 2 },
	[KEY_DURATION] = { "duration", TYPE_NUM, 1, BOARDFILE_MINUTES_MAX, 0,
	    2 },
	[KEY_INSTRUCTIONS] = { "instructions", TYPE_TEXT, 0, PROTO_BANNER_MAX,
	    0, 2 },
	[KEY_FOLLOW] = { "follow", TYPE_FOLLOW, 0, 0, 0, 2 },
	[KEY_ROTATE] = { "rotate", TYPE_BOOL, 0, 0, 0, 2 },
	[KEY_PAIRS] = { "pairs", TYPE_TEXT, 0, PROTO_QUESTION_MAX, 0, 2 },
	[KEY_TEAMS] = { "teams", TYPE_TEXT, 0, PROTO_QUESTION_MAX, 0, 2 },
	[KEY_LABELS] = { "labels", TYPE_TEXT, 0, PROTO_QUESTION_MAX, 0, 2 },
	[KEY_MERGE] = { "merge", TYPE_MERGE, 2, PROTO_TEAMS_MAX, 0, 2 },
	[KEY_POLL] = { "poll", TYPE_TEXT, 1, PROTO_QUESTION_MAX, 0, 2 },
	[KEY_CHOICE] = { "choice", TYPE_TEXT, 1, PROTO_WORD_MAX, 0, 0 },
	[KEY_SIZE] = { "size", TYPE_NUM, 2, PROTO_TEAMS_MAX, 0, 2 },
	[KEY_CANVAS] = { "canvas", TYPE_TEXT, 0, PROTO_CANVAS_NAME_MAX, 0, 0 },
	[KEY_SECTION] = { "section", TYPE_TEXT, 1, 400, 0, 0 },
	[KEY_CRITERIA] = { "criteria", TYPE_TEXT, 1, 400, 0, 1 },
};

/* The state of one parse. */
struct boardfile_parser {
	struct boardfile *bf;
	char		*err;
	size_t		 errlen;
	size_t		 line;		/* current line, from 1 */

	int		 key;		/* key whose value is open, -1 none */
	size_t		 key_line;
	char		*value;		/* its value so far */
	size_t		 vlen;
	size_t		 vcap;

	size_t		 seen[KEY_COUNT]; /* line a once-key was given on */
	char		*theme;		/* applies to the next questions */

	struct proto_step *step;	/* the step open, NULL before any */
	size_t		 step_line;
	size_t		 step_seen[KEY_COUNT]; /* line, within the step */
	int		 action;	/* its action's key, -1 none */
	size_t		 label_line[PROTO_LABELS_MAX];
	size_t		 canvas;	/* ext: likewise, 1 + index, 0 none */
	bool		 canvas_open;	/* ext: sections may follow */
};

/* Set the error to "line N: " followed by the formatted reason. */
static int __attribute__((format(printf, 3, 4)))
boardfile_error(struct boardfile_parser *p, size_t line, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (p->errlen == 0)
		return -1;
	n = snprintf(p->err, p->errlen, _("line %zu: "), line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* True for the white space of the file syntax. */
static int
boardfile_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ASCII lower case, whatever the locale. */
static char
boardfile_lower(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c;
}

/* True for a character that may appear in a key. */
static int
boardfile_keychar(char c)
{
	c = boardfile_lower(c);
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	    c == '-';
}

/* The known key s[0..len) names (case-insensitive), or -1. */
static int
boardfile_find_key(const char *s, size_t len)
{
	size_t	i, j;

	for (i = 0; i < KEY_COUNT; i++) {
		if (strlen(boardfile_keys[i].name) != len)
			continue;
		for (j = 0; j < len; j++) {
			if (boardfile_lower(s[j]) != boardfile_keys[i].name[j])
				break;
		}
		if (j == len)
			return (int)i;
	}
	return -1;
}

/* Edit distance between s[0..len) (any case) and a lower-case key name. */
static size_t
boardfile_distance(const char *s, size_t len, const char *name)
{
	size_t	row[32], i, j, prev, cur, nlen = strlen(name);

	if (len > 31 || nlen > 31)
		return SIZE_MAX;
	for (j = 0; j <= nlen; j++)
		row[j] = j;
	for (i = 1; i <= len; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= nlen; j++) {
			cur = row[j];
			if (boardfile_lower(s[i - 1]) == name[j - 1])
				row[j] = prev;
			else {
				row[j] = prev + 1;
				if (row[j - 1] + 1 < row[j])
					row[j] = row[j - 1] + 1;
				if (cur + 1 < row[j])
					row[j] = cur + 1;
			}
			prev = cur;
		}
	}
	return row[nlen];
}

/* The known key closest to s[0..len), or -1 if none is close enough. */
static int
boardfile_closest_key(const char *s, size_t len)
{
	size_t	i, d, best = SIZE_MAX, limit;
	int	found = -1;

	for (i = 0; i < KEY_COUNT; i++) {
		d = boardfile_distance(s, len, boardfile_keys[i].name);
		if (d < best) {
			best = d;
			found = (int)i;
		}
	}
	limit = len / 2 > 2 ? len / 2 : 2;
	return best <= limit ? found : -1;
}

/* How many bytes of s[0..len) to quote in a message (whole characters). */
static int
boardfile_show(const char *s, size_t len)
{
	size_t	n = len < BOARDFILE_SHOW_MAX ? len : BOARDFILE_SHOW_MAX;

	while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* Check one line's bytes: UTF-8, and no control or bidi character. */
static int
boardfile_check_line(struct boardfile_parser *p, const char *s, size_t len)
{
	size_t		i = 0, n, col = 1;
	uint32_t	cp;

	while (i < len) {
		n = text_decode(s + i, len - i, &cp);
		if (n == 1 && cp == 0xfffd)
			return boardfile_error(p, p->line, _("not valid UTF-8 "
			    "(byte 0x%02X at column %zu); save the file as "
			    "UTF-8"), (unsigned char)s[i], col);
		if (cp != '\t' && (cp == '\n' || text_cp_forbidden(cp)))
			return boardfile_error(p, p->line, _("character "
			    "U+%04X (a control or bidi character) at column "
			    "%zu is not allowed"), (unsigned)cp, col);
		i += n;
		col++;
	}
	return 0;
}

/* Append s[0..len) to the open value, tabs turned into spaces. */
static void
boardfile_append(struct boardfile_parser *p, const char *s, size_t len)
{
	size_t	i;

	if (p->vlen + len + 2 > p->vcap) {
		p->vcap = (p->vlen + len + 2) * 2;
		p->value = xrealloc(p->value, p->vcap);
	}
	for (i = 0; i < len; i++)
		p->value[p->vlen++] = s[i] == '\t' ? ' ' : s[i];
	p->value[p->vlen] = '\0';
}

/* True if a equals the lower-case b, ignoring ASCII case. */
static int
boardfile_caseeq(const char *a, const char *b)
{
	while (*a != '\0' && boardfile_lower(*a) == *b) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

/* Parse a yes/no value; 0 or -1. */
static int
boardfile_bool(const char *s, int *out)
{
	static const char *yes[] = { "yes", "true", "on" };
	static const char *no[] = { "no", "false", "off" };
	size_t	i;

	for (i = 0; i < 3; i++) {
		if (boardfile_caseeq(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (boardfile_caseeq(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Parse a whole number in min..max; 0 or -1. */
static int
boardfile_number(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t	v = 0;
	size_t		i;

	if (*s == '\0')
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 9)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A setting's value in the board file, by its type. */
#define BOARDFILE_SET_BOOL(dst, v, num, flag)	((dst) = flag)
#define BOARDFILE_SET_NUM(dst, v, num, flag)	((dst) = num)
#define BOARDFILE_SET_TEXT(dst, v, num, flag)	((dst) = xstrdup(v))

/* Store a checked value of the open step. */
static void
boardfile_store_step(struct boardfile_parser *p, int key, const char *v,
    uint32_t num, int flag)
{
	struct boardfile	*bf = p->bf;
	struct proto_step	*st;

	if (key == KEY_STEP) {
		bf->steps = xreallocarray(bf->steps, bf->nsteps + 1,
		    sizeof *bf->steps);
		st = p->step = &bf->steps[bf->nsteps++];
		memset(st, 0, sizeof *st);
		st->has = STEP_TITLE;
		st->title = xstrdup(v);
		p->step_line = p->key_line;
		p->action = -1;
		memset(p->step_seen, 0, sizeof p->step_seen);
		return;
	}
	st = p->step;
	switch (key) {
	case KEY_PHASE:
		st->has |= STEP_PHASE;
		st->phase = (uint8_t)num;
		break;
	case KEY_DURATION:
		st->has |= STEP_DURATION;
		st->duration = num * 60;
		break;
	case KEY_INSTRUCTIONS:
		st->has |= STEP_BANNER;
		st->banner = xstrdup(v);
		break;
	case KEY_FOLLOW:
		st->has |= STEP_FOLLOW;
		st->follow = (uint8_t)num;
		break;
	case KEY_ROTATE:
		if (flag) {
			st->has |= STEP_ACTION;
			st->action = ACTION_ROTATE;
		}
		break;
	case KEY_PAIRS:
	case KEY_TEAMS:
	case KEY_LABELS:
	case KEY_POLL:
		st->has |= STEP_ACTION | STEP_QUESTION;
		st->action = key == KEY_PAIRS ? ACTION_PAIRS :
		    key == KEY_TEAMS ? ACTION_TEAMS :
		    key == KEY_LABELS ? ACTION_LABELS : ACTION_POLL;
		st->question = xstrdup(v);
		break;
	case KEY_MERGE:
		st->has |= STEP_ACTION | STEP_SIZE;
		st->action = ACTION_MERGE;
		st->size = num;
		break;
	case KEY_CHOICE:
		st->has |= STEP_CHOICES;
		st->choices = xreallocarray(st->choices, st->nchoices + 1,
		    sizeof *st->choices);
		st->choices[st->nchoices++] = xstrdup(v);
		break;
	case KEY_SIZE:
		st->has |= STEP_SIZE;
		st->size = num;
		break;
	}
}

/* Store a checked value in the board file. */
static void
boardfile_store(struct boardfile_parser *p, int key, const char *v,
    uint32_t num, int flag)
{
	struct boardfile	*bf = p->bf;
	struct proto_settings	*s = &bf->settings;
	struct boardfile_table	*t;

	s->has |= boardfile_keys[key].bit;
	switch (key) {
#define BOARDFILE_STORE(member, key, bit, type, ...) \
	case PROTO_SI_##member: \
		BOARDFILE_SET_##type(s->member, v, num, flag); \
		break;
	PROTO_SETTINGS(BOARDFILE_STORE)
#undef BOARDFILE_STORE
	case KEY_BANNER:
		bf->banner = xstrdup(v);
		break;
	case KEY_THEME:
		free(p->theme);
		p->theme = xstrdup(v);
		break;
	case KEY_QUESTION:
		bf->tables = xreallocarray(bf->tables, bf->ntables + 1,
		    sizeof *bf->tables);
		t = &bf->tables[bf->ntables++];
		t->question = xstrdup(v);
		t->theme = xstrdup(p->theme != NULL ? p->theme : "");
		t->canvas = p->canvas;
		p->canvas_open = false;
		break;
	case KEY_LABEL:
		bf->labels = xreallocarray(bf->labels, bf->nlabels + 1,
		    sizeof *bf->labels);
		p->label_line[bf->nlabels] = p->key_line;
		bf->labels[bf->nlabels++] = xstrdup(v);
		break;
	default:
		boardfile_store_step(p, key, v, num, flag);
		break;
	}
}

/* Parse a phase's name (any case); 0 or -1. */
static int
boardfile_phase(const char *s, uint32_t *out)
{
	unsigned	i;

	for (i = 0; i < PHASE_COUNT; i++) {
		if (boardfile_caseeq(s, proto_phase_name(i))) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

/*
 * The checks a step needs once all of it is read (at the next "step:" or
 * the end of the file).
 */
static int
boardfile_close_step(struct boardfile_parser *p)
{
	const struct proto_step	*st = p->step;

	if (st == NULL)
		return 0;
	if (st->action == ACTION_POLL && (st->has & STEP_ACTION) &&
	    st->nchoices == 1)
		return boardfile_error(p, p->step_line, "%s", _("a poll has 2 "
		    "to 12 choices, or none for a word poll"));
	if (st->action == ACTION_PAIRS && (st->has & STEP_ACTION) &&
	    st->size > PROTO_GROUP_SIZE_MAX)
		/* TRANSLATORS: keep "size" in English. */
		return boardfile_error(p, p->step_seen[KEY_SIZE], _("bad value "
		    "\"%u\" for size: pairs are groups of 2 to %d"),
		    (unsigned)st->size, PROTO_GROUP_SIZE_MAX);
	return 0;
}

/* How many of the file's lists a key may add to before it is too many. */
static int
boardfile_too_many(struct boardfile_parser *p, int key, const char *v)
{
	const struct boardfile	*bf = p->bf;
	size_t			 i;

	switch (key) {
	case KEY_QUESTION:
		if (bf->ntables >= BOARDFILE_QUESTIONS)
			return boardfile_error(p, p->key_line, _("too many "
			    "questions: at most %d, one per table"),
			    BOARDFILE_QUESTIONS);
		break;
	case KEY_STEP:
		if (bf->nsteps >= PROTO_STEPS_MAX)
			return boardfile_error(p, p->key_line, _("too many "
			    "steps: at most %d"), PROTO_STEPS_MAX);
		break;
	case KEY_CHOICE:
		if (p->step->nchoices >= PROTO_CHOICES_MAX)
			return boardfile_error(p, p->key_line, _("too many "
			    "choices: at most %d"), PROTO_CHOICES_MAX);
		break;
	case KEY_LABEL:
		if (bf->nlabels >= PROTO_LABELS_MAX)
			return boardfile_error(p, p->key_line, _("too many "
			    "labels: at most %d"), PROTO_LABELS_MAX);
		for (i = 0; i < bf->nlabels; i++)
			if (strcmp(bf->labels[i], v) == 0)
				return boardfile_error(p, p->key_line,
				    _("label \"%s\" given twice (first on "
				    "line %zu)"), v, p->label_line[i]);
		break;
	}
	return 0;
}

/* ext: the fields of s split at '|' (at most max), trimmed; how many. */
static size_t
boardfile_split(char *s, char sep, char **f, size_t max)
{
	size_t	n = 0, len;
	char	*end;

	for (;;) {
		while (boardfile_blank(*s))
			s++;
		end = strchr(s, sep);
		if (n == max)
			return max + 1;
		f[n++] = s;
		if (end != NULL)
			*end = '\0';
		len = strlen(s);
		while (len > 0 && boardfile_blank(s[len - 1]))
			s[--len] = '\0';
		if (end == NULL)
			return n;
		s = end + 1;
	}
}

/*
 * ext: "canvas: NAME" opens a canvas (its sections follow) that the next
 * questions get; a name given before picks that canvas again; an empty one
 * means no canvas for the next questions.
 */
static int
boardfile_canvas(struct boardfile_parser *p, const char *v)
{
	struct boardfile	*bf = p->bf;
	struct boardfile_canvas	*cv;
	size_t			 i;

	if (p->canvas_open && bf->canvases[p->canvas - 1].nsections == 0)
		return boardfile_error(p, p->key_line, _("canvas \"%s\" has no "
		    "section: write \"section: name\" lines after it"),
		    bf->canvases[p->canvas - 1].name);
	p->canvas_open = false;
	if (*v == '\0') {
		p->canvas = 0;
		return 0;
	}
	for (i = 0; i < bf->ncanvases; i++) {
		if (strcmp(bf->canvases[i].name, v) == 0) {
			p->canvas = i + 1;
			return 0;
		}
	}
	bf->canvases = xreallocarray(bf->canvases, bf->ncanvases + 1,
	    sizeof *bf->canvases);
	cv = &bf->canvases[bf->ncanvases++];
	memset(cv, 0, sizeof *cv);
	cv->name = xstrdup(v);
	p->canvas = bf->ncanvases;
	p->canvas_open = true;
	return 0;
}

/*
 * ext: the fields of one section, "name | hint | limit | kind", into sec
 * (its strings malloc'd).  0, or -1 with the reason in err.
 */
static int
boardfile_section_fields(const char *v, struct proto_section *sec,
    char *err, size_t errlen)
{
	char		*copy, *f[5];
	size_t		 n, cps;
	uint32_t	 limit = 0;
	int		 kind = SECTION_IDEAS, rc = -1;

	copy = xstrdup(v);
	n = boardfile_split(copy, '|', f, 4);
	if (n > 4)
		snprintf(err, errlen, "%s", _("a section is \"name | hint | "
		    "most cards | kind\": too many '|'"));
	else if ((cps = text_cplen(f[0])) < 1 || cps > PROTO_CANVAS_NAME_MAX)
		snprintf(err, errlen, _("a section's name has 1 to %d "
		    "characters"), PROTO_CANVAS_NAME_MAX);
	else if (n > 1 && text_cplen(f[1]) > PROTO_HINT_MAX)
		snprintf(err, errlen, _("a section's hint has at most %d "
		    "characters"), PROTO_HINT_MAX);
	else if (n > 2 && f[2][0] != '\0' && boardfile_number(f[2], 0,
	    PROTO_SECTION_CARDS_MAX, &limit) != 0)
		snprintf(err, errlen, _("bad value \"%.*s\" for a section's "
		    "most cards: a whole number from %u to %u"),
		    boardfile_show(f[2], strlen(f[2])), f[2], 0u,
		    (unsigned)PROTO_SECTION_CARDS_MAX);
	else if (n > 3 && f[3][0] != '\0' &&
	    (kind = proto_section_kind_parse(f[3])) < 0)
		/* TRANSLATORS: keep ideas, actions and feedback in English. */
		snprintf(err, errlen, _("unknown section kind \"%.*s\" (ideas, "
		    "actions or feedback)"), boardfile_show(f[3],
		    strlen(f[3])), f[3]);
	else {
		sec->name = xstrdup(f[0]);
		sec->hint = xstrdup(n > 1 ? f[1] : "");
		sec->limit = limit;
		sec->kind = (uint8_t)kind;
		rc = 0;
	}
	free(copy);
	return rc;
}

/* ext: "section: name | hint | limit | kind" of the canvas just opened. */
static int
boardfile_section(struct boardfile_parser *p, const char *v)
{
	struct boardfile_canvas	*cv;
	struct proto_section	 sec;
	char			 why[256];

	if (!p->canvas_open)
		return boardfile_error(p, p->key_line, "%s", _("a section "
		    "belongs to the canvas named just above it: write "
		    "\"canvas: name\" first"));
	cv = &p->bf->canvases[p->canvas - 1];
	if (cv->nsections == PROTO_SECTIONS_MAX)
		return boardfile_error(p, p->key_line, _("too many sections "
		    "in canvas \"%s\": at most %d"), cv->name,
		    PROTO_SECTIONS_MAX);
	if (boardfile_section_fields(v, &sec, why, sizeof why) != 0)
		return boardfile_error(p, p->key_line, "%s", why);
	cv->sections = xreallocarray(cv->sections, cv->nsections + 1,
	    sizeof *cv->sections);
	cv->sections[cv->nsections++] = sec;
	return 0;
}

/* The length of s once ASCII white space at its end is cut. */
static size_t
boardfile_rtrim(char *s)
{
	size_t	len = strlen(s);

	while (len > 0 && (boardfile_blank(s[len - 1]) || s[len - 1] == '\r'))
		s[--len] = '\0';
	return len;
}

/* True when s[0..len) ends with a closing quote (", » or ”). */
static bool
boardfile_quote_end(const char *s, size_t len)
{
	return (len >= 1 && s[len - 1] == '"') || (len >= 2 &&
	    memcmp(s + len - 2, "\xc2\xbb", 2) == 0) || (len >= 3 &&
	    memcmp(s + len - 3, "\xe2\x80\x9d", 3) == 0);
}

/*
 * ext: one section of the one-line form, "name "hint" limit kind", read
 * from its end: a kind word (after a limit or a hint), a number, a quoted
 * hint ("...", « ... » or “...”), each optional; what is left is the name.
 */
static int
boardfile_section_words(char *v, struct proto_section *sec, char *err,
    size_t errlen)
{
	static const char *const quotes[][2] = {
		{ "\"", "\"" }, { "\xc2\xab", "\xc2\xbb" },
		{ "\xe2\x80\x9c", "\xe2\x80\x9d" },
	};
	char		*sp, *open, *hint = NULL;
	size_t		 len, q, cl;
	uint32_t	 limit = 0;
	int		 kind = SECTION_IDEAS, k;

	while (boardfile_blank(*v))
		v++;
	len = boardfile_rtrim(v);
	/*
	 * A kind only after a limit or a hint: "Nos actions" is a name,
	 * "Nos actions 0 actions" a roadmap without a limit.
	 */
	if ((sp = strrchr(v, ' ')) != NULL &&
	    (k = proto_section_kind_parse(sp + 1)) >= 0 && sp > v &&
	    (boardfile_quote_end(v, (size_t)(sp - v)) ||
	    (sp[-1] >= '0' && sp[-1] <= '9'))) {
		kind = k;
		*sp = '\0';
		len = boardfile_rtrim(v);
	}
	if ((sp = strrchr(v, ' ')) != NULL &&
	    boardfile_number(sp + 1, 0, 999999, &limit) == 0) {
		*sp = '\0';
		len = boardfile_rtrim(v);
		if (limit > PROTO_SECTION_CARDS_MAX) {
			snprintf(err, errlen, _("a section holds at most %u "
			    "cards"), (unsigned)PROTO_SECTION_CARDS_MAX);
			return -1;
		}
	}
	for (q = 0; q < sizeof quotes / sizeof quotes[0] && hint == NULL;
	    q++) {
		cl = strlen(quotes[q][1]);
		if (len <= cl || strcmp(v + len - cl, quotes[q][1]) != 0)
			continue;
		v[len - cl] = '\0';
		open = strstr(v, quotes[q][0]);
		if (open == NULL || open == v) {
			v[len - cl] = quotes[q][1][0];
			continue;
		}
		*open = '\0';
		hint = open + strlen(quotes[q][0]);
		while (boardfile_blank(*hint))
			hint++;
		boardfile_rtrim(hint);
		boardfile_rtrim(v);
	}
	if (text_cplen(v) < 1 || text_cplen(v) > PROTO_CANVAS_NAME_MAX) {
		snprintf(err, errlen, _("a section's name has 1 to %d "
		    "characters"), PROTO_CANVAS_NAME_MAX);
		return -1;
	}
	if (hint != NULL && text_cplen(hint) > PROTO_HINT_MAX) {
		snprintf(err, errlen, _("a section's hint has at most %d "
		    "characters"), PROTO_HINT_MAX);
		return -1;
	}
	sec->name = xstrdup(v);
	sec->hint = xstrdup(hint != NULL ? hint : "");
	sec->limit = limit;
	sec->kind = (uint8_t)kind;
	return 0;
}

/* ext: free what boardfile_sections made. */
void
boardfile_sections_free(struct proto_section *v, uint32_t n)
{
	uint32_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].hint);
	}
	free(v);
}

/* ext: the sections a facilitator typed for a live canvas. */
int
boardfile_sections(const char *text, struct proto_section **out,
    uint32_t *nout, char *err, size_t errlen)
{
	struct proto_section	*v = NULL, sec;
	char			*copy = xstrdup(text), *line, *save = NULL, *w;
	const char		*sep = strchr(text, '\n') != NULL ? "\n" : "|";
	uint32_t		 n = 0;
	int			 rc = 0;

	for (line = strtok_r(copy, sep, &save); line != NULL && rc == 0;
	    line = strtok_r(NULL, sep, &save)) {
		w = line;
		while (boardfile_blank(*w))
			w++;
		boardfile_rtrim(w);
		if (*w == '\0')
			continue;
		if (n == PROTO_SECTIONS_MAX) {
			snprintf(err, errlen, _("a canvas has at most %d "
			    "sections"), PROTO_SECTIONS_MAX);
			rc = -1;
			break;
		}
		/* A line of a board file, "section:" or not, is welcome. */
		if (sep[0] == '\n' && strncmp(w, "section:", 8) == 0)
			w += 8;
		rc = sep[0] == '\n' ? boardfile_section_fields(w, &sec, err,
		    errlen) : boardfile_section_words(w, &sec, err, errlen);
		if (rc == 0) {
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n++] = sec;
		}
	}
	free(copy);
	if (rc == 0 && n == 0) {
		snprintf(err, errlen, "%s", _("a canvas needs at least one "
		    "section"));
		rc = -1;
	}
	if (rc != 0) {
		boardfile_sections_free(v, n);
		return -1;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* ext: "criteria: structurant, pertinent, novateur". */
static int
boardfile_criteria(struct boardfile_parser *p, const char *v)
{
	struct boardfile	*bf = p->bf;
	char			*copy, *f[PROTO_CRITERIA_MAX + 1];
	size_t			 n, i, cps;
	int			 rc = 0;

	copy = xstrdup(v);
	n = boardfile_split(copy, ',', f, PROTO_CRITERIA_MAX);
	if (n > PROTO_CRITERIA_MAX)
		rc = boardfile_error(p, p->key_line, _("too many criteria: at "
		    "most %d, separated by commas"), PROTO_CRITERIA_MAX);
	for (i = 0; rc == 0 && i < n; i++)
		if ((cps = text_cplen(f[i])) < 1 || cps > PROTO_CRITERION_MAX)
			rc = boardfile_error(p, p->key_line, _("a criterion "
			    "has 1 to %d characters, and commas separate "
			    "them"), PROTO_CRITERION_MAX);
	for (i = 0; rc == 0 && i < n; i++)
		bf->criteria[bf->ncriteria++] = xstrdup(f[i]);
	free(copy);
	return rc;
}

/* Check and store the open value, if any; close it. */
static int
boardfile_commit(struct boardfile_parser *p)
{
	const struct boardfile_key	*k;
	const char			*v;
	size_t				 cps;
	uint32_t			 num = 0;
	int				 flag = 0, key = p->key;

	if (key < 0)
		return 0;
	p->key = -1;
	k = &boardfile_keys[key];
	v = p->value != NULL ? p->value : "";
	/* Lines were checked one by one; this guards the joined result. */
	if (text_check(v, p->vlen, false, &cps) != TEXT_OK)
		return boardfile_error(p, p->key_line, _("%s: invalid text"),
		    k->name);
	switch (k->type) {
	case TYPE_TEXT:
		if (cps < k->min)
			/* TRANSLATORS: %s is a key of the file ("title"). */
			return boardfile_error(p, p->key_line, _("%s is empty; "
			    "write it after \"%s:\""), k->name, k->name);
		if (cps > k->max)
			return boardfile_error(p, p->key_line, _("%s too long: "
			    "%zu characters, at most %u"), k->name, cps,
			    (unsigned)k->max);
		break;
	case TYPE_NUM:
		if (boardfile_number(v, k->min, k->max, &num) != 0)
			return boardfile_error(p, p->key_line, _("bad value "
			    "\"%.*s\" for %s: a whole number from %u to %u"),
			    boardfile_show(v, p->vlen), v, k->name,
			    (unsigned)k->min, (unsigned)k->max);
		break;
	case TYPE_BOOL:
		if (boardfile_bool(v, &flag) != 0)
			/* TRANSLATORS: keep yes, no, true... in English. */
			return boardfile_error(p, p->key_line, _("bad value "
			    "\"%.*s\" for %s: yes or no (or true/false, "
			    "on/off)"), boardfile_show(v, p->vlen), v, k->name);
		break;
	case TYPE_PHASE:
		if (boardfile_phase(v, &num) != 0)
			/* TRANSLATORS: keep the phases' names in English. */
			return boardfile_error(p, p->key_line, _("bad value "
			    "\"%.*s\" for %s: welcome, ideas, group, vote, "
			    "harvest or closed"), boardfile_show(v, p->vlen), v,
			    k->name);
		break;
	case TYPE_FOLLOW:
		if (boardfile_caseeq(v, "none"))
			num = FOLLOW_NONE;
		else if (boardfile_caseeq(v, "results"))
			num = FOLLOW_RESULTS;
		else
			/* TRANSLATORS: keep none and results in English. */
			return boardfile_error(p, p->key_line, _("bad value "
			    "\"%.*s\" for %s: none or results"),
			    boardfile_show(v, p->vlen), v, k->name);
		break;
	case TYPE_MERGE:
		if (boardfile_caseeq(v, "all"))
			num = 0;
		else if (boardfile_number(v, k->min, k->max, &num) != 0)
			/* TRANSLATORS: keep "all" in English. */
			return boardfile_error(p, p->key_line, _("bad value "
			    "\"%.*s\" for %s: a whole number from %u to %u, "
			    "or all"), boardfile_show(v, p->vlen), v, k->name,
			    (unsigned)k->min, (unsigned)k->max);
		break;
	}
	if (boardfile_too_many(p, key, v) != 0)
		return -1;
	if (key == KEY_STEP && boardfile_close_step(p) != 0)
		return -1;
	if (key == KEY_QUESTION && p->canvas_open &&
	    p->bf->canvases[p->canvas - 1].nsections == 0)
		return boardfile_error(p, p->key_line, _("canvas \"%s\" has no "
		    "section: write \"section: name\" lines after it"),
		    p->bf->canvases[p->canvas - 1].name);
	switch (key) {
	case KEY_CANVAS:
		return boardfile_canvas(p, v);
	case KEY_SECTION:
		return boardfile_section(p, v);
	case KEY_CRITERIA:
		return boardfile_criteria(p, v);
	}
	boardfile_store(p, key, v, num, flag);
	return 0;
}

/*
 * Where a key of the day may stand: a step's keys after a "step:", once
 * in it, one action, choices after a poll, a size after pairs or teams;
 * the questions before the steps.  Records the key in the step.
 */
static int
boardfile_step_order(struct boardfile_parser *p, int key)
{
	const char	*name = boardfile_keys[key].name;

	if (key == KEY_QUESTION && p->bf->nsteps > 0)
		return boardfile_error(p, p->line, "%s", _("questions come "
		    "before the run sheet: a step's question goes after "
		    "pairs:, teams:, labels: or poll:"));
	if (!BOARDFILE_STEP_KEY(key))
		return 0;
	if (p->step == NULL)
		/* TRANSLATORS: %s is a key of the file ("phase"). */
		return boardfile_error(p, p->line, _("%s belongs to a step: "
		    "write it after a \"step:\" line"), name);
	if (boardfile_keys[key].once == 2 && p->step_seen[key] != 0)
		return boardfile_error(p, p->line, _("%s given twice in this "
		    "step (first on line %zu)"), name, p->step_seen[key]);
	if (BOARDFILE_ACTION_KEY(key) && p->action >= 0)
		/* TRANSLATORS: %s is an action of a step ("pairs"). */
		return boardfile_error(p, p->line, _("a step has one action, "
		    "and this one has %s already (line %zu)"),
		    boardfile_keys[p->action].name, p->step_seen[p->action]);
	if (key == KEY_CHOICE && p->action != KEY_POLL)
		return boardfile_error(p, p->line, "%s", _("choice belongs to "
		    "a poll: write it after \"poll:\""));
	if (key == KEY_SIZE && p->action != KEY_PAIRS &&
	    p->action != KEY_TEAMS)
		return boardfile_error(p, p->line, "%s", _("size is for pairs "
		    "and teams: write it after \"pairs:\" or \"teams:\""));
	p->step_seen[key] = p->line;
	if (BOARDFILE_ACTION_KEY(key))
		p->action = key;
	return 0;
}

/* A line that starts with white space: it continues the open value. */
static int
boardfile_continuation(struct boardfile_parser *p, const char *s, size_t len)
{
	size_t	i = 0, klen;

	while (len > 0 && boardfile_blank(s[len - 1]))
		len--;
	while (i < len && boardfile_blank(s[i]))
		i++;
	s += i;
	len -= i;
	if (p->key < 0)
		return boardfile_error(p, p->line, "%s", _("this line starts "
		    "with a space, so it continues the value above, but there "
		    "is none; remove the leading spaces"));
	if (s[0] == '#')
		/* TRANSLATORS: %s is a key of the file ("question"). */
		return boardfile_error(p, p->line, _("an indented '#' line "
		    "would continue the %s above; start comments in the first "
		    "column"), boardfile_keys[p->key].name);
	for (klen = 0; klen < len && boardfile_keychar(s[klen]); klen++)
		/* nothing */;
	i = klen;
	while (i < len && boardfile_blank(s[i]))
		i++;
	if (i < len && s[i] == ':' && boardfile_find_key(s, klen) >= 0)
		return boardfile_error(p, p->line, _("\"%.*s:\" is indented, "
		    "so it would continue the %s above; start keys in the "
		    "first column"), (int)klen, s,
		    boardfile_keys[p->key].name);
	if (p->vlen > 0)
		boardfile_append(p, " ", 1);
	boardfile_append(p, s, len);
	return 0;
}

/* A "key: value" line: close the open value, open this one. */
static int
boardfile_key_line(struct boardfile_parser *p, const char *s, size_t len)
{
	const char	*colon, *v;
	size_t		 klen, vlen, i;
	int		 key, near;

	if (boardfile_commit(p) != 0)
		return -1;
	colon = memchr(s, ':', len);
	for (klen = 0; klen < len && boardfile_keychar(s[klen]); klen++)
		/* nothing */;
	i = klen;
	while (i < len && boardfile_blank(s[i]))
		i++;
	if (colon == NULL || colon != s + i || klen == 0) {
		if (klen > 0 && (i == len || s[klen] == ' ' ||
		    s[klen] == '\t') && boardfile_find_key(s, klen) >= 0)
			return boardfile_error(p, p->line, _("missing ':' "
			    "after \"%.*s\""), (int)klen, s);
		return boardfile_error(p, p->line, "%s", _("expected \"key: "
		    "value\" (a line that continues the one above must start "
		    "with a space; a comment starts with '#')"));
	}
	if ((key = boardfile_find_key(s, klen)) < 0) {
		if ((near = boardfile_closest_key(s, klen)) >= 0)
			return boardfile_error(p, p->line, _("unknown key "
			    "\"%.*s\" (did you mean \"%s\"?)"),
			    boardfile_show(s, klen), s,
			    boardfile_keys[near].name);
		/* TRANSLATORS: keep the keys (title, code...) in English. */
		return boardfile_error(p, p->line, _("unknown key \"%.*s\" "
		    "(the keys are title, code, dots, multi_vote, blind, "
		    "private, anonymous, freeze_at_zero, locked, keep, "
		    "live_polls, hosts_stay, eval_dots, banner, theme, "
		    "question, canvas, section, criteria, label, and for a "
		    "step: step, phase, duration, instructions, follow, rotate, "
		    "pairs, teams, labels, merge, poll, choice, size)"),
		    boardfile_show(s, klen), s);
	}
	if (boardfile_step_order(p, key) != 0)
		return -1;
	if (boardfile_keys[key].once == 1 && p->seen[key] != 0)
		return boardfile_error(p, p->line, _("%s given twice (first on "
		    "line %zu)"), boardfile_keys[key].name, p->seen[key]);
	p->seen[key] = p->line;

	v = colon + 1;
	vlen = len - (size_t)(v - s);
	while (vlen > 0 && boardfile_blank(*v)) {
		v++;
		vlen--;
	}
	while (vlen > 0 && boardfile_blank(v[vlen - 1]))
		vlen--;
	p->key = key;
	p->key_line = p->line;
	p->vlen = 0;
	boardfile_append(p, v, vlen);
	return 0;
}

/* One physical line, without its line end. */
static int
boardfile_line(struct boardfile_parser *p, const char *s, size_t len)
{
	size_t	i;

	if (boardfile_check_line(p, s, len) != 0)
		return -1;
	for (i = 0; i < len && boardfile_blank(s[i]); i++)
		/* nothing */;
	if (i == len)
		return boardfile_commit(p);	/* a blank line ends a value */
	if (s[0] == '#')
		return 0;
	if (i > 0)
		return boardfile_continuation(p, s, len);
	return boardfile_key_line(p, s, len);
}

/* Parse text[0..len) into bf. */
int
boardfile_parse(const char *text, size_t len, struct boardfile *bf,
    char *err, size_t errlen)
{
	struct boardfile_parser	 p;
	const char		*end, *nl;
	size_t			 i, line, llen;
	int			 rc = 0;

	memset(bf, 0, sizeof *bf);
	memset(&p, 0, sizeof p);
	p.bf = bf;
	p.err = err;
	p.errlen = errlen;
	p.key = -1;
	if (errlen > 0)
		err[0] = '\0';

	if (len > BOARDFILE_MAX) {
		for (line = 1, i = 0; i < BOARDFILE_MAX; i++)
			line += text[i] == '\n';
		return boardfile_error(&p, line, _("the file is larger than "
		    "1 MiB (%d bytes); a board file holds a title, settings "
		    "and questions"), BOARDFILE_MAX);
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	end = text + len;
	while (rc == 0 && text < end) {
		p.line++;
		if ((nl = memchr(text, '\n', (size_t)(end - text))) == NULL)
			nl = end;
		llen = (size_t)(nl - text);
		if (llen > 0 && text[llen - 1] == '\r')
			llen--;
		rc = boardfile_line(&p, text, llen);
		text = nl < end ? nl + 1 : end;
	}
	if (rc == 0)
		rc = boardfile_commit(&p);
	if (rc == 0)
		rc = boardfile_close_step(&p);
	if (rc == 0 && p.canvas_open &&
	    bf->canvases[p.canvas - 1].nsections == 0)
		rc = boardfile_error(&p, p.line, _("canvas \"%s\" has no "
		    "section: write \"section: name\" lines after it"),
		    bf->canvases[p.canvas - 1].name);
	free(p.value);
	free(p.theme);
	if (rc != 0) {
		boardfile_free(bf);
		return -1;
	}
	return 0;
}

/* Read and parse the file at path; errors start with the path. */
int
boardfile_load(const char *path, struct boardfile *bf, char *err,
    size_t errlen)
{
	FILE	*f;
	char	*buf, *msg;
	size_t	 len = 0, n;
	int	 rc, saved;

	memset(bf, 0, sizeof *bf);
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* One byte more than allowed, so that a longer file is noticed. */
	buf = xmalloc(BOARDFILE_MAX + 1);
	while (len < BOARDFILE_MAX + 1) {
		n = fread(buf + len, 1, BOARDFILE_MAX + 1 - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		saved = errno;
		fclose(f);
		free(buf);
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return -1;
	}
	fclose(f);
	msg = xmalloc(errlen > 0 ? errlen : 1);
	rc = boardfile_parse(buf, len, bf, msg, errlen);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, msg);
	free(msg);
	free(buf);
	return rc;
}

/* Free what a successful parse allocated; bf is left empty. */
void
boardfile_free(struct boardfile *bf)
{
	size_t	i, j;

	for (i = 0; i < bf->ntables; i++) {
		free(bf->tables[i].question);
		free(bf->tables[i].theme);
	}
	free(bf->tables);
	proto_settings_free(&bf->settings);
	free(bf->banner);
	for (i = 0; i < bf->nlabels; i++)
		free(bf->labels[i]);
	free(bf->labels);
	for (i = 0; i < bf->nsteps; i++)
		proto_step_free(&bf->steps[i]);
	free(bf->steps);
	for (i = 0; i < bf->ncanvases; i++) {
		for (j = 0; j < bf->canvases[i].nsections; j++) {
			free(bf->canvases[i].sections[j].name);
			free(bf->canvases[i].sections[j].hint);
		}
		free(bf->canvases[i].sections);
		free(bf->canvases[i].name);
	}
	free(bf->canvases);
	for (i = 0; i < bf->ncriteria; i++)
		free(bf->criteria[i]);
	memset(bf, 0, sizeof *bf);
}

/*
 * The facilitator ops that build the board: settings, banner, tables,
 * labels, then one agenda per step; strings point into bf.
 */
size_t
boardfile_ops(const struct boardfile *bf, struct proto_op **ops)
{
	return boardfile_ops_from(bf, 1, ops);
}

/*
 * The same, the first op getting seq first: each op makes one event on a
 * board that has no card (no followup), so a canvas's and a table's ids
 * are known before they are made.  One canvas for every table is one
 * canvas.use of table 0.
 */
size_t
boardfile_ops_from(const struct boardfile *bf, uint64_t first,
    struct proto_op **ops)
{
	struct proto_op	*o;
	uint64_t	*canvas_id, *table_id;
	size_t		 n = 0, i, k;
	bool		 same = bf->ntables > 0;

	o = xcalloc(2 * bf->ntables + bf->ncanvases + bf->nsteps + 4,
	    sizeof *o);
	canvas_id = xcalloc(bf->ncanvases + 1, sizeof *canvas_id);
	table_id = xcalloc(bf->ntables + 1, sizeof *table_id);
	if (bf->settings.has != 0) {
		o[n].kind = OP_SETTINGS;
		o[n].settings = bf->settings;
		n++;
	}
	if (bf->banner != NULL) {
		o[n].kind = OP_BANNER;
		o[n].text = bf->banner;
		n++;
	}
	for (i = 0; i < bf->ncanvases; i++) {
		o[n].kind = OP_CANVAS_ADD;
		o[n].text = bf->canvases[i].name;
		o[n].sections = bf->canvases[i].sections;
		o[n].nsections = (uint32_t)bf->canvases[i].nsections;
		canvas_id[i] = first + n;
		n++;
	}
	for (i = 0; i < bf->ntables; i++) {
		o[n].kind = OP_TABLE_ADD;
		o[n].text = bf->tables[i].question;
		o[n].theme = bf->tables[i].theme;
		table_id[i] = first + n;
		n++;
		if (bf->tables[i].canvas != bf->tables[0].canvas)
			same = false;
	}
	for (i = 0; i < bf->ntables; i++) {
		if ((k = bf->tables[i].canvas) == 0)
			continue;
		o[n].kind = OP_CANVAS_USE;
		o[n].table = same ? 0 : table_id[i];
		o[n].canvas = canvas_id[k - 1];
		n++;
		if (same)
			break;
	}
	if (bf->ncriteria > 0) {
		o[n].kind = OP_CRITERIA;
		for (i = 0; i < bf->ncriteria; i++)
			o[n].labels[i] = bf->criteria[i];
		o[n].nlabels = (uint32_t)bf->ncriteria;
		n++;
	}
	if (bf->nlabels != 0) {
		o[n].kind = OP_LABELS;
		o[n].strs = bf->labels;
		o[n].nstrs = (uint32_t)bf->nlabels;
		n++;
	}
	for (i = 0; i < bf->nsteps; i++) {
		o[n].kind = OP_AGENDA;
		o[n].index = (uint32_t)i;
		o[n].step = bf->steps[i];
		n++;
	}
	free(canvas_id);
	free(table_id);
	*ops = o;
	return n;
}
