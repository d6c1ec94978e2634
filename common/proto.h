/*
 * proto.h -- the cafeboard wire protocol, version 1, in one place.
 *
 * The numbers here are the contract of PROTOCOL.md and man/cafeboard-protocol.5:
 * message types, op kinds, codes and limits.  proto.c turns frames into the
 * plain structs below and back.  Extensions (marked "ext") are compatible
 * additions documented in the man page.
 */
#ifndef CB_PROTO_H
#define CB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION		1
#define PROTO_DEFAULT_PORT	7117
#define PROTO_TLS_PORT		7118	/* the same frames inside TLS */

#define PROTO_FRAME_MAX		65536	/* bytes of msgpack after the length */
#define PROTO_FRAME_HDR		4	/* big-endian length prefix */
#define PROTO_DEPTH_MAX		8	/* nesting of arrays and maps */

/* Limits in Unicode code points (text) or bytes (ids). */
#define PROTO_NAME_MIN		1
#define PROTO_NAME_MAX		32
#define PROTO_CARD_MAX		500
#define PROTO_QUESTION_MAX	300
#define PROTO_BANNER_MAX	200
#define PROTO_CTITLE_MAX	80
#define PROTO_TITLE_MAX		120	/* ext: board title */
#define PROTO_LABEL_MAX		80	/* ext: timer label */
#define PROTO_CODE_MAX		64	/* ext: join code */
#define PROTO_KEY_MAX		128	/* ext: facilitator key */
#define PROTO_REASON_MAX	200	/* ext: REJECT and ERROR text */
#define PROTO_THEME_MAX		80	/* ext: a table's theme */
#define PROTO_BOARD_MAX		64	/* board name, [a-z0-9][a-z0-9_-]{0,63} */
#define PROTO_CLIENT_LEN	16
#define PROTO_DOTS_MAX		99	/* ext: dots per person per question */
#define PROTO_KEEP_MAX		99	/* ext: ideas kept per question */
#define PROTO_TIMER_MAX		(24 * 3600)	/* ext: seconds */
/* ext: deliverables (canvases, actions, criteria; cafeboard-protocol(5)). */
#define PROTO_CANVAS_NAME_MAX	80	/* a canvas's or a section's name */
#define PROTO_HINT_MAX		200	/* a section's hint */
#define PROTO_SECTIONS_MAX	12	/* sections in a canvas */
#define PROTO_SECTION_CARDS_MAX	99	/* a section's card limit */
#define PROTO_OWNER_MAX		40	/* an action's owner */
#define PROTO_DUE_LEN		10	/* "YYYY-MM-DD" */
#define PROTO_CRITERIA_MAX	8	/* criteria of an evaluation */
#define PROTO_CRITERION_MAX	40	/* a criterion's label */
#define PROTO_SCALE_MAX		3	/* a score on the 0-3 scale */
#define PROTO_EVAL_CARDS_MAX	500	/* cards scored in one evaluation */

/* ext: the day (run sheet, polls, groups, reactions). */
#define PROTO_WORD_MAX		40	/* a poll's choice or word, a label */
#define PROTO_CHOICES_MIN	2	/* choices of a choice poll */
#define PROTO_CHOICES_MAX	12
#define PROTO_LABELS_MAX	32	/* labels a board offers */
#define PROTO_STEPS_MAX		64	/* steps of a run sheet */
#define PROTO_STEP_TITLE_MAX	80	/* a step's title (the clock's label) */
#define PROTO_RESULTS_MAX	256	/* answers a closed poll lists */
#define PROTO_REACTIONS		3	/* reactions 1 "+1", 2 "?", 3 "!" */
#define PROTO_GROUP_SIZE_MAX	8	/* people per group of a regroup */
#define PROTO_TEAMS_MAX		64	/* teams of a regroup */
/*
 * A table that a regroup makes has the id PROTO_GROUP_BASE + seq *
 * PROTO_GROUP_SPAN + k, k from 1: no seq reaches it (a board has fewer
 * than 2^40 events) and it stays exact in a double (below 2^53).
 */
#define PROTO_GROUP_BASE	(1ULL << 52)
#define PROTO_GROUP_SPAN	4096ULL
#define PROTO_GROUP_SEQ_MAX	((1ULL << 40) - 1)
#define PROTO_GROUP_ID(seq, k)	(PROTO_GROUP_BASE + (uint64_t)(seq) * \
				    PROTO_GROUP_SPAN + (uint64_t)(k))

/* Timing of the keepalive (seconds). */
#define PROTO_PING_AFTER	30
#define PROTO_SILENT_CLOSE	90

