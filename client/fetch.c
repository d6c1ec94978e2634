/*
 * fetch.c -- `cafeboard export`: fetch a board's state from the server and
 * write the harvest with the same code the server's offline export uses.
 */
#include <event2/event.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "export.h"
#include "i18n.h"
#include "log.h"
#include "ui.h"
#include "xmalloc.h"

#define FETCH_TIMEOUT_S	30

struct fetch {
	struct net		 net;
	struct event_base	*base;
	int			 done;		/* 1 ok, -1 failed */
	char			 why[1024];
};

/* The board is complete: stop the loop. */
static void
fetch_live(void *arg, bool first)
{
	struct fetch	*f = arg;

	(void)first;
	f->done = 1;
	event_base_loopbreak(f->base);
}

/*
 * An ERROR: give up on the codes a retry cannot fix, saying why in the
 * user's language (code 0: the local server would not start, and text
 * says why already translated).
 */
static void
fetch_error(void *arg, uint32_t code, const char *text)
{
	struct fetch	*f = arg;

	if (code != 0 && !ERROR_FINAL(code))
		return;
	if (code == 0)
		snprintf(f->why, sizeof f->why, "%s", ui_text_reason(text));
	else
		snprintf(f->why, sizeof f->why, "%s (%s)", ui_text_error(code),
		    ui_text_reason(text));
	f->done = -1;
	event_base_loopbreak(f->base);
}

/* Nobody answered in time. */
static void
fetch_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;

	(void)fd;
	(void)what;
	snprintf(f->why, sizeof f->why, _("no answer from the server (%s)"),
	    f->net.status[0] != '\0' ? ui_text_reason(f->net.status) :
	    _("timeout"));
	f->done = -1;
	event_base_loopbreak(f->base);
}

/* Say what is wrong with the command line, then print the export usage. */
static int __attribute__((format(printf, 1, 2)))
fetch_usage(const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	va_start(ap, fmt);
	xvasprintf(&why, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("cafeboard: %s\n"), why);
	free(why);
	fprintf(stderr, "%s", _("usage: cafeboard export --board NAME "
	    "--format md|csv|json|html [-o FILE] [--bom]\n"
	    "                        --key-file FILE [--connect HOST[:PORT] | "
	    "--socket PATH]\n"));
	return 2;
}

/* `cafeboard export`: opts holds the connection options already parsed. */
int
fetch_main(struct client_opts *opts, const struct fetch_args *fa)
{
	struct net_callbacks	 cb;
	struct export_opts	 eo;
	struct fetch		 f;
	struct event		*tev;
	struct timeval		 tv = { FETCH_TIMEOUT_S, 0 };
	const char		*format = fa->format, *output = fa->output;
	char			*tmp = NULL;
	FILE			*out = stdout;
	int			 fmt, rc = 0;

	memset(&eo, 0, sizeof eo);
	eo.bom = fa->bom;
	if (opts->board == NULL)
		return fetch_usage("%s", _("export needs the board's name "
		    "(--board NAME)"));
	if (format == NULL)
		return fetch_usage(_("export needs a format (--format %s)"),
		    export_format_list());
	if ((fmt = export_format_parse(format)) < 0)
		return fetch_usage(_("unknown format %s: %s"), format,
		    export_format_list());
	if (opts->key == NULL) {
		fprintf(stderr, "%s", _("cafeboard: export needs the "
		    "facilitator key (--key-file FILE)\n"));
		return 2;
	}

	memset(&f, 0, sizeof f);
	memset(&cb, 0, sizeof cb);
	cb.live = fetch_live;
	cb.error = fetch_error;
	if ((f.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	opts->want_state = true;
	opts->observe = true;
	if (opts->name == NULL)
		opts->name = xstrdup("export");
	net_init(&f.net, f.base, opts, &cb, &f);
	tev = evtimer_new(f.base, fetch_timeout, &f);
	evtimer_add(tev, &tv);
	net_start(&f.net);
	while (f.done == 0)
		event_base_loop(f.base, EVLOOP_ONCE);

	if (f.done < 0) {
		fprintf(stderr, _("cafeboard: export of %s failed: %s\n"),
		    opts->board, f.why);
		rc = 1;
		goto out;
	}
	if (output != NULL && strcmp(output, "-") != 0) {
		xasprintf(&tmp, "%s.tmp", output);
		if ((out = fopen(tmp, "w")) == NULL) {
			fprintf(stderr, _("cafeboard: %s: %s\n"), tmp,
			    strerror(errno));
			rc = 1;
			goto out;
		}
	}
	if (export_write(f.net.replica.confirmed, (enum export_format)fmt, &eo,
	    out) != 0 || fflush(out) != 0) {
		fprintf(stderr, _("cafeboard: export: %s\n"),
		    strerror(errno));
		rc = 1;
	}
	if (tmp != NULL) {
		if (fclose(out) != 0)
			rc = 1;
		if (rc == 0 && rename(tmp, output) != 0) {
			fprintf(stderr, _("cafeboard: %s: %s\n"), output,
			    strerror(errno));
			rc = 1;
		}
		if (rc != 0)
			unlink(tmp);
	}
out:
	net_stop(&f.net);
	event_free(tev);
	net_free(&f.net);
	event_base_free(f.base);
	free(tmp);
	return rc;
}
