/*
 * test_connect.c -- how a client reaches the server, end to end: TLS with
 * a pinned or remembered certificate, plain text refused on the TLS port,
 * the facilitator key never in clear beyond loopback, the socket's mode
 * and group, connection problems explained on screen, a forced board that
 * waits without showing any other, and terminal types the host lacks.
 *
 * Real cafeboard-server processes on private sockets and 127.0.0.1 ports;
 * real clients in a private tmux (tests/tui-harness.h).  Needs CB_SERVER
 * and CB_CLIENT (make check sets them).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctype.h>
#include <dirent.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsupport.h"
#include "tui-harness.h"

#include "../client/client.h"
#include "fingerprint.h"

#define BOARD_TEXT \
	"title: Caf\xc3\xa9 test\n" \
	"question: Comment garantir une bonne orientation des publics ?\n"

static struct tui T;
static int	  tls_port;

/* Every TUI test: a directory, a tmux server. */
static void
conn_setup(void)
{
	tui_init(&T);
	tls_port = 0;
}

/* Every TUI test, even a failed one: kill what it started. */
static void
conn_teardown(void)
{
	tui_fini(&T);
}

TestSuite(connect, .init = conn_setup, .fini = conn_teardown,
    .timeout = 180);

/* Start the server on our socket and data with extra arguments. */
static void
server_start(const char *extra1, const char *extra2, const char *extra3,
    const char *extra4)
{
	char	 log[300];
	char	*argv[16] = { (char *)T.server_bin, "--socket", T.sock,
	    "--data", T.data, "--log-level", "debug" };
	int	 n = 7;

	if (extra1 != NULL)
		argv[n++] = (char *)extra1;
	if (extra2 != NULL)
		argv[n++] = (char *)extra2;
	if (extra3 != NULL)
		argv[n++] = (char *)extra3;
	if (extra4 != NULL)
		argv[n++] = (char *)extra4;
	argv[n] = NULL;
	snprintf(log, sizeof log, "%s/server.log", T.dir);
	unlink(T.sock);
	T.server = tui_spawn(argv, log);
	tui_wait_file(T.sock);
	tui_wait_file(T.key);
}

/* A server with a TLS listener on a free loopback port. */
static void
server_tls(void)
{
	char	spec[64];

	tls_port = ts_free_port();
	snprintf(spec, sizeof spec, "127.0.0.1:%d", tls_port);
	server_start("--tls-listen", spec, NULL, NULL);
}

/* The SHA-256 fingerprint of a PEM certificate, computed here. */
static void
cert_fingerprint(const char *path, char *fp)
{
	FILE		*f = fopen(path, "r");
	X509		*x;
	uint8_t		 md[EVP_MAX_MD_SIZE];
	unsigned	 n = 0;

	cr_assert_not_null(f, "no certificate %s", path);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert_not_null(x);
	cr_assert(X509_digest(x, EVP_sha256(), md, &n) && n == 32);
	X509_free(x);
	fingerprint_format(md, fp);
}

/* The fingerprint of our server's certificate. */
static void
server_fingerprint(char *fp)
{
	char	path[300];

	snprintf(path, sizeof path, "%s/tls-cert.pem", T.data);
	cert_fingerprint(path, fp);
}

/*
 * True if the screen shows fingerprint fp: on one line, or cut in two
 * halves at a colon when the screen is narrow.
 */
static bool
shows_fp(const char *screen, const char *fp)
{
	char	first[FINGERPRINT_TEXT];

	if (strstr(screen, fp) != NULL)
		return true;
	snprintf(first, sizeof first, "%.*s", FINGERPRINT_TEXT / 2 - 1, fp);
	return strstr(screen, first) != NULL &&
	    strstr(screen, fp + FINGERPRINT_TEXT / 2) != NULL;
}

/* Run a client command line in a shell, capturing all its output. */
static int
client_cmd(char **out, const char *fmt, ...)
{
	char	 cmd[2048];
	char	*argv[] = { "sh", "-c", cmd, NULL };
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return ts_command(out, TUI_DEADLINE_MS, argv);
}

