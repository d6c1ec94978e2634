/*
 * test_deploy.c -- a café as the README sets it up, end to end.
 *
 * ssh: a real OpenSSH server (build/sshd/ from tests/fetch-sshd, never the
 * machine's, never port 22) on a free loopback port with its own host key
 * and configuration, which includes contrib's drop-in as shipped (only the
 * account's name and the paths of this build are put in).  The server runs
 * as a throw-away system user with the arguments of contrib's unit, the
 * participants come in as a throw-away account in its group; both are
 * removed at the end.  Needs root; skips with a message otherwise.
 *
 * mosh: the same, through Debian's mosh on loopback UDP.
 * install: make install and uninstall in a copy of the tree.
 * deb: make deb, lintian, systemd-analyze verify.
 * docs: the README's and the man page's unit are contrib's.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <sys/file.h>

#include <dirent.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>

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

#include "fingerprint.h"
#include "xmalloc.h"

#define SSH_BOARD \
	"title: Caf\xc3\xa9 du territoire\n" \
	"question: Comment garantir une bonne orientation des publics ?\n"

static struct tui T;

/* The throw-away world of one SSH test. */
struct site {
	char	 top[300];		/* the source tree */
	char	 sshd[400];		/* the sshd binary */
	char	 libs[900];		/* its LD_LIBRARY_PATH */
	char	 user[32];		/* participants' account */
	char	 srv[32];		/* the server's system user */
	uid_t	 uid;
	int	 port;			/* sshd */
	int	 tls;			/* the server's TLS port */
	pid_t	 sshd_pid;
	bool	 made_user, made_srv, made_privsep, made_rundir;
	int	 lock_fd;		/* one SSH site at a time */
	char	 fp[FINGERPRINT_TEXT];
};

static struct site S;

/* Every test: a directory, a tmux server. */
static void
deploy_setup(void)
{
	tui_init(&T);
	memset(&S, 0, sizeof S);
	S.lock_fd = -1;
}

/* How long one command may take (a build of the whole tree, slow). */
#define SH_MS	480000

/* Run a shell command line, capturing all its output; its status. */
static int
sh(char **out, const char *fmt, ...)
{
	char	 cmd[4096], *o = NULL;
	char	*argv[] = { "sh", "-c", cmd, NULL };
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	rc = ts_command(&o, SH_MS, argv);
	if (out != NULL)
		*out = o;
	else
		free(o);
	return rc;
}

/* Kill every process of uid (they are this test's: its accounts'). */
static void
kill_uid(uid_t uid)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		 path[300];
	int		 round;

	for (round = 0; round < 50; round++) {
		int	n = 0;

		if ((d = opendir("/proc")) == NULL)
			return;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] < '0' || e->d_name[0] > '9')
				continue;
			snprintf(path, sizeof path, "/proc/%s", e->d_name);
			if (stat(path, &st) == 0 && st.st_uid == uid &&
			    tui_alive((pid_t)atol(e->d_name))) {
				kill((pid_t)atol(e->d_name), SIGKILL);
				n++;
			}
		}
		closedir(d);
		if (n == 0)
			return;
		tui_nap();
	}
}