/* Message types: the first element of every frame's array. */
enum proto_type {
	PROTO_HELLO = 1,
	PROTO_OP = 2,
	PROTO_PING = 3,
	PROTO_PONG = 4,
	PROTO_BYE = 5,
	PROTO_LIST = 6,		/* ext: which boards are there? */
	PROTO_RELAY_HELLO = 7,	/* ext: a relay's client says HELLO */
	PROTO_RELAY_OP = 8,	/* ext: an OP of a relay's client */
	PROTO_RELAY_BYE = 9,	/* ext: a relay's client has left */
	PROTO_WELCOME = 16,
	PROTO_STATE = 17,
	PROTO_EVENT = 18,
	PROTO_READY = 19,
	PROTO_REJECT = 20,
	PROTO_PRESENCE = 21,
	PROTO_ERROR = 22,
	PROTO_BOARD = 23,	/* ext: one board, answering LIST */
	PROTO_BOARDS_END = 24,	/* ext: the end of the list, with its count */
	PROTO_RELAY_WELCOME = 25, /* ext: a relay's client is in */
	PROTO_RELAY_REJECT = 26, /* ext: an OP of a relay's client refused */
	PROTO_RELAY_ERROR = 27,	/* ext: a relay's client is refused or out */
	PROTO_UPLINK = 28,	/* ext: a relay's link to its upstream */
	PROTO_ROSTER = 29,	/* ext: who is here, at once ("roster") */
};

/* Op kinds: client ops (1..63) and server-made events (64..). */
enum op_kind {
	OP_CARD_ADD = 1,
	OP_CARD_EDIT = 2,
	OP_CARD_DELETE = 3,
	OP_CARD_MOVE = 4,
	OP_CARD_GROUP = 5,
	OP_CLUSTER_TITLE = 6,
	OP_VOTE = 7,
	OP_TABLE_SIT = 8,
	OP_READY = 9,
	OP_REACT = 10,		/* the day: +1, ? or ! on a card */
	OP_POLL_ANSWER = 11,
	OP_CARD_MERGE = 12,	/* ext: two cards that say the same become one */
	OP_CARD_PLACE = 13,	/* ext: a card into a section of its canvas */
	OP_ACTION = 14,		/* ext: a card's owner and due date */
	OP_SCORE = 15,		/* ext: one person's score of a card */
	OP_TABLE_ADD = 32,
	OP_TABLE_EDIT = 33,
	OP_PHASE = 34,
	OP_TIMER = 35,
	OP_BANNER = 36,
	OP_ROTATE = 37,
	OP_KEEP = 38,
	OP_SETTINGS = 39,
	OP_ROLE = 40,
	OP_FOLLOW = 41,
	OP_STEP = 42,		/* the day: the run sheet, polls, groups */
	OP_POLL_OPEN = 43,
	OP_POLL_CLOSE = 44,
	OP_REGROUP = 45,
	OP_AGENDA = 46,		/* ext: set one step of the run sheet */
	OP_AGENDA_CUT = 47,	/* ext: remove the steps from one on */
	OP_LABELS = 48,		/* ext: the labels participants pick from */
	OP_LABEL = 49,		/* ext: a participant's label */
	OP_CANVAS_ADD = 50,	/* ext: a canvas (named sections) */
	OP_CANVAS_USE = 51,	/* ext: a table's canvas */
	OP_EVAL_OPEN = 52,	/* ext: scoring by criteria starts */
	OP_EVAL_CLOSE = 53,	/* ext: scoring ends, the totals published */
	OP_PITCH = 54,		/* ext: one team presents */
	OP_CRITERIA = 55,	/* ext: the evaluation's criteria */
	OP_JOINED = 64,
	OP_TIMER_END = 65,
	OP_TALLY = 66,
	OP_REVEAL = 67,		/* ext: a private card's text, once writing ends */
};

/* True for kinds only the server may make. */
#define OP_SERVER_MADE(k)	((k) >= 64)

/* REJECT codes. */
enum reject_code {
	REJECT_BAD = 1,
	REJECT_FORBIDDEN = 2,
	REJECT_NOT_FOUND = 3,
	REJECT_PHASE = 4,
	REJECT_LIMIT = 5,
	REJECT_RATE = 6,
	REJECT_FROZEN = 7,
};

/* ERROR codes: fatal, the server closes after sending one. */
enum error_code {
	ERROR_VERSION = 100,
	ERROR_AUTH = 101,
	ERROR_NAME = 102,
	ERROR_BOARD = 103,
	ERROR_PROTOCOL = 104,
	ERROR_FULL = 105,
	ERROR_SHUTDOWN = 106,
	ERROR_SLOW = 107,
	ERROR_IDLE = 108,
};

/* True when a client must not reconnect by itself after this ERROR code. */
#define ERROR_FINAL(c)	((c) >= ERROR_VERSION && (c) <= ERROR_BOARD)

enum phase {
	PHASE_WELCOME,
	PHASE_IDEAS,
	PHASE_GROUP,
	PHASE_VOTE,
	PHASE_HARVEST,
	PHASE_CLOSED,
	PHASE_COUNT
};

enum role {
	ROLE_PARTICIPANT,
	ROLE_HOST,
	ROLE_FACILITATOR,
	ROLE_COUNT
};

enum timer_action {
	TIMER_START,
	TIMER_PAUSE,
	TIMER_RESUME,
	TIMER_ADD,
	TIMER_STOP,
	TIMER_ACTION_COUNT
};

