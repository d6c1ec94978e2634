/*
 * bsupport.c -- builds, servers, raw clients of three protocols and the
 * report of the network benchmarks.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsupport.h"
#include "tsupport.h"

#define BS_MAX_FIGURES	128
#define BS_MAX_SYSTEMS	8
#define BS_MAX_TRACKED	64
#define BS_CHANNEL	"cafe"

/* One cell of the report. */
struct bs_cell {
	bool		 set;
	double		 value;
	char		 note[40];
};

/* The report of the benchmark running (a test program: one at a time). */
static struct {
	char		 bench[64];
	char		 figure[BS_MAX_FIGURES][96];
	char		 unit[BS_MAX_FIGURES][24];
	int		 nfigures;
	char		 system[BS_MAX_SYSTEMS][16];
	int		 nsystems;
	struct bs_cell	 cell[BS_MAX_FIGURES][BS_MAX_SYSTEMS];
} R;

/* What to clean up when a benchmark dies half way. */
static struct bs_server	*tracked_servers[BS_MAX_TRACKED];
static pid_t		 tracked_pids[BS_MAX_TRACKED];

/* ---------------------------------------------------------------- report */

/* Start the report of one benchmark. */
void
bs_begin(const char *bench)
{
	memset(&R, 0, sizeof R);
	snprintf(R.bench, sizeof R.bench, "%s", bench);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* True when make bench-quick asked for short runs. */
bool
bs_quick(void)
{
	const char	*q = getenv("CB_BENCH_QUICK");

	return q != NULL && q[0] != '\0' && strcmp(q, "0") != 0;
}

/* The row of figure (made on first use). */
static int
bs_row(const char *figure, const char *unit)
{
	int	i;

	for (i = 0; i < R.nfigures; i++)
		if (strcmp(R.figure[i], figure) == 0)
			return i;
	if (R.nfigures == BS_MAX_FIGURES)
		bs_die("too many figures");
	snprintf(R.figure[i], sizeof R.figure[i], "%s", figure);
	snprintf(R.unit[i], sizeof R.unit[i], "%s", unit);
	R.nfigures++;
	return i;
}

/* The column of system (made on first use). */
static int
bs_col(const char *system)
{
	int	i;

	for (i = 0; i < R.nsystems; i++)
		if (strcmp(R.system[i], system) == 0)
			return i;
	if (R.nsystems == BS_MAX_SYSTEMS)
		bs_die("too many systems");
	snprintf(R.system[i], sizeof R.system[i], "%s", system);
	R.nsystems++;
	return i;
}

/* One figure measured on one system. */
void
bs_put(const char *figure, const char *system, double value, const char *unit)
{
	struct bs_cell	*c = &R.cell[bs_row(figure, unit)][bs_col(system)];

	c->set = true;
	c->value = value;
	c->note[0] = '\0';
}

/* A note in place of a figure. */
void
bs_note(const char *figure, const char *system, const char *note)
{
	struct bs_cell	*c = &R.cell[bs_row(figure, "")][bs_col(system)];

	c->set = true;
	c->value = 0;
	snprintf(c->note, sizeof c->note, "%s", note);
}

/* A value in a few significant digits. */
static void
bs_fmt(char *buf, size_t len, double v)
{
	double	a = v < 0 ? -v : v;

	if (a >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10 || v == 0)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 1)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3f", v);
}

