/*
 * plain-cmd.c -- the commands of cafeboard --plain.
 *
 * One table drives parsing, help and completion.  A command is its English
 * word or its word in the user's language, or a prefix of either that
 * names one command; ideas are named by their number on the table looked
 * at ("12"), on another table ("2.12"), or by a few words of their text
 * when the command takes nothing else.  Every command answers in one line:
 * what it did (and whether it waits for the connection), or why not.
 * Listings (read, results, who, help) are one line per item.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "layout.h"
#include "plain.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* Who may use a command, and what its first argument names. */
#define PLAIN_FAC	0x1	/* facilitators only */
#define PLAIN_CARD	0x2	/* the first argument is an idea */
#define PLAIN_PERSON	0x4	/* the first arguments are a first name */

struct plain_cmd {
	const char	*name;		/* English: always understood */
	const char	*word;		/* NC_("command", ...): their word */
	const char	*args;		/* N_: what follows it, for help */
	const char	*what;		/* N_: what it does */
	unsigned	 flags;
	void		(*fn)(struct plain *, char *);
};

static void	plain_cmd_help(struct plain *, char *);
static void	plain_cmd_add(struct plain *, char *);
static void	plain_cmd_reply(struct plain *, char *);
static void	plain_cmd_edit(struct plain *, char *);
static void	plain_cmd_delete(struct plain *, char *);
static void	plain_cmd_vote(struct plain *, char *);
static void	plain_cmd_unvote(struct plain *, char *);
static void	plain_cmd_read(struct plain *, char *);
static void	plain_cmd_results(struct plain *, char *);
static void	plain_cmd_who(struct plain *, char *);
static void	plain_cmd_sit(struct plain *, char *);
static void	plain_cmd_group(struct plain *, char *);
static void	plain_cmd_ungroup(struct plain *, char *);
static void	plain_cmd_title(struct plain *, char *);
static void	plain_cmd_ready(struct plain *, char *);
static void	plain_cmd_status_fn(struct plain *, char *);
static void	plain_cmd_listen(struct plain *, char *);
static void	plain_cmd_quit(struct plain *, char *);
static void	plain_cmd_full(struct plain *, char *);
static void	plain_cmd_phase(struct plain *, char *);
static void	plain_cmd_timer(struct plain *, char *);
static void	plain_cmd_banner(struct plain *, char *);
static void	plain_cmd_rotate(struct plain *, char *);
static void	plain_cmd_follow(struct plain *, char *);
static void	plain_cmd_keep(struct plain *, char *);
static void	plain_cmd_unkeep(struct plain *, char *);
static void	plain_cmd_reveal(struct plain *, char *);
static void	plain_cmd_settings(struct plain *, char *);
static void	plain_cmd_set(struct plain *, char *);
static void	plain_cmd_lock(struct plain *, char *);
static void	plain_cmd_unlock(struct plain *, char *);
static void	plain_cmd_table(struct plain *, char *);
static void	plain_cmd_question(struct plain *, char *);
static void	plain_cmd_seat(struct plain *, char *);
static void	plain_cmd_role(struct plain *, char *);

static const struct plain_cmd plain_cmds[] = {
	{ "help", NC_("command", "help"), "",
	    N_("these commands"), 0, plain_cmd_help },
	{ "add", NC_("command", "add"), N_("[SECTION:] TEXT"),
	    N_("add an idea to your table (into a section of its canvas when "
	    "SECTION: comes first)"), 0, plain_cmd_add },
	{ "reply", NC_("command", "reply"), N_("N TEXT"),
	    N_("add an idea that builds on idea N"), PLAIN_CARD,
	    plain_cmd_reply },
	{ "edit", NC_("command", "edit"), N_("N TEXT"),
	    N_("replace the text of idea N"), PLAIN_CARD, plain_cmd_edit },
	{ "delete", NC_("command", "delete"), "N",
	    N_("delete idea N"), PLAIN_CARD, plain_cmd_delete },
	{ "vote", NC_("command", "vote"), "N",
	    N_("put a dot on idea N"), PLAIN_CARD, plain_cmd_vote },
	{ "unvote", NC_("command", "unvote"), "N",
	    N_("take a dot back from idea N"), PLAIN_CARD, plain_cmd_unvote },
	{ "read", NC_("command", "read"), N_("[N | table N]"),
	    N_("hear idea N, a table, or the table you look at"), PLAIN_CARD,
	    plain_cmd_read },
	{ "results", NC_("command", "results"), N_("[table N]"),
	    N_("the ideas by votes, once the tallies are public"), 0,
	    plain_cmd_results },
	{ "who", NC_("command", "who"), N_("[all]"),
	    N_("who is at your table, or at every table"), 0, plain_cmd_who },
	{ "sit", NC_("command", "sit"), "N",
	    N_("sit at table N"), 0, plain_cmd_sit },
	{ "group", NC_("command", "group"), N_("N M"),
	    N_("group idea N under idea M"), PLAIN_CARD, plain_cmd_group },
	{ "ungroup", NC_("command", "ungroup"), "N",
	    N_("take idea N out of its cluster"), PLAIN_CARD,
	    plain_cmd_ungroup },
	{ "title", NC_("command", "title"), N_("N [TEXT]"),
	    N_("give the cluster of idea N a title (none without TEXT)"),
	    PLAIN_CARD, plain_cmd_title },
	{ "ready", NC_("command", "ready"), "",
	    N_("say you are done with this step, or not any more"), 0,
	    plain_cmd_ready },
	{ "answer", NC_("command", "answer"), N_("N | WORD"),
	    N_("answer the open poll: a choice's number, or a word"), 0,
	    plain_day_cmd_answer },
	{ "react", NC_("command", "react"), N_("N + | N ? | N !"),
	    N_("react to idea N: + I build on it, ? needs clarifying, ! it "
	    "matters (again: take it back)"), PLAIN_CARD, plain_day_cmd_react },
	{ "label", NC_("command", "label"), N_("[NAME]"),
	    N_("pick your label (your d\xc3\xa9partement, your "
	    "organisation)"), 0, plain_day_cmd_label },
	{ "poll", NC_("command", "poll"), "",
	    N_("hear the open poll again"), 0, plain_day_cmd_poll },
	{ "canvas", NC_("command", "canvas"), N_("[table N]"),
	    N_("read the canvas of a table, section by section"), 0,
	    plain_deliver_cmd_canvas },
	{ "place", NC_("command", "place"), N_("N SECTION | N none"),
	    N_("put idea N into a section of the canvas, or out of it"),
	    PLAIN_CARD, plain_deliver_cmd_place },
	{ "action", NC_("command", "action"), N_("N OWNER [DUE] | N none"),
	    N_("idea N becomes an action: who does it (a first name, or "
	    "anyone) and by when (12 mars, vendredi, 15/01/2027)"),
	    PLAIN_CARD, plain_deliver_cmd_action },
	{ "actions", NC_("command", "actions"), "",
	    N_("your actions, soonest first"), 0, plain_deliver_cmd_actions },
	{ "score", NC_("command", "score"), N_("N [CRITERION VALUE]"),
	    N_("score idea N on a criterion while the evaluation is open, or "
	    "hear your scores of it"), PLAIN_CARD, plain_deliver_cmd_score },
	{ "feedback", NC_("command", "feedback"), N_("[SECTION:] TEXT"),
	    N_("write feedback to the table that pitches"), 0,
	    plain_deliver_cmd_feedback },
	{ "status", NC_("command", "status"), "",
	    N_("the phase, the timer, the connection"), 0,
	    plain_cmd_status_fn },
	{ "listen", NC_("command", "listen"), N_("all | table"),
	    N_("hear new ideas of every table, or of yours only"), 0,
	    plain_cmd_listen },
	{ "quit", NC_("command", "quit"), "",
	    N_("leave"), 0, plain_cmd_quit },
	{ "full", NC_("command", "full"), "",
	    N_("the full screen, as without --plain (there F2 or Ctrl-T comes "
	    "back here)"), 0, plain_cmd_full },
	{ "phase", NC_("command", "phase"), N_("NAME"),
	    N_("go to a phase: welcome, ideas, grouping, vote, harvest, "
	    "closed"), PLAIN_FAC, plain_cmd_phase },
	{ "timer", NC_("command", "timer"),
	    N_("start DURATION [LABEL] | pause | resume | add [-]DURATION | "
	    "stop"),
	    N_("the round's countdown (10m, 90s, 1h30, 5:00)"), PLAIN_FAC,
	    plain_cmd_timer },
	{ "banner", NC_("command", "banner"), N_("[TEXT]"),
	    N_("a message on every screen (none without TEXT)"), PLAIN_FAC,
	    plain_cmd_banner },
	{ "rotate", NC_("command", "rotate"), "",
	    N_("rotate the tables: travellers move, hosts stay"), PLAIN_FAC,
	    plain_cmd_rotate },
	{ "step", NC_("command", "step"), N_("[N]"),
	    N_("the run sheet's next step, or step N"), PLAIN_FAC,
	    plain_day_cmd_step },
	{ "poll", NC_("command", "poll"),
	    N_("QUESTION [| CHOICE | CHOICE ...]"),
	    N_("open a poll now: its choices after |, none for a word poll"),
	    PLAIN_FAC, plain_day_cmd_poll },
	{ "close", NC_("command", "close"), N_("poll"),
	    N_("close the open poll: its results go to everyone"), PLAIN_FAC,
	    plain_day_cmd_close },
	{ "groups", NC_("command", "groups"),
	    N_("pairs | teams | labels | merge"),
	    N_("form pairs who met least, teams kept all day, one table per "
	    "label, or merge the groups' tables"), PLAIN_FAC,
	    plain_day_cmd_groups },
	{ "labelof", NC_("command", "labelof"), N_("NAME LABEL | NAME none"),
	    N_("give someone a label (for the groups by label), or none"),
	    PLAIN_FAC | PLAIN_PERSON, plain_day_cmd_label_of },
	{ "follow", NC_("command", "follow"), N_("table N | results | none"),
	    N_("bring every screen to a table or to the results"), PLAIN_FAC,
	    plain_cmd_follow },
	{ "keep", NC_("command", "keep"), "N",
	    N_("keep idea N for the harvest"), PLAIN_FAC | PLAIN_CARD,
	    plain_cmd_keep },
	{ "unkeep", NC_("command", "unkeep"), "N",
	    N_("no longer keep idea N"), PLAIN_FAC | PLAIN_CARD,
	    plain_cmd_unkeep },
	{ "reveal", NC_("command", "reveal"), N_("[votes]"),
	    N_("show the private ideas now, or the vote tallies"), PLAIN_FAC,
	    plain_cmd_reveal },
	{ "settings", NC_("command", "settings"), "",
	    N_("the board's settings"), PLAIN_FAC, plain_cmd_settings },
	{ "set", NC_("command", "set"), N_("SETTING VALUE"),
	    N_("change a setting: dots, multi, blind, private, anonymous, "
	    "freeze, lock, code, title, keep"), PLAIN_FAC, plain_cmd_set },
	{ "lock", NC_("command", "lock"), "",
	    N_("participants can only read"), PLAIN_FAC, plain_cmd_lock },
	{ "unlock", NC_("command", "unlock"), "",
	    N_("participants can write again"), PLAIN_FAC, plain_cmd_unlock },
	{ "table", NC_("command", "table"), N_("QUESTION"),
	    N_("add a table with this question"), PLAIN_FAC, plain_cmd_table },
	{ "question", NC_("command", "question"), N_("[N] TEXT"),
	    N_("change the question of table N, or of the table you look at"),
	    PLAIN_FAC, plain_cmd_question },
	{ "seat", NC_("command", "seat"), N_("NAME N | NAME none"),
	    N_("seat someone at table N, or stand them up"),
	    PLAIN_FAC | PLAIN_PERSON, plain_cmd_seat },
	{ "role", NC_("command", "role"), N_("NAME ROLE"),
	    N_("make someone a participant, a host or a facilitator"),
	    PLAIN_FAC | PLAIN_PERSON, plain_cmd_role },
	/* ext: the same word as the participants' canvas, more to it. */
	{ "canvas", NC_("command", "canvas"),
	    N_("list | use N [table M | all] | use none table M | add NAME: "
	    "SECTION | SECTION..."),
	    N_("the canvases: list them, give one to a table or to every "
	    "table, add one (each section may end with a \"hint\", a most "
	    "cards number and a kind: ideas, actions or feedback)"),
	    PLAIN_FAC, plain_deliver_cmd_canvas },
	{ "evaluation", NC_("command", "evaluation"), N_("open | close"),
	    N_("scoring by criteria starts (blind), or ends and its totals "
	    "become public"), PLAIN_FAC, plain_deliver_cmd_evaluation },
	{ "criteria", NC_("command", "criteria"), N_("A, B, C"),
	    N_("the criteria of the next evaluation, separated by commas"),
	    PLAIN_FAC, plain_deliver_cmd_criteria },
	{ "pitch", NC_("command", "pitch"), N_("N [DURATION] | none"),
	    N_("table N pitches (3 minutes unless given) while the others "
	    "write feedback, or the pitches are over"), PLAIN_FAC,
	    plain_deliver_cmd_pitch },
};
#define PLAIN_NCMDS	(sizeof plain_cmds / sizeof plain_cmds[0])

