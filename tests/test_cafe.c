/*
 * test_cafe.c -- a whole world café, from the board file to the exported
 * harvest, against a real cafeboard-server.
 *
 * The seed board (examples/seed-cafe.board) is made with
 * `cafeboard-server create` while the server runs; a facilitator (with the
 * key) and twelve participants (raw protocol clients with French first
 * names) then play the session of the seed scenario: welcome, three rounds
 * of ideas with a server-owned clock and two rotations, grouping, a blind
 * dot vote, the harvest and the closed board, with follow-me, ready flags,
 * the banner and the lock on the way.  Every client folds what it RECEIVED
 * into a replica of its own (the same reducer as the real client), and the
 * test asserts on those replicas and on the raw stream: what a participant
 * could see, not only what the server holds.  In particular, on every
 * participant's stream, no vote of someone else ever carries an origin, and
 * none carries its card before the tally.
 *
 * The harvest is then exported in every format twice, by the server's
 * offline command and by the real client (`cafeboard export`); the two must
 * be byte-identical, and equal, once times are normalised (see
 * ts_export_normalise in tsupport.c), to the golden files under
 * tests/fixtures/cafe/.
 * Python's csv and json modules read the CSV and the JSON back.
 *
 * After a deliberate change of the scenario or of a format, regenerate the
 * golden files with
 *     CB_REGEN_CAFE=1 ./build/tests/test_cafe --filter 'cafe/seed*'
 * from the top of the tree (with CB_SERVER and CB_CLIENT set as make check
 * sets them), then read the diff of tests/fixtures/cafe/ before committing.
 *
 * Two more tests: a café of 16 (4 hosts, 12 travellers) where three rounds
 * seat no two travellers together twice, through the server; and the real
 * terminal client, promoted to facilitator and back during a blind vote,
 * fetching the board again as its new audience sees it.
 *
 * Needs CB_SERVER and CB_CLIENT (make check sets them), python3 and tmux.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actor.h"
#include "tsupport.h"

#include "tui-harness.h"

#include "date.h"
#include "model.h"
#include "proto.h"
#include "rotation.h"

#define BOARD		"cafe"
#define CODE		"territoire"
#define NP		12		/* participants of the seed scenario */
#define NMAX		16		/* participants of the largest test */
#define NTABLES		4
#define WAIT_MS		20000		/* for one expectation (sanitizers) */

/* What one actor received, counted by the café's hooks. */
struct seen {
	uint64_t	 tally_seq;	/* the first tally, 0 before */
	uint64_t	 rotate_seq;	/* the last rotate */
	struct proto_pair *rot;		/* its pairs */
	size_t		 nrot;
	size_t		 hidden_scores;	/* others' scores, hidden */
	size_t		 open_scores;	/* others' scores with their card */
	size_t		 own_scores;
	size_t		 hidden_votes;	/* others' votes, card hidden */
	size_t		 open_votes;	/* others' votes with their card */
	size_t		 own_votes;
	size_t		 timer_ends;
	size_t		 follows;
};

/* Everything a test started, for the .fini to undo. */
static struct {
	struct tserver	 srv;
	struct actor	 fac;
	struct actor	 p[NMAX];
	struct seen	 fac_seen;	/* what S.fac received */
	struct seen	 seen[NMAX];	/* what S.p[i] received */
	size_t		 np;
	char		 tmp[64];	/* exports and scripts */
} S;

static const char *const names[NMAX] = {
	"Amélie", "Baptiste", "Chloé", "Damien", "Élodie", "François",
	"Gaëlle", "Hugo", "Inès", "Jérôme", "Karima", "Loïc",
	"Manon", "Nicolas", "Océane", "Pierre",
};

static void	cafe_event(struct actor *, const struct proto_event *,
		    const uint8_t *, size_t);
static void	cafe_state(struct actor *, const struct proto_state *);

/* The café's board, and what its actors check on the way. */
static const struct actor_suite cafe_suite = {
	.board = BOARD,
	.code = CODE,
	.on_event = cafe_event,
	.on_state = cafe_state,
};

/* ---------------------------------------------------------------- setup */

/* Close every client of the test and free its replica and pairs. */
static void
actors_free(void)
{
	size_t	i;

	actor_free(&S.fac);
	free(S.fac_seen.rot);
	S.fac_seen.rot = NULL;
	for (i = 0; i < NMAX; i++) {
		actor_free(&S.p[i]);
		free(S.seen[i].rot);
		S.seen[i].rot = NULL;
	}
}

/* Every test of the raw suite: a private directory for its files. */
static void
cafe_init(void)
{
	memset(&S, 0, sizeof S);
	snprintf(S.tmp, sizeof S.tmp, "/tmp/cafeboard-cafe-XXXXXX");
	cr_assert_not_null(mkdtemp(S.tmp));
}

/* Even after a failed assertion: clients, server, files. */
static void
cafe_fini(void)
{
	actors_free();
	tserver_cleanup(&S.srv);
	if (S.tmp[0] != '\0' && getenv("CB_KEEP_TMP") == NULL)
		ts_rm_tree(S.tmp);
}

/*
 * One suite, each test with its own set-up (Criterion's runner leaks a
 * little under the sanitizers when tests of two suites run side by side).
 */
TestSuite(cafe, .timeout = 240);

/* ---------------------------------------------------------------- actors */

/* What actor a received. */
static struct seen *
seen(const struct actor *a)
{
	return a->data;
}

/* Check an EVENT against what this recipient may see, and count it. */
static void
cafe_event(struct actor *a, const struct proto_event *ev,
    const uint8_t *body, size_t blen)
{
	const struct proto_op	*op = &ev->op;
	struct seen		*w = seen(a);
	struct model		*pred;
	uint32_t		 me = a->c.participant;
	size_t			 i;
	static const uint8_t	 zero[PROTO_CLIENT_LEN];

	switch (op->kind) {
	case OP_VOTE:
		if (ev->origin == me && me != 0) {
			cr_assert(!op->hidden && op->card != 0);
			w->own_votes++;
			break;
		}
		/* Never the origin of someone else's vote, for anyone. */
		cr_assert_eq(ev->origin, 0, "%s received the origin (%u) of "
		    "a vote (seq %llu)", a->name, ev->origin,
		    (unsigned long long)ev->seq);
		cr_assert_eq(ev->op_id, 0, "%s: a vote's op_id", a->name);
		if (!a->fac && a->rep->settings.blind && !a->rep->revealed) {
			/* Exactly [18, seq, 0, 0, 7]: an array of five. */
			cr_assert(op->hidden && op->card == 0 &&
			    op->delta == 0, "%s received the card of a blind "
			    "vote (seq %llu) before the tally", a->name,
			    (unsigned long long)ev->seq);
			cr_assert_eq(body[0], 0x95, "%s: a hidden vote is not "
			    "[18, seq, 0, 0, 7]", a->name);
			cr_assert_lt(blen, 16);
			w->hidden_votes++;
		} else {
			cr_assert(!op->hidden && op->card != 0 &&
			    (op->delta == 1 || op->delta == -1));
			w->open_votes++;
		}
		break;
	case OP_SCORE:
		if (ev->origin == me && me != 0) {
			cr_assert(!op->hidden && op->card != 0);
			w->own_scores++;
			break;
		}
		/* Nobody learns who scored what, facilitators included. */
		cr_assert_eq(ev->origin, 0, "%s received the origin (%u) of "
		    "a score (seq %llu)", a->name, ev->origin,
		    (unsigned long long)ev->seq);
		cr_assert_eq(ev->op_id, 0, "%s: a score's op_id", a->name);
		if (!a->fac) {
			/* Exactly [18, seq, 0, 0, 15] while it is open. */
			cr_assert(a->rep->eval_open && op->hidden &&
			    op->card == 0 && op->value == 0, "%s received "
			    "the card of a score (seq %llu)", a->name,
			    (unsigned long long)ev->seq);
			cr_assert_eq(body[0], 0x95, "%s: a hidden score is not "
			    "[18, seq, 0, 0, 15]", a->name);
			cr_assert_lt(blen, 16);
			w->hidden_scores++;
		} else {
			cr_assert(!op->hidden && op->card != 0);
			w->open_scores++;
		}
		break;
	case OP_JOINED:
		if (op->participant != me)
			cr_assert_eq(memcmp(op->client, zero, sizeof zero), 0,
			    "%s received another client's id", a->name);
		break;
	case OP_TALLY:
		if (w->tally_seq == 0)
			w->tally_seq = ev->seq;
		break;
	case OP_ROTATE:
		/*
		 * The facilitator's replica holds the seating and the history
		 * of encounters: the rotation it predicts (model_submit on a
		 * clone, as the client does) seats everyone as the server did.
		 */
		if (a->fac) {
			pred = model_clone(a->rep);
			cr_assert_eq(model_submit(pred, me, NULL, 0, &ROTATE(),
			    ts_wall_ms(), NULL, NULL), 0);
			for (i = 0; i < op->npairs; i++)
				cr_assert(model_participant(pred,
				    (uint32_t)op->pairs[i].a)->table ==
				    op->pairs[i].b, "%s: participant %llu is "
				    "not where the replica's rotation seats "
				    "them", a->name,
				    (unsigned long long)op->pairs[i].a);
			cr_assert_eq(pred->round, a->rep->round + 1);
			model_free(pred);
		}
		free(w->rot);
		w->rot = calloc(op->npairs + 1, sizeof *w->rot);
		memcpy(w->rot, op->pairs, op->npairs * sizeof *w->rot);
		w->nrot = op->npairs;
		w->rotate_seq = ev->seq;
		break;
	case OP_TIMER_END:
		w->timer_ends++;
		break;
	case OP_FOLLOW:
		w->follows++;
		break;
	}
}

/* A STATE record: what this recipient may see of the board. */
static void
cafe_state(struct actor *a, const struct proto_state *st)
{
	static const uint8_t	zero[PROTO_CLIENT_LEN];
	struct model		*m = a->rep;

	if (!a->in_state) {
		/* After a replay: the clock as it is now. */
		cr_assert_eq(st->what, STATE_TIMER, "%s: STATE %u outside a "
		    "catch-up", a->name, st->what);
		return;
	}
	if (a->fac)
		return;
	switch (st->what) {
	case STATE_CARD:
		/* The board record came first: blind is known. */
		if (m->settings.blind && !m->revealed)
			cr_assert_eq(st->votes, st->shown, "%s: card %llu's "
			    "blind total in a STATE", a->name,
			    (unsigned long long)st->id);
		break;
	case STATE_VOTES:
		cr_assert_eq(st->id, a->c.participant, "%s received the "
		    "dots of participant %llu", a->name,
		    (unsigned long long)st->id);
		break;
	case STATE_PARTICIPANT:
		if (st->id != a->c.participant)
			cr_assert_eq(memcmp(st->client, zero, sizeof zero), 0);
		break;
	case STATE_CLIENT:
	case STATE_MEET:
		cr_assert_fail("%s: a snapshot-only record", a->name);
		break;
	case STATE_MY_SCORES:
		cr_assert_eq(st->id, a->c.participant, "%s received the "
		    "scores of participant %llu", a->name,
		    (unsigned long long)st->id);
		break;
	case STATE_SCORES:
		/* The "eval" record came first. */
		cr_assert(!m->eval_open, "%s received the totals of an open "
		    "evaluation", a->name);
		break;
	}
}