/* A string as a JSON string body (no quotes). */
static void
bs_json_str(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

/* Print the table and append the JSON lines. */
void
bs_end(void)
{
	const char	*path = getenv("CB_BENCH_JSON");
	char		 label[128], v[48];
	FILE		*f = NULL;
	int		 i, j, w = 20;

	for (i = 0; i < R.nfigures; i++) {
		snprintf(label, sizeof label, R.unit[i][0] != '\0' ? "%s (%s)" :
		    "%s", R.figure[i], R.unit[i]);
		if ((int)strlen(label) > w)
			w = (int)strlen(label);
	}
	printf("\n%-*s", w, R.bench);
	for (j = 0; j < R.nsystems; j++)
		printf(" | %14s", R.system[j]);
	printf("\n");
	for (i = 0; i < w; i++)
		putchar('-');
	for (j = 0; j < R.nsystems; j++)
		printf("-+---------------");
	printf("\n");
	for (i = 0; i < R.nfigures; i++) {
		snprintf(label, sizeof label, R.unit[i][0] != '\0' ? "%s (%s)" :
		    "%s", R.figure[i], R.unit[i]);
		printf("%-*s", w, label);
		for (j = 0; j < R.nsystems; j++) {
			const struct bs_cell *c = &R.cell[i][j];

			if (!c->set)
				snprintf(v, sizeof v, "-");
			else if (c->note[0] != '\0')
				snprintf(v, sizeof v, "%s", c->note);
			else
				bs_fmt(v, sizeof v, c->value);
			printf(" | %14s", v);
		}
		printf("\n");
	}
	printf("\n");
	if (path == NULL || path[0] == '\0' || (f = fopen(path, "a")) == NULL)
		return;
	for (i = 0; i < R.nfigures; i++) {
		for (j = 0; j < R.nsystems; j++) {
			const struct bs_cell *c = &R.cell[i][j];

			if (!c->set)
				continue;
			fprintf(f, "{\"bench\":\"");
			bs_json_str(f, R.bench);
			fprintf(f, "\",\"figure\":\"");
			bs_json_str(f, R.figure[i]);
			fprintf(f, "\",\"system\":\"");
			bs_json_str(f, R.system[j]);
			if (c->note[0] != '\0') {
				fprintf(f, "\",\"value\":null,\"note\":\"");
				bs_json_str(f, c->note);
				fprintf(f, "\"}\n");
			} else {
				fprintf(f, "\",\"value\":%.6g,\"unit\":\"",
				    c->value);
				bs_json_str(f, R.unit[i]);
				fprintf(f, "\"}\n");
			}
		}
	}
	fclose(f);
}

/* Give up: say why, kill and remove what was started, exit. */
void
bs_die(const char *fmt, ...)
{
	va_list	ap;
	int	i;

	fprintf(stderr, "%s: ", R.bench[0] != '\0' ? R.bench : "bench");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	for (i = 0; i < BS_MAX_TRACKED; i++) {
		if (tracked_pids[i] > 0) {
			kill(tracked_pids[i], SIGKILL);
			waitpid(tracked_pids[i], NULL, 0);
		}
		if (tracked_servers[i] != NULL)
			bs_server_cleanup(tracked_servers[i]);
	}
	exit(1);
}

/* Remember (or forget) a process to kill if the benchmark dies. */
void
bs_track(pid_t pid, bool on)
{
	int	i;

	for (i = 0; i < BS_MAX_TRACKED; i++) {
		if (on && tracked_pids[i] == 0) {
			tracked_pids[i] = pid;
			return;
		}
		if (!on && tracked_pids[i] == pid) {
			tracked_pids[i] = 0;
			return;
		}
	}
}

/* Remember (or forget) a server to clean up if the benchmark dies. */
static void
bs_track_server(struct bs_server *s, bool on)
{
	int	i;

	for (i = 0; i < BS_MAX_TRACKED; i++) {
		if (on && tracked_servers[i] == NULL) {
			tracked_servers[i] = s;
			return;
		}
		if (!on && tracked_servers[i] == s) {
			tracked_servers[i] = NULL;
			return;
		}
	}
}

/* ---------------------------------------------------------------- builds */

/* The builds to measure: base (when given) then this. */
int
bs_builds(struct bs_build *b)
{
	const char	*bs = getenv("CB_BASE_SERVER");
	const char	*bc = getenv("CB_BASE_CLIENT");
	int		 n = 0;

	if (bs != NULL && bs[0] != '\0') {
		b[n].label = "base";
		b[n].server = bs;
		b[n].client = bc != NULL && bc[0] != '\0' ? bc : NULL;
		n++;
	}
	b[n].label = "this";
	b[n].server = ts_bin("CB_SERVER", "server/cafeboard-server");
	b[n].client = ts_bin("CB_CLIENT", "client/cafeboard");
	n++;
	return n;
}

/* True when `bin --help` mentions option. */
bool
bs_server_has(const char *bin, const char *option)
{
	char	 cmd[1024], line[512];
	FILE	*p;
	bool	 has = false;

	snprintf(cmd, sizeof cmd, "'%s' --help 2>&1", bin);
	if ((p = popen(cmd, "r")) == NULL)
		return false;
	while (fgets(line, sizeof line, p) != NULL)
		if (strstr(line, option) != NULL)
			has = true;
	pclose(p);
	return has;
}

/* ---------------------------------------------------------------- processes */

/* A fresh directory for a server. */
static void
bs_server_dir(struct bs_server *s)
{
	snprintf(s->dir, sizeof s->dir, "%s/cafeboard-bench-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(s->dir) == NULL)
		bs_die("mkdtemp: %s", strerror(errno));
	snprintf(s->sock, sizeof s->sock, "%s/s", s->dir);
	snprintf(s->data, sizeof s->data, "%s/data", s->dir);
	snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
	bs_track_server(s, true);
}

/* Fork and exec s->argv, its output to the log file. */
static void
bs_server_spawn(struct bs_server *s)
{
	int	fd;

	if ((s->pid = fork()) == -1)
		bs_die("fork: %s", strerror(errno));
	if (s->pid == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		if ((fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600)) !=
		    -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(s->argv[0], s->argv);
		_exit(127);
	}
}

/* Wait until the server accepts on its TCP port. */
static void
bs_server_wait_up(struct bs_server *s)
{
	int64_t	end = ts_now_ms() + BS_SETUP_MS;
	int	fd, status;

	for (;;) {
		if ((fd = bs_tcp_connect(s->port)) != -1) {
			close(fd);
			/* A cafeboard server listens on its socket too. */
			if (s->kind != BS_CAFE ||
			    (fd = bs_unix_connect(s->sock)) != -1) {
				if (fd != -1)
					close(fd);
				return;
			}
		}
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			bs_die("%s exited at start (see %s)", s->argv[0], s->log);
		}
		if (ts_now_ms() > end)
			bs_die("%s did not start", s->argv[0]);
		usleep(5000);
	}
}

/* Start a cafeboard server with bench limits and extra arguments. */
void
bs_cafe_start(struct bs_server *s, const char *bin, ...)
{
	char		 listen[32], path[160];
	const char	*a;
	va_list		 ap;
	FILE		*f;
	int		 n = 0;

	memset(s, 0, sizeof *s);
	s->kind = BS_CAFE;
	bs_server_dir(s);
	s->port = bs_free_port();
	snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
	s->argv[n++] = strdup(bin);
	s->argv[n++] = strdup("--socket");
	s->argv[n++] = strdup(s->sock);
	s->argv[n++] = strdup("--listen");
	s->argv[n++] = strdup(listen);
	s->argv[n++] = strdup("--data");
	s->argv[n++] = strdup(s->data);
	s->argv[n++] = strdup("--log-level");
	s->argv[n++] = strdup("warn");
	s->argv[n++] = strdup("--log-file");
	s->argv[n++] = strdup(s->log);
	s->argv[n++] = strdup("--max-conns");
	s->argv[n++] = strdup("4000");
	s->argv[n++] = strdup("--max-conns-per-peer");
	s->argv[n++] = strdup("0");
	s->argv[n++] = strdup("--max-cards");
	s->argv[n++] = strdup("0");
	s->argv[n++] = strdup("--max-participants");
	s->argv[n++] = strdup("0");
	va_start(ap, bin);
	while ((a = va_arg(ap, const char *)) != NULL && n < 46)
		s->argv[n++] = strdup(a);
	va_end(ap);
	s->argv[n] = NULL;
	bs_server_spawn(s);
	bs_server_wait_up(s);
	/* A relay's key is the one given (the server above's). */
	snprintf(path, sizeof path, "%s/facilitator.key", s->data);
	for (n = 1; s->argv[n] != NULL; n++)
		if (strcmp(s->argv[n - 1], "--key-file") == 0)
			snprintf(path, sizeof path, "%s", s->argv[n]);
	if ((f = fopen(path, "r")) == NULL || fgets(s->key, sizeof s->key, f) ==
	    NULL)
		bs_die("no key in %s", path);
	fclose(f);
	s->key[strcspn(s->key, "\r\n")] = '\0';
}

/* Start the same server again. */
void
bs_cafe_restart(struct bs_server *s)
{
	bs_server_spawn(s);
	bs_server_wait_up(s);
}

/* The path of prog in PATH, or NULL. */
static char *
bs_which(const char *prog)
{
	const char	*path = getenv("PATH");
	char		*copy, *dir, *save, full[512];

	if (path == NULL)
		path = "/usr/bin:/bin:/usr/sbin:/sbin";
	copy = strdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		snprintf(full, sizeof full, "%s/%s", dir, prog);
		if (access(full, X_OK) == 0) {
			free(copy);
			return strdup(full);
		}
	}
	free(copy);
	return NULL;
}

