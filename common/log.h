/*
 * log.h -- one logging module: levels, timestamps, stderr, a file or syslog.
 *
 * The client points it at a file (or nowhere) while curses owns the screen.
 */
#ifndef CB_LOG_H
#define CB_LOG_H

#include <stdarg.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

enum log_target {
	LOG_TO_STDERR,
	LOG_TO_FILE,
	LOG_TO_SYSLOG,
	LOG_TO_NONE,
};

/* Start logging as prog at level to target (path for LOG_TO_FILE). */
int	 log_open(const char *, enum log_level, enum log_target, const char *);
/* Reopen the log file (after SIGHUP); no-op for other targets. */
int	 log_reopen(void);
void	 log_close(void);
void	 log_set_level(enum log_level);
enum log_level log_get_level(void);
enum log_target log_get_target(void);
/* "error", "warn", "info", "debug" -> level; -1 if unknown. */
int	 log_level_parse(const char *);

void	 log_msg(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 log_vmsg(enum log_level, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/*
 * A message that may repeat fast (a full disk refusing every change, a
 * guessing loop) is logged once per burst: the first occurrence at once,
 * the next ones counted, and one line with the count when the burst has
 * been quiet for LOG_BURST_MS, or at least every LOG_BURST_MAX_MS while it
 * lasts.  The caller owns the struct (zeroed to start) and calls
 * log_limit_flush now and then (once a second) so that the count of a
 * burst that ended is not lost.
 */
#define LOG_BURST_MS		10000
#define LOG_BURST_MAX_MS	60000

struct log_limit {
	int64_t		 first_ms;	/* the burst's counted part began */
	int64_t		 last_ms;	/* the last occurrence */
	uint64_t	 counted;	/* occurrences not logged yet */
	enum log_level	 level;
	char		 last[256];	/* the last of them */
};

void	 log_limited(struct log_limit *, enum log_level, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 log_limit_flush(struct log_limit *);

#define log_error(...)	log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif /* CB_LOG_H */
