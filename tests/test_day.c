/*
 * test_day.c -- the territorial day of the seed scenario, run from its
 * board file against a real cafeboard-server.
 *
 * examples/seed-day.board is made with `cafeboard-server create`; a
 * facilitator (with the key) and sixteen participants (raw protocol
 * clients) pick their département, then the facilitator steps through the
 * whole run sheet: a check-in word poll, crossed interviews in pairs, a
 * diagnostic by département, its grouping, two rounds of mutual help at
 * rotating tables, the deliverables' blind vote, the roadmap, the closing
 * choice poll.  Every client folds what it RECEIVED into a replica of its
 * own (the reducer the real client uses) and each step's effects are
 * checked on every replica: the step, phase, banner, clock, follow view,
 * seating, the groups' tables and the polls, as the one event of the step
 * brought them.  Pairs put together people who had not sat together;
 * labels seat everyone with their département; rotations balance the
 * tables and move everyone.  Poll privacy is checked on the raw streams:
 * until a poll closes, everyone (the facilitator too) receives someone
 * else's answer as exactly [18, seq, 0, 0, 11], and nobody ever receives
 * who gave an answer.
 *
 * The day is then exported in Markdown and JSON by the server's offline
 * command and by the real client; the two must be byte-identical and,
 * once times are normalised, equal to tests/fixtures/day/.  Regenerate
 * those after a deliberate change with
 *     CB_REGEN_DAY=1 ./build/tests/test_day
 * (CB_SERVER, CB_CLIENT and CB_TOP set as make check sets them), and read
 * the diff before committing.
 */
#include <sys/types.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "actor.h"
#include "proto.h"
#include "tsupport.h"

#define BOARD		"day"
#define CODE		"territoire"
#define NP		16
#define NQ		4		/* question tables */
#define NLABELS		4
#define NSTEPS		9
#define WAIT_MS		20000

/* What one actor received, counted by the day's hook. */
struct seen {
	size_t		 hidden_answers;	/* [18, seq, 0, 0, 11] */
	size_t		 open_answers;		/* others', once visible */
	size_t		 own_answers;
	size_t		 hidden_votes;
	size_t		 steps;			/* step events */
	uint64_t	 step_bytes;		/* their frames' bytes */
};

static struct {
	struct tserver	 srv;
	struct actor	 fac;
	struct actor	 p[NP];
	struct seen	 fac_seen;	/* what S.fac received */
	struct seen	 seen[NP];	/* what S.p[i] received */
	char		 tmp[64];
	uint64_t	 q[NQ];		/* the question tables */
	uint64_t	 before[NP];	/* seats before a regroup */
} S;

static const char *const names[NP] = {
	"Amélie", "Baptiste", "Chloé", "Damien", "Élodie", "François",
	"Gaëlle", "Hugo", "Inès", "Jérôme", "Karima", "Loïc",
	"Manon", "Nicolas", "Océane", "Pierre",
};
static const char *const depts[NLABELS] = { "Ain", "Isère", "Rhône",
	"Savoie" };

/* ---------------------------------------------------------------- setup */

/* A private directory for the test's files. */
static void
day_init(void)
{
	memset(&S, 0, sizeof S);
	snprintf(S.tmp, sizeof S.tmp, "/tmp/cafeboard-day-XXXXXX");
	cr_assert_not_null(mkdtemp(S.tmp));
}

/* Even after a failed assertion: clients, server, files. */
static void
day_fini(void)
{
	size_t	i;

	actor_free(&S.fac);
	for (i = 0; i < NP; i++)
		actor_free(&S.p[i]);
	tserver_cleanup(&S.srv);
	if (S.tmp[0] != '\0' && getenv("CB_KEEP_TMP") == NULL)
		ts_rm_tree(S.tmp);
}

TestSuite(day, .init = day_init, .fini = day_fini, .timeout = 300);

static void	day_event(struct actor *, const struct proto_event *,
		    const uint8_t *, size_t);

/* The day's board, and what its actors check on the way. */
static const struct actor_suite day_suite = {
	.board = BOARD,
	.code = CODE,
	.on_event = day_event,
};

/* ---------------------------------------------------------------- actors */

/* What actor a received. */
static struct seen *
seen(const struct actor *a)
{
	return a->data;
}