/* Start redis-server (pub/sub, nothing saved) or nats-server. */
int
bs_anchor_start(struct bs_server *s, enum bs_kind kind)
{
	char	*bin, port[16];
	int	 n = 0;

	bin = bs_which(kind == BS_REDIS ? "redis-server" : "nats-server");
	if (bin == NULL)
		return -1;
	memset(s, 0, sizeof *s);
	s->kind = kind;
	bs_server_dir(s);
	s->port = bs_free_port();
	snprintf(port, sizeof port, "%d", s->port);
	s->argv[n++] = bin;
	if (kind == BS_REDIS) {
		/* No persistence and no output limit on subscribers, like
		 * the --queue-cap the cafeboard server gets. */
		s->argv[n++] = strdup("--port");
		s->argv[n++] = strdup(port);
		s->argv[n++] = strdup("--bind");
		s->argv[n++] = strdup("127.0.0.1");
		s->argv[n++] = strdup("--save");
		s->argv[n++] = strdup("");
		s->argv[n++] = strdup("--appendonly");
		s->argv[n++] = strdup("no");
		s->argv[n++] = strdup("--dir");
		s->argv[n++] = strdup(s->dir);
		s->argv[n++] = strdup("--client-output-buffer-limit");
		s->argv[n++] = strdup("pubsub 0 0 0");
		s->argv[n++] = strdup("--maxclients");
		s->argv[n++] = strdup("4000");
	} else {
		s->argv[n++] = strdup("-a");
		s->argv[n++] = strdup("127.0.0.1");
		s->argv[n++] = strdup("-p");
		s->argv[n++] = strdup(port);
	}
	s->argv[n] = NULL;
	bs_server_spawn(s);
	bs_server_wait_up(s);
	return 0;
}

/* Send sig and reap, killing after a deadline. */
void
bs_server_stop(struct bs_server *s, int sig)
{
	int64_t	end = ts_now_ms() + BS_SETUP_MS;

	if (s->pid <= 0)
		return;
	kill(s->pid, sig);
	while (waitpid(s->pid, NULL, WNOHANG) != s->pid) {
		if (ts_now_ms() > end) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			break;
		}
		usleep(5000);
	}
	s->pid = 0;
}

/* Kill what is left and remove the directory. */
void
bs_server_cleanup(struct bs_server *s)
{
	int	i;

	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (s->dir[0] != '\0' && getenv("CB_KEEP_TMP") == NULL)
		ts_rm_tree(s->dir);
	s->dir[0] = '\0';
	for (i = 0; s->argv[i] != NULL; i++) {
		free(s->argv[i]);
		s->argv[i] = NULL;
	}
	bs_track_server(s, false);
}

