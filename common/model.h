/*
 * model.h -- the board as a pure reducer: state + event -> state.
 *
 * The server and every client fold the same events with this code, so they
 * cannot disagree.  The server holds the full truth; a client's replica holds
 * what the server showed it (a vote's origin, a blind vote, a private card's
 * text may be hidden from it) and the same rules tolerate those gaps.
 *
 * Lookups by id are constant time.  Cards, tables and participants are kept
 * in arrays in creation order (ids rise), which is also display order.
 */
#ifndef CB_MODEL_H
#define CB_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Server-side limits; 0 turns a limit off. */
struct model_limits {
	uint32_t	 max_cards;		/* live cards per board */
	uint32_t	 max_tables;
	uint32_t	 max_participants;
};

#define MODEL_DEFAULT_MAX_TABLES 64

struct model_card {
	uint64_t	 id;		/* seq of the card.add */
	uint64_t	 table;
	uint64_t	 parent;	/* card it builds on, 0 for none */
	uint64_t	 head;		/* cluster head, 0 when not grouped */
	uint32_t	 author;	/* 0 when hidden from this replica */
	char		*text;		/* "" when hidden from this replica */
	char		*title;		/* cluster title when a head; "" if none */
	uint32_t	 votes;		/* dots as this replica knows them */
	uint32_t	 shown;		/* dots as participants last saw them */
	bool		 kept;
	bool		 hidden;	/* text private to author and facilitators */
	bool		 edited;
	bool		 deleted;
	int64_t		 created_ms;
	uint32_t	 reactions[PROTO_REACTIONS];	/* "+1", "?", "!" */
	uint64_t	 merged;	/* ext: merged into this card (deleted
					   too, its text kept); 0 if not */
	struct proto_pair *coauthors;	/* ext: [participant, the merged card
					   they wrote], authors of the
					   duplicates merged into this one */
	size_t		 ncoauthors;
	/* ext: deliverables (model-deliver.c) */
	uint32_t	 section;	/* in its table's canvas, from 1; 0 none */
	char		*owner;		/* an action's owner, "" when none */
	char		*due;		/* an action's due day, "YYYY-MM-DD" or "" */
	uint32_t	 score[PROTO_CRITERIA_MAX]; /* totals per criterion, as
					   this replica knows them */
	bool		 scored;	/* someone scored it in this evaluation */
};

struct model_table {
	uint64_t	 id;		/* seq of the table.add; a group's:
					   PROTO_GROUP_ID */
	char		*question;
	char		*theme;		/* ext: "" when none; a label's name */
	int64_t		 created_ms;
	uint8_t		 kind;		/* enum table_kind */
	uint32_t	 number;	/* a group's, from 1 */
	bool		 dissolved;	/* a group that has ended */
	uint64_t	 canvas;	/* ext: its canvas, 0 when none */
};

/* ext: one section of a canvas. */
struct model_section {
	char		*name;
	char		*hint;		/* "" when none */
	uint32_t	 limit;		/* live cards at most per table, 0: none */
	uint8_t		 kind;		/* enum section_kind */
};

/* ext: a canvas, named sections that a table fills in together. */
struct model_canvas {
	uint64_t	 id;		/* seq of the canvas.add */
	char		*name;
	struct model_section *sections;
	uint32_t	 nsections;
};

struct model_participant {
	uint32_t	 id;
	char		*name;
	uint8_t		 role;		/* enum role */
	uint64_t	 table;		/* 0 when not seated */
	bool		 ready;
	uint8_t		 client[PROTO_CLIENT_LEN]; /* zeros when unknown here */
	int64_t		 joined_ms;
	uint32_t	 label;		/* 1-based in m->labels, 0 none */
	uint64_t	 team;		/* the team's table, 0 none */
};

/* One step of the run sheet. */
struct model_step {
	struct proto_step def;		/* owned */
	int64_t		 started_ms;	/* its first start, 0 never */
	int64_t		 ended_ms;	/* its last end, 0 if running or never */
};

/* One person's answer to a poll (the server knows them all). */
struct model_answer {
	uint32_t	 participant;
	uint64_t	 seq;		/* of the answer */
	struct proto_answer a;		/* owned */
};

/* One answer's count: a choice's, or a word's as first written. */
struct model_count {
	char		*text;		/* label or word */
	char		*key;		/* a word folded: what counts as one */
	uint32_t	 n;
};

/* A poll: its id is the seq of the event that opened it. */
struct model_poll {
	uint64_t	 id;
	char		*question;
	char		**choices;	/* none: a word poll */
	uint32_t	 nchoices;
	bool		 closed;
	int64_t		 opened_ms;
	int64_t		 closed_ms;
	/*
	 * Counts as this replica knows them: the server's are true; once
	 * closed, everyone's are the results, most frequent first.  Choices
	 * in their order while open, words in order of first appearance.
	 */
	struct model_count *counts;
	uint32_t	 ncounts;
	struct model_answer *answers;	/* by participant, as known here */
	size_t		 nanswers;
};

