/*
 * idmap.h -- uint64 key to uint32 value, open addressing, constant time.
 *
 * Keys are non-zero (0 marks an empty slot).  Used for id -> array index.
 */
#ifndef CB_IDMAP_H
#define CB_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idmap {
	uint64_t	*keys;
	uint32_t	*vals;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 len;
	size_t		 tombs;
};

/* Spread the bits of a 64-bit key (for this and other hash tables). */
uint64_t idmap_hash64(uint64_t);
void	 idmap_init(struct idmap *);
void	 idmap_free(struct idmap *);
/* Deep copy of src into dst (dst uninitialised). */
void	 idmap_copy(struct idmap *, const struct idmap *);
/* Set key to val (key != 0). */
void	 idmap_put(struct idmap *, uint64_t, uint32_t);
/* True and *val if key is present. */
bool	 idmap_get(const struct idmap *, uint64_t, uint32_t *);
/* Remove key; true if it was present. */
bool	 idmap_del(struct idmap *, uint64_t);
void	 idmap_clear(struct idmap *);

#endif /* CB_IDMAP_H */