/* ---------------------------------------------------------------- words */

/*
 * s folded for comparing what people type: ASCII look-alikes (accents
 * off: "resultats" is "résultats"), lower case.  Malloc'd.
 */
char *
plain_fold(const char *s)
{
	char	*t = text_sanitize(s, true, false);
	size_t	 i;

	for (i = 0; t[i] != '\0'; i++)
		t[i] = (char)tolower((unsigned char)t[i]);
	return t;
}

/* True if typed (folded) is the word w, or w in the user's language. */
bool
plain_is(const char *typed, const char *ctx_word)
{
	char		*a, *b;
	const char	*eot = strchr(ctx_word, '\004');
	bool		 hit;

	a = plain_fold(eot != NULL ? eot + 1 : ctx_word);
	b = plain_fold(i18n_pgettext(ctx_word));
	hit = strcmp(typed, a) == 0 || strcmp(typed, b) == 0;
	free(a);
	free(b);
	return hit;
}

/* The next word of *s (cut there), or NULL; *s moves past it. */
char *
plain_word(char **s)
{
	char	*p = *s, *w;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		*s = p;
		return NULL;
	}
	w = p;
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	if (*p != '\0')
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	*s = p;
	return w;
}

/* A whole number 1..max written in s; 0 if it is not one. */
uint32_t
plain_number(const char *s, uint32_t max)
{
	unsigned long	 v;
	char		*end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > max)
		return 0;
	return (uint32_t)v;
}

/* The table numbered n (1 for the first); 0 with a word if none. */
uint64_t
plain_table_arg(struct plain *p, const char *s)
{
	struct model	*m = plain_model(p);
	uint32_t	 n = plain_number(s, UINT32_MAX);

	if (s == NULL) {
		plain_say(p, "%s", _("Which table? Give its number."));
		return 0;
	}
	if (n == 0 || n > m->ntables) {
		plain_say(p, ngettext("There is no table %s: the board has %zu "
		    "table.", "There is no table %s: the board has %zu tables.",
		    (unsigned long)m->ntables), s, m->ntables);
		return 0;
	}
	return m->tables[n - 1].id;
}

/* The words "N" or "#N" or "T.N": table (0: current) and number, or false. */
static bool
plain_card_words(const char *s, uint32_t *table, uint32_t *n)
{
	const char	*dot;
	char		*a;

	if (s[0] == '#')
		s++;
	if ((dot = strchr(s, '.')) == NULL) {
		*table = 0;
		return (*n = plain_number(s, UINT32_MAX)) != 0;
	}
	a = xstrndup(s, (size_t)(dot - s));
	*table = plain_number(a, UINT32_MAX);
	free(a);
	*n = plain_number(dot + 1, UINT32_MAX);
	return *table != 0 && *n != 0;
}

/* "idea 5", or "idea 5 of table 2" when it is not on the current table. */
static char *
plain_idea_name(struct plain *p, const struct model *m, uint64_t id)
{
	const struct model_card	*c = model_card(m, id);
	char			*out;

	if (c->table == plain_current(p))
		xasprintf(&out, _("idea %u"), model_card_number(m, id));
	else
		xasprintf(&out, _("idea %u of table %d"), model_card_number(m,
		    id), plain_table_no(m, c->table));
	return out;
}

/*
 * The idea a reference names: "12" on the table looked at, "2.12" on
 * table 2.  0 with a word said when there is none (or it was deleted and
 * live is asked).
 */