/* CPU seconds used by a process, all its threads. */
double
bs_proc_cpu(pid_t pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut = 0, st = 0;
	FILE		*f;
	int		 i;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	/* Fields after the name: state is 3; utime 14, stime 15. */
	for (i = 3, p += 2; i < 14 && p != NULL; i++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p != NULL)
		sscanf(p, "%lu %lu", &ut, &st);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/*
 * CPU seconds used by a single-threaded process, to the nanosecond: the
 * first field of /proc/PID/schedstat (time on a CPU, user and system),
 * where clock ticks of 10 ms would round a few ms of work away.  The
 * ticks of bs_proc_cpu where the kernel has no schedstat.
 */
double
bs_proc_cpu_fine(pid_t pid)
{
	char			 path[64];
	unsigned long long	 ns;
	FILE			*f;
	int			 n;

	snprintf(path, sizeof path, "/proc/%ld/schedstat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return bs_proc_cpu(pid);
	n = fscanf(f, "%llu", &ns);
	fclose(f);
	if (n != 1)
		return bs_proc_cpu(pid);
	return (double)ns / 1e9;
}

/* A numeric field of /proc/PID/file ("status", "io"), or -1. */
long
bs_proc_field(pid_t pid, const char *file, const char *key)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 v = -1;

	snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, file);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key));
	fclose(f);
	return v;
}

/* Raise the soft limit on open files to the hard one. */
void
bs_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Compare two int64_t for qsort. */
static int
bs_cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort n values. */
void
bs_sort(int64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, bs_cmp_i64);
}

/* Percentile q of n sorted values (nearest rank). */
int64_t
bs_pctl(const int64_t *v, size_t n, double q)
{
	size_t	i;

	if (n == 0)
		return 0;
	i = (size_t)(q * (double)n + 0.999999);
	if (i > 0)
		i--;
	return v[i < n ? i : n - 1];
}

/* Start counting pid's syscalls with perf, if there is a perf. */
void
bs_sys_begin(struct bs_sys *y, pid_t pid)
{
	char	*perf = bs_which("perf"), spid[24];
	int	 fd;

	memset(y, 0, sizeof *y);
	if (perf == NULL)
		return;
	snprintf(y->out, sizeof y->out, "/tmp/cafeboard-perf-%ld.txt",
	    (long)getpid());
	snprintf(spid, sizeof spid, "%ld", (long)pid);
	if ((y->perf = fork()) == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(perf, "perf", "stat", "-x", ",", "-o", y->out, "-e",
		    "raw_syscalls:sys_enter,syscalls:sys_enter_epoll_ctl",
		    "-p", spid, (char *)NULL);
		_exit(127);
	}
	free(perf);
	if (y->perf > 0) {
		bs_track(y->perf, true);
		usleep(300000);	/* perf attaches */
	}
}

/* Stop counting: the syscalls and epoll_ctl calls; -1 if not measured. */
int
bs_sys_end(struct bs_sys *y, double *total, double *epoll_ctl)
{
	char	 line[256];
	FILE	*f;
	int	 status, got = 0;

	if (y->perf <= 0)
		return -1;
	kill(y->perf, SIGINT);
	waitpid(y->perf, &status, 0);
	bs_track(y->perf, false);
	y->perf = 0;
	if ((f = fopen(y->out, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, "raw_syscalls:sys_enter") != NULL &&
		    line[0] >= '0' && line[0] <= '9') {
			*total = atof(line);
			got |= 1;
		}
		if (strstr(line, "sys_enter_epoll_ctl") != NULL &&
		    line[0] >= '0' && line[0] <= '9') {
			*epoll_ctl = atof(line);
			got |= 2;
		}
	}
	fclose(f);
	unlink(y->out);
	return got == 3 ? 0 : -1;
}

/* ---------------------------------------------------------------- sockets */

/* A free TCP port on 127.0.0.1. */
int
bs_free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, port;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		bs_die("socket: %s", strerror(errno));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		bs_die("bind: %s", strerror(errno));
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* Connect to 127.0.0.1:port with TCP_NODELAY. */
int
bs_tcp_connect(int port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Connect to a Unix socket. */
int
bs_unix_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Make fd non-blocking. */
void
bs_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Write all of buf, waiting while the socket is full. */
int
bs_send_all(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	struct pollfd	 pfd;
	ssize_t		 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			poll(&pfd, 1, 100);
			continue;
		}
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- msgpack */

/* One msgpack unsigned integer at *p; -1 if it is not one. */
static int
bs_mp_uint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t	*q = *p;
	size_t		 n, i;

	if (q >= end)
		return -1;
	if (*q <= 0x7f) {
		*v = *q;
		*p = q + 1;
		return 0;
	}
	switch (*q) {
	case 0xcc: n = 1; break;
	case 0xcd: n = 2; break;
	case 0xce: n = 4; break;
	case 0xcf: n = 8; break;
	default: return -1;
	}
	if ((size_t)(end - q) < n + 1)
		return -1;
	for (*v = 0, i = 1; i <= n; i++)
		*v = (*v << 8) | q[i];
	*p = q + 1 + n;
	return 0;
}

