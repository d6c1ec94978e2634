/*
 * namemap.c -- string key -> non-zero uint32 (see namemap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "namemap.h"
#include "xmalloc.h"

/* FNV-1a of a NUL-terminated string, spread. */
static uint64_t
namemap_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	while (*s != '\0') {
		h ^= (uint8_t)*s++;
		h *= 0x100000001b3ULL;
	}
	return idmap_hash64(h);
}

/* Slot of key: where it is, or the empty slot it would take (cap > 0). */
static size_t
namemap_slot(const struct namemap *nm, const char *key)
{
	size_t	mask = nm->cap - 1, i;

	i = (size_t)namemap_hash(key) & mask;
	while (nm->slots[i].key != NULL && strcmp(nm->slots[i].key, key) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Double the table (or create it). */
static void
namemap_grow(struct namemap *nm)
{
	struct namemap_slot	*old = nm->slots;
	size_t			 ocap = nm->cap, i;

	nm->cap = ocap == 0 ? 16 : ocap * 2;
	nm->slots = xcalloc(nm->cap, sizeof *nm->slots);
	for (i = 0; i < ocap; i++) {
		if (old[i].key != NULL)
			nm->slots[namemap_slot(nm, old[i].key)] = old[i];
	}
	free(old);
}

/* The id of key, 0 when absent. */
uint32_t
namemap_get(const struct namemap *nm, const char *key)
{
	size_t	i;

	if (nm->cap == 0 || key == NULL)
		return 0;
	i = namemap_slot(nm, key);
	return nm->slots[i].key != NULL ? nm->slots[i].id : 0;
}

/* Map key to id unless key is there already; true if added. */
bool
namemap_put(struct namemap *nm, const char *key, uint32_t id)
{
	size_t	i;

	if ((nm->len + 1) * 10 > nm->cap * 7)
		namemap_grow(nm);
	i = namemap_slot(nm, key);
	if (nm->slots[i].key != NULL)
		return false;
	nm->slots[i].key = xstrdup(key);
	nm->slots[i].id = id;
	nm->len++;
	return true;
}

/* Deep copy of src into dst (dst uninitialised). */
void
namemap_copy(struct namemap *dst, const struct namemap *src)
{
	size_t	i;

	*dst = *src;
	if (src->cap == 0)
		return;
	dst->slots = xcalloc(src->cap, sizeof *dst->slots);
	for (i = 0; i < src->cap; i++) {
		if (src->slots[i].key == NULL)
			continue;
		dst->slots[i].key = xstrdup(src->slots[i].key);
		dst->slots[i].id = src->slots[i].id;
	}
}

/* Release everything. */
void
namemap_free(struct namemap *nm)
{
	size_t	i;

	for (i = 0; i < nm->cap; i++)
		free(nm->slots[i].key);
	free(nm->slots);
	memset(nm, 0, sizeof *nm);
}