/* The board's settings (proto.h declares them); code is "" for none. */
struct model_settings {
	PROTO_SETTINGS(PROTO_SETTING_MEMBER)
};

struct model_timer {
	bool		 running;
	uint64_t	 remaining_ms;	/* at ref_ms */
	int64_t		 ref_ms;	/* when remaining_ms was true */
	char		*label;
	bool		 ended;		/* reached zero this round */
};

struct model_priv;			/* maps, kept private to model.c */

struct model {
	char		 name[PROTO_BOARD_MAX + 1];
	struct model_settings settings;
	uint8_t		 phase;
	uint32_t	 round;		/* starts at 1 */
	char		*banner;
	bool		 revealed;	/* vote totals are public */
	uint8_t		 follow_view;
	uint64_t	 follow_table;
	uint64_t	 follow_seq;
	struct model_timer timer;
	uint64_t	 head;		/* last applied seq */
	int64_t		 created_ms;	/* time of the first event */
	struct model_limits limits;

	struct model_card *cards;	/* by id, deleted ones included */
	size_t		 ncards;
	size_t		 live_cards;	/* not deleted */
	struct model_table *tables;
	size_t		 ntables;
	struct model_participant *participants;
	size_t		 nparticipants;

	/* The day (model-steps.c, model-poll.c). */
	struct model_step *steps;	/* the run sheet */
	size_t		 nsteps;
	uint32_t	 step;		/* the current step + 1, 0 none */
	char		**labels;	/* what participants pick from */
	uint32_t	 nlabels;
	struct model_poll *polls;	/* in id order */
	size_t		 npolls;
	/* ext: deliverables (model-deliver.c) */
	struct model_canvas *canvases;	/* in id order */
	size_t		 ncanvases;
	char		*criteria[PROTO_CRITERIA_MAX];	/* the evaluation's */
	uint32_t	 ncriteria;
	bool		 eval_open;	/* scores hidden from participants */
	uint64_t	 pitch_table;	/* the team presenting, 0 when none */

	struct model_priv *priv;
};

/*
 * A viewer who is no participant but sees what a facilitator sees (a
 * read-only observer holding the key, such as `cafeboard export`).
 */
#define MODEL_OBSERVER		UINT32_MAX

/* Who receives which variant of an event (see model_redact). */
enum model_audience {
	AUDIENCE_SELF,		/* the author, or the subject of a joined */
	AUDIENCE_FACILITATOR,
	AUDIENCE_PUBLIC,
	AUDIENCE_COUNT
};

/* A new empty board named name, in phase welcome, round 1. */
struct model	*model_new(const char *);
void		 model_free(struct model *);
/* A deep copy (the client predicts pending ops on one). */
struct model	*model_clone(const struct model *);

/* Lookups; NULL when absent. */
struct model_card *model_card(const struct model *, uint64_t);
struct model_table *model_table(const struct model *, uint64_t);
struct model_participant *model_participant(const struct model *, uint32_t);
/* By first name, as text_name_key compares them (Zoé is zoé and ZOÉ). */
struct model_participant *model_participant_by_name(const struct model *,
		    const char *);
/* Index of a table in m->tables, -1 if absent. */
int		 model_table_index(const struct model *, uint64_t);
/*
 * Cards numbered per table so that people can name them by voice: 1 for
 * the oldest card of its table, in creation order, deleted cards counted
 * (a deletion renumbers nothing).  0 when absent.
 */
uint32_t	 model_card_number(const struct model *, uint64_t);
/* The card numbered n on table, deleted or not; 0 if none. */
uint64_t	 model_card_by_number(const struct model *, uint64_t, uint32_t);

/* Server side: the client record of a client id; 0 if never seen. */
uint32_t	 model_client_participant(const struct model *, const uint8_t *);
uint32_t	 model_client_last_op(const struct model *, const uint8_t *);
/* The id the next joined participant gets. */
uint32_t	 model_next_participant(const struct model *);

/*
 * card.merge: the dots card into holds once card is merged into it
 * (each voter's dots move with the card, those over the per-card limit
 * go back to them).
 */
uint32_t	 model_merge_votes(const struct model *, uint64_t, uint64_t);
/*
 * A relay's mirror (a facilitator's view, no voter known) learns the dots
 * participant p holds: pairs [card, n] become p's own, replacing all p had
 * when replace; the cards' totals stay.
 */
void		 model_own_votes(struct model *, uint32_t,
		    const struct proto_pair *, size_t, bool);
