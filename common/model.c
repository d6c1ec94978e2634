/*
 * model.c -- the board as a pure reducer: storage, lookups, apply,
 * followups and privacy (checks and derived fields: model-check.c).
 *
 * The rules are those of notes/DECISIONS.md ("Model rules", "Followups",
 * "Privacy").  Where that page is silent this file chooses what a demanding
 * facilitator would expect; every such choice says "Choice:" in a comment.
 *
 * Storage: cards, tables and participants live in arrays in id order (ids
 * rise with seq, so appending keeps the order; an out-of-order insert, which
 * only a foreign STATE could cause, shifts and re-indexes).  An idmap gives
 * each id's array index.  The relations live in pair maps (pairmap.h):
 *   votes    (card, participant)      -> dots that participant put on it
 *   used     (table, participant)     -> dots that participant used there
 *   met      (low id, high id)        -> rounds the two sat at one table
 *   sat      (participant, round)     -> the table they sat at at its end
 *   visits   (participant, table)     -> rounds they ended there (from sat)
 *   clients  (client[0..8], [8..16])  -> participant << 32 | last_op
 * Names map to participant ids through a namemap.  Nothing here depends on the
 * layout of a hash table for its output: model-state.c sorts.
 */
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "model.h"
#include "model-impl.h"
#include "rotation.h"
#include "text.h"
#include "xmalloc.h"

/* At most this many pairs in one tally (about 60 KB, under a frame). */
#define MODEL_TALLY_MAX		4000

static const uint8_t model_zero_client[PROTO_CLIENT_LEN];

/* ---------------------------------------------------------------- clients */

/* The pair map key of a client id. */
static void
model_client_key(const uint8_t *client, uint64_t *a, uint64_t *b)
{
	memcpy(a, client, sizeof *a);
	memcpy(b, client + sizeof *a, sizeof *b);
}

/* ---------------------------------------------------------------- storage */

/*
 * What a new card's strings hold until they are set: one "" that every
 * card shares, never written and never freed.  Most cards keep an empty
 * title, owner and due day: four allocations a card less.
 */
static const char model_unset[1] = "";

/* The string s, or "" for NULL. */
const char *
model_str(const char *s)
{
	return s != NULL ? s : "";
}

/* The shared "" of a card string not set yet (see model_unset). */
char *
model_str_unset(void)
{
	return (char *)(uintptr_t)model_unset;
}

/* Free an owned string, unless it is the shared "" (model_unset). */
void
model_free_str(char *s)
{
	if (s != model_unset)
		free(s);
}

/* Replace an owned string (or the shared "") with a copy of s ("" for NULL). */
void
model_set_str(char **dst, const char *s)
{
	char	*n = xstrdup(model_str(s));

	model_free_str(*dst);
	*dst = n;
}

/* Set a card's coauthors to a copy of pairs[0..n). */
void
model_set_coauthors(struct model_card *c, const struct proto_pair *pairs,
    size_t n)
{
	struct proto_pair	*copy = NULL;

	if (n > 0) {
		copy = xreallocarray(NULL, n, sizeof *copy);
		memcpy(copy, pairs, n * sizeof *copy);
	}
	free(c->coauthors);
	c->coauthors = copy;
	c->ncoauthors = n;
}

/* Code points in s; NULL counts as empty. */
size_t
model_cps(const char *s)
{
	return s == NULL ? 0 : text_cplen(s);
}

/* Grow an array of *cap elements so it holds at least n + 1. */
void *
model_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap == 0 ? 16 : *cap * 2;
	return xreallocarray(arr, *cap, size);
}

/* What each kind of setting takes to set, copy and release. */
#define MODEL_SET_BOOL(dst, v)		((dst) = (v))
#define MODEL_SET_NUM(dst, v)		((dst) = (v))
#define MODEL_SET_TEXT(dst, v)		model_set_str(&(dst), (v))
#define MODEL_NEW_BOOL(v)		(v)
#define MODEL_NEW_NUM(v)		(v)
#define MODEL_NEW_TEXT(v)		xstrdup(v)
#define MODEL_FREE_BOOL(v)		((void)0)
#define MODEL_FREE_NUM(v)		((void)0)
#define MODEL_FREE_TEXT(v)		free(v)

