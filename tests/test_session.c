/*
 * test_session.c -- a facilitator's session as a room lives it: the local
 * server that cafeboard starts by itself (as tmux does) and that comes
 * back after every kill -9, names that survive restarts, and the command
 * line of `cafeboard export`.
 *
 * The clients run in a private tmux (tests/tui-harness.h) with no --socket:
 * their XDG directories point into the test's directory, so the socket,
 * the data and the server they start are the test's own (and no system
 * service's socket is tried: CAFEBOARD_SYSTEM_SOCKET is empty).  Such a
 * server is a grandchild that detached itself: the test process is made a
 * child subreaper, so that it becomes the test's child; the test finds it
 * by its command line, which names the test's private socket.  At the end,
 * even after a failure, every child left (a server, a client's fork on its
 * way to start one) is killed by pid and reaped.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

#include <dirent.h>
#include <locale.h>

/* The harness's helpers are static: this suite uses some of them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "proto.h"
#include "tsupport.h"
#include "tui-harness.h"
#pragma GCC diagnostic pop

#define SES_MAX_SERVERS	8

static struct tui	 T;
static char		 run_dir[200];	/* XDG_RUNTIME_DIR */
static char		 xdg_data[200];	/* XDG_DATA_HOME */
static char		 sock[240];	/* the clients' socket */
static char		 keyfile[240];	/* the servers' key */

/* Every test: a directory and a tmux server; we reap what detaches. */
static void
ses_setup(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	tui_init(&T);
	snprintf(run_dir, sizeof run_dir, "%s/run", T.dir);
	snprintf(xdg_data, sizeof xdg_data, "%s/xdg", T.dir);
	snprintf(sock, sizeof sock, "%s/cafeboard/server.sock", run_dir);
	snprintf(keyfile, sizeof keyfile, "%s/cafeboard/facilitator.key",
	    xdg_data);
	cr_assert_eq(mkdir(run_dir, 0700), 0);
	cr_assert_eq(mkdir(xdg_data, 0700), 0);
}

/*
 * The pids of the cafeboard-servers serving our socket (zombies left
 * out), at most max of them; how many.
 */
static int
ses_servers(pid_t *pids, int max)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[300], buf[4096];
	FILE		*f;
	size_t		 len, i;
	int		 n = 0;
	bool		 ours;

	cr_assert_not_null(d = opendir("/proc"));
	while ((de = readdir(d)) != NULL && n < max) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = '\0';
		/* argv: BIN --socket SOCK --log-file ... */
		ours = false;
		for (i = 0; i < len; i += strlen(buf + i) + 1) {
			if (strcmp(buf + i, "--socket") == 0 &&
			    i + 9 < len && strcmp(buf + i + 9, sock) == 0)
				ours = true;
		}
		if (ours && strstr(buf, "cafeboard-server") != NULL &&
		    tui_alive((pid_t)atol(de->d_name)))
			pids[n++] = (pid_t)atol(de->d_name);
	}
	closedir(d);
	return n;
}

/* The whole of a file (malloc'd). */
static char *
ses_read(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 len;

	cr_assert_not_null(f = fopen(path, "r"), "%s: %s", path,
	    strerror(errno));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	cr_assert_not_null(buf = malloc((size_t)len + 1));
	cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* Kill a server of ours with sig and reap it (we are its subreaper). */
static void
ses_kill(pid_t pid, int sig)
{
	int	status;
	int64_t	end = ts_now_ms() + TUI_DEADLINE_MS;

	kill(pid, sig);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		cr_assert_lt(ts_now_ms(), end, "server %ld never died",
		    (long)pid);
		tui_nap();
	}
}

/* The command line of process pid, NUL-separated, into buf; its length. */
static size_t
ses_cmdline(long pid, char *buf, size_t len)
{
	char	 path[64];
	FILE	*f;
	size_t	 n = 0;

	snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, len, f);
		fclose(f);
	}
	return n;
}

/*
 * Kill and reap every child of this process, until none is left: the
 * servers the clients started (ours, as subreaper), and whatever a dying
 * client was forking.  Forks of the test itself (tsupport's guards, which
 * remove a raw server's directory when the test dies) are left alone.
 */