/* An EVENT's seq, origin, op_id and kind, from the frame body. */
int
bs_event_peek(const uint8_t *body, size_t len, struct bs_event *e)
{
	const uint8_t	*p = body, *end = body + len;
	uint64_t	 v[5];
	int		 i;

	if (len < 2)
		return -1;
	if ((*p & 0xf0) == 0x90)
		p++;
	else if (*p == 0xdc)
		p += 3;
	else
		return -1;
	for (i = 0; i < 5; i++)
		if (bs_mp_uint(&p, end, &v[i]) != 0)
			return -1;
	if (v[0] != PROTO_EVENT)
		return -1;
	e->seq = v[1];
	e->origin = (uint32_t)v[2];
	e->op_id = (uint32_t)v[3];
	e->kind = (uint8_t)v[4];
	return 0;
}

/* ---------------------------------------------------------------- the loop */

/* A loop with its frame callback. */
void
bs_loop_init(struct bs_loop *l, bs_frame_fn *fn, void *arg)
{
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	l->fn = fn;
	l->arg = arg;
}

/* Close the loop (not its connections). */
void
bs_loop_free(struct bs_loop *l)
{
	close(l->ep);
}

/* Register c on the loop. */
static void
bs_loop_add(struct bs_loop *l, struct bs_conn *c)
{
	struct epoll_event	ev;

	bs_nonblock(c->fd);
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		bs_die("epoll_ctl: %s", strerror(errno));
}

/* What a cafeboard connection handles itself, then the callback. */
static void
bs_cafe_frame(struct bs_loop *l, struct bs_conn *c, const uint8_t *body,
    size_t len, uint64_t upto, int64_t t)
{
	struct proto_msg	 m;
	struct proto_err	 err;
	struct proto_buf	 b;
	struct bs_event		 e;
	uint8_t			 type;

	type = len >= 2 ? body[1] : 0;
	if (type == PROTO_EVENT && bs_event_peek(body, len, &e) == 0) {
		c->head = e.seq;
		l->fn(l->arg, c, type, body, len, &e, t);
		return;
	}
	if (type == PROTO_WELCOME || type == PROTO_READY ||
	    type == PROTO_PING || type == PROTO_ERROR) {
		if (proto_decode(body, len, &m, &err) != PROTO_OK)
			bs_die("a frame does not decode: %s", err.text);
		switch (m.type) {
		case PROTO_WELCOME:
			c->welcomed = true;
			c->participant = m.u.welcome.participant;
			c->mode = m.u.welcome.mode;
			break;
		case PROTO_READY:
			c->ready = true;
			c->head = m.u.ready;
			c->ready_bytes = upto;
			break;
		case PROTO_PING:
			proto_buf_init(&b);
			proto_enc_pong(&b, m.u.token);
			bs_send_all(c->fd, b.data, b.len);
			proto_buf_free(&b);
			break;
		case PROTO_ERROR:
			c->error = m.u.error.code;
			fprintf(stderr, "ERROR %u: %s\n", m.u.error.code,
			    m.u.error.text);
			break;
		}
		proto_msg_free(&m);
	}
	l->fn(l->arg, c, type, body, len, NULL, t);
}

/* The end of a line ending in CRLF from p, or NULL. */
static const uint8_t *
bs_crlf(const uint8_t *p, const uint8_t *end)
{
	const uint8_t	*q;

	for (q = p; q + 1 < end; q++) {
		q = memchr(q, '\r', (size_t)(end - q));
		if (q == NULL || q + 1 >= end)
			return NULL;
		if (q[1] == '\n')
			return q;
	}
	return NULL;
}

/*
 * One RESP value at p: its length (0: not all there yet); an array's
 * first three elements in el[] (bulk strings, or integers as text).
 */
static size_t
bs_resp_value(const uint8_t *p, const uint8_t *end, const uint8_t **el,
    size_t *ellen, int *nel, char *type)
{
	const uint8_t	*q = p, *eol;
	long		 n, i, k;

	*nel = 0;
	if (p >= end || (eol = bs_crlf(p, end)) == NULL)
		return 0;
	*type = (char)*p;
	switch (*p) {
	case '+': case '-': case ':':
		return (size_t)(eol + 2 - p);
	case '$':
		n = atol((const char *)p + 1);
		if (n < 0)
			return (size_t)(eol + 2 - p);
		if (end - (eol + 2) < n + 2)
			return 0;
		return (size_t)(eol + 2 + n + 2 - p);
	case '*':
		n = atol((const char *)p + 1);
		q = eol + 2;
		for (i = 0; i < n; i++) {
			if (q >= end || (eol = bs_crlf(q, end)) == NULL)
				return 0;
			if (*q == '$') {
				k = atol((const char *)q + 1);
				if (end - (eol + 2) < k + 2)
					return 0;
				if (i < 3) {
					el[i] = eol + 2;
					ellen[i] = (size_t)k;
				}
				q = eol + 2 + k + 2;
			} else {
				if (i < 3) {
					el[i] = q + 1;
					ellen[i] = (size_t)(eol - q - 1);
				}
				q = eol + 2;
			}
		}
		*nel = n < 3 ? (int)n : 3;
		return (size_t)(q - p);
	}
	bs_die("redis said something unexpected: %.40s", (const char *)p);
}

