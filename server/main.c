/*
 * main.c -- cafeboard-server: locale, options, defaults, and the commands.
 */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fingerprint.h"
#include "hostport.h"
#include "i18n.h"
#include "paths.h"
#include "server.h"
#include "xmalloc.h"

enum {
	OPT_SOCKET = 256, OPT_LISTEN, OPT_DATA, OPT_KEY_FILE, OPT_FSYNC,
	OPT_SNAPSHOT_EVERY, OPT_OPS_PER_SEC, OPT_OPS_BURST, OPT_MAX_CONNS,
	OPT_MAX_CONNS_PER_PEER, OPT_MAX_HELLO, OPT_MAX_CARDS, OPT_MAX_PARTICIPANTS,
	OPT_IDLE_TIMEOUT, OPT_QUEUE_CAP, OPT_REPLAY_MAX, OPT_LOG_LEVEL,
	OPT_LOG_FILE, OPT_SYSLOG, OPT_FROM, OPT_FORMAT, OPT_BOM, OPT_REPAIR,
	OPT_VERSION, OPT_SOCKET_MODE, OPT_SOCKET_GROUP, OPT_TLS_LISTEN,
	OPT_TLS_CERT, OPT_TLS_KEY, OPT_UPSTREAM, OPT_TLS, OPT_PIN,
	OPT_INSECURE,
};

