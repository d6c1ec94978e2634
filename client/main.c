/*
 * main.c -- cafeboard, the client: options, locale, then the board.
 */
#include <sys/stat.h>

#include <event2/event.h>

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <libintl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "hostport.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "plain.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

enum {
	OPT_CONNECT = 256, OPT_SOCKET, OPT_BOARD, OPT_NAME, OPT_CODE,
	OPT_KEY_FILE, OPT_ASCII, OPT_FROM, OPT_LOG_FILE, OPT_VERSION,
	OPT_FORMAT, OPT_BOM, OPT_TLS, OPT_PIN, OPT_INSECURE, OPT_PLAIN,
	OPT_AUTO_NAME,
};

static const struct option long_options[] = {
	{ "connect",	required_argument, NULL, OPT_CONNECT },
	{ "socket",	required_argument, NULL, OPT_SOCKET },
	{ "tls",	no_argument,	   NULL, OPT_TLS },
	{ "pin",	required_argument, NULL, OPT_PIN },
	{ "insecure",	no_argument,	   NULL, OPT_INSECURE },
	{ "board",	required_argument, NULL, OPT_BOARD },
	{ "name",	required_argument, NULL, OPT_NAME },
	{ "auto-name",	no_argument,	   NULL, OPT_AUTO_NAME },
	{ "code",	required_argument, NULL, OPT_CODE },
	{ "key-file",	required_argument, NULL, OPT_KEY_FILE },
	{ "ascii",	no_argument,	   NULL, OPT_ASCII },
	{ "from",	required_argument, NULL, OPT_FROM },
	{ "log-file",	required_argument, NULL, OPT_LOG_FILE },
	{ "plain",	no_argument,	   NULL, OPT_PLAIN },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, OPT_VERSION },
	/* cafeboard export only */
	{ "format",	required_argument, NULL, OPT_FORMAT },
	{ "output",	required_argument, NULL, 'o' },
	{ "bom",	no_argument,	   NULL, OPT_BOM },
	{ NULL, 0, NULL, 0 }
};

/* Print the usage text. */
static void
usage(FILE *f)
{
	fprintf(f, "%s", _(
"usage: cafeboard [--connect HOST[:PORT] [--tls] [--pin FINGERPRINT]\n"
"                 [--insecure] | --socket PATH] [--board NAME]\n"
"                 [--name FIRSTNAME | --auto-name] [--code CODE]\n"
"                 [--key-file FILE] [--from BOARDFILE] [--ascii] [--plain]\n"
"                 [--log-file FILE]\n"
"       cafeboard export --board NAME --format md|csv|json|html [-o FILE] [--bom]\n"
"                 --key-file FILE [--connect HOST[:PORT] [--tls]\n"
"                 [--pin FINGERPRINT] | --socket PATH]\n"
"\n"
"  --connect HOST[:PORT]  join a server over the network (port 7117,\n"
"                         7118 with --tls)\n"
"  --tls                  encrypt the connection (the server's --tls-listen)\n"
"  --pin FINGERPRINT      the server certificate's SHA-256 fingerprint, as\n"
"                         the server prints it; any other is refused\n"
"                         (default: ask once, then remember it)\n"
"  --insecure             allow the facilitator key in clear beyond loopback\n"
"  --socket PATH          join the server on this Unix socket\n"
"                         (default: the local server, started if needed)\n"
"  --board NAME           the board to join (default: choose from a list)\n"
"  --name FIRSTNAME       your first name (default: asked on screen)\n"
"  --auto-name            join as \"Facilitator\" (with the key) or\n"
"                         \"Participant\", numbered when that name is taken\n"
"                         by someone online: \"Facilitator 2\"...\n"
"  --code CODE            the board's join code\n"
"  --key-file FILE        the facilitator key: join as a facilitator\n"
"  --from BOARDFILE       facilitator: set up an empty board from a file\n"
"  --ascii                plain ASCII borders and markers\n"
"  --plain                line mode: sentences, no cursor addressing (screen\n"
"                         readers, braille displays, slow links; also\n"
"                         CAFEBOARD_PLAIN=1)\n"
"  --log-file FILE        write a debug log to FILE\n"
"  -h, --help             this text\n"
"      --version          the version\n"));
}

