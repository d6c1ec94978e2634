/*
 * offline.c -- the commands that work on a board's files without serving:
 * create, export, check, list.
 *
 * Exit status: 0 done, 1 failed, 2 usage, 3 (check) damage found and left.
 * What they print is for a person, in the language of the messages; the
 * details that come from the store and the log (shared with the server's
 * log) stay in English.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boardfile.h"
#include "export.h"
#include "i18n.h"
#include "server.h"
#include "text.h"
#include "xmalloc.h"

#define OFFLINE_DAMAGED	3

/* Phase names as list and check show them, in enum phase order. */
static const char *const offline_phases[PHASE_COUNT] = {
	NC_("phase", "welcome"), NC_("phase", "ideas"), NC_("phase", "group"),
	NC_("phase", "vote"), NC_("phase", "harvest"), NC_("phase", "closed"),
};

/* Print an error for the offline commands. */
static int __attribute__((format(printf, 1, 2)))
offline_fail(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("cafeboard-server: %s\n"), msg);
	free(msg);
	return 1;
}

/* The translated name of a phase. */
static const char *
offline_phase(unsigned phase)
{
	if (phase >= PHASE_COUNT)
		return proto_phase_name(phase);
	return i18n_pgettext(offline_phases[phase]);
}

/* Refuse a bad board name with a hint. */
static int
offline_name_ok(const char *name)
{
	if (proto_board_name_ok(name))
		return 1;
	fprintf(stderr, _("cafeboard-server: '%s' is not a board name: use 1 "
	    "to 64 of a-z 0-9 _ -, starting with a letter or digit\n"), name);
	return 0;
}

/* Where create's events go: the new board's log. */
struct offline_log {
	struct evlog		*log;
	struct proto_buf	 scratch;
	char			 err[512];	/* why the log refused, if it did */
};

/* model_submit's commit for create: append the event to the new log. */
static int
offline_commit(void *arg, const struct proto_event *ev, int64_t now,
    const uint8_t *client, const char **why)
{
	struct offline_log	*ol = arg;

	if (store_commit(ol->log, ev, now, client, &ol->scratch, ol->err,
	    sizeof ol->err) != 0) {
		*why = ol->err;
		return REJECT_LIMIT;
	}
	return 0;
}

/* create BOARD --from FILE */
static int
offline_create(struct server_config *cfg, const struct offline_opts *o,
    const char *name)
{
	struct evlog_report	 rep;
	struct boardfile	 bf;
	struct offline_log	 ol;
	const struct model_sink	 sink = { offline_commit, NULL, &ol };
	struct proto_op		*ops;
	struct model		*m;
	struct evlog		*log;
	const char		*why;
	char			*dir, err[512];
	size_t			 nops, i;
	int64_t			 now;
	int			 lock, code, rc = 1;

	if (o->from == NULL) {
		fprintf(stderr, "%s", _("cafeboard-server: create needs --from "
		    "FILE\n"));
		return 2;
	}
	if (!offline_name_ok(name))
		return 2;
	if (store_exists(cfg->data_dir, name))
		return offline_fail(_("board %s already exists in %s"), name,
		    cfg->data_dir);
	/* The error names the file already. */
	if (boardfile_load(o->from, &bf, err, sizeof err) != 0)
		return offline_fail("%s", err);

	dir = store_board_dir(cfg->data_dir, name);
	if (store_mkdirs(dir, err, sizeof err) != 0 ||
	    (lock = store_lock(dir, err, sizeof err)) == -1) {
		boardfile_free(&bf);
		free(dir);
		return offline_fail("%s", err);
	}
	m = model_new(name);
	log = store_open_log(dir, EVLOG_CREATE, m, 0, NULL, NULL, &rep, err,
	    sizeof err);
	if (log == NULL) {
		offline_fail("%s", err);
		goto out;
	}
	if (m->head != 0) {
		offline_fail(_("board %s already has events"), name);
		goto out;
	}
	/* The same path as live ops, followups included, as the server's. */
	memset(&ol, 0, sizeof ol);
	ol.log = log;
	proto_buf_init(&ol.scratch);
	nops = boardfile_ops(&bf, &ops);
	now = server_now_ms();
	for (i = 0; i < nops; i++) {
		code = model_submit(m, 0, NULL, 0, &ops[i], now, &sink, &why);
		/* The log refused this event or one that followed it. */
		if (ol.err[0] != '\0') {
			offline_fail("%s", ol.err);
			break;
		}
		if (code != 0) {
			/* TRANSLATORS: "seed.board: table.add refused: why". */
			offline_fail(_("%s: %s refused: %s"), o->from,
			    proto_kind_name(ops[i].kind), why);
			break;
		}
	}
	free(ops);
	proto_buf_free(&ol.scratch);
	if (i == nops && evlog_sync(log) == 0 &&
	    store_snapshot(dir, m, NULL, NULL, err, sizeof err) == 0) {
		printf(ngettext("created board %s in %s: \"%s\", %zu table, "
		    "join code %s\n", "created board %s in %s: \"%s\", %zu "
		    "tables, join code %s\n", m->ntables), name, dir,
		    m->settings.title, m->ntables, m->settings.code[0] != '\0' ?
		    m->settings.code : _("(none)"));
		if (m->nsteps != 0)
			printf(ngettext("run sheet: %zu step, the first: "
			    "\"%s\"\n", "run sheet: %zu steps, the first: "
			    "\"%s\"\n", m->nsteps), m->nsteps,
			    m->steps[0].def.title);
		rc = 0;
	} else if (i == nops)
		offline_fail(_("%s: could not write the board"), dir);
out:
	if (log != NULL)
		evlog_close(log);
	if (rc != 0) {
		/* Leave nothing half-made behind. */
		char *p;

		xasprintf(&p, "%s/events.log", dir);
		unlink(p);
		free(p);
		xasprintf(&p, "%s/snapshot", dir);
		unlink(p);
		free(p);
		xasprintf(&p, "%s/lock", dir);
		unlink(p);
		free(p);
		rmdir(dir);
	}
	close(lock);
	model_free(m);
	boardfile_free(&bf);
	free(dir);
	return rc;
}

