/*
 * term.c -- a terminal type the host knows.
 *
 * People come with kitty, ghostty, alacritty, foot, wezterm ...: their
 * laptops send a TERM that a server's terminfo often lacks, and curses
 * would refuse to start.  All of them understand xterm's sequences, so
 * xterm-256color stands in, and vt100 when even that is missing.  Also
 * what both front ends do to the terminal's signals and their event base
 * when one hands over to the other.
 */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <term.h>

#include "client.h"
#include "i18n.h"
#include "log.h"
#include "xmalloc.h"

/* The stand-ins, best first. */
static const char *const term_fallbacks[] = { "xterm-256color", "vt100" };

/* True if the host's terminfo describes name. */
static bool
term_known(const char *name)
{
	TERMINAL	*saved = cur_term;
	int		 err = 0;

	if (setupterm(name, STDOUT_FILENO, &err) != OK || err != 1)
		return false;
	del_curterm(cur_term);
	set_curterm(saved);
	return true;
}

/*
 * A TERM the host's terminfo lacks is replaced by the first stand-in it
 * has; returns a one-line note for the user (malloc'd, translated), or
 * NULL when TERM was fine (or nothing better exists).
 */
char *
term_fallback(void)
{
	const char	*term = getenv("TERM");
	char		*was, *note;
	size_t		 i;

	if (term != NULL && term[0] != '\0' && term_known(term))
		return NULL;
	for (i = 0; i < sizeof term_fallbacks / sizeof term_fallbacks[0];
	    i++) {
		if (!term_known(term_fallbacks[i]))
			continue;
		was = xstrdup(term != NULL && term[0] != '\0' ? term :
		    "(none)");
		setenv("TERM", term_fallbacks[i], 1);
		xasprintf(&note, _("This host does not know the terminal type "
		    "%s: using %s instead."), was, term_fallbacks[i]);
		log_warn("TERM %s unknown here: using %s", was,
		    term_fallbacks[i]);
		free(was);
		return note;
	}
	return NULL;
}

/* Ignore the keyboard's job-control signals and SIGPIPE (see client.h). */
void
term_signals_ignore(bool ctrl_c)
{
	if (ctrl_c)
		signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
}

/* The event base the last front end left in sw, or a new one. */
struct event_base *
term_switch_base(struct client_switch *sw)
{
	struct event_base	*base = sw->base;

	sw->base = NULL;
	if (base == NULL && (base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	return base;
}
