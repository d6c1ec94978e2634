/*
 * proto.c -- the cafeboard wire protocol: frames to structs and back.
 *
 * Every message, op and STATE record is described once, as a list of fields
 * (type, limit, where it lives in the struct); one encoder and one decoder
 * walk those lists, so the two directions cannot drift apart.
 *
 * Decoding is two stages.  proto_prescan walks the raw msgpack bytes without
 * allocating and refuses anything whose headers promise more than the frame
 * holds, or nests too deep; only then does msgpack-c build objects, so its
 * zone allocations are bounded by the frame too.  The objects are converted
 * with strict type checks into the structs of proto.h, with every string
 * copied into one arena block per message.
 */
#include <msgpack.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "text.h"
#include "xmalloc.h"

/* ------------------------------------------------------------ names */

static const char *const proto_phase_names[PHASE_COUNT] = {
	"welcome", "ideas", "group", "vote", "harvest", "closed"
};
static const char *const proto_role_names[ROLE_COUNT] = {
	"participant", "host", "facilitator"
};
static const char *const proto_action_names[TIMER_ACTION_COUNT] = {
	"start", "pause", "resume", "add", "stop"
};
static const char *const proto_view_names[FOLLOW_VIEW_COUNT] = {
	"none", "table", "results"
};
static const char *const proto_mode_names[] = { "replay", "state" };
static const char *const proto_what_names[STATE_WHAT_COUNT] = {
	"board", "table", "participant", "card", "timer", "votes", "client",
	"meet", "step", "labels", "member", "group", "poll", "answer",
	"reactions", "reacted", "sat",
	/* ext: deliverables */
	"canvas", "table_canvas", "deliverable", "eval", "scores", "my_scores",
	"pitch"
};
static const char *const proto_group_names[GROUP_MODE_COUNT] = {
	"pairs", "teams", "labels", "merge"
};
static const char *const proto_step_action_names[ACTION_COUNT] = {
	"none", "rotate", "pairs", "teams", "labels", "merge", "poll"
};
static const char *const proto_table_kind_names[TABLE_KIND_COUNT] = {
	"question", "pair", "team", "label"
};
static const char *const proto_section_kind_names[SECTION_KIND_COUNT] = {
	"ideas", "actions", "feedback"
};

static const char *const proto_reject_texts[] = {
	[REJECT_BAD] = "bad request",
	[REJECT_FORBIDDEN] = "forbidden",
	[REJECT_NOT_FOUND] = "not found",
	[REJECT_PHASE] = "wrong phase",
	[REJECT_LIMIT] = "limit reached",
	[REJECT_RATE] = "rate limited",
	[REJECT_FROZEN] = "frozen",
};
static const char *const proto_error_texts[] = {
	"unsupported protocol version",		/* 100 */
	"wrong join code or key",
	"name in use by someone online",
	"no such board",
	"protocol error",
	"server full",
	"server shutting down, come back later",
	"too slow",
	"idle timeout",				/* 108 */
};

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* The name of value v in a table of n names, NULL if out of range. */
static const char *
proto_name(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : NULL;
}

/* The index of the len-byte name s in a table, -1 if absent. */
static int
proto_name_find(const char *const *names, size_t n, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return (int)i;
	}
	return -1;
}

/* Name of a phase. */
const char *
proto_phase_name(unsigned v)
{
	return proto_name(proto_phase_names, NITEMS(proto_phase_names), v);
}

/* Phase of a name, -1 if unknown. */
int
proto_phase_parse(const char *s)
{
	return proto_name_find(proto_phase_names, NITEMS(proto_phase_names), s,
	    strlen(s));
}

/* Name of a role. */
const char *
proto_role_name(unsigned v)
{
	return proto_name(proto_role_names, NITEMS(proto_role_names), v);
}

/* Role of a name, -1 if unknown. */
int
proto_role_parse(const char *s)
{
	return proto_name_find(proto_role_names, NITEMS(proto_role_names), s,
	    strlen(s));
}

/* Name of a timer action. */
const char *
proto_action_name(unsigned v)
{
	return proto_name(proto_action_names, NITEMS(proto_action_names), v);
}

/* Timer action of a name, -1 if unknown. */
int
proto_action_parse(const char *s)
{
	return proto_name_find(proto_action_names, NITEMS(proto_action_names),
	    s, strlen(s));
}

/* Name of a follow view. */
const char *
proto_view_name(unsigned v)
{
	return proto_name(proto_view_names, NITEMS(proto_view_names), v);
}

/* Follow view of a name, -1 if unknown. */
int
proto_view_parse(const char *s)
{
	return proto_name_find(proto_view_names, NITEMS(proto_view_names), s,
	    strlen(s));
}

/* Name of a STATE record. */
const char *
proto_what_name(unsigned v)
{
	return proto_name(proto_what_names, NITEMS(proto_what_names), v);
}

/* STATE record of a name, -1 if unknown. */
int
proto_what_parse(const char *s)
{
	return proto_name_find(proto_what_names, NITEMS(proto_what_names), s,
	    strlen(s));
}

/* Name of a regroup mode. */
const char *
proto_group_name(unsigned v)
{
	return proto_name(proto_group_names, NITEMS(proto_group_names), v);
}

/* Regroup mode of a name, -1 if unknown. */
int
proto_group_parse(const char *s)
{
	return proto_name_find(proto_group_names, NITEMS(proto_group_names), s,
	    strlen(s));
}

/* Name of a step's action. */
const char *
proto_step_action_name(unsigned v)
{
	return proto_name(proto_step_action_names,
	    NITEMS(proto_step_action_names), v);
}

/* Step action of a name, -1 if unknown. */
int
proto_step_action_parse(const char *s)
{
	return proto_name_find(proto_step_action_names,
	    NITEMS(proto_step_action_names), s, strlen(s));
}

/* Name of a table's kind. */
const char *
proto_table_kind_name(unsigned v)
{
	return proto_name(proto_table_kind_names,
	    NITEMS(proto_table_kind_names), v);
}

/* ext: name of a section kind. */
const char *
proto_section_kind_name(unsigned v)
{
	return proto_name(proto_section_kind_names,
	    NITEMS(proto_section_kind_names), v);
}

/* ext: section kind of a name, -1 if unknown. */
int
proto_section_kind_parse(const char *s)
{
	return proto_name_find(proto_section_kind_names,
	    NITEMS(proto_section_kind_names), s, strlen(s));
}

/* Kinds whose event a recipient may get hidden: a vote, a poll answer,
 * a score (ext). */
bool
proto_kind_hideable(unsigned k)
{
	return k == OP_VOTE || k == OP_POLL_ANSWER || k == OP_SCORE;
}

/* English default text of a REJECT code. */
const char *
proto_reject_text(unsigned code)
{
	if (code < NITEMS(proto_reject_texts) &&
	    proto_reject_texts[code] != NULL)
		return proto_reject_texts[code];
	return "refused";
}

/* English default text of an ERROR code. */
const char *
proto_error_text(unsigned code)
{
	if (code >= ERROR_VERSION &&
	    code - ERROR_VERSION < NITEMS(proto_error_texts))
		return proto_error_texts[code - ERROR_VERSION];
	return "error";
}

/* True if s[0..len) matches [a-z0-9][a-z0-9_-]{0,63}. */
static bool
proto_board_name_ok_len(const char *s, size_t len)
{
	size_t	i;
	char	c;

	if (len == 0 || len > PROTO_BOARD_MAX)
		return false;
	for (i = 0; i < len; i++) {
		c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '_' || c == '-'))
			continue;
		return false;
	}
	return true;
}

/* True if s is a valid board name. */
bool
proto_board_name_ok(const char *s)
{
	return s != NULL && proto_board_name_ok_len(s, strlen(s));
}

/* Frame header: the big-endian length at p. */
uint32_t
proto_frame_len(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* ------------------------------------------------------------ fields */

/* How a value travels and what C type it lands in. */
enum proto_ftype {
	PF_U64,			/* uint  -> uint64_t */
	PF_U32,			/* uint  -> uint32_t */
	PF_ID32,		/* uint  -> uint64_t, at most UINT32_MAX */
	PF_I64,			/* int   -> int64_t */
	PF_I32,			/* int   -> int32_t */
	PF_BOOL,		/* bool  -> bool */
	PF_PHASE,		/* str   -> uint8_t, the enums by name */
	PF_ROLE,
	PF_ACTION,
	PF_VIEW,
	PF_MODE,
	PF_TEXT,		/* str   -> char *, checked text in the arena */
	PF_BOARD,		/* str   -> char *, a board name */
	PF_CLIENT,		/* bin16 -> uint8_t[16] */
	PF_PAIRS,		/* [[uint, uint], ...] -> pairs, npairs */
	PF_SETTINGS,		/* map   -> struct proto_settings */
	PF_BOARD_REC,		/* map   -> struct proto_board_rec */
	PF_GROUP,		/* str   -> uint8_t, the day's enums by name */
	PF_STEP_ACTION,
	PF_TABLE_KIND,
	PF_STRS,		/* [str, ...] -> char **, count (off2) */
	PF_COUNTS,		/* [[str, uint], ...] -> counts, count */
	PF_ANSWER,		/* uint or str -> struct proto_answer */
	PF_ANSWER_OPT,		/* the same, or nil (unset) */
	PF_STEP,		/* map   -> struct proto_step */
	/* ext: deliverables */
	PF_SECTIONS,		/* [[str, str, uint, str], ...] -> sections */
	PF_LABELS,		/* [str, ...] -> char *[PROTO_CRITERIA_MAX] */
	PF_TRIPLES,		/* [[uint, uint, uint], ...] -> triples */
};

/* The name tables of the enumerated field types. */
static const struct {
	const char *const	*names;
	size_t			 n;
} proto_enums[] = {
	[PF_PHASE] = { proto_phase_names, NITEMS(proto_phase_names) },
	[PF_ROLE] = { proto_role_names, NITEMS(proto_role_names) },
	[PF_ACTION] = { proto_action_names, NITEMS(proto_action_names) },
	[PF_VIEW] = { proto_view_names, NITEMS(proto_view_names) },
	[PF_MODE] = { proto_mode_names, NITEMS(proto_mode_names) },
	[PF_GROUP] = { proto_group_names, NITEMS(proto_group_names) },
	[PF_STEP_ACTION] = { proto_step_action_names,
	    NITEMS(proto_step_action_names) },
	[PF_TABLE_KIND] = { proto_table_kind_names,
	    NITEMS(proto_table_kind_names) },
};

/* One field: its type and where it lives in the struct being coded. */
struct proto_field {
	uint8_t		 type;		/* enum proto_ftype */
	bool		 nl;		/* PF_TEXT: newline allowed */
	uint16_t	 cap;		/* PF_TEXT, a list's texts: byte cap */
	uint16_t	 off;		/* offset of the member */
	uint16_t	 off2;		/* a list: offset of its count */
};

#define FLD(t, s, m)	{ t, false, 0, offsetof(struct s, m), 0 }
#define TXT(s, m, cps, nl) \
	{ PF_TEXT, nl, 4 * (cps), offsetof(struct s, m), 0 }
#define PAIRS(s)	{ PF_PAIRS, false, 0, offsetof(struct s, pairs), \
			  offsetof(struct s, npairs) }
/* A list of t (PF_PAIRS, PF_STRS, PF_COUNTS) in m, its count in nm. */
#define LIST(t, s, m, nm, cps) \
	{ t, false, 4 * (cps), offsetof(struct s, m), offsetof(struct s, nm) }
/* A poll's answer (words of at most PROTO_WORD_MAX code points). */
#define ANSWER(t, s, m) \
	{ t, false, 4 * PROTO_WORD_MAX, offsetof(struct s, m), 0 }

/* The most fields an op kind's args or derived fields, or a record, list. */
#define PROTO_ARGS_MAX		4
#define PROTO_RECORD_MAX	16

/*
 * A list of fields, by name, in wire order: what an op kind's arguments,
 * what the server derives for it, what a STATE record holds.  An unused
 * slot is F_END, so a list ends at the first one.
 */
#define FIELDS(...)		{ __VA_ARGS__ }
#define NONE			{ F_END }

/* The fields of an op or event body (struct proto_op). */
enum proto_op_field {
	F_END,
	F_CARD,
	F_TABLE,
	F_PARENT,
	F_HEAD,
	F_DELTA,
	F_FLAG,
	F_PARTICIPANT,
	F_PHASE,
	F_ROLE,
	F_ACTION,
	F_VIEW,
	F_SECONDS,
	F_CARD_TEXT,		/* text, as each kind limits it */
	F_CLUSTER_TITLE,
	F_QUESTION,
	F_BANNER,
	F_LABEL,
	F_NAME,
	F_THEME,
	F_SETTINGS,
	F_REMAINING,		/* derived */
	F_RUNNING,
	F_CLIENT,
	F_PAIRS,
	F_REACTION,		/* the day */
	F_POLL,
	F_ANSWER,
	F_PREV,
	F_INDEX,
	F_STEP,
	F_GMODE,
	F_SIZE,
	F_LABEL_NO,
	F_CHOICES,
	F_LABELS,
	F_MERGES,
	F_COUNTS,
	F_INTO,			/* ext: card.merge */
	F_VOTES,		/* ext: card.merge, derived */
	/* ext: deliverables */
	F_SECTION,
	F_CANVAS,
	F_CANVAS_NAME,
	F_SECTIONS,
	F_OWNER,
	F_DUE,
	F_CRITERION,
	F_VALUE,
	F_PREVIOUS,		/* derived */
	F_CRITERIA,		/* ext: the criteria labels */
	F_TRIPLES,		/* derived */
	F_OP_COUNT
};