/* Every actor of the test still connected, the facilitator first. */
static size_t
actors(struct actor **v)
{
	return actor_list(&S.fac, S.p, S.np, v);
}

/* Bring every client up to the newest seq any of them has; that seq. */
static uint64_t
sync_all(void)
{
	struct actor	*v[NMAX + 1];

	return actor_sync(v, actors(v));
}

/* ------------------------------------------------------------ the board */

/* Participant i's id, its seat and role on the facilitator's replica. */
static uint32_t
pid(size_t i)
{
	return S.p[i].c.participant;
}

static uint64_t
seat(size_t i)
{
	return model_participant(S.fac.rep, pid(i))->table;
}

/* The index of a table in S.fac's replica. */
static int
tindex(uint64_t table)
{
	return model_table_index(S.fac.rep, table);
}

/*
 * What every participant received agrees with the facilitator's: the same
 * board, phase, round, banner, settings, seating, roles and ready flags,
 * cards and clusters; vote totals too once they are public, and while a
 * blind vote runs, no shown total and no dot but their own.
 */
static void
check_replicas(void)
{
	const struct model	*f = S.fac.rep, *m;
	const struct model_card	*fc, *c;
	size_t			 i, k;

	for (i = 0; i < S.np; i++) {
		if (!S.p[i].open)
			continue;
		m = S.p[i].rep;
		actor_check_replica(&S.p[i], f);
		cr_assert_str_eq(m->settings.title, f->settings.title);
		cr_assert_eq(m->settings.locked, f->settings.locked);
		cr_assert_eq(m->follow_table, f->follow_table);
		cr_assert_eq(m->timer.ended, f->timer.ended);
		cr_assert_eq(m->ncanvases, f->ncanvases);
		cr_assert_eq(m->ncriteria, f->ncriteria);
		cr_assert_eq(m->eval_open, f->eval_open);
		cr_assert_eq(m->pitch_table, f->pitch_table);
		for (k = 0; k < f->ntables; k++)
			cr_assert_eq(m->tables[k].canvas, f->tables[k].canvas);
		for (k = 0; k < f->nparticipants; k++) {
			cr_assert_eq(m->participants[k].id,
			    f->participants[k].id);
			cr_assert_eq(m->participants[k].role,
			    f->participants[k].role);
			cr_assert_eq(m->participants[k].ready,
			    f->participants[k].ready);
		}
		for (k = 0; k < f->ncards; k++) {
			fc = &f->cards[k];
			c = &m->cards[k];
			cr_assert_eq(c->id, fc->id);
			cr_assert_eq(c->table, fc->table);
			cr_assert_eq(c->author, fc->author);
			cr_assert_eq(c->parent, fc->parent);
			cr_assert_eq(c->head, fc->head);
			cr_assert_eq(c->deleted, fc->deleted);
			cr_assert_eq(c->kept, fc->kept);
			cr_assert_str_eq(c->text, fc->text);
			cr_assert_str_eq(c->title, fc->title);
			cr_assert_eq(c->section, fc->section);
			cr_assert_str_eq(c->owner, fc->owner);
			cr_assert_str_eq(c->due, fc->due);
			if (!f->eval_open)
				cr_assert_arr_eq(c->score, fc->score,
				    sizeof c->score, "%s: scores of card %llu",
				    S.p[i].name, (unsigned long long)c->id);
			if (f->settings.blind && !f->revealed) {
				cr_assert_eq(c->shown, 0, "%s sees a total",
				    S.p[i].name);
				/*
				 * Folded from events, a replica counts its
				 * own dots; rebuilt from a STATE, only what
				 * was shown: never anyone else's.
				 */
				cr_assert_leq(c->votes, model_votes_of(m,
				    pid(i), c->id), "%s knows dots that are "
				    "not theirs on card %llu", S.p[i].name,
				    (unsigned long long)c->id);
			} else
				cr_assert_eq(c->votes, fc->votes,
				    "%s: votes of card %llu", S.p[i].name,
				    (unsigned long long)c->id);
		}
	}
}

/* Ready flags on every replica: exactly the participants in want[]. */
static void
check_ready(const bool *want)
{
	struct actor	*v[NMAX + 1];
	size_t		 n = actors(v), i, k;

	for (k = 0; k < n; k++)
		for (i = 0; i < S.np; i++)
			cr_assert_eq(model_participant(v[k]->rep,
			    pid(i))->ready, want != NULL && want[i],
			    "%s sees %s %sready", v[k]->name, S.p[i].name,
			    want != NULL && want[i] ? "not " : "");
}

/*
 * A rotation as every client received it: the same pairs for all; hosts
 * where they were, travellers elsewhere, table sizes within one; each
 * participant seated where the pairs say, in the next round, nobody ready,
 * the clock unfrozen.  before[i] is participant i's seat before.
 */
static void
check_rotation(uint64_t seq, const uint64_t *before, uint32_t round,
    uint32_t met[NMAX][NMAX], size_t *repeats)
{
	struct actor	*v[NMAX + 1];
	size_t		 n = actors(v), i, j, k, sizes[NTABLES] = { 0 };
	uint64_t	 after[NMAX];
	const struct model_participant *p;

	for (k = 0; k < n; k++) {
		cr_assert_eq(seen(v[k])->rotate_seq, seq, "%s missed the "
		    "rotation", v[k]->name);
		cr_assert_eq(seen(v[k])->nrot, S.np);
		cr_assert_eq(memcmp(seen(v[k])->rot, S.fac_seen.rot,
		    S.np * sizeof *S.fac_seen.rot), 0, "%s received other "
		    "pairs", v[k]->name);
		cr_assert_eq(v[k]->rep->round, round);
		cr_assert(!v[k]->rep->timer.ended);
	}
	for (i = 0; i < S.np; i++) {
		after[i] = 0;
		for (j = 0; j < S.fac_seen.nrot; j++)
			if (S.fac_seen.rot[j].a == pid(i))
				after[i] = S.fac_seen.rot[j].b;
		cr_assert_neq(after[i], 0, "%s is not in the rotation",
		    S.p[i].name);
		p = model_participant(S.fac.rep, pid(i));
		if (p->role == ROLE_HOST)
			cr_assert_eq(after[i], before[i], "host %s moved",
			    S.p[i].name);
		else
			cr_assert_neq(after[i], before[i], "traveller %s "
			    "stayed", S.p[i].name);
		/* The participant's own client follows them. */
		cr_assert_eq(model_participant(S.p[i].rep, pid(i))->table,
		    after[i]);
		sizes[tindex(after[i])]++;
	}
	for (i = 0; i < NTABLES; i++)
		for (j = 0; j < NTABLES; j++)
			cr_assert_leq(sizes[i], sizes[j] + 1, "tables of %zu "
			    "and %zu", sizes[i], sizes[j]);
	check_ready(NULL);
	/* Who sits together now, and who already had. */
	for (i = 0; i < S.np; i++)
		for (j = i + 1; j < S.np; j++)
			if (after[i] == after[j] && met[i][j]++ > 0)
				(*repeats)++;
}

/* Everyone who sits together now has met once more. */
static void
count_meetings(uint32_t met[NMAX][NMAX])
{
	size_t	i, j;

	for (i = 0; i < S.np; i++)
		for (j = i + 1; j < S.np; j++)
			if (seat(i) == seat(j))
				met[i][j]++;
}

/* ------------------------------------------------------------ commands */

/* Python's csv module reads the CSV as a spreadsheet would. */
static const char csv_check[] =
TS_PY_CSV_ROWS
"kept = {}\n"
"for r, e in zip(rows[1:], exp):\n"
"    assert len(r) >= 14, r\n"
"    assert r[2] == e[0], (r, e)\n"
"    assert r[8] == e[1], ('votes', r, e)\n"
"    assert r[9] == ('yes' if e[2] == '1' else 'no'), ('kept', r, e)\n"
"    assert r[5] == ('' if e[3] == '0' else e[3]), ('parent', r, e)\n"
"    assert r[3] == ('' if e[4] == '0' else e[4]), ('cluster', r, e)\n"
"    if r[9] == 'yes': kept[r[1]] = kept.get(r[1], 0) + 1\n"
"bad = ('=', '+', '-', '@', '\\t', '\\r', '\\uff1d', '\\uff0b', '\\uff0d',\n"
"    '\\uff20')\n"
"neutral = 0\n"
"for r in rows[1:]:\n"
"    for cell in (r[0], r[1], r[4], r[6], r[7]):\n"
"        assert not cell.startswith(bad), ('formula', cell)\n"
"        if cell[:1] == \"'\" and cell[1:2] in bad: neutral += 1\n"
"want = sorted(int(k) for k in sys.argv[4].split(','))\n"
"assert sorted(kept.values()) == want, ('kept per question', kept)\n"
"assert neutral >= int(sys.argv[5]), ('neutralised cells', neutral)\n"
"print('csv ok: %d cards, %d neutralised cells' % (len(exp), neutral))\n";

/* Python's json module reads the JSON. */
static const char json_check[] =
"import json, sys\n"
"path, expect = sys.argv[1], sys.argv[2]\n"
"d = json.loads(open(path, 'rb').read().decode('utf-8'))\n"
"assert d['format'] == 'cafeboard' and d['version'] == 1\n"
"b = d['board']\n"
"lines = open(expect).read().splitlines()\n"
"meta = lines[0].split(' ')\n"
"assert b['name'] == meta[1] and b['phase'] == meta[2], b\n"
"assert b['round'] == int(meta[3]), b['round']\n"
"s = b['settings']\n"
"assert (s['dots'], s['multi_vote'], s['blind'], s['keep']) == \\\n"
"    (3, False, True, 3), s\n"
"assert s['freeze_at_zero'] is True and s['locked'] is False, s\n"
"ps = d['participants']\n"
"assert len(ps) == int(meta[4]), len(ps)\n"
"roles = [p['role'] for p in ps]\n"
"assert roles.count('facilitator') == 1 and roles.count('host') == 4, roles\n"
"assert len(d['tables']) == 4 and all(t['theme'] for t in d['tables'])\n"
"assert 'code' not in b and 'code' not in s, b\n"
"exp = [l.split(' ') for l in lines[1:]]\n"
"cards = [c for t in d['tables'] for c in t['cards']]\n"
"assert len(cards) == len(exp), (len(cards), len(exp))\n"
"names = {p['id']: p['name'] for p in ps}\n"
"for c, e in zip(cards, exp):\n"
"    assert c['id'] == int(e[0]), (c, e)\n"
"    assert c['votes'] == int(e[1]), ('votes', c, e)\n"
"    assert c['kept'] == (e[2] == '1'), ('kept', c, e)\n"
"    assert c['parent'] == (int(e[3]) or None), ('parent', c, e)\n"
"    assert c['cluster_head'] == (int(e[4]) or None), ('cluster', c, e)\n"
"    assert names[c['author_id']] == c['author'], c\n"
"print('json ok: %d cards' % len(cards))\n";

/* ------------------------------------------------------------ the café */