/* Split HOST[:PORT] or [V6]:PORT into opts (port dport by default). */
static int
parse_connect(struct client_opts *o, const char *spec, int dport)
{
	char	host[256], port[16];
	int	p;

	if (hostport_split(spec, dport, host, sizeof host, &p) != 0 ||
	    host[0] == '\0' || p == 0)
		return -1;
	snprintf(port, sizeof port, "%d", p);
	o->host = xstrdup(host);
	o->port = xstrdup(port);
	return 0;
}

/* Read the facilitator key: one line, mode 0600 expected. */
static int
read_key(const char *path, char **key)
{
	char	 buf[PROTO_KEY_MAX + 2];
	FILE	*f;
	size_t	 len;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, _("cafeboard: cannot read the key file %s: "
		    "%s\n"), path, strerror(errno));
		return -1;
	}
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0 || len > PROTO_KEY_MAX) {
		fprintf(stderr, _("cafeboard: %s does not hold a key\n"), path);
		return -1;
	}
	*key = xstrdup(buf);
	return 0;
}

/* Where cafeboard-server is: beside us, in the build tree, or in PATH. */
static char *
find_server(void)
{
	char	 self[PATH_MAX], *slash, *p;
	ssize_t	 n;
	const char *env = getenv("CAFEBOARD_SERVER");

	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&p, "%s/cafeboard-server", self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
			xasprintf(&p, "%s/../server/cafeboard-server", self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xstrdup("cafeboard-server");
}

/* What the command line says, before it becomes the client's options. */
struct cli {
	struct client_opts	 o;
	const char		*key_file;
	const char		*log_file;
	const char		*connect;
	bool			 plain;
	bool			 auto_name;
	bool			 export_cmd;	/* "cafeboard export ..." */
	struct fetch_args	 fa;
};

/* A refusal of the command line: the message, then 2 (the exit code). */
static int
cli_refuse(const char *msg, bool with_usage)
{
	fprintf(stderr, "%s", msg);
	if (with_usage)
		usage(stderr);
	return 2;
}

/*
 * An option of export (--format, -o, --bom): only after the word export,
 * once each.  -1 when taken, else the exit code.
 */
static int
cli_export_option(struct cli *c, int ch, const char *arg)
{
	const char	**slot = ch == 'o' ? &c->fa.output : &c->fa.format;

	if (!c->export_cmd || (ch == OPT_BOM ? c->fa.bom : *slot != NULL))
		return cli_refuse(_("cafeboard: --format, -o and --bom go with "
		    "export, once each\n"), true);
	if (ch == OPT_BOM)
		c->fa.bom = true;
	else
		*slot = arg;
	return -1;
}

/* One option of the command line: -1 when taken, else the exit code. */
static int
cli_option(struct cli *c, int ch, const char *arg)
{
	struct client_opts	*o = &c->o;
	uint8_t			 md[FINGERPRINT_LEN];

	switch (ch) {
	case OPT_CONNECT:
		c->connect = arg;
		break;
	case OPT_TLS:
		o->tls = true;
		break;
	case OPT_PIN:
		if (fingerprint_parse(arg, md) != 0)
			return cli_refuse(_("cafeboard: --pin: expected a "
			    "SHA-256 fingerprint, 32 bytes in hex as the server "
			    "prints it (colons optional)\n"), false);
		free(o->pin);
		o->pin = xstrdup(arg);
		o->tls = true;
		break;
	case OPT_INSECURE:
		o->insecure = true;
		break;
	case OPT_SOCKET:
		free(o->socket_path);
		o->socket_path = xstrdup(arg);
		o->socket_given = true;
		break;
	case OPT_BOARD:
		if (!proto_board_name_ok(arg)) {
			fprintf(stderr, _("cafeboard: '%s' is not a board name "
			    "(a-z, 0-9, _ and -)\n"), arg);
			return 2;
		}
		free(o->board);
		o->board = xstrdup(arg);
		o->board_forced = true;
		break;
	case OPT_NAME:
		free(o->name);
		o->name = xstrdup(arg);
		text_trim(o->name);
		if (text_name_check(o->name, strlen(o->name)) != TEXT_NAME_OK) {
			fprintf(stderr, _("cafeboard: %s\n"),
			    ui_text_name(o->name));
			return 2;
		}
		break;
	case OPT_AUTO_NAME:
		c->auto_name = true;
		break;
	case OPT_CODE:
		free(o->code);
		o->code = xstrdup(arg);
		break;
	case OPT_KEY_FILE:
		c->key_file = arg;
		break;
	case OPT_ASCII:
		o->ascii = true;
		break;
	case OPT_FROM:
		free(o->board_file);
		o->board_file = xstrdup(arg);
		break;
	case OPT_LOG_FILE:
		c->log_file = arg;
		break;
	case OPT_PLAIN:
		c->plain = true;
		break;
	case 'h':
		usage(stdout);
		return 0;
	case OPT_VERSION:
		printf("cafeboard %s (protocol %d)\n", CB_VERSION,
		    PROTO_VERSION);
		return 0;
	case OPT_FORMAT:
	case 'o':
	case OPT_BOM:
		return cli_export_option(c, ch, arg);
	default:
		usage(stderr);
		return 2;
	}
	return -1;
}

/*
 * Read the command line into c: -1 to go on, else the exit code.
 * "cafeboard export ...": the options may come before the command word or
 * after it, so the word goes to the end, out of getopt's sight.
 */
static int
cli_parse(struct cli *c, int argc, char **argv)
{
	char	*word;
	int	 ch, i, rc, ac = argc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "export") == 0) {
			c->export_cmd = true;
			word = argv[i];
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(argc - i - 1) * sizeof *argv);
			argv[argc - 1] = word;
			ac = argc - 1;
			break;
		}
	}
	while ((ch = getopt_long(ac, argv, c->export_cmd ? "ho:" : "h",
	    long_options, NULL)) != -1) {
		if ((rc = cli_option(c, ch, optarg)) >= 0)
			return rc;
	}
	if (optind != ac) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/*
 * Where the client connects and as whom: the address, the key that never
 * goes in clear beyond this computer, the name make run joins with.  -1
 * to go on, else the exit code.
 */