static const struct proto_field proto_op_fields[F_OP_COUNT] = {
	[F_CARD] = FLD(PF_U64, proto_op, card),
	[F_TABLE] = FLD(PF_U64, proto_op, table),
	[F_PARENT] = FLD(PF_U64, proto_op, parent),
	[F_HEAD] = FLD(PF_U64, proto_op, head),
	[F_DELTA] = FLD(PF_I32, proto_op, delta),
	[F_FLAG] = FLD(PF_BOOL, proto_op, flag),
	[F_PARTICIPANT] = FLD(PF_U32, proto_op, participant),
	[F_PHASE] = FLD(PF_PHASE, proto_op, phase),
	[F_ROLE] = FLD(PF_ROLE, proto_op, role),
	[F_ACTION] = FLD(PF_ACTION, proto_op, action),
	[F_VIEW] = FLD(PF_VIEW, proto_op, view),
	[F_SECONDS] = FLD(PF_I32, proto_op, seconds),
	[F_CARD_TEXT] = TXT(proto_op, text, PROTO_CARD_MAX, true),
	[F_CLUSTER_TITLE] = TXT(proto_op, text, PROTO_CTITLE_MAX, false),
	[F_QUESTION] = TXT(proto_op, text, PROTO_QUESTION_MAX, false),
	[F_BANNER] = TXT(proto_op, text, PROTO_BANNER_MAX, false),
	[F_LABEL] = TXT(proto_op, text, PROTO_LABEL_MAX, false),
	[F_NAME] = TXT(proto_op, text, PROTO_NAME_MAX, false),
	[F_THEME] = TXT(proto_op, theme, PROTO_THEME_MAX, false),
	[F_SETTINGS] = FLD(PF_SETTINGS, proto_op, settings),
	[F_REMAINING] = FLD(PF_U64, proto_op, remaining_ms),
	[F_RUNNING] = FLD(PF_BOOL, proto_op, running),
	[F_CLIENT] = FLD(PF_CLIENT, proto_op, client),
	[F_PAIRS] = PAIRS(proto_op),
	[F_REACTION] = FLD(PF_U32, proto_op, reaction),
	[F_POLL] = FLD(PF_U64, proto_op, poll),
	[F_ANSWER] = ANSWER(PF_ANSWER, proto_op, answer),
	[F_PREV] = ANSWER(PF_ANSWER_OPT, proto_op, prev),
	[F_INDEX] = FLD(PF_U32, proto_op, index),
	[F_STEP] = FLD(PF_STEP, proto_op, step),
	[F_GMODE] = FLD(PF_GROUP, proto_op, mode),
	[F_SIZE] = FLD(PF_U32, proto_op, size),
	[F_LABEL_NO] = FLD(PF_U32, proto_op, label),
	[F_CHOICES] = LIST(PF_STRS, proto_op, strs, nstrs, PROTO_WORD_MAX),
	[F_LABELS] = LIST(PF_STRS, proto_op, strs, nstrs, PROTO_WORD_MAX),
	[F_MERGES] = LIST(PF_PAIRS, proto_op, merges, nmerges, 0),
	[F_COUNTS] = LIST(PF_COUNTS, proto_op, counts, ncounts,
	    PROTO_WORD_MAX),
	[F_INTO] = FLD(PF_U64, proto_op, into),
	[F_VOTES] = FLD(PF_U32, proto_op, votes),
	[F_SECTION] = FLD(PF_U32, proto_op, section),
	[F_CANVAS] = FLD(PF_U64, proto_op, canvas),
	[F_CANVAS_NAME] = TXT(proto_op, text, PROTO_CANVAS_NAME_MAX, false),
	[F_SECTIONS] = LIST(PF_SECTIONS, proto_op, sections, nsections, 0),
	[F_OWNER] = TXT(proto_op, owner, PROTO_OWNER_MAX, false),
	[F_DUE] = TXT(proto_op, due, PROTO_DUE_LEN, false),
	[F_CRITERION] = FLD(PF_U32, proto_op, criterion),
	[F_VALUE] = FLD(PF_U32, proto_op, value),
	[F_PREVIOUS] = FLD(PF_U32, proto_op, previous),
	[F_CRITERIA] = LIST(PF_LABELS, proto_op, labels, nlabels, 0),
	[F_TRIPLES] = LIST(PF_TRIPLES, proto_op, triples, ntriples, 0),
};

/* Fields in a list of at most max (up to its first F_END). */
static size_t
proto_list_len(const uint8_t *list, size_t max)
{
	size_t	n = 0;

	while (n < max && list[n] != F_END)
		n++;
	return n;
}

/*
 * An op kind: args travel in the OP and again in the EVENT, derived only in
 * the EVENT.  An OP may leave out the args after the first op_min
 * (table.sit's participant, a table's theme); an EVENT may leave out those
 * after ev_min (a table's theme; only kinds with nothing derived).  ALL:
 * every arg is needed.
 */
struct proto_kind {
	const char	*name;
	uint8_t		 args[PROTO_ARGS_MAX];
	uint8_t		 derived[PROTO_ARGS_MAX];
	uint8_t		 op_min;
	uint8_t		 ev_min;
};

#define ALL		UINT8_MAX
#define KIND(k, n, a, d)	[k] = { n, a, d, ALL, ALL }

static const struct proto_kind proto_kinds[] = {
	/* ext: a trailing section (0 for none is left out). */
	[OP_CARD_ADD] = { "card.add", FIELDS(F_TABLE, F_CARD_TEXT, F_PARENT,
	    F_SECTION), NONE, 3, 3 },
	KIND(OP_CARD_EDIT, "card.edit", FIELDS(F_CARD, F_CARD_TEXT), NONE),
	KIND(OP_CARD_DELETE, "card.delete", FIELDS(F_CARD), NONE),
	KIND(OP_CARD_MOVE, "card.move", FIELDS(F_CARD, F_TABLE), NONE),
	KIND(OP_CARD_GROUP, "card.group", FIELDS(F_CARD, F_HEAD), NONE),
	KIND(OP_CLUSTER_TITLE, "cluster.title", FIELDS(F_HEAD,
	    F_CLUSTER_TITLE), NONE),
	KIND(OP_VOTE, "vote", FIELDS(F_CARD, F_DELTA), NONE),
	[OP_TABLE_SIT] = { "table.sit", FIELDS(F_TABLE, F_PARTICIPANT), NONE,
	    1, 2 },
	KIND(OP_READY, "ready", FIELDS(F_FLAG), NONE),
	KIND(OP_REACT, "react", FIELDS(F_CARD, F_REACTION, F_FLAG), NONE),
	KIND(OP_POLL_ANSWER, "poll.answer", FIELDS(F_POLL, F_ANSWER),
	    FIELDS(F_PREV)),
	KIND(OP_CARD_MERGE, "card.merge", FIELDS(F_CARD, F_INTO),
	    FIELDS(F_VOTES)),
	KIND(OP_CARD_PLACE, "card.place", FIELDS(F_CARD, F_SECTION), NONE),
	KIND(OP_ACTION, "action", FIELDS(F_CARD, F_OWNER, F_DUE), NONE),
	KIND(OP_SCORE, "score", FIELDS(F_CARD, F_CRITERION, F_VALUE),
	    FIELDS(F_PREVIOUS)),
	[OP_TABLE_ADD] = { "table.add", FIELDS(F_QUESTION, F_THEME), NONE,
	    1, 1 },
	[OP_TABLE_EDIT] = { "table.edit", FIELDS(F_TABLE, F_QUESTION,
	    F_THEME), NONE, 2, 2 },
	KIND(OP_PHASE, "phase", FIELDS(F_PHASE), NONE),
	KIND(OP_TIMER, "timer", FIELDS(F_ACTION, F_SECONDS, F_LABEL),
	    FIELDS(F_REMAINING, F_RUNNING)),
	KIND(OP_BANNER, "banner", FIELDS(F_BANNER), NONE),
	KIND(OP_ROTATE, "rotate", NONE, FIELDS(F_PAIRS)),
	KIND(OP_KEEP, "keep", FIELDS(F_CARD, F_FLAG), NONE),
	KIND(OP_SETTINGS, "settings", FIELDS(F_SETTINGS), NONE),
	KIND(OP_ROLE, "role", FIELDS(F_PARTICIPANT, F_ROLE), NONE),
	KIND(OP_FOLLOW, "follow", FIELDS(F_VIEW, F_TABLE), NONE),
	KIND(OP_STEP, "step", FIELDS(F_INDEX), FIELDS(F_STEP, F_PAIRS,
	    F_MERGES)),
	KIND(OP_POLL_OPEN, "poll.open", FIELDS(F_QUESTION, F_CHOICES), NONE),
	KIND(OP_POLL_CLOSE, "poll.close", FIELDS(F_POLL), FIELDS(F_COUNTS)),
	[OP_REGROUP] = { "regroup", FIELDS(F_GMODE, F_SIZE, F_QUESTION),
	    FIELDS(F_PAIRS, F_MERGES), 1, ALL },
	KIND(OP_AGENDA, "agenda", FIELDS(F_INDEX, F_STEP), NONE),
	KIND(OP_AGENDA_CUT, "agenda.cut", FIELDS(F_INDEX), NONE),
	KIND(OP_LABELS, "labels", FIELDS(F_LABELS), NONE),
	[OP_LABEL] = { "label", FIELDS(F_LABEL_NO, F_PARTICIPANT), NONE, 1, 2 },
	KIND(OP_CANVAS_ADD, "canvas.add", FIELDS(F_CANVAS_NAME, F_SECTIONS),
	    NONE),
	KIND(OP_CANVAS_USE, "canvas.use", FIELDS(F_TABLE, F_CANVAS), NONE),
	KIND(OP_EVAL_OPEN, "eval.open", NONE, NONE),
	KIND(OP_EVAL_CLOSE, "eval.close", NONE, FIELDS(F_TRIPLES)),
	KIND(OP_PITCH, "pitch", FIELDS(F_TABLE, F_SECONDS, F_LABEL),
	    FIELDS(F_REMAINING, F_RUNNING)),
	KIND(OP_CRITERIA, "criteria", FIELDS(F_CRITERIA), NONE),
	KIND(OP_JOINED, "joined", NONE, FIELDS(F_PARTICIPANT, F_NAME,
	    F_CLIENT)),
	KIND(OP_TIMER_END, "timer.end", NONE, FIELDS(F_LABEL)),
	KIND(OP_TALLY, "tally", NONE, FIELDS(F_PAIRS)),
	KIND(OP_REVEAL, "reveal", NONE, FIELDS(F_CARD, F_CARD_TEXT)),
};

/* The description of kind k, NULL if unknown. */
static const struct proto_kind *
proto_kind(unsigned k)
{
	if (k >= NITEMS(proto_kinds) || proto_kinds[k].name == NULL)
		return NULL;
	return &proto_kinds[k];
}

/* Fields in a kind's args or derived list. */
static size_t
proto_args(const uint8_t *list)
{
	return proto_list_len(list, PROTO_ARGS_MAX);
}

/* Args an OP (or, event, an EVENT) of kind k must carry at least. */
static size_t
proto_kind_min(const struct proto_kind *k, bool event)
{
	uint8_t	min = event ? k->ev_min : k->op_min;

	return min == ALL ? proto_args(k->args) : min;
}

/* Name of an op kind ("card.add"), NULL if unknown. */
const char *
proto_kind_name(unsigned k)
{
	const struct proto_kind	*pk = proto_kind(k);

	return pk != NULL ? pk->name : NULL;
}

/* The fields of a STATE record (struct proto_state). */
enum proto_state_field {
	S_END,
	S_ID,
	S_ID32,			/* an id that is a participant's */
	S_TABLE,
	S_AUTHOR,
	S_PARENT,
	S_HEAD,
	S_CARD_TEXT,		/* text, as each record limits it */
	S_QUESTION,
	S_NAME,
	S_LABEL,
	S_CLUSTER_TITLE,
	S_VOTES,
	S_SHOWN,
	S_KEPT,
	S_HIDDEN,
	S_EDITED,
	S_DELETED,
	S_READY,
	S_RUNNING,
	S_ENDED,
	S_ROLE,
	S_CREATED,
	S_REMAINING,
	S_THEME,
	S_CLIENT,
	S_LAST_OP,
	S_COUNT,
	S_PAIRS,
	S_BOARD,
	S_INDEX,		/* the day */
	S_STEP,
	S_ENDED_MS,
	S_CURRENT,
	S_CLOSED,
	S_DISSOLVED,
	S_KIND,
	S_NUMBER,
	S_LABEL_NO,
	S_TEAM,
	S_SEQ,
	S_ANSWER,
	S_LABELS,
	S_CHOICES,
	S_COUNTS,
	S_REACT1,
	S_REACT2,
	S_REACT3,
	S_MERGED,		/* ext: a merged card's survivor */
	/* ext: deliverables */
	S_CANVAS,
	S_SECTION,
	S_CANVAS_NAME,
	S_SECTIONS,
	S_OWNER,
	S_DUE,
	S_OPEN,
	S_CRITERIA,
	S_TRIPLES,
	S_FIELD_COUNT
};

static const struct proto_field proto_state_fields[S_FIELD_COUNT] = {
	[S_ID] = FLD(PF_U64, proto_state, id),
	[S_ID32] = FLD(PF_ID32, proto_state, id),
	[S_TABLE] = FLD(PF_U64, proto_state, table),
	[S_AUTHOR] = FLD(PF_U32, proto_state, author),
	[S_PARENT] = FLD(PF_U64, proto_state, parent),
	[S_HEAD] = FLD(PF_U64, proto_state, head),
	[S_CARD_TEXT] = TXT(proto_state, text, PROTO_CARD_MAX, true),
	[S_QUESTION] = TXT(proto_state, text, PROTO_QUESTION_MAX, false),
	[S_NAME] = TXT(proto_state, text, PROTO_NAME_MAX, false),
	[S_LABEL] = TXT(proto_state, text, PROTO_LABEL_MAX, false),
	[S_CLUSTER_TITLE] = TXT(proto_state, title, PROTO_CTITLE_MAX, false),
	[S_VOTES] = FLD(PF_U32, proto_state, votes),
	[S_SHOWN] = FLD(PF_U32, proto_state, shown),
	[S_KEPT] = FLD(PF_BOOL, proto_state, kept),
	[S_HIDDEN] = FLD(PF_BOOL, proto_state, hidden),
	[S_EDITED] = FLD(PF_BOOL, proto_state, edited),
	[S_DELETED] = FLD(PF_BOOL, proto_state, deleted),
	[S_READY] = FLD(PF_BOOL, proto_state, ready),
	[S_RUNNING] = FLD(PF_BOOL, proto_state, running),
	[S_ENDED] = FLD(PF_BOOL, proto_state, ended),
	[S_ROLE] = FLD(PF_ROLE, proto_state, role),
	[S_CREATED] = FLD(PF_I64, proto_state, created_ms),
	[S_REMAINING] = FLD(PF_U64, proto_state, remaining_ms),
	[S_THEME] = TXT(proto_state, title, PROTO_THEME_MAX, false),
	[S_CLIENT] = FLD(PF_CLIENT, proto_state, client),
	[S_LAST_OP] = FLD(PF_U32, proto_state, last_op),
	[S_COUNT] = FLD(PF_U32, proto_state, count),
	[S_PAIRS] = PAIRS(proto_state),
	[S_BOARD] = FLD(PF_BOARD_REC, proto_state, board),
	[S_INDEX] = FLD(PF_U32, proto_state, index),
	[S_STEP] = FLD(PF_STEP, proto_state, step),
	[S_ENDED_MS] = FLD(PF_I64, proto_state, ended_ms),
	[S_CURRENT] = FLD(PF_BOOL, proto_state, current),
	[S_CLOSED] = FLD(PF_BOOL, proto_state, closed),
	[S_DISSOLVED] = FLD(PF_BOOL, proto_state, dissolved),
	[S_KIND] = FLD(PF_TABLE_KIND, proto_state, kind),
	[S_NUMBER] = FLD(PF_U32, proto_state, number),
	[S_LABEL_NO] = FLD(PF_U32, proto_state, label),
	[S_TEAM] = FLD(PF_U64, proto_state, team),
	[S_SEQ] = FLD(PF_U64, proto_state, seq),
	[S_ANSWER] = ANSWER(PF_ANSWER, proto_state, answer),
	[S_LABELS] = LIST(PF_STRS, proto_state, strs, nstrs, PROTO_WORD_MAX),
	[S_CHOICES] = LIST(PF_STRS, proto_state, strs, nstrs, PROTO_WORD_MAX),
	[S_COUNTS] = LIST(PF_COUNTS, proto_state, counts, ncounts,
	    PROTO_WORD_MAX),
	[S_REACT1] = { PF_U32, false, 0, offsetof(struct proto_state, reacts),
	    0 },
	[S_REACT2] = { PF_U32, false, 0, offsetof(struct proto_state, reacts) +
	    sizeof (uint32_t), 0 },
	[S_REACT3] = { PF_U32, false, 0, offsetof(struct proto_state, reacts) +
	    2 * sizeof (uint32_t), 0 },
	[S_MERGED] = FLD(PF_U64, proto_state, merged),
	[S_CANVAS] = FLD(PF_U64, proto_state, canvas),
	[S_SECTION] = FLD(PF_U32, proto_state, section),
	[S_CANVAS_NAME] = TXT(proto_state, text, PROTO_CANVAS_NAME_MAX, false),
	[S_SECTIONS] = LIST(PF_SECTIONS, proto_state, sections, nsections, 0),
	[S_OWNER] = TXT(proto_state, owner, PROTO_OWNER_MAX, false),
	[S_DUE] = TXT(proto_state, due, PROTO_DUE_LEN, false),
	[S_OPEN] = FLD(PF_BOOL, proto_state, open),
	[S_CRITERIA] = LIST(PF_LABELS, proto_state, labels, nlabels, 0),
	[S_TRIPLES] = LIST(PF_TRIPLES, proto_state, triples, ntriples, 0),
};