enum follow_view {
	FOLLOW_NONE,		/* "none": stop following */
	FOLLOW_TABLE,		/* "table": everyone to one table */
	FOLLOW_RESULTS,		/* "results": everyone to the results view */
	FOLLOW_VIEW_COUNT
};

/* ext: what a canvas section holds. */
enum section_kind {
	SECTION_IDEAS,		/* "ideas": cards the table writes */
	SECTION_ACTIONS,	/* "actions": a roadmap, cards with owners */
	SECTION_FEEDBACK,	/* "feedback": written by others at a pitch */
	SECTION_KIND_COUNT
};

enum welcome_mode {
	MODE_REPLAY,
	MODE_STATE,
};

/*
 * The board's settings, declared once: the structs below, the codec's key
 * tables, the settings op's check and effect, the STATE board record, the
 * board file's keys and the JSON export all expand this list, so that a new
 * setting is one row here (and its documentation).  Each row is
 *   X(member, key, bit, type, min, max, def, json, why)
 *   member  the C member in proto_settings, proto_board_rec, model_settings
 *   key     its name in the settings map (op 39), the STATE board record,
 *           the board file and the JSON export
 *   bit     its bit in proto_settings.has
 *   type    BOOL (bool), NUM (uint32_t, min..max) or TEXT (char *, min..max
 *           code points)
 *   def     a new board's value (the title is then the board's name)
 *   json    1 when the JSON export lists it under board.settings
 *   why     the REJECT 5 reason of a settings op out of min..max
 * Keys travel in this order.
 */
#define PROTO_SETTINGS(X)						\
	X(title, "title", SET_TITLE, TEXT, 1, PROTO_TITLE_MAX, "", 0,	\
	    "a board title has 1 to 120 characters")			\
	X(dots, "dots", SET_DOTS, NUM, 1, PROTO_DOTS_MAX, 3, 1,		\
	    "dots are 1 to 99")						\
	X(multi_vote, "multi_vote", SET_MULTI_VOTE, BOOL, 0, 1, false, 1, "") \
	X(blind, "blind", SET_BLIND, BOOL, 0, 1, true, 1, "")		\
	X(private_writing, "private", SET_PRIVATE, BOOL, 0, 1, false, 1, "") \
	X(anonymous, "anonymous", SET_ANONYMOUS, BOOL, 0, 1, false, 1, "") \
	X(freeze_at_zero, "freeze_at_zero", SET_FREEZE, BOOL, 0, 1, false, 1, \
	    "")								\
	X(code, "code", SET_CODE, TEXT, 0, PROTO_CODE_MAX, "", 0,	\
	    "a join code has at most 64 characters")			\
	X(locked, "locked", SET_LOCKED, BOOL, 0, 1, false, 1, "")	\
	X(keep, "keep", SET_KEEP, NUM, 1, PROTO_KEEP_MAX, 3, 1,		\
	    "ideas kept are 1 to 99")					\
	X(live_polls, "live_polls", SET_LIVE_POLLS, BOOL, 0, 1, false, 1, \
	    "")								\
	X(hosts_stay, "hosts_stay", SET_HOSTS_STAY, BOOL, 0, 1, false, 1, \
	    "")	\
	X(eval_dots, "eval_dots", SET_EVAL_DOTS, NUM, 0, PROTO_DOTS_MAX, 0, \
	    1, "evaluation dots are 0 to 99")				\
	X(place, "place", SET_PLACE, TEXT, 0, PROTO_TITLE_MAX, "", 1,	\
	    "a place has at most 120 characters")

/* The C type of each kind of setting. */
#define PROTO_SETTING_CTYPE_BOOL	bool
#define PROTO_SETTING_CTYPE_NUM		uint32_t
#define PROTO_SETTING_CTYPE_TEXT	char *
/* A struct member for each setting (expand PROTO_SETTINGS with it). */
#define PROTO_SETTING_MEMBER(member, key, bit, type, ...)		\
	PROTO_SETTING_CTYPE_##type member;

/* Each setting's position in the list. */
enum proto_setting_index {
#define PROTO_SETTING_INDEX(member, ...)	PROTO_SI_##member,
	PROTO_SETTINGS(PROTO_SETTING_INDEX)
#undef PROTO_SETTING_INDEX
	PROTO_SETTING_COUNT
};

/*
 * Bits of proto_settings.has: which keys a settings map carried (SET_TITLE,
 * SET_DOTS, SET_MULTI_VOTE, SET_BLIND, SET_PRIVATE, SET_ANONYMOUS,
 * SET_FREEZE, SET_CODE, SET_LOCKED (ext: participants may not write),
 * SET_KEEP (ext: ideas to keep per question), SET_LIVE_POLLS (ext: poll
 * answers are shown, never who gave them, before the poll closes),
 * SET_HOSTS_STAY (ext: hosts keep their table when groups are formed),
 * SET_EVAL_DOTS (ext: 0 for scores 0-3, or dots per criterion per question
 * in an evaluation), SET_PLACE (ext: where the workshop is held, for the
 * report)).
 */
