/*
 * model-impl.h -- what the files of the board model share and nobody else
 * sees: the private maps, and small helpers of model.c that model-check.c
 * uses too.  Only common/model*.c include this.
 */
#ifndef CB_MODEL_IMPL_H
#define CB_MODEL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idmap.h"
#include "model.h"
#include "namemap.h"
#include "pairmap.h"

struct model_priv {
	struct idmap	 card_idx;	/* card id -> index in m->cards */
	struct idmap	 table_idx;
	struct idmap	 people_idx;	/* participant id -> index */
	struct namemap	 names;
	struct pairmap	 votes;		/* (card, participant) -> dots */
	struct pairmap	 used;		/* (table, participant) -> dots */
	struct pairmap	 met;		/* (low, high) -> rounds together */
	struct pairmap	 sat;		/* (participant, round) -> a table */
	struct pairmap	 visits;	/* (participant, table) -> rounds
					   ended there (derived from sat) */
	struct pairmap	 clients;	/* client id -> participant, last_op */
	struct pairmap	 reacted;	/* (card, participant) -> reaction bits */
	uint32_t	*voters;	/* per card index: people with dots */
	/* ext: (card, participant << 8 | criterion) -> score + 1 */
	struct pairmap	 scores;
	/* ext: (table, participant << 8 | criterion) -> dots spent */
	struct pairmap	 spent;
	uint32_t	 eval_cards;	/* ext: cards scored in this evaluation */
	size_t		 cards_cap;
	size_t		 tables_cap;
	size_t		 people_cap;
};

/* The string s, or "" for NULL. */
const char	*model_str(const char *);
/* Code points in s; NULL counts as empty. */
size_t		 model_cps(const char *);
/* The card with this id unless absent or deleted. */
struct model_card *model_live_card(const struct model *, uint64_t);
/* True when the round's timer has reached zero. */
bool		 model_timer_zero(const struct model *, int64_t);
/* The shared "" a new card's strings hold until they are set. */
char		*model_str_unset(void);
/* Free an owned string, unless it is the shared "". */
void		 model_free_str(char *);
/* Replace an owned string (or the shared "") with a copy of s ("" for NULL). */
void		 model_set_str(char **, const char *);
/* Grow an array of *cap elements so it holds at least n + 1. */
void		*model_grow(void *, size_t *, size_t, size_t);
/* Add 1 to met for every two people in people[0..n) (one table). */
void		 model_meet_all(struct model *, const uint32_t *, size_t);
/* rotate's effect: count who met, seat everyone as pairs say, next round. */
void		 model_apply_rotate(struct model *, const struct proto_pair *,
		    uint32_t);
/* phase's effect. */
void		 model_apply_phase(struct model *, uint8_t);
/* A rotation's seating from the board as it stands (malloc'd, *n pairs). */
void		 model_rotation(const struct model *, struct proto_pair **,
		    uint32_t *);

/*
 * What model_submit's derivation allocated for one event: the event points
 * into it until it has been committed, applied and seen, then it is freed.
 */
struct model_owned {
	struct proto_pair	*pairs;
	struct proto_pair	*merges;
	struct proto_count	*counts;	/* and their texts */
	uint32_t		 ncounts;
	char			*prev;		/* an answer's previous word */
	void			*deliver;	/* ext: model_deliver_prepare's */
};

/*
 * The day's kinds (model-steps.c dispatches, model-poll.c holds polls and
 * reactions): 10, 11, 42 to 49.
 */
bool		 model_day_kind(uint8_t);
/* model_check for them; p is who's record (NULL for the server). */
int		 model_day_check(const struct model *, uint32_t,
		    const struct model_participant *, bool,
		    const struct proto_op *, int64_t, const char **);
/* model_prepare for them. */
void		 model_day_prepare(const struct model *, uint32_t,
		    struct proto_op *, int64_t, struct model_owned *);
/* model_apply for them. */
void		 model_day_apply(struct model *, const struct proto_event *,
		    int64_t);
/* model_redact for them (audience is not SELF). */
void		 model_day_redact(const struct model *,
		    const struct proto_event *, enum model_audience,
		    struct proto_event *);