/*
 * The fields of each STATE record after [17, what, ...]; a record may end
 * after min of them (trailing extensions: the table's theme when empty,
 * the timer's wall-clock "at" when 0).  ALL: every field is needed.
 */
static const struct {
	uint8_t		 fields[PROTO_RECORD_MAX];
	uint8_t		 min;
} proto_state_specs[STATE_WHAT_COUNT] = {
	[STATE_BOARD] = { FIELDS(S_BOARD), ALL },
	[STATE_TABLE] = { FIELDS(S_ID, S_QUESTION, S_CREATED, S_THEME), 3 },
	[STATE_PARTICIPANT] = { FIELDS(S_ID32, S_NAME, S_ROLE, S_TABLE,
	    S_READY, S_CLIENT), ALL },
	/* ext: merged and coauthors trail, left out when 0 and none. */
	[STATE_CARD] = { FIELDS(S_ID, S_TABLE, S_AUTHOR, S_PARENT, S_HEAD,
	    S_CARD_TEXT, S_CLUSTER_TITLE, S_VOTES, S_SHOWN, S_KEPT, S_HIDDEN,
	    S_EDITED, S_DELETED, S_CREATED, S_MERGED, S_PAIRS), 14 },
	[STATE_TIMER] = { FIELDS(S_RUNNING, S_REMAINING, S_LABEL, S_ENDED,
	    S_CREATED), 4 },
	[STATE_VOTES] = { FIELDS(S_ID32, S_PAIRS), ALL },	/* participant */
	[STATE_CLIENT] = { FIELDS(S_CLIENT, S_ID32, S_LAST_OP), ALL },
	[STATE_MEET] = { FIELDS(S_ID32, S_AUTHOR, S_COUNT), ALL }, /* a, b */
	[STATE_STEP] = { FIELDS(S_INDEX, S_STEP, S_CREATED, S_ENDED_MS,
	    S_CURRENT), ALL },
	[STATE_LABELS] = { FIELDS(S_LABELS), ALL },
	[STATE_MEMBER] = { FIELDS(S_ID32, S_LABEL_NO, S_TEAM), ALL },
	[STATE_GROUP] = { FIELDS(S_ID, S_KIND, S_NUMBER, S_DISSOLVED), ALL },
	[STATE_POLL] = { FIELDS(S_ID, S_QUESTION, S_CHOICES, S_CLOSED,
	    S_CREATED, S_ENDED_MS, S_COUNTS), ALL },
	[STATE_ANSWER] = { FIELDS(S_ID, S_AUTHOR, S_ANSWER, S_SEQ), ALL },
	[STATE_REACTIONS] = { FIELDS(S_ID, S_REACT1, S_REACT2, S_REACT3),
	    ALL },
	[STATE_REACTED] = { FIELDS(S_ID32, S_PAIRS), ALL },  /* participant */
	/* participant, [[round, table], ...] (snapshots only) */
	[STATE_SAT] = { FIELDS(S_ID32, S_PAIRS), ALL },
	[STATE_CANVAS] = { FIELDS(S_ID, S_CANVAS_NAME, S_SECTIONS), ALL },
	[STATE_TABLE_CANVAS] = { FIELDS(S_ID, S_CANVAS), ALL },
	[STATE_DELIVERABLE] = { FIELDS(S_ID, S_SECTION, S_OWNER, S_DUE), ALL },
	[STATE_EVAL] = { FIELDS(S_OPEN, S_CRITERIA), ALL },
	[STATE_SCORES] = { FIELDS(S_TRIPLES), ALL },
	[STATE_MY_SCORES] = { FIELDS(S_ID32, S_TRIPLES), ALL },
	[STATE_PITCH] = { FIELDS(S_TABLE), ALL },
};

/* Fields in a record of kind what. */
static size_t
proto_state_max(unsigned what)
{
	return proto_list_len(proto_state_specs[what].fields,
	    PROTO_RECORD_MAX);
}

/* Fields a record of kind what must hold at least. */
static size_t
proto_state_min(unsigned what)
{
	uint8_t	min = proto_state_specs[what].min;

	return min == ALL ? proto_state_max(what) : min;
}

/* The fields a record goes out with. */
static size_t
proto_state_len(const struct proto_state *st)
{
	if (st->what == STATE_TABLE && (st->title == NULL ||
	    st->title[0] == '\0'))
		return proto_state_min(st->what);
	if (st->what == STATE_TIMER && st->created_ms == 0)
		return proto_state_min(st->what);
	if (st->what == STATE_CARD && st->merged == 0 && st->npairs == 0)
		return proto_state_min(st->what);
	return proto_state_max(st->what);
}

/* When a map key travels, and whether a decoder insists on it. */
enum proto_keyrule {
	KEY_REQ,		/* always sent, required */
	KEY_OPT,		/* always sent, may be absent (ext) */
	KEY_BIT,		/* sent when its bit is in has */
	KEY_PTR,		/* sent when the string is not NULL */
	KEY_TRUE,		/* sent when the flag is true */
};

/* One key of a map. */
struct proto_key {
	const char		*name;
	struct proto_field	 f;
	uint8_t			 rule;		/* enum proto_keyrule */
	uint32_t		 bit;		/* KEY_BIT */
};

static const struct proto_key proto_hello_keys[] = {
	{ "v", FLD(PF_U32, proto_hello, v), KEY_REQ, 0 },
	{ "board", FLD(PF_BOARD, proto_hello, board), KEY_REQ, 0 },
	{ "client", FLD(PF_CLIENT, proto_hello, client), KEY_REQ, 0 },
	{ "name", TXT(proto_hello, name, PROTO_NAME_MAX, false), KEY_REQ, 0 },
	{ "code", TXT(proto_hello, code, PROTO_CODE_MAX, false), KEY_PTR, 0 },
	{ "key", TXT(proto_hello, key, PROTO_KEY_MAX, false), KEY_PTR, 0 },
	{ "since", FLD(PF_U64, proto_hello, since), KEY_REQ, 0 },
	{ "state", FLD(PF_BOOL, proto_hello, want_state), KEY_TRUE, 0 },
	{ "observe", FLD(PF_BOOL, proto_hello, observe), KEY_TRUE, 0 },
	{ "relay", FLD(PF_BOOL, proto_hello, relay), KEY_TRUE, 0 },
	{ "create", FLD(PF_BOOL, proto_hello, create), KEY_TRUE, 0 },
	{ "roster", FLD(PF_BOOL, proto_hello, roster), KEY_TRUE, 0 },
	{ "sit", FLD(PF_BOOL, proto_hello, sit), KEY_TRUE, 0 },
};

static const struct proto_key proto_welcome_keys[] = {
	{ "v", FLD(PF_U32, proto_welcome, v), KEY_REQ, 0 },
	{ "board", FLD(PF_BOARD, proto_welcome, board), KEY_REQ, 0 },
	{ "participant", FLD(PF_U32, proto_welcome, participant), KEY_REQ, 0 },
	{ "role", FLD(PF_ROLE, proto_welcome, role), KEY_REQ, 0 },
	{ "head", FLD(PF_U64, proto_welcome, head), KEY_REQ, 0 },
	{ "mode", FLD(PF_MODE, proto_welcome, mode), KEY_REQ, 0 },
	{ "last_op", FLD(PF_U32, proto_welcome, last_op), KEY_OPT, 0 },
	{ "roster", FLD(PF_BOOL, proto_welcome, roster), KEY_TRUE, 0 },
};

/* The field of setting member in struct s, by the setting's type. */
#define SETTING_PF_BOOL		PF_BOOL
#define SETTING_PF_NUM		PF_U32
#define SETTING_PF_TEXT		PF_TEXT
#define SETTING_CAP_BOOL(max)	0
#define SETTING_CAP_NUM(max)	0
#define SETTING_CAP_TEXT(max)	(4 * (max))
#define SETTING_FLD(s, member, type, max) \
	{ SETTING_PF_##type, false, SETTING_CAP_##type(max), \
	  offsetof(struct s, member), 0 }

/* The settings map: each key travels when its bit is in has. */
static const struct proto_key proto_settings_keys[] = {
#define SETTINGS_KEY(member, key, bit, type, min, max, ...) \
	{ key, SETTING_FLD(proto_settings, member, type, max), KEY_BIT, bit },
	PROTO_SETTINGS(SETTINGS_KEY)
#undef SETTINGS_KEY
};

#define BREC(k, t, m)	{ k, FLD(t, proto_board_rec, m), KEY_REQ, 0 }

/*
 * The board record: every setting, then the board's own state.  A setting
 * may be missing from an older peer's record (they are added over time):
 * it reads as zero, false or "", which is why a new setting is named so
 * that its default is that.
 */
static const struct proto_key proto_board_keys[] = {
	BREC("name", PF_BOARD, name),
#define BOARD_KEY(member, key, bit, type, min, max, ...) \
	{ key, SETTING_FLD(proto_board_rec, member, type, max), KEY_OPT, 0 },
	PROTO_SETTINGS(BOARD_KEY)
#undef BOARD_KEY
	BREC("phase", PF_PHASE, phase),
	BREC("round", PF_U32, round),
	{ "banner", TXT(proto_board_rec, banner, PROTO_BANNER_MAX, false),
	    KEY_REQ, 0 },
	BREC("revealed", PF_BOOL, revealed),
	BREC("follow_view", PF_VIEW, follow_view),
	BREC("follow_table", PF_U64, follow_table),
	BREC("follow_seq", PF_U64, follow_seq),
	BREC("created_ms", PF_I64, created_ms),
	BREC("head", PF_U64, head),
};

/* A step's map: each key travels when its bit is in has. */
static const struct proto_key proto_step_keys[] = {
	{ "title", TXT(proto_step, title, PROTO_STEP_TITLE_MAX, false),
	    KEY_BIT, STEP_TITLE },
	{ "phase", FLD(PF_PHASE, proto_step, phase), KEY_BIT, STEP_PHASE },
	{ "duration", FLD(PF_U32, proto_step, duration), KEY_BIT,
	    STEP_DURATION },
	{ "banner", TXT(proto_step, banner, PROTO_BANNER_MAX, false), KEY_BIT,
	    STEP_BANNER },
	{ "follow", FLD(PF_VIEW, proto_step, follow), KEY_BIT, STEP_FOLLOW },
	{ "action", FLD(PF_STEP_ACTION, proto_step, action), KEY_BIT,
	    STEP_ACTION },
	{ "size", FLD(PF_U32, proto_step, size), KEY_BIT, STEP_SIZE },
	{ "question", TXT(proto_step, question, PROTO_QUESTION_MAX, false),
	    KEY_BIT, STEP_QUESTION },
	{ "choices", LIST(PF_STRS, proto_step, choices, nchoices,
	    PROTO_WORD_MAX), KEY_BIT, STEP_CHOICES },
};

/* The fields of REJECT, PRESENCE and ERROR after the type. */
static const struct proto_field proto_reject_fields[] = {
	FLD(PF_U32, proto_reject, op_id),
	FLD(PF_U32, proto_reject, code),
	TXT(proto_reject, text, PROTO_REASON_MAX, false),
};
static const struct proto_field proto_presence_fields[] = {
	FLD(PF_U32, proto_presence, participant),
	FLD(PF_BOOL, proto_presence, online),
	FLD(PF_U64, proto_presence, table),
	TXT(proto_presence, name, PROTO_NAME_MAX, false),
};
static const struct proto_field proto_roster_fields[] = {
	LIST(PF_PAIRS, proto_roster, pairs, npairs, 0),
};
static const struct proto_field proto_error_fields[] = {
	FLD(PF_U32, proto_error, code),
	TXT(proto_error, text, PROTO_REASON_MAX, false),
};
static const struct proto_field proto_board_fields[] = {
	FLD(PF_BOARD, proto_board_info, name),
	TXT(proto_board_info, title, PROTO_TITLE_MAX, false),
	FLD(PF_U32, proto_board_info, online),
	FLD(PF_BOOL, proto_board_info, code_needed),
};
/* ext: RELAY_BYE, RELAY_REJECT, RELAY_ERROR and UPLINK after the type. */
static const struct proto_field proto_relay_bye_fields[] = {
	FLD(PF_CLIENT, proto_relay, client),
};
static const struct proto_field proto_relay_reject_fields[] = {
	FLD(PF_CLIENT, proto_relay, client),
	FLD(PF_U32, proto_relay, op_id),
	FLD(PF_U32, proto_relay, code),
	TXT(proto_relay, text, PROTO_REASON_MAX, false),
};
static const struct proto_field proto_relay_error_fields[] = {
	FLD(PF_CLIENT, proto_relay, client),
	FLD(PF_U32, proto_relay, code),
	TXT(proto_relay, text, PROTO_REASON_MAX, false),
};
static const struct proto_field proto_uplink_fields[] = {
	FLD(PF_BOOL, proto_uplink, up),
	FLD(PF_U32, proto_uplink, waiting),
	FLD(PF_U32, proto_uplink, mine),
};

