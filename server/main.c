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

/* Entry point. */
int
main(int argc, char **argv)
{
	struct server_config	 cfg;
	struct offline_opts	 off;
	int			 ch, lvl, rc;

	server_malloc_setup();
	i18n_locale_init();
	i18n_init();
	config_defaults(&cfg);
	memset(&off, 0, sizeof off);
	while ((ch = getopt_long(argc, argv, "ho:", long_options, NULL)) != -1) {
		switch (ch) {
		case OPT_SOCKET:
			free(cfg.socket_path);
			cfg.socket_path = xstrdup(optarg);
			break;
		case OPT_LISTEN:
			if (cfg.nlisten == SERVER_MAX_LISTEN) {
				fprintf(stderr, _("cafeboard-server: at most "
				    "%d --listen\n"), SERVER_MAX_LISTEN);
				return 2;
			}
			cfg.listen[cfg.nlisten++] = xstrdup(optarg);
			break;
		case OPT_TLS_LISTEN:
			if (cfg.ntls_listen == SERVER_MAX_LISTEN) {
				fprintf(stderr, _("cafeboard-server: at most "
				    "%d --tls-listen\n"), SERVER_MAX_LISTEN);
				return 2;
			}
			cfg.tls_listen[cfg.ntls_listen++] = xstrdup(optarg);
			break;
		case OPT_TLS_CERT:
			free(cfg.tls_cert);
			cfg.tls_cert = xstrdup(optarg);
			break;
		case OPT_TLS_KEY:
			free(cfg.tls_key);
			cfg.tls_key = xstrdup(optarg);
			break;
		case OPT_SOCKET_MODE:
			if ((cfg.socket_mode = parse_mode(optarg)) < 0) {
				fprintf(stderr, _("cafeboard-server: "
				    "--socket-mode: '%s' is not an octal mode "
				    "such as 0660\n"), optarg);
				return 2;
			}
			break;
		case OPT_SOCKET_GROUP:
			free(cfg.socket_group);
			cfg.socket_group = xstrdup(optarg);
			break;
		case OPT_DATA:
			free(cfg.data_dir);
			cfg.data_dir = xstrdup(optarg);
			break;
		case OPT_KEY_FILE:
			free(cfg.key_file);
			cfg.key_file = xstrdup(optarg);
			cfg.key_file_given = true;
			break;
		case OPT_FSYNC:
			if (strcmp(optarg, "always") == 0)
				cfg.fsync = EVLOG_SYNC_ALWAYS;
			else if (strcmp(optarg, "batch") == 0)
				cfg.fsync = EVLOG_SYNC_BATCH;
			else if (strcmp(optarg, "never") == 0)
				cfg.fsync = EVLOG_SYNC_NEVER;
			else {
				fprintf(stderr, "%s", _("cafeboard-server: "
				    "--fsync: always, batch or never\n"));
				return 2;
			}
			break;
		case OPT_SNAPSHOT_EVERY:
			cfg.snapshot_every = (uint32_t)opt_number(
			    "snapshot-every", optarg, false, UINT32_MAX);
			break;
		case OPT_OPS_PER_SEC:
			cfg.ops_per_sec = (double)opt_number("ops-per-sec",
			    optarg, false, 1000000);
			break;
		case OPT_OPS_BURST:
			cfg.ops_burst = (uint32_t)opt_number("ops-burst",
			    optarg, false, 1000000);
			break;
		case OPT_MAX_CONNS:
			cfg.max_conns = (uint32_t)opt_number("max-conns",
			    optarg, false, 1000000);
			break;
		case OPT_MAX_CONNS_PER_PEER:
			cfg.max_conns_per_peer = (uint32_t)opt_number(
			    "max-conns-per-peer", optarg, false, 1000000);
			break;
		case OPT_MAX_HELLO:
			cfg.max_hello = (uint32_t)opt_number("max-hello",
			    optarg, false, 1000000);
			break;
		case OPT_MAX_CARDS:
			cfg.max_cards = (uint32_t)opt_number("max-cards",
			    optarg, false, 10000000);
			break;
		case OPT_MAX_PARTICIPANTS:
			cfg.max_participants = (uint32_t)opt_number(
			    "max-participants", optarg, false, 1000000);
			break;
		case OPT_IDLE_TIMEOUT:
			cfg.idle_timeout = (uint32_t)opt_number("idle-timeout",
			    optarg, false, 86400);
			break;
		case OPT_QUEUE_CAP:
			cfg.queue_cap = (size_t)opt_number("queue-cap", optarg,
			    true, (uint64_t)1 << 34);
			break;
		case OPT_REPLAY_MAX:
			cfg.replay_max = (uint32_t)opt_number("replay-max",
			    optarg, false, 100000000);
			break;
		case OPT_LOG_LEVEL:
			if ((lvl = log_level_parse(optarg)) < 0) {
				fprintf(stderr, "%s", _("cafeboard-server: "
				    "--log-level: error, warn, info or "
				    "debug\n"));
				return 2;
			}
			cfg.log_level = (enum log_level)lvl;
			break;
		case OPT_LOG_FILE:
			free(cfg.log_file);
			cfg.log_file = xstrdup(optarg);
			cfg.log_target = LOG_TO_FILE;
			break;
		case OPT_SYSLOG:
			cfg.log_target = LOG_TO_SYSLOG;
			break;
		case OPT_UPSTREAM:
			free(cfg.upstream);
			cfg.upstream = xstrdup(optarg);
			break;
		case OPT_TLS:
			cfg.upstream_tls = true;
			break;
		case OPT_PIN:
			free(cfg.upstream_pin);
			cfg.upstream_pin = xstrdup(optarg);
			break;
		case OPT_INSECURE:
			cfg.upstream_insecure = true;
			break;
		case OPT_FROM:
			off.from = optarg;
			break;
		case OPT_FORMAT:
			off.format = optarg;
			break;
		case 'o':
			off.output = optarg;
			break;
		case OPT_BOM:
			off.bom = true;
			break;
		case OPT_REPAIR:
			off.repair = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf(_("cafeboard-server %s (protocol %d)\n"),
			    CB_VERSION, PROTO_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (cfg.data_dir == NULL)
		cfg.data_dir = paths_default_data();
	if (cfg.key_file == NULL)
		xasprintf(&cfg.key_file, "%s/facilitator.key", cfg.data_dir);
	if (cfg.socket_path == NULL)
		cfg.socket_path = paths_default_socket();
	if ((cfg.tls_cert == NULL) != (cfg.tls_key == NULL)) {
		fprintf(stderr, "%s", _("cafeboard-server: --tls-cert and "
		    "--tls-key go together\n"));
		config_free(&cfg);
		return 2;
	}
	if (relay_options_ok(&cfg) != 0) {
		config_free(&cfg);
		return 2;
	}

	if (log_open("cafeboard-server", cfg.log_level, cfg.log_target,
	    cfg.log_file) != 0) {
		fprintf(stderr, _("cafeboard-server: cannot open %s\n"),
		    cfg.log_file);
		return 1;
	}
	xmalloc_set_fatal_hook(server_fatal_hook);

	if (optind < argc && cfg.upstream != NULL) {
		fprintf(stderr, "%s", _("cafeboard-server: a relay (--upstream) "
		    "keeps no board: the commands run where the board is\n"));
		rc = 2;
	} else if (optind == argc) {
		if (off.from != NULL || off.format != NULL ||
		    off.output != NULL || off.bom || off.repair) {
			fprintf(stderr, "%s", _("cafeboard-server: --from, "
			    "--format, --output, --bom and --repair go with a "
			    "command\n"));
			rc = 2;
		} else
			rc = server_run(&cfg);
	} else
		rc = offline_main(&cfg, &off, argc - optind, argv + optind);
	log_close();
	config_free(&cfg);
	return rc;
}
