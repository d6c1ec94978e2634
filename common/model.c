/*
 * model.c -- the board as a pure reducer: checks, derived fields, apply,
 * followups and privacy.
 *
 * The rules are those of notes/DECISIONS.md ("Model rules", "Followups",
 * "Privacy").  Where that page is silent this file chooses what a demanding
 * facilitator would expect; every such choice says "Choice:" in a comment.
 *
 * Storage: cards, tables and participants live in arrays in id order (ids
 * rise with seq, so appending keeps the order; an out-of-order insert, which
 * only a foreign STATE could cause, shifts and re-indexes).  An idmap gives
 * each id's array index.  The relations live in pair maps keyed by two
 * 64-bit halves (no key packing, so no id range can collide):
 *   votes    (card, participant)      -> dots that participant put on it
 *   used     (table, participant)     -> dots that participant used there
 *   met      (low id, high id)        -> rounds the two sat at one table
 *   clients  (client[0..8], [8..16])  -> participant << 32 | last_op
 * A pair map stores no zero value: 0 is both "absent" and "empty slot",
 * which suits counters and keeps deletion tombstone-free.  Names map to
 * participant ids through a small string hash.  Nothing here depends on the
 * layout of a hash table for its output: model-state.c sorts.
 */
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "model.h"
#include "rotation.h"
#include "text.h"
#include "xmalloc.h"

/* At most this many pairs in one tally (about 60 KB, under a frame). */
#define MODEL_TALLY_MAX		4000

/* One slot of a pair map; v == 0 marks an empty slot. */
struct pairmap_slot {
	uint64_t	 a;
	uint64_t	 b;
	uint64_t	 v;
};

/* (a, b) -> non-zero v, linear probing, backward-shift deletion. */
struct pairmap {
	struct pairmap_slot *slots;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 len;
};

/* Name -> participant id (0 marks an empty slot); names are never removed. */
struct namemap {
	uint32_t	*ids;
	size_t		 cap;
	size_t		 len;
};

struct model_priv {
	struct idmap	 card_idx;	/* card id -> index in m->cards */
	struct idmap	 table_idx;
	struct idmap	 people_idx;	/* participant id -> index */
	struct namemap	 names;
	struct pairmap	 votes;		/* (card, participant) -> dots */
	struct pairmap	 used;		/* (table, participant) -> dots */
	struct pairmap	 met;		/* (low, high) -> rounds together */
	struct pairmap	 clients;	/* client id -> participant, last_op */
	uint32_t	*voters;	/* per card index: people with dots */
	size_t		 cards_cap;
	size_t		 tables_cap;
	size_t		 people_cap;
};

static const uint8_t model_zero_client[PROTO_CLIENT_LEN];

/* ---------------------------------------------------------------- pairs */

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
static uint64_t
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
static void
pairmap_set(struct pairmap *pm, uint64_t a, uint64_t b, uint64_t v)
{
	pairmap_store(pm, pairmap_find(pm, a, b), a, b, v);
}

/* Add delta to the counter (a, b), never below zero; returns the new value. */
static uint64_t
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
static void
pairmap_copy(struct pairmap *dst, const struct pairmap *src)
{
	*dst = *src;
	if (src->cap == 0)
		return;
	dst->slots = xreallocarray(NULL, src->cap, sizeof *dst->slots);
	memcpy(dst->slots, src->slots, src->cap * sizeof *dst->slots);
}

/* Release a pair map's storage. */
static void
pairmap_free(struct pairmap *pm)
{
	free(pm->slots);
	memset(pm, 0, sizeof *pm);
}

/* The pair map key of a client id. */
static void
model_client_key(const uint8_t *client, uint64_t *a, uint64_t *b)
{
	memcpy(a, client, sizeof *a);
	memcpy(b, client + sizeof *a, sizeof *b);
}

/* ---------------------------------------------------------------- names */

/* FNV-1a of a NUL-terminated string. */
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

/*
 * Slot of a name's key (text_name_key) in the map: where it is, or the
 * empty slot it would take.  Names are stored as typed, so each one met on
 * the way is folded again: probes are few, names short.
 */
static size_t
namemap_slot(const struct model *m, const struct namemap *nm, const char *key)
{
	struct model_participant	*p;
	size_t				 mask = nm->cap - 1, i;
	char				*other;
	bool				 same;

	i = (size_t)namemap_hash(key) & mask;
	while (nm->ids[i] != 0) {
		p = model_participant(m, nm->ids[i]);
		if (p != NULL) {
			other = text_name_key(p->name);
			same = strcmp(other, key) == 0;
			free(other);
			if (same)
				return i;
		}
		i = (i + 1) & mask;
	}
	return i;
}

/* Map name to participant id unless someone has it (under its key). */
static void
namemap_put(struct model *m, const char *name, uint32_t id)
{
	struct namemap	*nm = &m->priv->names;
	uint32_t	*old = nm->ids;
	size_t		 ocap = nm->cap, i, j;
	char		*key;

	if ((nm->len + 1) * 10 > nm->cap * 7) {
		nm->cap = ocap == 0 ? 16 : ocap * 2;
		nm->ids = xcalloc(nm->cap, sizeof *nm->ids);
		for (i = 0; i < ocap; i++) {
			if (old[i] == 0)
				continue;
			key = text_name_key(model_participant(m,
			    old[i])->name);
			j = namemap_slot(m, nm, key);
			free(key);
			nm->ids[j] = old[i];
		}
		free(old);
	}
	key = text_name_key(name);
	i = namemap_slot(m, nm, key);
	free(key);
	if (nm->ids[i] != 0)
		return;
	nm->ids[i] = id;
	nm->len++;
}

/* ---------------------------------------------------------------- storage */

/* The string s, or "" for NULL. */
static const char *
model_str(const char *s)
{
	return s != NULL ? s : "";
}

/* Replace an owned string with a copy of s. */
static void
model_set_str(char **dst, const char *s)
{
	char	*n = xstrdup(model_str(s));

	free(*dst);
	*dst = n;
}

/* Code points in s; NULL counts as empty. */
static size_t
model_cps(const char *s)
{
	return s == NULL ? 0 : text_cplen(s);
}

/* Grow an array of *cap elements so it holds at least n + 1. */
static void *
model_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap == 0 ? 16 : *cap * 2;
	return xreallocarray(arr, *cap, size);
}

/* The settings and board fields of a fresh board. */
static void
model_defaults(struct model *m)
{
	memset(&m->settings, 0, sizeof m->settings);
	m->settings.title = xstrdup(m->name);
	m->settings.dots = MODEL_DEFAULT_DOTS;
	m->settings.blind = true;
	m->settings.code = xstrdup("");
	m->settings.keep = MODEL_DEFAULT_KEEP;
	m->phase = PHASE_WELCOME;
	m->round = 1;
	m->banner = xstrdup("");
	m->revealed = true;
	m->follow_view = FOLLOW_NONE;
	m->follow_table = 0;
	m->follow_seq = 0;
	memset(&m->timer, 0, sizeof m->timer);
	m->timer.label = xstrdup("");
	m->head = 0;
	m->created_ms = 0;
}

/* Free everything the board holds, leaving dangling fields. */
static void
model_release(struct model *m)
{
	struct model_priv	*p = m->priv;
	size_t			 i;

	for (i = 0; i < m->ncards; i++) {
		free(m->cards[i].text);
		free(m->cards[i].title);
	}
	free(m->cards);
	for (i = 0; i < m->ntables; i++) {
		free(m->tables[i].question);
		free(m->tables[i].theme);
	}
	free(m->tables);
	for (i = 0; i < m->nparticipants; i++)
		free(m->participants[i].name);
	free(m->participants);
	free(m->settings.title);
	free(m->settings.code);
	free(m->banner);
	free(m->timer.label);

	idmap_free(&p->card_idx);
	idmap_free(&p->table_idx);
	idmap_free(&p->people_idx);
	free(p->names.ids);
	pairmap_free(&p->votes);
	pairmap_free(&p->used);
	pairmap_free(&p->met);
	pairmap_free(&p->clients);
	free(p->voters);
}