uint64_t
plain_card_ref(struct plain *p, const char *s, bool live)
{
	struct model		*m = plain_model(p);
	const struct model_card	*c;
	uint32_t		 t, n;
	uint64_t		 table, id;

	if (s == NULL || s[0] == '\0') {
		plain_say(p, "%s", _("Which idea? Give its number."));
		return 0;
	}
	if (!plain_card_words(s, &t, &n)) {
		plain_say(p, _("\xe2\x80\x9c%s\xe2\x80\x9d is not an idea number: read "
		    "says the numbers."), s);
		return 0;
	}
	if (t == 0)
		table = plain_current(p);
	else if (t > m->ntables) {
		plain_say(p, ngettext("There is no table %u: the board has %zu "
		    "table.", "There is no table %u: the board has %zu tables.",
		    (unsigned long)m->ntables), t, m->ntables);
		return 0;
	} else
		table = m->tables[t - 1].id;
	if ((id = model_card_by_number(m, table, n)) == 0) {
		plain_say(p, _("There is no idea %u at table %d."), n,
		    plain_table_no(m, table));
		return 0;
	}
	c = model_card(m, id);
	if (live && c->deleted) {
		plain_say(p, _("Idea %u at table %d was deleted."), n,
		    plain_table_no(m, table));
		return 0;
	}
	return id;
}

/* True if the card's text holds the folded query. */
static bool
plain_card_hit(const struct model_card *c, const char *q)
{
	char	*f;
	bool	 hit;

	if (c->deleted || c->text[0] == '\0')
		return false;
	f = plain_fold(c->text);
	hit = strstr(f, q) != NULL;
	free(f);
	return hit;
}

/*
 * Ideas whose text holds the words of s: on the table looked at, else on
 * every table.  Returns the count; *ids malloc'd.
 */
static size_t
plain_card_search(struct plain *p, const char *s, uint64_t **ids)
{
	struct model	*m = plain_model(p);
	uint64_t	*v, cur = plain_current(p);
	char		*q = plain_fold(s);
	size_t		 i, n = 0, pass;

	v = xreallocarray(NULL, m->ncards + 1, sizeof *v);
	for (pass = 0; pass < 2 && n == 0; pass++) {
		for (i = 0; i < m->ncards; i++) {
			if ((pass == 0) != (m->cards[i].table == cur))
				continue;
			if (plain_card_hit(&m->cards[i], q))
				v[n++] = m->cards[i].id;
		}
	}
	free(q);
	*ids = v;
	return n;
}

/* The numbers of ideas, for "several match" (malloc'd). */
static char *
plain_card_list(struct plain *p, const uint64_t *ids, size_t n)
{
	struct model	*m = plain_model(p);
	char		**v, *out;
	size_t		 i;

	v = xreallocarray(NULL, n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = plain_idea_name(p, m, ids[i]);
	out = plain_join(v, n);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return out;
}

/* The idea the rest of a line names: a reference, or words of its text. */
uint64_t
plain_card_arg(struct plain *p, char *s, bool live)
{
	uint64_t	*ids, id = 0;
	uint32_t	 t, n;
	size_t		 k;
	char		*list;

	text_trim(s);
	if (s[0] == '\0' || plain_card_words(s, &t, &n))
		return plain_card_ref(p, s, live);
	k = plain_card_search(p, s, &ids);
	if (k == 1)
		id = ids[0];
	else if (k == 0)
		plain_say(p, _("No idea holds \xe2\x80\x9c%s\xe2\x80\x9d."), s);
	else {
		list = plain_card_list(p, ids, k);
		plain_say(p, _("Several ideas hold \xe2\x80\x9c%s\xe2\x80\x9d: %s."), s,
		    list);
		free(list);
	}
	free(ids);
	return id;
}

/* The participant a first name (or the start of one) names; NULL said. */
const struct model_participant *
plain_person(struct plain *p, const char *s, bool say)
{
	struct model			*m = plain_model(p);
	const struct model_participant	*q, *hit = NULL;
	char				*a, *b;
	size_t				 i, n = 0;

	a = plain_fold(s);
	for (i = 0; i < m->nparticipants; i++) {
		b = plain_fold(m->participants[i].name);
		if (strcmp(a, b) == 0) {
			free(b);
			free(a);
			return &m->participants[i];
		}
		if (a[0] != '\0' && strncmp(a, b, strlen(a)) == 0) {
			hit = &m->participants[i];
			n++;
		}
		free(b);
	}
	free(a);
	q = n == 1 ? hit : NULL;
	if (q == NULL && say)
		plain_say(p, n == 0 ? _("Nobody here is called "
		    "\xe2\x80\x9c%s\xe2\x80\x9d.") : _("Several people here have a "
		    "name that starts with \xe2\x80\x9c%s\xe2\x80\x9d."), s);
	return q;
}

/* Split "NAME ... LAST": the last word cut off into *last. */
static char *
plain_last_word(char *s, char **last)
{
	char	*sp;

	text_trim(s);
	if ((sp = strrchr(s, ' ')) == NULL) {
		*last = NULL;
		return s;
	}
	*sp = '\0';
	*last = sp + 1;
	text_trim(s);
	return s;
}

/* ---------------------------------------------------------------- lookup */

/* True when w is among v[0..n). */
static bool
plain_listed(char **v, size_t n, const char *w)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], w) == 0)
			return true;
	return false;
}

/* True when the user may use cmd. */
static bool
plain_cmd_allowed(struct plain *p, const struct plain_cmd *c)
{
	return (c->flags & PLAIN_FAC) == 0 || plain_is_facilitator(p);
}

/* The word the user knows a command by. */
static const char *
plain_cmd_word(const struct plain_cmd *c)
{
	return i18n_pgettext(c->word);
}

/*
 * The command typed: its word, the English word, or the start of one that
 * names a single command the user may use.  NULL, said if say.
 */
static const struct plain_cmd *
plain_cmd_find(struct plain *p, const char *typed, bool say)
{
	const struct plain_cmd	*hit = NULL;
	char			*t = plain_fold(typed), *a, *b, **v;
	size_t			 i, n = 0, len = strlen(t);
	char			*list;

	for (i = 0; i < PLAIN_NCMDS; i++) {
		if (plain_is(t, plain_cmds[i].word) ||
		    strcmp(t, plain_cmds[i].name) == 0) {
			free(t);
			return &plain_cmds[i];
		}
	}
	v = xreallocarray(NULL, PLAIN_NCMDS, sizeof *v);
	for (i = 0; i < PLAIN_NCMDS && len > 0; i++) {
		if (!plain_cmd_allowed(p, &plain_cmds[i]))
			continue;
		a = plain_fold(plain_cmd_word(&plain_cmds[i]));
		b = plain_fold(plain_cmds[i].name);
		/* A word with two rows (canvas) is one command. */
		if ((strncmp(t, a, len) == 0 || strncmp(t, b, len) == 0) &&
		    !plain_listed(v, n, plain_cmd_word(&plain_cmds[i]))) {
			hit = &plain_cmds[i];
			v[n++] = (char *)plain_cmd_word(&plain_cmds[i]);
		}
		free(a);
		free(b);
	}
	if (n != 1 && say) {
		if (n == 0)
			plain_say(p, _("Unknown command \xe2\x80\x9c%s\xe2\x80\x9d: "
			    "help lists them."), typed);
		else {
			list = plain_join(v, n);
			plain_say(p, _("\xe2\x80\x9c%s\xe2\x80\x9d could be: %s."),
			    typed, list);
			free(list);
		}
	}
	free(v);
	free(t);
	return n == 1 ? hit : NULL;
}

/* Run one line typed by the user. */
void
plain_cmd_line(struct plain *p, char *line)
{
	const struct plain_cmd	*c;
	char			*rest = line, *w;

	text_trim(line);
	if (line[0] == '\0')
		return;
	w = plain_word(&rest);
	if ((c = plain_cmd_find(p, w, true)) == NULL)
		return;
	/* No board yet to work on: only help and quit make sense. */
	if (!p->net_ready && c->fn != plain_cmd_help &&
	    c->fn != plain_cmd_quit && c->fn != plain_cmd_full) {
		plain_say(p, "%s", _("Not connected yet: wait a moment."));
		return;
	}
	if (!plain_cmd_allowed(p, c)) {
		plain_say(p, "%s", _("This command is for facilitators."));
		return;
	}
	if (c->fn != plain_cmd_quit)
		p->quit_asked = false;
	c->fn(p, rest);
}

/*
 * Tab: complete the command word, an idea named by words of its text, or
 * a first name; say the choices when there are several.  Returns the line
 * to go on with (malloc'd).
 */