/* An EVENT: check what this recipient may see, and count it. */
static void
day_event(struct actor *a, const struct proto_event *ev,
    const uint8_t *body, size_t blen)
{
	const struct proto_op	*op = &ev->op;
	const struct model_poll	*p;
	struct seen		*w = seen(a);
	uint32_t		 me = a->c.participant;

	switch (op->kind) {
	case OP_POLL_ANSWER:
		if (ev->origin == me && me != 0) {
			cr_assert(!op->hidden && op->answer.set);
			w->own_answers++;
			break;
		}
		/* Never who answered, for anyone. */
		cr_assert_eq(ev->origin, 0, "%s received who answered (%u), "
		    "seq %llu", a->name, ev->origin,
		    (unsigned long long)ev->seq);
		cr_assert_eq(ev->op_id, 0);
		if (!a->rep->settings.live_polls) {
			/* Exactly [18, seq, 0, 0, 11]: an array of five. */
			cr_assert(op->hidden && op->poll == 0 &&
			    !op->answer.set, "%s received someone's answer "
			    "(seq %llu) before the close", a->name,
			    (unsigned long long)ev->seq);
			cr_assert_eq(body[0], 0x95, "%s: a hidden answer is "
			    "not [18, seq, 0, 0, 11]", a->name);
			cr_assert_lt(blen, 16);
			w->hidden_answers++;
		} else
			w->open_answers++;
		break;
	case OP_VOTE:
		if (ev->origin == me && me != 0)
			break;
		cr_assert_eq(ev->origin, 0, "%s: a vote's origin", a->name);
		if (!a->fac && !a->rep->revealed) {
			cr_assert(op->hidden && body[0] == 0x95);
			w->hidden_votes++;
		}
		break;
	case OP_POLL_CLOSE:
		p = model_poll(a->rep, op->poll);
		cr_assert_not_null(p, "%s: a close of an unknown poll",
		    a->name);
		break;
	case OP_STEP:
		w->steps++;
		w->step_bytes += blen;
		break;
	}
}

/* Every actor, the facilitator first: all of them connected. */
static size_t
actors(struct actor **v)
{
	size_t	n = actor_list(&S.fac, S.p, NP, v);

	cr_assert_eq(n, NP + 1, "an actor is not connected");
	return n;
}

/* Bring every client up to the newest seq any of them has. */
static uint64_t
sync_all(void)
{
	struct actor	*v[NP + 1];

	return actor_sync(v, actors(v));
}

/* Participant i's id. */
static uint32_t
pid(size_t i)
{
	return S.p[i].c.participant;
}

/* Where participant i sits, on the facilitator's replica. */
static uint64_t
seat(size_t i)
{
	return model_participant(S.fac.rep, pid(i))->table;
}

/* ---------------------------------------------------------------- checks */

/*
 * Every replica agrees with the facilitator's on what a step changes: the
 * step (and which steps have started and ended: each replica dates them
 * with its own clock), phase, banner, clock, follow view, seating, every
 * table (a group's kind, number and whether it has ended), the labels,
 * the polls (their results once closed), reactions.
 */