static const struct option long_options[] = {
	{ "socket",		required_argument, NULL, OPT_SOCKET },
	{ "socket-mode",	required_argument, NULL, OPT_SOCKET_MODE },
	{ "socket-group",	required_argument, NULL, OPT_SOCKET_GROUP },
	{ "listen",		required_argument, NULL, OPT_LISTEN },
	{ "tls-listen",		required_argument, NULL, OPT_TLS_LISTEN },
	{ "tls-cert",		required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key",		required_argument, NULL, OPT_TLS_KEY },
	{ "data",		required_argument, NULL, OPT_DATA },
	{ "key-file",		required_argument, NULL, OPT_KEY_FILE },
	{ "fsync",		required_argument, NULL, OPT_FSYNC },
	{ "snapshot-every",	required_argument, NULL, OPT_SNAPSHOT_EVERY },
	{ "ops-per-sec",	required_argument, NULL, OPT_OPS_PER_SEC },
	{ "ops-burst",		required_argument, NULL, OPT_OPS_BURST },
	{ "max-conns",		required_argument, NULL, OPT_MAX_CONNS },
	{ "max-conns-per-peer",	required_argument, NULL, OPT_MAX_CONNS_PER_PEER },
	{ "max-hello",		required_argument, NULL, OPT_MAX_HELLO },
	{ "max-cards",		required_argument, NULL, OPT_MAX_CARDS },
	{ "max-participants",	required_argument, NULL, OPT_MAX_PARTICIPANTS },
	{ "idle-timeout",	required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "queue-cap",		required_argument, NULL, OPT_QUEUE_CAP },
	{ "replay-max",		required_argument, NULL, OPT_REPLAY_MAX },
	{ "log-level",		required_argument, NULL, OPT_LOG_LEVEL },
	{ "log-file",		required_argument, NULL, OPT_LOG_FILE },
	{ "syslog",		no_argument,	   NULL, OPT_SYSLOG },
	{ "upstream",		required_argument, NULL, OPT_UPSTREAM },
	{ "tls",		no_argument,	   NULL, OPT_TLS },
	{ "pin",		required_argument, NULL, OPT_PIN },
	{ "insecure",		no_argument,	   NULL, OPT_INSECURE },
	{ "from",		required_argument, NULL, OPT_FROM },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "output",		required_argument, NULL, 'o' },
	{ "bom",		no_argument,	   NULL, OPT_BOM },
	{ "repair",		no_argument,	   NULL, OPT_REPAIR },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* Print the usage text to f. */
static void
usage(FILE *f)
{
	char	*sock = paths_default_socket(), *data = paths_default_data();

	fprintf(f, _(
"usage: cafeboard-server [options]                  serve boards\n"
"       cafeboard-server create BOARD --from FILE    make a board from a file\n"
"       cafeboard-server export BOARD --format md|csv|json|html [-o FILE] [--bom]\n"
"       cafeboard-server check BOARD [--repair]      verify a board's files\n"
"       cafeboard-server list                        list the boards\n"
"\n"
"Serving:\n"
"  --socket PATH           Unix socket (default: %s)\n"
"  --socket-mode MODE      its mode, in octal as chmod takes it (default: 0600)\n"
"  --socket-group GROUP    its group (default: the server's)\n"
"  --listen HOST:PORT      also listen on plain TCP (repeatable; port 7117\n"
"                          by default); for loopback or a trusted network\n"
"  --tls-listen HOST:PORT  also listen on TCP with TLS (repeatable; port 7118\n"
"                          by default)\n"
"  --tls-cert FILE         the TLS certificate (PEM; default: DIR/tls-cert.pem,\n"
"                          made with its key on first start)\n"
"  --tls-key FILE          its private key (PEM; default: DIR/tls-key.pem)\n"
"  --data DIR              board directories (default: %s)\n"
"  --key-file FILE         facilitator key (default: DIR/facilitator.key,\n"
"                          made on first start)\n"
"  --fsync always|batch|never\n"
"                          when the log reaches the disk (default: always)\n"
"  --snapshot-every N      events between snapshots (default: 1000)\n"
"  --log-level LEVEL       error, warn, info or debug (default: info)\n"
"  --log-file FILE         log to FILE (reopened on SIGHUP) instead of stderr\n"
"  --syslog                log to syslog instead of stderr\n"
"Limits (0 turns one off):\n"
"  --ops-per-sec N         ops per second per connection (default: 20)\n"
"  --ops-burst N           ops allowed in a burst (default: 40)\n"
"  --max-conns N           connections in all (default: 1024)\n"
"  --max-conns-per-peer N  TCP connections from one address (default: 128)\n"
"  --max-hello N           connections yet to say HELLO (default: 128); the\n"
"                          oldest makes way for a newcomer\n"
"  --max-cards N           live cards per board (default: 10000)\n"
"  --max-participants N    participants per board (default: 1000)\n"
"  --idle-timeout SEC      close a silent connection (default: 90)\n"
"  --queue-cap BYTES       output queued per connection, k/M suffixes\n"
"                          (default: 4M)\n"
"  --replay-max N          events kept in memory for replays (default: 100000)\n"
"\n"
"  -h, --help              this text\n"
"      --version           the version\n"),
	    sock, data);
	fprintf(f, "%s", _(
"\n"
"Relay (a room on a weak link):\n"
"  --upstream HOST[:PORT]  serve the boards of that server (or of the socket\n"
"                          at that path) to the clients here, each event\n"
"                          crossing the link once; --key-file names that\n"
"                          server's facilitator key\n"
"  --tls --pin FINGERPRINT to that server in TLS, its certificate pinned\n"
"                          (the fingerprint it prints at every start)\n"
"  --insecure              let the key go in clear beyond loopback\n"));
	free(sock);
	free(data);
}

/* Parse an unsigned number with an optional k/M/G suffix; -1 if bad. */
static int
parse_size(const char *s, bool suffix, uint64_t max, uint64_t *out)
{
	unsigned long long	 v;
	char			*end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] == '-')
		return -1;
	if (suffix && *end != '\0') {
		switch (*end) {
		case 'k': case 'K': v *= 1024ULL; break;
		case 'm': case 'M': v *= 1024ULL * 1024; break;
		case 'g': case 'G': v *= 1024ULL * 1024 * 1024; break;
		default: return -1;
		}
		end++;
	}
	if (*end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Parse a numeric option or exit with a usage error. */
static uint64_t
opt_number(const char *name, const char *arg, bool suffix, uint64_t max)
{
	uint64_t	v;

	if (parse_size(arg, suffix, max, &v) != 0) {
		fprintf(stderr, _("cafeboard-server: --%s: '%s' is not a "
		    "number between 0 and %llu\n"), name, arg,
		    (unsigned long long)max);
		exit(2);
	}
	return v;
}

/* The numeric options: where each goes in the configuration, its limit. */
static const struct num_option {
	int		 ch;
	const char	*name;
	size_t		 off;		/* in struct server_config */
	enum { NUM_U32, NUM_SIZE, NUM_DOUBLE } type;
	bool		 suffix;	/* k, M, G allowed */
	uint64_t	 max;
} num_options[] = {
#define NUM(ch, name, field, type, suffix, max) \
	{ ch, name, offsetof(struct server_config, field), type, suffix, max }
	NUM(OPT_SNAPSHOT_EVERY, "snapshot-every", snapshot_every, NUM_U32,
	    false, UINT32_MAX),
	NUM(OPT_OPS_PER_SEC, "ops-per-sec", ops_per_sec, NUM_DOUBLE, false,
	    1000000),
	NUM(OPT_OPS_BURST, "ops-burst", ops_burst, NUM_U32, false, 1000000),
	NUM(OPT_MAX_CONNS, "max-conns", max_conns, NUM_U32, false, 1000000),
	NUM(OPT_MAX_CONNS_PER_PEER, "max-conns-per-peer", max_conns_per_peer,
	    NUM_U32, false, 1000000),
	NUM(OPT_MAX_HELLO, "max-hello", max_hello, NUM_U32, false, 1000000),
	NUM(OPT_MAX_CARDS, "max-cards", max_cards, NUM_U32, false, 10000000),
	NUM(OPT_MAX_PARTICIPANTS, "max-participants", max_participants,
	    NUM_U32, false, 1000000),
	NUM(OPT_IDLE_TIMEOUT, "idle-timeout", idle_timeout, NUM_U32, false,
	    86400),
	NUM(OPT_QUEUE_CAP, "queue-cap", queue_cap, NUM_SIZE, true,
	    (uint64_t)1 << 34),
	NUM(OPT_REPLAY_MAX, "replay-max", replay_max, NUM_U32, false,
	    100000000),
#undef NUM
};

/* A numeric option into cfg; false if ch is not one. */
static bool
num_option(struct server_config *cfg, int ch, const char *arg)
{
	const struct num_option	*n;
	uint64_t		 v;
	size_t			 i;

	for (i = 0; i < sizeof num_options / sizeof num_options[0]; i++) {
		n = &num_options[i];
		if (n->ch != ch)
			continue;
		v = opt_number(n->name, arg, n->suffix, n->max);
		if (n->type == NUM_U32)
			*(uint32_t *)(void *)((char *)cfg + n->off) =
			    (uint32_t)v;
		else if (n->type == NUM_SIZE)
			*(size_t *)(void *)((char *)cfg + n->off) = (size_t)v;
		else
			*(double *)(void *)((char *)cfg + n->off) = (double)v;
		return true;
	}
	return false;
}

/* Fill cfg with the defaults. */
static void
config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->fsync = EVLOG_SYNC_ALWAYS;
	cfg->snapshot_every = 1000;
	cfg->ops_per_sec = 20;
	cfg->ops_burst = 40;
	cfg->max_conns = 1024;
	cfg->max_conns_per_peer = 128;
	cfg->max_hello = 128;
	cfg->max_cards = 10000;
	cfg->max_participants = 1000;
	cfg->idle_timeout = PROTO_SILENT_CLOSE;
	cfg->queue_cap = 4 * 1024 * 1024;
	cfg->replay_max = 100000;
	cfg->log_level = LOG_LVL_INFO;
	cfg->log_target = LOG_TO_STDERR;
	cfg->socket_mode = -1;
}