/* Dots participant p put on card c; dots p used on table t. */
uint32_t	 model_votes_of(const struct model *, uint32_t, uint64_t);
uint32_t	 model_dots_used(const struct model *, uint32_t, uint64_t);
/* Participants seated at table t (any role but facilitator). */
uint32_t	 model_seated(const struct model *, uint64_t);
/* Times participants a and b sat at one table in finished rounds. */
uint32_t	 model_met(const struct model *, uint32_t, uint32_t);
/* The table participant p sat at when round r ended; 0 if unknown. */
uint64_t	 model_sat(const struct model *, uint32_t, uint32_t);
/* Finished rounds participant p ended at table t. */
uint32_t	 model_visits(const struct model *, uint32_t, uint64_t);
/* Milliseconds left on the timer at now_ms. */
uint64_t	 model_timer_remaining(const struct model *, int64_t);
/* True when card.add is frozen: board closed, locked, or timer at zero. */
bool		 model_frozen(const struct model *, int64_t);
/*
 * The table with fewest seated participants (first on ties), 0 if none;
 * a group that has ended does not count.
 */
uint64_t	 model_least_crowded(const struct model *);
/* The poll with this id; NULL if absent. */
struct model_poll *model_poll(const struct model *, uint64_t);
/* participant's answer to poll as this replica knows it; NULL if none. */
const struct model_answer *model_answer_of(const struct model_poll *,
		    uint32_t);
/* The reactions (bits 1 << (r - 1)) participant put on card. */
uint32_t	 model_reacted(const struct model *, uint64_t, uint32_t);
/* The label name of participant p, NULL when none. */
const char	*model_label_of(const struct model *,
		    const struct model_participant *);
/* The current step, NULL when none. */
const struct model_step *model_current_step(const struct model *);

/*
 * May participant who (0: the server itself) make this op now?  Returns 0, or
 * the REJECT code with *why set to a static English reason.
 */
int		 model_check(const struct model *, uint32_t,
		    const struct proto_op *, int64_t, const char **);

/*
 * What model_submit does with each event it makes, the op's own and its
 * followups.  commit stores the event before it is applied (the server
 * appends it to the board's log) and returns 0, or a REJECT code with *why
 * set, and then that event changes nothing.  applied sees the event folded
 * into the model (the server keeps its frames for fan-out and replay).
 * The event and what it points to are lent for the call only.  Either
 * hook may be NULL, and so may the sink: the client's prediction keeps
 * nothing.
 */
struct model_sink {
	int	(*commit)(void *, const struct proto_event *, int64_t,
		    const uint8_t *, const char **);
	void	(*applied)(void *, const struct model *,
		    const struct proto_event *);
	void	*arg;
};

/*
 * The one way an op becomes events, for the server, cafeboard-server
 * create, the client's prediction and the tests: check it as who (0: the
 * server itself), derive what the server derives (the timer's clock, a
 * rotation's seating), give it the next seq, commit it, apply it, then
 * submit the followups it calls for (model_followups) the same way, as the
 * server's.  client is the author's client id (stored with the event; NULL
 * for none), op_id the author's op id (0 for none); op is only read.
 * Returns 0 once op's own event is applied (a followup that its commit
 * refused is lost, and the sink has said why), or a REJECT code with *why
 * set to a static English reason and nothing changed.
 */
int		 model_submit(struct model *, uint32_t, const uint8_t *,
		    uint32_t, const struct proto_op *, int64_t,
		    const struct model_sink *, const char **);

/*
 * Apply one event.  time_ms is when the server sequenced it (the client passes
 * its own clock); client is the author's client id or NULL.  Returns 0, or -1
 * when ev->seq is not head + 1 (nothing changes).  Events are authoritative:
 * apply never re-checks permissions.
 */
int		 model_apply(struct model *, const struct proto_event *, int64_t,
		    const uint8_t *);

/*
 * Server side, after applying ev: the server-made ops that must follow it
 * (reveal of private cards when writing ends, tally when a blind vote
 * closes).  Returns how many were put in *ops (0: *ops untouched), an
 * array of owned ops: proto_op_free each, then free the array.
 */
size_t		 model_followups(const struct model *, const struct proto_event *,
		    struct proto_op **);

/*
 * Privacy: which variant of ev participant viewer receives, and that variant
 * itself (a shallow copy of ev; strings it changes point to static storage).
 * Evaluated on the state right after ev was applied.
 */
enum model_audience model_audience(const struct model *,
		    const struct proto_event *, uint32_t);
void		 model_redact(const struct model *, const struct proto_event *,
		    enum model_audience, struct proto_event *);

/*
 * The board as STATE frames, appended to buf.  viewer 0 writes everything
 * (snapshots: client, meet and sat records too, and the timer as it was last
 * set, with the wall-clock time it was true at); a participant or
 * MODEL_OBSERVER gets what they may see, with the timer as it stands at
 * now_ms.  Returns the number of records.  One pass, deterministic.
 */