/* What the script did, to check what came back. */
static struct {
	uint64_t	 t[NTABLES];		/* table ids, board order */
	uint64_t	 c1[NP];		/* round 1: each one's card */
	uint64_t	 r2[NP];		/* round 2: travellers' cards */
	uint64_t	 r3[NP];		/* round 3: travellers' cards */
	uint64_t	 reply[2];		/* round 1: replies */
	uint64_t	 hreply[NTABLES];	/* round 2: the hosts' */
	uint64_t	 kept[NTABLES][4];	/* in the order of the report */
	size_t		 nkept[NTABLES];
	uint64_t	 lines;			/* a card of several lines */
	uint64_t	 synthesis;		/* the facilitator's */
	uint64_t	 reminder;		/* the facilitator's, locked */
	uint64_t	 late;			/* after going back to ideas */
	uint32_t	 met[NMAX][NMAX];
	size_t		 repeats;
	/* Votes as the script cast them: card id -> dots; dots per table. */
	uint64_t	 vcard[256];
	uint32_t	 vn[256];
	size_t		 nv;
	uint32_t	 used[NP][NTABLES];
	size_t		 nvotes;		/* vote events */
	/* Scores as the script gave them: card -> totals per criterion. */
	uint64_t	 scard[256];
	uint32_t	 stot[256][3];
	size_t		 ns;
	size_t		 nscores;		/* score events */
	/* Deliverables: the actions, their owners, the feedback cards. */
	uint64_t	 act[NTABLES][3];
	uint32_t	 act_owner[NTABLES][3];	/* 0: someone absent */
	uint64_t	 fb[NTABLES][3];
} Z;

/* Round 1: one card each at the table they sit at (i % 4). */
static const char *const round1[NP] = {
	"Un guichet unique d'accueil pour toutes les personnes en recherche "
	    "d'emploi",
	"Cartographier les solutions d'insertion du territoire sur une carte "
	    "dynamique",
	"Une plateforme commune des offres d'emploi non pourvues",
	"Associer les entreprises dès la conception des formations",
	"Un diagnostic partagé dès le premier rendez-vous, « sans redemander "
	    "les mêmes papiers »",
	"Un référent de parcours unique, même quand la personne change de "
	    "structure",
	"@tous : un calendrier partagé des job datings du bassin",
	"- un « club des employeurs engagés » par bassin d'emploi",
	"=SOMME(A1:A3) : un tableau de bord commun entre partenaires",
	"+ de temps d'échange entre conseillers et travailleurs sociaux",
	"Des immersions courtes en entreprise",
	"Valoriser l'engagement des entreprises : label, témoignages, œuvre "
	    "commune",
};

/* Rounds 2 and 3: the travellers (4..11) at their new tables. */
static const char *const round2[NP] = {
	NULL, NULL, NULL, NULL,
	"Un dossier unique numérique que la personne garde avec elle",
	"Des permanences communes dans les mairies rurales",
	"Former les conseillers aux métiers en tension du territoire",
	"Des petits-déjeuners entre employeurs et conseillers chaque mois",
	"Un annuaire partagé des intervenants, tenu à jour",
	"Mutualiser les offres entre agences voisines",
	"Rendre visibles les engagements des entreprises sur un site commun",
	"Un droit à l'erreur pour les employeurs qui recrutent autrement",
};
static const char *const round3[NP] = {
	NULL, "Cap sur la coopération : 3 actions à lancer dès janvier",
	NULL, NULL,
	"Un comité local de coordination qui se réunit chaque trimestre",
	"Des objectifs communs entre France Travail, mission locale et Cap "
	    "emploi",
	"Une charte d'engagement signée avec les entreprises du bassin",
	"Simplifier les démarches de recrutement des TPE",
	"Partager les données du marché du travail local entre partenaires",
	"Des visites d'entreprises ouvertes aux demandeurs d'emploi",
	"Un interlocuteur unique pour chaque employeur",
	"Suivre les engagements et en rendre compte chaque année",
};
/* Hosts, round 2: what the table said before, for the newcomers. */
static const char *const host_replies[4] = {
	"Le premier tour proposait déjà un accueil unique : à relier",
	"À rapprocher de la carte dynamique du premier tour",
	"Idée reprise par trois personnes depuis le début",
	"Les entreprises présentes au premier tour étaient d'accord",
};

/* The seed board, made while the server runs; everyone joins. */
static void
cafe_open(size_t np)
{
	char	 seed[512], *out;
	size_t	 i;
	struct tclient	c;

	/*
	 * The script scores cards as fast as the server answers, far faster
	 * than people do: a burst large enough for one person's evaluation.
	 */
	tserver_start(&S.srv, false, "--ops-burst", "400", NULL);
	snprintf(seed, sizeof seed, "%s/examples/seed-cafe.board", ts_top());
	cr_assert_eq(tserver_command(&S.srv, &out, "create", BOARD, "--from",
	    seed, NULL), 0, "create: %s", out);
	cr_assert_not_null(strstr(out, "4 tables"), "%s", out);
	free(out);

	actor_join(&S.fac, &cafe_suite, &S.fac_seen, &S.srv, "Sophie",
	    true);
	cr_assert_eq(model_participant(S.fac.rep,
	    S.fac.c.participant)->role, ROLE_FACILITATOR);
	for (i = 0; i < NTABLES; i++)
		Z.t[i] = S.fac.rep->tables[i].id;
	/* The join code from the file is asked of everyone but the key. */
	cr_assert_eq(tclient_connect(&c, &S.srv, false), 0);
	cr_assert_eq(tclient_join(&c, BOARD, "Intrus", NULL, NULL),
	    ERROR_AUTH);
	tclient_close(&c);
	S.np = np;
	for (i = 0; i < np; i++) {
		actor_join(&S.p[i], &cafe_suite, &S.seen[i], &S.srv,
		    names[i], false);
		cr_assert_eq(pid(i), S.fac.c.participant + 1 + i);
	}
	sync_all();
}

/* The board file's settings reached every client. */
static void
check_seed(void)
{
	struct actor		*v[NMAX + 1];
	const struct model	*m;
	size_t			 n = actors(v), k;

	for (k = 0; k < n; k++) {
		m = v[k]->rep;
		cr_assert_str_eq(m->settings.title, "Café de l'emploi — "
		    "coopérer sur le territoire");
		cr_assert_eq(m->phase, PHASE_WELCOME);
		cr_assert_eq(m->round, 1);
		cr_assert_eq(m->settings.dots, 3);
		cr_assert(!m->settings.multi_vote && m->settings.blind);
		cr_assert(!m->settings.private_writing &&
		    !m->settings.anonymous && !m->settings.locked);
		/* Timed rounds: new cards wait for the next round. */
		cr_assert(m->settings.freeze_at_zero, "the seed board does "
		    "not freeze new cards at the end of a round");
		cr_assert_eq(m->settings.keep, 3);
		cr_assert_eq(m->ntables, NTABLES);
		cr_assert_str_eq(m->tables[0].theme, m->tables[1].theme);
		cr_assert_str_eq(m->tables[2].theme, m->tables[3].theme);
		cr_assert_str_neq(m->tables[0].theme, m->tables[2].theme);
		cr_assert_not_null(strstr(m->tables[3].question,
		    "France Travail"));
		cr_assert_not_null(strstr(m->banner, "Bienvenue"));
	}
}

/* Welcome: everyone sits at the least crowded table; hosts; ready. */
static void
step_welcome(void)
{
	bool	want[NMAX] = { false };
	size_t	i;
	uint64_t t;

	/* Read-only: no seat, no card; seated, still no card. */
	refused(&S.p[0], ADD(Z.t[0], "Trop tôt", 0), REJECT_FORBIDDEN,
	    NULL);
	for (i = 0; i < S.np; i++) {
		/* Each client sees the tables filled before it. */
		sync_all();
		t = model_least_crowded(S.p[i].rep);
		cr_assert_eq(t, Z.t[i % NTABLES], "%s", S.p[i].name);
		ok(&S.p[i], SIT(t, 0));
	}
	sync_all();
	for (i = 0; i < NTABLES; i++)
		cr_assert_eq(model_seated(S.fac.rep, Z.t[i]), S.np / NTABLES);
	refused(&S.p[0], ADD(Z.t[0], "Trop tôt", 0), REJECT_PHASE,
	    NULL);
	/* Someone moves; the facilitator seats them back. */
	ok(&S.p[11], SIT(Z.t[0], 0));
	refused(&S.p[4], SIT(Z.t[3], pid(11)), REJECT_FORBIDDEN, NULL);
	ok(&S.fac, SIT(Z.t[3], pid(11)));
	sync_all();
	cr_assert_eq(seat(11), Z.t[3]);
	cr_assert_eq(model_participant(S.p[11].rep, pid(11))->table, Z.t[3]);
	/* One host per table: the first to sit there. */
	for (i = 0; i < NTABLES; i++)
		ok(&S.fac, ROLE(pid(i), ROLE_HOST));
	refused(&S.p[5], ROLE(pid(5), ROLE_HOST), REJECT_FORBIDDEN, NULL);
	/* Some say they are ready: the facilitator sees exactly who. */
	for (i = 4; i < 9; i++) {
		ok(&S.p[i], READY(true));
		want[i] = true;
	}
	sync_all();
	check_ready(want);
	check_replicas();
	count_meetings(Z.met);
}

/* The clock: start, pause, resume, one more minute, the end. */
static void
step_timer(void)
{
	struct actor	*v[NMAX + 1];
	size_t		 n = actors(v), k;
	uint64_t	 paused;

	ok(&S.fac, TIMER(TIMER_START, 600, "Tour 1"));
	cr_assert(S.fac.rep->timer.running);
	cr_assert_eq(S.fac.rep->timer.remaining_ms, 600000);
	ok(&S.fac, TIMER(TIMER_PAUSE, 0, ""));
	paused = S.fac.rep->timer.remaining_ms;
	cr_assert(!S.fac.rep->timer.running && paused <= 600000 &&
	    paused > 590000);
	sync_all();
	for (k = 0; k < n; k++) {
		cr_assert(!v[k]->rep->timer.running);
		cr_assert_eq(model_timer_remaining(v[k]->rep, ts_wall_ms() +
		    5000), paused, "%s: a paused clock runs", v[k]->name);
		cr_assert_str_eq(v[k]->rep->timer.label, "Tour 1");
	}
	refused(&S.fac, TIMER(TIMER_PAUSE, 0, ""), REJECT_BAD, NULL);
	ok(&S.fac, TIMER(TIMER_RESUME, 0, ""));
	cr_assert(S.fac.rep->timer.running);
	ok(&S.fac, TIMER(TIMER_ADD, 60, ""));
	cr_assert(S.fac.rep->timer.remaining_ms > paused &&
	    S.fac.rep->timer.remaining_ms <= paused + 60000);
	/* The end of the round: all the time left taken away. */
	ok(&S.fac, TIMER(TIMER_ADD, -PROTO_TIMER_MAX, ""));
	cr_assert_eq(S.fac.rep->timer.remaining_ms, 0);
	actor_wait_count(&S.fac, &S.fac_seen.timer_ends, 1, "timer.end");
	sync_all();
	for (k = 0; k < n; k++) {
		cr_assert_eq(seen(v[k])->timer_ends, 1, "%s", v[k]->name);
		cr_assert(v[k]->rep->timer.ended && !v[k]->rep->timer.running);
		cr_assert_str_eq(v[k]->rep->timer.label, "Tour 1");
	}
}