/* Load a board read-only (snapshot + tail) for export and list. */
static struct model *
offline_load(struct server_config *cfg, const char *name)
{
	struct model	*m;
	struct evlog	*log;
	uint64_t	 snap;
	char		 err[512];

	if (!store_exists(cfg->data_dir, name)) {
		offline_fail(_("there is no board called %s in %s"), name,
		    cfg->data_dir);
		return NULL;
	}
	if (store_load(cfg->data_dir, name, EVLOG_READONLY, &m, &log, &snap,
	    NULL, NULL, err, sizeof err) != 0) {
		offline_fail(_("board %s: %s"), name, err);
		return NULL;
	}
	if (log != NULL)
		evlog_close(log);
	return m;
}

/* export BOARD --format md|csv|json|html [-o FILE] [--bom] */
static int
offline_export(struct server_config *cfg, const struct offline_opts *o,
    const char *name)
{
	struct export_opts	 eo;
	struct model		*m;
	FILE			*f = stdout;
	char			*tmp = NULL;
	int			 fmt, rc = 0;

	if (o->format == NULL) {
		fprintf(stderr, _("cafeboard-server: export needs a format "
		    "(--format %s)\n"), export_format_list());
		return 2;
	}
	if ((fmt = export_format_parse(o->format)) < 0) {
		fprintf(stderr, _("cafeboard-server: unknown format %s: %s\n"),
		    o->format, export_format_list());
		return 2;
	}
	if (!offline_name_ok(name))
		return 2;
	if ((m = offline_load(cfg, name)) == NULL)
		return 1;
	if (o->output != NULL && strcmp(o->output, "-") != 0) {
		/* Write beside the target and rename: no half-written file. */
		xasprintf(&tmp, "%s.tmp", o->output);
		if ((f = fopen(tmp, "w")) == NULL) {
			rc = offline_fail("%s: %s", tmp, strerror(errno));
			goto out;
		}
	}
	memset(&eo, 0, sizeof eo);
	eo.bom = o->bom;
	if (export_write(m, (enum export_format)fmt, &eo, f) != 0 ||
	    fflush(f) != 0)
		rc = offline_fail("export: %s", strerror(errno));
	if (tmp != NULL) {
		if (fclose(f) != 0 && rc == 0)
			rc = offline_fail("%s: %s", tmp, strerror(errno));
		if (rc == 0 && rename(tmp, o->output) != 0)
			rc = offline_fail("%s: %s", o->output, strerror(errno));
		if (rc != 0)
			unlink(tmp);
	}
out:
	free(tmp);
	model_free(m);
	return rc;
}