static void
check_replicas(void)
{
	struct actor		*v[NP + 1];
	const struct model	*f = S.fac.rep, *m;
	const struct model_poll	*fp, *p;
	size_t			 n = actors(v), k, i, j;

	for (k = 1; k < n; k++) {
		m = v[k]->rep;
		actor_check_replica(v[k], f);
		cr_assert_eq(m->step, f->step, "%s: the step", v[k]->name);
		cr_assert_eq(m->nsteps, f->nsteps);
		/* Each folds with its own clock: the same steps have run. */
		for (i = 0; i < f->nsteps; i++) {
			cr_assert_eq(m->steps[i].started_ms != 0,
			    f->steps[i].started_ms != 0);
			cr_assert_eq(m->steps[i].ended_ms != 0,
			    f->steps[i].ended_ms != 0);
		}
		cr_assert_eq(m->timer.remaining_ms, f->timer.remaining_ms);
		cr_assert_str_eq(m->timer.label, f->timer.label);
		cr_assert_eq(m->nlabels, f->nlabels);
		for (i = 0; i < f->ntables; i++) {
			cr_assert_eq(m->tables[i].id, f->tables[i].id);
			cr_assert_eq(m->tables[i].kind, f->tables[i].kind);
			cr_assert_eq(m->tables[i].number, f->tables[i].number);
			cr_assert_eq(m->tables[i].dissolved,
			    f->tables[i].dissolved, "%s: table %zu",
			    v[k]->name, i);
			cr_assert_str_eq(m->tables[i].question,
			    f->tables[i].question);
			cr_assert_str_eq(m->tables[i].theme,
			    f->tables[i].theme);
		}
		for (i = 0; i < f->nparticipants; i++)
			cr_assert_eq(m->participants[i].label,
			    f->participants[i].label);
		for (i = 0; i < f->ncards; i++) {
			cr_assert_eq(m->cards[i].table, f->cards[i].table);
			cr_assert_str_eq(m->cards[i].text, f->cards[i].text);
			for (j = 0; j < PROTO_REACTIONS; j++)
				cr_assert_eq(m->cards[i].reactions[j],
				    f->cards[i].reactions[j]);
		}
		cr_assert_eq(m->npolls, f->npolls);
		for (i = 0; i < f->npolls; i++) {
			fp = &f->polls[i];
			p = &m->polls[i];
			cr_assert_eq(p->id, fp->id);
			cr_assert_str_eq(p->question, fp->question);
			cr_assert_eq(p->nchoices, fp->nchoices);
			cr_assert_eq(p->closed, fp->closed);
			if (!fp->closed)
				continue;
			cr_assert_eq(p->ncounts, fp->ncounts);
			for (j = 0; j < fp->ncounts; j++) {
				cr_assert_str_eq(p->counts[j].text,
				    fp->counts[j].text);
				cr_assert_eq(p->counts[j].n, fp->counts[j].n);
			}
		}
	}
}

/*
 * The facilitator takes step i: one event, whose frame every client
 * receives, with the step's title, phase and clock.
 */
static uint64_t
take_step(uint32_t i, const char *title, uint8_t phase, uint32_t minutes)
{
	struct actor		*v[NP + 1];
	const struct model_step	*st;
	size_t			 n = actors(v), k, before[NP + 1];
	uint64_t		 seq;

	for (k = 0; k < n; k++)
		before[k] = seen(v[k])->steps;
	seq = ok(&S.fac, STEP(i));
	sync_all();
	for (k = 0; k < n; k++) {
		cr_assert_eq(seen(v[k])->steps, before[k] + 1, "%s: one step "
		    "event", v[k]->name);
		cr_assert_eq(v[k]->rep->step, i + 1);
		st = model_current_step(v[k]->rep);
		cr_assert_str_eq(st->def.title, title);
		cr_assert_gt(st->started_ms, 0);
		cr_assert_eq(st->ended_ms, 0);
		cr_assert_eq(v[k]->rep->phase, phase, "%s: phase", v[k]->name);
		cr_assert(v[k]->rep->timer.running);
		cr_assert_eq(v[k]->rep->timer.remaining_ms,
		    (uint64_t)minutes * 60000);
		cr_assert_str_eq(v[k]->rep->timer.label, title);
		if (i > 0)
			cr_assert_gt(v[k]->rep->steps[i - 1].ended_ms, 0);
	}
	check_replicas();
	return seq;
}

/* The tables of kind in the facilitator's replica still in use. */
static size_t
groups_of(uint8_t kind, uint64_t *out)
{
	const struct model	*f = S.fac.rep;
	size_t			 i, n = 0;

	for (i = 0; i < f->ntables; i++)
		if (f->tables[i].kind == kind && !f->tables[i].dissolved)
			out[n++] = f->tables[i].id;
	return n;
}

/* Everyone's seat now, to compare after the next seating. */
static void
note_seats(void)
{
	size_t	i;

	for (i = 0; i < NP; i++)
		S.before[i] = seat(i);
}

/* ------------------------------------------------------------ exports */

/* Export fmt offline and with the client; both the same. */
static void
export_both(const char *fmt, char *path, size_t pathlen)
{
	ts_export_both(&S.srv, S.tmp, BOARD, fmt, false, path, pathlen);
}