/* Parse an octal mode as chmod takes it ("660", "0660"); -1 if bad. */
static int
parse_mode(const char *s)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v > 0777)
		return -1;
	return (int)v;
}

/* Release what the options allocated. */
static void
config_free(struct server_config *cfg)
{
	size_t	i;

	for (i = 0; i < cfg->nlisten; i++)
		free(cfg->listen[i]);
	for (i = 0; i < cfg->ntls_listen; i++)
		free(cfg->tls_listen[i]);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->socket_group);
	free(cfg->socket_path);
	free(cfg->data_dir);
	free(cfg->key_file);
	free(cfg->log_file);
	free(cfg->upstream);
	free(cfg->upstream_pin);
}

/*
 * The fatal path's hook: the message also goes where the log goes (a file,
 * syslog), where an operator looks; fatalx prints it on stderr itself.
 */
static void
server_fatal_hook(const char *msg)
{
	if (log_get_target() != LOG_TO_STDERR)
		log_error("fatal: %s", msg);
}

/*
 * The allocator gives large blocks back to the system when they are freed
 * (glibc): a catch-up's output is one block of the state's size, and with
 * glibc's sliding threshold a storm of them would come from the heap and
 * stay there after every client has left (issue 9.10).
 */
static void
server_malloc_setup(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, SERVER_MMAP_THRESHOLD);
#endif
}

/* True if the host of an --upstream HOST[:PORT] is written as loopback. */
static bool
relay_loopback(const char *spec)
{
	char	host[256];
	int	port;

	return hostport_split(spec, 0, host, sizeof host, &port) == 0 &&
	    hostport_loopback_name(host);
}