/* Byte-compare two models' full state encodings. */
static int
offline_same_state(const struct model *a, const struct model *b)
{
	struct proto_buf	ba, bb;
	int			same;

	proto_buf_init(&ba);
	proto_buf_init(&bb);
	model_state_write(a, 0, 0, &ba);
	model_state_write(b, 0, 0, &bb);
	same = ba.len == bb.len && memcmp(ba.data, bb.data, ba.len) == 0;
	proto_buf_free(&ba);
	proto_buf_free(&bb);
	return same;
}

/* Note the first record's seq and stop reading. */
static int
offline_first_seq(const struct evlog_rec *rec, void *arg)
{
	*(uint64_t *)arg = rec->seq;
	return 1;
}

/*
 * When the log starts after seq 1 (the server started a new one after a
 * snapshot its old log fell behind), the log's records follow the
 * snapshot: fold the snapshot into m first.  Returns the snapshot's seq,
 * which the log must continue (0: the log stands alone); *first is the
 * log's first seq.
 */
static uint64_t
offline_log_base(const char *dir, struct model *m, uint64_t *first)
{
	struct evlog_report	 rep;
	struct evlog		*log;
	uint64_t		 seq;
	uint8_t			*data;
	size_t			 len;
	char			*path, err[256];

	xasprintf(&path, "%s/events.log", dir);
	*first = 0;
	log = evlog_open(path, EVLOG_READONLY, offline_first_seq, first, &rep,
	    err, sizeof err);
	if (log != NULL)
		evlog_close(log);
	free(path);
	if (*first <= 1 || evlog_snapshot_read(dir, &seq, &data, &len, err,
	    sizeof err) != 0)
		return 0;
	if (store_read_snapshot(m, seq, data, len, server_now_ms(), err,
	    sizeof err) != 0) {
		model_reset(m);
		seq = 0;
	}
	free(data);
	return seq;
}

/*
 * The last line of check: what the server serves, or (repaired) what it
 * would serve after check --repair.
 */
static void
offline_summary(const char *name, const struct model *m, bool repaired)
{
	char	*tables, *cards, *people;

	xasprintf(&tables, ngettext("%zu table", "%zu tables", m->ntables),
	    m->ntables);
	xasprintf(&cards, ngettext("%zu card", "%zu cards", m->live_cards),
	    m->live_cards);
	xasprintf(&people, ngettext("%zu participant", "%zu participants",
	    m->nparticipants), m->nparticipants);
	if (repaired)
		/* TRANSLATORS: the same as "board %s: ..." after a repair. */
		printf(_("after --repair, board %s: %s, %s, %s, %s, phase %s, "
		    "round %u\n"), name, m->settings.title, tables, cards,
		    people, offline_phase(m->phase), m->round);
	else
		/* TRANSLATORS: "board cafe: Title, 4 tables, 9 cards, ...". */
		printf(_("board %s: %s, %s, %s, %s, phase %s, round %u\n"),
		    name, m->settings.title, tables, cards, people,
		    offline_phase(m->phase), m->round);
	free(tables);
	free(cards);
	free(people);
}

/* The seq of dir's snapshot if it can be loaded, else 0. */
static uint64_t
offline_snapshot_seq(const char *dir, const char *name)
{
	struct model	*m;
	uint64_t	 seq;
	uint8_t		*data;
	size_t		 len;
	char		 err[256];

	if (evlog_snapshot_read(dir, &seq, &data, &len, err, sizeof err) != 0)
		return 0;
	m = model_new(name);
	if (store_read_snapshot(m, seq, data, len, server_now_ms(), err,
	    sizeof err) != 0)
		seq = 0;
	model_free(m);
	free(data);
	return seq;
}

/* What a repair of a damaged log keeps (offline_plan). */
struct offline_plan {
	const struct evlog_run	*keep;		/* the runs of records kept */
	size_t			 nkeep;		/* (their seqs follow on) */
	uint64_t		 snap;		/* the snapshot they follow, 0 */
	uint64_t		 head;		/* the last seq of the board */
	uint64_t		 lost_first;	/* seqs lost from, 0: none */
	uint64_t		 lost_last;	/* to, 0: to an unknown end */
};