/* The normalised export equals tests/fixtures/day/golden. */
static void
check_golden(const char *path, const char *golden)
{
	ts_check_golden(path, "day", golden, "CB_REGEN_DAY");
}

/* Python's json module reads the day back. */
static const char json_check[] =
"import json, sys\n"
"d = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8'))\n"
"st = d['steps']\n"
"assert len(st) == 9, len(st)\n"
"assert all(s['started_at'] for s in st), 'every step ran'\n"
"assert all(s['ended_at'] for s in st[:8]) and st[8]['ended_at'] is None\n"
"assert [s['current'] for s in st] == [False] * 8 + [True]\n"
"for a, b in zip(st, st[1:]):\n"
"    assert a['started_at'] <= a['ended_at'] <= b['started_at'], (a, b)\n"
"assert [s['action'] for s in st] == ['poll', 'pairs', 'labels', 'none',\n"
"    'rotate', 'rotate', 'none', 'none', 'poll']\n"
"p = d['polls']\n"
"assert [x['kind'] for x in p] == ['word', 'choice'], p\n"
"assert all(x['closed'] for x in p)\n"
"assert sum(r['count'] for r in p[0]['results']) == 16, p[0]\n"
"assert sum(r['count'] for r in p[1]['results']) == 16, p[1]\n"
"assert [r['answer'] for r in p[1]['results']][:2] == ['Un pont',\n"
"    'Une ruche'], p[1]['results']\n"
"kinds = [t['kind'] for t in d['tables']]\n"
"assert kinds.count('pair') == 8 and kinds.count('label') == 4, kinds\n"
"assert all(x['label'] for x in d['participants'][1:])\n"
"print('json ok: %d steps, %d polls, %d tables' % (len(st), len(p),\n"
"    len(kinds)))\n";

/* ---------------------------------------------------------------- the day */

/* Board made from the file; everyone joins, picks a label, sits. */
static void
day_open(void)
{
	char	 seed[512], *out;
	size_t	 i;
	uint64_t t;

	tserver_start(&S.srv, false, NULL);
	snprintf(seed, sizeof seed, "%s/examples/seed-day.board", ts_top());
	cr_assert_eq(tserver_command(&S.srv, &out, "create", BOARD, "--from",
	    seed, NULL), 0, "create: %s", out);
	cr_assert_not_null(strstr(out, "run sheet: 9 steps"), "%s", out);
	free(out);
	actor_join(&S.fac, &day_suite, &S.fac_seen, &S.srv, "Sophie",
	    true);
	for (i = 0; i < NQ; i++)
		S.q[i] = S.fac.rep->tables[i].id;
	for (i = 0; i < NP; i++)
		actor_join(&S.p[i], &day_suite, &S.seen[i], &S.srv,
		    names[i], false);
	sync_all();
	/* The run sheet and the labels came with the board. */
	cr_assert_eq(S.p[7].rep->nsteps, NSTEPS);
	cr_assert_eq(S.p[7].rep->step, 0);
	cr_assert_eq(S.p[7].rep->nlabels, NLABELS);
	cr_assert_str_eq(S.p[7].rep->labels[1], "Isère");
	refused(&S.p[0], STEP(0), REJECT_FORBIDDEN, NULL);
	/* Each picks their département, then sits where there is room. */
	for (i = 0; i < NP; i++) {
		ok(&S.p[i], LABEL((uint32_t)(i % NLABELS) + 1, 0));
		sync_all();
		t = model_least_crowded(S.p[i].rep);
		ok(&S.p[i], SIT(t, 0));
	}
	sync_all();
	for (i = 0; i < NQ; i++)
		cr_assert_eq(model_seated(S.fac.rep, S.q[i]), NP / NQ);
	check_replicas();
}