static int
cli_identity(struct cli *c)
{
	struct client_opts	*o = &c->o;

	if (c->connect != NULL && parse_connect(o, c->connect, o->tls ?
	    PROTO_TLS_PORT : PROTO_DEFAULT_PORT) != 0)
		return cli_refuse(_("cafeboard: --connect: expected HOST or "
		    "HOST:PORT\n"), false);
	if (o->tls && o->host == NULL)
		return cli_refuse(_("cafeboard: --tls and --pin go with "
		    "--connect\n"), false);
	/* Refused here for an address (before any packet), at connect time
	 * for a name. */
	if (o->host != NULL && !o->tls && !o->insecure && c->key_file != NULL &&
	    dial_is_address(o->host) && !hostport_loopback_name(o->host)) {
		fprintf(stderr, _("cafeboard: refused to send the facilitator "
		    "key in clear to %s: use --tls (the server's --tls-listen "
		    "port), or --insecure on a network you trust\n"), o->host);
		return 2;
	}
	/*
	 * A local server we may be about to start writes its key on first
	 * start (make run on a fresh machine): no key file yet is no error
	 * then, and it is read again once we are connected.
	 */
	if (c->key_file != NULL && o->host == NULL && o->socket_path == NULL &&
	    access(c->key_file, F_OK) != 0 && errno == ENOENT)
		o->key_file = xstrdup(c->key_file);
	else if (c->key_file != NULL && read_key(c->key_file, &o->key) != 0) {
		if (access(c->key_file, F_OK) == 0)
			return 1;
		o->key_file = xstrdup(c->key_file);
	}
	/* --auto-name (make run): the role's name in the user's language,
	 * numbered by net.c when someone online has it already. */
	if (c->auto_name) {
		if (o->name == NULL)
			o->name = xstrdup(i18n_pgettext(c->key_file != NULL ?
			    /* TRANSLATORS: the name make run joins with. */
			    NC_("name", "Facilitator") :
			    NC_("name", "Participant")));
		o->auto_name = xstrdup(o->name);
	}
	if (o->board_file != NULL && c->key_file == NULL)
		return cli_refuse(_("cafeboard: --from needs the facilitator "
		    "key (--key-file)\n"), false);
	return -1;
}