/*
 * Decide what a repair keeps of the runs of a damaged log: every event that
 * can be proven good.  When the snapshot (snap, 0 if unusable) holds the
 * first damaged seq, that is the snapshot and the run of intact records
 * that goes on from it (the damage it covers costs nothing); otherwise the
 * records before the damage, since nothing after a missing seq can apply.
 * Runs that take up the seqs where the one before stopped (damage that was
 * no record of its own: a repeated record, bytes inserted) go on it.
 */
static void
offline_plan(const struct evlog_scan *sc, uint64_t snap,
    struct offline_plan *pl)
{
	const struct evlog_run	*p = &sc->runs[0], *r;
	uint64_t		 most = 0;
	size_t			 i;

	memset(pl, 0, sizeof *pl);
	for (i = 0; i < sc->nruns; i++) {
		if (sc->runs[i].records > 0 && sc->runs[i].last_seq > most)
			most = sc->runs[i].last_seq;
	}
	if (snap > 0 && (p->records == 0 || p->last_seq < snap)) {
		pl->snap = pl->head = snap;
		for (i = 1; i < sc->nruns; i++) {
			r = &sc->runs[i];
			if (r->first_seq <= snap + 1 && r->last_seq > snap) {
				pl->keep = r;
				break;
			}
		}
	} else if (p->records > 0) {
		pl->keep = p;
		/* A log that starts late goes on from the snapshot. */
		if (p->first_seq > 1)
			pl->snap = snap;
	}
	if (pl->keep != NULL) {
		pl->nkeep = 1;
		r = pl->keep;
		while (r + pl->nkeep < sc->runs + sc->nruns &&
		    r[pl->nkeep].first_seq == r[pl->nkeep - 1].last_seq + 1)
			pl->nkeep++;
		pl->head = r[pl->nkeep - 1].last_seq;
	}
	if (!sc->complete)
		pl->lost_first = pl->head + 1;
	else if (most > pl->head) {
		pl->lost_first = pl->head + 1;
		pl->lost_last = most;
	}
}

/* What a plan keeps and what it loses, in words. */
static void
offline_plan_words(const struct offline_plan *pl, char *keeps, size_t klen,
    char *loses, size_t llen)
{
	const struct evlog_run	*k = pl->keep;

	if (k != NULL && pl->snap > 0)
		snprintf(keeps, klen, _("the snapshot (seq %llu) and the log's "
		    "seq %llu to %llu"), (unsigned long long)pl->snap,
		    (unsigned long long)k->first_seq,
		    (unsigned long long)pl->head);
	else if (pl->snap > 0)
		snprintf(keeps, klen, _("the snapshot (seq %llu)"),
		    (unsigned long long)pl->snap);
	else if (k != NULL)
		snprintf(keeps, klen, _("the log's seq %llu to %llu"),
		    (unsigned long long)k->first_seq,
		    (unsigned long long)pl->head);
	else
		snprintf(keeps, klen, "%s", _("no event"));
	if (pl->lost_first == 0)
		snprintf(loses, llen, "%s", _("nothing is lost"));
	else if (pl->lost_last == 0)
		snprintf(loses, llen, _("seq %llu and what follows are lost"),
		    (unsigned long long)pl->lost_first);
	else
		snprintf(loses, llen, _("seq %llu to %llu are lost"),
		    (unsigned long long)pl->lost_first,
		    (unsigned long long)pl->lost_last);
}

/* The board the plan gives, as the server would load it; NULL with err. */
static struct model *
offline_plan_model(const char *dir, const char *name,
    const struct offline_plan *pl, char *err, size_t errlen)
{
	struct model	*m = model_new(name);
	uint64_t	 seq;
	uint8_t		*data = NULL;
	size_t		 len, i;

	if (pl->snap > 0) {
		if (evlog_snapshot_read(dir, &seq, &data, &len, err,
		    errlen) != 0 || store_read_snapshot(m, seq, data, len,
		    server_now_ms(), err, errlen) != 0) {
			free(data);
			model_free(m);
			return NULL;
		}
		free(data);
	}
	for (i = 0; i < pl->nkeep; i++) {
		if (pl->keep[i].last_seq > pl->snap && store_fold_run(dir,
		    &pl->keep[i], m, pl->snap, err, errlen) != 0) {
			model_free(m);
			return NULL;
		}
	}
	return m;
}