/* 1. Framing: a check-in word poll, blind until closed. */
static void
day_checkin(void)
{
	static const char *const words[NP] = {
		"Curieuse", "curieux", "Motivé", "  curieuse ", "Fatiguée",
		"CURIEUSE", "Motivé", "Impatient", "motivé", "Sereine",
		"Curieuse", "Prêt", "Motivée", "Curieuse", "Impatient",
		"Motivé",
	};
	const struct model_poll	*p;
	uint64_t		 poll;
	size_t			 i, hidden;

	poll = take_step(0, "Cadrage et météo du jour", PHASE_WELCOME, 15);
	cr_assert_str_eq(S.p[3].rep->banner, "Un mot pour dire comment vous "
	    "arrivez ce matin.");
	cr_assert_eq(S.p[3].rep->follow_view, FOLLOW_RESULTS);
	p = model_poll(S.p[3].rep, poll);
	cr_assert_not_null(p, "the step's poll is the step's seq");
	cr_assert_eq(p->nchoices, 0);
	cr_assert_str_eq(p->question, "En un mot, comment arrivez-vous ?");
	hidden = S.fac_seen.hidden_answers;
	for (i = 0; i < NP; i++)
		ok(&S.p[i], WORD(poll, words[i]));
	/* Élodie changes her mind: her answer replaces the first. */
	ok(&S.p[4], WORD(poll, "Curieuse"));
	refused(&S.p[4], CHOOSE(poll, 0), REJECT_BAD, NULL);
	sync_all();
	/* Everyone saw the others' answers as [18, seq, 0, 0, 11] only. */
	cr_assert_eq(S.fac_seen.hidden_answers - hidden, NP + 1);
	for (i = 0; i < NP; i++) {
		cr_assert_eq(S.seen[i].own_answers, i == 4 ? 2 : 1);
		cr_assert_eq(S.seen[i].hidden_answers,
		    NP + 1 - S.seen[i].own_answers, "%s", S.p[i].name);
		cr_assert_eq(S.seen[i].open_answers, 0);
	}
	ok(&S.fac, CLOSE(poll));
	sync_all();
	p = model_poll(S.p[9].rep, poll);
	cr_assert(p->closed);
	cr_assert_str_eq(p->counts[0].text, "Curieuse", "as first written");
	cr_assert_eq(p->counts[0].n, 6);
	cr_assert_str_eq(p->counts[1].text, "Motivé");
	cr_assert_eq(p->counts[1].n, 4);
	check_replicas();
	refused(&S.p[0], WORD(poll, "Trop tard"), REJECT_PHASE, NULL);
}

/* 2. Crossed interviews: pairs who had not sat together. */
static void
day_pairs(void)
{
	uint64_t	pairs[NP], seq;
	size_t		n, i, j, k, together;
	const char	*q = "Racontez une coopération réussie : qu'est-ce "
			    "qui l'a rendue possible ?";

	note_seats();
	seq = take_step(1, "Entretiens croisés", PHASE_IDEAS, 30);
	n = groups_of(TABLE_PAIR, pairs);
	cr_assert_eq(n, NP / 2);
	for (i = 0; i < n; i++) {
		cr_assert_eq(pairs[i], PROTO_GROUP_ID(seq, i + 1));
		cr_assert_eq(model_seated(S.fac.rep, pairs[i]), 2);
		cr_assert_str_eq(model_table(S.p[0].rep, pairs[i])->question,
		    q);
	}
	for (i = 0; i < NP; i++) {
		for (together = 0, j = 0; j < NP; j++)
			if (j != i && seat(j) == seat(i))
				together++;
		cr_assert_eq(together, 1, "%s is not in a pair", names[i]);
		for (j = 0; j < NP; j++)
			cr_assert(j == i || seat(j) != seat(i) ||
			    S.before[j] != S.before[i], "%s and %s sat "
			    "together and are paired", names[i], names[j]);
	}
	/* Each writes what they heard; some react. */
	for (i = 0; i < NP; i++) {
		char	text[160];

		snprintf(text, sizeof text, "%s : se connaître avant d'avoir "
		    "besoin l'un de l'autre (%zu)", names[i], i + 1);
		ok(&S.p[i], ADD(seat(i), text, 0));
	}
	sync_all();
	k = S.fac.rep->ncards;
	ok(&S.p[1], REACT(S.fac.rep->cards[k - NP].id, 1, true));
	ok(&S.p[2], REACT(S.fac.rep->cards[k - NP].id, 1, true));
	ok(&S.p[3], REACT(S.fac.rep->cards[k - NP].id, 3, true));
	ok(&S.p[0], REACT(S.fac.rep->cards[k - 1].id, 2, true));
	refused(&S.p[1], REACT(S.fac.rep->cards[k - NP].id, 1, true),
	    REJECT_LIMIT, NULL);
	sync_all();
	check_replicas();
	cr_assert_eq(S.p[9].rep->cards[k - NP].reactions[0], 2);
	cr_assert_eq(model_reacted(S.p[9].rep, S.fac.rep->cards[k - NP].id,
	    pid(3)), 4, "who reacted is public on a board that is not "
	    "anonymous");
}