static void
ses_kill_children(void)
{
	char	 path[64], buf[4096], self[512], other[512], *p, *end;
	FILE	*f;
	long	 pid;
	size_t	 ns, no;
	int	 status, quiet = 0, killed;
	int64_t	 deadline = ts_now_ms() + TUI_DEADLINE_MS;

	ns = ses_cmdline((long)getpid(), self, sizeof self);

	snprintf(path, sizeof path, "/proc/self/task/%ld/children",
	    (long)getpid());
	while (quiet < 3 && ts_now_ms() < deadline) {
		buf[0] = '\0';
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(buf, sizeof buf, f) == NULL)
				buf[0] = '\0';
			fclose(f);
		}
		killed = 0;
		for (p = buf; (pid = strtol(p, &end, 10)) > 0; p = end) {
			no = ses_cmdline(pid, other, sizeof other);
			if (no == ns && memcmp(other, self, ns) == 0)
				continue;
			kill((pid_t)pid, SIGKILL);
			killed++;
		}
		quiet = killed == 0 ? quiet + 1 : 0;
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
		tui_nap();
	}
}

/* Every test, even a failed one: the servers the clients started die. */
static void
ses_teardown(void)
{
	pid_t	pids[SES_MAX_SERVERS];
	int	n, i;

	tui_stop_clients(&T);
	n = ses_servers(pids, SES_MAX_SERVERS);
	for (i = 0; i < n; i++)
		ses_kill(pids[i], SIGKILL);
	ses_kill_children();
	tui_fini(&T);
}

TestSuite(session, .init = ses_setup, .fini = ses_teardown, .timeout = 240);

/*
 * A client in window win with no --socket: it finds (or starts) the local
 * server of the test's XDG directories.  env: more assignments.
 */
static void
ses_client(const char *win, const char *env, const char *args)
{
	char	cmd[3072];

	snprintf(cmd, sizeof cmd, "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "LANGUAGE= RUNTIME_DIRECTORY= STATE_DIRECTORY= "
	    "CAFEBOARD_SYSTEM_SOCKET= "
	    "XDG_RUNTIME_DIR='%s' XDG_DATA_HOME='%s' CAFEBOARD_SERVER='%s' "
	    "ASAN_OPTIONS=log_path='%s/asan' "
	    "UBSAN_OPTIONS=log_path='%s/ubsan':print_stacktrace=1 %s "
	    "'%s' --log-file '%s/%s.log' %s", run_dir, xdg_data,
	    T.server_bin, T.dir, T.dir, env, T.client_bin, T.dir, win, args);
	if (!T.session) {
		cr_assert_eq(tui_tmux(&T, NULL, "new-session", "-d", "-s",
		    "cb", "-n", win, "-x", "100", "-y", "30", cmd, NULL), 0);
		T.session = true;
	} else
		cr_assert_eq(tui_tmux(&T, NULL, "new-window", "-d", "-t",
		    "cb:", "-n", win, cmd, NULL), 0);
	if (T.nclients < 16) {
		char	 target[64], *out = NULL;

		snprintf(target, sizeof target, "cb:%s", win);
		tui_tmux(&T, &out, "display-message", "-p", "-t", target,
		    "#{pane_pid}", NULL);
		T.clients[T.nclients++] = (pid_t)atol(out);
		free(out);
	}
}

/* The one server of ours, once there is exactly one (waits for it). */
static pid_t
ses_one_server(pid_t not)
{
	pid_t	pids[SES_MAX_SERVERS];
	int64_t	end = ts_now_ms() + TUI_DEADLINE_MS;
	int	n;

	for (;;) {
		n = ses_servers(pids, SES_MAX_SERVERS);
		if (n == 1 && pids[0] != not)
			return pids[0];
		cr_assert_lt(ts_now_ms(), end, "%d servers on %s (want one "
		    "new one)", n, sock);
		tui_nap();
	}
}

/* Append s to the string in buf of len bytes, cutting what does not fit. */
static void
ses_append(char *buf, const char *s, size_t len)
{
	size_t	n = strlen(buf);

	snprintf(buf + n, len - n, "%s", s);
}