/* Rotate; check what every client received. */
static void
rotate(uint32_t round)
{
	uint64_t	before[NMAX], seq;
	size_t		i;

	sync_all();
	for (i = 0; i < S.np; i++)
		before[i] = seat(i);
	seq = ok(&S.fac, ROTATE());
	sync_all();
	check_rotation(seq, before, round, Z.met, &Z.repeats);
	check_replicas();
}

/* Ideas, round 1: cards, replies, an edit, a delete, the clock. */
static void
step_round1(void)
{
	bool		want[NMAX] = { false };
	uint64_t	oops;
	size_t		i;

	ok(&S.fac, PHASE(PHASE_IDEAS));
	sync_all();
	check_ready(NULL);		/* a new phase: nobody is ready */
	refused(&S.p[0], GROUP(0, 0), REJECT_PHASE, NULL);
	refused(&S.p[0], VOTE(1, 1), REJECT_PHASE, NULL);
	for (i = 0; i < S.np; i++)
		Z.c1[i] = ok(&S.p[i], ADD(Z.t[i % NTABLES],
		    round1[i], 0));
	/* Building on a card of one's table; not on another's table. */
	Z.reply[0] = ok(&S.p[4], ADD(Z.t[0], "Oui, avec des "
	    "horaires élargis le samedi matin", Z.c1[0]));
	Z.reply[1] = ok(&S.p[5], ADD(Z.t[1], "Et la mettre à jour "
	    "chaque trimestre, avec les partenaires", Z.c1[1]));
	refused(&S.p[8], ADD(Z.t[1], "Pas ma table", 0),
	    REJECT_FORBIDDEN, NULL);
	/* One's own card only. */
	refused(&S.p[8], EDIT(Z.c1[0], "Réécrit"),
	    REJECT_FORBIDDEN, NULL);
	ok(&S.p[10], EDIT(Z.c1[10], "Des immersions courtes "
	    "en entreprise, préparées avec l'employeur et le conseiller"));
	oops = ok(&S.p[11], ADD(Z.t[3], "Carte écrite par erreur", 0));
	ok(&S.p[11], DEL(oops));
	refused(&S.p[11], DEL(oops),
	    REJECT_NOT_FOUND, NULL);
	Z.lines = ok(&S.p[3], ADD(Z.t[3], "Trois leviers :\n1. le "
	    "parrainage\n2. les visites d'entreprises", 0));
	sync_all();
	check_replicas();
	cr_assert(model_card(S.p[7].rep, oops)->deleted);

	step_timer();
	/* At zero: no new card, not even a reply, until the next round. */
	refused(&S.p[4], ADD(Z.t[0], "Encore une idée", 0),
	    REJECT_FROZEN, "new cards wait for the next round");
	refused(&S.p[5], ADD(Z.t[1], "Une réponse", Z.c1[1]),
	    REJECT_FROZEN, NULL);
	/* Editing is not writing a new card. */
	ok(&S.p[4], EDIT(Z.reply[0], "Oui, avec des "
	    "horaires élargis, le samedi matin aussi"));
	/* The facilitator is not bound by the freeze. */
	Z.synthesis = ok(&S.fac, ADD(Z.t[0], "Synthèse de "
	    "l'animatrice : relier accueil et suivi", 0));
	/* The travellers say they are done. */
	for (i = 4; i < S.np; i++) {
		ok(&S.p[i], READY(true));
		want[i] = true;
	}
	ok(&S.fac, BANNER("Tour 2 : les voyageurs changent de "
	    "table, les hôtes restent"));
	sync_all();
	check_ready(want);
	check_replicas();
}

/* Round 2: the travellers write at their new tables, hosts sum up. */
static void
step_round2(void)
{
	size_t		i, h;
	const struct model_card *c;

	/*
	 * The clock is no longer frozen; a traveller writes where they sit
	 * now (Élodie sat at the first table), not where they sat.
	 */
	cr_assert_neq(seat(4), Z.t[0]);
	refused(&S.p[4], ADD(Z.t[0], "À mon ancienne table", 0),
	    REJECT_FORBIDDEN, NULL);
	for (i = NTABLES; i < S.np; i++)
		Z.r2[i] = ok(&S.p[i], ADD(seat(i), round2[i], 0));
	/* Each host builds on a newcomer's card of their table. */
	sync_all();
	for (h = 0; h < NTABLES; h++) {
		for (i = NTABLES; i < S.np; i++)
			if (seat(i) == Z.t[h])
				break;
		cr_assert_lt(i, S.np);
		c = model_card(S.p[h].rep, Z.r2[i]);
		cr_assert_not_null(c, "%s does not have %s's card",
		    S.p[h].name, S.p[i].name);
		Z.hreply[h] = ok(&S.p[h], ADD(Z.t[h], host_replies[h],
		    Z.r2[i]));
	}
	/* A short round: the server's clock ends it by itself. */
	ok(&S.fac, TIMER(TIMER_START, 1, "Tour 2"));
	actor_wait_count(&S.fac, &S.fac_seen.timer_ends, 2, "timer.end");
	sync_all();
	refused(&S.p[6], ADD(seat(6), "Trop tard", 0), REJECT_FROZEN,
	    NULL);
	check_replicas();
}

/* Round 3: the lock, follow-me, going back to ideas, then groups. */
static void
step_round3(void)
{
	size_t	i;

	ok(&S.fac, SETTINGS(.has = SET_LOCKED, .locked = true));
	sync_all();
	refused(&S.p[5], ADD(seat(5), "Verrouillé ?", 0),
	    REJECT_FROZEN, "the board is locked");
	refused(&S.p[5], SIT(Z.t[0], 0), REJECT_FROZEN,
	    "the board is locked");
	refused(&S.p[1], EDIT(Z.c1[1], "Non"), REJECT_FROZEN,
	    NULL);
	/* Being ready is no change to the board. */
	ok(&S.p[5], READY(true));
	ok(&S.p[5], READY(false));
	/* The facilitator is not bound by the lock. */
	Z.reminder = ok(&S.fac, ADD(Z.t[2], "Rappel : une idée par "
	    "carte, s'il vous plaît", 0));
	ok(&S.fac, SETTINGS(.has = SET_LOCKED, .locked = false));
	sync_all();
	check_replicas();
	for (i = 1; i < S.np; i++)
		if (round3[i] != NULL)
			Z.r3[i] = ok(&S.p[i], ADD(seat(i), round3[i],
			    0));
	/* Follow me: every screen to the second question. */
	ok(&S.fac, FOLLOW(FOLLOW_TABLE, Z.t[1]));
	sync_all();
	for (i = 0; i < S.np; i++) {
		cr_assert_eq(S.seen[i].follows, 1);
		cr_assert_eq(S.p[i].rep->follow_view, FOLLOW_TABLE);
		cr_assert_eq(S.p[i].rep->follow_table, Z.t[1]);
	}
	ok(&S.fac, TIMER(TIMER_START, 300, "Tour 3"));
	ok(&S.fac, TIMER(TIMER_STOP, 0, ""));
	sync_all();
	check_replicas();
}

/* Group: clusters, titles, a merge; any order of phases. */
static void
step_group(void)
{
	const struct model	*m;
	size_t			 i;

	ok(&S.fac, PHASE(PHASE_GROUP));
	refused(&S.p[7], ADD(seat(7), "Après l'heure", 0),
	    REJECT_PHASE, NULL);
	/* The facilitator goes back to ideas for a last card. */
	ok(&S.fac, PHASE(PHASE_IDEAS));
	Z.late = ok(&S.p[7], ADD(seat(7), "Idée de dernière minute : "
	    "un forum annuel de l'emploi", 0));
	ok(&S.fac, PHASE(PHASE_GROUP));
	/* Question 1: two clusters, merged into one. */
	ok(&S.p[0], GROUP(Z.c1[4], Z.c1[0]));
	ok(&S.p[0], GROUP(Z.synthesis, Z.c1[0]));
	ok(&S.p[0], TITLE(Z.c1[0], "Un accueil unique"));
	ok(&S.p[8], GROUP(Z.hreply[0], Z.c1[8]));
	ok(&S.fac, TITLE(Z.c1[8], "Outils partagés"));
	refused(&S.p[8], GROUP(Z.c1[8], Z.c1[1]), REJECT_BAD, NULL);
	ok(&S.p[0], GROUP(Z.c1[8], Z.c1[0]));
	/* Question 2: titled by the facilitator. */
	ok(&S.p[1], GROUP(Z.c1[5], Z.c1[1]));
	ok(&S.p[1], GROUP(Z.c1[9], Z.c1[1]));
	ok(&S.p[1], GROUP(Z.c1[9], 0));		/* ungrouped again */
	ok(&S.fac, TITLE(Z.c1[1], "Cartographie des solutions"));
	/* Question 3: a title a spreadsheet would run. */
	ok(&S.p[2], GROUP(Z.c1[6], Z.c1[2]));
	ok(&S.p[2], TITLE(Z.c1[2], "+ de lien avec les employeurs"));
	/* Question 4: a cluster with no title. */
	ok(&S.p[3], GROUP(Z.c1[7], Z.c1[3]));
	ok(&S.p[3], GROUP(Z.c1[11], Z.c1[7]));	/* under its head */
	refused(&S.p[3], VOTE(Z.c1[3], 1), REJECT_PHASE, NULL);
	sync_all();
	check_replicas();
	for (i = 0; i < S.np; i++) {
		m = S.p[i].rep;
		cr_assert_eq(model_card(m, Z.c1[4])->head, Z.c1[0]);
		cr_assert_eq(model_card(m, Z.c1[8])->head, Z.c1[0]);
		cr_assert_eq(model_card(m, Z.hreply[0])->head, Z.c1[0],
		    "%s: the merged cluster's card", S.p[i].name);
		cr_assert_eq(model_card(m, Z.c1[11])->head, Z.c1[3]);
		cr_assert_eq(model_card(m, Z.c1[9])->head, 0);
		cr_assert_str_eq(model_card(m, Z.c1[0])->title,
		    "Un accueil unique");
	}
}

/* Count a dot the script cast (delta) on card. */
static void
tally(size_t who, uint64_t card, int delta)
{
	size_t	i;

	for (i = 0; i < Z.nv && Z.vcard[i] != card; i++)
		;
	if (i == Z.nv) {
		cr_assert_lt(Z.nv, 256);
		Z.vcard[Z.nv] = card;
		Z.vn[Z.nv++] = 0;
	}
	Z.vn[i] = (uint32_t)((int)Z.vn[i] + delta);
	Z.used[who][tindex(model_card(S.fac.rep, card)->table)] +=
	    (uint32_t)delta;
	Z.nvotes++;
}

/* The dots the script cast on card. */
static uint32_t
votes_on(uint64_t card)
{
	size_t	i;

	for (i = 0; i < Z.nv; i++)
		if (Z.vcard[i] == card)
			return Z.vn[i];
	return 0;
}

/* The live cards of table t in id order, from the facilitator's replica. */
static size_t
cards_of(uint64_t t, uint64_t *out, size_t max)
{
	const struct model	*m = S.fac.rep;
	size_t			 i, n = 0;

	for (i = 0; i < m->ncards && n < max; i++)
		if (!m->cards[i].deleted && m->cards[i].table == t)
			out[n++] = m->cards[i].id;
	return n;
}