/* The settings and board fields of a fresh board. */
static void
model_defaults(struct model *m)
{
#define MODEL_DEFAULT(member, key, bit, type, min, max, def, ...) \
	m->settings.member = MODEL_NEW_##type(def);
	PROTO_SETTINGS(MODEL_DEFAULT)
#undef MODEL_DEFAULT
	/* A board is called by its name until it has a title. */
	model_set_str(&m->settings.title, m->name);
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

	model_deliver_release(m);
	for (i = 0; i < m->ncards; i++) {
		model_free_str(m->cards[i].text);
		model_free_str(m->cards[i].title);
		free(m->cards[i].coauthors);
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
#define MODEL_RELEASE(member, key, bit, type, ...) \
	MODEL_FREE_##type(m->settings.member);
	PROTO_SETTINGS(MODEL_RELEASE)
#undef MODEL_RELEASE
	free(m->banner);
	free(m->timer.label);
	model_day_release(m);

	idmap_free(&p->card_idx);
	idmap_free(&p->table_idx);
	idmap_free(&p->people_idx);
	namemap_free(&p->names);
	pairmap_free(&p->votes);
	pairmap_free(&p->used);
	pairmap_free(&p->met);
	pairmap_free(&p->sat);
	pairmap_free(&p->visits);
	pairmap_free(&p->clients);
	pairmap_free(&p->reacted);
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
#define MODEL_CLONE(member, key, bit, type, ...) \
	m->settings.member = MODEL_NEW_##type(src->settings.member);
	PROTO_SETTINGS(MODEL_CLONE)
#undef MODEL_CLONE
	m->banner = xstrdup(src->banner);
	m->timer.label = xstrdup(src->timer.label);

	m->cards = xreallocarray(NULL, sp->cards_cap, sizeof *m->cards);
	if (src->ncards != 0)
		memcpy(m->cards, src->cards, src->ncards * sizeof *m->cards);
	for (i = 0; i < m->ncards; i++) {
		m->cards[i].text = xstrdup(src->cards[i].text);
		m->cards[i].title = xstrdup(src->cards[i].title);
		m->cards[i].coauthors = NULL;
		m->cards[i].ncoauthors = 0;
		model_set_coauthors(&m->cards[i], src->cards[i].coauthors,
		    src->cards[i].ncoauthors);
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
	namemap_copy(&p->names, &sp->names);
	pairmap_copy(&p->votes, &sp->votes);
	pairmap_copy(&p->used, &sp->used);
	pairmap_copy(&p->met, &sp->met);
	pairmap_copy(&p->sat, &sp->sat);
	pairmap_copy(&p->visits, &sp->visits);
	pairmap_copy(&p->clients, &sp->clients);
	pairmap_copy(&p->reacted, &sp->reacted);
	model_day_clone(m, src);
	p->voters = xreallocarray(NULL, sp->cards_cap, sizeof *p->voters);
	if (src->ncards != 0)
		memcpy(p->voters, sp->voters, src->ncards * sizeof *p->voters);
	model_deliver_clone(m, src);
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
	c->text = model_str_unset();
	c->title = model_str_unset();
	c->owner = model_str_unset();
	c->due = model_str_unset();
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
	char				*key;

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
	key = text_name_key(pp->name);
	namemap_put(&p->names, key, id);
	free(key);
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
struct model_card *
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

/*
 * The number of card id on its table: 1 for the table's oldest card, in
 * creation order, deleted cards counted too so that a deletion renumbers
 * nothing.  Every replica holds every card record (a private card's text
 * aside), so every client computes the same numbers.  A card moved to
 * another table takes its place there by age.  0 if there is no such card.
 */
uint32_t
model_card_number(const struct model *m, uint64_t id)
{
	size_t		i = model_card_index(m, id), k;
	uint32_t	n = 1;

	if (i == SIZE_MAX)
		return 0;
	for (k = 0; k < i; k++) {
		if (m->cards[k].table == m->cards[i].table)
			n++;
	}
	return n;
}

/* The card numbered n on table (deleted or not); 0 if there is none. */
uint64_t
model_card_by_number(const struct model *m, uint64_t table, uint32_t n)
{
	size_t		k;
	uint32_t	seen = 0;

	if (n == 0)
		return 0;
	for (k = 0; k < m->ncards; k++) {
		if (m->cards[k].table == table && ++seen == n)
			return m->cards[k].id;
	}
	return 0;
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
	char		*key;
	uint32_t	 id;

	if (name == NULL)
		return NULL;
	key = text_name_key(name);
	id = namemap_get(&m->priv->names, key);
	free(key);
	return id == 0 ? NULL : model_participant(m, id);
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

/*
 * How many of n dots a voter who holds e on into keeps once they move
 * there: all with multi_vote, else one card holds one dot.
 */
static uint32_t
model_merge_keeps(const struct model *m, uint64_t n, uint64_t e)
{
	if (m->settings.multi_vote)
		return (uint32_t)n;
	return e > 0 ? 0 : (uint32_t)(n > 0 ? 1 : 0);
}

/*
 * card.merge: the dots into holds once card is merged into it.  Only the
 * server knows every voter: a replica gets the total in the event.
 */
uint32_t
model_merge_votes(const struct model *m, uint64_t card, uint64_t into)
{
	const struct pairmap	*pm = &m->priv->votes;
	const struct model_card	*d = model_card(m, into);
	uint64_t		 total;
	size_t			 k;

	if (d == NULL)
		return 0;
	total = d->votes;
	for (k = 0; k < pm->cap; k++) {
		if (pm->slots[k].v == 0 || pm->slots[k].a != card)
			continue;
		total += model_merge_keeps(m, pm->slots[k].v,
		    pairmap_get(pm, into, pm->slots[k].b));
	}
	return total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
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

/* The table participant p sat at when round r ended; 0 if unknown. */
uint64_t
model_sat(const struct model *m, uint32_t p, uint32_t r)
{
	return pairmap_get(&m->priv->sat, p, r);
}

/* Finished rounds participant p ended at table t. */
uint32_t
model_visits(const struct model *m, uint32_t p, uint64_t t)
{
	return (uint32_t)pairmap_get(&m->priv->visits, p, t);
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
bool
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
	while (bi < m->ntables && m->tables[bi].dissolved)
		bi++;
	if (bi == m->ntables) {
		free(count);
		return 0;
	}
	for (i = bi + 1; i < m->ntables; i++) {
		if (count[i] < count[bi] && !m->tables[i].dissolved)
			bi = i;
	}
	best = m->tables[bi].id;
	free(count);
	return best;
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
	model_deliver_added(m, c, &ev->op);
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
	model_deliver_unscore(m, c);
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
	model_deliver_unscore(m, c);
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
			model_free_str(h->title);
			h->title = c->title;
			c->title = model_str_unset();
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

/*
 * card.merge, dots: each voter's dots on card move to into, those over the
 * per-card limit go back to the voter (the question's dots used drop).
 * A replica moves the dots it knows of (its own); the totals come with
 * the event.
 */
static void
model_merge_dots(struct model *m, size_t ci, size_t di)
{
	struct model_priv	*p = m->priv;
	struct model_card	*c = &m->cards[ci], *d = &m->cards[di];
	struct pairmap_slot	*hits;
	uint64_t		 e;
	uint32_t		 keep;
	size_t			 n = 0, k;

	if (p->voters[ci] == 0)
		return;
	hits = xreallocarray(NULL, p->voters[ci], sizeof *hits);
	for (k = 0; k < p->votes.cap && n < p->voters[ci]; k++) {
		if (p->votes.slots[k].v != 0 && p->votes.slots[k].a == c->id)
			hits[n++] = p->votes.slots[k];
	}
	for (k = 0; k < n; k++) {
		e = pairmap_get(&p->votes, d->id, hits[k].b);
		keep = model_merge_keeps(m, hits[k].v, e);
		pairmap_set(&p->votes, c->id, hits[k].b, 0);
		if (keep > 0) {
			pairmap_add(&p->votes, d->id, hits[k].b, keep);
			if (e == 0)
				p->voters[di]++;
		}
		pairmap_add(&p->used, c->table, hits[k].b,
		    -(int64_t)(hits[k].v - keep));
	}
	free(hits);
	p->voters[ci] = 0;
}

/* card.merge, authors: card's author and coauthors become into's. */
static void
model_merge_authors(struct model_card *d, const struct model_card *c)
{
	struct proto_pair	*all;
	size_t			 n = 0, i, j;

	all = xreallocarray(NULL, d->ncoauthors + c->ncoauthors + 1,
	    sizeof *all);
	for (i = 0; i < d->ncoauthors; i++)
		all[n++] = d->coauthors[i];
	if (c->author != 0)
		all[n++] = (struct proto_pair){ c->author, c->id };
	for (i = 0; i < c->ncoauthors; i++)
		all[n++] = c->coauthors[i];
	/* Each person once, and never the card's own author. */
	for (i = j = 0; i < n; i++) {
		size_t	x;
		bool	dup = all[i].a == d->author;

		for (x = 0; x < j && !dup; x++)
			dup = all[x].a == all[i].a;
		if (!dup)
			all[j++] = all[i];
	}
	model_set_coauthors(d, all, j);
	free(all);
}

/*
 * card.merge: card says what into says, and becomes part of it.  into
 * keeps its text and gains card's authors, dots (see model_merge_dots),
 * kept mark and cluster (a cluster that card headed goes on under into's
 * head, or under into, its title with it when that head has none).
 * Replies to card build on into when younger than it, else on what card
 * built on (a reply is always younger than its parent).  card is deleted
 * and keeps its text and author, with merged naming into, so that no
 * idea is lost from the record.  Choice: into keeps its own text.
 */
static void
model_apply_merge(struct model *m, const struct proto_op *op)
{
	struct model_card	*c, *d, *h, *x;
	size_t			 ci = model_card_index(m, op->card);
	size_t			 di = model_card_index(m, op->into), i;
	uint64_t		 head;

	if (ci == SIZE_MAX || di == SIZE_MAX || ci == di ||
	    m->cards[ci].deleted || m->cards[di].deleted)
		return;
	model_merge_dots(m, ci, di);
	c = &m->cards[ci];
	d = &m->cards[di];
	d->votes = op->votes;
	c->votes = 0;
	if (!m->settings.blind || m->revealed) {
		d->shown = d->votes;
		c->shown = 0;
	}
	model_merge_authors(d, c);
	d->kept = d->kept || c->kept;

	if (d->head == c->id) {
		head = d->id;
		d->head = 0;
	} else
		head = d->head != 0 ? d->head : d->id;
	for (i = 0; i < m->ncards; i++) {
		x = &m->cards[i];
		if (x->head == c->id && x != d)
			x->head = head;
		if (x->parent == c->id)
			x->parent = x->id > d->id && x != d ? d->id :
			    c->parent;
	}
	if (*c->title != '\0' && (h = model_card(m, head)) != NULL &&
	    *h->title == '\0') {
		model_free_str(h->title);
		h->title = c->title;
		c->title = model_str_unset();
	}
	model_set_str(&c->title, "");
	c->head = 0;
	c->kept = false;
	c->deleted = true;
	c->merged = d->id;
	m->live_cards--;
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
void
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

/*
 * rotate: count who met and note who sat where in the round ending, then
 * seat everyone as the pairs say; every group a regroup made has ended
 * (its people are back at the questions).
 */
void
model_apply_rotate(struct model *m, const struct proto_pair *pairs,
    uint32_t npairs)
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
		pairmap_set(&m->priv->sat, p->id, m->round, p->table);
		pairmap_add(&m->priv->visits, p->id, p->table, 1);
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

	for (i = 0; i < npairs; i++) {
		if (pairs[i].a > UINT32_MAX)
			continue;
		p = model_participant(m, (uint32_t)pairs[i].a);
		if (p == NULL)
			continue;		/* unknown here: ignored */
		if (pairs[i].b != 0 && model_table(m, pairs[i].b) == NULL)
			continue;
		p->table = pairs[i].b;
	}
	for (i = 0; i < m->ntables; i++) {
		if (m->tables[i].kind != TABLE_QUESTION)
			m->tables[i].dissolved = true;
	}
	m->round++;
	for (i = 0; i < m->nparticipants; i++)
		m->participants[i].ready = false;
	m->timer.ended = false;
}

/*
 * phase: every ready flag drops, a clock that ran out goes, a blind vote
 * starts hidden.
 */
void
model_apply_phase(struct model *m, uint8_t phase)
{
	size_t	i;

	if (phase >= PHASE_COUNT)
		return;
	if (phase == PHASE_VOTE && m->phase != PHASE_VOTE &&
	    m->settings.blind)
		m->revealed = false;
	/* A clock that ran out belongs to the step that is over. */
	if (phase != m->phase)
		m->timer.ended = false;
	m->phase = phase;
	for (i = 0; i < m->nparticipants; i++)
		m->participants[i].ready = false;
}

/* settings: each key present; turning blind on during a vote hides it. */
static void
model_apply_settings(struct model *m, const struct proto_settings *s)
{
	if ((s->has & SET_BLIND) && s->blind && !m->settings.blind &&
	    m->phase == PHASE_VOTE)
		m->revealed = false;
#define MODEL_APPLY_SETTING(member, key, bit, type, ...) \
	if (s->has & bit) \
		MODEL_SET_##type(m->settings.member, s->member);
	PROTO_SETTINGS(MODEL_APPLY_SETTING)
#undef MODEL_APPLY_SETTING
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

/* table.add, table.edit (an edit without a theme keeps the theme). */
static void
model_apply_table(struct model *m, const struct proto_event *ev, int64_t time)
{
	const struct proto_op	*op = &ev->op;
	struct model_table	*t;

	if (op->kind == OP_TABLE_ADD) {
		if ((t = model_insert_table(m, ev->seq)) == NULL)
			return;
		model_set_str(&t->theme, op->theme);
		t->created_ms = time;
	} else {
		if ((t = model_table(m, op->table)) == NULL)
			return;
		if (op->theme != NULL && op->theme[0] != '\0')
			model_set_str(&t->theme, op->theme);
	}
	model_set_str(&t->question, op->text);
}

/* timer as the server derived it, and timer.end: the clock at time. */
static void
model_apply_timer(struct model *m, const struct proto_op *op, int64_t time)
{
	m->timer.ref_ms = time;
	if (op->kind == OP_TIMER_END) {
		m->timer.running = false;
		m->timer.remaining_ms = 0;
		m->timer.ended = true;
		model_set_str(&m->timer.label, op->text);
		return;
	}
	m->timer.remaining_ms = op->remaining_ms;
	m->timer.running = op->running;
	if (op->action == TIMER_START)
		model_set_str(&m->timer.label, op->text);
	/*
	 * A stop clears the clock, even one that ran out: no countdown
	 * shows, and nothing is frozen by it any more.
	 */
	if (op->running || op->action == TIMER_STOP)
		m->timer.ended = false;
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
	case OP_CARD_MERGE:
		model_apply_merge(m, op);
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
	case OP_TABLE_EDIT:
		model_apply_table(m, ev, time);
		break;
	case OP_PHASE:
		model_apply_phase(m, op->phase);
		break;
	case OP_TIMER:
	case OP_TIMER_END:
		model_apply_timer(m, op, time);
		break;
	case OP_BANNER:
		model_set_str(&m->banner, op->text);
		break;
	case OP_ROTATE:
		model_apply_rotate(m, op->pairs, op->npairs);
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
	case OP_TALLY:
		model_apply_tally(m, op);
		break;
	case OP_REVEAL:
		if ((c = model_live_card(m, op->card)) != NULL) {
			model_set_str(&c->text, op->text);
			c->hidden = false;
		}
		break;
	case OP_CARD_PLACE:
	case OP_ACTION:
	case OP_SCORE:
	case OP_CANVAS_ADD:
	case OP_CANVAS_USE:
	case OP_EVAL_OPEN:
	case OP_EVAL_CLOSE:
	case OP_PITCH:
	case OP_CRITERIA:
		model_deliver_apply(m, ev, time);
		break;
	default:
		if (model_day_kind(op->kind))
			model_day_apply(m, ev, time);
		break;			/* else a newer server's kind: head only */
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
 * and the tally is only withheld while a blind vote is open.  A step may
 * change the phase as phase does.
 */
size_t
model_followups(const struct model *m, const struct proto_event *ev,
    struct proto_op **out)
{
	const struct model_card	*c;
	struct proto_op		*ops = NULL, *op = NULL;
	size_t			 n = 0, cap = 0, i;

	if (ev->op.kind != OP_PHASE && ev->op.kind != OP_SETTINGS &&
	    ev->op.kind != OP_STEP)
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
	case OP_CARD_PLACE:
	case OP_ACTION:
	case OP_SCORE:
		model_deliver_redact(m, ev, audience, out);
		break;
	default:
		if (model_day_kind(ev->op.kind))
			model_day_redact(m, ev, audience, out);
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

/* Order table records by (participant, round). */
static int
model_cmp_sat(const void *a, const void *b)
{
	const struct model_sat_rec	*x = a, *y = b;

	if (x->participant != y->participant)
		return x->participant < y->participant ? -1 : 1;
	if (x->round != y->round)
		return x->round < y->round ? -1 : 1;
	return 0;
}

/* Tables of finished rounds, sorted by participant, then round. */
size_t
model_sats_list(const struct model *m, struct model_sat_rec **out)
{
	const struct pairmap	*pm = &m->priv->sat;
	struct model_sat_rec	*r;
	size_t			 i, n = 0;

	r = xreallocarray(NULL, pm->len + 1, sizeof *r);
	for (i = 0; i < pm->cap; i++) {
		if (pm->slots[i].v == 0)
			continue;
		r[n].participant = (uint32_t)pm->slots[i].a;
		r[n].round = (uint32_t)pm->slots[i].b;
		r[n].table = pm->slots[i].v;
		n++;
	}
	qsort(r, n, sizeof *r, model_cmp_sat);
	*out = r;
	return n;
}

/* Set the table p sat at when round r ended (0: forget it). */
void
model_set_sat(struct model *m, uint32_t p, uint32_t r, uint64_t table)
{
	if (p != 0 && r != 0)
		pairmap_set(&m->priv->sat, p, r, table);
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

/* Recompute what is derived (live cards, voters, dots used, visits). */
void
model_rebuild(struct model *m)
{
	struct model_priv	*p = m->priv;
	const struct pairmap_slot *s;
	size_t			 i, ci;

	pairmap_free(&p->visits);
	for (i = 0; i < p->sat.cap; i++) {
		s = &p->sat.slots[i];
		if (s->v != 0)
			pairmap_add(&p->visits, s->a, s->v, 1);
	}

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
	model_deliver_rebuild(m);
}

/*
 * A relay's mirror holds a facilitator's view, in which no voter is known:
 * its upstream tells it the dots of each participant it speaks for.  The
 * pairs [card, n] become p's own dots (replace: instead of all p had);
 * the totals stay as the events made them.
 */
void
model_own_votes(struct model *m, uint32_t p, const struct proto_pair *pairs,
    size_t n, bool replace)
{
	struct model_vote_rec	*v;
	size_t			 i, nv;

	if (p == 0 || p == MODEL_OBSERVER)
		return;
	if (replace) {
		nv = model_votes_list(m, p, &v);
		for (i = 0; i < nv; i++)
			model_set_votes(m, p, v[i].card, 0);
		free(v);
	}
	for (i = 0; i < n; i++)
		if (pairs[i].a != 0 && pairs[i].b <= UINT32_MAX)
			model_set_votes(m, p, pairs[i].a,
			    (uint32_t)pairs[i].b);
	model_rebuild(m);
}
