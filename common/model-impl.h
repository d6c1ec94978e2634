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

#endif /* CB_MODEL_IMPL_H */