/* Vote, blind: dots, refusals, take-backs, a reconnect in the middle. */
static void
step_vote(void)
{
	uint64_t	L[64], L2[64];
	size_t		i, j, n, n2, k;
	bool		want[NMAX];
	uint32_t	dots;

	ok(&S.fac, PHASE(PHASE_VOTE));
	sync_all();
	for (i = 0; i < S.np; i++)
		cr_assert(!S.p[i].rep->revealed);
	for (i = 0; i < S.np; i++) {
		n = cards_of(seat(i), L, 64);
		cr_assert_geq(n, 4);
		/* Three dots on the question of one's table. */
		for (k = 0; k < 3; k++) {
			uint64_t c = L[(i + (k == 2 ? 3 : k)) % n];

			ok(&S.p[i], VOTE(c, 1));
			tally(i, c, 1);
			/* Not two dots on one card (multi_vote is off). */
			if (i == 0 && k == 0)
				refused(&S.p[i], VOTE(c, 1), REJECT_LIMIT,
				    "one dot per card");
		}
		/* One on the next question. */
		n2 = cards_of(Z.t[(tindex(seat(i)) + 1) % NTABLES], L2, 64);
		ok(&S.p[i], VOTE(L2[(i * 5) % n2], 1));
		tally(i, L2[(i * 5) % n2], 1);
		switch (i) {
		case 0:		/* three dots per question: no fourth */
			refused(&S.p[i], VOTE(L[2], 1), REJECT_LIMIT,
			    "no dots left for this question");
			break;
		case 1:		/* a dot taken back and put elsewhere */
			ok(&S.p[i], VOTE(L[1 % n], -1));
			tally(i, L[1 % n], -1);
			ok(&S.p[i], VOTE(L[3 % n], 1));
			tally(i, L[3 % n], 1);
			break;
		case 2:		/* no dot there to take back */
			refused(&S.p[i], VOTE(L[(2 + 2) % n], -1),
			    REJECT_LIMIT, "no dot to take back");
			break;
		}
	}
	sync_all();
	/* Dots left, as each one's own client counts them. */
	for (i = 0; i < S.np; i++)
		for (j = 0; j < NTABLES; j++) {
			dots = model_dots_used(S.p[i].rep, pid(i), Z.t[j]);
			cr_assert_eq(dots, Z.used[i][j], "%s: dots used on "
			    "question %zu", S.p[i].name, j + 1);
			cr_assert_eq(3 - dots, j == (size_t)tindex(seat(i)) ? 0 :
			    j == (size_t)(tindex(seat(i)) + 1) % NTABLES ?
			    2 : 3);
		}
	/* The facilitator sees the totals; nobody else does. */
	for (i = 0; i < S.fac.rep->ncards; i++)
		cr_assert_eq(S.fac.rep->cards[i].votes,
		    votes_on(S.fac.rep->cards[i].id));
	check_replicas();
	/* Gaëlle's laptop drops; she comes back with the board as it is. */
	actor_rejoin_state(&S.p[6], &S.srv);
	for (j = 0; j < NTABLES; j++)
		cr_assert_eq(model_dots_used(S.p[6].rep, pid(6), Z.t[j]),
		    Z.used[6][j]);
	cr_assert(!S.p[6].rep->revealed);
	check_replicas();
	/* Everybody voted. */
	for (i = 0; i < S.np; i++) {
		ok(&S.p[i], READY(true));
		want[i] = true;
	}
	sync_all();
	check_ready(want);
	/* Nobody received anyone's vote but as [18, seq, 0, 0, 7]. */
	for (i = 0; i < S.np; i++) {
		cr_assert_eq(S.seen[i].open_votes, 0, "%s", S.p[i].name);
		cr_assert_eq(S.seen[i].own_votes + S.seen[i].hidden_votes,
		    Z.nvotes, "%s", S.p[i].name);
		cr_assert_eq(S.seen[i].tally_seq, 0);
	}
	cr_assert_eq(S.fac_seen.open_votes, Z.nvotes);
}

/*
 * A second look, in the open: back to the vote with blind off, François
 * moves a dot, everyone sees which card gained and lost one but never
 * whose it was; then the harvest again, blind on for next time.
 */
static void
open_look(void)
{
	uint64_t	L[64], from = 0, to = 0;
	size_t		i, n, before[NMAX];

	ok(&S.fac, SETTINGS(.has = SET_BLIND, .blind = false));
	ok(&S.fac, PHASE(PHASE_VOTE));
	n = cards_of(seat(5), L, 64);
	for (i = 0; i < n; i++) {
		if (model_votes_of(S.p[5].rep, pid(5), L[i]) > 0)
			from = L[i];
		else if (to == 0)
			to = L[i];
	}
	cr_assert(from != 0 && to != 0);
	for (i = 0; i < S.np; i++)
		before[i] = S.seen[i].open_votes;
	ok(&S.p[5], VOTE(from, -1));
	tally(5, from, -1);
	ok(&S.p[5], VOTE(to, 1));
	tally(5, to, 1);
	sync_all();
	for (i = 0; i < S.np; i++)
		cr_assert_eq(S.seen[i].open_votes, before[i] + (i == 5 ? 0 : 2),
		    "%s", S.p[i].name);
	check_replicas();
	ok(&S.fac, PHASE(PHASE_HARVEST));
	ok(&S.fac, SETTINGS(.has = SET_BLIND, .blind = true));
	sync_all();
	for (i = 0; i < S.np; i++)
		cr_assert(S.p[i].rep->revealed && S.p[i].rep->settings.blind);
	check_replicas();
}

/* ------------------------------------------------------ deliverables */

/* The script's totals of card (criterion 0..2); NULL if never scored. */
static uint32_t *
totals_of(uint64_t card, bool add)
{
	size_t	i;

	for (i = 0; i < Z.ns; i++)
		if (Z.scard[i] == card)
			return Z.stot[i];
	if (!add)
		return NULL;
	cr_assert_lt(Z.ns, 256);
	Z.scard[Z.ns] = card;
	memset(Z.stot[Z.ns], 0, sizeof Z.stot[Z.ns]);
	return Z.stot[Z.ns++];
}

/* The script's total of card over the three criteria. */
static uint32_t
score_total(uint64_t card)
{
	const uint32_t	*t = totals_of(card, false);

	return t == NULL ? 0 : t[0] + t[1] + t[2];
}

/* The report's order of ideas: best total, then votes, then the oldest. */
static bool
better(uint64_t a, uint64_t b)
{
	if (score_total(a) != score_total(b))
		return score_total(a) > score_total(b);
	if (votes_on(a) != votes_on(b))
		return votes_on(a) > votes_on(b);
	return a < b;
}

/* What participant i gives card c on criterion k: 0 to 3, spread out. */
static uint32_t
score_of(size_t i, uint64_t c, uint32_t k)
{
	return (uint32_t)((i * 7 + c * 13 + k * 5 + (i * c) % 11) % 4);
}

/*
 * The evaluation on the seed's three criteria: each of the twelve gives
 * every idea of the question where they sit 0 to 3 on each criterion,
 * blind until the facilitator closes it; nobody, the facilitator
 * included, ever receives who scored what.
 */
static void
step_eval(void)
{
	struct actor	*v[NMAX + 1];
	const uint32_t	*t;
	uint64_t	 L[64];
	size_t		 i, j, n, na = actors(v);
	uint32_t	 k, val, *tot;

	for (i = 0; i < na; i++) {
		cr_assert_eq(v[i]->rep->ncriteria, 3, "%s", v[i]->name);
		cr_assert_str_eq(v[i]->rep->criteria[0], "structurant");
		cr_assert_str_eq(v[i]->rep->criteria[2], "novateur");
	}
	refused(&S.p[0], OP(.kind = OP_SCORE, .card = Z.c1[0]), REJECT_PHASE,
	    "no evaluation is open");
	refused(&S.p[0], OP(.kind = OP_EVAL_OPEN), REJECT_FORBIDDEN, NULL);
	ok(&S.fac, OP(.kind = OP_EVAL_OPEN));
	for (i = 0; i < S.np; i++) {
		n = cards_of(seat(i), L, 64);
		for (j = 0; j < n; j++)
			for (k = 0; k < 3; k++) {
				val = score_of(i, L[j], k);
				ok(&S.p[i], OP(.kind = OP_SCORE, .card = L[j],
				    .criterion = k, .value = val));
				totals_of(L[j], true)[k] += val;
				Z.nscores++;
			}
		if (i == 0) {
			refused(&S.p[i], OP(.kind = OP_SCORE, .card = L[0],
			    .criterion = 0, .value = 4), REJECT_LIMIT,
			    "a score is 0 to 3");
			/* A change of mind: one score, not two. */
			tot = totals_of(L[0], true);
			val = score_of(i, L[0], 1);
			ok(&S.p[i], OP(.kind = OP_SCORE, .card = L[0],
			    .criterion = 1, .value = 3));
			tot[1] += 3 - val;
			Z.nscores++;
		}
	}
	sync_all();
	/* Gaëlle comes back in the middle: her own scores, no total. */
	actor_rejoin_state(&S.p[6], &S.srv);
	cr_assert(S.p[6].rep->eval_open);
	n = cards_of(seat(6), L, 64);
	for (j = 0; j < n; j++) {
		cr_assert(model_score_of(S.p[6].rep, pid(6), L[j], 2, &val));
		cr_assert_eq(val, score_of(6, L[j], 2));
		cr_assert_eq(model_card(S.p[6].rep, L[j])->score[2], 0,
		    "Gaëlle received a total of an open evaluation");
	}
	/* The facilitator's replica holds the totals as they grow. */
	for (i = 0; i < Z.ns; i++)
		for (k = 0; k < 3; k++)
			cr_assert_eq(model_card(S.fac.rep,
			    Z.scard[i])->score[k], Z.stot[i][k]);
	for (i = 0; i < S.np; i++) {
		cr_assert_eq(S.seen[i].open_scores, 0, "%s", S.p[i].name);
		if (i != 6)
			cr_assert_eq(S.seen[i].own_scores +
			    S.seen[i].hidden_scores, Z.nscores, "%s",
			    S.p[i].name);
	}
	cr_assert_eq(S.fac_seen.open_scores, Z.nscores);
	ok(&S.fac, OP(.kind = OP_EVAL_CLOSE));
	sync_all();
	/* Every replica: the same totals, and they are the script's. */
	for (i = 0; i < na; i++) {
		cr_assert(!v[i]->rep->eval_open);
		for (j = 0; j < v[i]->rep->ncards; j++) {
			t = totals_of(v[i]->rep->cards[j].id, false);
			for (k = 0; k < 3; k++)
				cr_assert_eq(v[i]->rep->cards[j].score[k],
				    t == NULL ? 0 : t[k], "%s: card %llu, "
				    "criterion %u", v[i]->name,
				    (unsigned long long)v[i]->rep->cards[j].id,
				    k);
		}
	}
	refused(&S.p[1], OP(.kind = OP_SCORE, .card = Z.c1[1]), REJECT_PHASE,
	    NULL);
	check_replicas();
}

