/*
 * store.c -- boards on disk.
 *
 * DATA/BOARD/events.log   the append-only log (evlog.h)
 * DATA/BOARD/snapshot     the newest snapshot (STATE records)
 * DATA/BOARD/lock         flock'ed by the one process that writes the board
 *
 * Loading takes the newest valid snapshot and folds the log records after
 * it.  A snapshot that cannot be used costs only time: the whole log is
 * folded instead.  A snapshot without a log is a board too: a new log
 * starts after it.
 */
#include <sys/file.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evlog.h"
#include "server.h"
#include "xmalloc.h"

/* The directory of board name under data. */
char *
store_board_dir(const char *data, const char *name)
{
	char	*dir;

	xasprintf(&dir, "%s/%s", data, name);
	return dir;
}

/* Create path and its missing parents with mode 0700. */
int
store_mkdirs(const char *path, char *err, size_t errlen)
{
	char	*p = xstrdup(path), *s;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

/*
 * Take the write lock of a board directory; returns the fd to keep open, or
 * -1 when another process holds it (or on error).  A lock file that may
 * not be written (a read-only board) is locked all the same.
 */
int
store_lock(const char *dir, char *err, size_t errlen)
{
	char	*path;
	int	 fd, saved;

	xasprintf(&path, "%s/lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 && (errno == EROFS || errno == EACCES)) {
		saved = errno;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			errno = saved;
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "%s is in use by another "
			    "cafeboard-server process", dir);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

/* A cause that lies with the machine, and how users are told of it. */
static const struct {
	int		 e;
	const char	*cause;
} store_causes[] = {
	{ ENOSPC, "no space left on the server's disk" },
	{ EDQUOT, "the server's disk quota is used up" },
	{ EROFS, "the server's file system is read-only" },
	{ EACCES, "the server may not write there (permission denied)" },
	{ EPERM, "the server may not write there (operation not "
	    "permitted)" },
	{ EFBIG, "a file on the server is over its size limit" },
};

/*
 * Why a storage operation failed when the machine is at fault (a full
 * disk, a read-only file system, permissions, a quota), as a phrase for
 * users; NULL when the board's files are (or something else is).  msg is
 * the failure's message, which names the system error that caused it
 * (the more reliable witness); e is errno right after the failure.
 */
const char *
store_cause(int e, const char *msg)
{
	size_t	i;

	for (i = 0; msg != NULL && i < sizeof store_causes /
	    sizeof store_causes[0]; i++)
		if (strstr(msg, strerror(store_causes[i].e)) != NULL)
			return store_causes[i].cause;
	for (i = 0; i < sizeof store_causes / sizeof store_causes[0]; i++)
		if (e == store_causes[i].e)
			return store_causes[i].cause;
	return NULL;
}

/* True if the cause is that nothing may be written (served read-only). */
bool
store_cause_read_only(const char *cause)
{
	return cause != NULL && (cause == store_causes[2].cause ||
	    cause == store_causes[3].cause || cause == store_causes[4].cause);
}

/*
 * Undo a board's creation that failed for a machine's reason: its empty
 * log, its lock and its directory go (anything more stays), so that it is
 * neither listed nor checked, and is made again once the cause is gone.
 */
void
store_abandon(const char *dir)
{
	struct stat	 st;
	char		*path;

	xasprintf(&path, "%s/events.log", dir);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size < EVLOG_HDR_LEN)
		unlink(path);
	free(path);
	xasprintf(&path, "%s/lock", dir);
	unlink(path);
	free(path);
	rmdir(dir);
}

/* 1 if dir/file is a regular file. */
static int
store_has_file(const char *dir, const char *file)
{
	struct stat	 st;
	char		*path;
	int		 ok;

	xasprintf(&path, "%s/%s", dir, file);
	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

/*
 * 1 if board name has a directory with a log or a snapshot under data (a
 * snapshot alone is a board: the server starts a new log after it), else 0.
 */
int
store_exists(const char *data, const char *name)
{
	char	*dir = store_board_dir(data, name);
	int	 ok;

	ok = store_has_file(dir, "events.log") ||
	    store_has_file(dir, "snapshot");
	free(dir);
	return ok;
}

/* Fold the STATE frames of a snapshot into a fresh model; -1 if unusable. */
int
store_read_snapshot(struct model *m, uint64_t seq, const uint8_t *data,
    size_t len, int64_t now, char *err, size_t errlen)
{
	struct proto_msg	 msg;
	struct proto_err	 perr;
	size_t			 off = 0;
	uint32_t		 flen;

	model_state_begin(m);
	while (off < len) {
		if (len - off < PROTO_FRAME_HDR)
			goto bad;
		flen = proto_frame_len(data + off);
		if (flen == 0 || flen > PROTO_FRAME_MAX ||
		    flen > len - off - PROTO_FRAME_HDR)
			goto bad;
		off += PROTO_FRAME_HDR;
		if (proto_decode(data + off, flen, &msg, &perr) != PROTO_OK) {
			snprintf(err, errlen, "snapshot record at %zu: %s",
			    off, perr.text);
			return -1;
		}
		if (msg.type != PROTO_STATE ||
		    model_state_read(m, &msg.u.state, now) != 0) {
			proto_msg_free(&msg);
			snprintf(err, errlen, "snapshot record at %zu is not a "
			    "usable STATE record", off);
			return -1;
		}
		proto_msg_free(&msg);
		off += flen;
	}
	model_state_end(m, seq);
	return 0;
bad:
	snprintf(err, errlen, "snapshot is cut short at byte %zu", off);
	return -1;
}

struct store_fold {
	struct model	*model;
	uint64_t	 after;		/* records up to this seq are in the snapshot */
	store_each_fn	 each;
	void		*arg;
	char		 err[256];
};

/* Apply one log record to the model being loaded. */
static int
store_fold_one(const struct evlog_rec *rec, void *arg)
{
	static const uint8_t	 zero[PROTO_CLIENT_LEN];
	struct store_fold	*f = arg;
	struct proto_msg	 msg;
	struct proto_err	 perr;
	const uint8_t		*client;
	int			 rc;

	if (rec->seq <= f->after)
		return f->each != NULL ? f->each(f->model, rec->seq, NULL,
		    rec->body, rec->len, f->arg) : 0;
	if (proto_decode(rec->body, rec->len, &msg, &perr) != PROTO_OK) {
		snprintf(f->err, sizeof f->err, "record seq %llu: %s",
		    (unsigned long long)rec->seq, perr.text);
		return -1;
	}
	if (msg.type != PROTO_EVENT || msg.u.event.seq != rec->seq) {
		proto_msg_free(&msg);
		snprintf(f->err, sizeof f->err, "record seq %llu does not hold "
		    "its event", (unsigned long long)rec->seq);
		return -1;
	}
	client = memcmp(rec->client, zero, sizeof zero) == 0 ? NULL :
	    rec->client;
	if (model_apply(f->model, &msg.u.event, rec->time_ms, client) != 0) {
		proto_msg_free(&msg);
		snprintf(f->err, sizeof f->err, "record seq %llu does not follow "
		    "seq %llu", (unsigned long long)rec->seq,
		    (unsigned long long)f->model->head);
		return -1;
	}
	rc = f->each != NULL ? f->each(f->model, rec->seq, &msg.u.event,
	    rec->body, rec->len, f->arg) : 0;
	proto_msg_free(&msg);
	return rc;
}

/*
 * Open dir's log and fold its records after seq after into m (each, if not
 * NULL, sees every record: folded, or covered by the snapshot).  flags as
 * for evlog_open.
 */
struct evlog *
store_open_log(const char *dir, int flags, struct model *m, uint64_t after,
    store_each_fn each, void *arg, struct evlog_report *rep, char *err,
    size_t errlen)
{
	struct store_fold	 f;
	struct evlog		*log;
	char			*path;

	memset(&f, 0, sizeof f);
	f.model = m;
	f.after = after;
	f.each = each;
	f.arg = arg;
	xasprintf(&path, "%s/events.log", dir);
	log = evlog_open(path, flags, store_fold_one, &f, rep, err, errlen);
	if (log == NULL && f.err[0] != '\0')
		snprintf(err, errlen, "%s: %s", path, f.err);
	free(path);
	return log;
}

/*
 * Fold the records of one run of dir's log that come after seq after into
 * m (what a repair would keep); 0 or -1 with err.
 */
int
store_fold_run(const char *dir, const struct evlog_run *run, struct model *m,
    uint64_t after, char *err, size_t errlen)
{
	struct store_fold	 f;
	char			*path;
	int			 rc;

	memset(&f, 0, sizeof f);
	f.model = m;
	f.after = after;
	xasprintf(&path, "%s/events.log", dir);
	rc = evlog_run_each(path, run, store_fold_one, &f, err, errlen);
	if (rc != 0 && f.err[0] != '\0')
		snprintf(err, errlen, "%s: %s", path, f.err);
	free(path);
	return rc;
}

/* Move an events.log aside (it is older than the snapshot). */
static int
store_set_aside(const char *logpath, char *err, size_t errlen)
{
	char	*aside;
	int	 rc;

	xasprintf(&aside, "%s.%lld.old", logpath, (long long)time(NULL));
	rc = rename(logpath, aside);
	if (rc == -1)
		snprintf(err, errlen, "rename %s: %s", logpath, strerror(errno));
	free(aside);
	return rc;
}

/*
 * Load board name from data: newest valid snapshot, then the log after it.
 * flags are evlog_open flags; each (may be NULL) sees every record, folded
 * after the snapshot or covered by it.  On success *mp, *logp and *snap_seq are set (*logp
 * may be NULL for a read-only load whose log is behind its snapshot);
 * warnings go to the log.
 */
int
store_load(const char *data, const char *name, int flags, struct model **mp,
    struct evlog **logp, uint64_t *snap_seq, store_each_fn each, void *arg,
    char *err, size_t errlen)
{
	struct evlog_report	 rep;
	struct model		*m;
	struct evlog		*log;
	uint8_t			*data_snap = NULL;
	size_t			 len = 0;
	uint64_t		 seq = 0;
	char			*dir, *logpath, serr[256];
	int			 rc, retried = 0;

	dir = store_board_dir(data, name);
	xasprintf(&logpath, "%s/events.log", dir);
again:
	m = model_new(name);
	seq = 0;
	rc = evlog_snapshot_read(dir, &seq, &data_snap, &len, serr, sizeof serr);
	if (rc == 0) {
		if (store_read_snapshot(m, seq, data_snap, len, server_now_ms(),
		    serr, sizeof serr) != 0) {
			log_warn("board %s: snapshot unusable (%s); folding the "
			    "whole log", name, serr);
			model_free(m);
			m = model_new(name);
			seq = 0;
		}
		free(data_snap);
		data_snap = NULL;
	} else if (rc == -1) {
		log_warn("board %s: %s; folding the whole log", name, serr);
		seq = 0;
	}

	if (seq == 0 && !store_has_file(dir, "events.log") &&
	    store_has_file(dir, "snapshot")) {
		/* No log to fold instead: an empty board would pass for it. */
		snprintf(err, errlen, "%s is missing and the snapshot cannot "
		    "be used", logpath);
		goto fail;
	}
	if ((flags & EVLOG_READONLY) && seq > 0 &&
	    !store_has_file(dir, "events.log")) {
		/* Only the snapshot: the server goes on from it. */
		*mp = m;
		*logp = NULL;
		*snap_seq = seq;
		free(dir);
		free(logpath);
		return 0;
	}
	log = store_open_log(dir, flags, m, seq, each, arg, &rep, err, errlen);
	if (log == NULL)
		goto fail;
	if (rep.cut_bytes > 0)
		log_warn("board %s: %s", name, rep.detail);
	if (rep.records > 0 && rep.first_seq > 1 && seq + 1 < rep.first_seq) {
		snprintf(err, errlen, "%s starts at seq %llu and no snapshot "
		    "covers the seqs before it", logpath,
		    (unsigned long long)rep.first_seq);
		evlog_close(log);
		goto fail;
	}
	if (rep.records > 0 && seq > evlog_last_seq(log)) {
		/*
		 * The snapshot is newer than the log: the log lost its tail
		 * (fsync batch or never, then a crash).  The snapshot holds
		 * the state; start a new log after it and keep the old one.
		 * An empty log simply continues at the snapshot's seq + 1.
		 */
		log_warn("board %s: the log ends at seq %llu but the snapshot "
		    "is at %llu", name, (unsigned long long)evlog_last_seq(log),
		    (unsigned long long)seq);
		evlog_close(log);
		if (flags & EVLOG_READONLY) {
			*mp = m;
			*logp = NULL;
			*snap_seq = seq;
			free(dir);
			free(logpath);
			return 0;
		}
		if (retried) {
			snprintf(err, errlen, "%s: log behind its snapshot",
			    logpath);
			goto fail;
		}
		log_warn("board %s: setting the old log aside, starting a new "
		    "one", name);
		if (store_set_aside(logpath, err, errlen) != 0)
			goto fail;
		model_free(m);
		retried = 1;
		goto again;
	}
	*mp = m;
	*logp = log;
	*snap_seq = seq;
	free(dir);
	free(logpath);
	return 0;
fail:
	model_free(m);
	free(dir);
	free(logpath);
	return -1;
}

/*
 * Write a snapshot of m into dir, encoded in buf (NULL: a buffer of its
 * own; a caller's keeps its room for the next one); its size in *bytes
 * when not NULL.
 */
int
store_snapshot(const char *dir, const struct model *m, struct proto_buf *buf,
    size_t *bytes, char *err, size_t errlen)
{
	struct proto_buf	own;
	int			rc;

	if (buf == NULL) {
		proto_buf_init(&own);
		buf = &own;
	}
	proto_buf_reset(buf);
	model_state_write(m, 0, server_now_ms(), buf);
	rc = evlog_snapshot_write(dir, m->head, buf->data, buf->len, err,
	    errlen);
	if (bytes != NULL)
		*bytes = buf->len;
	if (buf == &own)
		proto_buf_free(&own);
	return rc;
}

/*
 * Make one event durable: encode it whole (into scratch, framed) and append
 * it to the log; model_submit applies it next.  Returns 0, or -1 with err
 * set when it could not be stored (nothing changed).
 */
int
store_commit(struct evlog *log, const struct proto_event *ev, int64_t now,
    const uint8_t *client, struct proto_buf *scratch, char *err,
    size_t errlen)
{
	static const uint8_t	zero[PROTO_CLIENT_LEN];
	size_t			n;

	proto_buf_reset(scratch);
	if ((n = proto_enc_event(scratch, ev)) == 0) {
		snprintf(err, errlen, "the change is too large to send");
		return -1;
	}
	if (evlog_append(log, ev->seq, now, client != NULL ? client : zero,
	    scratch->data + PROTO_FRAME_HDR, n - PROTO_FRAME_HDR, err,
	    errlen) != 0)
		return -1;
	return 0;
}

/* Compare two strings for qsort. */
static int
store_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The boards under data, sorted by name; -1 if data cannot be read. */
int
store_list(const char *data, char ***names, size_t *n)
{
	struct dirent	 *de;
	DIR		 *d;
	char		**v = NULL;
	size_t		  len = 0;

	*names = NULL;
	*n = 0;
	if ((d = opendir(data)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!proto_board_name_ok(de->d_name) ||
		    !store_exists(data, de->d_name))
			continue;
		v = xreallocarray(v, len + 1, sizeof *v);
		v[len++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (len > 0)
		qsort(v, len, sizeof *v, store_cmp);
	*names = v;
	*n = len;
	return 0;
}