/*
 * Without --connect: the socket given, else the local server's (started
 * when missing), else a system service's socket if that is what runs.
 */
static void
cli_local_server(struct client_opts *o)
{
	const char	*sys = paths_system_socket();

	if (o->host != NULL)
		return;
	if (o->socket_path == NULL) {
		o->socket_path = paths_default_socket();
		if (access(o->socket_path, F_OK) != 0 && sys != NULL &&
		    access(sys, W_OK) == 0) {
			free(o->socket_path);
			o->socket_path = xstrdup(sys);
		} else
			o->autostart = true;
	}
	o->server_bin = find_server();
}

/* The front ends, one then the other as often as the user says; rc. */
static int
cli_run_board(struct client_opts *o, bool plain)
{
	struct client_switch	sw;
	int			rc = 0;

	o->term_note = term_fallback();
	memset(&sw, 0, sizeof sw);
	sw.next = plain ? CLIENT_PLAIN : CLIENT_FULL;
	while (sw.next != CLIENT_DONE)
		rc = sw.next == CLIENT_PLAIN ? plain_main(o, &sw) :
		    ui_main(o, &sw);
	if (sw.net_ready) {
		net_stop(&sw.net);
		net_free(&sw.net);
	}
	if (sw.base != NULL)
		event_base_free(sw.base);
	return rc;
}

/* Free the options' heap strings (the join screen replaces some), so
 * that leak checkers see a clean exit, errors included. */
static void
cli_free(struct client_opts *o)
{
	free(o->host);
	free(o->port);
	free(o->socket_path);
	free(o->server_bin);
	free(o->board);
	free(o->name);
	free(o->auto_name);
	free(o->code);
	free(o->key);
	free(o->key_file);
	free(o->board_file);
	free(o->pin);
	free(o->term_note);
	trust_ctx_free(o->tls_ctx);
}

/* Entry point: the command line, the locale, then the board or export. */
int
main(int argc, char **argv)
{
	struct cli	c;
	const char	*env = getenv("CAFEBOARD_PLAIN");
	int		 rc;

	i18n_locale_init();
	i18n_init();
	memset(&c, 0, sizeof c);
	c.plain = env != NULL && strcmp(env, "1") == 0;
	if ((rc = cli_parse(&c, argc, argv)) >= 0 ||
	    (rc = cli_identity(&c)) >= 0)
		goto out;
	cli_local_server(&c.o);
	if (log_open("cafeboard", c.log_file != NULL ? LOG_LVL_DEBUG :
	    LOG_LVL_WARN, c.log_file != NULL ? LOG_TO_FILE : LOG_TO_NONE,
	    c.log_file) != 0) {
		fprintf(stderr, _("cafeboard: cannot open %s\n"), c.log_file);
		rc = 1;
		goto out;
	}
	/* Box drawing and accents need a UTF-8 locale. */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		c.o.ascii = true;
	if (c.o.tls)
		c.o.tls_ctx = trust_ctx_new();
	rc = c.export_cmd ? fetch_main(&c.o, &c.fa) :
	    cli_run_board(&c.o, c.plain);
	log_close();
out:
	cli_free(&c.o);
	return rc;
}