/* The members of table t, by their index in S.p, in id order. */
static size_t
members(uint64_t t, size_t *out)
{
	size_t	i, n = 0;

	for (i = 0; i < S.np; i++)
		if (seat(i) == t)
			out[n++] = i;
	return n;
}

/* A due day as someone would say it, in ISO (the year is given). */
static char *
due_day(const char *said, char *out)
{
	cr_assert_eq(date_parse(said, ts_wall_ms(), out), 0, "%s", said);
	return out;
}

static const char *const engagements[NTABLES] = {
	"Un accueil commun, sans redemander les mêmes papiers",
	"Mettre à jour ensemble la carte des solutions, chaque trimestre",
	"Répondre à un employeur en moins de 48 heures, à plusieurs",
	"Associer les entreprises à chaque comité local",
};
static const char *const factors[NTABLES] = {
	"Des conseillers qui se connaissent",
	"Un outil simple, ouvert à tous les partenaires",
	"Un interlocuteur unique, connu des employeurs",
	"Des engagements suivis et rendus publics",
};
static const char *const actions[NTABLES][3] = {
	{ "Réunir les partenaires de l'accueil", "Écrire la charte "
	    "d'accueil commune", "Former les agents d'accueil" },
	{ "Choisir l'outil de cartographie", "Désigner un référent par "
	    "structure", "Présenter la carte aux élus" },
	{ "Lister les besoins en recrutement du bassin", "Créer l'adresse "
	    "commune employeurs", "Premier bilan avec les TPE" },
	{ "Rédiger la charte d'engagement", "Inviter dix entreprises au "
	    "comité", "Publier le premier bilan" },
};
static const char *const said[3] = {
	"12 mars 2027", "fin juin 2027", "15/01/2027",
};
static const char *const absent[NTABLES] = {
	"Mme Lefèvre (mission locale)", "le service RH du Département",
	"Karim, Cap emploi", "la CCI",
};

/*
 * Deliverables: back to ideas, each table fills in the canvas of the board
 * file: its commitments, a success factor, and a roadmap of three actions
 * built on its kept ideas, with owners (two of them people of the table,
 * one someone absent) and due days said in French.
 */
static void
step_deliverables(void)
{
	const struct model_section	*s;
	size_t				 mem[NMAX], n, j, k, o;
	char				 day[DATE_ISO_LEN + 1];
	uint64_t			 c;

	for (j = 0; j < NTABLES; j++) {
		s = model_section(S.fac.rep, Z.t[j], 3);
		cr_assert_not_null(s);
		cr_assert_str_eq(s->name, "Feuille de route");
		cr_assert_eq(s->kind, SECTION_ACTIONS);
	}
	ok(&S.fac, PHASE(PHASE_IDEAS));
	ok(&S.fac, BANNER("Livrables : remplissez le canevas de votre "
	    "table"));
	for (j = 0; j < NTABLES; j++) {
		n = members(Z.t[j], mem);
		cr_assert_geq(n, 3);
		ok(&S.p[mem[0]], OP(.kind = OP_CARD_ADD, .table = Z.t[j],
		    .text = (char *)engagements[j], .section = 1));
		ok(&S.p[mem[1]], OP(.kind = OP_CARD_ADD, .table = Z.t[j],
		    .text = (char *)factors[j], .section = 2));
		for (k = 0; k < 3; k++) {
			Z.act[j][k] = ok(&S.p[mem[k]], OP(.kind = OP_CARD_ADD,
			    .table = Z.t[j], .text = (char *)actions[j][k],
			    .parent = Z.kept[j][k], .section = 3));
			o = mem[(k + 1) % n];
			Z.act_owner[j][k] = k == 1 ? 0 : pid(o);
			ok(&S.p[mem[k]], OP(.kind = OP_ACTION,
			    .card = Z.act[j][k], .owner = k == 1 ?
			    (char *)absent[j] : (char *)names[o],
			    .due = due_day(said[k], day)));
		}
		/* Not one's own feedback; not another table's roadmap. */
		refused(&S.p[mem[0]], OP(.kind = OP_CARD_ADD, .table = Z.t[j],
		    .text = (char *)"Nous-mêmes", .section = 4),
		    REJECT_FORBIDDEN, "feedback is written by the other teams");
		n = members(Z.t[(j + 1) % NTABLES], mem);
		refused(&S.p[mem[0]], OP(.kind = OP_ACTION,
		    .card = Z.act[j][0], .owner = (char *)"Moi",
		    .due = (char *)""), REJECT_FORBIDDEN, NULL);
	}
	/* A card placed in the roadmap by its table becomes an action. */
	n = members(Z.t[2], mem);
	c = ok(&S.p[mem[2]], ADD(Z.t[2], "Un petit-déjeuner des TPE en "
	    "avril", 0));
	ok(&S.p[mem[0]], OP(.kind = OP_CARD_PLACE, .card = c, .section = 3));
	sync_all();
	check_replicas();
	/* Each owner sees "your actions" on their own client. */
	for (j = 0; j < NTABLES; j++)
		for (k = 0; k < 3; k++) {
			if (Z.act_owner[j][k] == 0)
				continue;
			o = Z.act_owner[j][k] - pid(0);
			cr_assert(model_action_of(S.p[o].rep, model_card(
			    S.p[o].rep, Z.act[j][k]), pid(o)), "%s does not "
			    "see their action", S.p[o].name);
			cr_assert(!model_action_of(S.p[o].rep, model_card(
			    S.p[o].rep, Z.act[j][k]), S.fac.c.participant));
		}
	cr_assert_str_eq(model_card(S.p[9].rep, Z.act[1][0])->due,
	    "2027-03-12");
	cr_assert_str_eq(model_card(S.p[9].rep, Z.act[1][1])->due,
	    "2027-06-30");
}

static const char *const likes[NTABLES] = {
	"J'aime : un seul dossier pour la personne",
	"J'aime la carte tenue par tous",
	"J'aime le délai de 48 heures",
	"J'aime que les entreprises soient au comité",
};
static const char *const wishes[NTABLES] = {
	"Je souhaite que les mairies rurales en soient",
	"Je souhaite une version papier pour les permanences",
	"Je souhaite un bilan partagé avec les TPE",
	"Je souhaite des engagements mesurables",
};
static const char *const whatifs[NTABLES] = {
	"Et si les personnes accompagnées testaient l'accueil ?",
	/* A long word that no rule of the language may break. */
	"Et si carte_des_solutions_dinsertion_et_demploi_du_bassin_tenue_a_"
	    "jour_par_tous_les_partenaires_du_territoire_2027.ods était "
	    "partagée ?",
	"Et si on commençait par les métiers en tension ?",
	"Et si chaque entreprise parrainait un demandeur d'emploi ?",
};

/*
 * Pitches: one team at a time presents, with its clock; two people of other
 * tables write feedback into its "J'aime / Je souhaite / Et si…" sections,
 * which the presenting team sees arrive.
 */
static void
step_pitch(void)
{
	size_t		mem[NMAX], oth[NMAX], r1, r2, j, n;
	uint64_t	t;

	for (j = 0; j < NTABLES; j++) {
		t = Z.t[j];
		ok(&S.fac, OP(.kind = OP_PITCH, .table = t, .seconds = 180,
		    .text = (char *)"Pitch"));
		n = members(Z.t[(j + 1) % NTABLES], oth);
		r1 = oth[1];
		n = members(Z.t[(j + 2) % NTABLES], oth);
		r2 = oth[2];
		Z.fb[j][0] = ok(&S.p[r1], OP(.kind = OP_CARD_ADD, .table = t,
		    .text = (char *)likes[j], .section = 4));
		Z.fb[j][1] = ok(&S.p[r2], OP(.kind = OP_CARD_ADD, .table = t,
		    .text = (char *)wishes[j], .section = 5));
		Z.fb[j][2] = ok(&S.p[r1], OP(.kind = OP_CARD_ADD, .table = t,
		    .text = (char *)whatifs[j], .section = 6));
		/* Feedback only: no card of one's own on their table. */
		refused(&S.p[r2], OP(.kind = OP_CARD_ADD, .table = t,
		    .text = (char *)"Une idée", .section = 1),
		    REJECT_FORBIDDEN, NULL);
		n = members(t, mem);
		refused(&S.p[mem[0]], OP(.kind = OP_CARD_ADD, .table = t,
		    .text = (char *)"Nous-mêmes", .section = 4),
		    REJECT_FORBIDDEN, "feedback is written by the other teams");
		/* The presenting team sees it arrive. */
		sync_all();
		cr_assert(S.p[mem[0]].rep->timer.running);
		cr_assert_eq(S.p[mem[0]].rep->pitch_table, t);
		cr_assert_eq(model_card(S.p[mem[1]].rep, Z.fb[j][2])->table,
		    t);
		cr_assert_eq(model_card(S.p[mem[1]].rep, Z.fb[j][2])->section,
		    6);
		cr_assert_str_eq(model_card(S.p[mem[1]].rep,
		    Z.fb[j][0])->text, likes[j]);
		(void)n;
	}
	/* After the last pitch, nobody writes on another team's canvas. */
	ok(&S.fac, OP(.kind = OP_PITCH, .table = 0));
	ok(&S.fac, TIMER(TIMER_STOP, 0, ""));
	n = members(Z.t[1], oth);
	refused(&S.p[oth[0]], OP(.kind = OP_CARD_ADD, .table = Z.t[0],
	    .text = (char *)"Trop tard", .section = 4), REJECT_FORBIDDEN,
	    NULL);
	sync_all();
	check_replicas();
}

/* Close the vote: the tally; keep ideas; follow to the results. */
static void
step_harvest(void)
{
	const struct model	*m;
	uint64_t		 L[64];
	size_t			 i, j, k, n, best;
	bool			 taken[64], tie = false;
	int64_t			 end;

	ok(&S.fac, PHASE(PHASE_HARVEST));
	end = ts_now_ms() + WAIT_MS;
	while (S.fac_seen.tally_seq == 0)
		cr_assert(actor_step(&S.fac, (int)(end - ts_now_ms())) == 1,
		    "no tally after the vote");
	sync_all();
	for (i = 0; i < S.np; i++) {
		m = S.p[i].rep;
		cr_assert_eq(S.seen[i].tally_seq, S.fac_seen.tally_seq);
		cr_assert(m->revealed);
		for (j = 0; j < m->ncards; j++)
			cr_assert_eq(m->cards[j].votes,
			    votes_on(m->cards[j].id), "%s: card %llu after "
			    "the tally", S.p[i].name,
			    (unsigned long long)m->cards[j].id);
	}
	check_ready(NULL);
	check_replicas();
	refused(&S.p[0], VOTE(Z.c1[0], 1), REJECT_PHASE, NULL);
	refused(&S.p[0], ADD(seat(0), "Encore", 0), REJECT_PHASE,
	    NULL);
	refused(&S.p[0], KEEP(Z.c1[0], true), REJECT_FORBIDDEN,
	    NULL);
	open_look();
	step_eval();
	/* Three ideas kept per question: the best total, then votes, age. */
	for (j = 0; j < NTABLES; j++) {
		n = cards_of(Z.t[j], L, 64);
		memset(taken, 0, sizeof taken);
		for (k = 0; k < 3; k++) {
			best = SIZE_MAX;
			for (i = 0; i < n; i++)
				if (!taken[i] && (best == SIZE_MAX ||
				    better(L[i], L[best])))
					best = i;
			taken[best] = true;
			if (k > 0 && score_total(L[best]) ==
			    score_total(Z.kept[j][k - 1]))
				tie = true;
			Z.kept[j][k] = L[best];
			ok(&S.fac, KEEP(L[best], true));
			Z.nkept[j]++;
		}
	}
	cr_log_info("a tie of totals among the kept ideas: %s",
	    tie ? "yes" : "no");
	ok(&S.fac, FOLLOW(FOLLOW_RESULTS, 0));
	sync_all();
	for (i = 0; i < S.np; i++)
		cr_assert_eq(S.p[i].rep->follow_view, FOLLOW_RESULTS);
	ok(&S.fac, FOLLOW(FOLLOW_NONE, 0));
	ok(&S.p[3], READY(true));
	sync_all();
	check_replicas();
	for (j = 0; j < NTABLES; j++)
		for (k = 0; k < 3; k++)
			cr_assert(model_card(S.p[5].rep, Z.kept[j][k])->kept);
}