/* A name beside path for the damaged log: path.TIME.damaged[.N]. */
static char *
offline_aside(const char *path)
{
	long long	 now = (long long)time(NULL);
	char		*aside;
	int		 i;

	for (i = 0;; i++) {
		if (i == 0)
			xasprintf(&aside, "%s.%lld.damaged", path, now);
		else
			xasprintf(&aside, "%s.%lld.damaged.%d", path, now, i);
		if (i == 1000 || (access(aside, F_OK) == -1 && errno == ENOENT))
			return aside;
		free(aside);
	}
}

/*
 * Open the log read-only, fold it into a new *full (from the snapshot when
 * the log starts after it: *base, else 0) and say what it holds.  Returns
 * whether it opened; on failure err says why and rep whether it is corrupt.
 */
static bool
offline_check_open(const char *dir, const char *name, const char *path,
    int flags, struct model **full, uint64_t *base, uint64_t *first,
    struct evlog_report *rep, char *err, size_t errlen)
{
	struct evlog	*log;
	struct stat	 st;

	model_free(*full);
	*full = model_new(name);
	*base = offline_log_base(dir, *full, first);
	log = store_open_log(dir, flags, *full, *base, NULL, NULL, rep, err,
	    errlen);
	if (log == NULL)
		return false;
	if (stat(path, &st) != 0)
		st.st_size = 0;
	if (rep->records == 0)
		printf(_("%s: no event, %lld bytes\n"), path,
		    (long long)st.st_size);
	else
		printf(ngettext("%s: %llu record, seq %llu to %llu, %lld "
		    "bytes\n", "%s: %llu records, seq %llu to %llu, %lld "
		    "bytes\n", rep->records), path,
		    (unsigned long long)rep->records,
		    (unsigned long long)rep->first_seq,
		    (unsigned long long)rep->last_seq, (long long)st.st_size);
	evlog_close(log);
	return true;
}

/*
 * A log with intact records after damage: say what a repair keeps, and
 * with --repair do it (the damaged log stays beside, renamed).  Returns 1
 * if the log is still damaged, 0 if repaired, -1 if the repair failed;
 * *after is the board the repair would give (NULL unless !repair).
 */
static int
offline_check_corrupt(const char *dir, const char *name, const char *path,
    bool repair, struct model **after)
{
	struct evlog_scan	 scan;
	struct offline_plan	 plan;
	char			 err[512], keeps[128], loses[96], *aside;
	int			 rc = 1;

	*after = NULL;
	if (evlog_scan(path, &scan, err, sizeof err) != 0) {
		printf(_("%s: DAMAGED: %s\n"), path, err);
		return 1;
	}
	offline_plan(&scan, offline_snapshot_seq(dir, name), &plan);
	offline_plan_words(&plan, keeps, sizeof keeps, loses, sizeof loses);
	if (!repair) {
		/* TRANSLATORS: "--repair keeps the snapshot (seq 9); nothing
		   is lost". */
		printf(_("%s: --repair keeps %s; %s\n"), path, keeps, loses);
		if ((*after = offline_plan_model(dir, name, &plan, err,
		    sizeof err)) == NULL)
			printf(_("%s: even repaired, the board cannot be "
			    "loaded: %s\n"), path, err);
	} else {
		aside = offline_aside(path);
		if (evlog_rewrite(path, plan.keep, plan.nkeep, aside, err,
		    sizeof err) != 0) {
			offline_fail(_("%s: the repair failed: %s"), path, err);
			rc = -1;
		} else {
			printf(_("%s: REPAIRED: kept %s; %s; the damaged log is "
			    "kept as %s\n"), path, keeps, loses, aside);
			rc = 0;
		}
		free(aside);
	}
	evlog_scan_free(&scan);
	return rc;
}

/* What check learns as it goes, step by step. */
struct check {
	struct server_config		*cfg;
	const struct offline_opts	*o;
	const char			*name;
	char				*dir;
	struct evlog_report		 rep;
	struct model			*full;	/* the whole log folded */
	struct model			*quick;	/* snapshot + tail, as served */
	struct model			*after;	/* what a repair would keep */
	uint64_t			 base;
	uint64_t			 first;
	uint64_t			 snap_seq;
	int				 srd;	/* the snapshot: 0, 1 none, -1 */
	int				 damaged; /* 0, 1, -1 could not look */
	bool				 log_ok;
	bool				 snap_bad;
	char				 err[512];
};