char *
plain_cmd_complete(struct plain *p, const char *line)
{
	const struct plain_cmd		*c;
	const struct model_participant	*q;
	struct model			*m;
	char				*copy, *rest;
	char				*w, *out, **v, *list, *f, *t;
	uint64_t			*ids;
	uint32_t			 tn, n;
	size_t				 i, k = 0;

	if (!p->net_ready)
		return xstrdup(line);
	m = plain_model(p);
	copy = rest = xstrdup(line);
	while (*rest == ' ')
		rest++;
	if (strchr(rest, ' ') == NULL) {
		/* The command word. */
		t = plain_fold(rest);
		v = xreallocarray(NULL, PLAIN_NCMDS, sizeof *v);
		for (i = 0; i < PLAIN_NCMDS; i++) {
			if (!plain_cmd_allowed(p, &plain_cmds[i]))
				continue;
			f = plain_fold(plain_cmd_word(&plain_cmds[i]));
			if (strncmp(t, f, strlen(t)) == 0 && !plain_listed(v,
			    k, plain_cmd_word(&plain_cmds[i])))
				v[k++] = (char *)plain_cmd_word(&plain_cmds[i]);
			free(f);
		}
		free(t);
		if (k == 1)
			xasprintf(&out, "%s ", v[0]);
		else {
			out = xstrdup(line);
			list = plain_join(v, k);
			if (k == 0)
				plain_say(p, _("No command starts with "
				    "\xe2\x80\x9c%s\xe2\x80\x9d."), rest);
			else
				plain_say(p, _("Commands: %s."), list);
			free(list);
		}
		free(v);
		free(copy);
		return out;
	}
	w = plain_word(&rest);
	c = plain_cmd_find(p, w, false);
	out = xstrdup(line);
	if (c != NULL && (c->flags & PLAIN_CARD) && rest[0] != '\0' &&
	    strchr(rest, ' ') == NULL && !plain_card_words(rest, &tn, &n)) {
		k = plain_card_search(p, rest, &ids);
		if (k == 1) {
			free(out);
			if (model_card(m, ids[0])->table == plain_current(p))
				xasprintf(&out, "%s %u ", w,
				    model_card_number(m, ids[0]));
			else
				xasprintf(&out, "%s %d.%u ", w,
				    plain_table_no(m,
				    model_card(m, ids[0])->table),
				    model_card_number(m, ids[0]));
		} else if (k == 0)
			plain_say(p, _("No idea holds \xe2\x80\x9c%s\xe2\x80\x9d."),
			    rest);
		else {
			list = plain_card_list(p, ids, k);
			plain_say(p, _("Several ideas hold \xe2\x80\x9c%s\xe2\x80\x9d: "
			    "%s."), rest, list);
			free(list);
		}
		free(ids);
	} else if (c != NULL && (c->flags & PLAIN_PERSON) &&
	    rest[0] != '\0' && (q = plain_person(p, rest, false)) != NULL) {
		free(out);
		xasprintf(&out, "%s %s ", w, q->name);
	}
	free(copy);
	return out;
}

/* ---------------------------------------------------------------- saying */

/* True if c is touched by a change not confirmed yet. */
static bool
plain_card_pending(struct plain *p, const struct model_card *c,
    const uint64_t *pend, size_t npend)
{
	size_t	i;

	if (replica_is_pending_id(&p->net.replica, c->id))
		return true;
	for (i = 0; i < npend; i++) {
		if (pend[i] == c->id)
			return true;
	}
	return false;
}

/*
 * One idea as a sentence: its number (and table), what it hangs on, its
 * author, its marks, its text.  Malloc'd.
 */
static char *
plain_card_says(struct plain *p, const struct model *m,
    const struct model_card *c, bool pending, bool with_table)
{
	const struct model_participant	*a;
	const struct model_card		*h;
	char				*head, *t, *marks[7], *out, *joined;
	uint32_t			 n = model_card_number(m, c->id), mine;
	size_t				 nm = 0, i;

	if (c->deleted) {
		if (with_table)
			xasprintf(&out, _("Idea %u at table %d was deleted."),
			    n, plain_table_no(m, c->table));
		else
			xasprintf(&out, _("Idea %u was deleted."), n);
		return out;
	}
	if (with_table)
		xasprintf(&head, _("Idea %u at table %d"), n,
		    plain_table_no(m, c->table));
	else
		xasprintf(&head, _("Idea %u"), n);
	if (c->parent != 0 && model_card(m, c->parent) != NULL) {
		xasprintf(&t, _("%s, building on idea %u"), head,
		    model_card_number(m, c->parent));
		free(head);
		head = t;
	}
	if (c->head != 0 && (h = model_card(m, c->head)) != NULL) {
		xasprintf(&t, _("%s, in the cluster of idea %u"), head,
		    model_card_number(m, h->id));
		free(head);
		head = t;
	} else if (c->title != NULL && c->title[0] != '\0') {
		xasprintf(&t, _("%s, heading the cluster \xe2\x80\x9c%s\xe2\x80\x9d"),
		    head, c->title);
		free(head);
		head = t;
	}
	if (c->author != 0 && c->author == p->net.replica.me)
		xasprintf(&t, _("%s, yours"), head);
	else if (c->author != 0 && (a = model_participant(m, c->author)) !=
	    NULL)
		xasprintf(&t, _("%s, from %s"), head, a->name);
	else
		t = xstrdup(head);
	free(head);
	head = t;

	if (m->phase >= PHASE_VOTE && plain_results_allowed(p) && c->votes > 0)
		xasprintf(&marks[nm++], ngettext("%u dot", "%u dots",
		    (unsigned long)c->votes), c->votes);
	if (p->net.replica.me != 0 &&
	    (mine = model_votes_of(m, p->net.replica.me, c->id)) > 0)
		xasprintf(&marks[nm++], _("your dots: %u"), mine);
	if (c->kept)
		marks[nm++] = xstrdup(_("kept"));
	if (c->edited)
		marks[nm++] = xstrdup(_("edited"));
	if ((t = plain_deliver_marks(p, m, c)) != NULL)
		marks[nm++] = t;
	if (pending)
		marks[nm++] = xstrdup(_("waiting to be sent"));
	if (nm > 0) {
		joined = xstrdup(marks[0]);
		for (i = 1; i < nm; i++) {
			xasprintf(&t, "%s%s%s", joined, _(", "), marks[i]);
			free(joined);
			joined = t;
		}
		xasprintf(&t, "%s (%s)", head, joined);
		free(joined);
		free(head);
		head = t;
	}
	for (i = 0; i < nm; i++)
		free(marks[i]);
	xasprintf(&out, _("%s: %s"), head, c->hidden && c->text[0] == '\0' ?
	    _("(private until the facilitator reveals it)") : c->text);
	free(head);
	return out;
}

/* Every idea of a table, in the order of the board. */
static void
plain_say_table(struct plain *p, uint64_t table)
{
	struct model		*m = plain_model(p);
	const struct model_table *t = model_table(m, table);
	struct layout_row	*rows;
	uint64_t		*pend;
	size_t			 n, i, npend, ideas = 0;
	char			*s;

	if (t == NULL) {
		plain_say(p, "%s", _("There is no table yet."));
		return;
	}
	n = layout_rows(m, table, NULL, &rows);
	for (i = 0; i < n; i++) {
		if (!rows[i].placeholder)
			ideas++;
	}
	if (table == plain_seat(p))
		plain_say(p, ngettext("Table %d (your table), %zu idea: %s",
		    "Table %d (your table), %zu ideas: %s",
		    (unsigned long)ideas), plain_table_no(m, table), ideas,
		    t->question);
	else
		plain_say(p, ngettext("Table %d, %zu idea: %s",
		    "Table %d, %zu ideas: %s", (unsigned long)ideas),
		    plain_table_no(m, table), ideas, t->question);
	npend = replica_pending_cards(&p->net.replica, &pend);
	for (i = 0; i < n; i++) {
		s = plain_card_says(p, m, model_card(m, rows[i].card),
		    plain_card_pending(p, model_card(m, rows[i].card), pend,
		    npend), false);
		plain_say(p, "%s", s);
		free(s);
	}
	free(pend);
	free(rows);
}

/* Idea id as read says it, alone on its line (malloc'd). */
char *
plain_card_line(struct plain *p, uint64_t id)
{
	struct model		*m = plain_model(p);
	const struct model_card	*c = model_card(m, id);
	uint64_t		*pend;
	size_t			 npend;
	char			*s;

	npend = replica_pending_cards(&p->net.replica, &pend);
	s = plain_card_says(p, m, c, plain_card_pending(p, c, pend, npend),
	    false);
	free(pend);
	return s;
}

/* ---------------------------------------------------------------- commands */