/* Handle what a redis connection holds; what was used. */
static size_t
bs_redis_input(struct bs_loop *l, struct bs_conn *c, int64_t t)
{
	const uint8_t	*p = c->in, *end = c->in + c->inlen, *el[3];
	size_t		 ellen[3], n;
	int		 nel;
	char		 type;

	while ((n = bs_resp_value(p, end, el, ellen, &nel, &type)) > 0) {
		if (type == ':')
			c->acks++;
		else if (type == '-')
			bs_die("redis: %.*s", (int)n, (const char *)p);
		else if (type == '*' && nel == 3 && ellen[0] == 7 &&
		    memcmp(el[0], "message", 7) == 0)
			l->fn(l->arg, c, 0, el[2], ellen[2], NULL, t);
		else if (type == '*' && nel == 3 && ellen[0] == 9 &&
		    memcmp(el[0], "subscribe", 9) == 0)
			c->subscribed = true;
		p += n;
	}
	return (size_t)(p - c->in);
}

/* Handle what a nats connection holds; what was used. */
static size_t
bs_nats_input(struct bs_loop *l, struct bs_conn *c, int64_t t)
{
	const uint8_t	*p = c->in, *end = c->in + c->inlen, *eol, *sp;
	long		 n;

	while (p < end && (eol = bs_crlf(p, end)) != NULL) {
		if (eol - p >= 4 && memcmp(p, "MSG ", 4) == 0) {
			/* MSG subject sid [reply-to] bytes */
			for (sp = eol; sp > p && sp[-1] != ' '; sp--)
				continue;
			n = atol((const char *)sp);
			if (end - (eol + 2) < n + 2)
				break;
			l->fn(l->arg, c, 0, eol + 2, (size_t)n, NULL, t);
			p = eol + 2 + n + 2;
			continue;
		}
		if (eol - p == 4 && memcmp(p, "PING", 4) == 0)
			bs_send_all(c->fd, "PONG\r\n", 6);
		else if (eol - p == 4 && memcmp(p, "PONG", 4) == 0) {
			c->acks++;
			c->subscribed = true;
		} else if (*p == '-')
			bs_die("nats: %.*s", (int)(eol - p), (const char *)p);
		p = eol + 2;
	}
	return (size_t)(p - c->in);
}

/* Read what c has and handle every whole frame or message. */
static int
bs_conn_input(struct bs_loop *l, struct bs_conn *c)
{
	ssize_t		n;
	size_t		off = 0, base;
	uint32_t	flen;
	int64_t		t;

	base = c->bytes - c->inlen;
	for (;;) {
		n = ts_recv_more(c->fd, &c->in, &c->inlen, &c->incap);
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			c->closed = true;
			return -1;
		}
		c->bytes += (uint64_t)n;
		if (c->incap - c->inlen > 0 && (size_t)n < 65536)
			break;
	}
	t = ts_now_us();
	switch (c->kind) {
	case BS_CAFE:
		while (c->inlen - off >= PROTO_FRAME_HDR) {
			flen = proto_frame_len(c->in + off);
			if (c->inlen - off < PROTO_FRAME_HDR + (size_t)flen)
				break;
			bs_cafe_frame(l, c, c->in + off + PROTO_FRAME_HDR,
			    flen, base + off + PROTO_FRAME_HDR + flen, t);
			off += PROTO_FRAME_HDR + flen;
		}
		break;
	case BS_REDIS:
		off = bs_redis_input(l, c, t);
		break;
	case BS_NATS:
		off = bs_nats_input(l, c, t);
		break;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	return 0;
}

/* Wait up to ms and handle what came. */
int
bs_loop_run(struct bs_loop *l, int ms)
{
	struct epoll_event	evs[256];
	int			n, i, rc = 0;

	n = epoll_wait(l->ep, evs, 256, ms);
	for (i = 0; i < n; i++)
		if (bs_conn_input(l, evs[i].data.ptr) != 0)
			rc = -1;
	return rc;
}

/* Run until done or the deadline. */
bool
bs_loop_until(struct bs_loop *l, bool (*done)(void *), void *arg, int ms)
{
	int64_t	end = ts_now_ms() + ms;

	while (!done(arg)) {
		if (ts_now_ms() > end)
			return false;
		bs_loop_run(l, 20);
	}
	return true;
}

/* Connect a cafeboard client (TCP when port, else the Unix socket). */
void
bs_cafe_connect(struct bs_loop *l, struct bs_conn *c, int port,
    const char *path)
{
	size_t	k;

	memset(c, 0, sizeof *c);
	c->kind = BS_CAFE;
	for (k = 0; k < sizeof c->client; k++)
		c->client[k] = (uint8_t)(random() & 0xff);
	c->fd = port > 0 ? bs_tcp_connect(port) : bs_unix_connect(path);
	if (c->fd == -1)
		bs_die("connect: %s", strerror(errno));
	bs_loop_add(l, c);
}