/*
 * The relay's options hang together: --tls, --pin and --insecure go with
 * --upstream, TLS with a pin (a relay has nobody to ask whether to trust
 * a certificate), the key it presents given, and never in clear beyond
 * loopback unless --insecure says so.  0, or -1 said on stderr.
 */
static int
relay_options_ok(const struct server_config *cfg)
{
	uint8_t	fp[FINGERPRINT_LEN];

	if (cfg->upstream == NULL) {
		if (cfg->upstream_tls || cfg->upstream_pin != NULL ||
		    cfg->upstream_insecure) {
			fprintf(stderr, "%s", _("cafeboard-server: --tls, --pin "
			    "and --insecure go with --upstream\n"));
			return -1;
		}
		return 0;
	}
	if (!cfg->key_file_given) {
		fprintf(stderr, "%s", _("cafeboard-server: a relay (--upstream) "
		    "presents the facilitator key of the board's server: give "
		    "it with --key-file\n"));
		return -1;
	}
	if (cfg->upstream_tls != (cfg->upstream_pin != NULL)) {
		fprintf(stderr, "%s", _("cafeboard-server: --tls and --pin go "
		    "together: a relay checks the certificate of the board's "
		    "server against the fingerprint that server prints at "
		    "start\n"));
		return -1;
	}
	if (cfg->upstream_pin != NULL &&
	    fingerprint_parse(cfg->upstream_pin, fp) != 0) {
		fprintf(stderr, _("cafeboard-server: --pin %s: expected a "
		    "SHA-256 fingerprint (32 bytes in hex, colons optional)\n"),
		    cfg->upstream_pin);
		return -1;
	}
	if (strchr(cfg->upstream, '/') == NULL && !cfg->upstream_tls &&
	    !cfg->upstream_insecure && !relay_loopback(cfg->upstream)) {
		fprintf(stderr, _("cafeboard-server: refused to send the "
		    "facilitator key in clear to %s: use --tls --pin (the "
		    "server's --tls-listen port), or --insecure on a network "
		    "you trust\n"), cfg->upstream);
		return -1;
	}
	return 0;
}

/* A refusal of the command line: the message, then 2 (the exit code). */
static int
opt_refuse(const char *msg)
{
	fprintf(stderr, "%s", msg);
	return 2;
}

/* Add one more --listen or --tls-listen; -1, or the exit code. */
static int
opt_listen(char **v, size_t *n, const char *opt, const char *arg)
{
	if (*n == SERVER_MAX_LISTEN) {
		fprintf(stderr, _("cafeboard-server: at most %d %s\n"),
		    SERVER_MAX_LISTEN, opt);
		return 2;
	}
	v[(*n)++] = xstrdup(arg);
	return -1;
}

/* Replace the string option *slot by arg. */
static void
opt_string(char **slot, const char *arg)
{
	free(*slot);
	*slot = xstrdup(arg);
}

