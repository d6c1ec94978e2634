/*
 * rotation.h -- who sits where in the next round of a world cafe.
 *
 * A pure function over plain arrays, so it can be reasoned about and tested
 * apart from the board: hosts stay at their table, every traveller moves to
 * another table when there is one, table sizes differ by at most one (as far
 * as the hosts allow), travellers go to tables they have not sat at while
 * they have one left (as far as those sizes allow), and people who already
 * sat together -- in earlier rounds or the one ending now -- meet again as
 * rarely as possible.  Deterministic: the same input gives the same seating.
 */
#ifndef CB_ROTATION_H
#define CB_ROTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct rotation_person {
	uint32_t	 id;		/* participant id, distinct, non-zero */
	uint64_t	 table;		/* current table id (one of tables[]) */
	bool		 host;		/* stays */
	const uint64_t	*sat;		/* tables of earlier rounds (any
					   order, repeats and unknown ids
					   allowed); may be NULL */
	size_t		 nsat;
};

/* How many times a and b sat together in rounds before the current one. */
typedef uint32_t (*rotation_met_fn)(uint32_t, uint32_t, void *);

struct rotation_in {
	const uint64_t	*tables;	/* table ids, in board order */
	size_t		 ntables;
	const struct rotation_person *people;	/* seated people only */
	size_t		 npeople;
	rotation_met_fn	 met;		/* may be NULL: no history */
	void		*met_arg;
};

/*
 * Compute the next seating: one [participant, table] pair per person, in the
 * order of in->people, into *out (malloc'd, n = npeople).  Returns 0, or -1
 * when there is no table.
 */
int	 rotation_compute(const struct rotation_in *, struct proto_pair **);

/*
 * Cost of a seating for tests and benchmarks: the sum over pairs of people at
 * one table of how often they had met before (history plus current round).
 */
uint64_t rotation_cost(const struct rotation_in *, const struct proto_pair *);

/*
 * Revisits of a seating for tests and benchmarks: travellers seated at a
 * table they sat at before (now or in sat[]) although another table of
 * tables[] is new to them.
 */
size_t	 rotation_revisits(const struct rotation_in *,
	    const struct proto_pair *);

#endif /* CB_ROTATION_H */