/* 3. Diagnostic by département: one table per label, the pairs ended. */
static void
day_labels(void)
{
	uint64_t	tabs[NLABELS], pairs[NP];
	size_t		i, n;

	take_step(2, "Diagnostic par département", PHASE_IDEAS, 45);
	cr_assert_eq(groups_of(TABLE_PAIR, pairs), 0, "the pairs ended");
	n = groups_of(TABLE_LABEL, tabs);
	cr_assert_eq(n, NLABELS);
	for (i = 0; i < n; i++) {
		cr_assert_str_eq(model_table(S.p[5].rep, tabs[i])->theme,
		    depts[model_table(S.fac.rep, tabs[i])->number - 1]);
		cr_assert_eq(model_seated(S.fac.rep, tabs[i]), NP / NLABELS);
	}
	for (i = 0; i < NP; i++)
		cr_assert_eq(model_table(S.fac.rep, seat(i))->number,
		    i % NLABELS + 1, "%s is not with %s", names[i],
		    depts[i % NLABELS]);
	/* Nobody sits or writes at an ended pair any more. */
	refused(&S.p[0], SIT(S.fac.rep->tables[NQ].id, 0), REJECT_NOT_FOUND,
	    NULL);
	refused(&S.fac, ADD(S.fac.rep->tables[NQ].id, "Trop tard", 0),
	    REJECT_NOT_FOUND, NULL);
	for (i = 0; i < NP; i += 2)
		ok(&S.p[i], ADD(seat(i), i % 4 == 0 ? "Des rencontres "
		    "trimestrielles entre partenaires" : "Un annuaire partagé "
		    "des intervenants", 0));
	sync_all();
	check_replicas();
}

/* 4. Grouping the diagnostic. */
static void
day_group(void)
{
	const struct model	*f = S.fac.rep;
	uint64_t		 head = 0, c;
	size_t			 i;

	take_step(3, "Mise en commun du diagnostic", PHASE_GROUP, 20);
	/* The first two cards of the Ain's table become a cluster. */
	for (i = 0; i < f->ncards; i++) {
		c = f->cards[i].id;
		if (f->cards[i].table != seat(0))
			continue;
		if (head == 0)
			head = c;
		else {
			ok(&S.p[4], GROUP(c, head));
			break;
		}
	}
	ok(&S.p[0], TITLE(head, "Se voir souvent"));
	sync_all();
	check_replicas();
}

/* 5. and 6. Mutual help: two rotations over the questions' tables. */
static void
day_rotations(void)
{
	uint64_t	tabs[NLABELS];
	size_t		i, r, sizes[NQ];

	for (r = 0; r < 2; r++) {
		note_seats();
		take_step(4 + (uint32_t)r, r == 0 ? "Entraide — premier tour" :
		    "Entraide — second tour", PHASE_IDEAS, 20);
		cr_assert_eq(groups_of(TABLE_LABEL, tabs), 0);
		cr_assert_eq(S.fac.rep->round, 2 + r);
		memset(sizes, 0, sizeof sizes);
		for (i = 0; i < NP; i++) {
			cr_assert_eq(model_table(S.fac.rep, seat(i))->kind,
			    TABLE_QUESTION);
			cr_assert_neq(seat(i), S.before[i], "%s stayed",
			    names[i]);
			sizes[model_table_index(S.fac.rep, seat(i))]++;
		}
		for (i = 0; i < NQ; i++)
			cr_assert_eq(sizes[i], NP / NQ, "table %zu", i);
		for (i = r; i < NP; i += 3)
			ok(&S.p[i], ADD(seat(i), r == 0 ? "Un référent "
			    "coopération par territoire" : "Des visites "
			    "croisées entre agences", 0));
		sync_all();
		check_replicas();
	}
}