enum settings_key {
#define PROTO_SETTING_BIT(member, key, bit, ...) bit = 1u << PROTO_SI_##member,
	PROTO_SETTINGS(PROTO_SETTING_BIT)
#undef PROTO_SETTING_BIT
};

/* The settings map of op 39; only keys whose bit is in has are meaningful. */
struct proto_settings {
	uint32_t	 has;
	PROTO_SETTINGS(PROTO_SETTING_MEMBER)
};

/* Two numbers: [participant, table] in a rotation, [card, votes] in a tally. */
struct proto_pair {
	uint64_t	 a;
	uint64_t	 b;
};

/* ---------------------------------------------------------------- the day */

/* What a step does besides phase, banner, clock and follow (ext). */
enum step_action {
	ACTION_NONE,		/* "none" */
	ACTION_ROTATE,		/* "rotate" */
	ACTION_PAIRS,		/* "pairs" ... "merge": a regroup's modes */
	ACTION_TEAMS,
	ACTION_LABELS,
	ACTION_MERGE,
	ACTION_POLL,		/* "poll" */
	ACTION_COUNT
};

/* The modes of regroup, in the order of their actions. */
enum group_mode {
	GROUP_PAIRS,		/* "pairs": small groups, who met least */
	GROUP_TEAMS,		/* "teams": formed once, kept */
	GROUP_LABELS,		/* "labels": one table per label */
	GROUP_MERGE,		/* "merge": group tables join, cards too */
	GROUP_MODE_COUNT
};

/* A step action's regroup mode, or -1. */
#define GROUP_OF_ACTION(a)	((a) >= ACTION_PAIRS && (a) <= ACTION_MERGE ? \
				    (int)(a) - ACTION_PAIRS : -1)

/* What a table is for (ext). */
enum table_kind {
	TABLE_QUESTION,		/* "question": made by table.add */
	TABLE_PAIR,		/* "pair", "team", "label": by a regroup */
	TABLE_TEAM,
	TABLE_LABEL,
	TABLE_KIND_COUNT
};

/* Bits of proto_step.has: which keys a step map carried. */
enum step_key {
	STEP_TITLE = 1u << 0,
	STEP_PHASE = 1u << 1,
	STEP_DURATION = 1u << 2,
	STEP_BANNER = 1u << 3,
	STEP_FOLLOW = 1u << 4,
	STEP_ACTION = 1u << 5,
	STEP_SIZE = 1u << 6,
	STEP_QUESTION = 1u << 7,
	STEP_CHOICES = 1u << 8,
};

/*
 * One step of a run sheet, as a map on the wire (keys "title", "phase",
 * "duration", "banner", "follow", "action", "size", "question", "choices");
 * only the keys whose bit is in has are meaningful: a step without "phase"
 * leaves the phase as it is, and so on.
 */
struct proto_step {
	uint32_t	 has;
	char		*title;
	uint8_t		 phase;
	uint32_t	 duration;	/* seconds; the clock, labelled title */
	char		*banner;
	uint8_t		 follow;	/* "none" or "results" */
	uint8_t		 action;	/* enum step_action */
	uint32_t	 size;		/* pairs: per group; teams: how many;
					   merge: tables into one, 0 all */
	char		*question;	/* the groups' question, the poll's */
	char		**choices;	/* a choice poll's; none: a word poll */
	uint32_t	 nchoices;
};

/* A poll's answer: a choice's index or a word; unset travels as nil. */
struct proto_answer {
	bool		 set;
	char		*text;		/* the word; NULL for a choice */
	uint32_t	 choice;
};

/* [answer, count] in a closed poll's results. */
struct proto_count {
	char		*text;
	uint64_t	 n;
};

/* ext: three numbers: [card, criterion, total] of an evaluation. */
struct proto_triple {
	uint64_t	 a;
	uint64_t	 b;
	uint64_t	 c;
};

/* ext: one section of a canvas: [name, hint, limit, kind]. */
struct proto_section {
	char		*name;
	char		*hint;		/* "" for none */
	uint32_t	 limit;		/* live cards at most, 0 for none */
	uint8_t		 kind;		/* enum section_kind */
};