/* Every test, even a failed one: kill what it started, remove accounts. */
static void
deploy_teardown(void)
{
	int	status;

	tui_stop_clients(&T);
	if (S.sshd_pid > 0) {
		kill(S.sshd_pid, SIGTERM);
		while (waitpid(S.sshd_pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	tui_server_stop(&T, SIGTERM);
	if (S.made_user) {
		kill_uid(S.uid);
		sh(NULL, "userdel %s", S.user);
	}
	if (S.made_srv) {
		struct passwd *pw = getpwnam(S.srv);

		if (pw != NULL)
			kill_uid(pw->pw_uid);
		sh(NULL, "userdel %s; groupdel %s 2>/dev/null", S.srv, S.srv);
	}
	if (S.made_privsep)
		sh(NULL, "userdel sshd");
	if (S.made_rundir)
		rmdir("/run/sshd");
	if (S.lock_fd != -1)
		close(S.lock_fd);
	tui_fini(&T);
}

TestSuite(deploy, .init = deploy_setup, .fini = deploy_teardown,
    .timeout = 600);

/* The top of the source tree (make check sets CB_TOP). */
static const char *
top(void)
{
	const char	*t = getenv("CB_TOP");

	cr_assert_not_null(t, "CB_TOP is not set (make check)");
	return t;
}

/* The whole of a file (malloc'd), or NULL. */
static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	buf[fread(buf, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return buf;
}

/* Write text to path. */
static void
spew(const char *path, const char *text, mode_t mode)
{
	FILE	*f = fopen(path, "w");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* text with every occurrence of from replaced by to (malloc'd). */
static char *
replace(const char *text, const char *from, const char *to)
{
	size_t	 n = (size_t)tui_count(text, from), fl = strlen(from);
	char	*out = malloc(strlen(text) + n * strlen(to) + 1), *o = out;
	const char *p = text, *q;

	cr_assert_not_null(out);
	while ((q = strstr(p, from)) != NULL) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		strcpy(o, to);
		o += strlen(to);
		p = q + fl;
	}
	strcpy(o, p);
	return out;
}

/* ------------------------------------------------------------ the site */

/*
 * Find an sshd to run: $CB_SSHD, the one tests/fetch-sshd unpacked, or
 * the host's binary (never its service).  False with why when none.
 */
static bool
find_sshd(char *why, size_t len)
{
	const char	*env = getenv("CB_SSHD"), *b = getenv("CB_BUILD");
	char		 path[400];

	snprintf(S.top, sizeof S.top, "%s", top());
	if (env != NULL && access(env, X_OK) == 0) {
		snprintf(S.sshd, sizeof S.sshd, "%s", env);
		return true;
	}
	snprintf(path, sizeof path, "%s/build/sshd/usr/sbin/sshd", S.top);
	if (access(path, X_OK) == 0) {
		snprintf(S.sshd, sizeof S.sshd, "%s", path);
		snprintf(S.libs, sizeof S.libs, "%s/build/sshd/usr/lib/"
		    "x86_64-linux-gnu:%s/build/sshd/lib/x86_64-linux-gnu",
		    S.top, S.top);
		return true;
	}
	if (access("/usr/sbin/sshd", X_OK) == 0) {
		snprintf(S.sshd, sizeof S.sshd, "/usr/sbin/sshd");
		return true;
	}
	(void)b;
	snprintf(why, len, "no sshd: run tests/fetch-sshd (make check does), "
	    "or set CB_SSHD");
	return false;
}

/*
 * Set up what the README has an administrator do, with throw-away names:
 * the server's system user, the participants' account in its group, the
 * programs where make install puts them, the drop-in as shipped.
 */
static void
site_up(bool with_tls)
{
	char	 why[200], path[600], *text, *conf, *t2, *out = NULL;
	char	 bin[300], libexec[400], sock[300], key[300];
	struct passwd *pw;

	if (geteuid() != 0)
		cr_skip_test("the SSH tests need root (throw-away accounts "
		    "and an sshd of their own)");
	if (!find_sshd(why, sizeof why))
		cr_skip_test("%s", why);
	if (system("command -v ssh >/dev/null && command -v useradd "
	    ">/dev/null && command -v setpriv >/dev/null") != 0)
		cr_skip_test("needs ssh, useradd and setpriv");

	/*
	 * sshd's privilege separation user and directory are the host's: the
	 * SSH tests take turns (Criterion runs tests in parallel), so that
	 * one does not remove them under the other's sshd.
	 */
	snprintf(path, sizeof path, "%s/ssh-tests.lock", getenv("CB_BUILD") !=
	    NULL ? getenv("CB_BUILD") : T.dir);
	S.lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cr_assert_neq(S.lock_fd, -1);
	while (flock(S.lock_fd, LOCK_EX) == -1 && errno == EINTR)
		;

	/* A tree others may enter: the accounts run our programs. */
	cr_assert_eq(chmod(T.dir, 0755), 0);
	snprintf(S.user, sizeof S.user, "cbp%ld", (long)getpid() % 100000);
	snprintf(S.srv, sizeof S.srv, "cbs%ld", (long)getpid() % 100000);
	cr_assert_eq(sh(&out, "useradd --system --user-group --no-create-home "
	    "--home-dir %s/data --shell /usr/sbin/nologin %s", T.dir, S.srv),
	    0, "%s", out);
	free(out);
	S.made_srv = true;
	/* The README's step 3, with a home of the test's. */
	cr_assert_eq(sh(&out, "useradd --create-home --home-dir %s/home "
	    "--shell /bin/sh --groups %s %s && passwd -d %s", T.dir, S.srv,
	    S.user, S.user), 0, "%s", out);
	free(out);
	S.made_user = true;
	cr_assert_not_null(pw = getpwnam(S.user));
	S.uid = pw->pw_uid;
	/* sshd's privilege separation: its user and directory. */
	if (getpwnam("sshd") == NULL) {
		cr_assert_eq(sh(&out, "useradd --system --no-create-home "
		    "--home-dir /run/sshd --shell /usr/sbin/nologin sshd"), 0,
		    "%s", out);
		free(out);
		S.made_privsep = true;
	}
	if (mkdir("/run/sshd", 0755) == 0)
		S.made_rundir = true;

	/* The programs, as make install lays them out. */
	snprintf(bin, sizeof bin, "%s/usr/bin", T.dir);
	snprintf(libexec, sizeof libexec, "%s/usr/libexec/cafeboard", T.dir);
	cr_assert_eq(sh(&out, "mkdir -p %s %s && cp %s %s %s/ && cp "
	    "%s/contrib/cafeboard-ssh %s/ && chmod -R a+rX %s/usr", bin,
	    libexec, T.server_bin, T.client_bin, bin, S.top, libexec, T.dir),
	    0, "%s", out);
	free(out);

	/* The server, as contrib's unit runs it (systemd's directories). */
	snprintf(sock, sizeof sock, "%s/run/server.sock", T.dir);
	snprintf(path, sizeof path, "%s/contrib/cafeboard.service", S.top);
	cr_assert_not_null(text = slurp(path));
	cr_assert_not_null(strstr(text, "ExecStart=/usr/bin/cafeboard-server "
	    "--socket-mode 0660 --socket-group cafeboard $CAFEBOARD_OPTS"),
	    "the unit changed: update this test");
	free(text);
	cr_assert_eq(sh(&out, "mkdir -p %s/run %s/data && chmod 755 %s/run && "
	    "chmod 700 %s/data && chown %s:%s %s/run %s/data", T.dir, T.dir,
	    T.dir, T.dir, S.srv, S.srv, T.dir, T.dir), 0, "%s", out);
	free(out);
	snprintf(path, sizeof path, "%s/autre.board", T.dir);
	spew(path, "title: Atelier ferm\xc3\xa9\nquestion: Qui ?\n", 0644);
	cr_assert_eq(sh(&out, "setpriv --reuid=%s --regid=%s --init-groups "
	    "%s/cafeboard-server --data %s/data create autre --from %s",
	    S.srv, S.srv, bin, T.dir, path), 0, "%s", out);
	free(out);
	{
		char	 log[300], spec[64], cmd[1200];
		char	*argv[] = { "sh", "-c", cmd, NULL };

		S.tls = ts_free_port();
		snprintf(spec, sizeof spec, "127.0.0.1:%d", S.tls);
		snprintf(cmd, sizeof cmd, "exec env RUNTIME_DIRECTORY=%s/run "
		    "STATE_DIRECTORY=%s/data setpriv --reuid=%s --regid=%s "
		    "--init-groups %s/cafeboard-server --socket-mode 0660 "
		    "--socket-group %s %s%s", T.dir, T.dir, S.srv, S.srv, bin,
		    S.srv, with_tls ? "--tls-listen " : "", with_tls ? spec :
		    "");
		snprintf(log, sizeof log, "%s/server.log", T.dir);
		T.server = tui_spawn(argv, log);
		tui_wait_file(sock);
		snprintf(key, sizeof key, "%s/data/facilitator.key", T.dir);
		tui_wait_file(key);
		snprintf(T.key, sizeof T.key, "%.*s", (int)sizeof T.key - 1, key);
		snprintf(T.sock, sizeof T.sock, "%.*s", (int)sizeof T.sock - 1,
		    sock);
		if (with_tls) {
			snprintf(path, sizeof path, "%s/data/tls-cert.pem",
			    T.dir);
			tui_wait_file(path);
			cr_assert_eq(sh(&out, "openssl x509 -noout -fingerprint "
			    "-sha256 -in %s | cut -d= -f2", path), 0);
			snprintf(S.fp, sizeof S.fp, "%.95s", out);
			free(out);
		}
	}

	/* The participants reach the socket and nothing else. */
	cr_assert_neq(sh(&out, "setpriv --reuid=%s --regid=%s --init-groups "
	    "cat %s", S.user, S.user, key), 0, "the participants' account "
	    "reads the facilitator key");
	free(out);
	cr_assert_neq(sh(&out, "setpriv --reuid=%s --regid=%s --init-groups "
	    "ls %s/data/autre", S.user, S.user, T.dir), 0, "the "
	    "participants' account reads the boards");
	free(out);

	/* sshd: its own key, port and configuration with contrib's drop-in. */
	S.port = ts_free_port();
	snprintf(path, sizeof path, "%s/contrib/sshd_config.d/cafeboard.conf",
	    S.top);
	cr_assert_not_null(text = slurp(path));
	cr_assert_eq(tui_count(text, "Match User cafe\n"), 1);
	snprintf(path, sizeof path, "Match User %s\n", S.user);
	conf = replace(text, "Match User cafe\n", path);
	free(text);
	snprintf(path, sizeof path, "%s/cafeboard-ssh", libexec);
	t2 = replace(conf, "/usr/libexec/cafeboard/cafeboard-ssh", path);
	free(conf);
	conf = replace(t2, "/run/cafeboard/server.sock", sock);
	free(t2);
	snprintf(path, sizeof path, "%s/cafeboard.conf", T.dir);
	spew(path, conf, 0644);
	free(conf);
	cr_assert_eq(sh(&out, "ssh-keygen -q -t ed25519 -N '' -f %s/hostkey",
	    T.dir), 0, "%s", out);
	free(out);
	xasprintf(&text, "Port %d\nListenAddress 127.0.0.1\nHostKey "
	    "%s/hostkey\nPidFile none\nUsePAM no\nLogLevel VERBOSE\n"
	    "Subsystem sftp internal-sftp\nAcceptEnv LANG LC_*\n"
	    "Include %s/cafeboard.conf\n", S.port, T.dir, T.dir);
	snprintf(path, sizeof path, "%s/sshd_config", T.dir);
	spew(path, text, 0600);
	free(text);
	cr_assert_eq(sh(&out, "LD_LIBRARY_PATH=%s %s -t -f %s", S.libs,
	    S.sshd, path), 0, "sshd -t refuses the drop-in: %s", out);
	free(out);
	{
		char	 log[300], cmd[2400];
		char	*argv[] = { "sh", "-c", cmd, NULL };

		snprintf(cmd, sizeof cmd, "exec env LD_LIBRARY_PATH=%s %s -D "
		    "-e -f %s", S.libs, S.sshd, path);
		snprintf(log, sizeof log, "%s/sshd.log", T.dir);
		S.sshd_pid = tui_spawn(argv, log);
	}
	/* Until it accepts. */
	{
		int64_t	end = ts_now_ms() + TUI_DEADLINE_MS;

		while (sh(NULL, "grep -q 'Server listening on 127.0.0.1' "
		    "%s/sshd.log", T.dir) != 0) {
			cr_assert_lt(ts_now_ms(), end, "sshd did not start");
			tui_nap();
		}
	}
}

/* The ssh command line a participant types, with options for the test. */
static void
ssh_cmd(char *buf, size_t len, const char *extra)
{
	snprintf(buf, len, "ssh -F /dev/null -o StrictHostKeyChecking=no "
	    "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p %d %s %s@"
	    "127.0.0.1", S.port, extra, S.user);
}

/* A window running a shell command (ssh, mosh), in English. */
static void
window(const char *win, const char *cmd)
{
	char	full[2048];

	snprintf(full, sizeof full, "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 %s",
	    cmd);
	if (!T.session) {
		cr_assert_eq(tui_tmux(&T, NULL, "new-session", "-d", "-s", "cb",
		    "-n", win, "-x", "100", "-y", "30", full, NULL), 0);
		T.session = true;
	} else
		cr_assert_eq(tui_tmux(&T, NULL, "new-window", "-d", "-t", "cb:",
		    "-n", win, full, NULL), 0);
}

/* A listener on loopback that counts what it accepts: a forward's target. */
static int
target_listen(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	cr_assert_eq(listen(fd, 8), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* True if something connected to the target listener (no wait). */
static bool
target_reached(int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 1;
}

/* Connect to a local port, write bytes, read until EOF or deadline. */
static ssize_t
poke(int port, const void *data, size_t len, uint8_t *reply, size_t cap)
{
	struct sockaddr_in	sin;
	struct pollfd		pfd;
	int			fd = socket(AF_INET, SOCK_STREAM, 0);
	int64_t			end = ts_now_ms() + 5000;
	ssize_t			n, got = 0;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return -1;
	}
	if (len > 0 && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	while ((size_t)got < cap && ts_now_ms() < end) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((n = read(fd, reply + got, cap - (size_t)got)) <= 0)
			break;
		got += n;
	}
	close(fd);
	return got;
}

/* Wait until a local port accepts connections. */
static void
wait_port(int port)
{
	int64_t	end = ts_now_ms() + TUI_DEADLINE_MS;
	uint8_t	buf[4];

	while (poke(port, NULL, 0, buf, 0) < 0) {
		cr_assert_lt(ts_now_ms(), end, "nothing listens on %d", port);
		tui_nap();
	}
}

/* ------------------------------------------------------------ ssh */

Test(deploy, ssh_lands_in_the_forced_board_and_nothing_else)
{
	char	 cmd[1024], lan[1024], *scr, *out = NULL, path[300];
	int	 target, tport, lport;
	ssize_t	 n;
	uint8_t	 reply[64];

	site_up(true);

	/* The board is not open yet: wait for it, see no other board. */
	ssh_cmd(cmd, sizeof cmd, "-tt");
	window("p1", cmd);
	scr = tui_wait(&T, "p1", "Type your first name");
	cr_assert_null(strstr(scr, "autre"), "%s", scr);
	free(scr);
	tui_type(&T, "p1", "Am\xc3\xa9lie");
	tui_keys(&T, "p1", "Enter", NULL);
	scr = tui_wait(&T, "p1", "Waiting for the board");
	cr_assert_not_null(strstr(scr, "cafe"), "%s", scr);
	cr_assert_null(strstr(scr, "autre"), "%s", scr);
	cr_assert_null(strstr(scr, "Atelier"), "%s", scr);
	free(scr);

	/* The facilitator creates it, as the README says; it opens. */
	snprintf(path, sizeof path, "%s/cafe.board", T.dir);
	spew(path, SSH_BOARD, 0644);
	/* The README's step 2. */
	cr_assert_eq(sh(&out, "runuser -u %s -- %s/usr/bin/cafeboard-server "
	    "--data %s/data create cafe --from %s", S.srv, T.dir, T.dir, path),
	    0, "%s", out);
	free(out);
	free(tui_wait(&T, "p1", "(your table)"));

	/* A laptop on the LAN, over TLS with the pin. */
	snprintf(lan, sizeof lan, "%s --connect 127.0.0.1:%d --pin %s "
	    "--board cafe --name Bruno", T.client_bin, S.tls, S.fp);
	window("lan", lan);
	free(tui_wait(&T, "lan", "(your table)"));

	/* The README's step 5: the facilitator opens the ideas phase. */
	snprintf(lan, sizeof lan, "%s/usr/bin/cafeboard --socket %s --board "
	    "cafe --name Fanny --key-file %s", T.dir, T.sock, T.key);
	window("fac", lan);
	free(tui_wait(&T, "fac", "connected"));
	tui_keys(&T, "fac", ":", NULL);
	free(tui_wait(&T, "fac", "Facilitator console"));
	tui_keys(&T, "fac", "p", NULL);
	free(tui_wait(&T, "fac", "harvest"));
	tui_keys(&T, "fac", "2", NULL);
	free(tui_wait(&T, "p1", "Phase: ideas"));

	/* A card typed over SSH reaches the laptop. */
	tui_keys(&T, "p1", "a", NULL);
	free(tui_wait(&T, "p1", "New idea"));
	tui_type(&T, "p1", "Un guichet unique par bassin");
	tui_keys(&T, "p1", "Enter", NULL);
	free(tui_wait(&T, "lan", "Un guichet unique par bassin"));

	/* The README's step 7: the harvest has it. */
	cr_assert_eq(sh(&out, "cd %s && %s/usr/bin/cafeboard export --socket %s "
	    "--board cafe --key-file %s --format md -o harvest.md && cat "
	    "harvest.md", T.dir, T.dir, T.sock, T.key), 0, "%s", out);
	cr_assert_not_null(strstr(out, "Un guichet unique par bassin"), "%s",
	    out);
	free(out);

	/* A shell command is refused, and runs nothing. */
	ssh_cmd(cmd, sizeof cmd, "");
	cr_assert_neq(sh(&out, "%s /bin/sh -c 'echo ran$((6*7))'", cmd), 0);
	cr_assert_null(strstr(out, "ran42"), "%s", out);
	cr_assert_not_null(strstr(out, "only opens the workshop's board"),
	    "%s", out);
	free(out);
	cr_assert_neq(sh(&out, "%s -tt /bin/sh -c 'echo ran$((6*7))' "
	    "</dev/null", cmd), 0);
	cr_assert_null(strstr(out, "ran42"), "%s", out);
	free(out);

	/* sftp gets no file. */
	cr_assert_neq(sh(&out, "echo 'ls /' | sftp -F /dev/null -b - -o "
	    "StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -P %d "
	    "%s@127.0.0.1", S.port, S.user), 0, "sftp worked: %s", out);
	free(out);

	/* -L: the forward is refused, the target never reached. */
	target = target_listen(&tport);
	lport = ts_free_port();
	snprintf(cmd, sizeof cmd, "ssh -F /dev/null -o "
	    "StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -N -L "
	    "%d:127.0.0.1:%d -p %d %s@127.0.0.1", lport, tport, S.port,
	    S.user);
	window("fwdL", cmd);
	wait_port(lport);
	n = poke(lport, "hello\n", 6, reply, sizeof reply);
	cr_assert_leq(n, 0, "data came back through -L");
	cr_assert(!target_reached(target), "-L reached the target");

	/* -D: a SOCKS5 request to the target is refused. */
	lport = ts_free_port();
	snprintf(cmd, sizeof cmd, "ssh -F /dev/null -o "
	    "StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -N -D "
	    "%d -p %d %s@127.0.0.1", lport, S.port, S.user);
	window("fwdD", cmd);
	wait_port(lport);
	{
		uint8_t	req[] = { 5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 0 };

		req[11] = (uint8_t)(tport >> 8);
		req[12] = (uint8_t)tport;
		n = poke(lport, req, sizeof req, reply, sizeof reply);
		/* The greeting's answer (5 0), then a failure or a close. */
		cr_assert(n < 4 || reply[3] != 0, "SOCKS CONNECT succeeded");
	}
	cr_assert(!target_reached(target), "-D reached the target");

	/* -R: the server refuses to listen for us. */
	ssh_cmd(cmd, sizeof cmd, "-N -o ExitOnForwardFailure=yes -R "
	    "0:127.0.0.1:1");
	cr_assert_neq(sh(&out, "%s", cmd), 0, "-R accepted: %s", out);
	free(out);
	close(target);

	/* -A: no agent reaches the session. */
	cr_assert_eq(sh(&out, "ssh-agent -a %s/agent.sock >/dev/null",
	    T.dir), 0, "%s", out);
	free(out);
	snprintf(lan, sizeof lan, "env SSH_AUTH_SOCK=%s/agent.sock ", T.dir);
	ssh_cmd(cmd, sizeof cmd, "-tt -A");
	strncat(lan, cmd, sizeof lan - strlen(lan) - 1);
	window("agent", lan);
	free(tui_wait(&T, "agent", "Type your first name"));
	cr_assert_eq(sh(&out, "n=0; for p in $(pgrep -u %s -x cafeboard); do "
	    "n=$((n+1)); tr '\\0' '\\n' < /proc/$p/environ | grep "
	    "SSH_AUTH_SOCK; done; echo clients=$n", S.user), 0, "%s", out);
	cr_assert_null(strstr(out, "SSH_AUTH_SOCK"), "agent forwarded: %s",
	    out);
	cr_assert_not_null(strstr(out, "clients=2"), "%s", out);
	free(out);
	sh(NULL, "SSH_AUTH_SOCK=%s/agent.sock ssh-agent -k >/dev/null", T.dir);
	tui_end(&T);
}

/* ------------------------------------------------------------ mosh */

Test(deploy, mosh_lands_in_the_board_through_the_same_forced_command)
{
	char	 cmd[1400], ssh[1024], path[300], *out = NULL;

	if (system("command -v mosh >/dev/null && command -v mosh-server "
	    ">/dev/null") != 0)
		cr_skip_test("needs mosh (Debian's mosh package)");
	site_up(false);
	snprintf(path, sizeof path, "%s/cafe.board", T.dir);
	spew(path, SSH_BOARD, 0644);
	cr_assert_eq(sh(&out, "setpriv --reuid=%s --regid=%s --init-groups "
	    "%s/usr/bin/cafeboard-server --data %s/data create cafe --from %s",
	    S.srv, S.srv, T.dir, T.dir, path), 0, "%s", out);
	free(out);
	snprintf(ssh, sizeof ssh, "ssh -F /dev/null -o StrictHostKeyChecking=no "
	    "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p %d", S.port);
	/* The teardown kills mosh-server with the account's processes. */
	snprintf(cmd, sizeof cmd, "mosh --ssh='%s' %s@127.0.0.1", ssh, S.user);
	window("m", cmd);
	free(tui_wait(&T, "m", "Type your first name"));
	tui_type(&T, "m", "Moshe");
	tui_keys(&T, "m", "Enter", NULL);
	free(tui_wait(&T, "m", "(your table)"));
	/* It is mosh: mosh-server runs the client, under the account. */
	cr_assert_eq(sh(&out, "pgrep -u %s -x mosh-server", S.user), 0,
	    "no mosh-server");
	free(out);
	tui_end(&T);
}

/* ------------------------------------------------------------ install */

/*
 * The install and package tests build a copy of the tree of their own,
 * without sanitizers: under make asan they would only repeat make check.
 */
static void
skip_under_sanitizers(void)
{
	const char	*b = getenv("CB_BUILD");

	if (b != NULL && strstr(b, "build-asan") != NULL)
		cr_skip_test("builds its own tree: make check runs it, not make "
		    "asan");
}

/*
 * The files the README's Install section lists, with PREFIX put in,
 * sorted, one a line.
 */
static char *
readme_install_list(const char *prefix)
{
	char	 path[300], *readme, *p, *end, *out = NULL;

	snprintf(path, sizeof path, "%s/README.md", top());
	cr_assert_not_null(readme = slurp(path));
	cr_assert_not_null(p = strstr(readme, "installs these files"),
	    "the README lists no installed files");
	end = strstr(p, "\n\n    make");
	cr_assert_not_null(end);
	*end = '\0';
	snprintf(path, sizeof path, "%s/readme-list", T.dir);
	spew(path, p, 0644);
	free(readme);
	cr_assert_eq(sh(&out, "grep '^    \\$PREFIX/' %s | sed "
	    "'s|^    \\$PREFIX|%s|' | sort", path, prefix), 0);
	return out;
}

Test(deploy, make_install_and_uninstall_exactly_the_documented_files)
{
	char	*out = NULL, *listed, *found, src[400], dest[300];

	skip_under_sanitizers();
	snprintf(src, sizeof src, "%s/src", T.dir);
	snprintf(dest, sizeof dest, "%s/dest", T.dir);
	/* A copy of the tree: the suite's own build stays as it is. */
	cr_assert_eq(sh(&out, "mkdir -p %s && cd %s && tar -c "
	    "--exclude=./build --exclude=./build-asan --exclude=./build-fuzz "
	    "--exclude=./.git --exclude=./server/cafeboard-server "
	    "--exclude=./client/cafeboard . | tar -x -C %s", src, top(), src),
	    0, "%s", out);
	free(out);
	/* A plain build first, then an install elsewhere: rebuilt for it. */
	cr_assert_eq(sh(&out, "cd %s && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j2 all >/dev/null 2>&1 && "
	    "strings client/cafeboard | grep -c '^/usr/local/share/locale$'",
	    src), 0, "%s", out);
	free(out);
	cr_assert_eq(sh(&out, "cd %s && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make install DESTDIR=%s PREFIX=/usr "
	    ">/dev/null 2>&1 && strings %s/usr/bin/cafeboard | grep -c "
	    "'^/usr/share/locale$'", src, dest, dest), 0, "the installed "
	    "client does not look for its catalogue in /usr/share/locale: %s",
	    out);
	free(out);
	cr_assert_eq(sh(&out, "strings %s/usr/bin/cafeboard | grep -c "
	    "'^/usr/local/share/locale$'", dest), 1, "still /usr/local: %s",
	    out);
	free(out);
	/* French from the installed catalogue. */
	cr_assert_eq(sh(&out, "CAFEBOARD_LOCALEDIR=%s/usr/share/locale "
	    "LANGUAGE=fr LC_ALL=C.UTF-8 %s/usr/bin/cafeboard-server --help",
	    dest, dest), 0, "%s", out);
	cr_assert_not_null(strstr(out, "répertoire des tableaux"), "%s", out);
	free(out);

	snprintf(src, sizeof src, "%s/usr", dest);
	listed = readme_install_list(src);
	cr_assert_eq(sh(&found, "find %s -type f | sort", dest), 0);
	cr_assert_str_eq(found, listed, "installed:\n%s\nthe README "
	    "lists:\n%s", found, listed);
	free(found);
	free(listed);

	snprintf(src, sizeof src, "%s/src", T.dir);
	cr_assert_eq(sh(&out, "cd %s && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make uninstall DESTDIR=%s PREFIX=/usr "
	    ">/dev/null 2>&1 && find %s -type f", src, dest, dest), 0);
	cr_assert_str_eq(out, "", "left behind:\n%s", out);
	free(out);
	cr_assert_eq(sh(&out, "find %s -path '*cafeboard*'", dest), 0);
	cr_assert_str_eq(out, "", "directories left behind:\n%s", out);
	free(out);
}

/* ------------------------------------------------------------ deb */

Test(deploy, make_deb_builds_a_package_lintian_accepts, .timeout = 600)
{
	char	*out = NULL, src[300];

	skip_under_sanitizers();
	if (system("command -v dpkg-buildpackage >/dev/null && command -v dh "
	    ">/dev/null && command -v lintian >/dev/null") != 0)
		cr_skip_test("needs dpkg-dev, debhelper and lintian (make "
		    "deps installs them)");
	snprintf(src, sizeof src, "%s/src", T.dir);
	cr_assert_eq(sh(&out, "mkdir -p %s && cd %s && tar -c "
	    "--exclude=./build --exclude=./build-asan --exclude=./build-fuzz "
	    "--exclude=./.git --exclude=./server/cafeboard-server "
	    "--exclude=./client/cafeboard . | tar -x -C %s", src, top(), src),
	    0, "%s", out);
	free(out);
	cr_assert_eq(sh(&out, "cd %s && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make deb >%s/deb.log 2>&1 || "
	    "tail -30 %s/deb.log", src, T.dir, T.dir), 0, "make deb: %s", out);
	free(out);
	cr_assert_eq(sh(&out, "dpkg-deb -c %s/build/deb/cafeboard_*_*.deb | "
	    "awk '{ print $6 }' | grep -v '/$' | sort", src), 0);
	{
		static const char *const want[] = {
			"./usr/bin/cafeboard\n", "./usr/bin/cafeboard-server\n",
			"./usr/libexec/cafeboard/cafeboard-ssh\n",
			"./lib/systemd/system/cafeboard.service\n",
			"./usr/lib/sysusers.d/cafeboard.conf\n",
			"./usr/lib/tmpfiles.d/cafeboard.conf\n",
			"./usr/share/locale/fr/LC_MESSAGES/cafeboard.mo\n",
			"./usr/share/man/man1/cafeboard.1.gz\n",
			"./usr/share/man/man1/cafeboard-server.1.gz\n",
			"./usr/share/man/man5/cafeboard-protocol.5.gz\n",
			"./usr/share/doc/cafeboard/examples/sshd_config.d/"
			    "cafeboard.conf\n",
			"./usr/share/doc/cafeboard/examples/seed-cafe.board\n",
			"./etc/default/cafeboard\n",
		};
		size_t	i;

		for (i = 0; i < sizeof want / sizeof want[0]; i++)
			cr_assert_not_null(strstr(out, want[i]), "no %s in:\n%s",
			    want[i], out);
		/* Nothing of sshd's own configuration. */
		cr_assert_null(strstr(out, "./etc/ssh"), "%s", out);
	}
	free(out);
	/* The binaries find the catalogue where the package puts it. */
	cr_assert_eq(sh(&out, "cd %s && mkdir x && dpkg-deb -x "
	    "build/deb/cafeboard_*_*.deb x && strings x/usr/bin/cafeboard | "
	    "grep -c '^/usr/share/locale$'", src), 0, "%s", out);
	free(out);
	cr_assert_eq(sh(&out, "lintian --fail-on error,warning "
	    "%s/build/deb/cafeboard_*_*.deb 2>&1 | grep -v 'root privileges'",
	    src), 1, "lintian: %s", out);
	free(out);
	/*
	 * The unit is sound: systemd-analyze verify, on the package's unit
	 * with its programs and man page where the package put them.
	 */
	if (system("command -v systemd-analyze >/dev/null") == 0) {
		cr_assert_eq(sh(&out, "cd %s && mkdir u && sed \"s|/usr/bin/|"
		    "$PWD/x/usr/bin/|\" x/lib/systemd/system/cafeboard.service "
		    "> u/cafeboard.service && MANPATH=$PWD/x/usr/share/man "
		    "systemd-analyze verify u/cafeboard.service", src), 0,
		    "systemd-analyze verify: %s", out);
		cr_assert_str_eq(out, "", "systemd-analyze verify: %s", out);
		free(out);
	}
}

/* ------------------------------------------------------------ docs */

/*
 * The unit a document shows: from the first line starting with "#" after
 * marker up to stop (excluded); indented (a Markdown code block): without
 * its first four columns.  malloc'd.
 */
static char *
unit_in(const char *doc, const char *marker, bool indented, const char *stop)
{
	const char	*p = strstr(doc, marker), *end, *line, *nl;
	char		*out, *o;

	cr_assert_not_null(p, "no \"%s\"", marker);
	p = strstr(p, indented ? "\n    #" : "\n#");
	cr_assert_not_null(p, "no unit after \"%s\"", marker);
	end = strstr(++p, stop);
	cr_assert_not_null(end, "no \"%s\"", stop);
	o = out = malloc((size_t)(end - p) + 1);
	for (line = p; line < end; line = nl + 1) {
		nl = strchr(line, '\n');
		if (indented && strncmp(line, "    ", 4) == 0)
			line += 4;
		memcpy(o, line, (size_t)(nl - line) + 1);
		o += nl - line + 1;
	}
	*o = '\0';
	return out;
}

Test(deploy, the_readme_and_the_man_page_show_the_shipped_unit)
{
	char	 path[300], *unit, *readme, *man, *shown;

	snprintf(path, sizeof path, "%s/contrib/cafeboard.service", top());
	cr_assert_not_null(unit = slurp(path));
	snprintf(path, sizeof path, "%s/README.md", top());
	cr_assert_not_null(readme = slurp(path));
	snprintf(path, sizeof path, "%s/man/cafeboard-server.1", top());
	cr_assert_not_null(man = slurp(path));
	shown = unit_in(readme, "contrib/cafeboard.service", true,
	    "\nIts options go in");
	cr_assert_str_eq(shown, unit, "README:\n%s\ncontrib:\n%s", shown,
	    unit);
	free(shown);
	shown = unit_in(man, "contrib/cafeboard.service", false, ".Ed\n");
	cr_assert_str_eq(shown, unit, "man page:\n%s\ncontrib:\n%s", shown,
	    unit);
	free(shown);
	free(unit);
	free(readme);
	free(man);
}

Test(deploy, the_man_pages_are_clean_for_mandoc_and_groff)
{
	static const char *const pages[] = {
		"man/cafeboard.1", "man/cafeboard-server.1",
		"man/cafeboard-protocol.5",
	};
	char	*out = NULL;
	size_t	 i;

	if (system("command -v mandoc >/dev/null && command -v groff "
	    ">/dev/null") != 0)
		cr_skip_test("needs mandoc and groff");
	for (i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		cr_assert_eq(sh(&out, "cd %s && mandoc -Tlint -W warning %s; "
		    "groff -ww -mandoc -Tutf8 -z %s", top(), pages[i],
		    pages[i]), 0, "%s", out);
		cr_assert_str_eq(out, "", "%s: %s", pages[i], out);
		free(out);
	}
	/* The SYNOPSIS shows the choice between a host and a socket. */
	cr_assert_eq(sh(&out, "cd %s && mandoc -Tascii man/cafeboard.1 | col -bx "
	    "| tr -s ' \\n' ' '", top()), 0);
	cr_assert_not_null(strstr(out, "[--connect host[:port] [--tls] [--pin "
	    "fingerprint] [--insecure] | --socket path]"), "%s", out);
	free(out);
}