/* The names of those on[], sorted, comma-separated, into got. */
static void
ses_names(const bool *on, char names[][40], char *got, size_t len)
{
	const char	*order[64], *tmp;
	size_t		 k = 0, a, b;

	for (a = 0; a < 64; a++) {
		if (on[a])
			order[k++] = names[a];
	}
	for (a = 1; a < k; a++) {
		for (b = a; b > 0 && strcmp(order[b - 1], order[b]) > 0;
		    b--) {
			tmp = order[b];
			order[b] = order[b - 1];
			order[b - 1] = tmp;
		}
	}
	got[0] = '\0';
	for (a = 0; a < k; a++) {
		if (a > 0)
			ses_append(got, ",", len);
		ses_append(got, order[a], len);
	}
}

/*
 * The facilitator key of the test's local server, once the server has
 * written it whole (a line).
 */
static void
ses_key(char *key, size_t len)
{
	FILE	*f;
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
	bool	 whole = false;

	while (!whole) {
		cr_assert_lt(ts_now_ms(), end, "no key in %s", keyfile);
		if ((f = fopen(keyfile, "r")) != NULL) {
			whole = fgets(key, (int)len, f) != NULL &&
			    strchr(key, '\n') != NULL;
			fclose(f);
		}
		if (!whole)
			tui_nap();
	}
	key[strcspn(key, "\n")] = '\0';
}

/*
 * Who is online on board, as a fresh observer connection to the server
 * sees it: waits until the names online are exactly want (sorted,
 * comma-separated), connecting again while the server is not there yet.
 */
static void
ses_wait_online(const char *board, const char *want)
{
	struct tserver		 s;
	struct tclient		 c;
	struct proto_msg	 m;
	char			 key[PROTO_KEY_MAX + 2], names[64][40];
	char			 got[1024];
	bool			 on[64];
	int64_t			 end = ts_now_ms() + TUI_DEADLINE_MS;
	uint32_t		 p;
	int			 rc;

	memset(&s, 0, sizeof s);
	cr_assert_lt(strlen(sock), sizeof s.sock);
	memcpy(s.sock, sock, strlen(sock) + 1);
	ses_key(key, sizeof key);
again:
	cr_assert_lt(ts_now_ms(), end, "%s never online on %s", want, board);
	if (tclient_connect(&c, &s, false) != 0) {
		tclient_close(&c);
		tui_nap();
		goto again;
	}
	if (tclient_hello_flags(&c, board, "observer", NULL, key, 0, false,
	    true) != 0 || tclient_expect(&c, PROTO_READY, &m,
	    TUI_DEADLINE_MS) != 1) {
		tclient_close(&c);
		tui_nap();
		goto again;
	}
	proto_msg_free(&m);
	memset(on, 0, sizeof on);
	for (;;) {
		rc = tclient_recv(&c, &m, TUI_POLL_MS * 5);
		if (rc < 0) {
			tclient_close(&c);
			goto again;
		}
		if (rc == 1 && m.type == PROTO_PRESENCE &&
		    (p = m.u.presence.participant) < 64) {
			on[p] = m.u.presence.online;
			snprintf(names[p], sizeof names[p], "%s",
			    m.u.presence.name);
		}
		if (rc == 1)
			proto_msg_free(&m);
		ses_names(on, names, got, sizeof got);
		if (strcmp(got, want) == 0)
			break;
		cr_assert_lt(ts_now_ms(), end, "online on %s: \"%s\", want "
		    "\"%s\"", board, got, want);
	}
	tclient_close(&c);
}