/*
 * One op or event body: the kind, its arguments and what the server derives.
 * Which fields a kind uses (wire order in brackets):
 *   card.add       table, text, parent
 *   card.edit      card, text
 *   card.delete    card
 *   card.move      card, table
 *   card.group     card, head
 *   cluster.title  head, text
 *   vote           card, delta          (hidden: no args, see below)
 *   table.sit      table [, participant] (ext: a facilitator seats someone)
 *   ready          flag
 *   card.merge     card, into -> votes (into's dots after the merge)
 *   table.add      text (the question)
 *   table.edit     table, text
 *   phase          phase
 *   timer          action, seconds, text (label) -> remaining_ms, running
 *   banner         text
 *   rotate         -> pairs [participant, table]
 *   keep           card, flag
 *   settings       settings
 *   role           participant, role
 *   follow         view, table
 *   joined         -> participant, text (name), client
 *   timer.end      -> text (label)
 *   tally          -> pairs [card, votes]
 *   reveal         -> card, text
 * The day (ext beyond the reserved kinds' first arguments):
 *   react          card, reaction, flag
 *   poll.answer    poll, answer -> prev (the author's answer before)
 *   step           index -> step (as it ran), pairs (seating), merges
 *   poll.open      text (the question), strs (choices)
 *   poll.close     poll -> counts
 *   regroup        mode, size, text (question) -> pairs, merges
 *   agenda         index, step
 *   agenda.cut     index
 *   labels         strs
 *   label          label, participant
 *   card.place     card, section                       (ext, deliverables)
 *   action         card, owner, due
 *   score          card, criterion, value -> previous  (hidden: no args)
 *   canvas.add     text (its name), sections
 *   canvas.use     table, canvas
 *   eval.open      (none)
 *   eval.close     -> triples [card, criterion, total]
 *   pitch          table, seconds, text (label) -> remaining_ms, running
 *   criteria       labels
 * card.add takes an optional fourth argument, section (ext).
 * A vote hidden from its recipient ([18, seq, 0, 0, 7]) has hidden set and
 * card 0, and so has a poll answer ([18, seq, 0, 0, 11]) and a score
 * ([18, seq, 0, 0, 15]).  A private card's text sent to others is the
 * empty string.
 */
struct proto_op {
	uint8_t		 kind;
	bool		 hidden;
	uint64_t	 card;
	uint64_t	 table;
	uint64_t	 parent;
	uint64_t	 head;
	uint64_t	 into;		/* ext: card.merge */
	int32_t		 delta;
	bool		 flag;
	uint32_t	 participant;
	uint8_t		 phase;
	uint8_t		 role;
	uint8_t		 action;
	uint8_t		 view;
	int32_t		 seconds;
	char		*text;
	char		*theme;		/* ext: table.add, table.edit; NULL or "" */
	struct proto_settings settings;
	/* derived by the server */
	uint64_t	 remaining_ms;
	bool		 running;
	uint8_t		 client[PROTO_CLIENT_LEN];
	struct proto_pair *pairs;
	uint32_t	 npairs;
	/* the day */
	uint32_t	 reaction;
	uint64_t	 poll;
	struct proto_answer answer;
	struct proto_answer prev;	/* derived */
	uint32_t	 index;
	struct proto_step step;		/* agenda; step: derived */
	uint8_t		 mode;		/* enum group_mode */
	uint32_t	 size;
	uint32_t	 label;		/* 1-based, 0 none */
	char		**strs;		/* choices, labels */
	uint32_t	 nstrs;
	struct proto_pair *merges;	/* derived: [from, into] */
	uint32_t	 nmerges;
	struct proto_count *counts;	/* derived: a poll's results */
	uint32_t	 ncounts;
	uint32_t	 votes;		/* ext: card.merge */
	/* ext: deliverables */
	uint32_t	 section;	/* card.add (optional), card.place */
	uint64_t	 canvas;	/* canvas.use */
	char		*owner;		/* action: "" for none */
	char		*due;		/* action: "YYYY-MM-DD" or "" */
	uint32_t	 criterion;	/* score */
	uint32_t	 value;		/* score */
	uint32_t	 previous;	/* score, derived */
	struct proto_section *sections;	/* canvas.add */
	uint32_t	 nsections;
	char		*labels[PROTO_CRITERIA_MAX];	/* criteria */
	uint32_t	 nlabels;
	struct proto_triple *triples;	/* eval.close, derived */
	uint32_t	 ntriples;
};

/*
 * Who owns what an op points to (text, theme, the settings' texts, pairs):
 * either the op owns all of it, or nothing.
 *   owned     made by proto_op_dup, or handed out by model_followups;
 *             proto_op_free releases every string and array of it.
 *   borrowed  every other op: a decoded one points into its message's
 *             arena (proto_msg_free releases that), a built one into what
 *             built it (a board file, a literal, the model, a redacted
 *             event's static "").  Nothing is freed through a borrowed op,
 *             and it must not outlive what it points into.
 * Every other struct here borrows the same way.
 */
void		 proto_op_dup(struct proto_op *, const struct proto_op *);
void		 proto_op_free(struct proto_op *);
/* Free the texts of a settings map that owns them (a board file's). */
void		 proto_settings_free(struct proto_settings *);
/* Deep copy of a step into dst, which owns it; free with proto_step_free. */
void		 proto_step_dup(struct proto_step *, const struct proto_step *);
void		 proto_step_free(struct proto_step *);

/* An accepted change as it travels in [18, seq, origin, op_id, kind, ...]. */
struct proto_event {
	uint64_t	 seq;
	uint32_t	 origin;
	uint32_t	 op_id;
	struct proto_op	 op;
};