/* ------------------------------------------------------------ ownership */

/* A copy of s on the heap, NULL for NULL. */
static char *
proto_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A heap copy of n strings, NULL for none. */
static char **
proto_strs_dup(char *const *src, uint32_t n)
{
	char		**dst;
	uint32_t	  i;

	if (n == 0)
		return NULL;
	dst = xreallocarray(NULL, n, sizeof *dst);
	for (i = 0; i < n; i++)
		dst[i] = proto_strdup(src[i]);
	return dst;
}

/* Free n heap strings and their array. */
static void
proto_strs_free(char **strs, uint32_t n)
{
	uint32_t	i;

	for (i = 0; i < n; i++)
		free(strs[i]);
	free(strs);
}

/* A heap copy of n pairs, NULL for none. */
static struct proto_pair *
proto_pairs_dup(const struct proto_pair *src, uint32_t n)
{
	struct proto_pair	*dst;

	if (n == 0)
		return NULL;
	dst = xreallocarray(NULL, n, sizeof *dst);
	memcpy(dst, src, n * sizeof *dst);
	return dst;
}

/* Deep copy of a step into dst, which owns it. */
void
proto_step_dup(struct proto_step *dst, const struct proto_step *src)
{
	*dst = *src;
	dst->title = proto_strdup(src->title);
	dst->banner = proto_strdup(src->banner);
	dst->question = proto_strdup(src->question);
	dst->choices = proto_strs_dup(src->choices, src->nchoices);
}

/* Free what an owned step holds; it is left empty. */
void
proto_step_free(struct proto_step *st)
{
	free(st->title);
	free(st->banner);
	free(st->question);
	proto_strs_free(st->choices, st->nchoices);
	memset(st, 0, sizeof *st);
}

/* ext: deep copies of the deliverables' strings and arrays (dst = *src). */
static void
proto_deliver_dup(struct proto_op *dst, const struct proto_op *src)
{
	uint32_t	i;

	dst->owner = proto_strdup(src->owner);
	dst->due = proto_strdup(src->due);
	for (i = 0; i < src->nlabels && i < PROTO_CRITERIA_MAX; i++)
		dst->labels[i] = proto_strdup(src->labels[i]);
	dst->sections = NULL;
	if (src->nsections != 0) {
		dst->sections = xreallocarray(NULL, src->nsections,
		    sizeof *dst->sections);
		for (i = 0; i < src->nsections; i++) {
			dst->sections[i] = src->sections[i];
			dst->sections[i].name =
			    proto_strdup(src->sections[i].name);
			dst->sections[i].hint =
			    proto_strdup(src->sections[i].hint);
		}
	}
	dst->triples = NULL;
	if (src->ntriples != 0) {
		dst->triples = xreallocarray(NULL, src->ntriples,
		    sizeof *dst->triples);
		memcpy(dst->triples, src->triples,
		    src->ntriples * sizeof *dst->triples);
	}
}

/* ext: release what proto_deliver_dup made. */
static void
proto_deliver_free(struct proto_op *op)
{
	uint32_t	i;

	free(op->owner);
	free(op->due);
	for (i = 0; i < op->nlabels && i < PROTO_CRITERIA_MAX; i++)
		free(op->labels[i]);
	for (i = 0; i < op->nsections; i++) {
		free(op->sections[i].name);
		free(op->sections[i].hint);
	}
	free(op->sections);
	free(op->triples);
}

/* A deep copy of src in dst, which owns all of it (see proto.h). */
void
proto_op_dup(struct proto_op *dst, const struct proto_op *src)
{
	uint32_t	i;

	*dst = *src;
	dst->text = proto_strdup(src->text);
	dst->theme = proto_strdup(src->theme);
#define PROTO_DUP_BOOL(v)	(v)
#define PROTO_DUP_NUM(v)	(v)
#define PROTO_DUP_TEXT(v)	proto_strdup(v)
#define PROTO_DUP_SETTING(member, key, bit, type, ...) \
	dst->settings.member = PROTO_DUP_##type(src->settings.member);
	PROTO_SETTINGS(PROTO_DUP_SETTING)
#undef PROTO_DUP_SETTING
	dst->pairs = proto_pairs_dup(src->pairs, src->npairs);
	dst->answer.text = proto_strdup(src->answer.text);
	dst->prev.text = proto_strdup(src->prev.text);
	proto_step_dup(&dst->step, &src->step);
	dst->strs = proto_strs_dup(src->strs, src->nstrs);
	dst->merges = proto_pairs_dup(src->merges, src->nmerges);
	dst->counts = NULL;
	if (src->ncounts != 0) {
		dst->counts = xreallocarray(NULL, src->ncounts,
		    sizeof *dst->counts);
		for (i = 0; i < src->ncounts; i++) {
			dst->counts[i].text = proto_strdup(src->counts[i].text);
			dst->counts[i].n = src->counts[i].n;
		}
	}
	proto_deliver_dup(dst, src);
}

/* Free the texts of a settings map that owns them. */
void
proto_settings_free(struct proto_settings *s)
{
#define PROTO_FREE_BOOL(v)	((void)0)
#define PROTO_FREE_NUM(v)	((void)0)
#define PROTO_FREE_TEXT(v)	free(v)
#define PROTO_FREE_SETTING(member, key, bit, type, ...) \
	PROTO_FREE_##type(s->member);
	PROTO_SETTINGS(PROTO_FREE_SETTING)
#undef PROTO_FREE_SETTING
}

/* Release an owned op, every string and array of it; op is left empty. */
void
proto_op_free(struct proto_op *op)
{
	uint32_t	i;

	free(op->text);
	free(op->theme);
	proto_settings_free(&op->settings);
	free(op->pairs);
	free(op->answer.text);
	free(op->prev.text);
	proto_step_free(&op->step);
	proto_strs_free(op->strs, op->nstrs);
	free(op->merges);
	for (i = 0; i < op->ncounts; i++)
		free(op->counts[i].text);
	free(op->counts);
	proto_deliver_free(op);
	memset(op, 0, sizeof *op);
}

/* ------------------------------------------------------------ buffers */

/* An empty buffer. */
void
proto_buf_init(struct proto_buf *b)
{
	memset(b, 0, sizeof *b);
}

/* Forget the contents, keep the storage. */
void
proto_buf_reset(struct proto_buf *b)
{
	b->len = 0;
}

/* Release the storage. */
void
proto_buf_free(struct proto_buf *b)
{
	free(b->data);
	proto_buf_init(b);
}