/* Send op and wait for its event; its seq. */
static uint64_t
apply(struct tclient *c, const struct proto_op *op)
{
	struct proto_msg	m;
	uint64_t		seq;

	cr_assert_eq(tclient_wait_op(c, tclient_op(c, op), &m, TS_TIMEOUT_MS),
	    1, "op %d refused", op->kind);
	seq = m.u.event.seq;
	proto_msg_free(&m);
	return seq;
}

/* A card written on board by a raw client on our socket, as the facilitator. */
static void
write_card(const char *board, const char *text)
{
	struct tserver	 s;
	struct tclient	 c;
	uint64_t	 table;
	FILE		*f;
	char		 key[PROTO_KEY_MAX + 2] = "";

	memset(&s, 0, sizeof s);
	snprintf(s.sock, sizeof s.sock, "%.*s", (int)sizeof s.sock - 1,
	    T.sock);
	cr_assert_not_null(f = fopen(T.key, "r"));
	cr_assert_not_null(fgets(key, sizeof key, f));
	fclose(f);
	key[strcspn(key, "\n")] = '\0';
	cr_assert_eq(tclient_connect(&c, &s, false), 0);
	cr_assert_eq(tclient_join(&c, board, "Fanny", NULL, key), 0);
	table = apply(&c, &TADD("Une table de plus ?"));
	apply(&c, &PHASE(PHASE_IDEAS));
	apply(&c, &SIT(table, 0));
	apply(&c, &ADD(table, text, 0));
	tclient_close(&c);
}

/* ------------------------------------------------------------ units */

Test(fingerprint, read_as_openssl_prints_it_with_colons_and_case_optional)
{
	uint8_t	md[32], back[32];
	char	text[FINGERPRINT_TEXT], loose[160];
	size_t	i, k = 0;

	for (i = 0; i < sizeof md; i++)
		md[i] = (uint8_t)(i * 37 + 5);
	fingerprint_format(md, text);
	cr_assert_eq(strlen(text), 95);
	cr_assert_eq(text[2], ':');
	cr_assert_eq(fingerprint_parse(text, back), 0);
	cr_assert_eq(memcmp(md, back, sizeof md), 0);
	/* As `openssl x509 -fingerprint -sha256` prints it. */
	snprintf(loose, sizeof loose, "sha256 Fingerprint=%s", text);
	cr_assert(fingerprint_same(loose, text));
	/* Lower case without colons. */
	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] != ':')
			loose[k++] = (char)tolower((unsigned char)text[i]);
	}
	loose[k] = '\0';
	cr_assert(fingerprint_same(loose, text));
	/* One byte short, one too many, an odd digit, not hex. */
	loose[62] = '\0';
	cr_assert_neq(fingerprint_parse(loose, back), 0);
	cr_assert_neq(fingerprint_parse("AB:CD", back), 0);
	snprintf(loose, sizeof loose, "%s:00", text);
	cr_assert_neq(fingerprint_parse(loose, back), 0);
	snprintf(loose, sizeof loose, "%s", text);
	loose[4] = 'G';
	cr_assert_neq(fingerprint_parse(loose, back), 0);
	snprintf(loose, sizeof loose, "A%s", text + 1);
	cr_assert(!fingerprint_same(loose, text));
}

Test(dial, an_address_is_told_from_a_name)
{
	cr_assert(dial_is_address("192.0.2.1"));
	cr_assert(dial_is_address("2001:db8::1"));
	cr_assert(!dial_is_address("cafe.example"));
}

/* ------------------------------------------------------------ TLS */