struct proto_hello {
	uint32_t	 v;
	char		*board;
	uint8_t		 client[PROTO_CLIENT_LEN];
	char		*name;
	char		*code;		/* NULL when absent */
	char		*key;		/* NULL when absent */
	uint64_t	 since;
	bool		 want_state;	/* ext: "state": true asks for STATE */
	bool		 observe;	/* ext: "observe": true, read only, with
					   the key; no participant is made */
	bool		 relay;		/* ext: "relay": true, a relay mirrors
					   the board for its clients (key) */
	bool		 create;	/* ext: "create": true, a relay asks
					   for a missing board to be made */
	bool		 roster;	/* ext: "roster": true, the compact
					   roster (see struct proto_roster) */
};

struct proto_welcome {
	uint32_t	 v;
	char		*board;
	uint32_t	 participant;
	uint8_t		 role;
	uint64_t	 head;
	uint8_t		 mode;
	uint32_t	 last_op;	/* ext: highest op_id applied for this client */
	bool		 roster;	/* ext: "roster": true, granted */
};

/* STATE record names ("what"). */
enum state_what {
	STATE_BOARD,		/* [17, "board", {map}] */
	STATE_TABLE,		/* [17, "table", id, question, created_ms
				    (, theme)] -- theme in title */
	STATE_PARTICIPANT,	/* [17, "participant", id, name, role, table, ready, client] */
	STATE_CARD,		/* [17, "card", id, table, author, parent, head, text,
				    title, votes, shown, kept, hidden, edited, deleted,
				    created_ms (, merged, [[coauthor, card],
				    ...])] -- ext, both or neither */
	STATE_TIMER,		/* [17, "timer", running, remaining_ms, label,
				    ended (, at)] -- at: the wall-clock ms
				    remaining_ms was true at, in created_ms;
				    snapshots only (0: absent) */
	STATE_VOTES,		/* [17, "votes", participant, [[card, n], ...]] */
	STATE_CLIENT,		/* [17, "client", client, participant, last_op]
				    (snapshots only; participant in id) */
	STATE_MEET,		/* [17, "meet", a, b, count] (snapshots only;
				    a in id, b in author) */
	/* The day (ext). */
	STATE_STEP,		/* [17, "step", index, step, started_ms,
				    ended_ms, current] */
	STATE_LABELS,		/* [17, "labels", [label, ...]] in strs */
	STATE_MEMBER,		/* [17, "member", participant, label, team] */
	STATE_GROUP,		/* [17, "group", table, kind, number,
				    dissolved] */
	STATE_POLL,		/* [17, "poll", id, question, choices,
				    closed, opened_ms, closed_ms, counts] */
	STATE_ANSWER,		/* [17, "answer", poll, participant, answer,
				    seq] (participant in author) */
	STATE_REACTIONS,	/* [17, "reactions", card, n1, n2, n3] */
	STATE_REACTED,		/* [17, "reacted", participant,
				    [[card, bits], ...]] */
	STATE_SAT,		/* ext: [17, "sat", participant, [[round,
				    table], ...]] (snapshots only) */
	/* ext: deliverables */
	STATE_CANVAS,		/* [17, "canvas", id, name, sections] */
	STATE_TABLE_CANVAS,	/* [17, "table_canvas", table (id), canvas] */
	STATE_DELIVERABLE,	/* [17, "deliverable", card (id), section,
				    owner, due] */
	STATE_EVAL,		/* [17, "eval", open, criteria (labels)] */
	STATE_SCORES,		/* [17, "scores", [[card, criterion, total],
				    ...]] */
	STATE_MY_SCORES,	/* [17, "my_scores", participant (id),
				    [[card, criterion, value], ...]] */
	STATE_PITCH,		/* [17, "pitch", table] */
	STATE_WHAT_COUNT
};

/* The board record's map; every key is always present. */
struct proto_board_rec {
	char		*name;
	PROTO_SETTINGS(PROTO_SETTING_MEMBER)
	uint8_t		 phase;
	uint32_t	 round;
	char		*banner;
	bool		 revealed;	/* the vote's tally is public */
	uint8_t		 follow_view;
	uint64_t	 follow_table;
	uint64_t	 follow_seq;
	int64_t		 created_ms;
	uint64_t	 head;
};

struct proto_state {
	uint8_t		 what;
	struct proto_board_rec board;
	uint64_t	 id;		/* table, card; participant in "votes" */
	uint64_t	 table;
	uint32_t	 author;
	uint64_t	 parent;
	uint64_t	 head;
	char		*text;		/* question, card text, name, timer label */
	char		*title;		/* cluster title */
	uint32_t	 votes;
	uint32_t	 shown;
	bool		 kept;
	bool		 hidden;
	bool		 edited;
	bool		 deleted;
	bool		 ready;
	bool		 running;
	bool		 ended;
	uint8_t		 role;
	int64_t		 created_ms;
	uint64_t	 remaining_ms;
	uint8_t		 client[PROTO_CLIENT_LEN];
	uint32_t	 last_op;
	uint32_t	 count;		/* meet */
	uint64_t	 merged;	/* card: merged into this card */
	struct proto_pair *pairs;	/* votes; sat; card's coauthors;
					   reacted */
	uint32_t	 npairs;
	/* the day */
	uint32_t	 index;		/* step */
	struct proto_step step;
	int64_t		 ended_ms;	/* step; a poll's closed_ms */
	bool		 current;	/* step */
	bool		 closed;	/* poll */
	bool		 dissolved;	/* group */
	uint8_t		 kind;		/* group: enum table_kind */
	uint32_t	 number;	/* group */
	uint32_t	 label;		/* member */
	uint64_t	 team;		/* member */
	uint64_t	 seq;		/* answer */
	struct proto_answer answer;
	char		**strs;		/* labels, a poll's choices */
	uint32_t	 nstrs;
	struct proto_count *counts;	/* poll */
	uint32_t	 ncounts;
	uint32_t	 reacts[PROTO_REACTIONS]; /* reactions */
	/* ext: deliverables */
	uint64_t	 canvas;
	uint32_t	 section;
	char		*owner;
	char		*due;
	bool		 open;		/* eval */
	struct proto_section *sections;
	uint32_t	 nsections;
	char		*labels[PROTO_CRITERIA_MAX];
	uint32_t	 nlabels;
	struct proto_triple *triples;
	uint32_t	 ntriples;
};