/* help: the commands this user may use, one line each. */
static void
plain_cmd_help(struct plain *p, char *args)
{
	const struct plain_cmd	*c;
	bool			 fac = plain_is_facilitator(p);
	size_t			 i;

	(void)args;
	plain_say(p, "%s", _("Commands (a number names an idea of the table "
	    "you look at, 2.5 is idea 5 of table 2):"));
	for (i = 0; i < PLAIN_NCMDS; i++) {
		c = &plain_cmds[i];
		if ((c->flags & PLAIN_FAC) && !fac)
			continue;
		if (i > 0 && (c->flags & PLAIN_FAC) &&
		    !(plain_cmds[i - 1].flags & PLAIN_FAC))
			plain_say(p, "%s", _("Facilitator commands:"));
		if (c->args[0] != '\0')
			plain_say(p, _("%s %s: %s"), plain_cmd_word(c),
			    _(c->args), _(c->what));
		else
			plain_say(p, _("%s: %s"), plain_cmd_word(c),
			    _(c->what));
	}
	plain_say(p, "%s", _("Tab completes a command, an idea named by a word "
	    "of its text, or a first name; Ctrl-R shows the line being typed "
	    "again."));
}

/* add [SECTION:] TEXT */
static void
plain_cmd_add(struct plain *p, char *args)
{
	struct proto_op			 op;
	struct model			*m;
	const struct model_section	*s;
	uint64_t	table = plain_seat(p), id;
	uint32_t	n;

	text_trim(args);
	if (args[0] == '\0') {
		plain_say(p, "%s", _("Type add, then the idea."));
		return;
	}
	if (table == 0)
		table = plain_current(p);
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_ADD;
	op.table = table;
	/* ext: "add Obstacles: text" writes into a section of the canvas. */
	op.section = plain_deliver_section_of(p, table, &args);
	if (args[0] == '\0') {
		plain_say(p, "%s", _("Type add, then the idea."));
		return;
	}
	op.text = args;
	if (plain_submit(p, &op) != 0)
		return;
	m = plain_model(p);
	id = plain_last_predicted(p);
	n = model_card_number(m, id);
	plain_set_number(p, id, n);
	if (op.section != 0 && (s = model_section(m, table, op.section)) !=
	    NULL)
		plain_done(p, _("Idea %u added to table %d, into "
		    "\xe2\x80\x9c%s\xe2\x80\x9d"), n, plain_table_no(m, table),
		    s->name);
	else
		plain_done(p, _("Idea %u added to table %d"), n,
		    plain_table_no(m, table));
}

/* reply N TEXT */
static void
plain_cmd_reply(struct plain *p, char *args)
{
	struct proto_op		 op;
	struct model		*m;
	const struct model_card	*c;
	char			*w = plain_word(&args);
	uint64_t		 parent, id;
	uint32_t		 n, pn;

	if ((parent = plain_card_ref(p, w, true)) == 0)
		return;
	text_trim(args);
	if (args[0] == '\0') {
		plain_say(p, "%s", _("Type reply, the idea's number, then your "
		    "idea."));
		return;
	}
	m = plain_model(p);
	c = model_card(m, parent);
	pn = model_card_number(m, parent);
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_ADD;
	op.table = c->table;
	op.parent = parent;
	op.text = args;
	if (plain_submit(p, &op) != 0)
		return;
	m = plain_model(p);
	id = plain_last_predicted(p);
	n = model_card_number(m, id);
	plain_set_number(p, id, n);
	plain_done(p, _("Idea %u added to table %d, building on idea %u"), n,
	    plain_table_no(m, op.table), pn);
}

/* edit N TEXT */
static void
plain_cmd_edit(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*w = plain_word(&args);
	uint64_t	 id;

	if ((id = plain_card_ref(p, w, true)) == 0)
		return;
	text_trim(args);
	if (args[0] == '\0') {
		plain_say(p, "%s", _("Type edit, the idea's number, then its "
		    "new text."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_EDIT;
	op.card = id;
	op.text = args;
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Idea %u edited"),
		    model_card_number(plain_model(p), id));
}

/* delete N */
static void
plain_cmd_delete(struct plain *p, char *args)
{
	struct proto_op	op;
	uint64_t	id;
	uint32_t	n;

	if ((id = plain_card_arg(p, args, true)) == 0)
		return;
	n = model_card_number(plain_model(p), id);
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_DELETE;
	op.card = id;
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Idea %u deleted"), n);
}

/* vote N and unvote N: a dot, and the dots left for the question. */
static void
plain_vote(struct plain *p, char *args, int delta)
{
	struct proto_op	 op;
	struct model	*m;
	uint64_t	 id, table;
	uint32_t	 used, left, n;

	if ((id = plain_card_arg(p, args, true)) == 0)
		return;
	m = plain_model(p);
	table = model_card(m, id)->table;
	n = model_card_number(m, id);
	memset(&op, 0, sizeof op);
	op.kind = OP_VOTE;
	op.card = id;
	op.delta = delta;
	if (plain_submit(p, &op) != 0)
		return;
	m = plain_model(p);
	used = model_dots_used(m, p->net.replica.me, table);
	left = m->settings.dots > used ? m->settings.dots - used : 0;
	if (delta > 0)
		plain_done(p, ngettext("Dot on idea %u: %u dot left for this "
		    "question", "Dot on idea %u: %u dots left for this "
		    "question", (unsigned long)left), n, left);
	else
		plain_done(p, ngettext("Dot taken back from idea %u: %u dot "
		    "left for this question", "Dot taken back from idea %u: "
		    "%u dots left for this question", (unsigned long)left), n,
		    left);
}

/* vote N */
static void
plain_cmd_vote(struct plain *p, char *args)
{
	plain_vote(p, args, 1);
}

/* unvote N */
static void
plain_cmd_unvote(struct plain *p, char *args)
{
	plain_vote(p, args, -1);
}

/* read [N | table N]: an idea, or a table (which becomes the one looked at). */
static void
plain_cmd_read(struct plain *p, char *args)
{
	struct model	*m = plain_model(p);
	char		*copy, *rest, *w, *f, *s;
	uint64_t	 table, id, *pend;
	size_t		 npend;
	bool		 is_table;

	text_trim(args);
	if (args[0] == '\0') {
		plain_say_table(p, plain_current(p));
		return;
	}
	copy = rest = xstrdup(args);
	w = plain_word(&rest);
	f = plain_fold(w);
	is_table = plain_is(f, NC_("word", "table"));
	free(f);
	if (is_table) {
		table = rest[0] != '\0' ?
		    plain_table_arg(p, plain_word(&rest)) : plain_current(p);
		free(copy);
		if (table == 0)
			return;
		p->table = table == plain_seat(p) ? 0 : table;
		plain_say_table(p, table);
		return;
	}
	free(copy);
	if ((id = plain_card_arg(p, args, false)) == 0)
		return;
	npend = replica_pending_cards(&p->net.replica, &pend);
	s = plain_card_says(p, m, model_card(m, id), plain_card_pending(p,
	    model_card(m, id), pend, npend), true);
	plain_say(p, "%s", s);
	free(s);
	free(pend);
}

/* results [table N]: the ideas by votes, when the tallies are public. */
static void
plain_cmd_results(struct plain *p, char *args)
{
	struct model	*m = plain_model(p);
	uint64_t	*ids, only = 0, *pend;
	size_t		 t, i, n, npend;
	char		*rest = args, *w, *f, *s;

	if (!plain_results_allowed(p)) {
		plain_say(p, "%s", _("The results show when the facilitator "
		    "closes the vote."));
		return;
	}
	if ((w = plain_word(&rest)) != NULL) {
		f = plain_fold(w);
		if (plain_is(f, NC_("word", "table")))
			w = plain_word(&rest);
		free(f);
		if ((only = plain_table_arg(p, w)) == 0)
			return;
	}
	if (m->ntables == 0) {
		plain_say(p, "%s", _("There is no table yet."));
		return;
	}
	npend = replica_pending_cards(&p->net.replica, &pend);
	for (t = 0; t < m->ntables; t++) {
		if (only != 0 && m->tables[t].id != only)
			continue;
		n = layout_results(m, m->tables[t].id, &ids);
		plain_say(p, ngettext("Results of table %zu, %zu idea: %s",
		    "Results of table %zu, %zu ideas: %s", (unsigned long)n),
		    t + 1, n, m->tables[t].question);
		for (i = 0; i < n; i++) {
			s = plain_card_says(p, m, model_card(m, ids[i]),
			    plain_card_pending(p, model_card(m, ids[i]), pend,
			    npend), false);
			plain_say(p, "%zu. %s", i + 1, s);
			free(s);
		}
		free(ids);
	}
	free(pend);
}

/* The people of a table as words: "Anne (you)", "Bruno (ready)". */
static char *
plain_people(struct plain *p, const struct model *m, uint64_t table,
    bool facilitators, size_t *count)
{
	const struct model_participant	*q;
	char				**v, *out, *marks, *t;
	size_t				 i, n = 0;

	v = xreallocarray(NULL, m->nparticipants + 1, sizeof *v);
	for (i = 0; i < m->nparticipants; i++) {
		q = &m->participants[i];
		if (facilitators ? q->role != ROLE_FACILITATOR :
		    (q->role == ROLE_FACILITATOR || q->table != table))
			continue;
		marks = xstrdup("");
		if (q->id == p->net.replica.me) {
			xasprintf(&t, "%s%s%s", marks, marks[0] != '\0' ?
			    _(", ") : "", _("you"));
			free(marks);
			marks = t;
		}
		if (q->role == ROLE_HOST) {
			xasprintf(&t, "%s%s%s", marks, marks[0] != '\0' ?
			    _(", ") : "", ui_text_role(ROLE_HOST));
			free(marks);
			marks = t;
		}
		if (q->ready) {
			xasprintf(&t, "%s%s%s", marks, marks[0] != '\0' ?
			    _(", ") : "", i18n_pgettext(NC_("who", "ready")));
			free(marks);
			marks = t;
		}
		if (q->id != p->net.replica.me &&
		    !replica_is_online(&p->net.replica, q->id)) {
			xasprintf(&t, "%s%s%s", marks, marks[0] != '\0' ?
			    _(", ") : "", _("offline"));
			free(marks);
			marks = t;
		}
		if (marks[0] != '\0')
			xasprintf(&v[n++], "%s (%s)", q->name, marks);
		else
			v[n++] = xstrdup(q->name);
		free(marks);
	}
	out = n > 0 ? plain_join(v, n) : xstrdup(_("nobody"));
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	*count = n;
	return out;
}

/* who [all]: who sits at my table (or at each), and how many are online. */
static void
plain_cmd_who(struct plain *p, char *args)
{
	struct model	*m = plain_model(p);
	uint64_t	 table = plain_current(p);
	size_t		 t, n, online;
	char		*s, *f, *w = plain_word(&args);
	bool		 all;

	online = replica_online_count(&p->net.replica);
	all = plain_seat(p) == 0 && p->table == 0;
	if (w != NULL) {
		f = plain_fold(w);
		all = plain_is(f, NC_("word", "all"));
		free(f);
	}
	if (!all) {
		s = plain_people(p, m, table, false, &n);
		plain_say(p, ngettext("At table %d: %s. %zu person online.",
		    "At table %d: %s. %zu people online.",
		    (unsigned long)online), plain_table_no(m, table), s,
		    online);
		free(s);
		return;
	}
	plain_say(p, ngettext("%zu person online.", "%zu people online.",
	    (unsigned long)online), online);
	for (t = 0; t < m->ntables; t++) {
		s = plain_people(p, m, m->tables[t].id, false, &n);
		plain_say(p, _("At table %zu: %s."), t + 1, s);
		free(s);
	}
	s = plain_people(p, m, 0, false, &n);
	if (n > 0)
		plain_say(p, _("At no table: %s."), s);
	free(s);
	s = plain_people(p, m, 0, true, &n);
	if (n > 0)
		plain_say(p, _("Facilitators: %s."), s);
	free(s);
}

/* sit N */
static void
plain_cmd_sit(struct plain *p, char *args)
{
	struct proto_op	op;
	uint64_t	table;

	if ((table = plain_table_arg(p, plain_word(&args))) == 0)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_SIT;
	op.table = table;
	if (plain_submit(p, &op) != 0)
		return;
	p->table = 0;
	plain_sit_said(p, table, false);
}

/* group N M */
static void
plain_cmd_group(struct plain *p, char *args)
{
	struct proto_op	 op;
	struct model	*m;
	uint64_t	 id, head;

	if ((id = plain_card_ref(p, plain_word(&args), true)) == 0 ||
	    (head = plain_card_ref(p, plain_word(&args), true)) == 0)
		return;
	m = plain_model(p);
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_GROUP;
	op.card = id;
	op.head = head;
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Idea %u grouped under idea %u"),
		    model_card_number(m, id), model_card_number(m, head));
}

/* ungroup N */
static void
plain_cmd_ungroup(struct plain *p, char *args)
{
	struct proto_op	op;
	uint64_t	id;

	if ((id = plain_card_arg(p, args, true)) == 0)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_GROUP;
	op.card = id;
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Idea %u taken out of its cluster"),
		    model_card_number(plain_model(p), id));
}