/* Append n bytes. */
static void
proto_buf_add(struct proto_buf *b, const void *p, size_t n)
{
	uint8_t	*d;
	size_t	 cap;

	if (n > b->cap - b->len) {
		cap = b->cap < 256 ? 256 : b->cap;
		while (cap - b->len < n)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	d = b->data + b->len;
	b->len += n;
	/*
	 * msgpack-c hands its headers and numbers over a few bytes at a
	 * time (1, 2, 3, 5 or 9): copies of a known size, not a call each.
	 */
	switch (n) {
	case 1:
		*d = *(const uint8_t *)p;
		return;
	case 2:
		memcpy(d, p, 2);
		return;
	case 3:
		memcpy(d, p, 3);
		return;
	case 5:
		memcpy(d, p, 5);
		return;
	case 9:
		memcpy(d, p, 9);
		return;
	}
	memcpy(d, p, n);
}

/* ------------------------------------------------------------ encoding */

/* One frame being appended to a buffer. */
struct proto_enc {
	struct proto_buf	*buf;
	size_t			 start;		/* where the frame begins */
	bool			 over;		/* body over PROTO_FRAME_MAX */
	msgpack_packer		 pk;
};

/* msgpack-c's output: append, unless the body would pass the limit. */
static int
proto_enc_write(void *data, const char *p, size_t n)
{
	struct proto_enc	*e = data;
	size_t			 body;

	body = e->buf->len - e->start - PROTO_FRAME_HDR;
	if (e->over || n > PROTO_FRAME_MAX - body) {
		e->over = true;
		return -1;
	}
	proto_buf_add(e->buf, p, n);
	return 0;
}

/* Start a frame: room for the header, then the body's array of n. */
static void
proto_enc_start(struct proto_enc *e, struct proto_buf *buf, uint8_t type,
    size_t n)
{
	static const uint8_t	zero[PROTO_FRAME_HDR];

	e->buf = buf;
	e->start = buf->len;
	e->over = false;
	proto_buf_add(buf, zero, sizeof zero);
	msgpack_packer_init(&e->pk, e, proto_enc_write);
	msgpack_pack_array(&e->pk, n);
	msgpack_pack_uint64(&e->pk, type);
}

/* Finish a frame: its length, or 0 and the buffer as it was if too long. */
static size_t
proto_enc_finish(struct proto_enc *e)
{
	uint8_t	*p;
	size_t	 n, body;

	if (e->over) {
		e->buf->len = e->start;
		return 0;
	}
	n = e->buf->len - e->start;
	body = n - PROTO_FRAME_HDR;
	p = e->buf->data + e->start;
	p[0] = (uint8_t)(body >> 24);
	p[1] = (uint8_t)(body >> 16);
	p[2] = (uint8_t)(body >> 8);
	p[3] = (uint8_t)body;
	return n;
}

/* Pack a string; NULL travels as "". */
static void
proto_pack_str(struct proto_enc *e, const char *s)
{
	size_t	n = s != NULL ? strlen(s) : 0;

	msgpack_pack_str(&e->pk, n);
	if (n != 0)
		msgpack_pack_str_body(&e->pk, s, n);
}

static void	proto_pack_map(struct proto_enc *, const struct proto_key *,
		    size_t, const void *, uint32_t);

/* Pack a poll's answer: nil when unset, a word, or a choice's index. */
static void
proto_pack_answer(struct proto_enc *e, const struct proto_answer *a)
{
	if (!a->set)
		msgpack_pack_nil(&e->pk);
	else if (a->text != NULL)
		proto_pack_str(e, a->text);
	else
		msgpack_pack_uint64(&e->pk, a->choice);
}

/* ext: pack a list of sections, labels or triples (field f at base). */
static void
proto_pack_deliver(struct proto_enc *e, const struct proto_field *f,
    const void *base)
{
	const uint8_t			*p = (const uint8_t *)base + f->off;
	const struct proto_section	*sec;
	const struct proto_triple	*tri;
	char *const			*labels;
	const char			*kind;
	uint32_t			 n, i;

	n = *(const uint32_t *)((const uint8_t *)base + f->off2);
	switch (f->type) {
	case PF_SECTIONS:
		sec = *(struct proto_section *const *)p;
		msgpack_pack_array(&e->pk, n);
		for (i = 0; i < n; i++) {
			kind = proto_section_kind_name(sec[i].kind);
			msgpack_pack_array(&e->pk, 4);
			proto_pack_str(e, sec[i].name);
			proto_pack_str(e, sec[i].hint);
			msgpack_pack_uint64(&e->pk, sec[i].limit);
			proto_pack_str(e, kind != NULL ? kind : "ideas");
		}
		break;
	case PF_LABELS:
		labels = (char *const *)p;
		if (n > PROTO_CRITERIA_MAX)
			n = PROTO_CRITERIA_MAX;
		msgpack_pack_array(&e->pk, n);
		for (i = 0; i < n; i++)
			proto_pack_str(e, labels[i]);
		break;
	case PF_TRIPLES:
		tri = *(struct proto_triple *const *)p;
		msgpack_pack_array(&e->pk, n);
		for (i = 0; i < n; i++) {
			msgpack_pack_array(&e->pk, 3);
			msgpack_pack_uint64(&e->pk, tri[i].a);
			msgpack_pack_uint64(&e->pk, tri[i].b);
			msgpack_pack_uint64(&e->pk, tri[i].c);
		}
		break;
	}
}

/* True if a client id is all zero: one its recipient may not see. */
static bool
proto_client_hidden(const uint8_t *id)
{
	size_t	i;

	for (i = 0; i < PROTO_CLIENT_LEN; i++)
		if (id[i] != 0)
			return false;
	return true;
}

/* Pack the field f of the struct at base. */
static void
proto_pack_field(struct proto_enc *e, const struct proto_field *f,
    const void *base)
{
	const uint8_t			*p = (const uint8_t *)base + f->off;
	const struct proto_pair		*pairs;
	const struct proto_count	*counts;
	char *const			*strs;
	const char			*name;
	uint32_t			 n, i;

	switch (f->type) {
	case PF_U64:
	case PF_ID32:
		msgpack_pack_uint64(&e->pk, *(const uint64_t *)p);
		break;
	case PF_U32:
		msgpack_pack_uint64(&e->pk, *(const uint32_t *)p);
		break;
	case PF_I64:
		msgpack_pack_int64(&e->pk, *(const int64_t *)p);
		break;
	case PF_I32:
		msgpack_pack_int64(&e->pk, *(const int32_t *)p);
		break;
	case PF_BOOL:
		if (*(const bool *)p)
			msgpack_pack_true(&e->pk);
		else
			msgpack_pack_false(&e->pk);
		break;
	case PF_PHASE:
	case PF_ROLE:
	case PF_ACTION:
	case PF_VIEW:
	case PF_MODE:
	case PF_GROUP:
	case PF_STEP_ACTION:
	case PF_TABLE_KIND:
		name = proto_name(proto_enums[f->type].names,
		    proto_enums[f->type].n, *p);
		if (name == NULL)
			fatalx("proto: no name for value %u of type %u", *p,
			    f->type);
		proto_pack_str(e, name);
		break;
	case PF_TEXT:
	case PF_BOARD:
		proto_pack_str(e, *(char *const *)p);
		break;
	case PF_CLIENT:
		if (e->buf->lean && proto_client_hidden(p)) {
			msgpack_pack_nil(&e->pk);
			break;
		}
		msgpack_pack_bin(&e->pk, PROTO_CLIENT_LEN);
		msgpack_pack_bin_body(&e->pk, p, PROTO_CLIENT_LEN);
		break;
	case PF_PAIRS:
		pairs = *(struct proto_pair *const *)p;
		n = *(const uint32_t *)((const uint8_t *)base + f->off2);
		msgpack_pack_array(&e->pk, n);
		for (i = 0; i < n; i++) {
			msgpack_pack_array(&e->pk, 2);
			msgpack_pack_uint64(&e->pk, pairs[i].a);
			msgpack_pack_uint64(&e->pk, pairs[i].b);
		}
		break;
	case PF_SETTINGS:
		proto_pack_map(e, proto_settings_keys,
		    NITEMS(proto_settings_keys), p,
		    ((const struct proto_settings *)p)->has);
		break;
	case PF_BOARD_REC:
		proto_pack_map(e, proto_board_keys, NITEMS(proto_board_keys),
		    p, 0);
		break;
	case PF_STRS:
		strs = *(char **const *)p;
		n = *(const uint32_t *)((const uint8_t *)base + f->off2);
		msgpack_pack_array(&e->pk, n);
		for (i = 0; i < n; i++)
			proto_pack_str(e, strs[i]);
		break;
	case PF_COUNTS:
		counts = *(struct proto_count *const *)p;
		n = *(const uint32_t *)((const uint8_t *)base + f->off2);
		msgpack_pack_array(&e->pk, n);
		for (i = 0; i < n; i++) {
			msgpack_pack_array(&e->pk, 2);
			proto_pack_str(e, counts[i].text);
			msgpack_pack_uint64(&e->pk, counts[i].n);
		}
		break;
	case PF_ANSWER:
	case PF_ANSWER_OPT:
		proto_pack_answer(e, (const struct proto_answer *)p);
		break;
	case PF_STEP:
		proto_pack_map(e, proto_step_keys, NITEMS(proto_step_keys), p,
		    ((const struct proto_step *)p)->has);
		break;
	case PF_SECTIONS:
	case PF_LABELS:
	case PF_TRIPLES:
		proto_pack_deliver(e, f, base);
		break;
	}
}

/* True if key k of the struct at base travels (has: the presence bits). */
static bool
proto_key_present(const struct proto_key *k, const void *base, uint32_t has)
{
	const uint8_t	*p = (const uint8_t *)base + k->f.off;

	switch (k->rule) {
	case KEY_BIT:
		return (has & k->bit) != 0;
	case KEY_PTR:
		return *(char *const *)p != NULL;
	case KEY_TRUE:
		return *(const bool *)p;
	}
	return true;
}

/* Pack a map of the keys present in the struct at base. */
static void
proto_pack_map(struct proto_enc *e, const struct proto_key *keys, size_t n,
    const void *base, uint32_t has)
{
	size_t	i, count = 0;

	for (i = 0; i < n; i++) {
		if (proto_key_present(&keys[i], base, has))
			count++;
	}
	msgpack_pack_map(&e->pk, count);
	for (i = 0; i < n; i++) {
		if (!proto_key_present(&keys[i], base, has))
			continue;
		proto_pack_str(e, keys[i].name);
		proto_pack_field(e, &keys[i].f, base);
	}
}

/* Pack the first n fields a list names, from their table. */
static void
proto_pack_list(struct proto_enc *e, const struct proto_field *table,
    const uint8_t *list, size_t n, const void *base)
{
	size_t	i;

	for (i = 0; i < n; i++)
		proto_pack_field(e, &table[list[i]], base);
}

/* Append a HELLO, or (type) a RELAY_HELLO. */
static size_t
proto_enc_hello_as(struct proto_buf *buf, uint8_t type,
    const struct proto_hello *h)
{
	struct proto_enc	e;

	proto_enc_start(&e, buf, type, 2);
	proto_pack_map(&e, proto_hello_keys, NITEMS(proto_hello_keys), h, 0);
	return proto_enc_finish(&e);
}

/* Append a HELLO. */
size_t
proto_enc_hello(struct proto_buf *buf, const struct proto_hello *h)
{
	return proto_enc_hello_as(buf, PROTO_HELLO, h);
}

/* Append a RELAY_HELLO (ext): a HELLO a relay passes on for a client. */
size_t
proto_enc_relay_hello(struct proto_buf *buf, const struct proto_hello *h)
{
	return proto_enc_hello_as(buf, PROTO_RELAY_HELLO, h);
}

/* True for a table.add or table.edit without a theme: it is left out. */
static bool
proto_no_theme(const struct proto_op *op)
{
	return (op->kind == OP_TABLE_ADD || op->kind == OP_TABLE_EDIT) &&
	    (op->theme == NULL || op->theme[0] == '\0');
}

/* ext: true for a card.add in no section: the section is left out. */
static bool
proto_no_section(const struct proto_op *op)
{
	return op->kind == OP_CARD_ADD && op->section == 0;
}

/* Append an OP, or with a client id a RELAY_OP (ext). */
static size_t
proto_enc_op_as(struct proto_buf *buf, const uint8_t *client, uint32_t op_id,
    const struct proto_op *op)
{
	const struct proto_kind	*k = proto_kind(op->kind);
	struct proto_enc	 e;
	size_t			 n = 0;

	if (k != NULL) {
		n = proto_args(k->args);
		/* table.sit, label: a participant of 0 (self) is left out. */
		if ((op->kind == OP_TABLE_SIT || op->kind == OP_LABEL) &&
		    op->participant == 0)
			n = proto_kind_min(k, false);
		if (proto_no_theme(op) || proto_no_section(op))
			n = proto_kind_min(k, false);
	}
	if (client != NULL) {
		proto_enc_start(&e, buf, PROTO_RELAY_OP, 4 + n);
		msgpack_pack_bin(&e.pk, PROTO_CLIENT_LEN);
		msgpack_pack_bin_body(&e.pk, client, PROTO_CLIENT_LEN);
	} else
		proto_enc_start(&e, buf, PROTO_OP, 3 + n);
	msgpack_pack_uint64(&e.pk, op_id);
	msgpack_pack_uint64(&e.pk, op->kind);
	if (k != NULL)
		proto_pack_list(&e, proto_op_fields, k->args, n, op);
	return proto_enc_finish(&e);
}

/* Append an OP. */
size_t
proto_enc_op(struct proto_buf *buf, uint32_t op_id, const struct proto_op *op)
{
	return proto_enc_op_as(buf, NULL, op_id, op);
}

/* Append a RELAY_OP (ext): a client's OP that a relay passes on. */
size_t
proto_enc_relay_op(struct proto_buf *buf, const uint8_t *client,
    uint32_t op_id, const struct proto_op *op)
{
	return proto_enc_op_as(buf, client, op_id, op);
}


/*
 * Append an EVENT; a hidden vote is [18, seq, 0, 0, 7] whatever else, a
 * hidden poll answer [18, seq, 0, 0, 11], a hidden score [18, seq, 0, 0,
 * 15] (ext).
 */
size_t
proto_enc_event(struct proto_buf *buf, const struct proto_event *ev)
{
	const struct proto_op	*op = &ev->op;
	const struct proto_kind	*k = proto_kind(op->kind);
	struct proto_enc	 e;
	size_t			 na = 0, nd = 0;
	bool			 hidden = proto_kind_hideable(op->kind) &&
	    op->hidden;

	if (k != NULL && !hidden) {
		na = proto_args(k->args);
		nd = proto_args(k->derived);
		if (proto_no_theme(op) || proto_no_section(op))
			na = proto_kind_min(k, true);
	}
	proto_enc_start(&e, buf, PROTO_EVENT, 5 + na + nd);
	msgpack_pack_uint64(&e.pk, ev->seq);
	msgpack_pack_uint64(&e.pk, hidden ? 0 : ev->origin);
	msgpack_pack_uint64(&e.pk, hidden ? 0 : ev->op_id);
	msgpack_pack_uint64(&e.pk, op->kind);
	if (na + nd != 0) {
		proto_pack_list(&e, proto_op_fields, k->args, na, op);
		proto_pack_list(&e, proto_op_fields, k->derived, nd, op);
	}
	return proto_enc_finish(&e);
}

/* Append a message that is its type and one unsigned number. */
static size_t
proto_enc_uint(struct proto_buf *buf, uint8_t type, uint64_t v)
{
	struct proto_enc	e;

	proto_enc_start(&e, buf, type, 2);
	msgpack_pack_uint64(&e.pk, v);
	return proto_enc_finish(&e);
}

/* Append a PING. */
size_t
proto_enc_ping(struct proto_buf *buf, uint64_t token)
{
	return proto_enc_uint(buf, PROTO_PING, token);
}

/* Append a PONG. */
size_t
proto_enc_pong(struct proto_buf *buf, uint64_t token)
{
	return proto_enc_uint(buf, PROTO_PONG, token);
}

/* Append a READY. */
size_t
proto_enc_ready(struct proto_buf *buf, uint64_t head)
{
	return proto_enc_uint(buf, PROTO_READY, head);
}

/* Append a BYE. */
size_t
proto_enc_bye(struct proto_buf *buf)
{
	struct proto_enc	e;

	proto_enc_start(&e, buf, PROTO_BYE, 1);
	return proto_enc_finish(&e);
}

/* Append a WELCOME. */
size_t
proto_enc_welcome(struct proto_buf *buf, const struct proto_welcome *w)
{
	struct proto_enc	e;

	proto_enc_start(&e, buf, PROTO_WELCOME, 2);
	proto_pack_map(&e, proto_welcome_keys, NITEMS(proto_welcome_keys), w,
	    0);
	return proto_enc_finish(&e);
}

/* Append a STATE record. */
size_t
proto_enc_state(struct proto_buf *buf, const struct proto_state *st)
{
	struct proto_enc	e;
	size_t			n;

	if (st->what >= STATE_WHAT_COUNT)
		fatalx("proto: STATE record %u has no name", st->what);
	n = proto_state_len(st);
	proto_enc_start(&e, buf, PROTO_STATE, 2 + n);
	proto_pack_str(&e, proto_what_names[st->what]);
	proto_pack_list(&e, proto_state_fields,
	    proto_state_specs[st->what].fields, n, st);
	return proto_enc_finish(&e);
}

/* Append a message made of its type and a list of fields. */
static size_t
proto_enc_fields(struct proto_buf *buf, uint8_t type,
    const struct proto_field *fields, size_t n, const void *base)
{
	struct proto_enc	e;
	size_t			i;

	proto_enc_start(&e, buf, type, 1 + n);
	for (i = 0; i < n; i++)
		proto_pack_field(&e, &fields[i], base);
	return proto_enc_finish(&e);
}

/* Append a REJECT. */
size_t
proto_enc_reject(struct proto_buf *buf, uint32_t op_id, uint32_t code,
    const char *text)
{
	struct proto_reject	r = { op_id, code, (char *)text };

	return proto_enc_fields(buf, PROTO_REJECT, proto_reject_fields,
	    NITEMS(proto_reject_fields), &r);
}

/* Append a PRESENCE (without its last field, the name, when NULL). */
size_t
proto_enc_presence(struct proto_buf *buf, const struct proto_presence *p)
{
	return proto_enc_fields(buf, PROTO_PRESENCE, proto_presence_fields,
	    NITEMS(proto_presence_fields) - (p->name == NULL), p);
}

/* Append a ROSTER. */
size_t
proto_enc_roster(struct proto_buf *buf, const struct proto_roster *r)
{
	return proto_enc_fields(buf, PROTO_ROSTER, proto_roster_fields,
	    NITEMS(proto_roster_fields), r);
}

/* Append an ERROR. */
size_t
proto_enc_error(struct proto_buf *buf, uint32_t code, const char *text)
{
	struct proto_error	r = { code, (char *)text };

	return proto_enc_fields(buf, PROTO_ERROR, proto_error_fields,
	    NITEMS(proto_error_fields), &r);
}

/* Append a LIST (ext). */
size_t
proto_enc_list(struct proto_buf *buf)
{
	return proto_enc_fields(buf, PROTO_LIST, NULL, 0, NULL);
}

/* Append one BOARD of a LIST's answer (ext). */
size_t
proto_enc_board(struct proto_buf *buf, const struct proto_board_info *b)
{
	return proto_enc_fields(buf, PROTO_BOARD, proto_board_fields,
	    NITEMS(proto_board_fields), b);
}

/* Append the BOARDS_END that closes a LIST's answer (ext). */
size_t
proto_enc_boards_end(struct proto_buf *buf, uint64_t count)
{
	return proto_enc_uint(buf, PROTO_BOARDS_END, count);
}

/* Append a RELAY_BYE (ext): a relay's client has left. */
size_t
proto_enc_relay_bye(struct proto_buf *buf, const uint8_t *client)
{
	struct proto_relay	r;

	memset(&r, 0, sizeof r);
	memcpy(r.client, client, PROTO_CLIENT_LEN);
	return proto_enc_fields(buf, PROTO_RELAY_BYE, proto_relay_bye_fields,
	    NITEMS(proto_relay_bye_fields), &r);
}

/* Append a RELAY_WELCOME (ext): a relay's client is in, as w says. */
size_t
proto_enc_relay_welcome(struct proto_buf *buf, const uint8_t *client,
    const struct proto_welcome *w)
{
	struct proto_enc	e;

	proto_enc_start(&e, buf, PROTO_RELAY_WELCOME, 3);
	msgpack_pack_bin(&e.pk, PROTO_CLIENT_LEN);
	msgpack_pack_bin_body(&e.pk, client, PROTO_CLIENT_LEN);
	proto_pack_map(&e, proto_welcome_keys, NITEMS(proto_welcome_keys), w,
	    0);
	return proto_enc_finish(&e);
}

/* Append a RELAY_REJECT (ext): a relay's client's OP was refused. */
size_t
proto_enc_relay_reject(struct proto_buf *buf, const uint8_t *client,
    uint32_t op_id, uint32_t code, const char *text)
{
	struct proto_relay	r;

	memset(&r, 0, sizeof r);
	memcpy(r.client, client, PROTO_CLIENT_LEN);
	r.op_id = op_id;
	r.code = code;
	r.text = (char *)text;
	return proto_enc_fields(buf, PROTO_RELAY_REJECT,
	    proto_relay_reject_fields, NITEMS(proto_relay_reject_fields), &r);
}

/* Append a RELAY_ERROR (ext): a relay's client is refused, or out. */
size_t
proto_enc_relay_error(struct proto_buf *buf, const uint8_t *client,
    uint32_t code, const char *text)
{
	struct proto_relay	r;

	memset(&r, 0, sizeof r);
	memcpy(r.client, client, PROTO_CLIENT_LEN);
	r.code = code;
	r.text = (char *)text;
	return proto_enc_fields(buf, PROTO_RELAY_ERROR,
	    proto_relay_error_fields, NITEMS(proto_relay_error_fields), &r);
}

/* Append an UPLINK (ext): how a relay's link to the board stands. */
size_t
proto_enc_uplink(struct proto_buf *buf, const struct proto_uplink *u)
{
	return proto_enc_fields(buf, PROTO_UPLINK, proto_uplink_fields,
	    NITEMS(proto_uplink_fields), u);
}

/* ------------------------------------------------------------ prescan */

/* Write a prescan error into errbuf; returns -1. */
static int
proto_scan_fail(char *errbuf, size_t errlen, const char *why, size_t pos)
{
	if (errbuf != NULL && errlen != 0)
		snprintf(errbuf, errlen, "%s at byte %zu", why, pos);
	return -1;
}

/* Big-endian unsigned number of n bytes at p. */
static uint64_t
proto_be(const uint8_t *p, size_t n)
{
	uint64_t	v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/* What the prescan learnt about a sound frame: what decoding will need. */
struct proto_scan_info {
	size_t		 pairs;		/* [x, y] arrays of two scalars */
	size_t		 strbytes;	/* str bytes plus one NUL each */
	size_t		 strs;		/* str objects (a list's pointers) */
	size_t		 elements;	/* in containers, 2 per map entry */
	size_t		 triples;	/* ext: arrays of three */
	size_t		 quads;		/* ext: arrays of four (sections) */
};

/*
 * The prescan proper.  owed counts the elements that open containers still
 * expect; each takes at least one byte, so a header promising more than the
 * bytes left is refused at once, before msgpack-c could allocate for it.
 */
static int
proto_scan(const uint8_t *p, size_t len, struct proto_scan_info *info,
    char *errbuf, size_t errlen)
{
	uint64_t	left[PROTO_DEPTH_MAX + 1];	/* owed per level */
	uint8_t		flat2[PROTO_DEPTH_MAX + 1];	/* an array of 2-4 */
	uint64_t	owed = 1;		/* the sum of left[] */
	uint64_t	count, body;
	size_t		pos = 0, depth = 0, hdr, w, rest;
	size_t		pairs = 0, strbytes = 0, strs = 0, elements = 0;
	size_t		triples = 0, quads = 0;
	uint8_t		b;
	int		container;		/* 0, 1 array, 2 map */

	left[0] = 1;
	flat2[0] = 0;
	while (owed > 0) {
		if (pos >= len)
			return proto_scan_fail(errbuf, errlen, "truncated",
			    pos);
		b = p[pos];
		hdr = 1;
		body = count = 0;
		container = 0;
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 ||
		    b == 0xc3) {
			/* fixint, nil, bool */
		} else if (b <= 0x8f) {
			container = 2;
			count = b & 0x0f;
		} else if (b <= 0x9f) {
			container = 1;
			count = b & 0x0f;
		} else if (b <= 0xbf) {
			body = b & 0x1f;
			strbytes += (size_t)body + 1;
			strs++;
		} else if (b == 0xc1)
			return proto_scan_fail(errbuf, errlen, "byte 0xc1",
			    pos);
		else if (b >= 0xca && b <= 0xd3) {
			/* float32/64, uint8..64, int8..64 */
			static const uint8_t sizes[] = { 4, 8, 1, 2, 4, 8,
			    1, 2, 4, 8 };

			body = sizes[b - 0xca];
		} else if (b >= 0xd4 && b <= 0xd8) {
			hdr = 2;			/* fixext: type byte */
			body = 1u << (b - 0xd4);
		} else {
			/* Variable length: the length field's width. */
			switch (b) {
			case 0xc4: case 0xd9: w = 1; break;
			case 0xc5: case 0xda: case 0xdc: case 0xde:
				w = 2;
				break;
			case 0xc7: w = 1; hdr = 2; break;	/* ext8 */
			case 0xc8: w = 2; hdr = 2; break;	/* ext16 */
			case 0xc9: w = 4; hdr = 2; break;	/* ext32 */
			default: w = 4; break;	/* c6 db dd df */
			}
			if (len - pos < 1 + w)
				return proto_scan_fail(errbuf, errlen,
				    "truncated header", pos);
			body = proto_be(p + pos + 1, w);
			hdr += w;
			if (b == 0xdc || b == 0xdd) {
				container = 1;
				count = body;
				body = 0;
			} else if (b == 0xde || b == 0xdf) {
				container = 2;
				count = body;
				body = 0;
			}
		}
		if (hdr > len - pos)
			return proto_scan_fail(errbuf, errlen,
			    "truncated header", pos);
		if (body > len - pos - hdr)
			return proto_scan_fail(errbuf, errlen,
			    "length beyond the frame", pos);
		if (b >= 0xd9 && b <= 0xdb) {
			strbytes += (size_t)body + 1;
			strs++;
		}
		left[depth]--;
		owed--;
		rest = len - pos - hdr - (size_t)body;
		if (container != 0) {
			if (depth + 1 > PROTO_DEPTH_MAX)
				return proto_scan_fail(errbuf, errlen,
				    "nested too deep", pos);
			count *= (uint64_t)container;	/* a map owes 2n */
			if (owed > rest || count > rest - owed)
				return proto_scan_fail(errbuf, errlen,
				    "count beyond the frame", pos);
			flat2[depth] = 0;
			depth++;
			left[depth] = count;
			flat2[depth] = container == 1 && count >= 2 &&
			    count <= 4 ? (uint8_t)count : 0;
			owed += count;
			elements += (size_t)count;
		}
		pos += hdr + (size_t)body;
		while (depth > 0 && left[depth] == 0) {
			if (flat2[depth] == 2)
				pairs++;
			else if (flat2[depth] == 3)
				triples++;
			else if (flat2[depth] == 4)
				quads++;
			depth--;
		}
	}
	if (pos != len)
		return proto_scan_fail(errbuf, errlen, "trailing bytes", pos);
	if (info != NULL) {
		info->pairs = pairs;
		info->strbytes = strbytes;
		info->strs = strs;
		info->elements = elements;
		info->triples = triples;
		info->quads = quads;
	}
	return 0;
}

/* Check only the msgpack structure: one object, depth, counts; 0 if sound. */
int
proto_prescan(const uint8_t *p, size_t len, char *errbuf, size_t errlen)
{
	return proto_scan(p, len, NULL, errbuf, errlen);
}

/* ------------------------------------------------------------ decoding */

/*
 * One decode.  The arena is one block sized by the prescan: room for every
 * [x, y] array of two scalars (16 arena bytes for at least 3 frame bytes;
 * a poll's [answer, count] takes the same room), then (ext) for every
 * array of three (24 bytes for at least 4) and of four (a section, 24 bytes
 * for at least 5), then a pointer for every string (a list of strings
 * points at them), then every string and its NUL (no more than the frame
 * bytes the string took).  The worst, ["", ""], makes it 12 times the
 * frame length.
 */
struct proto_dec {
	struct proto_err	*err;
	enum proto_status	 fail;		/* status of a failure */
	struct proto_scan_info	 need;		/* the arena's parts */
	uint8_t			*arena;
	size_t			 pairs_used;	/* pairs handed out */
	size_t			 triples_used;	/* ext: triples handed out */
	size_t			 quads_used;	/* ext: sections handed out */
	size_t			 ptrs_used;	/* string pointers handed out */
	size_t			 str_used;	/* string bytes handed out */
	bool			 nil_client;	/* ext: a client id may be nil
						   (EVENT, STATE: a hidden one) */
};

/* A poll's [answer, count] fits where a pair would. */
_Static_assert(sizeof (struct proto_count) <= sizeof (struct proto_pair),
    "a count takes a pair's room in the arena");

/* Bytes of the arena before its pointers: pairs, triples, sections. */
static size_t
proto_dec_fixed(const struct proto_dec *d)
{
	return d->need.pairs * sizeof (struct proto_pair) +
	    d->need.triples * sizeof (struct proto_triple) +
	    d->need.quads * sizeof (struct proto_section);
}

/* Where the arena's pointers start, then its strings. */
#define PROTO_ARENA_PTRS(d)	proto_dec_fixed(d)
#define PROTO_ARENA_STRS(d)	(PROTO_ARENA_PTRS(d) + \
				    (d)->need.strs * sizeof (char *))

