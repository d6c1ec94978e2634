/*
 * grouping.h -- people into groups of given sizes: pairs for crossed
 * interviews, balanced teams for a sprint.
 *
 * A pure function over plain arrays, like rotation.h: the sizes are fixed
 * by the caller (grouping_sizes, grouping_teams), and within them the
 * groups put together the people who have met least so far and, after
 * that, people of different labels (organisations, départements).
 * Deterministic: the same people, sizes and history give the same groups,
 * whatever the order of the input.
 */
#ifndef CB_GROUPING_H
#define CB_GROUPING_H

#include <stddef.h>
#include <stdint.h>

struct grouping_person {
	uint32_t	 id;		/* participant id, distinct, non-zero */
	uint32_t	 label;		/* 0 for none */
};

/* How many times a and b sat together before. */
typedef uint32_t (*grouping_met_fn)(uint32_t, uint32_t, void *);

struct grouping_in {
	const struct grouping_person *people;
	size_t		 n;
	const uint32_t	*sizes;		/* of each group, adding up to n */
	size_t		 ngroups;
	grouping_met_fn	 met;		/* may be NULL: no history */
	void		*met_arg;
};

/*
 * The group (0 .. ngroups - 1) of each person, in out[i] for people[i].
 * Returns 0, or -1 when the sizes do not add up to n.
 */
int		 grouping_compute(const struct grouping_in *, uint32_t *);

/*
 * Sizes of groups of size for n people (size >= 2): n / size groups, the
 * rest spread one each over the last ones (an odd person makes a trio);
 * fewer than size people make one group.  Returns the number of groups
 * and a malloc'd array in *sizes (NULL when n is 0).
 */
size_t		 grouping_sizes(size_t, uint32_t, uint32_t **);
/* Sizes of k teams of n people (k >= 1), as even as can be. */
size_t		 grouping_teams(size_t, uint32_t, uint32_t **);

/*
 * What grouping_compute minimises, for tests and benchmarks: the sum over
 * two people of one group of 2 m^2 + s, m how often they met, s 1 when
 * they share a label.
 */
uint64_t	 grouping_cost(const struct grouping_in *, const uint32_t *);

#endif /* CB_GROUPING_H */