/* Free the day's part of a board; copy it into a clone. */
void		 model_day_release(struct model *);
void		 model_day_clone(struct model *, const struct model *);
/* The day's STATE records (see model_state_write): how many. */
size_t		 model_day_state_write(const struct model *, uint32_t, bool,
		    struct proto_buf *);
/* Read one of them; 0, or -1 when it cannot belong to a sound board. */
int		 model_day_state_read(struct model *, const struct proto_state *);
/* Their rough size for a participant. */
size_t		 model_day_state_size(const struct model *);

/* model-poll.c, for model-steps.c's dispatch. */
int		 model_poll_check(const struct model *, uint32_t,
		    const struct model_participant *, bool,
		    const struct proto_op *, const char **);
void		 model_poll_prepare(const struct model *, uint32_t,
		    struct proto_op *, struct model_owned *);
/* A poll's question and choices as poll.open and a step's poll need. */
int		 model_poll_check_def(const char *, char *const *, uint32_t,
		    const char **);
/* True when one more poll may open. */
bool		 model_poll_room(const struct model *);
void		 model_poll_apply(struct model *, const struct proto_event *,
		    int64_t);
/* Open a poll with id seq (poll.open, or a step's poll). */
void		 model_poll_open(struct model *, uint64_t, const char *,
		    char *const *, uint32_t, int64_t);
void		 model_poll_redact(const struct model *,
		    const struct proto_event *, enum model_audience,
		    struct proto_event *);
void		 model_poll_release(struct model *);
void		 model_poll_clone(struct model *, const struct model *);
size_t		 model_poll_state_write(const struct model *, uint32_t, bool,
		    struct proto_buf *);
int		 model_poll_state_read(struct model *, const struct proto_state *);
size_t		 model_poll_state_size(const struct model *);

/*
 * ext: the deliverables' share of each step (model-deliver.c): canvases,
 * sections, actions, the evaluation by criteria, pitches.
 */
/* True for the kinds model-deliver.c checks and applies. */
bool		 model_deliver_kind(uint8_t);
/* model_check for those kinds (p NULL for the server). */
int		 model_deliver_check(const struct model *, uint32_t,
		    const struct model_participant *, bool,
		    const struct proto_op *, const char **);
/* card.add: may p write on a table where they do not sit (a pitch)? */
bool		 model_deliver_guest(const struct model *,
		    const struct model_participant *, const struct proto_op *);
/* card.add: the section's rules, once the other checks passed. */
int		 model_deliver_check_add(const struct model *,
		    const struct model_participant *, bool,
		    const struct proto_op *, const char **);
/* model_prepare for those kinds, made by who; what it allocated. */
void		*model_deliver_prepare(const struct model *, uint32_t,
		    struct proto_op *, int64_t);
/* model_apply for those kinds. */
void		 model_deliver_apply(struct model *, const struct proto_event *,
		    int64_t);
/* A card was just added (its section) or is about to be deleted or moved
 * (its scores go). */
void		 model_deliver_added(struct model *, struct model_card *,
		    const struct proto_op *);
void		 model_deliver_unscore(struct model *, struct model_card *);
/* The variant of those kinds' events for an audience (out = *ev done). */
void		 model_deliver_redact(const struct model *,
		    const struct proto_event *, enum model_audience,
		    struct proto_event *);
/* canvas.add's effect, for a "canvas" record too. */
void		 model_deliver_canvas(struct model *, const struct proto_event *);
/* The pair map key of (participant, criterion) in scores and spent. */
uint64_t	 model_score_key(uint32_t, uint32_t);
/* Storage: release, deep copy (dst = *src done), rebuild. */
void		 model_deliver_release(struct model *);
void		 model_deliver_clone(struct model *, const struct model *);
void		 model_deliver_rebuild(struct model *);
/* STATE (model-deliver-state.c): the records, read one, a size estimate. */
size_t		 model_deliver_state_write(const struct model *, uint32_t, bool,
		    struct proto_buf *);
int		 model_deliver_state_read(struct model *,
		    const struct proto_state *);
size_t		 model_deliver_state_size(const struct model *);

#endif /* CB_MODEL_IMPL_H */