/* The arena, allocated on first use. */
static uint8_t *
proto_dec_arena(struct proto_dec *d)
{
	if (d->arena == NULL)
		d->arena = xmalloc(PROTO_ARENA_STRS(d) + d->need.strbytes);
	return d->arena;
}

/* A NUL-terminated copy of s[0..n) in the arena. */
static char *
proto_dec_str(struct proto_dec *d, const char *s, size_t n)
{
	uint8_t	*base = proto_dec_arena(d);
	char	*out;

	if (n + 1 > d->need.strbytes - d->str_used)
		fatalx("proto: string arena overflow");
	out = (char *)base + PROTO_ARENA_STRS(d) + d->str_used;
	if (n != 0)	/* msgpack-c gives "" a NULL pointer */
		memcpy(out, s, n);
	out[n] = '\0';
	d->str_used += n + 1;
	return out;
}

/* Room for n string pointers in the arena, NULL if the prescan saw fewer. */
static char **
proto_dec_ptrs(struct proto_dec *d, size_t n)
{
	char	**out;

	if (n > d->need.strs - d->ptrs_used)
		return NULL;
	out = (char **)(proto_dec_arena(d) + PROTO_ARENA_PTRS(d)) +
	    d->ptrs_used;
	d->ptrs_used += n;
	return out;
}

/* Room for n pairs in the arena, NULL if the prescan saw fewer. */
static struct proto_pair *
proto_dec_pairs(struct proto_dec *d, size_t n)
{
	struct proto_pair	*out;

	if (n > d->need.pairs - d->pairs_used)
		return NULL;
	out = (struct proto_pair *)proto_dec_arena(d) + d->pairs_used;
	d->pairs_used += n;
	return out;
}

/* ext: room for n triples in the arena, NULL if the prescan saw fewer. */
static struct proto_triple *
proto_dec_triples(struct proto_dec *d, size_t n)
{
	struct proto_triple	*out;

	if (n > d->need.triples - d->triples_used)
		return NULL;
	out = (struct proto_triple *)(proto_dec_arena(d) +
	    d->need.pairs * sizeof (struct proto_pair)) + d->triples_used;
	d->triples_used += n;
	return out;
}

/* ext: room for n sections in the arena, NULL if the prescan saw fewer. */
static struct proto_section *
proto_dec_sections(struct proto_dec *d, size_t n)
{
	struct proto_section	*out;

	if (n > d->need.quads - d->quads_used)
		return NULL;
	out = (struct proto_section *)(proto_dec_arena(d) +
	    d->need.pairs * sizeof (struct proto_pair) +
	    d->need.triples * sizeof (struct proto_triple)) + d->quads_used;
	d->quads_used += n;
	return out;
}

/*
 * Record why decoding failed: ctx names the message, op or key, idx the
 * argument (-1 for none), reject the REJECT code when inside an OP.
 */
static int
proto_dec_fail(struct proto_dec *d, uint8_t reject, const char *ctx, int idx,
    const char *why)
{
	struct proto_err	*err = d->err;

	err->status = d->fail;
	if (d->fail == PROTO_E_OP)
		err->reject = reject;
	if (idx >= 0)
		snprintf(err->text, sizeof err->text, "%s: arg %d: %s", ctx,
		    idx + 1, why);
	else
		snprintf(err->text, sizeof err->text, "%s: %s", ctx, why);
	return -1;
}

/* True if o is an unsigned integer no greater than max. */
static bool
proto_is_uint(const msgpack_object *o, uint64_t max)
{
	return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= max;
}

/* True if o is an integer within [min, max]. */
static bool
proto_is_int(const msgpack_object *o, int64_t min, int64_t max)
{
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		return o->via.u64 <= (uint64_t)max;
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		return o->via.i64 >= min;
	return false;
}

/* True if o is the string s. */
static bool
proto_is_str(const msgpack_object *o, const char *s)
{
	return o->type == MSGPACK_OBJECT_STR &&
	    o->via.str.size == strlen(s) &&
	    memcmp(o->via.str.ptr, s, o->via.str.size) == 0;
}

static int	proto_dec_map(struct proto_dec *, const msgpack_object *,
		    const struct proto_key *, size_t, void *, uint32_t *,
		    const char *);

/* Decode a text field: type, byte cap, UTF-8 and forbidden characters. */
static int
proto_dec_text(struct proto_dec *d, const msgpack_object *o,
    const struct proto_field *f, char **out, const char *ctx, int idx)
{
	if (o->type != MSGPACK_OBJECT_STR)
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "expected a string");
	if (o->via.str.size > f->cap)
		return proto_dec_fail(d, REJECT_LIMIT, ctx, idx,
		    "text too long");
	switch (text_check(o->via.str.ptr, o->via.str.size, f->nl, NULL)) {
	case TEXT_OK:
		break;
	case TEXT_BAD_UTF8:
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "invalid UTF-8");
	case TEXT_FORBIDDEN:
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "forbidden character");
	}
	*out = proto_dec_str(d, o->via.str.ptr, o->via.str.size);
	return 0;
}

/* Decode [[a, b], ...] into the arena. */
static int
proto_dec_pair_list(struct proto_dec *d, const msgpack_object *o,
    struct proto_pair **out, uint32_t *nout, const char *ctx, int idx)
{
	const msgpack_object	*e;
	struct proto_pair	*pairs = NULL;
	uint32_t		 i, n;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		goto bad;
	n = o->via.array.size;
	if (n != 0 && (pairs = proto_dec_pairs(d, n)) == NULL)
		goto bad;
	for (i = 0; i < n; i++) {
		e = &o->via.array.ptr[i];
		if (e->type != MSGPACK_OBJECT_ARRAY || e->via.array.size != 2 ||
		    !proto_is_uint(&e->via.array.ptr[0], UINT64_MAX) ||
		    !proto_is_uint(&e->via.array.ptr[1], UINT64_MAX))
			goto bad;
		pairs[i].a = e->via.array.ptr[0].via.u64;
		pairs[i].b = e->via.array.ptr[1].via.u64;
	}
	*out = pairs;
	*nout = n;
	return 0;

bad:
	return proto_dec_fail(d, REJECT_BAD, ctx, idx,
	    "expected [[uint, uint], ...]");
}

/* Decode [str, ...] into the arena, each string a text of f's cap. */
static int
proto_dec_str_list(struct proto_dec *d, const msgpack_object *o,
    const struct proto_field *f, char ***out, uint32_t *nout,
    const char *ctx, int idx)
{
	char		**strs = NULL;
	uint32_t	  i, n;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "expected [str, ...]");
	n = o->via.array.size;
	if (n != 0 && (strs = proto_dec_ptrs(d, n)) == NULL)
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "expected [str, ...]");
	for (i = 0; i < n; i++) {
		if (proto_dec_text(d, &o->via.array.ptr[i], f, &strs[i], ctx,
		    idx) == -1)
			return -1;
	}
	*out = strs;
	*nout = n;
	return 0;
}