/* Send HELLO. */
void
bs_cafe_hello(struct bs_conn *c, const char *board, const char *name,
    const char *key, uint64_t since)
{
	struct proto_hello	h;
	struct proto_buf	b;

	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = (char *)board;
	memcpy(h.client, c->client, sizeof h.client);
	h.name = (char *)name;
	h.key = (char *)key;
	h.since = since;
	/* As the real client: the compact roster (an older server ignores
	 * the key). */
	h.roster = true;
	proto_buf_init(&b);
	if (proto_enc_hello(&b, &h) == 0 || bs_send_all(c->fd, b.data,
	    b.len) != 0)
		bs_die("HELLO: %s", strerror(errno));
	proto_buf_free(&b);
}

/* Send an op with the next op_id. */
uint32_t
bs_cafe_op(struct bs_conn *c, const struct proto_op *op)
{
	struct proto_buf	b;

	proto_buf_init(&b);
	if (proto_enc_op(&b, ++c->next_op, op) == 0 || bs_send_all(c->fd,
	    b.data, b.len) != 0)
		bs_die("OP: %s", strerror(errno));
	proto_buf_free(&b);
	return c->next_op;
}

/* The op a blocking wait is for. */
struct bs_wait {
	struct bs_conn	*c;
	uint32_t	 op_id;
	uint64_t	 seq;
	int		 done;		/* 1 event, -1 reject */
	bs_frame_fn	*fn;
	void		*arg;
};

/* Watch for the awaited op's EVENT or REJECT, passing everything on. */
static void
bs_wait_frame(void *arg, struct bs_conn *c, uint8_t type, const uint8_t *body,
    size_t len, const struct bs_event *e, int64_t t)
{
	struct bs_wait		*w = arg;
	struct proto_msg	 m;
	struct proto_err	 err;

	if (c == w->c && e != NULL && e->origin == c->participant &&
	    e->op_id == w->op_id) {
		w->done = 1;
		w->seq = e->seq;
	}
	if (c == w->c && type == PROTO_REJECT && proto_decode(body, len, &m,
	    &err) == PROTO_OK) {
		if (m.u.reject.op_id == w->op_id) {
			w->done = -1;
			fprintf(stderr, "REJECT %u: %s\n", m.u.reject.code,
			    m.u.reject.text);
		}
		proto_msg_free(&m);
	}
	if (w->fn != NULL)
		w->fn(w->arg, c, type, body, len, e, t);
}

/* True once the awaited op is answered. */
static bool
bs_wait_done(void *arg)
{
	const struct bs_wait	*w = arg;

	return w->done != 0 || w->c->closed;
}

/* Send an op and wait for its EVENT. */
uint64_t
bs_cafe_op_wait(struct bs_loop *l, struct bs_conn *c,
    const struct proto_op *op)
{
	struct bs_wait	w;

	memset(&w, 0, sizeof w);
	w.c = c;
	w.fn = l->fn;
	w.arg = l->arg;
	l->fn = bs_wait_frame;
	l->arg = &w;
	w.op_id = bs_cafe_op(c, op);
	bs_loop_until(l, bs_wait_done, &w, BS_SETUP_MS);
	l->fn = w.fn;
	l->arg = w.arg;
	if (w.done != 1)
		bs_die("a setup op (%s) was not accepted",
		    proto_kind_name(op->kind));
	return w.seq;
}

/* The clients being joined. */
struct bs_joining {
	struct bs_conn	**c;
	size_t		  n;
};

/* True once every client is ready. */
static bool
bs_all_ready(void *arg)
{
	const struct bs_joining	*j = arg;
	size_t			 i;

	for (i = 0; i < j->n; i++) {
		if (j->c[i]->error != 0 || j->c[i]->closed)
			bs_die("a client was refused (ERROR %u)",
			    j->c[i]->error);
		if (!j->c[i]->ready)
			return false;
	}
	return true;
}

/* Wait until n HELLOs already sent are answered by READY. */
void
bs_cafe_join_all(struct bs_loop *l, struct bs_conn **c, size_t n)
{
	struct bs_joining	j = { c, n };

	if (!bs_loop_until(l, bs_all_ready, &j, BS_SETUP_MS * 4))
		bs_die("%zu clients did not all get READY", n);
}