/* title N [TEXT] */
static void
plain_cmd_title(struct plain *p, char *args)
{
	struct proto_op		 op;
	const struct model_card	*c;
	uint64_t		 id;

	if ((id = plain_card_ref(p, plain_word(&args), true)) == 0)
		return;
	c = model_card(plain_model(p), id);
	text_trim(args);
	memset(&op, 0, sizeof op);
	op.kind = OP_CLUSTER_TITLE;
	op.head = c->head != 0 ? c->head : id;
	op.text = args;
	if (plain_submit(p, &op) == 0)
		plain_done(p, args[0] != '\0' ? _("Cluster of idea %u titled") :
		    _("Cluster of idea %u without a title"),
		    model_card_number(plain_model(p), op.head));
}

/* ready: toggle. */
static void
plain_cmd_ready(struct plain *p, char *args)
{
	const struct model_participant	*me = plain_me(p);
	struct proto_op			 op;

	(void)args;
	memset(&op, 0, sizeof op);
	op.kind = OP_READY;
	op.flag = me == NULL || !me->ready;
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", op.flag ? _("You are marked ready") :
		    _("You are no longer marked ready"));
}

/* status: phase, round, timer, connection, changes waiting. */
void
plain_cmd_status(struct plain *p)
{
	struct model	*m = plain_model(p);
	char		*d = NULL, *timer, *conn;
	size_t		 n = net_unsent(&p->net);

	if (m->timer.running || m->timer.remaining_ms > 0)
		d = plain_duration(model_timer_remaining(m, net_now_ms()));
	if (m->timer.running)
		xasprintf(&timer, _("%s left"), d);
	else if (m->timer.ended)
		timer = xstrdup(_("time is up"));
	else if (d != NULL)
		xasprintf(&timer, _("paused, %s left"), d);
	else
		timer = xstrdup(_("none"));
	free(d);
	switch (p->net.state) {
	case NET_LIVE:
		if (!p->net.uplink.up)
			xasprintf(&conn, ngettext("connected to a relay, but the "
			    "board's server is out of reach (%u change waits in "
			    "the room)", "connected to a relay, but the board's "
			    "server is out of reach (%u changes wait in the "
			    "room)", p->net.uplink.waiting),
			    p->net.uplink.waiting);
		else
			conn = xstrdup(_("connected"));
		break;
	case NET_WAITING:
		xasprintf(&conn, _("reconnecting (%s)"),
		    ui_text_reason(p->net.status));
		break;
	case NET_STOPPED:
		conn = xstrdup(_("offline"));
		break;
	default:
		conn = xstrdup(_("connecting"));
		break;
	}
	plain_say(p, ngettext("\xe2\x80\x9c%s\xe2\x80\x9d, phase %s, round %u. Timer: "
	    "%s. Connection: %s, %zu change waiting.", "\xe2\x80\x9c%s\xe2\x80\x9d, "
	    "phase %s, round %u. Timer: %s. Connection: %s, %zu changes "
	    "waiting.", (unsigned long)n), m->settings.title,
	    ui_text_phase(m->phase), m->round, timer, conn, n);
	free(timer);
	free(conn);
}

/* status */
static void
plain_cmd_status_fn(struct plain *p, char *args)
{
	(void)args;
	plain_cmd_status(p);
}

/* listen all | table */
static void
plain_cmd_listen(struct plain *p, char *args)
{
	char	*w = plain_word(&args), *f;

	if (w == NULL) {
		plain_say(p, "%s", plain_listen_all(p) ? _("You hear the new "
		    "ideas of every table.") : _("You hear the new ideas of "
		    "your table."));
		return;
	}
	f = plain_fold(w);
	if (plain_is(f, NC_("word", "all")))
		p->listen = 1;
	else if (plain_is(f, NC_("word", "table")))
		p->listen = 0;
	else {
		plain_say(p, "%s", _("Type listen all, or listen table."));
		free(f);
		return;
	}
	free(f);
	plain_rebase(p);
	plain_say(p, "%s", p->listen == 1 ? _("You hear the new ideas of every "
	    "table.") : _("You hear the new ideas of your table."));
}