/* Decode [[str, uint], ...] (a poll's results) into the arena. */
static int
proto_dec_count_list(struct proto_dec *d, const msgpack_object *o,
    const struct proto_field *f, struct proto_count **out, uint32_t *nout,
    const char *ctx, int idx)
{
	const msgpack_object	*e;
	struct proto_count	*counts = NULL;
	uint32_t		 i, n;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		goto bad;
	n = o->via.array.size;
	if (n != 0) {
		if ((counts = (struct proto_count *)proto_dec_pairs(d,
		    n)) == NULL)
			goto bad;
	}
	for (i = 0; i < n; i++) {
		e = &o->via.array.ptr[i];
		if (e->type != MSGPACK_OBJECT_ARRAY || e->via.array.size != 2 ||
		    !proto_is_uint(&e->via.array.ptr[1], UINT64_MAX))
			goto bad;
		if (proto_dec_text(d, &e->via.array.ptr[0], f,
		    &counts[i].text, ctx, idx) == -1)
			return -1;
		counts[i].n = e->via.array.ptr[1].via.u64;
	}
	*out = counts;
	*nout = n;
	return 0;

bad:
	return proto_dec_fail(d, REJECT_BAD, ctx, idx,
	    "expected [[str, uint], ...]");
}

/* Decode a poll's answer: a choice's index or a word (nil if opt). */
static int
proto_dec_answer(struct proto_dec *d, const msgpack_object *o,
    const struct proto_field *f, struct proto_answer *a, bool opt,
    const char *ctx, int idx)
{
	memset(a, 0, sizeof *a);
	if (opt && o->type == MSGPACK_OBJECT_NIL)
		return 0;
	if (proto_is_uint(o, UINT32_MAX)) {
		a->set = true;
		a->choice = (uint32_t)o->via.u64;
		return 0;
	}
	if (o->type != MSGPACK_OBJECT_STR)
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "expected a choice's index or a word");
	a->set = true;
	return proto_dec_text(d, o, f, &a->text, ctx, idx);
}

/* ext: decode one [name, hint, limit, kind] section row. */
static int
proto_dec_section(struct proto_dec *d, const msgpack_object *o,
    struct proto_section *sec, const char *ctx, int idx)
{
	static const struct proto_field	name = { PF_TEXT, false,
		4 * PROTO_CANVAS_NAME_MAX, 0, 0 };
	static const struct proto_field	hint = { PF_TEXT, false,
		4 * PROTO_HINT_MAX, 0, 0 };
	const msgpack_object		*r;
	int				 kind = -1;

	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 4)
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "expected [name, hint, limit, kind]");
	r = o->via.array.ptr;
	if (proto_dec_text(d, &r[0], &name, &sec->name, ctx, idx) == -1 ||
	    proto_dec_text(d, &r[1], &hint, &sec->hint, ctx, idx) == -1)
		return -1;
	if (!proto_is_uint(&r[2], UINT32_MAX))
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "a section's limit is an unsigned integer");
	sec->limit = (uint32_t)r[2].via.u64;
	if (r[3].type == MSGPACK_OBJECT_STR)
		kind = proto_name_find(proto_section_kind_names,
		    NITEMS(proto_section_kind_names), r[3].via.str.ptr,
		    r[3].via.str.size);
	if (kind < 0)
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "unknown section kind");
	sec->kind = (uint8_t)kind;
	return 0;
}

/* ext: decode a list of sections, labels or triples into field f. */
static int
proto_dec_deliver(struct proto_dec *d, const msgpack_object *o,
    const struct proto_field *f, void *base, const char *ctx, int idx)
{
	static const struct proto_field	label = { PF_TEXT, false,
		4 * PROTO_CRITERION_MAX, 0, 0 };
	uint8_t				*p = (uint8_t *)base + f->off;
	uint32_t			*np = (uint32_t *)((uint8_t *)base +
					    f->off2);
	struct proto_section		*sec = NULL;
	struct proto_triple		*tri = NULL;
	const msgpack_object		*e;
	uint32_t			 i, n;

	if (o->type != MSGPACK_OBJECT_ARRAY)
		return proto_dec_fail(d, REJECT_BAD, ctx, idx,
		    "expected an array");
	n = o->via.array.size;
	switch (f->type) {
	case PF_SECTIONS:
		if (n > PROTO_SECTIONS_MAX)
			return proto_dec_fail(d, REJECT_LIMIT, ctx, idx,
			    "too many sections");
		if (n != 0 && (sec = proto_dec_sections(d, n)) == NULL)
			return proto_dec_fail(d, REJECT_BAD, ctx, idx,
			    "expected [name, hint, limit, kind]");
		for (i = 0; i < n; i++)
			if (proto_dec_section(d, &o->via.array.ptr[i],
			    &sec[i], ctx, idx) == -1)
				return -1;
		*(struct proto_section **)p = sec;
		break;
	case PF_LABELS:
		if (n > PROTO_CRITERIA_MAX)
			return proto_dec_fail(d, REJECT_LIMIT, ctx, idx,
			    "too many criteria");
		for (i = 0; i < n; i++)
			if (proto_dec_text(d, &o->via.array.ptr[i], &label,
			    &((char **)p)[i], ctx, idx) == -1)
				return -1;
		break;
	case PF_TRIPLES:
		if (n != 0 && (tri = proto_dec_triples(d, n)) == NULL)
			goto bad;
		for (i = 0; i < n; i++) {
			e = &o->via.array.ptr[i];
			if (e->type != MSGPACK_OBJECT_ARRAY ||
			    e->via.array.size != 3 ||
			    !proto_is_uint(&e->via.array.ptr[0], UINT64_MAX) ||
			    !proto_is_uint(&e->via.array.ptr[1], UINT64_MAX) ||
			    !proto_is_uint(&e->via.array.ptr[2], UINT64_MAX))
				goto bad;
			tri[i].a = e->via.array.ptr[0].via.u64;
			tri[i].b = e->via.array.ptr[1].via.u64;
			tri[i].c = e->via.array.ptr[2].via.u64;
		}
		*(struct proto_triple **)p = tri;
		break;
	}
	*np = n;
	return 0;

bad:
	return proto_dec_fail(d, REJECT_BAD, ctx, idx,
	    "expected [[uint, uint, uint], ...]");
}

/* Decode o into field f of the struct at base. */
static int
proto_dec_field(struct proto_dec *d, const msgpack_object *o,
    const struct proto_field *f, void *base, const char *ctx, int idx)
{
	uint8_t			*p = (uint8_t *)base + f->off;
	struct proto_settings	*set;
	struct proto_step	*step;
	int			 v;

	switch (f->type) {
	case PF_U64:
	case PF_U32:
	case PF_ID32:
		if (!proto_is_uint(o, f->type == PF_U64 ? UINT64_MAX :
		    UINT32_MAX))
			return proto_dec_fail(d, REJECT_BAD, ctx, idx,
			    "expected an unsigned integer");
		if (f->type == PF_U32)
			*(uint32_t *)p = (uint32_t)o->via.u64;
		else
			*(uint64_t *)p = o->via.u64;
		return 0;
	case PF_I64:
	case PF_I32:
		if (f->type == PF_I64 ? !proto_is_int(o, INT64_MIN, INT64_MAX) :
		    !proto_is_int(o, INT32_MIN, INT32_MAX))
			return proto_dec_fail(d, REJECT_BAD, ctx, idx,
			    "expected an integer");
		if (f->type == PF_I32)
			*(int32_t *)p = (int32_t)o->via.i64;
		else
			*(int64_t *)p = o->via.i64;
		return 0;
	case PF_BOOL:
		if (o->type != MSGPACK_OBJECT_BOOLEAN)
			return proto_dec_fail(d, REJECT_BAD, ctx, idx,
			    "expected a boolean");
		*(bool *)p = o->via.boolean;
		return 0;
	case PF_PHASE:
	case PF_ROLE:
	case PF_ACTION:
	case PF_VIEW:
	case PF_MODE:
	case PF_GROUP:
	case PF_STEP_ACTION:
	case PF_TABLE_KIND:
		v = -1;
		if (o->type == MSGPACK_OBJECT_STR)
			v = proto_name_find(proto_enums[f->type].names,
			    proto_enums[f->type].n, o->via.str.ptr,
			    o->via.str.size);
		if (v < 0)
			return proto_dec_fail(d, REJECT_BAD, ctx, idx,
			    "unknown name");
		*p = (uint8_t)v;
		return 0;
	case PF_TEXT:
		return proto_dec_text(d, o, f, (char **)p, ctx, idx);
	case PF_BOARD:
		if (o->type != MSGPACK_OBJECT_STR ||
		    !proto_board_name_ok_len(o->via.str.ptr, o->via.str.size))
			return proto_dec_fail(d, REJECT_BAD, ctx, idx,
			    "bad board name");
		*(char **)p = proto_dec_str(d, o->via.str.ptr, o->via.str.size);
		return 0;
	case PF_CLIENT:
		/* ext: nil, a hidden id (to a roster client). */
		if (o->type == MSGPACK_OBJECT_NIL && d->nil_client) {
			memset(p, 0, PROTO_CLIENT_LEN);
			return 0;
		}
		if (o->type != MSGPACK_OBJECT_BIN ||
		    o->via.bin.size != PROTO_CLIENT_LEN)
			return proto_dec_fail(d, REJECT_BAD, ctx, idx,
			    "expected a 16-byte client id");
		memcpy(p, o->via.bin.ptr, PROTO_CLIENT_LEN);
		return 0;
	case PF_PAIRS:
		return proto_dec_pair_list(d, o, (struct proto_pair **)p,
		    (uint32_t *)((uint8_t *)base + f->off2), ctx, idx);
	case PF_SETTINGS:
		set = (struct proto_settings *)p;
		if (proto_dec_map(d, o, proto_settings_keys,
		    NITEMS(proto_settings_keys), set, &set->has, ctx) == -1)
			return -1;
		/* An OP must change something; an EVENT may be newer. */
		if (d->fail == PROTO_E_OP && set->has == 0)
			return proto_dec_fail(d, REJECT_BAD, ctx, idx,
			    "no known setting");
		return 0;
	case PF_BOARD_REC:
		return proto_dec_map(d, o, proto_board_keys,
		    NITEMS(proto_board_keys), p, NULL, ctx);
	case PF_STRS:
		return proto_dec_str_list(d, o, f, (char ***)p,
		    (uint32_t *)((uint8_t *)base + f->off2), ctx, idx);
	case PF_COUNTS:
		return proto_dec_count_list(d, o, f, (struct proto_count **)p,
		    (uint32_t *)((uint8_t *)base + f->off2), ctx, idx);
	case PF_ANSWER:
	case PF_ANSWER_OPT:
		return proto_dec_answer(d, o, f, (struct proto_answer *)p,
		    f->type == PF_ANSWER_OPT, ctx, idx);
	case PF_STEP:
		step = (struct proto_step *)p;
		return proto_dec_map(d, o, proto_step_keys,
		    NITEMS(proto_step_keys), step, &step->has, ctx);
	case PF_SECTIONS:
	case PF_LABELS:
	case PF_TRIPLES:
		return proto_dec_deliver(d, o, f, base, ctx, idx);
	}
	return proto_dec_fail(d, REJECT_BAD, ctx, idx, "bad field");
}

/*
 * Decode a map into the struct at base: unknown keys are skipped, a known
 * key twice or of the wrong type fails, required keys must be there.
 */
static int
proto_dec_map(struct proto_dec *d, const msgpack_object *o,
    const struct proto_key *keys, size_t n, void *base, uint32_t *has,
    const char *ctx)
{
	const msgpack_object_kv	*kv;
	uint32_t		 seen = 0, i, j;

	if (o->type != MSGPACK_OBJECT_MAP)
		return proto_dec_fail(d, REJECT_BAD, ctx, -1, "expected a map");
	for (i = 0; i < o->via.map.size; i++) {
		kv = &o->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR)
			return proto_dec_fail(d, REJECT_BAD, ctx, -1,
			    "map key is not a string");
		for (j = 0; j < n; j++) {
			if (proto_is_str(&kv->key, keys[j].name))
				break;
		}
		if (j == n)
			continue;
		if (seen & (1u << j))
			return proto_dec_fail(d, REJECT_BAD, keys[j].name, -1,
			    "key given twice");
		seen |= 1u << j;
		if (proto_dec_field(d, &kv->val, &keys[j].f, base,
		    keys[j].name, -1) == -1)
			return -1;
		if (keys[j].rule == KEY_BIT && has != NULL)
			*has |= keys[j].bit;
	}
	for (j = 0; j < n; j++) {
		if (keys[j].rule == KEY_REQ && (seen & (1u << j)) == 0)
			return proto_dec_fail(d, REJECT_BAD, keys[j].name, -1,
			    "missing");
	}
	return 0;
}

/* Decode objs[0..n) as the first n fields a list names, from their table. */
static int
proto_dec_list(struct proto_dec *d, const msgpack_object *objs,
    const struct proto_field *table, const uint8_t *list, size_t n,
    void *base, const char *ctx)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (proto_dec_field(d, &objs[i], &table[list[i]], base, ctx,
		    (int)i) == -1)
			return -1;
	}
	return 0;
}

/* HELLO [1, {map}]: the version is looked at before anything else. */
static int
proto_dec_hello(struct proto_dec *d, const msgpack_object_array *a,
    struct proto_hello *h)
{
	const msgpack_object	*m;
	size_t			 cps;
	uint32_t		 i;

	if (a->size < 2 || a->ptr[1].type != MSGPACK_OBJECT_MAP)
		return proto_dec_fail(d, 0, "HELLO", -1, "expected [1, {map}]");
	m = &a->ptr[1];
	for (i = 0; i < m->via.map.size; i++) {
		if (!proto_is_str(&m->via.map.ptr[i].key, "v"))
			continue;
		if (proto_is_uint(&m->via.map.ptr[i].val, UINT64_MAX) &&
		    m->via.map.ptr[i].val.via.u64 != PROTO_VERSION) {
			d->fail = PROTO_E_VERSION;
			return proto_dec_fail(d, 0, "HELLO", -1,
			    "unsupported version");
		}
		break;
	}
	if (a->size != 2)
		return proto_dec_fail(d, 0, "HELLO", -1, "expected [1, {map}]");
	if (proto_dec_map(d, m, proto_hello_keys, NITEMS(proto_hello_keys), h,
	    NULL, "HELLO") == -1)
		return -1;
	cps = text_cplen(h->name);
	if (cps < PROTO_NAME_MIN || cps > PROTO_NAME_MAX)
		return proto_dec_fail(d, 0, "HELLO", -1, "bad name length");
	return 0;
}