Test(connect, the_certificate_is_made_once_and_its_fingerprint_printed_at_every_start)
{
	char		*out = NULL, *log, fp[FINGERPRINT_TEXT], spec[64];
	char		 cert[300], key[300], logf[300];
	struct stat	 st;
	int		 busy, port, rc, i;
	struct sockaddr_in sin;
	socklen_t	 len = sizeof sin;

	/*
	 * The TLS port is taken: the server makes or loads its certificate,
	 * prints the fingerprint, then fails to listen and exits.
	 */
	busy = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(busy, (struct sockaddr *)&sin, sizeof sin), 0);
	cr_assert_eq(listen(busy, 1), 0);
	getsockname(busy, (struct sockaddr *)&sin, &len);
	port = ntohs(sin.sin_port);
	snprintf(spec, sizeof spec, "127.0.0.1:%d", port);
	snprintf(cert, sizeof cert, "%s/tls-cert.pem", T.data);
	snprintf(key, sizeof key, "%s/tls-key.pem", T.data);
	snprintf(logf, sizeof logf, "%s/s.log", T.dir);
	for (i = 0; i < 2; i++) {
		char *argv[] = { (char *)T.server_bin, "--data", T.data,
		    "--socket", "", "--tls-listen", spec, "--log-file", logf,
		    NULL };

		rc = ts_command(&out, TUI_DEADLINE_MS, argv);
		cr_assert_eq(rc, 1, "%s", out);
		cert_fingerprint(cert, fp);
		cr_assert_not_null(strstr(out, fp), "start %d: %s", i, out);
		cr_assert_eq(strstr(out, "a new TLS certificate") != NULL,
		    i == 0, "%s", out);
		free(out);
	}
	close(busy);
	cr_assert_eq(stat(key, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	log = NULL;
	{
		char *argv[] = { "cat", logf, NULL };

		ts_run(&log, argv);
	}
	cr_assert_eq(tui_count(log, fp), 2, "%s", log);
	free(log);
	/* The administrator's certificate needs its key. */
	{
		char *argv[] = { (char *)T.server_bin, "--data", T.data,
		    "--tls-cert", cert, "--tls-listen", spec, NULL };

		cr_assert_eq(ts_command(&out, TUI_DEADLINE_MS, argv), 2);
		cr_assert_not_null(strstr(out, "go together"), "%s", out);
		free(out);
	}
}

Test(connect, plain_text_to_the_tls_port_is_refused)
{
	struct tclient	 c;
	struct tserver	 s;
	uint8_t		*frame = NULL;
	size_t		 len = 0;
	char		*log;
	int		 r;

	server_tls();
	memset(&s, 0, sizeof s);
	s.port = tls_port;
	cr_assert_eq(tclient_connect(&c, &s, true), 0);
	cr_assert_eq(tclient_hello(&c, "cafe", "Anne", NULL, NULL, 0), 0);
	/* No frame of the protocol comes back: the connection ends. */
	r = tclient_recv_frame(&c, &frame, &len, TS_TIMEOUT_MS);
	cr_assert_eq(r, -1, "a plain HELLO got an answer on the TLS port");
	free(frame);
	tclient_close(&c);
	/* The server goes on serving. */
	log = NULL;
	{
		char path[300], *argv[] = { "cat", path, NULL };

		snprintf(path, sizeof path, "%s/server.log", T.dir);
		ts_run(&log, argv);
	}
	cr_assert_not_null(strstr(log, "(TLS)"), "%s", log);
	free(log);
	cr_assert(tui_alive(T.server));
}

Test(connect, export_over_tls_with_the_pin_and_not_without_it)
{
	char	 fp[FINGERPRINT_TEXT], loose[160], *out = NULL;
	size_t	 i, k = 0;

	tui_board(&T, "cafe", BOARD_TEXT);
	server_tls();
	server_fingerprint(fp);
	write_card("cafe", "Une id\xc3\xa9" "e chiffr\xc3\xa9" "e");

	/* The pin as the server printed it. */
	cr_assert_eq(client_cmd(&out, "XDG_CONFIG_HOME='%s/cfg' '%s' export "
	    "--connect 127.0.0.1:%d --tls --pin '%s' --board cafe --format "
	    "csv --key-file '%s'", T.dir, T.client_bin, tls_port, fp, T.key),
	    0, "%s", out);
	cr_assert_not_null(strstr(out, "Une id\xc3\xa9" "e chiffr\xc3\xa9"),
	    "%s", out);
	free(out);

	/* Lower case, no colons: the same pin. */
	for (i = 0; fp[i] != '\0'; i++) {
		if (fp[i] != ':')
			loose[k++] = (char)tolower((unsigned char)fp[i]);
	}
	loose[k] = '\0';
	cr_assert_eq(client_cmd(&out, "XDG_CONFIG_HOME='%s/cfg' '%s' export "
	    "--connect 127.0.0.1:%d --pin %s --board cafe --format md "
	    "--key-file '%s'", T.dir, T.client_bin, tls_port, loose, T.key),
	    0, "%s", out);
	free(out);

	/* Another pin: refused, both fingerprints shown. */
	loose[0] = loose[0] == '0' ? '1' : '0';
	cr_assert_eq(client_cmd(&out, "XDG_CONFIG_HOME='%s/cfg' '%s' export "
	    "--connect 127.0.0.1:%d --tls --pin %s --board cafe --format csv "
	    "--key-file '%s'", T.dir, T.client_bin, tls_port, loose, T.key),
	    1, "%s", out);
	cr_assert_not_null(strstr(out, fp), "%s", out);
	cr_assert_not_null(strstr(out, "another certificate"), "%s", out);
	cr_assert_null(strstr(out, "chiffr"), "%s", out);
	free(out);

	/* No pin and nothing remembered: refused, the fingerprint shown. */
	cr_assert_eq(client_cmd(&out, "XDG_CONFIG_HOME='%s/cfg' '%s' export "
	    "--connect 127.0.0.1:%d --tls --board cafe --format csv "
	    "--key-file '%s'", T.dir, T.client_bin, tls_port, T.key), 1,
	    "%s", out);
	cr_assert_not_null(strstr(out, "never seen"), "%s", out);
	cr_assert_not_null(strstr(out, fp), "%s", out);
	free(out);

	/* A TLS client on a port in clear is told why it fails. */
	cr_assert_eq(client_cmd(&out, "'%s' export --socket '%s' --board cafe "
	    "--format csv --key-file '%s' >/dev/null && echo socket-ok",
	    T.client_bin, T.sock, T.key), 0, "%s", out);
	free(out);
}

Test(connect, trust_on_first_use_asks_once_then_enforces)
{
	char	 fp[FINGERPRINT_TEXT], args[512], path[300], *s, *known;
	FILE	*f;

	tui_board(&T, "cafe", BOARD_TEXT);
	server_tls();
	server_fingerprint(fp);
	snprintf(args, sizeof args, "--connect 127.0.0.1:%d --tls --board "
	    "cafe --name Anne", tls_port);
	snprintf(path, sizeof path, "XDG_CONFIG_HOME='%s/cfg' ", T.dir);

	/* First time: the fingerprint, a question; nothing joined yet. */
	tui_client_env(&T, "first", path, args);
	free(tui_wait(&T, "first", "never seen"));
	s = tui_wait(&T, "first", "y: trust it");
	cr_assert(shows_fp(s, fp), "%s", s);
	free(s);
	tui_keys(&T, "first", "y", NULL);
	free(tui_wait(&T, "first", "(your table)"));
	snprintf(path, sizeof path, "%s/cfg/cafeboard/known_servers", T.dir);
	{
		char *argv[] = { "cat", path, NULL };

		known = NULL;
		ts_run(&known, argv);
	}
	cr_assert_not_null(strstr(known, fp), "%s", known);
	free(known);

	/* Remembered: the next client joins without a question. */
	snprintf(path, sizeof path, "XDG_CONFIG_HOME='%s/cfg' ", T.dir);
	snprintf(args, sizeof args, "--connect 127.0.0.1:%d --tls --board "
	    "cafe --name Bruno", tls_port);
	tui_client_env(&T, "second", path, args);
	s = tui_wait(&T, "second", "(your table)");
	free(s);

	/* Another certificate under the same name: refused, both shown. */
	snprintf(path, sizeof path, "%s/cfg/cafeboard/known_servers", T.dir);
	cr_assert_not_null(f = fopen(path, "w"));
	fprintf(f, "127.0.0.1:%d 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:"
	    "FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\n", tls_port);
	fclose(f);
	snprintf(path, sizeof path, "XDG_CONFIG_HOME='%s/cfg' ", T.dir);
	snprintf(args, sizeof args, "--connect 127.0.0.1:%d --tls --board "
	    "cafe --name Chloe", tls_port);
	tui_client_env(&T, "third", path, args);
	free(tui_wait(&T, "third", "another"));
	s = tui_wait(&T, "third", "q: quit");
	cr_assert(shows_fp(s, "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:"
	    "FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"), "%s", s);
	cr_assert(shows_fp(s, fp), "%s", s);
	cr_assert_null(strstr(s, "(your table)"), "%s", s);
	free(s);
	tui_end(&T);
}

Test(connect, a_wrong_pin_on_screen_shows_both_fingerprints)
{
	char	fp[FINGERPRINT_TEXT], args[512], *s;

	tui_board(&T, "cafe", BOARD_TEXT);
	server_tls();
	server_fingerprint(fp);
	snprintf(args, sizeof args, "--connect 127.0.0.1:%d --board cafe "
	    "--name Anne --pin AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:"
	    "99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99", tls_port);
	tui_client(&T, "p", args);
	free(tui_wait(&T, "p", "Refused"));
	s = tui_wait(&T, "p", "q: quit");
	cr_assert(shows_fp(s, fp), "%s", s);
	cr_assert(shows_fp(s, "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:"
	    "99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"), "%s", s);
	free(s);
	/* The right one joins. */
	snprintf(args, sizeof args, "--connect 127.0.0.1:%d --board cafe "
	    "--name Bruno --pin '%s'", tls_port, fp);
	tui_client(&T, "q", args);
	free(tui_wait(&T, "q", "(your table)"));
	tui_end(&T);
}

/* ------------------------------------------------------------ the key */

Test(connect, the_key_never_goes_in_clear_beyond_loopback)
{
	char	*out = NULL;

	/*
	 * An address beyond loopback is refused before any packet; the
	 * command runs in a network namespace of its own when it can, so
	 * that even a broken check sends nothing out.
	 */
	cr_assert_eq(client_cmd(&out, "touch '%s/k'; chmod 600 '%s/k'; "
	    "echo secret > '%s/k'; u=; unshare -n true 2>/dev/null && "
	    "u='unshare -n'; $u '%s' export --connect 192.0.2.1 --board cafe "
	    "--format md --key-file '%s/k'", T.dir, T.dir, T.dir,
	    T.client_bin, T.dir), 2, "%s", out);
	cr_assert_not_null(strstr(out, "in clear"), "%s", out);
	free(out);
	/* Loopback in clear is fine. */
	tui_board(&T, "cafe", BOARD_TEXT);
	{
		char	spec[64];
		int	port = ts_free_port();

		snprintf(spec, sizeof spec, "127.0.0.1:%d", port);
		server_start("--listen", spec, NULL, NULL);
		cr_assert_eq(client_cmd(&out, "'%s' export --connect %s "
		    "--board cafe --format md --key-file '%s'", T.client_bin,
		    spec, T.key), 0, "%s", out);
		free(out);
	}
}

/*
 * In a network namespace of the test's own, with a documentation address
 * on its loopback interface: a server listening there in clear is warned
 * about, and a client given a host name for it (from a hosts file of the
 * namespace) refuses to send the key at connect time, unless --insecure.
 */
Test(connect, a_name_beyond_loopback_gets_no_key_in_clear)
{
	char	*out = NULL, hosts[300];
	FILE	*f;

	if (geteuid() != 0 || system("unshare -n -m true 2>/dev/null") != 0)
		cr_skip_test("needs root and unshare -n -m (network "
		    "namespaces)");
	tui_board(&T, "cafe", BOARD_TEXT);
	snprintf(hosts, sizeof hosts, "%s/hosts", T.dir);
	cr_assert_not_null(f = fopen(hosts, "w"));
	fputs("127.0.0.1 localhost\n192.0.2.7 cafe-server\n", f);
	fclose(f);
	cr_assert_eq(client_cmd(&out,
	    "unshare -n -m sh -c '"
	    "ip link set lo up && ip addr add 192.0.2.7/32 dev lo && "
	    "mount --bind %s /etc/hosts && "
	    "(%s --socket %s --data %s --listen 192.0.2.7:7117 "
	    "--log-file %s/ns.log & echo $! > %s/ns.pid) && "
	    "i=0; while ! grep -q ready %s/ns.log 2>/dev/null; do "
	    "i=$((i+1)); [ $i -gt 400 ] && exit 9; sleep 0.05; done; "
	    "%s export --connect cafe-server --board cafe --format csv "
	    "--key-file %s; echo rc=$?; "
	    "%s export --connect cafe-server --board cafe --format csv "
	    "--key-file %s --insecure >/dev/null; echo insecure=$?; "
	    "kill $(cat %s/ns.pid)'", hosts, T.server_bin, T.sock, T.data,
	    T.dir, T.dir, T.dir, T.client_bin, T.key, T.client_bin, T.key,
	    T.dir), 0, "%s", out);
	cr_assert_not_null(strstr(out, "Refused to send the facilitator key "
	    "in clear"), "%s", out);
	cr_assert_not_null(strstr(out, "rc=1"), "%s", out);
	cr_assert_not_null(strstr(out, "insecure=0"), "%s", out);
	free(out);
	{
		char path[300], *argv[] = { "cat", path, NULL };

		snprintf(path, sizeof path, "%s/ns.log", T.dir);
		ts_run(&out, argv);
	}
	cr_assert_not_null(strstr(out, "is not encrypted"), "%s", out);
	free(out);
}

/* ------------------------------------------------------------ errors */

Test(connect, a_missing_socket_is_explained_on_screen)
{
	char	 args[512], *s;

	snprintf(args, sizeof args, "--board cafe --name Anne");
	/* tui_client gives --socket T.sock: no server made it. */
	tui_client(&T, "p", args);
	s = tui_wait(&T, "p", "No cafeboard server is listening");
	cr_assert_not_null(strstr(s, T.sock), "%s", s);
	cr_assert_null(strstr(s, "reconnecting"), "%s", s);
	free(s);
	/* It tries again by itself: the server comes, the board shows. */
	tui_board(&T, "cafe", BOARD_TEXT);
	server_start(NULL, NULL, NULL, NULL);
	free(tui_wait(&T, "p", "(your table)"));
	tui_end(&T);
}

/*
 * A client run as nobody: the socket's mode decides, with the server's
 * --socket-mode and --socket-group.
 */
static void
client_as_nobody(const char *win, const char *args)
{
	char	cmd[1024];

	snprintf(cmd, sizeof cmd, "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "setpriv --reuid=65534 --regid=65534 --clear-groups "
	    "'%s' --socket '%s' %s", T.client_bin, T.sock, args);
	if (!T.session) {
		cr_assert_eq(tui_tmux(&T, NULL, "new-session", "-d", "-s", "cb",
		    "-n", win, "-x", "100", "-y", "30", cmd, NULL), 0);
		T.session = true;
	} else
		cr_assert_eq(tui_tmux(&T, NULL, "new-window", "-d", "-t", "cb:",
		    "-n", win, cmd, NULL), 0);
}

Test(connect, the_socket_mode_and_group_decide_who_joins)
{
	char	*s;

	if (geteuid() != 0)
		cr_skip_test("needs root (to run a client as nobody)");
	if (access(T.client_bin, X_OK) != 0 || system("setpriv --version "
	    ">/dev/null 2>&1") != 0)
		cr_skip_test("needs setpriv");
	/* nobody must reach the socket's directory, not the data. */
	cr_assert_eq(chmod(T.dir, 0755), 0);
	tui_board(&T, "cafe", BOARD_TEXT);
	server_start(NULL, NULL, NULL, NULL);
	client_as_nobody("denied", "--board cafe --name Anne");
	s = tui_wait(&T, "denied", "Permission denied");
	cr_assert_not_null(strstr(s, T.sock), "%s", s);
	cr_assert_not_null(strstr(s, "--socket-group"), "%s", s);
	free(s);

	tui_server_stop(&T, SIGTERM);
	server_start("--socket-mode", "0660", "--socket-group", "nogroup");
	{
		struct stat st;

		cr_assert_eq(stat(T.sock, &st), 0);
		cr_assert_eq(st.st_mode & 0777, 0660);
		cr_assert_eq(st.st_gid, 65534);
	}
	/* The denied client retries by itself and gets in. */
	free(tui_wait(&T, "denied", "(your table)"));
	tui_end(&T);
}

Test(connect, a_refused_tcp_port_is_explained_on_screen)
{
	char	args[256], *s;
	int	port = ts_free_port();

	snprintf(args, sizeof args, "--connect 127.0.0.1:%d --board cafe "
	    "--name Anne", port);
	tui_client(&T, "p", args);
	s = tui_wait(&T, "p", "refused the connection");
	cr_assert_not_null(strstr(s, "127.0.0.1:"), "%s", s);
	free(s);
	tui_end(&T);
}

/* ------------------------------------------------------------ the board */

Test(connect, a_forced_board_not_open_waits_and_shows_no_other)
{
	struct tserver	 s;
	struct tclient	 c;
	char		*scr;

	tui_board(&T, "autre", "title: Atelier secret\nquestion: Qui ?\n");
	server_start(NULL, NULL, NULL, NULL);
	tui_client(&T, "p", "--board cafe --name Eve");
	scr = tui_wait(&T, "p", "Waiting for the board");
	cr_assert_not_null(strstr(scr, "cafe"), "%s", scr);
	cr_assert_null(strstr(scr, "autre"), "%s", scr);
	cr_assert_null(strstr(scr, "secret"), "%s", scr);
	cr_assert_null(strstr(scr, "Board "), "%s", scr);
	free(scr);
	/* Typing a board's name does nothing: there is no field. */
	tui_type(&T, "p", "autre");
	tui_keys(&T, "p", "Enter", NULL);
	scr = tui_wait(&T, "p", "Waiting for the board");
	cr_assert_null(strstr(scr, "autre"), "%s", scr);
	free(scr);

	/* The facilitator opens it (a key's HELLO creates it). */
	memset(&s, 0, sizeof s);
	snprintf(s.sock, sizeof s.sock, "%.*s", (int)sizeof s.sock - 1,
	    T.sock);
	cr_assert_eq(tclient_connect(&c, &s, false), 0);
	{
		char	 key[PROTO_KEY_MAX + 2] = "";
		FILE	*f = fopen(T.key, "r");

		cr_assert_not_null(f);
		cr_assert_not_null(fgets(key, sizeof key, f));
		fclose(f);
		key[strcspn(key, "\n")] = '\0';
		cr_assert_eq(tclient_join(&c, "cafe", "Fanny", NULL, key), 0);
	}
	free(tui_wait(&T, "p", "connected"));
	tclient_close(&c);
	tui_end(&T);
}

/* ------------------------------------------------------------ terminals */

Test(connect, a_terminal_type_the_host_lacks_falls_back)
{
	char	*s;

	static const char *const terms[] = {
		"xterm-kitty", "xterm-ghostty", "alacritty", "foot",
	};
	const char	*term = NULL;
	char		 env[64], cmd[128];
	size_t		 i;

	/* The first of the terminals people have that this host lacks. */
	for (i = 0; i < sizeof terms / sizeof terms[0] && term == NULL; i++) {
		snprintf(cmd, sizeof cmd, "infocmp %s >/dev/null 2>&1",
		    terms[i]);
		if (system(cmd) != 0)
			term = terms[i];
	}
	if (term == NULL)
		cr_skip_test("this host knows every terminal type tried");
	tui_board(&T, "cafe", BOARD_TEXT);
	server_start(NULL, NULL, NULL, NULL);
	snprintf(env, sizeof env, "TERM=%s ", term);
	tui_client_env(&T, "kitty", env, "--board cafe");
	free(tui_wait(&T, "kitty", "Type your first name"));
	s = tui_wait(&T, "kitty", "does not know the terminal type");
	cr_assert_not_null(strstr(s, term), "%s", s);
	cr_assert_not_null(strstr(s, "xterm-256color"), "%s", s);
	free(s);
	tui_type(&T, "kitty", "Katia");
	tui_keys(&T, "kitty", "Enter", NULL);
	free(tui_wait(&T, "kitty", "(your table)"));
	tui_end(&T);
}

/* ------------------------------------------------------------ local */

/* The pid of the process whose command line holds needle, or 0. */
static pid_t
pid_with_arg(const char *needle)
{
	DIR		*d = opendir("/proc");
	struct dirent	*e;
	char		 path[300], buf[4096];
	pid_t		 found = 0;
	size_t		 n, i;
	FILE		*f;

	if (d == NULL)
		return 0;
	while (found == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		for (i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		if (strstr(buf, needle) != NULL &&
		    strstr(buf, "cafeboard-server") != NULL)
			found = (pid_t)atol(e->d_name);
	}
	closedir(d);
	return found;
}

Test(connect, cafeboard_alone_still_starts_a_local_server)
{
	char	cmd[1400], rt[300], key[400];
	pid_t	spawned;

	/* No --socket, no --connect: the default socket, started if need be. */
	snprintf(rt, sizeof rt, "%s/xdg", T.dir);
	mkdir(rt, 0700);
	snprintf(rt, sizeof rt, "%s/rt", T.dir);
	mkdir(rt, 0700);
	snprintf(key, sizeof key, "%s/xdg/cafeboard/facilitator.key", T.dir);
	snprintf(cmd, sizeof cmd, "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "XDG_RUNTIME_DIR=%s XDG_DATA_HOME=%s/xdg CAFEBOARD_SERVER=%s %s "
	    "--board essai --name Anne --key-file %s", rt, T.dir,
	    T.server_bin, T.client_bin, key);
	cr_assert_eq(tui_tmux(&T, NULL, "new-session", "-d", "-s", "cb", "-n",
	    "p", "-x", "100", "-y", "30", cmd, NULL), 0);
	T.session = true;
	free(tui_wait(&T, "p", "connected"));
	spawned = pid_with_arg(rt);
	cr_assert_gt(spawned, 0, "no local server was started");
	tui_end(&T);
	kill(spawned, SIGTERM);
}

Test(connect, the_line_mode_too_waits_for_a_forced_board)
{
	char	*scr;

	tui_board(&T, "autre", "title: Atelier secret\nquestion: Qui ?\n");
	server_start(NULL, NULL, NULL, NULL);
	tui_client(&T, "p", "--plain --board cafe --name Eve");
	scr = tui_wait(&T, "p", "Waiting for the board");
	cr_assert_null(strstr(scr, "autre"), "%s", scr);
	free(scr);
	/* Opened by the facilitator: the line mode joins it. */
	tui_board(&T, "cafe", BOARD_TEXT);
	free(tui_wait(&T, "p", "Caf\xc3\xa9 test"));
	tui_end(&T);
}