/* Open the log again with mode into ck; true if it folded. */
static bool
check_open(struct check *ck, const char *path, int mode)
{
	return offline_check_open(ck->dir, ck->name, path, mode, &ck->full,
	    &ck->base, &ck->first, &ck->rep, ck->err, sizeof ck->err);
}

/*
 * 1. The log, record by record, folded from the start (from the snapshot
 *    when the log starts after it).  A torn tail is cut by --repair as the
 *    server cuts it; damage with intact records after it is planned
 *    around.  -1 when check could not go on.
 */
static int
check_log(struct check *ck)
{
	struct stat	 st;
	char		*path;
	int		 rc;

	xasprintf(&path, "%s/events.log", ck->dir);
	memset(&ck->rep, 0, sizeof ck->rep);
	if (stat(path, &st) != 0 && offline_snapshot_seq(ck->dir, ck->name) > 0)
		printf(_("%s: none; the server starts a new log after the "
		    "snapshot\n"), path);
	else if (stat(path, &st) != 0) {
		printf(_("%s: none, and no usable snapshot either\n"), path);
		ck->damaged = 1;
	} else if ((ck->log_ok = check_open(ck, path, EVLOG_READONLY))) {
		if (ck->rep.cut_bytes > 0 && ck->o->repair) {
			ck->log_ok = check_open(ck, path, EVLOG_REPAIR);
			printf(_("%s: REPAIRED: %s\n"), path, ck->rep.detail);
		} else if (ck->rep.cut_bytes > 0) {
			printf(_("%s: DAMAGED: %s\n"), path, ck->rep.detail);
			ck->damaged = 1;
		}
	} else if (!ck->rep.corrupt) {
		printf(_("%s: DAMAGED: %s\n"), path, ck->err);
		ck->damaged = 1;
	}
	if (ck->rep.corrupt) {
		printf(_("%s: DAMAGED: %s\n"), path, ck->err);
		rc = offline_check_corrupt(ck->dir, ck->name, path,
		    ck->o->repair, &ck->after);
		ck->damaged = rc;
		if (rc == 0)
			ck->log_ok = check_open(ck, path, EVLOG_READONLY);
	}
	free(path);
	return ck->damaged == -1 ? -1 : 0;
}

/* 2. The snapshot: there, unusable, or its seq and size. */
static void
check_snapshot(struct check *ck, const char *path)
{
	uint8_t	*snap;
	size_t	 snap_len;
	char	 serr[256];

	ck->srd = evlog_snapshot_read(ck->dir, &ck->snap_seq, &snap,
	    &snap_len, serr, sizeof serr);
	if (ck->srd == 1)
		printf(_("%s: none (the whole log is folded at start)\n"),
		    path);
	else if (ck->srd == -1) {
		printf(_("%s: UNUSABLE: %s\n"), path, serr);
		ck->snap_bad = true;
	} else {
		free(snap);
		printf(_("%s: seq %llu, %zu bytes\n"), path,
		    (unsigned long long)ck->snap_seq, snap_len);
	}
}

/* 3. The snapshot and the log's tail must give the whole log's state. */
static void
check_snapshot_matches(struct check *ck, const char *path)
{
	struct evlog	*l2 = NULL;
	uint64_t	 s2;

	if (ck->base > 0 && ck->log_ok)
		printf(_("%s: the log starts at seq %llu, the seqs before are "
		    "in the snapshot only\n"), path,
		    (unsigned long long)ck->first);
	if (ck->srd != 0 || !ck->log_ok || ck->rep.first_seq > 1)
		return;
	if (store_load(ck->cfg->data_dir, ck->name, EVLOG_READONLY,
	    &ck->quick, &l2, &s2, NULL, NULL, ck->err, sizeof ck->err) != 0) {
		printf(_("%s: UNUSABLE with the log: %s\n"), path, ck->err);
		ck->snap_bad = true;
		return;
	}
	if (l2 != NULL)
		evlog_close(l2);
	if (ck->snap_seq > ck->full->head) {
		/*
		 * The log lost its end (a crash with --fsync batch or never,
		 * or a repair): the snapshot holds those changes, and the
		 * server goes on from it.  Nothing to set aside.
		 */
		printf(_("%s: ahead of the log (seq %llu > %llu): the server "
		    "goes on from the snapshot\n"), path,
		    (unsigned long long)ck->snap_seq,
		    (unsigned long long)ck->full->head);
	} else if (!offline_same_state(ck->quick, ck->full)) {
		printf(_("%s: DIFFERS from the state the log gives\n"), path);
		ck->snap_bad = true;
	} else
		printf(_("%s: matches the log\n"), path);
}