/* A new empty board named name, in phase welcome, round 1. */
struct model *
model_new(const char *name)
{
	struct model	*m = xcalloc(1, sizeof *m);
	size_t		 len = strnlen(model_str(name), PROTO_BOARD_MAX);

	memcpy(m->name, model_str(name), len);
	m->name[len] = '\0';
	m->priv = xcalloc(1, sizeof *m->priv);
	idmap_init(&m->priv->card_idx);
	idmap_init(&m->priv->table_idx);
	idmap_init(&m->priv->people_idx);
	/* Choice: tables are capped by default; cards and people are not. */
	m->limits.max_tables = MODEL_DEFAULT_MAX_TABLES;
	model_defaults(m);
	return m;
}

/* Release a board. */
void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	model_release(m);
	free(m->priv);
	free(m);
}

/* Back to an empty board; the name and limits stay. */
void
model_reset(struct model *m)
{
	model_release(m);
	m->cards = NULL;
	m->ncards = m->live_cards = 0;
	m->tables = NULL;
	m->ntables = 0;
	m->participants = NULL;
	m->nparticipants = 0;
	memset(m->priv, 0, sizeof *m->priv);
	idmap_init(&m->priv->card_idx);
	idmap_init(&m->priv->table_idx);
	idmap_init(&m->priv->people_idx);
	model_defaults(m);
}

/* A deep copy (the client predicts pending ops on one). */
struct model *
model_clone(const struct model *src)
{
	const struct model_priv	*sp = src->priv;
	struct model_priv	*p;
	struct model		*m = xmalloc(sizeof *m);
	size_t			 i;

	*m = *src;
	m->settings.title = xstrdup(src->settings.title);
	m->settings.code = xstrdup(src->settings.code);
	m->banner = xstrdup(src->banner);
	m->timer.label = xstrdup(src->timer.label);

	m->cards = xreallocarray(NULL, sp->cards_cap, sizeof *m->cards);
	if (src->ncards != 0)
		memcpy(m->cards, src->cards, src->ncards * sizeof *m->cards);
	for (i = 0; i < m->ncards; i++) {
		m->cards[i].text = xstrdup(src->cards[i].text);
		m->cards[i].title = xstrdup(src->cards[i].title);
	}
	m->tables = xreallocarray(NULL, sp->tables_cap, sizeof *m->tables);
	if (src->ntables != 0)
		memcpy(m->tables, src->tables,
		    src->ntables * sizeof *m->tables);
	for (i = 0; i < m->ntables; i++) {
		m->tables[i].question = xstrdup(src->tables[i].question);
		m->tables[i].theme = xstrdup(src->tables[i].theme);
	}
	m->participants = xreallocarray(NULL, sp->people_cap,
	    sizeof *m->participants);
	if (src->nparticipants != 0)
		memcpy(m->participants, src->participants,
		    src->nparticipants * sizeof *m->participants);
	for (i = 0; i < m->nparticipants; i++)
		m->participants[i].name = xstrdup(src->participants[i].name);

	p = m->priv = xmalloc(sizeof *m->priv);
	*p = *sp;
	idmap_copy(&p->card_idx, &sp->card_idx);
	idmap_copy(&p->table_idx, &sp->table_idx);
	idmap_copy(&p->people_idx, &sp->people_idx);
	if (sp->names.cap != 0) {
		p->names.ids = xreallocarray(NULL, sp->names.cap,
		    sizeof *p->names.ids);
		memcpy(p->names.ids, sp->names.ids,
		    sp->names.cap * sizeof *p->names.ids);
	}
	pairmap_copy(&p->votes, &sp->votes);
	pairmap_copy(&p->used, &sp->used);
	pairmap_copy(&p->met, &sp->met);
	pairmap_copy(&p->clients, &sp->clients);
	p->voters = xreallocarray(NULL, sp->cards_cap, sizeof *p->voters);
	if (src->ncards != 0)
		memcpy(p->voters, sp->voters, src->ncards * sizeof *p->voters);
	return m;
}