/*
 * Decode the arguments of an op body (OP when !event).  The caller has
 * made sure the kind is known.
 */
static int
proto_dec_args(struct proto_dec *d, const msgpack_object *args, size_t n,
    struct proto_op *op, bool event)
{
	const struct proto_kind	*k = proto_kind(op->kind);
	size_t			 na = proto_args(k->args);
	size_t			 nd = proto_args(k->derived);
	size_t			 min = proto_kind_min(k, event);

	if (event && nd != 0 ? n != na + nd : n < min || n > na)
		return proto_dec_fail(d, REJECT_BAD, k->name, -1,
		    "wrong number of arguments");
	if (n <= na)
		return proto_dec_list(d, args, proto_op_fields, k->args, n,
		    op, k->name);
	if (proto_dec_list(d, args, proto_op_fields, k->args, na, op,
	    k->name) == -1)
		return -1;
	return proto_dec_list(d, args + na, proto_op_fields, k->derived,
	    nd, op, k->name);
}

/*
 * OP [2, op_id, kind, args...], or (first 2) RELAY_OP [8, client, op_id,
 * kind, args...]: past the op_id, failures are REJECTs.
 */
static int
proto_dec_op_at(struct proto_dec *d, const msgpack_object_array *a,
    size_t first, uint32_t *op_id, struct proto_op *op)
{
	const char	*ctx = first == 1 ? "OP" : "RELAY_OP";
	uint64_t	 kind;

	if (a->size < first + 1 || !proto_is_uint(&a->ptr[first], UINT32_MAX))
		return proto_dec_fail(d, 0, ctx, -1, "no op_id");
	*op_id = (uint32_t)a->ptr[first].via.u64;
	d->fail = PROTO_E_OP;
	d->err->op_id = *op_id;
	if (a->size < first + 2 ||
	    !proto_is_uint(&a->ptr[first + 1], UINT8_MAX))
		return proto_dec_fail(d, REJECT_BAD, ctx, -1, "bad kind");
	kind = a->ptr[first + 1].via.u64;
	if (proto_kind((unsigned)kind) == NULL || OP_SERVER_MADE(kind))
		return proto_dec_fail(d, REJECT_BAD, ctx, -1,
		    "kind not allowed");
	op->kind = (uint8_t)kind;
	return proto_dec_args(d, a->ptr + first + 2, a->size - first - 2, op,
	    false);
}

/* OP [2, op_id, kind, args...]. */
static int
proto_dec_op(struct proto_dec *d, const msgpack_object_array *a,
    struct proto_msg *msg)
{
	return proto_dec_op_at(d, a, 1, &msg->u.op.op_id, &msg->u.op.op);
}

/* True if o is a client id (16-byte bin); copied to out. */
static bool
proto_dec_client(const msgpack_object *o, uint8_t *out)
{
	if (o->type != MSGPACK_OBJECT_BIN || o->via.bin.size != PROTO_CLIENT_LEN)
		return false;
	memcpy(out, o->via.bin.ptr, PROTO_CLIENT_LEN);
	return true;
}

/*
 * RELAY_OP [8, client, op_id, kind, args...] (ext): past the op_id,
 * failures are REJECTs for that client.
 */
static int
proto_dec_relay_op(struct proto_dec *d, const msgpack_object_array *a,
    struct proto_relay *r)
{
	if (a->size < 2 || !proto_dec_client(&a->ptr[1], r->client))
		return proto_dec_fail(d, 0, "RELAY_OP", -1, "no client id");
	memcpy(d->err->client, r->client, PROTO_CLIENT_LEN);
	d->err->relayed = true;
	return proto_dec_op_at(d, a, 2, &r->op_id, &r->op);
}

/* RELAY_WELCOME [25, client, {map}] (ext). */
static int
proto_dec_relay_welcome(struct proto_dec *d, const msgpack_object_array *a,
    struct proto_relay *r)
{
	if (a->size != 3 || !proto_dec_client(&a->ptr[1], r->client))
		return proto_dec_fail(d, 0, "RELAY_WELCOME", -1,
		    "expected [25, client, {map}]");
	return proto_dec_map(d, &a->ptr[2], proto_welcome_keys,
	    NITEMS(proto_welcome_keys), &r->welcome, NULL, "RELAY_WELCOME");
}

/* EVENT [18, seq, origin, op_id, kind, args..., derived...]. */
static int
proto_dec_event(struct proto_dec *d, const msgpack_object_array *a,
    struct proto_event *ev)
{
	const msgpack_object	*o = a->ptr;

	if (a->size < 5 || !proto_is_uint(&o[1], UINT64_MAX) ||
	    !proto_is_uint(&o[2], UINT32_MAX) ||
	    !proto_is_uint(&o[3], UINT32_MAX) ||
	    !proto_is_uint(&o[4], UINT64_MAX))
		return proto_dec_fail(d, 0, "EVENT", -1,
		    "expected [18, seq, origin, op_id, kind, ...]");
	ev->seq = o[1].via.u64;
	ev->origin = (uint32_t)o[2].via.u64;
	ev->op_id = (uint32_t)o[3].via.u64;
	/* A kind from a newer server: only the seq matters (0 if too wide). */
	if (o[4].via.u64 > UINT8_MAX)
		return 0;
	ev->op.kind = (uint8_t)o[4].via.u64;
	if (proto_kind(ev->op.kind) == NULL)
		return 0;
	if (proto_kind_hideable(ev->op.kind) && a->size == 5) {
		if (ev->origin != 0 || ev->op_id != 0)
			return proto_dec_fail(d, 0,
			    proto_kind_name(ev->op.kind), -1,
			    "hidden event with an origin");
		ev->op.hidden = true;
		return 0;
	}
	return proto_dec_args(d, o + 5, a->size - 5, &ev->op, true);
}

/* STATE [17, what, fields...]; an unknown what decodes to nothing. */
static int
proto_dec_state(struct proto_dec *d, const msgpack_object_array *a,
    struct proto_state *st)
{
	int	what;

	if (a->size < 2 || a->ptr[1].type != MSGPACK_OBJECT_STR)
		return proto_dec_fail(d, 0, "STATE", -1, "no record name");
	what = proto_name_find(proto_what_names, NITEMS(proto_what_names),
	    a->ptr[1].via.str.ptr, a->ptr[1].via.str.size);
	if (what < 0) {
		st->what = STATE_WHAT_COUNT;
		return 0;
	}
	st->what = (uint8_t)what;
	if (a->size < 2 + proto_state_min((unsigned)what) ||
	    a->size > 2 + proto_state_max((unsigned)what))
		return proto_dec_fail(d, 0, proto_what_names[what], -1,
		    "wrong number of fields");
	return proto_dec_list(d, a->ptr + 2, proto_state_fields,
	    proto_state_specs[what].fields, a->size - 2, st,
	    proto_what_names[what]);
}

/* A message of exactly n fields after the type. */
static int
proto_dec_fields(struct proto_dec *d, const msgpack_object_array *a,
    const struct proto_field *fields, size_t n, void *base, const char *ctx)
{
	size_t	i;

	if (a->size != 1 + n)
		return proto_dec_fail(d, 0, ctx, -1,
		    "wrong number of elements");
	for (i = 0; i < n; i++) {
		if (proto_dec_field(d, &a->ptr[1 + i], &fields[i], base, ctx,
		    (int)i) == -1)
			return -1;
	}
	return 0;
}

/* A message that is its type and one unsigned number. */
static int
proto_dec_uint(struct proto_dec *d, const msgpack_object_array *a,
    uint64_t *v, const char *ctx)
{
	static const struct proto_field	f = { PF_U64, false, 0, 0, 0 };

	return proto_dec_fields(d, a, &f, 1, v, ctx);
}

/* Convert the unpacked top-level array into msg. */
static int
proto_dec_msg(struct proto_dec *d, const msgpack_object_array *a,
    struct proto_msg *msg)
{
	/* Only what the server sends may hide a client id as nil. */
	d->nil_client = msg->type == PROTO_EVENT || msg->type == PROTO_STATE;
	switch (msg->type) {
	case PROTO_HELLO:
		return proto_dec_hello(d, a, &msg->u.hello);
	case PROTO_OP:
		return proto_dec_op(d, a, msg);
	case PROTO_PING:
		return proto_dec_uint(d, a, &msg->u.token, "PING");
	case PROTO_PONG:
		return proto_dec_uint(d, a, &msg->u.token, "PONG");
	case PROTO_BYE:
		return proto_dec_fields(d, a, NULL, 0, NULL, "BYE");
	case PROTO_WELCOME:
		if (a->size != 2)
			return proto_dec_fail(d, 0, "WELCOME", -1,
			    "expected [16, {map}]");
		return proto_dec_map(d, &a->ptr[1], proto_welcome_keys,
		    NITEMS(proto_welcome_keys), &msg->u.welcome, NULL,
		    "WELCOME");
	case PROTO_STATE:
		return proto_dec_state(d, a, &msg->u.state);
	case PROTO_EVENT:
		return proto_dec_event(d, a, &msg->u.event);
	case PROTO_READY:
		return proto_dec_uint(d, a, &msg->u.ready, "READY");
	case PROTO_REJECT:
		return proto_dec_fields(d, a, proto_reject_fields,
		    NITEMS(proto_reject_fields), &msg->u.reject, "REJECT");
	case PROTO_PRESENCE:
		/* ext: a roster client's has no name. */
		return proto_dec_fields(d, a, proto_presence_fields,
		    NITEMS(proto_presence_fields) - (a->size ==
		    NITEMS(proto_presence_fields)), &msg->u.presence,
		    "PRESENCE");
	case PROTO_ROSTER:
		return proto_dec_fields(d, a, proto_roster_fields,
		    NITEMS(proto_roster_fields), &msg->u.roster, "ROSTER");
	case PROTO_ERROR:
		return proto_dec_fields(d, a, proto_error_fields,
		    NITEMS(proto_error_fields), &msg->u.error, "ERROR");
	case PROTO_LIST:
		return proto_dec_fields(d, a, NULL, 0, NULL, "LIST");
	case PROTO_BOARD:
		return proto_dec_fields(d, a, proto_board_fields,
		    NITEMS(proto_board_fields), &msg->u.board, "BOARD");
	case PROTO_BOARDS_END:
		return proto_dec_uint(d, a, &msg->u.boards, "BOARDS_END");
	case PROTO_RELAY_HELLO:
		return proto_dec_hello(d, a, &msg->u.hello);
	case PROTO_RELAY_OP:
		return proto_dec_relay_op(d, a, &msg->u.relay);
	case PROTO_RELAY_BYE:
		return proto_dec_fields(d, a, proto_relay_bye_fields,
		    NITEMS(proto_relay_bye_fields), &msg->u.relay, "RELAY_BYE");
	case PROTO_RELAY_WELCOME:
		return proto_dec_relay_welcome(d, a, &msg->u.relay);
	case PROTO_RELAY_REJECT:
		return proto_dec_fields(d, a, proto_relay_reject_fields,
		    NITEMS(proto_relay_reject_fields), &msg->u.relay,
		    "RELAY_REJECT");
	case PROTO_RELAY_ERROR:
		return proto_dec_fields(d, a, proto_relay_error_fields,
		    NITEMS(proto_relay_error_fields), &msg->u.relay,
		    "RELAY_ERROR");
	case PROTO_UPLINK:
		return proto_dec_fields(d, a, proto_uplink_fields,
		    NITEMS(proto_uplink_fields), &msg->u.uplink, "UPLINK");
	}
	d->fail = PROTO_E_UNKNOWN;
	return proto_dec_fail(d, 0, "message", -1, "unknown type");
}

/* Decode one frame body (without its header) into msg. */
enum proto_status
proto_decode(const uint8_t *p, size_t len, struct proto_msg *msg,
    struct proto_err *errp)
{
	struct proto_err	 spare;
	struct proto_err	*err = errp != NULL ? errp : &spare;
	struct proto_dec	 d;
	msgpack_zone		 zone;
	msgpack_object		 obj;
	const msgpack_object	*root = &obj;
	size_t			 off = 0;
	int			 r;

	memset(msg, 0, sizeof *msg);
	memset(err, 0, sizeof *err);
	memset(&d, 0, sizeof d);
	d.err = err;
	d.fail = PROTO_E_FRAME;
	if (len == 0 || len > PROTO_FRAME_MAX) {
		err->status = PROTO_E_FRAME;
		snprintf(err->text, sizeof err->text, "frame of %zu bytes",
		    len);
		return PROTO_E_FRAME;
	}
	if (proto_scan(p, len, &d.need, err->text, sizeof err->text) != 0) {
		err->status = PROTO_E_FRAME;
		return PROTO_E_FRAME;
	}

	/*
	 * The prescan bounds every count msgpack-c will allocate for, and
	 * tells what its objects take: one object per container element
	 * (a map entry is two), strings left in the frame.  One zone chunk
	 * of that size is one allocation for the whole tree, not a chunk
	 * chain that the C library would hand back and fault in again.
	 */
	if (!msgpack_zone_init(&zone, d.need.elements *
	    sizeof (msgpack_object) + MSGPACK_ZONE_ALIGN))
		fatalx("proto: out of memory");
	r = msgpack_unpack((const char *)p, len, &off, &zone, &obj);
	if (r != MSGPACK_UNPACK_SUCCESS || off != len)
		r = proto_dec_fail(&d, 0, "frame", -1,
		    "not one msgpack object");
	else if (root->type != MSGPACK_OBJECT_ARRAY ||
	    root->via.array.size == 0)
		r = proto_dec_fail(&d, 0, "frame", -1, "not an array");
	else if (root->via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		r = proto_dec_fail(&d, 0, "frame", -1, "no message type");
	else if (root->via.array.ptr[0].via.u64 > UINT8_MAX) {
		d.fail = PROTO_E_UNKNOWN;
		r = proto_dec_fail(&d, 0, "message", -1, "unknown type");
	} else {
		msg->type = (uint8_t)root->via.array.ptr[0].via.u64;
		r = proto_dec_msg(&d, &root->via.array, msg);
	}
	msgpack_zone_destroy(&zone);

	if (r != 0) {
		free(d.arena);
		memset(msg, 0, sizeof *msg);
		return err->status;
	}
	msg->arena = d.arena;
	return PROTO_OK;
}

/* Release what a decoded message owns. */
void
proto_msg_free(struct proto_msg *msg)
{
	if (msg == NULL)
		return;
	free(msg->arena);
	memset(msg, 0, sizeof *msg);
}
