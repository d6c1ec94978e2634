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
/* Replace an owned string with a copy of s ("" for NULL). */
void		 model_set_string(char **, const char *);

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