/* First index in ids[0..n) whose id is >= id (ids sorted). */
static size_t
model_lower_bound(const void *base, size_t n, size_t size, size_t off,
    uint64_t id)
{
	const uint8_t	*b = base;
	size_t		 lo = 0, hi = n, mid;
	uint64_t	 v;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		memcpy(&v, b + mid * size + off, sizeof v);
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A new live card with this id, text and title ""; NULL if 0 or taken. */
struct model_card *
model_insert_card(struct model *m, uint64_t id)
{
	struct model_priv	*p = m->priv;
	struct model_card	*c;
	size_t			 pos, i, ocap = p->cards_cap;

	if (id == 0 || idmap_get(&p->card_idx, id, NULL))
		return NULL;
	m->cards = model_grow(m->cards, &p->cards_cap, m->ncards,
	    sizeof *m->cards);
	if (p->cards_cap != ocap)
		p->voters = xreallocarray(p->voters, p->cards_cap,
		    sizeof *p->voters);
	pos = m->ncards;
	if (pos > 0 && m->cards[pos - 1].id > id) {
		pos = model_lower_bound(m->cards, m->ncards, sizeof *m->cards,
		    offsetof(struct model_card, id), id);
		memmove(&m->cards[pos + 1], &m->cards[pos],
		    (m->ncards - pos) * sizeof *m->cards);
		memmove(&p->voters[pos + 1], &p->voters[pos],
		    (m->ncards - pos) * sizeof *p->voters);
	}
	m->ncards++;
	c = &m->cards[pos];
	memset(c, 0, sizeof *c);
	c->id = id;
	c->text = xstrdup("");
	c->title = xstrdup("");
	p->voters[pos] = 0;
	for (i = pos; i < m->ncards; i++)
		idmap_put(&p->card_idx, m->cards[i].id, (uint32_t)i);
	m->live_cards++;
	return c;
}

/* A new table with this id and question ""; NULL if 0 or taken. */
struct model_table *
model_insert_table(struct model *m, uint64_t id)
{
	struct model_priv	*p = m->priv;
	struct model_table	*t;
	size_t			 pos, i;

	if (id == 0 || idmap_get(&p->table_idx, id, NULL))
		return NULL;
	m->tables = model_grow(m->tables, &p->tables_cap, m->ntables,
	    sizeof *m->tables);
	pos = m->ntables;
	if (pos > 0 && m->tables[pos - 1].id > id) {
		pos = model_lower_bound(m->tables, m->ntables,
		    sizeof *m->tables, offsetof(struct model_table, id), id);
		memmove(&m->tables[pos + 1], &m->tables[pos],
		    (m->ntables - pos) * sizeof *m->tables);
	}
	m->ntables++;
	t = &m->tables[pos];
	memset(t, 0, sizeof *t);
	t->id = id;
	t->question = xstrdup("");
	t->theme = xstrdup("");
	for (i = pos; i < m->ntables; i++)
		idmap_put(&p->table_idx, m->tables[i].id, (uint32_t)i);
	return t;
}

/* A new participant with this id and name; NULL if 0 or taken. */
struct model_participant *
model_insert_participant(struct model *m, uint32_t id, const char *name)
{
	struct model_priv		*p = m->priv;
	struct model_participant	*pp;
	size_t				 pos, i;

	if (id == 0 || idmap_get(&p->people_idx, id, NULL))
		return NULL;
	m->participants = model_grow(m->participants, &p->people_cap,
	    m->nparticipants, sizeof *m->participants);
	pos = m->nparticipants;
	if (pos > 0 && m->participants[pos - 1].id > id) {
		for (pos = 0; m->participants[pos].id < id; pos++)
			/* nothing */;
		memmove(&m->participants[pos + 1], &m->participants[pos],
		    (m->nparticipants - pos) * sizeof *m->participants);
	}
	m->nparticipants++;
	pp = &m->participants[pos];
	memset(pp, 0, sizeof *pp);
	pp->id = id;
	pp->name = xstrdup(model_str(name));
	pp->role = ROLE_PARTICIPANT;
	for (i = pos; i < m->nparticipants; i++)
		idmap_put(&p->people_idx, m->participants[i].id, (uint32_t)i);
	namemap_put(m, pp->name, id);
	return pp;
}

/* ---------------------------------------------------------------- lookups */

/* Index of card id in m->cards, or SIZE_MAX. */
static size_t
model_card_index(const struct model *m, uint64_t id)
{
	uint32_t	i;

	if (!idmap_get(&m->priv->card_idx, id, &i))
		return SIZE_MAX;
	return i;
}

/* The card with this id, deleted or not; NULL if absent. */
struct model_card *
model_card(const struct model *m, uint64_t id)
{
	size_t	i = model_card_index(m, id);

	return i == SIZE_MAX ? NULL : &m->cards[i];
}

/* The card with this id unless absent or deleted. */
static struct model_card *
model_live_card(const struct model *m, uint64_t id)
{
	struct model_card	*c = model_card(m, id);

	return c == NULL || c->deleted ? NULL : c;
}

/* The table with this id; NULL if absent. */
struct model_table *
model_table(const struct model *m, uint64_t id)
{
	uint32_t	i;

	if (!idmap_get(&m->priv->table_idx, id, &i))
		return NULL;
	return &m->tables[i];
}

/* Index of a table in m->tables, -1 if absent. */
int
model_table_index(const struct model *m, uint64_t id)
{
	uint32_t	i;

	if (!idmap_get(&m->priv->table_idx, id, &i))
		return -1;
	return (int)i;
}

/* The participant with this id; NULL if absent. */
struct model_participant *
model_participant(const struct model *m, uint32_t id)
{
	uint32_t	i;

	if (!idmap_get(&m->priv->people_idx, id, &i))
		return NULL;
	return &m->participants[i];
}

/*
 * The participant whose name is this one under text_name_key (case,
 * compatibility forms, spacing aside); NULL if none.
 */
struct model_participant *
model_participant_by_name(const struct model *m, const char *name)
{
	const struct namemap	*nm = &m->priv->names;
	size_t			 i;
	char			*key;

	if (nm->cap == 0 || name == NULL)
		return NULL;
	key = text_name_key(name);
	i = namemap_slot(m, nm, key);
	free(key);
	if (nm->ids[i] == 0)
		return NULL;
	return model_participant(m, nm->ids[i]);
}

/* The participant of a client id; 0 if never seen. */
uint32_t
model_client_participant(const struct model *m, const uint8_t *client)
{
	uint64_t	a, b;

	model_client_key(client, &a, &b);
	return (uint32_t)(pairmap_get(&m->priv->clients, a, b) >> 32);
}

/* Highest op_id applied for a client id; 0 if never seen. */
uint32_t
model_client_last_op(const struct model *m, const uint8_t *client)
{
	uint64_t	a, b;

	model_client_key(client, &a, &b);
	return (uint32_t)pairmap_get(&m->priv->clients, a, b);
}

/* The id the next joined participant gets. */
uint32_t
model_next_participant(const struct model *m)
{
	if (m->nparticipants == 0)
		return 1;
	return m->participants[m->nparticipants - 1].id + 1;
}

/* Dots participant p put on card c. */
uint32_t
model_votes_of(const struct model *m, uint32_t p, uint64_t c)
{
	return (uint32_t)pairmap_get(&m->priv->votes, c, p);
}

/* Dots participant p used on table t. */
uint32_t
model_dots_used(const struct model *m, uint32_t p, uint64_t t)
{
	return (uint32_t)pairmap_get(&m->priv->used, t, p);
}

/* Participants seated at table t (any role but facilitator). */
uint32_t
model_seated(const struct model *m, uint64_t t)
{
	uint32_t	n = 0;
	size_t		i;

	if (t == 0)
		return 0;
	for (i = 0; i < m->nparticipants; i++) {
		if (m->participants[i].table == t &&
		    m->participants[i].role != ROLE_FACILITATOR)
			n++;
	}
	return n;
}

/* Times participants a and b sat at one table in finished rounds. */
uint32_t
model_met(const struct model *m, uint32_t a, uint32_t b)
{
	if (a == b)
		return 0;
	if (a > b)
		return (uint32_t)pairmap_get(&m->priv->met, b, a);
	return (uint32_t)pairmap_get(&m->priv->met, a, b);
}

/* Milliseconds left on the timer at now_ms. */
uint64_t
model_timer_remaining(const struct model *m, int64_t now)
{
	uint64_t	elapsed;

	if (!m->timer.running || now <= m->timer.ref_ms)
		return m->timer.remaining_ms;
	elapsed = (uint64_t)now - (uint64_t)m->timer.ref_ms;
	if (elapsed >= m->timer.remaining_ms)
		return 0;
	return m->timer.remaining_ms - elapsed;
}

/* True when the round's timer has reached zero. */
static bool
model_timer_zero(const struct model *m, int64_t now)
{
	if (m->timer.ended)
		return true;
	return m->timer.running && model_timer_remaining(m, now) == 0;
}

/* True when card.add is frozen: board closed, locked, or timer at zero. */
bool
model_frozen(const struct model *m, int64_t now)
{
	if (m->phase == PHASE_CLOSED || m->settings.locked)
		return true;
	return m->settings.freeze_at_zero && model_timer_zero(m, now);
}

/* The table with fewest seated participants (first on ties), 0 if none. */
uint64_t
model_least_crowded(const struct model *m)
{
	const struct model_participant	*p;
	uint32_t			*count;
	uint64_t			 best = 0;
	size_t				 i, bi = 0;
	int				 ti;

	if (m->ntables == 0)
		return 0;
	count = xcalloc(m->ntables, sizeof *count);
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		if (p->table == 0 || p->role == ROLE_FACILITATOR)
			continue;
		if ((ti = model_table_index(m, p->table)) >= 0)
			count[ti]++;
	}
	for (i = 1; i < m->ntables; i++) {
		if (count[i] < count[bi])
			bi = i;
	}
	best = m->tables[bi].id;
	free(count);
	return best;
}

/* ---------------------------------------------------------------- check */

/* Set *why and return code. */
static int
model_refuse(const char **why, int code, const char *reason)
{
	*why = reason;
	return code;
}

/* True for the op kinds this version knows. */
static bool
model_kind_known(uint8_t kind)
{
	return (kind >= OP_CARD_ADD && kind <= OP_READY) ||
	    (kind >= OP_TABLE_ADD && kind <= OP_FOLLOW) ||
	    (kind >= OP_JOINED && kind <= OP_REVEAL);
}

/* Obviously malformed ops (REJECT 1 before anything else); 0 if sound. */
static int
model_check_shape(uint32_t who, const struct proto_op *op, const char **why)
{
	if (!model_kind_known(op->kind))
		return model_refuse(why, REJECT_BAD, "unknown op kind");
	if (OP_SERVER_MADE(op->kind) && who != 0)
		return model_refuse(why, REJECT_BAD, "server-made op kind");
	if (op->hidden)
		return model_refuse(why, REJECT_BAD, "hidden op");
	switch (op->kind) {
	case OP_VOTE:
		if (op->delta != 1 && op->delta != -1)
			return model_refuse(why, REJECT_BAD,
			    "vote delta must be +1 or -1");
		break;
	case OP_PHASE:
		if (op->phase >= PHASE_COUNT)
			return model_refuse(why, REJECT_BAD, "unknown phase");
		break;
	case OP_ROLE:
		if (op->role >= ROLE_COUNT)
			return model_refuse(why, REJECT_BAD, "unknown role");
		break;
	case OP_TIMER:
		if (op->action >= TIMER_ACTION_COUNT)
			return model_refuse(why, REJECT_BAD,
			    "unknown timer action");
		break;
	case OP_FOLLOW:
		if (op->view >= FOLLOW_VIEW_COUNT)
			return model_refuse(why, REJECT_BAD,
			    "unknown follow view");
		break;
	case OP_SETTINGS:
		if (op->settings.has == 0)
			return model_refuse(why, REJECT_BAD, "empty settings");
		break;
	}
	return 0;
}

/* REJECT 7 when card, cluster and vote ops are frozen for this author. */
static int
model_check_frozen(const struct model *m, bool fac, const char **why)
{
	if (m->phase == PHASE_CLOSED)
		return model_refuse(why, REJECT_FROZEN, "the board is closed");
	if (!fac && m->settings.locked)
		return model_refuse(why, REJECT_FROZEN, "the board is locked");
	return 0;
}

/* REJECT 5 unless text has min..max code points. */
static int
model_check_len(const char *s, size_t min, size_t max, const char *reason,
    const char **why)
{
	size_t	n = model_cps(s);

	if (n < min || n > max)
		return model_refuse(why, REJECT_LIMIT, reason);
	return 0;
}

