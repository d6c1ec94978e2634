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
	    store_snapshot(dir, m, err, sizeof err) == 0) {
		printf(ngettext("created board %s in %s: \"%s\", %zu table, "
		    "join code %s\n", "created board %s in %s: \"%s\", %zu "
		    "tables, join code %s\n", m->ntables), name, dir,
		    m->settings.title, m->ntables, m->settings.code[0] != '\0' ?
		    m->settings.code : _("(none)"));
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

/* The last line of check: what the board holds. */
static void
offline_summary(const char *name, const struct model *m)
{
	char	*tables, *cards, *people;

	xasprintf(&tables, ngettext("%zu table", "%zu tables", m->ntables),
	    m->ntables);
	xasprintf(&cards, ngettext("%zu card", "%zu cards", m->live_cards),
	    m->live_cards);
	xasprintf(&people, ngettext("%zu participant", "%zu participants",
	    m->nparticipants), m->nparticipants);
	/* TRANSLATORS: "board cafe: Title, 4 tables, 9 cards, ...". */
	printf(_("board %s: %s, %s, %s, %s, phase %s, round %u\n"), name,
	    m->settings.title, tables, cards, people, offline_phase(m->phase),
	    m->round);
	free(tables);
	free(cards);
	free(people);
}

/*
 * check BOARD [--repair]: verify every log record, the snapshot, and that
 * the snapshot plus the log's tail give the very state the whole log gives.
 */
static int
offline_check(struct server_config *cfg, const struct offline_opts *o,
    const char *name)
{
	struct evlog_report	 rep;
	struct evlog		*log;
	struct model		*full, *quick = NULL;
	struct stat		 st;
	uint64_t		 snap_seq = 0, base, first;
	uint8_t			*snap;
	size_t			 snap_len;
	char			*dir, *path, err[512], serr[256];
	int			 damaged = 0, srd, lock = -1;
	bool			 log_ok, snap_bad = false;

	if (!offline_name_ok(name))
		return 2;
	if (!store_exists(cfg->data_dir, name))
		return offline_fail(_("there is no board called %s in %s"),
		    name, cfg->data_dir);
	dir = store_board_dir(cfg->data_dir, name);
	if (o->repair && (lock = store_lock(dir, err, sizeof err)) == -1) {
		free(dir);
		return offline_fail(_("%s; stop the server before --repair"),
		    err);
	}

	/*
	 * 1. The log, record by record, folded from the start (from the
	 *    snapshot when the log starts after it).
	 */
	full = model_new(name);
	base = offline_log_base(dir, full, &first);
	log = store_open_log(dir, o->repair ? EVLOG_REPAIR : EVLOG_READONLY,
	    full, base, NULL, NULL, &rep, err, sizeof err);
	log_ok = log != NULL;
	xasprintf(&path, "%s/events.log", dir);
	if (!log_ok) {
		printf(_("%s: DAMAGED: %s\n"), path, err);
		damaged = 1;
	} else {
		stat(path, &st);
		printf(ngettext("%s: %llu record, seq %llu to %llu, %lld "
		    "bytes\n", "%s: %llu records, seq %llu to %llu, %lld "
		    "bytes\n", rep.records), path,
		    (unsigned long long)rep.records,
		    (unsigned long long)rep.first_seq,
		    (unsigned long long)rep.last_seq, (long long)st.st_size);
		if (rep.cut_bytes > 0) {
			printf(rep.truncated ? _("%s: REPAIRED: %s\n") :
			    _("%s: DAMAGED: %s\n"), path, rep.detail);
			if (!rep.truncated)
				damaged = 1;
		}
		evlog_close(log);
	}
	free(path);

	/* 2. The snapshot. */
	srd = evlog_snapshot_read(dir, &snap_seq, &snap, &snap_len, serr,
	    sizeof serr);
	xasprintf(&path, "%s/snapshot", dir);
	if (srd == 1)
		printf(_("%s: none (the whole log is folded at start)\n"),
		    path);
	else if (srd == -1) {
		printf(_("%s: UNUSABLE: %s\n"), path, serr);
		snap_bad = true;
	} else {
		free(snap);
		printf(_("%s: seq %llu, %zu bytes\n"), path,
		    (unsigned long long)snap_seq, snap_len);
	}

	/* 3. Snapshot + tail must equal the full fold. */
	if (base > 0 && log_ok)
		printf(_("%s: the log starts at seq %llu, the seqs before are "
		    "in the snapshot only\n"), path, (unsigned long long)first);
	if (srd == 0 && log_ok && rep.first_seq <= 1) {
		struct evlog	*l2;
		uint64_t	 s2;

		if (store_load(cfg->data_dir, name, EVLOG_READONLY, &quick,
		    &l2, &s2, NULL, NULL, err, sizeof err) != 0) {
			printf(_("%s: UNUSABLE with the log: %s\n"), path,
			    err);
			snap_bad = true;
		} else {
			if (l2 != NULL)
				evlog_close(l2);
			if (snap_seq > full->head) {
				/*
				 * The log lost its end (a crash with --fsync
				 * batch or never, or a repair): the snapshot
				 * holds those changes, and the server goes on
				 * from it.  Nothing to set aside.
				 */
				printf(_("%s: ahead of the log (seq %llu > "
				    "%llu): the server goes on from the "
				    "snapshot\n"), path,
				    (unsigned long long)snap_seq,
				    (unsigned long long)full->head);
			} else if (!offline_same_state(quick, full)) {
				printf(_("%s: DIFFERS from the state the log "
				    "gives\n"), path);
				snap_bad = true;
			} else
				printf(_("%s: matches the log\n"), path);
		}
	}
	if (snap_bad)
		damaged = 1;
	if (snap_bad && o->repair && log_ok) {
		/* The log is sound now; a bad snapshot only costs time. */
		char *bad;

		xasprintf(&bad, "%s.bad", path);
		if (rename(path, bad) == 0) {
			printf(_("%s: set aside as %s; the log is folded at "
			    "start\n"), path, bad);
			damaged = 0;
		}
		free(bad);
	}
	free(path);
	if (full != NULL)
		offline_summary(name, full);
	if (quick != NULL)
		model_free(quick);
	model_free(full);
	if (lock != -1)
		close(lock);
	free(dir);
	if (damaged) {
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
