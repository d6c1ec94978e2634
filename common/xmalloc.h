/*
 * xmalloc.h -- allocation that never returns NULL.
 *
 * Running out of memory is fatal.  The fatal path is replaceable: the client
 * installs a hook that restores the terminal before the message is printed,
 * the server one that puts the message into its configured log.
 */
#ifndef CB_XMALLOC_H
#define CB_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
/* realloc of nmemb * size with overflow check. */
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/*
 * Run the hook with the message, print it to stderr, exit(70).  For bugs
 * and out-of-memory.
 */
void	 fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* Install a function fatalx runs with its message first (NULL: none). */
void	 xmalloc_set_fatal_hook(void (*)(const char *));

#endif /* CB_XMALLOC_H */