/* card.add: seated author, open ideas phase, table, parent, text, room. */
static int
model_check_add(const struct model *m, const struct model_participant *p,
    bool fac, const struct proto_op *op, int64_t now, const char **why)
{
	const struct model_card	*parent = NULL;
	int			 code;

	if (!fac && (op->table == 0 || p->table != op->table))
		return model_refuse(why, REJECT_FORBIDDEN,
		    "not seated at this table");
	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (!fac && m->settings.freeze_at_zero && model_timer_zero(m, now))
		return model_refuse(why, REJECT_FROZEN,
		    "new cards wait for the next round");
	/* Choice: facilitators too (DECISIONS.md names no exemption here). */
	if (m->phase != PHASE_IDEAS)
		return model_refuse(why, REJECT_PHASE,
		    "cards are added in the ideas phase");
	if (model_table(m, op->table) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such table");
	if (op->parent != 0 &&
	    (parent = model_live_card(m, op->parent)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if ((code = model_check_len(op->text, 1, PROTO_CARD_MAX,
	    "card text must be 1 to 500 characters", why)) != 0)
		return code;
	if (m->limits.max_cards != 0 && m->live_cards >= m->limits.max_cards)
		return model_refuse(why, REJECT_LIMIT, "the board is full");
	if (parent != NULL && parent->table != op->table)
		return model_refuse(why, REJECT_BAD,
		    "a reply stays on its card's table");
	return 0;
}

/* card.edit, card.delete, card.move: author or facilitator, live card. */
static int
model_check_own(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	const struct model_card	*c = model_card(m, op->card);
	int			 code;

	/* An unknown card has no author to compare: it is "not found". */
	if (c != NULL && !fac && c->author != who)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "only its author or a facilitator may change a card");
	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (!fac && m->phase != PHASE_IDEAS && m->phase != PHASE_GROUP)
		return model_refuse(why, REJECT_PHASE,
		    "cards change in the ideas and group phases");
	if (c == NULL || c->deleted)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	switch (op->kind) {
	case OP_CARD_EDIT:
		return model_check_len(op->text, 1, PROTO_CARD_MAX,
		    "card text must be 1 to 500 characters", why);
	case OP_CARD_MOVE:
		if (model_table(m, op->table) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such table");
		if (op->table == c->table)
			return model_refuse(why, REJECT_BAD,
			    "the card is already there");
		break;
	}
	return 0;
}

/* card.group and cluster.title: group phase, live cards, one table. */
static int
model_check_cluster(const struct model *m, bool fac,
    const struct proto_op *op, const char **why)
{
	const struct model_card	*c, *h = NULL;
	int			 code;

	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (m->phase != PHASE_GROUP)
		return model_refuse(why, REJECT_PHASE,
		    "cards are grouped in the group phase");
	if (op->kind == OP_CLUSTER_TITLE) {
		if (model_live_card(m, op->head) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such card");
		return model_check_len(op->text, 0, PROTO_CTITLE_MAX,
		    "a cluster title has at most 80 characters", why);
	}
	if ((c = model_live_card(m, op->card)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if (op->head != 0 && (h = model_live_card(m, op->head)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if (h != NULL && (h->id == c->id || h->table != c->table))
		return model_refuse(why, REJECT_BAD,
		    "a card groups under another card of its table");
	return 0;
}

/* vote: a person, vote phase, live card, dots left. */
static int
model_check_vote(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	const struct model_card	*c;
	int			 code;

	if (who == 0)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "only participants vote");
	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (m->phase != PHASE_VOTE)
		return model_refuse(why, REJECT_PHASE,
		    "votes are cast in the vote phase");
	if ((c = model_live_card(m, op->card)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if (op->delta > 0) {
		if (model_dots_used(m, who, c->table) >= m->settings.dots)
			return model_refuse(why, REJECT_LIMIT,
			    "no dots left for this question");
		if (!m->settings.multi_vote &&
		    model_votes_of(m, who, c->id) > 0)
			return model_refuse(why, REJECT_LIMIT,
			    "one dot per card");
	} else if (model_votes_of(m, who, c->id) == 0)
		return model_refuse(why, REJECT_LIMIT, "no dot to take back");
	return 0;
}

/* table.sit: self, or someone else by a facilitator; table 0 stands up. */
static int
model_check_sit(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	uint32_t	target = op->participant != 0 ? op->participant : who;

	if (target != who && !fac)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "only a facilitator seats someone else");
	if (!fac && m->settings.locked)
		return model_refuse(why, REJECT_FROZEN, "the board is locked");
	if (op->table != 0 && model_table(m, op->table) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such table");
	if (target == 0 || model_participant(m, target) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND,
		    "no such participant");
	return 0;
}

/* timer: the action's own preconditions (facilitator already checked). */
static int
model_check_timer(const struct model *m, const struct proto_op *op,
    const char **why)
{
	int64_t	s = op->seconds;
	int	code;

	switch (op->action) {
	case TIMER_START:
		if ((code = model_check_len(op->text, 0, PROTO_LABEL_MAX,
		    "a timer label has at most 80 characters", why)) != 0)
			return code;
		if (s < 1 || s > PROTO_TIMER_MAX)
			return model_refuse(why, REJECT_BAD,
			    "a timer runs 1 s to 24 h");
		break;
	case TIMER_PAUSE:
		if (!m->timer.running)
			return model_refuse(why, REJECT_BAD,
			    "the timer is not running");
		break;
	case TIMER_RESUME:
		if (m->timer.running || m->timer.remaining_ms == 0)
			return model_refuse(why, REJECT_BAD,
			    "no paused timer to resume");
		break;
	case TIMER_ADD:
		if (s == 0 || s > PROTO_TIMER_MAX || s < -PROTO_TIMER_MAX)
			return model_refuse(why, REJECT_BAD,
			    "add 1 s to 24 h, or remove as much");
		if (!m->timer.running && m->timer.remaining_ms == 0)
			return model_refuse(why, REJECT_BAD,
			    "no timer to change");
		break;
	}
	return 0;
}

/* settings: each present key within its limits. */
static int
model_check_settings(const struct proto_settings *s, const char **why)
{
	int	code;

	if ((s->has & SET_TITLE) && (code = model_check_len(s->title, 1,
	    PROTO_TITLE_MAX, "a board title has 1 to 120 characters",
	    why)) != 0)
		return code;
	if ((s->has & SET_DOTS) && (s->dots < 1 || s->dots > PROTO_DOTS_MAX))
		return model_refuse(why, REJECT_LIMIT, "dots are 1 to 99");
	if ((s->has & SET_KEEP) && (s->keep < 1 || s->keep > 99))
		return model_refuse(why, REJECT_LIMIT,
		    "ideas kept are 1 to 99");
	if (s->has & SET_CODE)
		return model_check_len(s->code, 0, PROTO_CODE_MAX,
		    "a join code has at most 64 characters", why);
	return 0;
}

/* Server-made kinds, when the server checks its own (who == 0). */
static int
model_check_server(const struct model *m, const struct proto_op *op,
    const char **why)
{
	enum text_name_status	st;

	switch (op->kind) {
	case OP_JOINED:
		if (op->participant == 0 ||
		    model_participant(m, op->participant) != NULL)
			return model_refuse(why, REJECT_BAD,
			    "participant id taken");
		if (m->limits.max_participants != 0 &&
		    m->nparticipants >= m->limits.max_participants)
			return model_refuse(why, REJECT_LIMIT,
			    "the board is full");
		if (model_participant_by_name(m, model_str(op->text)) != NULL)
			return model_refuse(why, REJECT_BAD, "name taken");
		if (model_check_len(op->text, PROTO_NAME_MIN, PROTO_NAME_MAX,
		    "a name has 1 to 32 characters", why) != 0)
			return REJECT_LIMIT;
		st = text_name_check(model_str(op->text),
		    strlen(model_str(op->text)));
		if (st != TEXT_NAME_OK)
			return model_refuse(why, REJECT_BAD,
			    text_name_reason(st));
		break;
	case OP_REVEAL:
		if (model_live_card(m, op->card) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such card");
		break;
	}
	return 0;
}

/*
 * May participant who (0: the server itself) make this op now?  Returns 0, or
 * the REJECT code with *why set to a static English reason.
 *
 * Order: malformed (1), who/role (2), frozen (7), phase (4), existence (3),
 * limits (5), shape (1).  The server (who 0) has a facilitator's powers but
 * casts no vote and has no seat or ready flag of its own.
 */
int
model_check(const struct model *m, uint32_t who, const struct proto_op *op,
    int64_t now, const char **why)
{
	const struct model_participant	*p = NULL;
	const char			*dummy;
	bool				 fac;
	int				 code;

	if (why == NULL)
		why = &dummy;
	if ((code = model_check_shape(who, op, why)) != 0)
		return code;
	if (who != 0 && (p = model_participant(m, who)) == NULL)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "unknown participant");
	fac = p == NULL || p->role == ROLE_FACILITATOR;

	if (OP_SERVER_MADE(op->kind))
		return model_check_server(m, op, why);
	switch (op->kind) {
	case OP_CARD_ADD:
		return model_check_add(m, p, fac, op, now, why);
	case OP_CARD_EDIT:
	case OP_CARD_DELETE:
	case OP_CARD_MOVE:
		return model_check_own(m, who, fac, op, why);
	case OP_CARD_GROUP:
	case OP_CLUSTER_TITLE:
		return model_check_cluster(m, fac, op, why);
	case OP_VOTE:
		return model_check_vote(m, who, fac, op, why);
	case OP_TABLE_SIT:
		return model_check_sit(m, who, fac, op, why);
	case OP_READY:
		if (who == 0)
			return model_refuse(why, REJECT_FORBIDDEN,
			    "only participants are ready");
		return 0;
	}

	/* Everything below is the facilitator's. */
	if (!fac)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "only a facilitator may do this");
	switch (op->kind) {
	case OP_TABLE_ADD:
		if ((code = model_check_len(op->text, 1, PROTO_QUESTION_MAX,
		    "a question has 1 to 300 characters", why)) != 0)
			return code;
		if (op->theme != NULL && (code = model_check_len(op->theme, 0,
		    PROTO_THEME_MAX, "a theme has at most 80 characters",
		    why)) != 0)
			return code;
		if (m->limits.max_tables != 0 &&
		    m->ntables >= m->limits.max_tables)
			return model_refuse(why, REJECT_LIMIT,
			    "no more tables");
		return 0;
	case OP_TABLE_EDIT:
		if (model_table(m, op->table) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such table");
		if (op->theme != NULL && (code = model_check_len(op->theme, 0,
		    PROTO_THEME_MAX, "a theme has at most 80 characters",
		    why)) != 0)
			return code;
		return model_check_len(op->text, 1, PROTO_QUESTION_MAX,
		    "a question has 1 to 300 characters", why);
	case OP_TIMER:
		return model_check_timer(m, op, why);
	case OP_BANNER:
		return model_check_len(op->text, 0, PROTO_BANNER_MAX,
		    "a banner has at most 200 characters", why);
	case OP_ROTATE:
		if (m->ntables == 0)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no table to rotate to");
		return 0;
	case OP_KEEP:
		if (m->phase == PHASE_CLOSED)
			return model_refuse(why, REJECT_FROZEN,
			    "the board is closed");
		if (model_live_card(m, op->card) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such card");
		return 0;
	case OP_SETTINGS:
		return model_check_settings(&op->settings, why);
	case OP_ROLE:
		if (model_participant(m, op->participant) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such participant");
		return 0;
	case OP_FOLLOW:
		if (op->view == FOLLOW_TABLE &&
		    model_table(m, op->table) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such table");
		/* Choice: a table with another view is malformed. */
		if (op->view != FOLLOW_TABLE && op->table != 0)
			return model_refuse(why, REJECT_BAD,
			    "only the table view names a table");
		return 0;
	}
	return 0;			/* phase: nothing more to check */
}

/* ---------------------------------------------------------------- prepare */

/* The encounter callback rotation_compute reads. */
static uint32_t
model_met_cb(uint32_t a, uint32_t b, void *arg)
{
	return model_met(arg, a, b);
}

/* Fill a rotate's pairs from the current seating and history. */
static void
model_prepare_rotate(const struct model *m, struct proto_op *op)
{
	const struct model_participant	*p;
	struct rotation_person		*people;
	struct rotation_in		 in;
	struct proto_pair		*out = NULL;
	uint64_t			*tables;
	size_t				 i, n = 0;

	tables = xreallocarray(NULL, m->ntables + 1, sizeof *tables);
	for (i = 0; i < m->ntables; i++)
		tables[i] = m->tables[i].id;
	people = xreallocarray(NULL, m->nparticipants + 1, sizeof *people);
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		if (p->table == 0 || p->role == ROLE_FACILITATOR ||
		    model_table(m, p->table) == NULL)
			continue;
		people[n].id = p->id;
		people[n].table = p->table;
		people[n].host = p->role == ROLE_HOST;
		n++;
	}
	memset(&in, 0, sizeof in);
	in.tables = tables;
	in.ntables = m->ntables;
	in.people = people;
	in.npeople = n;
	in.met = model_met_cb;
	in.met_arg = (void *)m;
	op->pairs = NULL;
	op->npairs = 0;
	if (rotation_compute(&in, &out) == 0) {
		op->pairs = out;
		op->npairs = (uint32_t)n;
	} else
		free(out);
	free(people);
	free(tables);
}

/*
 * Server side, after model_check: fill in the fields the server derives
 * (timer remaining_ms and running; rotate pairs).
 */
void
model_prepare(const struct model *m, struct proto_op *op, int64_t now)
{
	uint64_t	rem;
	int64_t		v;

	switch (op->kind) {
	case OP_TIMER:
		rem = model_timer_remaining(m, now);
		switch (op->action) {
		case TIMER_START:
			op->remaining_ms = (uint64_t)op->seconds * 1000;
			op->running = true;
			break;
		case TIMER_PAUSE:
			op->remaining_ms = rem;
			op->running = false;
			break;
		case TIMER_RESUME:
			op->remaining_ms = m->timer.remaining_ms;
			op->running = true;
			break;
		case TIMER_ADD:
			v = (int64_t)rem + (int64_t)op->seconds * 1000;
			op->remaining_ms = v < 0 ? 0 : (uint64_t)v;
			op->running = m->timer.running;
			break;
		default:
			op->remaining_ms = 0;
			op->running = false;
			break;
		}
		break;
	case OP_ROTATE:
		model_prepare_rotate(m, op);
		break;
	}
}

/* Free what model_prepare allocated in op. */
void
model_op_clear(struct proto_op *op)
{
	free(op->pairs);
	op->pairs = NULL;
	op->npairs = 0;
}

/* ---------------------------------------------------------------- apply */

/* Record client's op for exactly-once: last_op = max, participant = who. */
static void
model_note_client(struct model *m, const uint8_t *client, uint32_t who,
    uint32_t op_id)
{
	struct model_participant	*p;
	uint64_t			 a, b, v;
	uint32_t			 owner, last;

	if (memcmp(client, model_zero_client, PROTO_CLIENT_LEN) == 0)
		return;
	model_client_key(client, &a, &b);
	v = pairmap_get(&m->priv->clients, a, b);
	owner = who != 0 ? who : (uint32_t)(v >> 32);
	last = (uint32_t)v > op_id ? (uint32_t)v : op_id;
	pairmap_set(&m->priv->clients, a, b, (uint64_t)owner << 32 | last);
	/* A participant taken over by name carries their new client id. */
	if (who != 0 && (p = model_participant(m, who)) != NULL)
		memcpy(p->client, client, PROTO_CLIENT_LEN);
}

/* Give back every dot on card i: per-participant, per-table and total. */
static void
model_refund(struct model *m, size_t i)
{
	struct model_priv	*p = m->priv;
	struct model_card	*c = &m->cards[i];
	struct pairmap_slot	*hits;
	size_t			 n = 0, k;

	if (p->voters[i] != 0) {
		/*
		 * The voters of a card are found by a scan of the votes map:
		 * deletes and moves of voted cards are rare, and a per-card
		 * index would cost memory on every card.
		 */
		hits = xreallocarray(NULL, p->voters[i], sizeof *hits);
		for (k = 0; k < p->votes.cap && n < p->voters[i]; k++) {
			if (p->votes.slots[k].v != 0 &&
			    p->votes.slots[k].a == c->id)
				hits[n++] = p->votes.slots[k];
		}
		for (k = 0; k < n; k++) {
			pairmap_add(&p->used, c->table, hits[k].b,
			    -(int64_t)hits[k].v);
			pairmap_set(&p->votes, c->id, hits[k].b, 0);
		}
		free(hits);
		p->voters[i] = 0;
	}
	c->votes = 0;
	if (!m->settings.blind || m->revealed)
		c->shown = 0;
}

/* Ungroup every card grouped under head. */
static void
model_ungroup(struct model *m, uint64_t head)
{
	size_t	i;

	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].head == head)
			m->cards[i].head = 0;
	}
}

/* card.add: a new card, id = seq. */
static void
model_apply_add(struct model *m, const struct proto_event *ev, int64_t time)
{
	struct model_card	*c;

	if ((c = model_insert_card(m, ev->seq)) == NULL)
		return;
	c->table = ev->op.table;
	c->parent = ev->op.parent;
	c->author = ev->origin;
	model_set_str(&c->text, ev->op.text);
	c->created_ms = time;
	c->hidden = m->settings.private_writing && m->phase == PHASE_IDEAS;
}

/* card.edit: new text (maybe "" when hidden from this replica). */
static void
model_apply_edit(struct model *m, const struct proto_op *op)
{
	struct model_card	*c;

	if ((c = model_live_card(m, op->card)) == NULL)
		return;
	model_set_str(&c->text, op->text);
	c->edited = true;
	c->hidden = m->settings.private_writing && m->phase == PHASE_IDEAS;
}

/*
 * card.delete.  Choice: the card also loses its hidden flag (nothing left to
 * reveal), its cluster title and its own place in a cluster; replies keep
 * their parent so they show under a "deleted" placeholder.
 */
static void
model_apply_delete(struct model *m, const struct proto_op *op)
{
	struct model_card	*c;
	size_t			 i = model_card_index(m, op->card);

	if (i == SIZE_MAX || m->cards[i].deleted)
		return;
	model_refund(m, i);
	c = &m->cards[i];
	model_ungroup(m, c->id);
	c->deleted = true;
	c->kept = false;
	c->hidden = false;
	c->head = 0;
	model_set_str(&c->text, "");
	model_set_str(&c->title, "");
	m->live_cards--;
}

/* card.move: to another table, leaving its cluster, parent and replies. */
static void
model_apply_move(struct model *m, const struct proto_op *op)
{
	struct model_card	*c;
	size_t			 i = model_card_index(m, op->card), k;

	if (i == SIZE_MAX || m->cards[i].deleted)
		return;
	model_refund(m, i);		/* before the table changes */
	c = &m->cards[i];
	model_ungroup(m, c->id);
	/* Replies are younger than their parent: only later ids. */
	for (k = i + 1; k < m->ncards; k++) {
		if (m->cards[k].parent == c->id)
			m->cards[k].parent = 0;
	}
	c->table = op->table;
	c->parent = 0;
	c->head = 0;
}

/*
 * card.group.  Clusters are flat: a head that is itself grouped stands for
 * its own head, and the card's members follow it.  Choice: grouping a head
 * under one of its own members makes that member the head of the cluster
 * (the only way to change a cluster's head), and the title goes with it.
 * Choice: ungrouping a head (head 0) dissolves its cluster.
 */
static void
model_apply_group(struct model *m, const struct proto_op *op)
{
	struct model_card	*c, *h = NULL, *x;
	uint64_t		 head = op->head;
	size_t			 i;

	if ((c = model_live_card(m, op->card)) == NULL)
		return;
	if (head != 0) {
		if ((h = model_live_card(m, head)) == NULL)
			return;
		if (h->head != 0)
			head = h->head;
	}
	if (head == c->id) {
		if (h == NULL || h == c)
			return;
		for (i = 0; i < m->ncards; i++) {
			x = &m->cards[i];
			if (x->head == c->id && x != h)
				x->head = h->id;
		}
		h->head = 0;
		c->head = h->id;
		if (*c->title != '\0') {
			free(h->title);
			h->title = c->title;
			c->title = xstrdup("");
		}
		return;
	}
	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].head == c->id)
			m->cards[i].head = head;
	}
	c->head = head;
}

/*
 * cluster.title.  Choice: titling a grouped card titles its cluster (the
 * card's head), so that a title never sits on a member.
 */
static void
model_apply_title(struct model *m, const struct proto_op *op)
{
	struct model_card	*c, *h;

	if ((c = model_live_card(m, op->head)) == NULL)
		return;
	if (c->head != 0 && (h = model_live_card(m, c->head)) != NULL)
		c = h;
	model_set_str(&c->title, op->text);
}

/* vote: totals always, per-participant counts when the origin is known. */
static void
model_apply_vote(struct model *m, const struct proto_event *ev)
{
	struct model_priv	*p = m->priv;
	struct model_card	*c;
	uint64_t		 before, after;
	int64_t			 d = ev->op.delta;
	size_t			 i = model_card_index(m, ev->op.card);

	if (i == SIZE_MAX || m->cards[i].deleted || d == 0)
		return;
	c = &m->cards[i];
	/* A replica may know fewer dots than it sees taken back. */
	if (d > 0)
		c->votes += (uint32_t)d;
	else
		c->votes = (uint64_t)-d >= c->votes ? 0 : c->votes -
		    (uint32_t)-d;
	if (ev->origin != 0) {
		before = pairmap_get(&p->votes, c->id, ev->origin);
		after = pairmap_add(&p->votes, c->id, ev->origin, d);
		if (before == 0 && after != 0)
			p->voters[i]++;
		else if (before != 0 && after == 0)
			p->voters[i]--;
		pairmap_add(&p->used, c->table, ev->origin,
		    (int64_t)after - (int64_t)before);
	}
	if (!m->settings.blind || m->revealed)
		c->shown = c->votes;
}

/* table.sit: the event names who (0 or absent: its origin). */
static void
model_apply_sit(struct model *m, const struct proto_event *ev)
{
	struct model_participant	*p;
	uint32_t			 who = ev->op.participant;

	if (who == 0)
		who = ev->origin;
	if ((p = model_participant(m, who)) == NULL)
		return;
	if (ev->op.table != 0 && model_table(m, ev->op.table) == NULL)
		return;
	p->table = ev->op.table;
}

/* Add 1 to met for every two people in people[0..n) (one table). */
static void
model_meet_all(struct model *m, const uint32_t *people, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (people[i] < people[j])
				pairmap_add(&m->priv->met, people[i],
				    people[j], 1);
			else
				pairmap_add(&m->priv->met, people[j],
				    people[i], 1);
		}
	}
}

/* Order (table, participant) pairs. */
static int
model_cmp_seat(const void *a, const void *b)
{
	const struct proto_pair	*x = a, *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

/* rotate: count who met, then seat everyone as the pairs say. */
static void
model_apply_rotate(struct model *m, const struct proto_op *op)
{
	struct model_participant	*p;
	struct proto_pair		*seats;
	uint32_t			*group;
	size_t				 i, j, n = 0, g;

	seats = xreallocarray(NULL, m->nparticipants + 1, sizeof *seats);
	group = xreallocarray(NULL, m->nparticipants + 1, sizeof *group);
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		if (p->table == 0 || p->role == ROLE_FACILITATOR)
			continue;
		seats[n].a = p->table;
		seats[n].b = p->id;
		n++;
	}
	qsort(seats, n, sizeof *seats, model_cmp_seat);
	for (i = 0; i < n; i = j) {
		g = 0;
		for (j = i; j < n && seats[j].a == seats[i].a; j++)
			group[g++] = (uint32_t)seats[j].b;
		model_meet_all(m, group, g);
	}
	free(group);
	free(seats);

	for (i = 0; i < op->npairs; i++) {
		if (op->pairs[i].a > UINT32_MAX)
			continue;
		p = model_participant(m, (uint32_t)op->pairs[i].a);
		if (p == NULL)
			continue;		/* unknown here: ignored */
		if (op->pairs[i].b != 0 &&
		    model_table(m, op->pairs[i].b) == NULL)
			continue;
		p->table = op->pairs[i].b;
	}
	m->round++;
	for (i = 0; i < m->nparticipants; i++)
		m->participants[i].ready = false;
	m->timer.ended = false;
}

/* phase: every ready flag drops; a blind vote starts hidden. */
static void
model_apply_phase(struct model *m, const struct proto_op *op)
{
	size_t	i;

	if (op->phase >= PHASE_COUNT)
		return;
	if (op->phase == PHASE_VOTE && m->phase != PHASE_VOTE &&
	    m->settings.blind)
		m->revealed = false;
	m->phase = op->phase;
	for (i = 0; i < m->nparticipants; i++)
		m->participants[i].ready = false;
}

/* settings: each key present; turning blind on during a vote hides it. */
static void
model_apply_settings(struct model *m, const struct proto_settings *s)
{
	struct model_settings	*ms = &m->settings;

	if (s->has & SET_TITLE)
		model_set_str(&ms->title, s->title);
	if (s->has & SET_DOTS)
		ms->dots = s->dots;
	if (s->has & SET_MULTI_VOTE)
		ms->multi_vote = s->multi_vote;
	if (s->has & SET_BLIND) {
		if (s->blind && !ms->blind && m->phase == PHASE_VOTE)
			m->revealed = false;
		ms->blind = s->blind;
	}
	if (s->has & SET_PRIVATE)
		ms->private_writing = s->private_writing;
	if (s->has & SET_ANONYMOUS)
		ms->anonymous = s->anonymous;
	if (s->has & SET_FREEZE)
		ms->freeze_at_zero = s->freeze_at_zero;
	if (s->has & SET_CODE)
		model_set_str(&ms->code, s->code);
	if (s->has & SET_LOCKED)
		ms->locked = s->locked;
	if (s->has & SET_KEEP)
		ms->keep = s->keep;
}

/* joined: a new participant, with their client id when it is known. */
static void
model_apply_joined(struct model *m, const struct proto_op *op, int64_t time)
{
	struct model_participant	*p;
	uint64_t			 a, b, v;

	if ((p = model_insert_participant(m, op->participant,
	    op->text)) == NULL)
		return;
	p->joined_ms = time;
	if (memcmp(op->client, model_zero_client, PROTO_CLIENT_LEN) == 0)
		return;
	memcpy(p->client, op->client, PROTO_CLIENT_LEN);
	model_client_key(op->client, &a, &b);
	v = pairmap_get(&m->priv->clients, a, b);
	pairmap_set(&m->priv->clients, a, b,
	    (uint64_t)op->participant << 32 | (uint32_t)v);
}

/* tally: the published totals; the vote is no longer blind. */
static void
model_apply_tally(struct model *m, const struct proto_op *op)
{
	struct model_card	*c;
	size_t			 i;

	for (i = 0; i < op->npairs; i++) {
		if ((c = model_card(m, op->pairs[i].a)) == NULL)
			continue;
		c->votes = c->shown = (uint32_t)op->pairs[i].b;
	}
	m->revealed = true;
}

/*
 * Apply one event.  Returns 0, or -1 when ev->seq is not head + 1.  Events
 * are authoritative: nothing is re-checked, but what a replica does not
 * know (an unknown card or participant) is skipped rather than invented.
 */
int
model_apply(struct model *m, const struct proto_event *ev, int64_t time,
    const uint8_t *client)
{
	const struct proto_op		*op = &ev->op;
	struct model_participant	*p;
	struct model_table		*t;
	struct model_card		*c;

	if (ev->seq != m->head + 1)
		return -1;
	if (m->head == 0 && m->created_ms == 0)
		m->created_ms = time;
	m->head = ev->seq;
	if (client != NULL && ev->op_id != 0)
		model_note_client(m, client, ev->origin, ev->op_id);
	if (op->hidden)
		return 0;

	switch (op->kind) {
	case OP_CARD_ADD:
		model_apply_add(m, ev, time);
		break;
	case OP_CARD_EDIT:
		model_apply_edit(m, op);
		break;
	case OP_CARD_DELETE:
		model_apply_delete(m, op);
		break;
	case OP_CARD_MOVE:
		model_apply_move(m, op);
		break;
	case OP_CARD_GROUP:
		model_apply_group(m, op);
		break;
	case OP_CLUSTER_TITLE:
		model_apply_title(m, op);
		break;
	case OP_VOTE:
		model_apply_vote(m, ev);
		break;
	case OP_TABLE_SIT:
		model_apply_sit(m, ev);
		break;
	case OP_READY:
		if ((p = model_participant(m, ev->origin)) != NULL)
			p->ready = op->flag;
		break;
	case OP_TABLE_ADD:
		if ((t = model_insert_table(m, ev->seq)) != NULL) {
			model_set_str(&t->question, op->text);
			model_set_str(&t->theme, op->theme);
			t->created_ms = time;
		}
		break;
	case OP_TABLE_EDIT:
		/* An edit without a theme keeps the table's theme. */
		if ((t = model_table(m, op->table)) != NULL) {
			model_set_str(&t->question, op->text);
			if (op->theme != NULL && op->theme[0] != '\0')
				model_set_str(&t->theme, op->theme);
		}
		break;
	case OP_PHASE:
		model_apply_phase(m, op);
		break;
	case OP_TIMER:
		m->timer.remaining_ms = op->remaining_ms;
		m->timer.running = op->running;
		m->timer.ref_ms = time;
		if (op->action == TIMER_START)
			model_set_str(&m->timer.label, op->text);
		/* Choice: a stop leaves "ended" (and so the freeze) as is. */
		if (op->running)
			m->timer.ended = false;
		break;
	case OP_BANNER:
		model_set_str(&m->banner, op->text);
		break;
	case OP_ROTATE:
		model_apply_rotate(m, op);
		break;
	case OP_KEEP:
		if ((c = model_live_card(m, op->card)) != NULL)
			c->kept = op->flag;
		break;
	case OP_SETTINGS:
		model_apply_settings(m, &op->settings);
		break;
	case OP_ROLE:
		if ((p = model_participant(m, op->participant)) != NULL &&
		    op->role < ROLE_COUNT)
			p->role = op->role;
		break;
	case OP_FOLLOW:
		m->follow_view = op->view;
		m->follow_table = op->table;
		m->follow_seq = ev->seq;
		break;
	case OP_JOINED:
		model_apply_joined(m, op, time);
		break;
	case OP_TIMER_END:
		m->timer.running = false;
		m->timer.remaining_ms = 0;
		m->timer.ref_ms = time;
		m->timer.ended = true;
		model_set_str(&m->timer.label, op->text);
		break;
	case OP_TALLY:
		model_apply_tally(m, op);
		break;
	case OP_REVEAL:
		if ((c = model_live_card(m, op->card)) != NULL) {
			model_set_str(&c->text, op->text);
			c->hidden = false;
		}
		break;
	default:
		break;			/* a newer server's kind: head only */
	}
	return 0;
}

/* ---------------------------------------------------------------- followups */

/* Append a zeroed op of this kind to the array *ops of *n (capacity *cap). */
static struct proto_op *
model_push_op(struct proto_op **ops, size_t *n, size_t *cap, uint8_t kind)
{
	struct proto_op	*op;

	*ops = model_grow(*ops, cap, *n, sizeof **ops);
	op = &(*ops)[(*n)++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	return op;
}

/*
 * Server side, after applying ev: the server-made ops that must follow it.
 *
 * Both conditions are read from the state after ev, which is equivalent to
 * "went from true to false through ev" on the server (which emits the
 * followups at once): a card can only be hidden while writing is private,
 * and the tally is only withheld while a blind vote is open.
 */
size_t
model_followups(const struct model *m, const struct proto_event *ev,
    struct proto_op **out)
{
	const struct model_card	*c;
	struct proto_op		*ops = NULL, *op = NULL;
	size_t			 n = 0, cap = 0, i;

	if (ev->op.kind != OP_PHASE && ev->op.kind != OP_SETTINGS)
		return 0;

	if (!(m->settings.private_writing && m->phase == PHASE_IDEAS)) {
		for (i = 0; i < m->ncards; i++) {
			c = &m->cards[i];
			if (c->deleted || !c->hidden)
				continue;
			op = model_push_op(&ops, &n, &cap, OP_REVEAL);
			op->card = c->id;
			op->text = xstrdup(c->text);
		}
	}

	if (!m->revealed && (m->phase != PHASE_VOTE || !m->settings.blind)) {
		op = NULL;
		for (i = 0; i < m->ncards; i++) {
			c = &m->cards[i];
			if (c->deleted || (c->votes == c->shown &&
			    c->votes == 0))
				continue;
			if (op == NULL || op->npairs == MODEL_TALLY_MAX) {
				op = model_push_op(&ops, &n, &cap, OP_TALLY);
				op->pairs = xreallocarray(NULL,
				    MODEL_TALLY_MAX, sizeof *op->pairs);
			}
			op->pairs[op->npairs].a = c->id;
			op->pairs[op->npairs].b = c->votes;
			op->npairs++;
		}
		/* An empty tally still tells every replica it is revealed. */
		if (op == NULL)
			model_push_op(&ops, &n, &cap, OP_TALLY);
	}

	if (n == 0)
		return 0;
	*out = ops;
	return n;
}

/* Free ops made by model_followups. */
void
model_ops_free(struct proto_op *ops, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(ops[i].text);
		free(ops[i].pairs);
	}
	free(ops);
}

/* ---------------------------------------------------------------- privacy */

/*
 * Which variant of ev participant viewer receives.  Viewer 0 (the log, the
 * server) is SELF: the whole event.  Choice: the author of a card is SELF
 * for a card.edit of it, so that a facilitator fixing a private card does
 * not blank it on its own author's screen.
 */
enum model_audience
model_audience(const struct model *m, const struct proto_event *ev,
    uint32_t viewer)
{
	const struct model_participant	*p;
	const struct model_card		*c;

	if (viewer == 0)
		return AUDIENCE_SELF;
	if (viewer == MODEL_OBSERVER)
		return AUDIENCE_FACILITATOR;
	if (ev->op.kind == OP_JOINED) {
		if (viewer == ev->op.participant)
			return AUDIENCE_SELF;
	} else if (viewer == ev->origin)
		return AUDIENCE_SELF;
	if (ev->op.kind == OP_CARD_EDIT &&
	    (c = model_card(m, ev->op.card)) != NULL && c->author == viewer)
		return AUDIENCE_SELF;
	if ((p = model_participant(m, viewer)) != NULL &&
	    p->role == ROLE_FACILITATOR)
		return AUDIENCE_FACILITATOR;
	return AUDIENCE_PUBLIC;
}

/* True when the text that ev carries is private (read after ev). */
static bool
model_text_hidden(const struct model *m, const struct proto_event *ev)
{
	const struct model_card	*c;
	uint64_t		 id;

	id = ev->op.kind == OP_CARD_ADD ? ev->seq : ev->op.card;
	if ((c = model_card(m, id)) != NULL)
		return c->hidden;
	return m->settings.private_writing && m->phase == PHASE_IDEAS;
}

/*
 * The variant of ev for an audience: a shallow copy of ev; strings it
 * changes point to static storage.  Evaluated on the state right after ev.
 */
void
model_redact(const struct model *m, const struct proto_event *ev,
    enum model_audience audience, struct proto_event *out)
{
	*out = *ev;
	if (audience == AUDIENCE_SELF)
		return;

	switch (ev->op.kind) {
	case OP_VOTE:
		out->origin = 0;
		out->op_id = 0;
		if (audience == AUDIENCE_PUBLIC && m->settings.blind &&
		    !m->revealed) {
			memset(&out->op, 0, sizeof out->op);
			out->op.kind = OP_VOTE;
			out->op.hidden = true;
		}
		break;
	case OP_CARD_ADD:
	case OP_CARD_EDIT:
	case OP_CARD_DELETE:
	case OP_CARD_MOVE:
		if (audience != AUDIENCE_PUBLIC)
			break;
		if ((ev->op.kind == OP_CARD_ADD ||
		    ev->op.kind == OP_CARD_EDIT) && model_text_hidden(m, ev))
			out->op.text = (char *)"";
		if (m->settings.anonymous) {
			out->origin = 0;
			out->op_id = 0;
		}
		break;
	case OP_JOINED:
		memset(out->op.client, 0, PROTO_CLIENT_LEN);
		break;
	}
}

/* ------------------------------------------------------------ raw access */

/* Order votes by participant, then card. */
static int
model_cmp_vote(const void *a, const void *b)
{
	const struct model_vote_rec	*x = a, *y = b;

	if (x->participant != y->participant)
		return x->participant < y->participant ? -1 : 1;
	if (x->card != y->card)
		return x->card < y->card ? -1 : 1;
	return 0;
}

/* Dots by (participant, card), sorted; participant 0 lists everyone's. */
size_t
model_votes_list(const struct model *m, uint32_t participant,
    struct model_vote_rec **out)
{
	const struct pairmap	*pm = &m->priv->votes;
	struct model_vote_rec	*v;
	size_t			 i, n = 0;

	v = xreallocarray(NULL, pm->len + 1, sizeof *v);
	for (i = 0; i < pm->cap; i++) {
		if (pm->slots[i].v == 0)
			continue;
		if (participant != 0 && pm->slots[i].b != participant)
			continue;
		v[n].participant = (uint32_t)pm->slots[i].b;
		v[n].card = pm->slots[i].a;
		v[n].n = (uint32_t)pm->slots[i].v;
		n++;
	}
	qsort(v, n, sizeof *v, model_cmp_vote);
	*out = v;
	return n;
}

/* Order client records by their id's bytes. */
static int
model_cmp_client(const void *a, const void *b)
{
	const struct model_client_rec	*x = a, *y = b;

	return memcmp(x->client, y->client, PROTO_CLIENT_LEN);
}

/* Client records, sorted by client id. */
size_t
model_clients_list(const struct model *m, struct model_client_rec **out)
{
	const struct pairmap	*pm = &m->priv->clients;
	struct model_client_rec	*r;
	size_t			 i, n = 0;

	r = xreallocarray(NULL, pm->len + 1, sizeof *r);
	for (i = 0; i < pm->cap; i++) {
		if (pm->slots[i].v == 0)
			continue;
		memcpy(r[n].client, &pm->slots[i].a, sizeof pm->slots[i].a);
		memcpy(r[n].client + sizeof pm->slots[i].a, &pm->slots[i].b,
		    sizeof pm->slots[i].b);
		r[n].participant = (uint32_t)(pm->slots[i].v >> 32);
		r[n].last_op = (uint32_t)pm->slots[i].v;
		n++;
	}
	qsort(r, n, sizeof *r, model_cmp_client);
	*out = r;
	return n;
}

/* Order encounter records by (a, b). */
static int
model_cmp_meet(const void *a, const void *b)
{
	const struct model_meet_rec	*x = a, *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

/* Encounter counts (a < b), sorted. */
size_t
model_meets_list(const struct model *m, struct model_meet_rec **out)
{
	const struct pairmap	*pm = &m->priv->met;
	struct model_meet_rec	*r;
	size_t			 i, n = 0;

	r = xreallocarray(NULL, pm->len + 1, sizeof *r);
	for (i = 0; i < pm->cap; i++) {
		if (pm->slots[i].v == 0)
			continue;
		r[n].a = (uint32_t)pm->slots[i].a;
		r[n].b = (uint32_t)pm->slots[i].b;
		r[n].count = (uint32_t)pm->slots[i].v;
		n++;
	}
	qsort(r, n, sizeof *r, model_cmp_meet);
	*out = r;
	return n;
}

/* Set the dots participant p put on card c (derived counts: model_rebuild). */
void
model_set_votes(struct model *m, uint32_t p, uint64_t c, uint32_t n)
{
	if (p != 0 && c != 0)
		pairmap_set(&m->priv->votes, c, p, n);
}

/* Set the exactly-once record of a client id. */
void
model_set_client(struct model *m, const uint8_t *client, uint32_t p,
    uint32_t last_op)
{
	uint64_t	a, b;

	model_client_key(client, &a, &b);
	pairmap_set(&m->priv->clients, a, b, (uint64_t)p << 32 | last_op);
}

/* Set how often a and b met. */
void
model_set_met(struct model *m, uint32_t a, uint32_t b, uint32_t count)
{
	if (a == b)
		return;
	if (a > b)
		pairmap_set(&m->priv->met, b, a, count);
	else
		pairmap_set(&m->priv->met, a, b, count);
}

/* Recompute what is derived (live cards, voters, dots used). */
void
model_rebuild(struct model *m)
{
	struct model_priv	*p = m->priv;
	const struct pairmap_slot *s;
	size_t			 i, ci;

	m->live_cards = 0;
	for (i = 0; i < m->ncards; i++) {
		if (!m->cards[i].deleted)
			m->live_cards++;
		p->voters[i] = 0;
	}
	pairmap_free(&p->used);
	for (i = 0; i < p->votes.cap; i++) {
		s = &p->votes.slots[i];
		if (s->v == 0 || (ci = model_card_index(m, s->a)) == SIZE_MAX)
			continue;
		p->voters[ci]++;
		pairmap_add(&p->used, m->cards[ci].table, s->b,
		    (int64_t)s->v);
	}
}