Test(session, the_local_server_comes_back_after_every_kill)
{
	char	args[512], *log;
	pid_t	server;
	int	round;

	/*
	 * Three people on one machine, no --socket: the first start makes
	 * a server, and so does every kill -9 after it, for as long as the
	 * room goes on.  Exactly one server runs each time (the others
	 * wait for the one that holds the lock).
	 */
	snprintf(args, sizeof args, "--board demo --name Fanny --key-file "
	    "'%s'", keyfile);
	ses_client("fac", "", args);
	server = ses_one_server(0);
	ses_wait_online("demo", "Fanny");
	ses_client("anne", "", "--board demo --name Anne");
	ses_client("bob", "", "--board demo --name Bob");
	ses_wait_online("demo", "Anne,Bob,Fanny");
	for (round = 0; round < 3; round++) {
		ses_kill(server, SIGKILL);
		server = ses_one_server(server);
		ses_wait_online("demo", "Anne,Bob,Fanny");
		free(tui_wait(&T, "fac", "3 online"));
		free(tui_wait(&T, "anne", "3 online"));
		free(tui_wait(&T, "bob", "3 online"));
	}
	/* Four servers started, one at a time: none found another. */
	snprintf(args, sizeof args, "%s/cafeboard/server.log", xdg_data);
	log = ses_read(args);
	cr_assert_eq(tui_count(log, " ready (data "), 4, "%s", log);
	cr_assert_null(strstr(log, "another cafeboard-server"), "%s", log);
	free(log);
	tui_end(&T);
}


/* A raw connection to the test's local server, as the tserver it needs. */
static void
ses_tserver(struct tserver *s)
{
	memset(s, 0, sizeof *s);
	cr_assert_lt(strlen(sock), sizeof s->sock);
	memcpy(s->sock, sock, strlen(sock) + 1);
}

/* Wait until the server holds a live card with this text on board. */
static void
ses_wait_card(const char *board, const char *text)
{
	struct tserver		 s;
	struct tclient		 c;
	struct proto_msg	 m;
	char			 key[PROTO_KEY_MAX + 2];
	int64_t			 end = ts_now_ms() + TUI_DEADLINE_MS;
	bool			 found = false;

	ses_key(key, sizeof key);
	ses_tserver(&s);
	while (!found) {
		cr_assert_lt(ts_now_ms(), end, "no card \"%s\" on %s", text,
		    board);
		if (tclient_connect(&c, &s, false) != 0 ||
		    tclient_hello_flags(&c, board, "observer", NULL, key, 0,
		    true, true) != 0) {
			tclient_close(&c);
			tui_nap();
			continue;
		}
		while (tclient_recv(&c, &m, TUI_DEADLINE_MS) == 1) {
			if (m.type == PROTO_STATE && m.u.state.what ==
			    STATE_CARD && !m.u.state.deleted &&
			    strcmp(m.u.state.text, text) == 0)
				found = true;
			if (m.type == PROTO_READY || m.type == PROTO_ERROR) {
				proto_msg_free(&m);
				break;
			}
			proto_msg_free(&m);
		}
		tclient_close(&c);
		if (!found)
			tui_nap();
	}
}

