/*
 * tui-harness.c -- drive the real cafeboard client in a private tmux, with a
 * real cafeboard-server (see tui-harness.h).
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tsupport.h"
#include "tui-harness.h"

/* Sleep a little between polls. */
void
tui_nap(void)
{
	struct timespec	ts = { 0, TUI_POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Start argv in the background with stdio on /dev/null (or log), dying
 * with us.  Returns its pid.
 */
pid_t
tui_spawn(char *const argv[], const char *log)
{
	pid_t	pid, parent = getpid();
	int	fd;

	pid = fork();
	cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (log != NULL && (fd = open(log, O_WRONLY | O_CREAT |
		    O_APPEND, 0600)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		setpgid(0, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Run argv, wait for it; its output in *out (malloc'd) if out != NULL. */
static int
tui_run(char *const argv[], char **out)
{
	int	p[2], status, fd;
	pid_t	pid;
	char	*buf = NULL;
	size_t	len = 0, cap = 0;
	ssize_t	n;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		dup2(p[1], 1);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 2);
		}
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap == 0 ? 16384 : cap * 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		n = read(p[0], buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (out != NULL)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A tmux command on our private server; its output if out != NULL. */
int
tui_tmux(struct tui *t, char **out, ...)
{
	char	*argv[32];
	va_list	 ap;
	int	 n = 0;

	argv[n++] = "tmux";
	argv[n++] = "-L";
	argv[n++] = t->tmux_name;
	va_start(ap, out);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return tui_run(argv, out);
}

/* Wait for a file to exist. */
void
tui_wait_file(const char *path)
{
	int64_t	end = ts_now_ms() + TUI_DEADLINE_MS;

	while (access(path, F_OK) != 0) {
		cr_assert_lt(ts_now_ms(), end, "%s never appeared", path);
		tui_nap();
	}
}

/* Start (or restart) cafeboard-server on our socket and data. */
void
tui_server_start(struct tui *t)
{
	char	 log[300];
	char	*argv[] = { (char *)t->server_bin, "--socket", t->sock,
	    "--data", t->data, "--log-level", "debug", NULL };

	snprintf(log, sizeof log, "%s/server.log", t->dir);
	unlink(t->sock);
	t->server = tui_spawn(argv, log);
	tui_wait_file(t->sock);
	tui_wait_file(t->key);
}

/* Stop the server with sig (SIGKILL: a crash) and reap it. */
void
tui_server_stop(struct tui *t, int sig)
{
	int	status;

	if (t->server <= 0)
		return;
	kill(t->server, sig);
	while (waitpid(t->server, &status, 0) == -1 && errno == EINTR)
		;
	t->server = 0;
}

/* Create a board offline from a board file's text (server stopped). */
void
tui_board(struct tui *t, const char *name, const char *text)
{
	char	path[300];
	FILE	*f;
	char	*argv[] = { (char *)t->server_bin, "create", (char *)name,
	    "--from", path, "--data", t->data, NULL };

	snprintf(path, sizeof path, "%s/%s.board", t->dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(tui_run(argv, NULL), 0, "cafeboard-server create failed");
}

/* Set up: directory, tmux server; the cafeboard server is up to the test. */
void
tui_init(struct tui *t)
{
	int64_t	end;

	memset(t, 0, sizeof *t);
	t->server_bin = getenv("CB_SERVER");
	t->client_bin = getenv("CB_CLIENT");
	cr_assert_not_null(t->server_bin, "CB_SERVER is not set (make check)");
	cr_assert_not_null(t->client_bin, "CB_CLIENT is not set (make check)");
	cr_assert_eq(access(t->server_bin, X_OK), 0, "no %s", t->server_bin);
	cr_assert_eq(access(t->client_bin, X_OK), 0, "no %s", t->client_bin);
	snprintf(t->dir, sizeof t->dir, "/tmp/cb-tui-XXXXXX");
	cr_assert_not_null(mkdtemp(t->dir));
	snprintf(t->sock, sizeof t->sock, "%s/server.sock", t->dir);
	snprintf(t->data, sizeof t->data, "%s/data", t->dir);
	snprintf(t->key, sizeof t->key, "%s/facilitator.key", t->data);
	mkdir(t->data, 0700);

	/* tmux's socket in our directory: nothing shared with anyone. */
	setenv("TMUX_TMPDIR", t->dir, 1);
	unsetenv("TMUX");
	snprintf(t->tmux_name, sizeof t->tmux_name, "cbtui%ld", (long)getpid());
	snprintf(t->tmux_sock, sizeof t->tmux_sock, "%s/tmux-%ld/%s", t->dir,
	    (long)getuid(), t->tmux_name);
	{
		char *argv[] = { "tmux", "-D", "-L", t->tmux_name, "-f",
		    "/dev/null", NULL };

		t->tmux = tui_spawn(argv, NULL);
	}
	tui_wait_file(t->tmux_sock);
	end = ts_now_ms() + TUI_DEADLINE_MS;
	while (tui_tmux(t, NULL, "set-option", "-g", "remain-on-exit", "on",
	    NULL) != 0) {
		cr_assert_lt(ts_now_ms(), end, "tmux does not answer");
		tui_nap();
	}
	tui_tmux(t, NULL, "set-option", "-g", "default-terminal",
	    "tmux-256color", NULL);
}

/* Sanitizer reports of our clients: their count, each printed. */
static int
tui_sanitizer_logs(struct tui *t)
{
	char		 path[400], line[512];
	FILE		*f;
	int		 i, k, bad = 0;
	const char	*kinds[] = { "asan", "ubsan" };

	for (i = 0; i < t->nclients; i++) {
		for (k = 0; k < 2; k++) {
			snprintf(path, sizeof path, "%s/%s.%ld", t->dir,
			    kinds[k], (long)t->clients[i]);
			if ((f = fopen(path, "r")) == NULL)
				continue;
			bad++;
			while (fgets(line, sizeof line, f) != NULL)
				fputs(line, stderr);
			fclose(f);
		}
	}
	return bad;
}

/* True while pid runs (a zombie has ended: only its parent has not seen). */
bool
tui_alive(pid_t pid)
{
	char	 path[64], buf[256], *p;
	FILE	*f;
	bool	 alive = false;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fgets(buf, sizeof buf, f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ')
		alive = p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return alive;
}

/* Close the terminals (SIGHUP, as when SSH drops) and wait for the clients. */
void
tui_stop_clients(struct tui *t)
{
	int	status, i;
	int64_t	end;

	if (t->tmux <= 0)
		return;
	tui_tmux(t, NULL, "kill-server", NULL);
	kill(t->tmux, SIGKILL);
	while (waitpid(t->tmux, &status, 0) == -1 && errno == EINTR)
		;
	t->tmux = 0;
	for (i = 0; i < t->nclients; i++) {
		end = ts_now_ms() + TUI_DEADLINE_MS;
		while (t->clients[i] > 0 && tui_alive(t->clients[i]) &&
		    ts_now_ms() < end)
			tui_nap();
	}
}

/*
 * The end of a test that went well: every client leaves on SIGHUP, and no
 * sanitizer (in a SAN=1 build) found anything in any of them.
 */
void
tui_end(struct tui *t)
{
	tui_stop_clients(t);
	cr_assert_eq(tui_sanitizer_logs(t), 0,
	    "a sanitizer reported on a client (see above)");
	t->nclients = 0;
}

/* Tear down whatever the test started, by pid, even after a failure. */
void
tui_fini(struct tui *t)
{
	tui_stop_clients(t);
	tui_sanitizer_logs(t);
	tui_server_stop(t, SIGTERM);
	if (t->dir[0] != '\0' && getenv("CB_KEEP") == NULL)
		ts_rm_tree(t->dir);
}

/*
 * Start a client in a window named win with environment assignments and
 * extra arguments (shell fragments: the test writes them).
 */
void
tui_client_run(struct tui *t, const char *win, const char *env,
    const char *args, bool wrap)
{
	char	cmd[2048];

	/*
	 * A sanitizer build writes what it finds where tui_end looks.  A
	 * wrapped client runs under the pane's shell, which writes its exit
	 * status to WIN.exit (tmux alone may be slow to reap a process).
	 */
	snprintf(cmd, sizeof cmd, "%senv LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "LANGUAGE= ASAN_OPTIONS=log_path='%s/asan' "
	    "UBSAN_OPTIONS=log_path='%s/ubsan':print_stacktrace=1 %s '%s' "
	    "--socket '%s' --log-file '%s/%s.log' %s%s%s%s", wrap ? "" : "exec ",
	    t->dir, t->dir, env, t->client_bin, t->sock, t->dir, win, args,
	    wrap ? "; echo $? > '" : "", wrap ? t->dir : "", wrap ? "/" : "");
	if (wrap)
		snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd),
		    "%s.exit'", win);
	if (!t->session) {
		cr_assert_eq(tui_tmux(t, NULL, "new-session", "-d", "-s", "cb",
		    "-n", win, "-x", "100", "-y", "30", cmd, NULL), 0);
		t->session = true;
	} else
		cr_assert_eq(tui_tmux(t, NULL, "new-window", "-d", "-t", "cb:",
		    "-n", win, cmd, NULL), 0);
	if (t->nclients < 16) {
		char	 target[64], *out = NULL;

		snprintf(target, sizeof target, "cb:%s", win);
		tui_tmux(t, &out, "display-message", "-p", "-t", target,
		    "#{pane_pid}", NULL);
		t->clients[t->nclients++] = (pid_t)atol(out);
		free(out);
	}
}

/* A client whose pane process is itself. */
void
tui_client_env(struct tui *t, const char *win, const char *env,
    const char *args)
{
	tui_client_run(t, win, env, args, false);
}

/*
 * The pid of the wrapped client of win (the child of its pane's shell),
 * once it runs.
 */
pid_t
tui_wrapped_pid(struct tui *t, const char *win)
{
	char	 target[64], path[128], buf[64], *out = NULL;
	FILE	*f;
	long	 sh, pid = 0;
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;

	snprintf(target, sizeof target, "cb:%s", win);
	tui_tmux(t, &out, "display-message", "-p", "-t", target,
	    "#{pane_pid}", NULL);
	sh = atol(out);
	free(out);
	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", sh, sh);
	while (pid == 0) {
		cr_assert_lt(ts_now_ms(), end, "no client under the shell");
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(buf, sizeof buf, f) != NULL)
				pid = atol(buf);
			fclose(f);
		}
		if (pid == 0)
			tui_nap();
	}
	if (t->nclients < 16)
		t->clients[t->nclients++] = (pid_t)pid;
	return (pid_t)pid;
}

/* The exit status a wrapped client left in WIN.exit (waits for it). */
int
tui_wrapped_status(struct tui *t, const char *win)
{
	char	 path[300];
	FILE	*f;
	int	 st = -1;
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;

	snprintf(path, sizeof path, "%s/%s.exit", t->dir, win);
	for (;;) {
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%d", &st) == 1) {
				fclose(f);
				return st;
			}
			fclose(f);
		}
		cr_assert_lt(ts_now_ms(), end, "%s never ended", win);
		tui_nap();
	}
}

/* A client in English. */
void
tui_client(struct tui *t, const char *win, const char *args)
{
	tui_client_env(t, win, "", args);
}

/* The screen of window win (with escapes for attributes if esc). */
char *
tui_screen(struct tui *t, const char *win, bool esc)
{
	char	target[64], *out = NULL;

	snprintf(target, sizeof target, "cb:%s", win);
	if (esc)
		tui_tmux(t, &out, "capture-pane", "-p", "-e", "-t", target,
		    NULL);
	else
		tui_tmux(t, &out, "capture-pane", "-p", "-t", target, NULL);
	return out;
}

/* Wait until win shows needle; fails the test at the deadline. */
char *
tui_wait(struct tui *t, const char *win, const char *needle)
{
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
	char	*s;

	for (;;) {
		s = tui_screen(t, win, false);
		if (strstr(s, needle) != NULL)
			return s;
		if (ts_now_ms() > end) {
			cr_log_error("screen of %s:\n%s", win, s);
			cr_assert_fail("\"%s\" never showed in %s", needle,
			    win);
		}
		free(s);
		tui_nap();
	}
}

/* Wait until win no longer shows needle. */
char *
tui_wait_gone(struct tui *t, const char *win, const char *needle)
{
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
	char	*s;

	for (;;) {
		s = tui_screen(t, win, false);
		if (strstr(s, needle) == NULL)
			return s;
		if (ts_now_ms() > end) {
			cr_log_error("screen of %s:\n%s", win, s);
			cr_assert_fail("\"%s\" stayed in %s", needle, win);
		}
		free(s);
		tui_nap();
	}
}

/* Send tmux key names to win (NULL-terminated). */
void
tui_keys(struct tui *t, const char *win, ...)
{
	char	*argv[40], target[64];
	va_list	 ap;
	int	 n = 0;

	snprintf(target, sizeof target, "cb:%s", win);
	argv[n++] = "tmux";
	argv[n++] = "-L";
	argv[n++] = t->tmux_name;
	argv[n++] = "send-keys";
	argv[n++] = "-t";
	argv[n++] = target;
	va_start(ap, win);
	while (n < 39 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	cr_assert_eq(tui_run(argv, NULL), 0);
}

/* Type text literally in win. */
void
tui_type(struct tui *t, const char *win, const char *text)
{
	char	target[64];

	snprintf(target, sizeof target, "cb:%s", win);
	cr_assert_eq(tui_tmux(t, NULL, "send-keys", "-t", target, "-l", text,
	    NULL), 0);
}

/* A tmux format about win's pane, e.g. "#{pane_dead}". */
char *
tui_pane(struct tui *t, const char *win, const char *fmt)
{
	char	target[64], *out = NULL;
	size_t	n;

	snprintf(target, sizeof target, "cb:%s", win);
	tui_tmux(t, &out, "display-message", "-p", "-t", target, fmt, NULL);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return out;
}

/* Times needle occurs in s. */
int
tui_count(const char *s, const char *needle)
{
	int		 n = 0;
	const char	*p = s;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* A board "cafe" from text, the server, Fanny and maybe Anne. */
void
tui_cafe(struct tui *t, const char *text, bool anne)
{
	char	args[512];

	tui_board(t, "cafe", text);
	tui_server_start(t);
	snprintf(args, sizeof args, "--board cafe --name Fanny --key-file "
	    "'%s'", t->key);
	tui_client(t, "fac", args);
	free(tui_wait(t, "fac", "connected"));
	if (anne) {
		tui_client(t, "anne", "--board cafe --name Anne");
		free(tui_wait(t, "anne", "(your table)"));
	}
}

/* The facilitator sets the phase (1 welcome ... 6 closed). */
void
tui_phase(struct tui *t, const char *digit, const char *name)
{
	char	want[64];

	tui_keys(t, "fac", ":", NULL);
	free(tui_wait(t, "fac", "Facilitator console"));
	tui_keys(t, "fac", "p", NULL);
	free(tui_wait(t, "fac", "harvest"));
	tui_keys(t, "fac", digit, NULL);
	snprintf(want, sizeof want, "Phase: %s", name);
	free(tui_wait(t, "fac", want));
}

/* Someone writes a card (once their screen is in the ideas phase). */
void
tui_add_card(struct tui *t, const char *win, const char *text)
{
	free(tui_wait(t, win, "Phase: ideas"));
	tui_keys(t, win, "a", NULL);
	free(tui_wait(t, win, "New idea"));
	tui_type(t, win, text);
	tui_keys(t, win, "Enter", NULL);
	free(tui_wait_gone(t, win, "New idea"));
}

/* A line typed in window win, then Enter. */
void
tui_line(struct tui *t, const char *win, const char *text)
{
	tui_type(t, win, text);
	tui_keys(t, win, "Enter", NULL);
}