/* One option of the command line: -1 when taken, else the exit code. */
static int
server_option(struct server_config *cfg, struct offline_opts *off, int ch,
    const char *arg)
{
	int	lvl;

	if (num_option(cfg, ch, arg))
		return -1;
	switch (ch) {
	case OPT_SOCKET:
		opt_string(&cfg->socket_path, arg);
		break;
	case OPT_LISTEN:
		return opt_listen(cfg->listen, &cfg->nlisten, "--listen", arg);
	case OPT_TLS_LISTEN:
		return opt_listen(cfg->tls_listen, &cfg->ntls_listen,
		    "--tls-listen", arg);
	case OPT_TLS_CERT:
		opt_string(&cfg->tls_cert, arg);
		break;
	case OPT_TLS_KEY:
		opt_string(&cfg->tls_key, arg);
		break;
	case OPT_SOCKET_MODE:
		if ((cfg->socket_mode = parse_mode(arg)) < 0) {
			fprintf(stderr, _("cafeboard-server: --socket-mode: "
			    "'%s' is not an octal mode such as 0660\n"), arg);
			return 2;
		}
		break;
	case OPT_SOCKET_GROUP:
		opt_string(&cfg->socket_group, arg);
		break;
	case OPT_DATA:
		opt_string(&cfg->data_dir, arg);
		break;
	case OPT_KEY_FILE:
		opt_string(&cfg->key_file, arg);
		cfg->key_file_given = true;
		break;
	case OPT_FSYNC:
		if (strcmp(arg, "always") == 0)
			cfg->fsync = EVLOG_SYNC_ALWAYS;
		else if (strcmp(arg, "batch") == 0)
			cfg->fsync = EVLOG_SYNC_BATCH;
		else if (strcmp(arg, "never") == 0)
			cfg->fsync = EVLOG_SYNC_NEVER;
		else
			return opt_refuse(_("cafeboard-server: --fsync: "
			    "always, batch or never\n"));
		break;
	case OPT_LOG_LEVEL:
		if ((lvl = log_level_parse(arg)) < 0)
			return opt_refuse(_("cafeboard-server: --log-level: "
			    "error, warn, info or debug\n"));
		cfg->log_level = (enum log_level)lvl;
		break;
	case OPT_LOG_FILE:
		opt_string(&cfg->log_file, arg);
		cfg->log_target = LOG_TO_FILE;
		break;
	case OPT_SYSLOG:
		cfg->log_target = LOG_TO_SYSLOG;
		break;
	case OPT_UPSTREAM:
		opt_string(&cfg->upstream, arg);
		break;
	case OPT_TLS:
		cfg->upstream_tls = true;
		break;
	case OPT_PIN:
		opt_string(&cfg->upstream_pin, arg);
		break;
	case OPT_INSECURE:
		cfg->upstream_insecure = true;
		break;
	case OPT_FROM:
		off->from = arg;
		break;
	case OPT_FORMAT:
		off->format = arg;
		break;
	case 'o':
		off->output = arg;
		break;
	case OPT_BOM:
		off->bom = true;
		break;
	case OPT_REPAIR:
		off->repair = true;
		break;
	case 'h':
		usage(stdout);
		return 0;
	case OPT_VERSION:
		printf(_("cafeboard-server %s (protocol %d)\n"), CB_VERSION,
		    PROTO_VERSION);
		return 0;
	default:
		usage(stderr);
		return 2;
	}
	return -1;
}

/* The defaults that depend on other options, and the options that go
 * together; -1 to go on, else the exit code. */
static int
config_finish(struct server_config *cfg)
{
	if (cfg->data_dir == NULL)
		cfg->data_dir = paths_default_data();
	if (cfg->key_file == NULL)
		xasprintf(&cfg->key_file, "%s/facilitator.key", cfg->data_dir);
	if (cfg->socket_path == NULL)
		cfg->socket_path = paths_default_socket();
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
		return opt_refuse(_("cafeboard-server: --tls-cert and "
		    "--tls-key go together\n"));
	if (relay_options_ok(cfg) != 0)
		return 2;
	return -1;
}

/* The server, or the offline command argv names; the exit code. */
static int
server_dispatch(struct server_config *cfg, struct offline_opts *off,
    int argc, char **argv)
{
	if (argc > 0 && cfg->upstream != NULL)
		return opt_refuse(_("cafeboard-server: a relay (--upstream) "
		    "keeps no board: the commands run where the board is\n"));
	if (argc > 0)
		return offline_main(cfg, off, argc, argv);
	if (off->from != NULL || off->format != NULL || off->output != NULL ||
	    off->bom || off->repair)
		return opt_refuse(_("cafeboard-server: --from, --format, "
		    "--output, --bom and --repair go with a command\n"));
	return server_run(cfg);
}

/* Entry point: the options, the log, then the server or a command. */
int
main(int argc, char **argv)
{
	struct server_config	 cfg;
	struct offline_opts	 off;
	int			 ch, rc = -1;

	server_malloc_setup();
	i18n_locale_init();
	i18n_init();
	config_defaults(&cfg);
	memset(&off, 0, sizeof off);
	while (rc < 0 && (ch = getopt_long(argc, argv, "ho:", long_options,
	    NULL)) != -1)
		rc = server_option(&cfg, &off, ch, optarg);
	if (rc < 0)
		rc = config_finish(&cfg);
	if (rc >= 0) {
		config_free(&cfg);
		return rc;
	}
	if (log_open("cafeboard-server", cfg.log_level, cfg.log_target,
	    cfg.log_file) != 0) {
		fprintf(stderr, _("cafeboard-server: cannot open %s\n"),
		    cfg.log_file);
		config_free(&cfg);
		return 1;
	}
	xmalloc_set_fatal_hook(server_fatal_hook);
	rc = server_dispatch(&cfg, &off, argc - optind, argv + optind);
	log_close();
	config_free(&cfg);
	return rc;
}