/* quit: leave, twice when changes are not sent yet. */
static void
plain_cmd_quit(struct plain *p, char *args)
{
	size_t	n = p->net_ready ? net_unsent(&p->net) : 0;

	(void)args;
	if (n > 0 && !p->quit_asked) {
		p->quit_asked = true;
		plain_say(p, ngettext("%zu change is not sent yet: quit again "
		    "to leave anyway.", "%zu changes are not sent yet: quit "
		    "again to leave anyway.", (unsigned long)n), n);
		return;
	}
	plain_say(p, "%s", _("Goodbye."));
	plain_leave(p);
}

/* full: the full screen, with this connection and what waits in it. */
static void
plain_cmd_full(struct plain *p, char *args)
{
	(void)args;
	plain_full(p);
}

/* ------------------------------------------------------------ facilitator */

/* The phase a word names (its name, English or translated, or a start). */
static int
plain_phase_arg(const char *w)
{
	char	*f = plain_fold(w), *a;
	int	 i, hit = -1, n = 0;
	size_t	 len = strlen(f);

	for (i = 0; i < PHASE_COUNT && hit < 0; i++) {
		a = plain_fold(ui_text_phase((unsigned)i));
		if (strcmp(f, a) == 0 ||
		    strcmp(f, proto_phase_name((unsigned)i)) == 0)
			hit = i;
		free(a);
	}
	for (i = 0; i < PHASE_COUNT && hit < 0 && len > 0; i++) {
		a = plain_fold(ui_text_phase((unsigned)i));
		if (strncmp(f, a, len) == 0 ||
		    strncmp(f, proto_phase_name((unsigned)i), len) == 0)
			n++;
		free(a);
	}
	for (i = 0; i < PHASE_COUNT && hit < 0 && n == 1; i++) {
		a = plain_fold(ui_text_phase((unsigned)i));
		if (strncmp(f, a, len) == 0 ||
		    strncmp(f, proto_phase_name((unsigned)i), len) == 0)
			hit = i;
		free(a);
	}
	free(f);
	return hit;
}

/* phase NAME */
static void
plain_cmd_phase(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*w = plain_word(&args);
	int		 hit;

	if (w == NULL) {
		plain_say(p, _("Phase: %s"),
		    ui_text_phase(plain_model(p)->phase));
		return;
	}
	if ((hit = plain_phase_arg(w)) < 0) {
		plain_say(p, "%s", _("Which phase? welcome, ideas, grouping, "
		    "vote, harvest or closed."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_PHASE;
	op.phase = (uint8_t)hit;
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Phase: %s"), ui_text_phase((unsigned)hit));
}

/* A signed duration "[-]10m": 0 and *secs, or -1 (said). */
int
plain_duration_arg(struct plain *p, const char *s, bool sign, int32_t *secs)
{
	bool	neg = false;

	if (s != NULL && sign && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
	}
	if (s == NULL || ui_console_duration(s, secs) != 0) {
		plain_say(p, "%s", _("A duration looks like 10m, 90s, 1h30 or "
		    "5:00 (at most 24 h)."));
		return -1;
	}
	if (neg)
		*secs = -*secs;
	return 0;
}

/* timer start DURATION [LABEL] | pause | resume | add [-]DURATION | stop */
static void
plain_cmd_timer(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*w = plain_word(&args), *f = NULL, *d;
	int32_t		 secs = 0;

	memset(&op, 0, sizeof op);
	op.kind = OP_TIMER;
	op.text = (char *)"";
	if (w != NULL)
		f = plain_fold(w);
	if (f != NULL && plain_is(f, NC_("timer", "start"))) {
		if (plain_duration_arg(p, plain_word(&args), false, &secs) != 0)
			goto out;
		text_trim(args);
		op.action = TIMER_START;
		op.seconds = secs;
		op.text = args;
	} else if (f != NULL && plain_is(f, NC_("timer", "pause")))
		op.action = TIMER_PAUSE;
	else if (f != NULL && plain_is(f, NC_("timer", "resume")))
		op.action = TIMER_RESUME;
	else if (f != NULL && plain_is(f, NC_("timer", "add"))) {
		if (plain_duration_arg(p, plain_word(&args), true, &secs) != 0)
			goto out;
		op.action = TIMER_ADD;
		op.seconds = secs;
	} else if (f != NULL && plain_is(f, NC_("timer", "stop")))
		op.action = TIMER_STOP;
	else {
		plain_say(p, "%s", _("Type timer start 10m, timer pause, timer "
		    "resume, timer add 1m, timer add -1m or timer stop."));
		goto out;
	}
	if (plain_submit(p, &op) != 0)
		goto out;
	switch (op.action) {
	case TIMER_START:
		d = plain_duration((uint64_t)secs * 1000);
		plain_done(p, _("Timer started: %s"), d);
		free(d);
		break;
	case TIMER_PAUSE:
		plain_done(p, "%s", _("Timer paused"));
		break;
	case TIMER_RESUME:
		plain_done(p, "%s", _("Timer resumed"));
		break;
	case TIMER_ADD:
		d = plain_duration((uint64_t)(secs < 0 ? -(int64_t)secs :
		    secs) * 1000);
		plain_done(p, secs >= 0 ? _("Timer: %s added") :
		    _("Timer: %s taken off"), d);
		free(d);
		break;
	case TIMER_STOP:
		plain_done(p, "%s", _("Timer stopped"));
		break;
	}
out:
	free(f);
}

/* banner [TEXT] */
static void
plain_cmd_banner(struct plain *p, char *args)
{
	struct proto_op	op;

	text_trim(args);
	memset(&op, 0, sizeof op);
	op.kind = OP_BANNER;
	op.text = args;
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", args[0] != '\0' ? _("Banner shown") :
		    _("Banner removed"));
}

/* rotate */
static void
plain_cmd_rotate(struct plain *p, char *args)
{
	struct proto_op	op;

	(void)args;
	memset(&op, 0, sizeof op);
	op.kind = OP_ROTATE;
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", _("The tables rotate"));
}

/* follow table N | results | none */
static void
plain_cmd_follow(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*w = plain_word(&args), *f;

	memset(&op, 0, sizeof op);
	op.kind = OP_FOLLOW;
	f = w != NULL ? plain_fold(w) : xstrdup("");
	if (plain_is(f, NC_("word", "table"))) {
		op.view = FOLLOW_TABLE;
		op.table = args[0] != '\0' ? plain_table_arg(p,
		    plain_word(&args)) : plain_current(p);
		if (op.table == 0) {
			free(f);
			return;
		}
	} else if (plain_is(f, NC_("word", "results")))
		op.view = FOLLOW_RESULTS;
	else if (plain_is(f, NC_("word", "none")))
		op.view = FOLLOW_NONE;
	else {
		plain_say(p, "%s", _("Type follow table 2, follow results or "
		    "follow none."));
		free(f);
		return;
	}
	free(f);
	if (plain_submit(p, &op) != 0)
		return;
	if (op.view == FOLLOW_TABLE)
		plain_done(p, _("Every screen goes to table %d"),
		    plain_table_no(plain_model(p), op.table));
	else if (op.view == FOLLOW_RESULTS)
		plain_done(p, "%s", _("Every screen goes to the results"));
	else
		plain_done(p, "%s", _("Everyone moves freely again"));
}

/* keep N and unkeep N */
static void
plain_keep(struct plain *p, char *args, bool flag)
{
	struct proto_op	op;
	uint64_t	id;
	uint32_t	n;

	if ((id = plain_card_arg(p, args, true)) == 0)
		return;
	n = model_card_number(plain_model(p), id);
	memset(&op, 0, sizeof op);
	op.kind = OP_KEEP;
	op.card = id;
	op.flag = flag;
	if (plain_submit(p, &op) == 0)
		plain_done(p, flag ? _("Idea %u kept") :
		    _("Idea %u no longer kept"), n);
}

/* keep N */
static void
plain_cmd_keep(struct plain *p, char *args)
{
	plain_keep(p, args, true);
}

/* unkeep N */
static void
plain_cmd_unkeep(struct plain *p, char *args)
{
	plain_keep(p, args, false);
}

/* reveal [votes]: private writing off, or the blind vote's tallies public. */
static void
plain_cmd_reveal(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*w = plain_word(&args), *f;
	bool		 votes = false;

	if (w != NULL) {
		f = plain_fold(w);
		votes = plain_is(f, NC_("word", "votes"));
		free(f);
		if (!votes) {
			plain_say(p, "%s", _("Type reveal, or reveal votes."));
			return;
		}
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_SETTINGS;
	op.settings.has = votes ? SET_BLIND : SET_PRIVATE;
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", votes ? _("The vote tallies are public") :
		    _("The private ideas are revealed"));
}

/* settings: every setting in one line. */
static void
plain_cmd_settings(struct plain *p, char *args)
{
	const struct model_settings	*s = &plain_model(p)->settings;
	char				*v[10], *out;
	size_t				 i, n = 0;

	(void)args;
	xasprintf(&v[n++], _("Title: %s"), s->title);
	xasprintf(&v[n++], _("Dots per person and question: %u"), s->dots);
	xasprintf(&v[n++], _("Several dots on one card: %s"), s->multi_vote ?
	    _("yes") : _("no"));
	xasprintf(&v[n++], _("Blind vote (tallies hidden until the vote "
	    "closes): %s"), s->blind ? _("yes") : _("no"));
	xasprintf(&v[n++], _("Private writing: %s"), s->private_writing ?
	    _("yes") : _("no"));
	xasprintf(&v[n++], _("Anonymous cards: %s"), s->anonymous ? _("yes") :
	    _("no"));
	xasprintf(&v[n++], _("No new cards when the timer ends: %s"),
	    s->freeze_at_zero ? _("yes") : _("no"));
	xasprintf(&v[n++], _("Locked (read only for participants): %s"),
	    s->locked ? _("yes") : _("no"));
	xasprintf(&v[n++], _("Join code: %s"), s->code[0] != '\0' ? s->code :
	    _("(none)"));
	xasprintf(&v[n++], _("Ideas to keep per question: %u"), s->keep);
	out = xstrdup("");
	for (i = 0; i < n; i++) {
		char	*t;

		xasprintf(&t, "%s%s%s", out, i > 0 ? _("; ") : "", v[i]);
		free(out);
		out = t;
		free(v[i]);
	}
	plain_say(p, _("Settings: %s."), out);
	free(out);
}

/* An on/off word: 1, 0, or -1. */
static int
plain_onoff(const char *s)
{
	char	*f;
	int	 v = -1;

	if (s == NULL)
		return -1;
	f = plain_fold(s);
	if (plain_is(f, NC_("word", "on")) || plain_is(f, NC_("word", "yes")))
		v = 1;
	else if (plain_is(f, NC_("word", "off")) ||
	    plain_is(f, NC_("word", "no")))
		v = 0;
	free(f);
	return v;
}

/* set SETTING VALUE */
static void
plain_cmd_set(struct plain *p, char *args)
{
	static const struct {
		const char	*word;
		uint32_t	 bit;
	} keys[] = {
		{ NC_("setting", "dots"), SET_DOTS },
		{ NC_("setting", "multi"), SET_MULTI_VOTE },
		{ NC_("setting", "blind"), SET_BLIND },
		{ NC_("setting", "private"), SET_PRIVATE },
		{ NC_("setting", "anonymous"), SET_ANONYMOUS },
		{ NC_("setting", "freeze"), SET_FREEZE },
		{ NC_("setting", "code"), SET_CODE },
		{ NC_("setting", "title"), SET_TITLE },
		{ NC_("setting", "keep"), SET_KEEP },
		{ NC_("setting", "lock"), SET_LOCKED },
	};
	struct proto_op	 op;
	char		*w = plain_word(&args), *f;
	uint32_t	 bit = 0, v;
	size_t		 i;
	int		 b = -1;

	if (w != NULL) {
		f = plain_fold(w);
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			if (plain_is(f, keys[i].word))
				bit = keys[i].bit;
		}
		free(f);
	}
	if (bit == 0) {
		plain_say(p, "%s", _("Which setting? dots, multi, blind, "
		    "private, anonymous, freeze, lock, code, title or keep."));
		return;
	}
	text_trim(args);
	memset(&op, 0, sizeof op);
	op.kind = OP_SETTINGS;
	op.settings.has = bit;
	switch (bit) {
	case SET_DOTS:
	case SET_KEEP:
		if ((v = plain_number(args, PROTO_DOTS_MAX)) == 0) {
			plain_say(p, "%s", _("A number from 1 to 99."));
			return;
		}
		op.settings.dots = op.settings.keep = v;
		break;
	case SET_CODE:
		op.settings.code = args;
		break;
	case SET_TITLE:
		if (args[0] == '\0') {
			plain_say(p, "%s", _("A title cannot be empty."));
			return;
		}
		op.settings.title = args;
		break;
	default:
		if ((b = plain_onoff(args)) < 0) {
			plain_say(p, "%s", _("Type on or off."));
			return;
		}
		op.settings.multi_vote = op.settings.blind =
		    op.settings.private_writing = op.settings.anonymous =
		    op.settings.freeze_at_zero = op.settings.locked = b == 1;
		break;
	}
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", _("Setting changed"));
}

/* lock and unlock */
static void
plain_lock(struct plain *p, bool lock)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_SETTINGS;
	op.settings.has = SET_LOCKED;
	op.settings.locked = lock;
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", lock ? _("Board locked: participants can "
		    "only read") : _("Board unlocked"));
}

