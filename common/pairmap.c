/*
 * pairmap.c -- (a, b) -> non-zero uint64 (see pairmap.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "pairmap.h"
#include "xmalloc.h"

/* Home slot hash of the key (a, b). */
static size_t
pairmap_hash(uint64_t a, uint64_t b)
{
	return (size_t)idmap_hash64(a ^ idmap_hash64(b + 0x9e3779b97f4a7c15ULL));
}

/* Slot holding (a, b), or SIZE_MAX. */
static size_t
pairmap_find(const struct pairmap *pm, uint64_t a, uint64_t b)
{
	size_t	mask, i;

	if (pm->cap == 0)
		return SIZE_MAX;
	mask = pm->cap - 1;
	i = pairmap_hash(a, b) & mask;
	while (pm->slots[i].v != 0) {
		if (pm->slots[i].a == a && pm->slots[i].b == b)
			return i;
		i = (i + 1) & mask;
	}
	return SIZE_MAX;
}

/* The value of (a, b), 0 when absent. */
uint64_t
pairmap_get(const struct pairmap *pm, uint64_t a, uint64_t b)
{
	size_t	i = pairmap_find(pm, a, b);

	return i == SIZE_MAX ? 0 : pm->slots[i].v;
}

/* Place a slot into a table known to have room and not to hold its key. */
static void
pairmap_place(struct pairmap *pm, const struct pairmap_slot *s)
{
	size_t	mask = pm->cap - 1, i;

	i = pairmap_hash(s->a, s->b) & mask;
	while (pm->slots[i].v != 0)
		i = (i + 1) & mask;
	pm->slots[i] = *s;
}

/* Double the table (or create it). */
static void
pairmap_grow(struct pairmap *pm)
{
	struct pairmap_slot	*old = pm->slots;
	size_t			 ocap = pm->cap, i;

	pm->cap = ocap == 0 ? 16 : ocap * 2;
	pm->slots = xcalloc(pm->cap, sizeof *pm->slots);
	for (i = 0; i < ocap; i++) {
		if (old[i].v != 0)
			pairmap_place(pm, &old[i]);
	}
	free(old);
}

/* Empty slot i, shifting back the slots whose probe chain crosses it. */
static void
pairmap_remove_at(struct pairmap *pm, size_t i)
{
	size_t	mask = pm->cap - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (pm->slots[j].v == 0)
			break;
		k = pairmap_hash(pm->slots[j].a, pm->slots[j].b) & mask;
		/* A slot whose home lies cyclically in (i, j] must stay. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		pm->slots[i] = pm->slots[j];
		i = j;
	}
	memset(&pm->slots[i], 0, sizeof pm->slots[i]);
	pm->len--;
}

/* Insert (a, b) -> v (v != 0), known to be absent. */
static void
pairmap_insert(struct pairmap *pm, uint64_t a, uint64_t b, uint64_t v)
{
	struct pairmap_slot	s;

	if ((pm->len + 1) * 10 > pm->cap * 7)
		pairmap_grow(pm);
	s.a = a;
	s.b = b;
	s.v = v;
	pairmap_place(pm, &s);
	pm->len++;
}

/* Store v in slot i (SIZE_MAX: absent); v == 0 removes the key. */
static void
pairmap_store(struct pairmap *pm, size_t i, uint64_t a, uint64_t b,
    uint64_t v)
{
	if (i == SIZE_MAX) {
		if (v != 0)
			pairmap_insert(pm, a, b, v);
	} else if (v == 0)
		pairmap_remove_at(pm, i);
	else
		pm->slots[i].v = v;
}

/* Set (a, b) to v; v == 0 removes the key. */
void
pairmap_set(struct pairmap *pm, uint64_t a, uint64_t b, uint64_t v)
{
	pairmap_store(pm, pairmap_find(pm, a, b), a, b, v);
}

/* Add delta to the counter (a, b), never below zero; returns the new value. */
uint64_t
pairmap_add(struct pairmap *pm, uint64_t a, uint64_t b, int64_t delta)
{
	size_t		i = pairmap_find(pm, a, b);
	uint64_t	v = i == SIZE_MAX ? 0 : pm->slots[i].v;

	if (delta < 0 && (uint64_t)-delta >= v)
		v = 0;
	else
		v += (uint64_t)delta;
	pairmap_store(pm, i, a, b, v);
	return v;
}

/* Deep copy of src into dst (dst uninitialised). */
void
pairmap_copy(struct pairmap *dst, const struct pairmap *src)
{
	*dst = *src;
	if (src->cap == 0)
		return;
	dst->slots = xreallocarray(NULL, src->cap, sizeof *dst->slots);
	memcpy(dst->slots, src->slots, src->cap * sizeof *dst->slots);
}

/* Release a pair map's storage. */
void
pairmap_free(struct pairmap *pm)
{
	free(pm->slots);
	memset(pm, 0, sizeof *pm);
}