/* Closed: read-only for everyone; the facilitator still speaks. */
static void
step_closed(void)
{
	ok(&S.fac, PHASE(PHASE_CLOSED));
	sync_all();
	check_ready(NULL);
	refused(&S.fac, ADD(Z.t[0], "Après la fin", 0), REJECT_FROZEN,
	    "the board is closed");
	refused(&S.p[0], ADD(Z.t[0], "Après la fin", 0), REJECT_FROZEN,
	    NULL);
	refused(&S.p[0], EDIT(Z.c1[0], "Modifié"),
	    REJECT_FROZEN, NULL);
	refused(&S.fac, EDIT(Z.c1[0], "Modifié"),
	    REJECT_FROZEN, NULL);
	refused(&S.p[0], DEL(Z.c1[0]), REJECT_FROZEN,
	    NULL);
	refused(&S.p[0], VOTE(Z.c1[0], 1), REJECT_FROZEN, NULL);
	refused(&S.p[0], GROUP(Z.c1[4], 0), REJECT_FROZEN, NULL);
	refused(&S.fac, TITLE(Z.c1[0], "Autre"), REJECT_FROZEN, NULL);
	refused(&S.fac, KEEP(Z.c1[0], false), REJECT_FROZEN, NULL);
	ok(&S.fac, BANNER("Merci à toutes et à tous !"));
	sync_all();
	check_replicas();
	cr_assert_str_eq(S.p[9].rep->banner, "Merci à toutes et à tous !");
}

/* ------------------------------------------------------------ exports */

/* Export fmt (with a BOM when bom) offline and with the client; the same. */
static void
export_both(const char *fmt, bool bom, char *path, size_t pathlen)
{
	ts_export_both(&S.srv, S.tmp, BOARD, fmt, bom, path, pathlen);
}

/* The normalised export equals tests/fixtures/cafe/golden. */
static void
check_golden(const char *path, const char *golden)
{
	ts_check_golden(path, "cafe", golden, "CB_REGEN_CAFE");
}

/* The card a report line shows: its text, unescaped, starts the line. */
static bool
line_shows(const char *line, size_t len, const char *text)
{
	char	buf[1024];
	size_t	i, n = 0;

	for (i = 0; i < len && n + 1 < sizeof buf; i++)
		if (line[i] != '\\')
			buf[n++] = line[i];
	buf[n] = '\0';
	/* The first line of the text, or its first 40 bytes. */
	n = strcspn(text, "\n");
	if (n > 40)
		n = 40;
	return memmem(buf, strlen(buf), text, n) != NULL;
}

/* The report: per question, the kept ideas first, most votes first. */
static void
check_report(const char *md)
{
	const struct model	*m = S.fac.rep;
	const struct model_card	*c;
	const char		*q, *kept, *all, *line, *nl;
	char			 head[64], meta[64];
	size_t			 j, k;

	cr_assert_not_null(strstr(md, "- Participants: 12\n"));
	cr_assert_not_null(strstr(md, "- Facilitators: 1 (Sophie)\n"));
	cr_assert_not_null(strstr(md, "- Criteria: structurant, pertinent, "
	    "novateur (0 to 3 per person, idea and criterion)\n"));
	cr_assert_not_null(strstr(md, "- Rounds: 3\n"));
	cr_assert_not_null(strstr(md, "- Questions: 4\n"));
	for (j = 0; j < NTABLES; j++) {
		snprintf(head, sizeof head, "### Question %zu — ", j + 1);
		cr_assert_not_null(q = strstr(md, head));
		cr_assert_not_null(kept = strstr(q, "#### Kept ideas\n\n"));
		cr_assert_not_null(all = strstr(q, "#### All ideas\n\n"));
		cr_assert_lt(kept, all);
		line = kept + strlen("#### Kept ideas\n\n");
		for (k = 0; k < Z.nkept[j]; k++) {
			c = model_card(m, Z.kept[j][k]);
			cr_assert_not_null(nl = strchr(line, '\n'));
			snprintf(head, sizeof head, "%zu. ", k + 1);
			snprintf(meta, sizeof meta, " — %u vote%s — ",
			    c->votes, c->votes == 1 ? "" : "s");
			cr_assert(strncmp(line, head, strlen(head)) == 0 &&
			    line_shows(line, (size_t)(nl - line), c->text) &&
			    memmem(line, (size_t)(nl - line), meta,
			    strlen(meta)) != NULL, "question %zu, kept idea "
			    "%zu is not card %llu: %.*s", j + 1, k + 1,
			    (unsigned long long)c->id, (int)(nl - line), line);
			/* A card of several lines goes on. */
			while (nl[-1] == '\\')
				nl = strchr(nl + 1, '\n');
			line = nl + 1;
		}
		cr_assert_eq(*line, '\n', "more kept ideas than kept");
	}
}

/* What each exported card must say: id votes kept parent cluster. */
static void
write_expected(const char *path, bool meta)
{
	const struct model	*m = S.fac.rep;
	const struct model_card	*c, *p;
	uint64_t		 parent, cluster;
	size_t			 i, j, k;
	FILE			*f = fopen(path, "w");

	cr_assert_not_null(f);
	if (meta)
		fprintf(f, "meta %s %s %u %zu\n", BOARD,
		    proto_phase_name(m->phase), (unsigned)m->round,
		    m->nparticipants);
	for (i = 0; i < m->ntables; i++)
		for (j = 0; j < m->ncards; j++) {
			c = &m->cards[j];
			if (c->deleted || c->table != m->tables[i].id)
				continue;
			for (parent = c->parent; parent != 0 &&
			    (p = model_card(m, parent))->deleted;
			    parent = p->parent)
				;
			cluster = c->head;
			for (k = 0; cluster == 0 && k < m->ncards; k++)
				if (!m->cards[k].deleted &&
				    m->cards[k].head == c->id)
					cluster = c->id;
			if (cluster == 0 && c->title[0] != '\0')
				cluster = c->id;
			fprintf(f, "%llu %u %d %llu %llu\n",
			    (unsigned long long)c->id, (unsigned)c->votes,
			    c->kept, (unsigned long long)parent,
			    (unsigned long long)cluster);
		}
	cr_assert_eq(fclose(f), 0);
}

/* ext: Python's checks of the deliverables in the CSV. */
static const char csv_deliver_check[] =
"import csv, io, sys\n"
"rows = list(csv.reader(io.open(sys.argv[1], newline='', encoding='utf-8'),\n"
"    strict=True))\n"
"h = rows[0]\n"
"assert h[11:] == ['section', 'owner', 'due', 'score: structurant',\n"
"    'score: pertinent', 'score: novateur', 'score_total'], h\n"
"owners = dues = feedback = 0\n"
"for r in rows[1:]:\n"
"    assert len(r) == 18, r\n"
"    assert int(r[17]) == int(r[14]) + int(r[15]) + int(r[16]), r\n"
"    if r[12]: owners += 1\n"
"    if r[13]: dues += 1; assert len(r[13]) == 10 and r[13][4] == '-', r\n"
"    if r[11] in ('J\\'aime', 'Je souhaite', 'Et si…'): feedback += 1\n"
"assert (owners, dues, feedback) == (12, 12, 12), (owners, dues, feedback)\n"
"print('csv deliverables ok')\n";

/* ext: Python's checks of the deliverables in the JSON. */
static const char json_deliver_check[] =
"import json, sys\n"
"d = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8'))\n"
"e = d['evaluation']\n"
"assert e['criteria'] == ['structurant', 'pertinent', 'novateur'], e\n"
"assert e['open'] is False and e['eval_dots'] == 0, e\n"
"assert len(d['canvases']) == 1, d['canvases']\n"
"cv = d['canvases'][0]\n"
"assert [s['kind'] for s in cv['sections']] == ['ideas', 'ideas',\n"
"    'actions', 'feedback', 'feedback', 'feedback'], cv\n"
"assert cv['sections'][2]['limit'] == 8, cv\n"
"acts = 0\n"
"for t in d['tables']:\n"
"    assert t['canvas'] == cv['id'], t\n"
"    kept = [c for c in t['cards'] if c['kept']]\n"
"    assert len(kept) == 3, kept\n"
"    for c in t['cards']:\n"
"        assert c['score_total'] == sum(c['scores']), c\n"
"        assert len(c['scores']) == 3, c\n"
"        if c['owner'] is not None:\n"
"            acts += 1\n"
"            assert c['section_name'] == 'Feuille de route', c\n"
"            assert c['parent'] is not None, c\n"
"    best = sorted(c['score_total'] for c in t['cards'])[-3:]\n"
"    assert sorted(c['score_total'] for c in kept) == best, (kept, best)\n"
"assert acts == 12, acts\n"
"print('json deliverables ok')\n";

/*
 * CB_REPORT_DIR=DIR: the seed café's report as a lab would send it, in
 * French (the board's language), written there: Markdown, HTML, and a
 * screenshot of the HTML when chromium is installed.
 */
static void
report_in_french(void)
{
	const char	*dir = getenv("CB_REPORT_DIR");
	char		 out[512], loc[512], *res;
	char		*argv[] = { (char *)ts_bin("CB_SERVER",
	    "server/cafeboard-server"), "--data", S.srv.data, "export", BOARD,
	    "--format", NULL, "-o", out, NULL };
	static const char *const fmts[] = { "md", "html" };
	size_t		 i;

	if (dir == NULL)
		return;
	snprintf(loc, sizeof loc, "%s/build/locale", ts_top());
	setenv("LANGUAGE", "fr", 1);
	setenv("CAFEBOARD_LOCALEDIR", loc, 1);
	for (i = 0; i < 2; i++) {
		argv[6] = (char *)fmts[i];
		snprintf(out, sizeof out, "%s/seed-cafe-rapport.%s", dir,
		    fmts[i]);
		cr_assert_eq(ts_command(&res, TS_RUN_MS, argv), 0, "%s", res);
		free(res);
	}
	unsetenv("LANGUAGE");
	unsetenv("CAFEBOARD_LOCALEDIR");
	if (ts_on_path("chromium")) {
		snprintf(loc, sizeof loc, "--screenshot=%s/"
		    "seed-cafe-rapport.png", dir);
		free(ts_chromium(S.tmp, out, loc, "--window-size=900,6400"));
	}
	cr_log_info("the French report is in %s", dir);
}