struct proto_reject {
	uint32_t	 op_id;
	uint32_t	 code;
	char		*text;
};

/* [21, participant, online, table, name]; ext: name may be left out. */
struct proto_presence {
	uint32_t	 participant;
	bool		 online;
	uint64_t	 table;
	char		*name;		/* NULL: left out (roster) */
};

/*
 * ext, the compact roster, for a client whose HELLO says "roster": true
 * (its WELCOME says so back): who is online, in one frame after READY,
 * [29, [[participant, table], ...]], instead of one PRESENCE each; its
 * PRESENCEs leave the name out (the board has it); a newcomer's joined
 * event, received live, says they are online (no PRESENCE follows); and
 * a client id it may not see travels as nil instead of 16 zero bytes.
 */
struct proto_roster {
	struct proto_pair *pairs;	/* participant, table */
	uint32_t	 npairs;
};

struct proto_error {
	uint32_t	 code;
	char		*text;
};

/*
 * ext: the messages between a relay and its upstream server about one of
 * the relay's clients, named by its client id:
 *   RELAY_OP      [8, client, op_id, kind, args...]
 *   RELAY_BYE     [9, client]
 *   RELAY_WELCOME [25, client, {welcome map}]
 *   RELAY_REJECT  [26, client, op_id, code, text]
 *   RELAY_ERROR   [27, client, code, text]
 * (RELAY_HELLO is [7, {hello map}], decoded as a HELLO.)
 */
struct proto_relay {
	uint8_t		 client[PROTO_CLIENT_LEN];
	uint32_t	 op_id;
	uint32_t	 code;
	char		*text;
	struct proto_op	 op;
	struct proto_welcome welcome;
};

/* ext: [28, up, waiting, mine], a relay's link to the central board. */
struct proto_uplink {
	bool		 up;		/* the board's server is in reach */
	uint32_t	 waiting;	/* changes held in the room for it */
	uint32_t	 mine;		/* ... of them the recipient's own */
};

/* ext: [23, name, title, online, code_needed] answering LIST. */
struct proto_board_info {
	char		*name;
	char		*title;
	uint32_t	 online;	/* participants connected now */
	bool		 code_needed;
};

/*
 * A decoded message.  Every string is NUL-terminated, valid UTF-8 and lives,
 * like the pairs arrays, in one block owned by the message (proto_msg_free).
 * Decoding never allocates more than a small multiple of the frame's length.
 */
struct proto_msg {
	uint8_t		 type;
	union {
		struct proto_hello	 hello;		/* HELLO, RELAY_HELLO */
		struct {
			uint32_t	 op_id;
			struct proto_op	 op;
		}			 op;
		uint64_t		 token;		/* PING, PONG */
		struct proto_welcome	 welcome;
		struct proto_state	 state;
		struct proto_event	 event;
		uint64_t		 ready;		/* READY head */
		struct proto_reject	 reject;
		struct proto_presence	 presence;
		struct proto_error	 error;
		struct proto_board_info	 board;
		uint64_t		 boards;	/* BOARDS_END count */
		struct proto_relay	 relay;		/* RELAY_OP ... ERROR */
		struct proto_uplink	 uplink;
		struct proto_roster	 roster;
	} u;
	void		*arena;		/* owns strings and arrays */
};

/* Why a frame failed to decode, and what the server answers. */
enum proto_status {
	PROTO_OK = 0,
	PROTO_E_FRAME,		/* malformed msgpack, depth, counts, leftover
				   bytes, wrong message shape: ERROR 104 */
	PROTO_E_VERSION,	/* HELLO with v != 1: ERROR 100 */
	PROTO_E_OP,		/* OP with a readable op_id but bad kind or
				   args: REJECT 1 (or 5 for a string over its
				   byte cap), the connection stays */
	PROTO_E_UNKNOWN,	/* unknown message type: ignored */
};

