/*
 * pairmap.h -- (a, b) -> non-zero uint64, open addressing, constant time.
 *
 * Keyed by two 64-bit halves (no key packing, so no id range can collide);
 * linear probing with backward-shift deletion.  A pair map stores no zero
 * value: 0 is both "absent" and "empty slot", which suits counters and keeps
 * deletion tombstone-free.  The board model keeps its relations in these
 * (votes, dots used, meetings, clients).
 */
#ifndef CB_PAIRMAP_H
#define CB_PAIRMAP_H

#include <stddef.h>
#include <stdint.h>

/* One slot; v == 0 marks an empty slot. */
struct pairmap_slot {
	uint64_t	 a;
	uint64_t	 b;
	uint64_t	 v;
};

/* Zero-initialised is an empty map. */
struct pairmap {
	struct pairmap_slot *slots;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 len;
};

/* The value of (a, b), 0 when absent. */
uint64_t	 pairmap_get(const struct pairmap *, uint64_t, uint64_t);
/* Set (a, b) to v; v == 0 removes the key. */
void		 pairmap_set(struct pairmap *, uint64_t, uint64_t, uint64_t);
/* Add delta to the counter (a, b), never below zero; the new value. */
uint64_t	 pairmap_add(struct pairmap *, uint64_t, uint64_t, int64_t);
/* Deep copy of src into dst (dst uninitialised). */
void		 pairmap_copy(struct pairmap *, const struct pairmap *);
/* Release the storage; the map is empty again. */
void		 pairmap_free(struct pairmap *);

#endif /* CB_PAIRMAP_H */