/* --repair with a sound log: a bad snapshot is set aside (it only costs
 * time at start). */
static void
check_set_aside(struct check *ck, const char *path)
{
	char	*bad;

	if (!ck->snap_bad || !ck->o->repair || !ck->log_ok)
		return;
	xasprintf(&bad, "%s.bad", path);
	if (rename(path, bad) == 0) {
		printf(_("%s: set aside as %s; the log is folded at start\n"),
		    path, bad);
		ck->damaged = 0;
		model_free(ck->quick);
		ck->quick = NULL;
	}
	free(bad);
}

/* 4. What the server serves: the very load it does. */
static void
check_served(struct check *ck)
{
	struct evlog	*l2 = NULL;
	uint64_t	 s2;

	if (ck->quick != NULL || store_load(ck->cfg->data_dir, ck->name,
	    EVLOG_READONLY, &ck->quick, &l2, &s2, NULL, NULL, ck->err,
	    sizeof ck->err) == 0) {
		if (l2 != NULL)
			evlog_close(l2);
		offline_summary(ck->name, ck->quick, false);
	} else if (ck->rep.corrupt && ck->damaged)
		printf(_("board %s: not served until it is repaired\n"),
		    ck->name);
	else
		printf(_("board %s: the server cannot open it: %s\n"),
		    ck->name, ck->err);
	if (ck->after != NULL)
		offline_summary(ck->name, ck->after, true);
}

/*
 * check BOARD [--repair]: verify every log record, the snapshot, and that
 * the snapshot plus the log's tail give the very state the whole log gives;
 * then say what the server serves.  --repair keeps every event that can be
 * proven good.
 */
static int
offline_check(struct server_config *cfg, const struct offline_opts *o,
    const char *name)
{
	struct check	 ck;
	char		*path, err[512];
	int		 lock = -1;

	if (!offline_name_ok(name))
		return 2;
	if (!store_exists(cfg->data_dir, name))
		return offline_fail(_("there is no board called %s in %s"),
		    name, cfg->data_dir);
	memset(&ck, 0, sizeof ck);
	ck.cfg = cfg;
	ck.o = o;
	ck.name = name;
	ck.dir = store_board_dir(cfg->data_dir, name);
	if (o->repair && (lock = store_lock(ck.dir, err, sizeof err)) == -1) {
		free(ck.dir);
		return offline_fail(_("%s; stop the server before --repair"),
		    err);
	}
	if (check_log(&ck) == 0) {
		xasprintf(&path, "%s/snapshot", ck.dir);
		check_snapshot(&ck, path);
		check_snapshot_matches(&ck, path);
		if (ck.snap_bad && ck.damaged == 0)
			ck.damaged = 1;
		check_set_aside(&ck, path);
		check_served(&ck);
		free(path);
	}
	model_free(ck.quick);
	model_free(ck.after);
	model_free(ck.full);
	if (lock != -1)
		close(lock);
	free(ck.dir);
	if (ck.damaged == -1)
		return 1;
	if (ck.damaged) {
		if (!o->repair)
			printf(_("run: cafeboard-server check %s --repair  "
			    "(with the server stopped)\n"), name);
		return OFFLINE_DAMAGED;
	}
	return 0;
}

/* The columns of list: heading, least width, right-aligned. */
enum { COL_BOARD, COL_PHASE, COL_ROUND, COL_TABLES, COL_CARDS, COL_PEOPLE,
    COL_CHANGED, COL_TITLE, COL_COUNT };
static const struct offline_col {
	const char	*head;
	size_t		 width;
	bool		 right;
} offline_cols[COL_COUNT] = {
	{ N_("BOARD"), 20, false },
	{ N_("PHASE"), 8, false },
	{ N_("ROUND"), 5, true },
	{ N_("TABLES"), 6, true },
	{ N_("CARDS"), 6, true },
	{ N_("PEOPLE"), 6, true },
	{ N_("CHANGED"), 16, false },
	{ N_("TITLE"), 0, false },
};