/* The details of a failed decode. */
struct proto_err {
	enum proto_status status;
	uint32_t	 op_id;		/* for PROTO_E_OP */
	uint8_t		 reject;	/* for PROTO_E_OP: REJECT_BAD or REJECT_LIMIT */
	char		 text[128];	/* human-readable reason */
	bool		 relayed;	/* for PROTO_E_OP: a RELAY_OP, of ... */
	uint8_t		 client[PROTO_CLIENT_LEN];	/* ... this client */
};

/* Growable output buffer that encoders append to. */
struct proto_buf {
	uint8_t		*data;
	size_t		 len;
	size_t		 cap;
	bool		 lean;		/* ext: a hidden (all-zero) client id
					   goes as nil (a roster client's) */
};

/* Name tables: "welcome" <-> PHASE_WELCOME and so on; -1 when unknown. */
const char	*proto_phase_name(unsigned);
int		 proto_phase_parse(const char *);
const char	*proto_role_name(unsigned);
int		 proto_role_parse(const char *);
const char	*proto_action_name(unsigned);
int		 proto_action_parse(const char *);
const char	*proto_view_name(unsigned);
int		 proto_view_parse(const char *);
const char	*proto_what_name(unsigned);
int		 proto_what_parse(const char *);
const char	*proto_kind_name(unsigned);	/* "card.add"; NULL if unknown */
/* ext: the day's names ("pairs", "poll", "team"); -1 when unknown. */
const char	*proto_group_name(unsigned);
int		 proto_group_parse(const char *);
const char	*proto_step_action_name(unsigned);
int		 proto_step_action_parse(const char *);
const char	*proto_table_kind_name(unsigned);
const char	*proto_section_kind_name(unsigned);	/* ext */
int		 proto_section_kind_parse(const char *);
/* ext: kinds whose event a recipient may get hidden: [18, seq, 0, 0, k]. */
bool		 proto_kind_hideable(unsigned);
const char	*proto_reject_text(unsigned);	/* English default text */
const char	*proto_error_text(unsigned);

/* Frame header: the length of the frame starting at p (4 bytes available). */
uint32_t	 proto_frame_len(const uint8_t *);

/*
 * Decode one frame body (without its 4-byte header).  Returns PROTO_OK and
 * fills msg, or a status with err filled and nothing left to free.
 */
enum proto_status proto_decode(const uint8_t *, size_t, struct proto_msg *,
		    struct proto_err *);
void		 proto_msg_free(struct proto_msg *);

/* Check only the msgpack structure: one object, depth, counts; 0 if sound. */
int		 proto_prescan(const uint8_t *, size_t, char *, size_t);

/*
 * Encoders append one whole frame (length header included) to buf and return
 * its length, or 0 if the message would exceed PROTO_FRAME_MAX.
 */
size_t		 proto_enc_hello(struct proto_buf *, const struct proto_hello *);
size_t		 proto_enc_op(struct proto_buf *, uint32_t, const struct proto_op *);
size_t		 proto_enc_ping(struct proto_buf *, uint64_t);
size_t		 proto_enc_pong(struct proto_buf *, uint64_t);
size_t		 proto_enc_bye(struct proto_buf *);
size_t		 proto_enc_welcome(struct proto_buf *, const struct proto_welcome *);
size_t		 proto_enc_state(struct proto_buf *, const struct proto_state *);
size_t		 proto_enc_event(struct proto_buf *, const struct proto_event *);
size_t		 proto_enc_ready(struct proto_buf *, uint64_t);
size_t		 proto_enc_reject(struct proto_buf *, uint32_t, uint32_t, const char *);
size_t		 proto_enc_presence(struct proto_buf *, const struct proto_presence *);
size_t		 proto_enc_error(struct proto_buf *, uint32_t, const char *);
size_t		 proto_enc_list(struct proto_buf *);
size_t		 proto_enc_board(struct proto_buf *,
		    const struct proto_board_info *);
size_t		 proto_enc_boards_end(struct proto_buf *, uint64_t);
/* ext: a relay and its upstream (see struct proto_relay). */
size_t		 proto_enc_relay_hello(struct proto_buf *,
		    const struct proto_hello *);
size_t		 proto_enc_relay_op(struct proto_buf *, const uint8_t *,
		    uint32_t, const struct proto_op *);
size_t		 proto_enc_relay_bye(struct proto_buf *, const uint8_t *);
size_t		 proto_enc_relay_welcome(struct proto_buf *, const uint8_t *,
		    const struct proto_welcome *);
size_t		 proto_enc_relay_reject(struct proto_buf *, const uint8_t *,
		    uint32_t, uint32_t, const char *);
size_t		 proto_enc_relay_error(struct proto_buf *, const uint8_t *,
		    uint32_t, const char *);
size_t		 proto_enc_uplink(struct proto_buf *,
		    const struct proto_uplink *);
size_t		 proto_enc_roster(struct proto_buf *,
		    const struct proto_roster *);

/* Buffer helpers. */
void		 proto_buf_init(struct proto_buf *);
void		 proto_buf_reset(struct proto_buf *);
void		 proto_buf_free(struct proto_buf *);

/* True if s is a valid board name. */
bool		 proto_board_name_ok(const char *);

#endif /* CB_PROTO_H */