/* Close a connection and free its buffer. */
void
bs_conn_close(struct bs_loop *l, struct bs_conn *c)
{
	if (c->fd != -1) {
		epoll_ctl(l->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	free(c->in);
	c->in = NULL;
	c->inlen = c->incap = 0;
}

/* ---------------------------------------------------------------- anchors */

/* True once c is subscribed. */
static bool
bs_is_subscribed(void *arg)
{
	const struct bs_conn	*c = arg;

	if (c->closed)
		bs_die("the anchor closed a connection");
	return c->subscribed;
}

/* Connect to a redis or nats server. */
void
bs_anchor_connect(struct bs_loop *l, struct bs_conn *c, enum bs_kind kind,
    int port)
{
	static const char connect[] = "CONNECT {\"verbose\":false,"
	    "\"pedantic\":false,\"echo\":true,\"lang\":\"c\","
	    "\"version\":\"0\"}\r\n";

	memset(c, 0, sizeof *c);
	c->kind = kind;
	if ((c->fd = bs_tcp_connect(port)) == -1)
		bs_die("connect to the anchor: %s", strerror(errno));
	bs_loop_add(l, c);
	if (kind == BS_NATS)
		bs_send_all(c->fd, connect, sizeof connect - 1);
}

/* Subscribe to the channel and wait for the confirmation. */
void
bs_anchor_subscribe(struct bs_loop *l, struct bs_conn *c)
{
	static const char redis[] = "*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\n"
	    BS_CHANNEL "\r\n";
	static const char nats[] = "SUB " BS_CHANNEL " 1\r\nPING\r\n";

	if (c->kind == BS_REDIS)
		bs_send_all(c->fd, redis, sizeof redis - 1);
	else
		bs_send_all(c->fd, nats, sizeof nats - 1);
	if (!bs_loop_until(l, bs_is_subscribed, c, BS_SETUP_MS))
		bs_die("no subscription confirmed");
	c->acks = 0;
}

/* One publish of payload into buf. */
size_t
bs_anchor_publish(enum bs_kind kind, char *buf, size_t cap,
    const char *payload, size_t len)
{
	int	n;

	if (kind == BS_REDIS)
		n = snprintf(buf, cap, "*3\r\n$7\r\nPUBLISH\r\n$4\r\n"
		    BS_CHANNEL "\r\n$%zu\r\n%.*s\r\n", len, (int)len, payload);
	else
		n = snprintf(buf, cap, "PUB " BS_CHANNEL " %zu\r\n%.*s\r\n",
		    len, (int)len, payload);
	if (n < 0 || (size_t)n >= cap)
		bs_die("a publish does not fit");
	return (size_t)n;
}

/* The acknowledgement asked after a batch (nats: PING); its length. */
size_t
bs_anchor_sync(enum bs_kind kind, char *buf, size_t cap)
{
	if (kind != BS_NATS || cap < 7)
		return 0;
	memcpy(buf, "PING\r\n", 6);
	return 6;
}

/* ---------------------------------------------------------------- link */

/* Start the shaper towards 127.0.0.1:to_port (bits/s, one-way ms). */
void
bs_link_start(struct bs_link *k, int to_port, const char *dir, int bits,
    int delay_ms)
{
	const char	*build = getenv("CB_BUILD");
	char		 bin[512], to[32], rate[16], delay[16], buf[32];
	int		 p[2];
	ssize_t		 n;
	size_t		 len = 0;
	struct pollfd	 pfd;
	int64_t		 end = ts_now_ms() + BS_SETUP_MS;

	snprintf(bin, sizeof bin, "%s/tests/shaper",
	    build != NULL && build[0] != '\0' ? build : "build");
	snprintf(to, sizeof to, "127.0.0.1:%d", to_port);
	snprintf(rate, sizeof rate, "%d", bits);
	snprintf(delay, sizeof delay, "%d", delay_ms);
	snprintf(k->control, sizeof k->control, "%s/link.ctl", dir);
	if (pipe2(p, O_CLOEXEC) != 0 || (k->pid = fork()) == -1)
		bs_die("fork: %s", strerror(errno));
	if (k->pid == 0) {
		dup2(p[1], 1);
		execl(bin, "shaper", "--to", to, "--rate", rate, "--delay",
		    delay, "--control", k->control, (char *)NULL);
		_exit(127);
	}
	bs_track(k->pid, true);
	close(p[1]);
	memset(buf, 0, sizeof buf);
	while (memchr(buf, '\n', len) == NULL) {
		if (ts_now_ms() > end)
			bs_die("the shaper (%s) did not start", bin);
		pfd.fd = p[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = read(p[0], buf + len, sizeof buf - 1 - len)) <= 0)
			bs_die("the shaper (%s) did not start", bin);
		len += (size_t)n;
	}
	close(p[0]);
	k->port = atoi(buf);
}

/* One command to the shaper; its answer in reply (if not NULL). */
static void
bs_link_ask(struct bs_link *k, const char *cmd, char *reply, size_t len)
{
	char	line[64], buf[160];
	ssize_t	n;
	int	fd;

	snprintf(line, sizeof line, "%s\n", cmd);
	if ((fd = bs_unix_connect(k->control)) == -1 ||
	    bs_send_all(fd, line, strlen(line)) != 0 ||
	    (n = read(fd, buf, sizeof buf - 1)) <= 0)
		bs_die("the shaper's control socket: %s", strerror(errno));
	buf[n] = '\0';
	close(fd);
	if (reply != NULL)
		snprintf(reply, len, "%s", buf);
}

/* The bytes that entered the link each way so far. */
void
bs_link_stats(struct bs_link *k, double *up, double *down)
{
	unsigned long long	u = 0, d = 0;
	char			buf[160];

	bs_link_ask(k, "stats", buf, sizeof buf);
	sscanf(buf, "up %llu down %llu", &u, &d);
	*up = (double)u;
	*down = (double)d;
}

/* Cut, restore or reset the link. */
void
bs_link_command(struct bs_link *k, const char *cmd)
{
	bs_link_ask(k, cmd, NULL, 0);
}

/* Stop the shaper. */
void
bs_link_stop(struct bs_link *k)
{
	kill(k->pid, SIGTERM);
	waitpid(k->pid, NULL, 0);
	bs_track(k->pid, false);
}
