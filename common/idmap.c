/*
 * idmap.c -- uint64 -> uint32 hash map with linear probing.
 *
 * Deleted slots become tombstones so that probe chains stay intact; the
 * table is rebuilt when live keys plus tombstones pass 70% of it.
 */
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "xmalloc.h"

#define IDMAP_TOMB	UINT64_MAX	/* key of a deleted slot */

/* Spread the bits of a key (splitmix64 finaliser). */
uint64_t
idmap_hash64(uint64_t k)
{
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return k;
}

/* The slot a key starts probing at. */
static size_t
idmap_hash(uint64_t k)
{
	return (size_t)idmap_hash64(k);
}

/* An empty map. */
void
idmap_init(struct idmap *m)
{
	memset(m, 0, sizeof *m);
}

/* Release the map's storage. */
void
idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	idmap_init(m);
}

/* Deep copy of src into dst. */
void
idmap_copy(struct idmap *dst, const struct idmap *src)
{
	*dst = *src;
	if (src->cap == 0)
		return;
	dst->keys = xreallocarray(NULL, src->cap, sizeof *dst->keys);
	dst->vals = xreallocarray(NULL, src->cap, sizeof *dst->vals);
	memcpy(dst->keys, src->keys, src->cap * sizeof *dst->keys);
	memcpy(dst->vals, src->vals, src->cap * sizeof *dst->vals);
}

/* Rebuild into a table of cap slots, dropping tombstones. */
static void
idmap_rehash(struct idmap *m, size_t cap)
{
	uint64_t	*okeys = m->keys;
	uint32_t	*ovals = m->vals;
	size_t		 ocap = m->cap, i, j;

	m->keys = xcalloc(cap, sizeof *m->keys);
	m->vals = xcalloc(cap, sizeof *m->vals);
	m->cap = cap;
	m->tombs = 0;
	for (i = 0; i < ocap; i++) {
		if (okeys[i] == 0 || okeys[i] == IDMAP_TOMB)
			continue;
		j = idmap_hash(okeys[i]) & (cap - 1);
		while (m->keys[j] != 0)
			j = (j + 1) & (cap - 1);
		m->keys[j] = okeys[i];
		m->vals[j] = ovals[i];
	}
	free(okeys);
	free(ovals);
}

/* Set key to val. */
void
idmap_put(struct idmap *m, uint64_t key, uint32_t val)
{
	size_t	i, tomb = SIZE_MAX;

	if (key == 0 || key == IDMAP_TOMB)
		fatalx("idmap: reserved key");
	if ((m->len + m->tombs + 1) * 10 > m->cap * 7) {
		size_t cap = m->cap == 0 ? 16 : m->cap;

		while ((m->len + 1) * 10 > cap * 5)
			cap *= 2;
		idmap_rehash(m, cap);
	}
	i = idmap_hash(key) & (m->cap - 1);
	for (;;) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return;
		}
		if (m->keys[i] == IDMAP_TOMB && tomb == SIZE_MAX)
			tomb = i;
		if (m->keys[i] == 0)
			break;
		i = (i + 1) & (m->cap - 1);
	}
	if (tomb != SIZE_MAX) {
		i = tomb;
		m->tombs--;
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->len++;
}

/* Slot of key, or SIZE_MAX. */
static size_t
idmap_find(const struct idmap *m, uint64_t key)
{
	size_t	i;

	if (m->cap == 0 || key == 0 || key == IDMAP_TOMB)
		return SIZE_MAX;
	i = idmap_hash(key) & (m->cap - 1);
	while (m->keys[i] != 0) {
		if (m->keys[i] == key)
			return i;
		i = (i + 1) & (m->cap - 1);
	}
	return SIZE_MAX;
}

/* True and *val if key is present. */
bool
idmap_get(const struct idmap *m, uint64_t key, uint32_t *val)
{
	size_t	i = idmap_find(m, key);

	if (i == SIZE_MAX)
		return false;
	if (val != NULL)
		*val = m->vals[i];
	return true;
}

/* Remove key; true if it was present. */
bool
idmap_del(struct idmap *m, uint64_t key)
{
	size_t	i = idmap_find(m, key);

	if (i == SIZE_MAX)
		return false;
	m->keys[i] = IDMAP_TOMB;
	m->len--;
	m->tombs++;
	return true;
}

/* Remove every key, keeping the storage. */
void
idmap_clear(struct idmap *m)
{
	if (m->cap != 0)
		memset(m->keys, 0, m->cap * sizeof *m->keys);
	m->len = m->tombs = 0;
}