/* Every format, both ways, against the golden files and Python. */
static void
step_export(void)
{
	char	 path[256], bom[256], expect[256], kept[32];
	char	*md, *a, *b;
	size_t	 alen, blen, i;

	for (i = 0; i < S.fac.rep->ncards; i++)
		cr_assert_eq(S.fac.rep->cards[i].votes,
		    votes_on(S.fac.rep->cards[i].id));
	export_both("md", false, path, sizeof path);
	check_golden(path, "harvest.md");
	md = ts_slurp(path, NULL);
	check_report(md);
	free(md);

	export_both("csv", false, path, sizeof path);
	check_golden(path, "harvest.csv");
	export_both("csv", true, bom, sizeof bom);
	a = ts_slurp(path, &alen);
	b = ts_slurp(bom, &blen);
	cr_assert(blen == alen + 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0 &&
	    memcmp(b + 3, a, alen) == 0, "--bom is not the BOM and the CSV");
	free(a);
	free(b);
	snprintf(expect, sizeof expect, "%s/expect.csv", S.tmp);
	write_expected(expect, false);
	snprintf(kept, sizeof kept, "%zu,%zu,%zu,%zu", Z.nkept[0], Z.nkept[1],
	    Z.nkept[2], Z.nkept[3]);
	cr_assert_eq(ts_python(csv_check, path, expect, "0", kept, "6",
	    NULL), 0,
	    "Python's csv module disagrees (kept with CB_KEEP_TMP=1 in %s)",
	    S.tmp);
	cr_assert_eq(ts_python(csv_check, bom, expect, "1", kept, "6", NULL),
	    0);

	export_both("json", false, path, sizeof path);
	check_golden(path, "harvest.json");
	snprintf(expect, sizeof expect, "%s/expect.json", S.tmp);
	write_expected(expect, true);
	cr_assert_eq(ts_python(json_check, path, expect, NULL), 0,
	    "Python's json module disagrees (kept with CB_KEEP_TMP=1 in %s)",
	    S.tmp);
	cr_assert_eq(ts_python(json_deliver_check, path, NULL), 0,
	    "the deliverables in the JSON (kept with CB_KEEP_TMP=1 in %s)",
	    S.tmp);
	export_both("csv", false, path, sizeof path);
	cr_assert_eq(ts_python(csv_deliver_check, path, NULL), 0,
	    "the deliverables in the CSV (kept with CB_KEEP_TMP=1 in %s)",
	    S.tmp);

	/* The report as a page: golden, strictly parsed, rendered. */
	export_both("html", false, path, sizeof path);
	check_golden(path, "harvest.html");
	snprintf(expect, sizeof expect, "%s/texts", S.tmp);
	ts_html_texts(S.fac.rep, expect);
	cr_assert_eq(ts_python(TS_PY_HTML_CHECK, path, expect, NULL), 0,
	    "the HTML report is refused (kept with CB_KEEP_TMP=1 in %s)",
	    S.tmp);
	ts_html_fits_a4(S.tmp, path);
}

/*
 * The server closes down cleanly (a snapshot, the logs synced; under the
 * sanitizers, nothing leaked), and the board it leaves exports the same.
 */
static void
step_stop(void)
{
	char	 path[256], *a, *b;
	size_t	 alen, blen;
	int	 status;
	char	*argv[] = { (char *)ts_bin("CB_SERVER", "server/cafeboard-server"),
	    "--data", S.srv.data, "export", BOARD, "--format", "json", "-o",
	    path, NULL };

	status = tserver_stop(&S.srv, SIGTERM);
	cr_assert(status != -1 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "the server did not stop cleanly "
	    "(status %d)", status);
	snprintf(path, sizeof path, "%s/after.json", S.tmp);
	status = ts_command(&a, TS_RUN_MS, argv);
	free(a);
	cr_assert_eq(status, 0);
	a = ts_slurp(path, &alen);
	snprintf(path, sizeof path, "%s/client.json", S.tmp);
	b = ts_slurp(path, &blen);
	cr_assert(alen == blen && memcmp(a, b, alen) == 0, "the board exports "
	    "otherwise after the server stopped");
	free(a);
	free(b);
}

/* ---------------------------------------------------------------- tests */

Test(cafe, seed_scenario_from_the_board_file_to_the_harvest,
    .init = cafe_init, .fini = cafe_fini)
{
	cafe_open(NP);
	check_seed();
	step_welcome();
	step_round1();
	rotate(2);
	step_round2();
	rotate(3);
	/* Four hosts, eight travellers: nobody sat with anyone twice. */
	cr_assert_eq(Z.repeats, 0, "%zu pairs met twice", Z.repeats);
	step_round3();
	step_group();
	step_vote();
	step_harvest();
	step_deliverables();
	step_pitch();
	step_closed();
	step_export();
	report_in_french();
	cr_log_info("facilitator received %llu bytes, a participant %llu",
	    (unsigned long long)S.fac.bytes, (unsigned long long)S.p[4].bytes);
	step_stop();
}

/*
 * The seed café at its full size, 4 hosts and 12 travellers at 4 tables:
 * three rounds through the server, and no two people ever sit together
 * twice (rotation.c manages it for 16 at 4 tables, see test_rotation.c;
 * here it is the server's event, as the clients receive it).
 */
Test(cafe, sixteen_people_three_rounds_nobody_meets_twice,
    .init = cafe_init, .fini = cafe_fini)
{
	size_t		i;
	uint64_t	t;

	cafe_open(16);
	for (i = 0; i < S.np; i++) {
		sync_all();
		t = model_least_crowded(S.p[i].rep);
		ok(&S.p[i], SIT(t, 0));
	}
	for (i = 0; i < NTABLES; i++)
		ok(&S.fac, ROLE(pid(i), ROLE_HOST));
	sync_all();
	for (i = 0; i < NTABLES; i++)
		cr_assert_eq(model_seated(S.fac.rep, Z.t[i]), 4);
	count_meetings(Z.met);
	ok(&S.fac, PHASE(PHASE_IDEAS));
	rotate(2);
	rotate(3);
	cr_assert_eq(Z.repeats, 0, "%zu pairs met twice in three rounds",
	    Z.repeats);
}

/* ------------------------------------------------- the terminal client */

static struct tui T;

/* A tmux and a directory; the raw clients are S's. */
static void
tui_cafe_init(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	memset(&S, 0, sizeof S);
	tui_init(&T);
}

/* Even after a failed assertion: clients, tmux, server, files. */
static void
tui_cafe_fini(void)
{
	actors_free();
	tui_fini(&T);
}


/*
 * Connections of participant p that went live, by the server's log; *state
 * those of them that caught up by a STATE since seq 0.
 */
static int
connections(uint32_t p, int *state)
{
	char	 path[300], needle[96], *log;
	int	 n;

	snprintf(path, sizeof path, "%s/server.log", T.dir);
	log = ts_slurp(path, NULL);
	snprintf(needle, sizeof needle, "as participant %u, ", p);
	n = tui_count(log, needle);
	snprintf(needle, sizeof needle, "as participant %u, state from seq 0 ",
	    p);
	*state = tui_count(log, needle);
	free(log);
	return n;
}

/* Wait for participant p's connection number n to be live. */
static void
wait_connections(uint32_t p, int n, int *state)
{
	int64_t	end = ts_now_ms() + WAIT_MS;

	while (connections(p, state) < n) {
		cr_assert_lt(ts_now_ms(), end, "participant %u did not connect "
		    "%d times", p, n);
		usleep(20000);
	}
}

/* Read the facilitator's stream until participant name sits. */
static uint32_t
wait_seated(const char *name)
{
	const struct model_participant	*p;
	int64_t				 end = ts_now_ms() + WAIT_MS;

	for (;;) {
		p = model_participant_by_name(S.fac.rep, name);
		if (p != NULL && p->table != 0)
			return p->id;
		cr_assert(actor_step(&S.fac, (int)(end - ts_now_ms())) == 1,
		    "%s never sat", name);
	}
}

/*
 * A client's replica is built with its audience's redactions: a
 * participant's has no blind totals, a facilitator's has them all.  When
 * the role changes to or from facilitator, the real client fetches the
 * board again (a STATE catch-up) as its new audience sees it: promoted
 * during a blind vote, it shows the totals at once; demoted, it holds them
 * no more.
 */
Test(cafe, the_client_made_facilitator_during_a_blind_vote_sees_totals,
    .init = tui_cafe_init, .fini = tui_cafe_fini)
{
	struct tserver	 srv;
	FILE		*f;
	uint64_t	 t, card;
	uint32_t	 anne;
	char		*s;
	int		 state, before;

	tui_board(&T, BOARD, "title: Café test\ncode: " CODE "\nquestion: "
	    "Comment mieux coopérer sur le territoire ?\n");
	tui_server_start(&T);
	memset(&srv, 0, sizeof srv);
	cr_assert_lt(strlen(T.sock), sizeof srv.sock);
	memcpy(srv.sock, T.sock, strlen(T.sock) + 1);
	cr_assert_not_null(f = fopen(T.key, "r"));
	cr_assert_not_null(fgets(srv.key, sizeof srv.key, f));
	srv.key[strcspn(srv.key, "\r\n")] = '\0';
	fclose(f);

	actor_join(&S.fac, &cafe_suite, &S.fac_seen, &srv, "Sophie",
	    true);
	S.np = 2;
	actor_join(&S.p[0], &cafe_suite, &S.seen[0], &srv, "Baptiste",
	    false);
	actor_join(&S.p[1], &cafe_suite, &S.seen[1], &srv, "Chloé",
	    false);
	t = S.fac.rep->tables[0].id;
	ok(&S.p[0], SIT(t, 0));
	ok(&S.p[1], SIT(t, 0));
	tui_client(&T, "anne", "--board " BOARD " --name Anne --code " CODE);
	anne = wait_seated("Anne");
	free(tui_wait(&T, "anne", "(your table)"));

	ok(&S.fac, PHASE(PHASE_IDEAS));
	card = ok(&S.fac, ADD(t, "Une idée commune à toutes les "
	    "tables", 0));
	ok(&S.fac, PHASE(PHASE_VOTE));
	ok(&S.p[0], VOTE(card, 1));
	ok(&S.p[1], VOTE(card, 1));
	sync_all();
	free(tui_wait(&T, "anne", "Phase: vote"));
	s = tui_wait(&T, "anne", "commune");
	cr_assert_null(strstr(s, "(2)"), "a participant sees a blind total:"
	    "\n%s", s);
	free(s);
	cr_assert_eq(connections(anne, &state), 1);

	/* Promoted: fetched again; the totals of the blind vote show. */
	ok(&S.fac, ROLE(anne, ROLE_FACILITATOR));
	free(tui_wait(&T, "anne", "(2)"));
	wait_connections(anne, 2, &state);
	cr_assert_geq(state, 1, "no STATE catch-up after the promotion");
	/* Demoted: fetched again, as a participant sees it. */
	ok(&S.fac, ROLE(anne, ROLE_PARTICIPANT));
	before = state;
	wait_connections(anne, 3, &state);
	cr_assert_eq(state, before + 1, "no STATE catch-up after the "
	    "demotion");
	free(tui_wait_gone(&T, "anne", "(2)"));
	tui_end(&T);
}
