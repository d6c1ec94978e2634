/*
 * log.h -- one logging module: levels, timestamps, stderr, a file or syslog.
 *
 * The client points it at a file (or nowhere) while curses owns the screen.
 */
#ifndef CB_LOG_H
#define CB_LOG_H

#include <stdarg.h>

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

#define log_error(...)	log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif /* CB_LOG_H */