/* lock */
static void
plain_cmd_lock(struct plain *p, char *args)
{
	(void)args;
	plain_lock(p, true);
}

/* unlock */
static void
plain_cmd_unlock(struct plain *p, char *args)
{
	(void)args;
	plain_lock(p, false);
}

/* table QUESTION: a new table. */
static void
plain_cmd_table(struct plain *p, char *args)
{
	struct proto_op	 op;
	struct model	*m;

	text_trim(args);
	if (args[0] == '\0') {
		plain_say(p, "%s", _("Type table, then the new table's "
		    "question."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_ADD;
	op.text = args;
	if (plain_submit(p, &op) != 0)
		return;
	m = plain_model(p);
	plain_done(p, _("Table %d added"), plain_table_no(m,
	    plain_last_predicted(p)));
}

/* question [N] TEXT: a table's question. */
static void
plain_cmd_question(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*copy, *rest, *w;
	uint64_t	 table = plain_current(p);
	size_t		 skip = 0;

	text_trim(args);
	copy = rest = xstrdup(args);
	w = plain_word(&rest);
	if (w != NULL && plain_number(w, UINT32_MAX) != 0 && rest[0] != '\0') {
		table = plain_table_arg(p, w);
		skip = (size_t)(rest - copy);
	}
	free(copy);
	if (table == 0)
		return;
	args += skip;
	if (args[0] == '\0') {
		plain_say(p, "%s", _("Type question, a table's number, then "
		    "its question."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_EDIT;
	op.table = table;
	op.text = args;
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Question of table %d changed"),
		    plain_table_no(plain_model(p), table));
}

/* seat NAME N | NAME none */
static void
plain_cmd_seat(struct plain *p, char *args)
{
	const struct model_participant	*q;
	struct proto_op			 op;
	char				*last, *name, *f;
	uint64_t			 table = 0;
	bool				 none;

	name = plain_last_word(args, &last);
	if (last == NULL || name[0] == '\0') {
		plain_say(p, "%s", _("Type seat, a first name, then a table's "
		    "number or none."));
		return;
	}
	f = plain_fold(last);
	none = plain_is(f, NC_("word", "none"));
	free(f);
	if (!none && (table = plain_table_arg(p, last)) == 0)
		return;
	if ((q = plain_person(p, name, true)) == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_SIT;
	op.table = table;
	op.participant = q->id;
	if (plain_submit(p, &op) != 0)
		return;
	if (none)
		plain_done(p, _("%s sits at no table now"), q->name);
	else
		plain_done(p, _("%s sits at table %d now"), q->name,
		    plain_table_no(plain_model(p), table));
}

/* role NAME ROLE */
static void
plain_cmd_role(struct plain *p, char *args)
{
	const struct model_participant	*q;
	struct proto_op			 op;
	char				*last, *name, *f, *a;
	int				 i, role = -1;

	name = plain_last_word(args, &last);
	if (last == NULL || name[0] == '\0') {
		plain_say(p, "%s", _("Type role, a first name, then "
		    "participant, host or facilitator."));
		return;
	}
	f = plain_fold(last);
	for (i = 0; i < ROLE_COUNT; i++) {
		a = plain_fold(ui_text_role((unsigned)i));
		if (strcmp(f, a) == 0 || strcmp(f, proto_role_name(
		    (unsigned)i)) == 0)
			role = i;
		free(a);
	}
	free(f);
	if (role < 0) {
		plain_say(p, "%s", _("Which role? participant, host or "
		    "facilitator."));
		return;
	}
	if ((q = plain_person(p, name, true)) == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_ROLE;
	op.participant = q->id;
	op.role = (uint8_t)role;
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("%s is now: %s"), q->name,
		    ui_text_role((unsigned)role));
}