Test(session, a_failed_restart_keeps_the_text_being_typed)
{
	struct tserver	 s;
	struct tclient	 f;
	struct proto_msg m;
	struct proto_op	 op;
	char		 link[300], env[400], args[512];
	char		 key[PROTO_KEY_MAX + 2];
	char		 logpath[300], *log, *scr;
	const char	*text = "Une id\xc3\xa9""e qu'on ne perd pas";
	pid_t		 server;
	int64_t		 end;

	/*
	 * The clients start the server through a link that the test then
	 * removes: after the kill, every restart fails until it is back.
	 */
	snprintf(link, sizeof link, "%s/cafeboard-server", T.dir);
	cr_assert_eq(symlink(T.server_bin, link), 0);
	snprintf(env, sizeof env, "CAFEBOARD_SERVER='%s'", link);
	snprintf(args, sizeof args, "--board demo --name Fanny --key-file "
	    "'%s'", keyfile);
	ses_client("fac", env, args);
	server = ses_one_server(0);
	ses_wait_online("demo", "Fanny");

	/* A question, the ideas phase. */
	ses_key(key, sizeof key);
	ses_tserver(&s);
	cr_assert_eq(tclient_connect(&f, &s, false), 0);
	cr_assert_eq(tclient_join(&f, "demo", "Setup", NULL, key), 0);
	op = TADD("Comment garder chaque id\xc3\xa9""e ?");
	cr_assert_eq(tclient_wait_op(&f, tclient_op(&f, &op), &m,
	    TUI_DEADLINE_MS), 1);
	proto_msg_free(&m);
	op = PHASE(PHASE_IDEAS);
	cr_assert_eq(tclient_wait_op(&f, tclient_op(&f, &op), &m,
	    TUI_DEADLINE_MS), 1);
	proto_msg_free(&m);
	tclient_close(&f);

	/* Anne sits at the table and starts a card. */
	ses_client("anne", env, "--board demo --name Anne");
	ses_wait_online("demo", "Anne,Fanny");
	free(tui_wait(&T, "anne", "(your table)"));
	tui_keys(&T, "anne", "a", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	tui_type(&T, "anne", text);
	free(tui_wait(&T, "anne", text));

	/* The server dies and cannot be started again, for a while. */
	cr_assert_eq(unlink(link), 0);
	ses_kill(server, SIGKILL);
	snprintf(logpath, sizeof logpath, "%s/anne.log", T.dir);
	end = ts_now_ms() + TUI_DEADLINE_MS;
	for (;;) {
		/* Two failed restarts, unless the text went first. */
		log = ses_read(logpath);
		scr = tui_screen(&T, "anne", false);
		if (tui_count(log, "cannot start a local server") >= 2 ||
		    strstr(scr, text) == NULL)
			break;
		cr_assert_lt(ts_now_ms(), end, "no failed restart:\n%s", log);
		free(log);
		free(scr);
		tui_nap();
	}
	cr_assert_not_null(strstr(scr, text), "the text being typed is "
	    "gone:\n%s", scr);
	cr_assert_not_null(strstr(scr, "New idea"), "%s", scr);
	free(log);
	free(scr);

	/* Back: the card is written, nothing was lost. */
	cr_assert_eq(symlink(T.server_bin, link), 0);
	ses_one_server(server);
	ses_wait_online("demo", "Anne,Fanny");
	tui_keys(&T, "anne", "Enter", NULL);
	ses_wait_card("demo", text);
	tui_end(&T);
}

Test(session, make_run_in_a_second_terminal_is_a_second_facilitator)
{
	char		 env[600], args[512];
	const char	*top = getenv("CB_TOP");
	pid_t		 server;
	int		 round;

	/*
	 * make run's client twice, in French: the second joins as
	 * "Animation 2", and after kills both come back as themselves.
	 */
	cr_assert_not_null(top, "CB_TOP is not set (make check)");
	snprintf(env, sizeof env, "LANGUAGE=fr CAFEBOARD_LOCALEDIR='%s/build/"
	    "locale'", top);
	snprintf(args, sizeof args, "--board demo --auto-name --key-file "
	    "'%s'", keyfile);
	ses_client("one", env, args);
	server = ses_one_server(0);
	ses_wait_online("demo", "Animation");
	ses_client("two", env, args);
	ses_wait_online("demo", "Animation,Animation 2");
	for (round = 0; round < 2; round++) {
		ses_kill(server, SIGKILL);
		server = ses_one_server(server);
		ses_wait_online("demo", "Animation,Animation 2");
	}
	free(tui_wait(&T, "two", "2 en ligne"));
	tui_end(&T);
}

Test(session, a_client_coming_back_takes_its_participant_back)
{
	struct tserver		 s;
	struct tclient		 fac, a, b, c;
	struct proto_msg	 m;
	uint32_t		 zoe;
	int			 rc;

	/*
	 * Zoé's client knows her by its id.  While the server restarts,
	 * another client takes "Zoé" over by name (the rule for a laptop
	 * that died); when Zoé's own client comes back, it is her again
	 * and the other one is told the name is in use.
	 */
	tserver_start(&s, false, NULL);
	cr_assert_eq(tclient_connect(&fac, &s, false), 0);
	cr_assert_eq(tclient_join(&fac, "room", "Fanny", NULL, s.key), 0);
	cr_assert_eq(tclient_connect(&a, &s, false), 0);
	cr_assert_eq(tclient_join(&a, "room", "Zo\xc3\xa9", NULL, NULL), 0);
	zoe = a.participant;
	tclient_close(&fac);

	tserver_stop(&s, SIGKILL);
	tserver_restart(&s);
	cr_assert_eq(tclient_connect(&b, &s, false), 0);
	cr_assert_eq(tclient_join(&b, "room", "Zo\xc3\xa9", NULL, NULL), 0);
	cr_assert_eq(b.participant, zoe);

	cr_assert_eq(tclient_reconnect(&a, &s, false), 0);
	rc = tclient_join(&a, "room", "Zo\xc3\xa9", NULL, NULL);
	cr_assert_eq(rc, 0, "Zoé's own client was refused (ERROR %d)", rc);
	cr_assert_eq(a.participant, zoe);
	cr_assert_eq(tclient_expect(&b, PROTO_ERROR, &m, TS_TIMEOUT_MS), 1);
	cr_assert_eq(m.u.error.code, ERROR_NAME);
	proto_msg_free(&m);

	/* With Zoé online, her name is hers. */
	cr_assert_eq(tclient_connect(&c, &s, false), 0);
	cr_assert_eq(tclient_join(&c, "room", "Zo\xc3\xa9", NULL, NULL),
	    ERROR_NAME);
	tclient_close(&a);
	tclient_close(&b);
	tclient_close(&c);
	tserver_cleanup(&s);
}

/* Run the client binary with argv (NULL terminated) in French; stderr. */
static char *
ses_run_fr(char **argv)
{
	char		 cmd[2048], path[300], *out;
	const char	*top = getenv("CB_TOP");
	size_t		 i;
	int		 rc;

	cr_assert_not_null(top, "CB_TOP is not set (make check)");
	snprintf(path, sizeof path, "%s/err.txt", T.dir);
	snprintf(cmd, sizeof cmd, "LANGUAGE=fr LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "CAFEBOARD_LOCALEDIR='%s/build/locale' '%s'", top, T.client_bin);
	for (i = 0; argv[i] != NULL; i++)
		snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " '%s'",
		    argv[i]);
	snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " 2>'%s'",
	    path);
	rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "%s: %d", cmd, rc);
	out = ses_read(path);
	return out;
}

