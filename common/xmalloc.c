/*
 * xmalloc.c -- allocation that never returns NULL, and the fatal path.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/*
 * The only process-wide hook in common/: it must be reachable from any
 * allocation failure without a context argument.  Set once at start-up.
 */
static void (*fatal_hook)(const char *);

/* Install a function that fatalx runs with the message before it prints. */
void
xmalloc_set_fatal_hook(void (*hook)(const char *))
{
	fatal_hook = hook;
}

/*
 * Format the message into a buffer on the stack (no allocation: this is
 * also the out-of-memory path), hand it to the hook (the server logs it
 * where its log goes, the client restores the terminal), print it, exit.
 */
void
fatalx(const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (fatal_hook != NULL)
		fatal_hook(msg);
	fprintf(stderr, "fatal: %s\n", msg);
	exit(70);
}

/* malloc that never returns NULL. */
void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatalx("out of memory (%zu bytes)", size);
	return p;
}

/* calloc that never returns NULL. */
void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		fatalx("out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

/* realloc that never returns NULL. */
void *
xrealloc(void *ptr, size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = realloc(ptr, size)) == NULL)
		fatalx("out of memory (%zu bytes)", size);
	return p;
}

/* realloc of nmemb * size, refusing overflow. */
void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		fatalx("allocation overflow (%zu x %zu)", nmemb, size);
	return xrealloc(ptr, nmemb * size);
}

/* strdup that never returns NULL. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* strndup that never returns NULL. */
char *
xstrndup(const char *s, size_t n)
{
	size_t	 len = strnlen(s, n);
	char	*p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* vasprintf that never fails. */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	va_list	ap2;
	int	n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatalx("xvasprintf: bad format");
	*ret = xmalloc((size_t)n + 1);
	vsnprintf(*ret, (size_t)n + 1, fmt, ap);
	return n;
}

/* asprintf that never fails. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}