size_t		 model_state_write(const struct model *, uint32_t, int64_t,
		    struct proto_buf *);
/* Rough size in bytes of model_state_write for a participant. */
size_t		 model_state_size(const struct model *);
/* Rebuild from STATE records: begin, read each, end with the head seq. */
void		 model_state_begin(struct model *);
int		 model_state_read(struct model *, const struct proto_state *,
		    int64_t);
void		 model_state_end(struct model *, uint64_t);
/*
 * ext: the "timer" record as the clock stands at now_ms (model_state_write
 * writes remaining_ms as of the last timer event, so that its output only
 * depends on the events); the server appends this one before READY.
 */
void		 model_state_timer(const struct model *, int64_t,
		    struct proto_state *);

/*
 * Raw access for model-state.c, which writes and rebuilds a board without
 * events.  The server and the client have no use for these.
 */
struct model_vote_rec {
	uint32_t	 participant;
	uint64_t	 card;
	uint32_t	 n;
};
struct model_client_rec {
	uint8_t		 client[PROTO_CLIENT_LEN];
	uint32_t	 participant;
	uint32_t	 last_op;
};
struct model_meet_rec {
	uint32_t	 a;		/* a < b */
	uint32_t	 b;
	uint32_t	 count;
};
struct model_sat_rec {
	uint32_t	 participant;
	uint32_t	 round;
	uint64_t	 table;
};
/* Sorted copies of the private maps; free(*out).  Votes: 0 for everyone's. */
size_t		 model_votes_list(const struct model *, uint32_t,
		    struct model_vote_rec **);
size_t		 model_clients_list(const struct model *,
		    struct model_client_rec **);
size_t		 model_meets_list(const struct model *,
		    struct model_meet_rec **);
size_t		 model_sats_list(const struct model *,
		    struct model_sat_rec **);
/*
 * ext: deliverables (model-deliver.c).
 *
 * The canvas with this id, NULL if none; the section n (from 1) of table's
 * canvas, NULL if none; the live cards of table in section n.
 */
struct model_canvas *model_canvas(const struct model *, uint64_t);
const struct model_section *model_section(const struct model *, uint64_t,
		    uint32_t);
uint32_t	 model_section_cards(const struct model *, uint64_t, uint32_t);
/* The score participant p gave card c on criterion k; false if none. */
bool		 model_score_of(const struct model *, uint32_t, uint64_t,
		    uint32_t, uint32_t *);
/* Dots participant p spent on criterion k on table t (eval_dots mode). */
uint32_t	 model_score_spent(const struct model *, uint32_t, uint64_t,
		    uint32_t);
/* The most a score may be: 3, or eval_dots in dots mode. */
uint32_t	 model_score_max(const struct model *);
/* A card's total over every criterion, as this replica knows it. */
uint64_t	 model_score_sum(const struct model *, const struct model_card *);
/*
 * True when card c is an action owned by participant p: its owner is p's
 * first name, whatever the case ("your actions").
 */
bool		 model_action_of(const struct model *, const struct model_card *,
		    uint32_t);
/*
 * The cards that are actions of participant me, soonest due first, those
 * without a day last; *out malloc'd (the caller frees the array only).
 */
size_t		 model_actions_list(const struct model *, uint32_t,
		    const struct model_card ***);
/* Everyone's scores, sorted by participant, card, criterion; free(*out). */
struct model_score_rec {
	uint32_t	 participant;
	uint64_t	 card;
	uint32_t	 criterion;
	uint32_t	 value;
};
size_t		 model_scores_list(const struct model *, uint32_t,
		    struct model_score_rec **);

/* Back to an empty board (name and limits kept). */
void		 model_reset(struct model *);
/* Set a card's coauthors to a copy of pairs[0..n). */
void		 model_set_coauthors(struct model_card *,
		    const struct proto_pair *, size_t);
/* A new blank table, card or participant with this id; NULL if 0 or taken. */
struct model_table *model_insert_table(struct model *, uint64_t);
struct model_card *model_insert_card(struct model *, uint64_t);
struct model_participant *model_insert_participant(struct model *, uint32_t,
		    const char *);
void		 model_set_votes(struct model *, uint32_t, uint64_t, uint32_t);
void		 model_set_client(struct model *, const uint8_t *, uint32_t,
		    uint32_t);
void		 model_set_met(struct model *, uint32_t, uint32_t, uint32_t);
void		 model_set_sat(struct model *, uint32_t, uint32_t,
		    uint64_t);
/* Recompute what is derived (live cards, dots used) after raw changes. */
void		 model_rebuild(struct model *);

#endif /* CB_MODEL_H */
