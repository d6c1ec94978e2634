/*
 * namemap.h -- string key -> non-zero uint32, open addressing.
 *
 * The map owns a copy of each key.  Keys are never removed (a board's
 * participants are never forgotten); putting a key that is already there
 * keeps the first value.  The board model maps participants' names to their
 * ids with one.
 */
#ifndef CB_NAMEMAP_H
#define CB_NAMEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct namemap_slot {
	char		*key;		/* NULL marks an empty slot */
	uint32_t	 id;
};

/* Zero-initialised is an empty map. */
struct namemap {
	struct namemap_slot *slots;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 len;
};

/* The id of key, 0 when absent. */
uint32_t	 namemap_get(const struct namemap *, const char *);
/* Map key to id (id != 0) unless key is there already; true if added. */
bool		 namemap_put(struct namemap *, const char *, uint32_t);
/* Deep copy of src into dst (dst uninitialised). */
void		 namemap_copy(struct namemap *, const struct namemap *);
/* Release everything; the map is empty again. */
void		 namemap_free(struct namemap *);

#endif /* CB_NAMEMAP_H */
