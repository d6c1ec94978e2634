/*
 * log.c -- levels, timestamps, and one destination per process.
 *
 * The destination is process-wide by nature (like stderr itself), so this
 * module keeps it in one static struct; the reusable parts of common/ never
 * log, they return their errors to the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

static struct {
	char		*prog;
	enum log_level	 level;
	enum log_target	 target;
	char		*path;
	FILE		*file;
} lg = { NULL, LOG_LVL_INFO, LOG_TO_STDERR, NULL, NULL };

static const char *level_names[] = { "error", "warn", "info", "debug" };

/* Start logging as prog at level to target. */
int
log_open(const char *prog, enum log_level level, enum log_target target,
    const char *path)
{
	log_close();
	lg.prog = xstrdup(prog);
	lg.level = level;
	lg.target = target;
	if (target == LOG_TO_FILE) {
		lg.path = xstrdup(path);
		return log_reopen();
	}
	if (target == LOG_TO_SYSLOG)
		openlog(prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return 0;
}

/* Reopen the log file, for rotation after SIGHUP. */
int
log_reopen(void)
{
	FILE	*f;

	if (lg.target != LOG_TO_FILE)
		return 0;
	if ((f = fopen(lg.path, "a")) == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	if (lg.file != NULL)
		fclose(lg.file);
	lg.file = f;
	return 0;
}

/* Stop logging and release the destination. */
void
log_close(void)
{
	if (lg.file != NULL)
		fclose(lg.file);
	if (lg.target == LOG_TO_SYSLOG)
		closelog();
	free(lg.prog);
	free(lg.path);
	lg.file = NULL;
	lg.prog = lg.path = NULL;
	lg.target = LOG_TO_STDERR;
}

/* Change the level. */
void
log_set_level(enum log_level level)
{
	lg.level = level;
}

/* Where messages go now. */
enum log_target
log_get_target(void)
{
	return lg.target;
}

/* The current level. */
enum log_level
log_get_level(void)
{
	return lg.level;
}

/* Level name to level, -1 if unknown. */
int
log_level_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return (int)i;
	return -1;
}

/* Log one message at level. */
void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	struct timespec	 ts;
	struct tm	 tm;
	char		 stamp[32];
	FILE		*f;
	int		 saved = errno;

	if (level > lg.level || lg.target == LOG_TO_NONE)
		return;
	if (lg.target == LOG_TO_SYSLOG) {
		vsyslog(prio[level], fmt, ap);
		errno = saved;
		return;
	}
	f = lg.target == LOG_TO_FILE && lg.file != NULL ? lg.file : stderr;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s.%03ld %s[%ld] %s: ", stamp, ts.tv_nsec / 1000000L,
	    lg.prog != NULL ? lg.prog : "cafeboard", (long)getpid(),
	    level_names[level]);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	errno = saved;
}

/* Log one message at level, printf-style. */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

/* Monotonic milliseconds, for bursts. */
static int64_t
log_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The line that ends (or punctuates) a burst: how many were not logged. */
static void
log_limit_report(struct log_limit *l)
{
	if (l->counted == 0)
		return;
	log_msg(l->level, "%s (%llu more like it in %lld s)", l->last,
	    (unsigned long long)l->counted,
	    (long long)((l->last_ms - l->first_ms) / 1000 + 1));
	l->counted = 0;
}

/* Log at level once per burst (see log.h). */
void
log_limited(struct log_limit *l, enum log_level level, const char *fmt, ...)
{
	va_list	ap;
	int64_t	now = log_mono_ms();

	va_start(ap, fmt);
	vsnprintf(l->last, sizeof l->last, fmt, ap);
	va_end(ap);
	l->level = level;
	if (l->last_ms != 0 && now - l->last_ms < LOG_BURST_MS) {
		/* The burst goes on: count it, report now and then. */
		if (l->counted++ == 0)
			l->first_ms = now;
		l->last_ms = now;
		if (now - l->first_ms >= LOG_BURST_MAX_MS)
			log_limit_report(l);
		return;
	}
	log_limit_report(l);
	l->last_ms = now;
	log_msg(level, "%s", l->last);
}

/* Report a burst that has been quiet for LOG_BURST_MS. */
void
log_limit_flush(struct log_limit *l)
{
	if (l->counted > 0 && log_mono_ms() - l->last_ms >= LOG_BURST_MS)
		log_limit_report(l);
}