Test(session, export_says_what_is_wrong_in_french)
{
	char	*err;
	char	*pdf[] = { "export", "--board", "cafe", "--format", "pdf",
	    NULL };
	char	*noboard[] = { "export", "--format", "md", NULL };
	char	*noformat[] = { "export", "--board", "cafe", NULL };

	err = ses_run_fr(pdf);
	cr_assert_not_null(strstr(err, "cafeboard\xc2\xa0: format "
	    "\xc2\xab\xc2\xa0pdf\xc2\xa0\xc2\xbb inconnu\xc2\xa0: md, csv, "
	    "json, html\n"), "%s", err);
	cr_assert_not_null(strstr(err, "usage\xc2\xa0: cafeboard export"),
	    "%s", err);
	free(err);
	err = ses_run_fr(noboard);
	cr_assert_not_null(strstr(err, "il faut le nom du tableau"), "%s",
	    err);
	free(err);
	err = ses_run_fr(noformat);
	cr_assert_not_null(strstr(err, "il faut un format (--format md, csv, "
	    "json, html)"), "%s", err);
	free(err);
}

/* card.merge of card into into. */
static struct proto_op
ses_merge(uint64_t card, uint64_t into)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_MERGE;
	op.card = card;
	op.into = into;
	return op;
}

Test(session, the_server_merges_duplicates_and_keeps_them_across_a_restart)
{
	struct tserver		 s;
	struct tclient		 fac, ann, bob, obs;
	struct proto_msg	 m;
	struct proto_op		 op;
	uint64_t		 t, a, b;
	bool			 seen_a = false, seen_b = false;

	/* Anne and Bob wrote the same idea at one table. */
	tserver_start(&s, false, NULL);
	cr_assert_eq(tclient_connect(&fac, &s, false), 0);
	cr_assert_eq(tclient_join(&fac, "room", "Fanny", NULL, s.key), 0);
	op = TADD("Comment mieux accueillir ?");
	cr_assert_eq(tclient_wait_op(&fac, tclient_op(&fac, &op), &m,
	    TS_TIMEOUT_MS), 1);
	t = m.u.event.seq;
	proto_msg_free(&m);
	op = PHASE(PHASE_IDEAS);
	cr_assert_eq(tclient_wait_op(&fac, tclient_op(&fac, &op), &m,
	    TS_TIMEOUT_MS), 1);
	proto_msg_free(&m);
	cr_assert_eq(tclient_connect(&ann, &s, false), 0);
	cr_assert_eq(tclient_join(&ann, "room", "Anne", NULL, NULL), 0);
	cr_assert_eq(tclient_connect(&bob, &s, false), 0);
	cr_assert_eq(tclient_join(&bob, "room", "Bob", NULL, NULL), 0);
	op = SIT(t, 0);
	cr_assert_eq(tclient_wait_op(&ann, tclient_op(&ann, &op), &m,
	    TS_TIMEOUT_MS), 1);
	proto_msg_free(&m);
	cr_assert_eq(tclient_wait_op(&bob, tclient_op(&bob, &op), &m,
	    TS_TIMEOUT_MS), 1);
	proto_msg_free(&m);
	op = ADD(t, "Un guichet unique", 0);
	cr_assert_eq(tclient_wait_op(&ann, tclient_op(&ann, &op), &m,
	    TS_TIMEOUT_MS), 1);
	a = m.u.event.seq;
	proto_msg_free(&m);
	op = ADD(t, "Un seul guichet", 0);
	cr_assert_eq(tclient_wait_op(&bob, tclient_op(&bob, &op), &m,
	    TS_TIMEOUT_MS), 1);
	b = m.u.event.seq;
	proto_msg_free(&m);

	/* Participants merge while grouping, not before. */
	op = ses_merge(b, a);
	cr_assert_eq(tclient_wait_op(&bob, tclient_op(&bob, &op), &m,
	    TS_TIMEOUT_MS), -REJECT_PHASE);
	op = PHASE(PHASE_GROUP);
	cr_assert_eq(tclient_wait_op(&fac, tclient_op(&fac, &op), &m,
	    TS_TIMEOUT_MS), 1);
	proto_msg_free(&m);
	op = ses_merge(b, a);
	cr_assert_eq(tclient_wait_op(&bob, tclient_op(&bob, &op), &m,
	    TS_TIMEOUT_MS), 1);
	cr_assert_eq(m.u.event.op.kind, OP_CARD_MERGE);
	cr_assert_eq(m.u.event.op.card, b);
	cr_assert_eq(m.u.event.op.into, a);
	cr_assert_eq(m.u.event.op.votes, 0);
	proto_msg_free(&m);
	/* Anne sees it too. */
	for (;;) {
		cr_assert_eq(tclient_expect(&ann, PROTO_EVENT, &m,
		    TS_TIMEOUT_MS), 1);
		if (m.u.event.op.kind == OP_CARD_MERGE) {
			cr_assert_eq(m.u.event.op.into, a);
			proto_msg_free(&m);
			break;
		}
		proto_msg_free(&m);
	}

	/* After a kill -9, the board still holds both authors. */
	tclient_close(&fac);
	tclient_close(&ann);
	tclient_close(&bob);
	tserver_stop(&s, SIGKILL);
	tserver_restart(&s);
	cr_assert_eq(tclient_connect(&obs, &s, false), 0);
	cr_assert_eq(tclient_hello_flags(&obs, "room", "observer", NULL, s.key,
	    0, true, true), 0);
	while (tclient_expect(&obs, PROTO_STATE, &m, TS_TIMEOUT_MS) == 1 &&
	    m.type == PROTO_STATE) {
		if (m.u.state.what == STATE_CARD && m.u.state.id == a) {
			cr_assert_not(m.u.state.deleted);
			cr_assert_eq(m.u.state.npairs, 1);
			cr_assert_eq(m.u.state.pairs[0].b, b);
			seen_a = true;
		}
		if (m.u.state.what == STATE_CARD && m.u.state.id == b) {
			cr_assert(m.u.state.deleted);
			cr_assert_eq(m.u.state.merged, a);
			cr_assert_str_eq(m.u.state.text, "Un seul guichet");
			seen_b = true;
		}
		proto_msg_free(&m);
		if (seen_a && seen_b)
			break;
	}
	cr_assert(seen_a && seen_b);
	tclient_close(&obs);
	tserver_cleanup(&s);
}