/* 7. and 8. Deliverables: a blind vote, then the roadmap. */
static void
day_vote(void)
{
	const struct model	*f = S.fac.rep;
	size_t			 i, k, n;

	take_step(6, "Livrables — nos engagements", PHASE_VOTE, 20);
	cr_assert_not(S.p[0].rep->revealed);
	/* Two dots each on the cards of the table they sit at. */
	for (i = 0; i < NP; i++)
		for (n = 0, k = 0; k < f->ncards && n < 2; k++)
			if (f->cards[k].table == seat(i) &&
			    !f->cards[k].deleted) {
				ok(&S.p[i], VOTE(f->cards[k].id, 1));
				n++;
			}
	sync_all();
	for (i = 1; i < NP; i++)
		cr_assert_gt(S.seen[i].hidden_votes, 0);
	take_step(7, "Feuille de route", PHASE_HARVEST, 15);
	/* The tally follows the step's event at once. */
	while (!S.fac.rep->revealed)
		cr_assert(actor_step(&S.fac, WAIT_MS) == 1, "no tally");
	sync_all();
	cr_assert(S.p[0].rep->revealed, "the tally followed the step");
	for (k = 0; k < f->ncards; k++)
		cr_assert_eq(S.p[5].rep->cards[k].votes, f->cards[k].votes);
	for (k = 0; k < f->ncards; k++)
		if (f->cards[k].votes > 0) {
			ok(&S.fac, KEEP(f->cards[k].id, true));
			break;
		}
	sync_all();
	check_replicas();
}

/* 9. The closing round: a choice poll whose labels name images. */
static void
day_closing(void)
{
	const struct model_poll	*p;
	uint64_t		 poll;
	size_t			 i;

	poll = take_step(8, "Clôture — une image de la coopération",
	    PHASE_HARVEST, 10);
	p = model_poll(S.p[2].rep, poll);
	cr_assert_eq(p->nchoices, 5);
	cr_assert_str_eq(p->choices[1], "Une ruche");
	for (i = 0; i < NP; i++)
		ok(&S.p[i], CHOOSE(poll, (uint32_t)(i % 7 < 4 ? 0 : i % 7 < 6 ?
		    1 : i % 5)));
	refused(&S.p[0], CHOOSE(poll, 5), REJECT_BAD, NULL);
	refused(&S.p[0], WORD(poll, "Un pont"), REJECT_BAD, NULL);
	sync_all();
	ok(&S.fac, CLOSE(poll));
	sync_all();
	p = model_poll(S.p[2].rep, poll);
	cr_assert(p->closed);
	cr_assert_eq(p->ncounts, 5, "every choice, 0 too");
	cr_assert_str_eq(p->counts[0].text, "Un pont");
	cr_assert_str_eq(p->counts[1].text, "Une ruche");
	check_replicas();
	/* The run sheet is a plan: the facilitator closes the day by hand. */
	ok(&S.fac, PHASE(PHASE_CLOSED));
	sync_all();
	check_replicas();
}

/*
 * The exports: offline and client the same, and the golden files (the
 * Markdown, the JSON and the HTML page).
 */
static void
day_export(void)
{
	char	path[256];

	export_both("md", path, sizeof path);
	check_golden(path, "day.md");
	export_both("json", path, sizeof path);
	check_golden(path, "day.json");
	cr_assert_eq(ts_python(json_check, path, NULL), 0, "Python's json "
	    "module disagrees (kept with CB_KEEP_TMP=1 in %s)", S.tmp);
	/* The page has the run sheet and the polls too, strictly parsed. */
	export_both("html", path, sizeof path);
	check_golden(path, "day.html");
	cr_assert_eq(ts_python(TS_PY_HTML_CHECK, path, NULL), 0, "the HTML "
	    "report is refused (kept with CB_KEEP_TMP=1 in %s)", S.tmp);
	/* Its run sheet and polls fit an A4 page's width too. */
	ts_html_fits_a4(S.tmp, path);
}

Test(day, the_territorial_day_from_its_board_file)
{
	day_open();
	day_checkin();
	day_pairs();
	day_labels();
	day_group();
	day_rotations();
	day_vote();
	day_closing();
	day_export();
	cr_log_info("a step event: %llu bytes on average to a participant",
	    (unsigned long long)(S.seen[0].step_bytes / S.seen[0].steps));
}