/*
 * Print column col's cell s, padded to width[col] screen columns (not
 * bytes: a translated heading may hold accents), and what separates it
 * from the next.
 */
static void
offline_cell(const size_t *width, int col, const char *s)
{
	size_t	w = text_width(s), pad = w < width[col] ? width[col] - w : 0;

	if (col == COL_TITLE) {
		printf("%s\n", s);
		return;
	}
	if (offline_cols[col].right)
		printf("%*s", (int)pad, "");
	fputs(s, stdout);
	if (!offline_cols[col].right)
		printf("%*s", (int)pad, "");
	fputs(col == COL_PEOPLE ? "  " : " ", stdout);
}

/* Each column's width: its least, or more for a longer translation. */
static void
offline_widths(size_t *width)
{
	size_t	i, w;

	for (i = 0; i < COL_COUNT; i++) {
		width[i] = offline_cols[i].width;
		if ((w = text_width(_(offline_cols[i].head))) > width[i])
			width[i] = w;
	}
	for (i = 0; i < PHASE_COUNT; i++) {
		if ((w = text_width(offline_phase((unsigned)i))) >
		    width[COL_PHASE])
			width[COL_PHASE] = w;
	}
}

/* list: one line per board. */
static int
offline_list(struct server_config *cfg)
{
	struct model	*m;
	char		**names, *path, when[32], num[4][24];
	struct stat	 st;
	struct tm	 tm;
	size_t		 n, i, width[COL_COUNT];
	int		 col;

	if (store_list(cfg->data_dir, &names, &n) != 0) {
		if (errno == ENOENT) {
			printf(_("no boards yet in %s\n"), cfg->data_dir);
			return 0;
		}
		return offline_fail("%s: %s", cfg->data_dir, strerror(errno));
	}
	offline_widths(width);
	if (n == 0)
		printf(_("no boards yet in %s\n"), cfg->data_dir);
	else {
		for (col = 0; col < COL_COUNT; col++)
			offline_cell(width, col, _(offline_cols[col].head));
	}
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s/events.log", cfg->data_dir, names[i]);
		when[0] = '\0';
		if (stat(path, &st) == 0 && localtime_r(&st.st_mtime, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		free(path);
		if ((m = offline_load(cfg, names[i])) != NULL) {
			snprintf(num[0], sizeof num[0], "%u", m->round);
			snprintf(num[1], sizeof num[1], "%zu", m->ntables);
			snprintf(num[2], sizeof num[2], "%zu", m->live_cards);
			snprintf(num[3], sizeof num[3], "%zu",
			    m->nparticipants);
			offline_cell(width, COL_BOARD, names[i]);
			offline_cell(width, COL_PHASE, offline_phase(m->phase));
			offline_cell(width, COL_ROUND, num[0]);
			offline_cell(width, COL_TABLES, num[1]);
			offline_cell(width, COL_CARDS, num[2]);
			offline_cell(width, COL_PEOPLE, num[3]);
			offline_cell(width, COL_CHANGED, when);
			offline_cell(width, COL_TITLE, m->settings.title);
			model_free(m);
		} else {
			offline_cell(width, COL_BOARD, names[i]);
			printf(_("(cannot be read: run cafeboard-server check "
			    "%s)\n"), names[i]);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Run an offline command: argv[0] is its name. */
int
offline_main(struct server_config *cfg, const struct offline_opts *o,
    int argc, char **argv)
{
	const char	*cmd = argv[0];

	if (strcmp(cmd, "list") == 0) {
		if (argc != 1)
			goto usage;
		return offline_list(cfg);
	}
	if (argc != 2)
		goto usage;
	if (strcmp(cmd, "create") == 0)
		return offline_create(cfg, o, argv[1]);
	if (strcmp(cmd, "export") == 0)
		return offline_export(cfg, o, argv[1]);
	if (strcmp(cmd, "check") == 0)
		return offline_check(cfg, o, argv[1]);
usage:
	fprintf(stderr, _("cafeboard-server: unknown command or wrong "
	    "arguments: %s\n(see cafeboard-server --help)\n"), cmd);
	return 2;
}
