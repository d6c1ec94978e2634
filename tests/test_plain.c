/*
 * test_plain.c -- cafeboard --plain end to end: a real cafeboard-server on
 * a private socket, real clients on pseudo-terminals (forkpty), a scripted
 * workshop whose whole transcript -- what the kernel echoed of the typing
 * and everything the clients wrote -- is compared with a golden file, in
 * English and in French.  Every byte of it is checked for escape sequences
 * and other controls.  Plus the output's one door (plain_say), fed hostile
 * text, and the durations as they are said.
 *
 * Needs CB_SERVER, CB_CLIENT and CB_TOP (make check sets them).  With
 * CB_UPDATE_GOLDEN=1 the golden files are written instead of compared.
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tsupport.h"

#include "../client/plain.h"
#include "proto.h"
#include "text.h"

/* How long anything may take before a test gives up (sanitizers are slow). */
#define PT_DEADLINE_MS	20000

/* One client on a pseudo-terminal, and everything it showed. */
struct pt {
	const char	*name;
	pid_t		 pid;
	int		 fd;
	char		*out;
	size_t		 len;
	size_t		 cap;
	size_t		 seen;		/* waits look after this */
	bool		 closed;	/* the terminal's other end is gone */
};

static struct tserver	 S;
static struct pt	 P[2];

/* Every test: a locale for the text functions. */
static void
pt_setup(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	memset(P, 0, sizeof P);
	P[0].fd = P[1].fd = -1;
}

/* Every test, even a failed one: the clients and the server, by pid. */
static void
pt_teardown(void)
{
	int	i, status;

	for (i = 0; i < 2; i++) {
		if (P[i].pid > 0) {
			kill(P[i].pid, SIGKILL);
			while (waitpid(P[i].pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
		}
		if (P[i].fd >= 0)
			close(P[i].fd);
		free(P[i].out);
	}
	if (S.pid > 0 || S.dir[0] != '\0')
		tserver_cleanup(&S);
}

TestSuite(plain, .init = pt_setup, .fini = pt_teardown, .timeout = 240);

/* Read what the terminal has for us, waiting at most ms. */
static void
pt_pump(struct pt *t, int ms)
{
	struct pollfd	pfd = { t->fd, POLLIN, 0 };
	ssize_t		n;

	if (t->closed || poll(&pfd, 1, ms) <= 0)
		return;
	if (t->len + 4096 + 1 > t->cap) {
		t->cap = t->cap == 0 ? 65536 : t->cap * 2;
		t->out = realloc(t->out, t->cap);
		cr_assert_not_null(t->out);
	}
	n = read(t->fd, t->out + t->len, t->cap - t->len - 1);
	if (n <= 0) {
		/* EIO: the client closed its side of the terminal. */
		t->closed = true;
		return;
	}
	t->len += (size_t)n;
	t->out[t->len] = '\0';
}

/*
 * Start the client on a new 80x24 terminal: in French if fr, in plain mode
 * by CAFEBOARD_PLAIN=1 if env, else by --plain.  args: NULL-terminated.
 */
static void
pt_start(struct pt *t, const char *name, bool fr, bool env, ...)
{
	struct winsize	 ws = { 24, 80, 0, 0 };
	const char	*client = getenv("CB_CLIENT"), *top = getenv("CB_TOP");
	char		*argv[24], dir[300], asan[400], ubsan[400];
	va_list		 ap;
	pid_t		 parent = getpid();
	int		 n = 0;

	cr_assert_not_null(client, "CB_CLIENT is not set (make check)");
	cr_assert_not_null(top, "CB_TOP is not set (make check)");
	argv[n++] = (char *)client;
	if (!env)
		argv[n++] = "--plain";
	argv[n++] = "--socket";
	argv[n++] = S.sock;
	va_start(ap, env);
	while (n < 23 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(dir, sizeof dir, "%s/build/locale", top);
	snprintf(asan, sizeof asan, "log_path=%s/asan", S.dir);
	snprintf(ubsan, sizeof ubsan, "log_path=%s/ubsan:print_stacktrace=1",
	    S.dir);
	memset(t, 0, sizeof *t);
	t->name = name;
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	cr_assert_neq(t->pid, -1, "forkpty: %s", strerror(errno));
	if (t->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		setenv("LC_ALL", "C.UTF-8", 1);
		setenv("LANG", "C.UTF-8", 1);
		if (fr)
			setenv("LANGUAGE", "fr", 1);
		else
			unsetenv("LANGUAGE");
		if (env)
			setenv("CAFEBOARD_PLAIN", "1", 1);
		else
			unsetenv("CAFEBOARD_PLAIN");
		setenv("CAFEBOARD_LOCALEDIR", dir, 1);
		setenv("ASAN_OPTIONS", asan, 1);
		setenv("UBSAN_OPTIONS", ubsan, 1);
		setenv("TERM", "xterm", 1);
		execv(argv[0], argv);
		_exit(127);
	}
}

/*
 * Wait until t shows needle after what was waited for before, and the
 * end of its line unless prompt (a line that waits for more typing).
 */
static void
pt_wait_ex(struct pt *t, const char *needle, bool prompt)
{
	int64_t	 end = ts_now_ms() + PT_DEADLINE_MS;
	char	*hit;

	for (;;) {
		if (t->out != NULL &&
		    (hit = strstr(t->out + t->seen, needle)) != NULL &&
		    (prompt || strchr(hit, '\n') != NULL)) {
			t->seen = (size_t)(hit - t->out) + strlen(needle);
			return;
		}
		if (ts_now_ms() > end || (t->closed && t->pid <= 0)) {
			cr_log_error("terminal of %s:\n%s", t->name,
			    t->out != NULL ? t->out : "");
			cr_assert_fail("\"%s\" never showed for %s", needle,
			    t->name);
		}
		pt_pump(t, 50);
	}
}

/* Wait for a whole line holding needle. */
static void
pt_wait(struct pt *t, const char *needle)
{
	pt_wait_ex(t, needle, false);
}

/* Send bytes as typed. */
static void
pt_keys(struct pt *t, const char *s)
{
	size_t	len = strlen(s);
	ssize_t	n;

	while (len > 0) {
		n = write(t->fd, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		cr_assert_gt(n, 0, "write to %s: %s", t->name,
		    strerror(errno));
		s += n;
		len -= (size_t)n;
	}
}

/* Type a line and press Enter. */
static void
pt_line(struct pt *t, const char *s)
{
	pt_keys(t, s);
	pt_keys(t, "\r");
}

/* Wait for the client to exit by itself; its exit status. */
static int
pt_exit(struct pt *t)
{
	int64_t	end = ts_now_ms() + PT_DEADLINE_MS;
	int	status = 0;
	pid_t	r;

	for (;;) {
		r = waitpid(t->pid, &status, WNOHANG);
		if (r == t->pid)
			break;
		cr_assert_lt(ts_now_ms(), end, "%s did not exit", t->name);
		pt_pump(t, 50);
	}
	t->pid = 0;
	/* What is left in the terminal. */
	while (!t->closed)
		pt_pump(t, 100);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * True if s holds nothing a terminal would take as a command: no ESC, no
 * C1 control (as a byte or as UTF-8), no control at all but the line
 * discipline's own (CR, LF, the BS of an erase, the TAB of completion).
 * Says where the first one is.
 */
static bool
pt_clean(const char *who, const char *s, size_t len)
{
	size_t		i = 0, n;
	uint32_t	cp;

	while (i < len) {
		n = text_decode(s + i, len - i, &cp);
		if (cp == 0xfffd && n == 1 && (unsigned char)s[i] >= 0x80) {
			cr_log_error("%s: invalid UTF-8 at byte %zu", who, i);
			return false;
		}
		if ((cp < 0x20 && cp != '\r' && cp != '\n' && cp != '\b' &&
		    cp != '\t') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069)) {
			cr_log_error("%s: control U+%04X at byte %zu: ...%.40s",
			    who, cp, i, s + (i > 20 ? i - 20 : 0));
			return false;
		}
		i += n;
	}
	return true;
}

/* A transcript as a golden file holds it: LF line ends, BS and TAB named. */
static char *
pt_normal(const struct pt *t)
{
	char	*out = malloc(t->len * 5 + 64), *o = out;
	size_t	 i;

	cr_assert_not_null(out);
	o += sprintf(o, "== %s ==\n", t->name);
	for (i = 0; i < t->len; i++) {
		if (t->out[i] == '\r')
			continue;
		if (t->out[i] == '\b')
			o += sprintf(o, "<BS>");
		else if (t->out[i] == '\t')
			o += sprintf(o, "<TAB>");
		else
			*o++ = t->out[i];
	}
	*o = '\0';
	return out;
}

/* Compare what was shown with tests/fixtures/plain/NAME (or write it). */
static void
pt_golden(const char *name, const char *got)
{
	char		 path[512], *want = NULL, *a, *b;
	const char	*top = getenv("CB_TOP");
	FILE		*f;
	size_t		 cap = 0, len = 0, line = 1;
	int		 c;

	snprintf(path, sizeof path, "%s/tests/fixtures/plain/%s", top, name);
	if (getenv("CB_UPDATE_GOLDEN") != NULL) {
		cr_assert_not_null(f = fopen(path, "w"), "%s", path);
		fputs(got, f);
		fclose(f);
		cr_log_warn("wrote %s", path);
		return;
	}
	cr_assert_not_null(f = fopen(path, "r"), "no golden file %s", path);
	while ((c = fgetc(f)) != EOF) {
		if (len + 2 > cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			want = realloc(want, cap);
			cr_assert_not_null(want);
		}
		want[len++] = (char)c;
	}
	fclose(f);
	cr_assert_not_null(want);
	want[len] = '\0';
	/* The first line that differs, to read the failure at a glance. */
	for (a = want, b = (char *)got; *a != '\0' && *a == *b; a++, b++) {
		if (*a == '\n')
			line++;
	}
	if (*a != '\0' || *b != '\0') {
		cr_log_error("transcript:\n%s", got);
		cr_assert_fail("%s differs from the transcript at line %zu:\n"
		    "want: %.80s\ngot:  %.80s", path, line, a, b);
	}
	free(want);
}

/* Sanitizer reports the clients left in the server's directory. */
static int
pt_sanitizer_logs(void)
{
	DIR		*d = opendir(S.dir);
	struct dirent	*e;
	char		 path[600], line[512];
	FILE		*f;
	int		 bad = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "asan.", 5) != 0 &&
		    strncmp(e->d_name, "ubsan.", 6) != 0)
			continue;
		bad++;
		snprintf(path, sizeof path, "%s/%s", S.dir, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL)
			fputs(line, stderr);
		fclose(f);
	}
	closedir(d);
	return bad;
}

/*
 * A raw participant: HELLO asking for the state, so that the tables' ids
 * are known; returns the first table's id.
 */
static uint64_t
raw_join(struct tclient *c, const char *name)
{
	struct proto_msg	m;
	uint64_t		table = 0;

	cr_assert_eq(tclient_connect(c, &S, false), 0);
	cr_assert_eq(tclient_hello_flags(c, "cafe", name, NULL, NULL, 0, true,
	    false), 0);
	for (;;) {
		cr_assert_eq(tclient_recv(c, &m, TS_TIMEOUT_MS), 1);
		cr_assert_neq(m.type, PROTO_ERROR);
		if (m.type == PROTO_WELCOME)
			c->participant = m.u.welcome.participant;
		if (m.type == PROTO_STATE && m.u.state.what == STATE_TABLE &&
		    table == 0)
			table = m.u.state.id;
		if (m.type == PROTO_READY) {
			c->head = m.u.ready;
			proto_msg_free(&m);
			break;
		}
		proto_msg_free(&m);
	}
	cr_assert_neq(table, 0);
	return table;
}

/* A raw op that must be accepted; the seq of its event. */
static uint64_t
raw_ok(struct tclient *c, struct proto_op op)
{
	struct proto_msg	m;
	uint32_t		id = tclient_op(c, &op);
	uint64_t		seq;

	cr_assert_eq(tclient_wait_op(c, id, &m, TS_TIMEOUT_MS), 1,
	    "raw op kind %u not accepted", op.kind);
	seq = m.u.event.seq;
	proto_msg_free(&m);
	return seq;
}

/* Cards of the board holding text, as a read-only observer sees them. */
static int
observed_cards(const char *text)
{
	struct tclient		c;
	struct proto_msg	m;
	int			n = 0;

	memset(&c, 0, sizeof c);
	memset(c.client, 0x0b, sizeof c.client);
	cr_assert_eq(tclient_connect(&c, &S, false), 0);
	cr_assert_eq(tclient_hello_flags(&c, "cafe", "Observer", NULL, S.key,
	    0, true, true), 0);
	for (;;) {
		cr_assert_eq(tclient_recv(&c, &m, TS_TIMEOUT_MS), 1);
		cr_assert_neq(m.type, PROTO_ERROR);
		if (m.type == PROTO_STATE && m.u.state.what == STATE_CARD &&
		    !m.u.state.deleted && strcmp(m.u.state.text, text) == 0)
			n++;
		if (m.type == PROTO_READY) {
			proto_msg_free(&m);
			break;
		}
		proto_msg_free(&m);
	}
	tclient_close(&c);
	return n;
}

/* The words of the session in each language. */
#define L(en, fr)	(fr_ ? (fr) : (en))
#define NB		"\xc2\xa0"	/* no-break space */

/*
 * The workshop: Fanny runs it from --plain, Anne takes part from
 * CAFEBOARD_PLAIN=1, Bruno is a raw protocol client.  Join, add, reply,
 * complete with Tab, erase a whole accented letter, edit, delete, timers
 * with their milestones, a banner, the server killed while a change waits,
 * a vote and its results, facilitator commands, leaving.
 */
static void
session(bool fr_)
{
	struct pt	*fan = &P[0], *ann = &P[1];
	struct tclient	 bruno;
	char		 board[300], *a, *b, *all;
	uint64_t	 t1, mine;
	FILE		*f;

	tserver_start(&S, false, NULL);
	snprintf(board, sizeof board, "%s/cafe.board", S.dir);
	cr_assert_not_null(f = fopen(board, "w"));
	fputs("title: Caf\xc3\xa9 test\n"
	    "question: Comment garantir une bonne orientation des publics ?\n"
	    "question: Comment faciliter l'acc\xc3\xa8s aux solutions ?\n", f);
	fclose(f);

	/* Fanny sets the board up from the file; Anne joins. */
	pt_start(fan, "Fanny", fr_, false, "--board", "cafe", "--name", "Fanny",
	    "--key-file", S.keyfile, "--from", board, NULL);
	pt_wait(fan, L("Type help for the commands.",
	    "Tapez aide pour la liste des commandes."));
	pt_start(ann, "Anne", fr_, true, "--board", "cafe", "--name", "Anne",
	    NULL);
	pt_wait(ann, L("Type help for the commands.",
	    "Tapez aide pour la liste des commandes."));
	pt_wait(fan, L("Anne is online.", "Anne est en ligne."));
	pt_line(fan, L("phase ideas", "phase id\xc3\xa9""es"));
	pt_wait(fan, L("Phase: ideas.", "Phase" NB ": id\xc3\xa9""es."));
	pt_wait(ann, L("Phase: ideas.", "Phase" NB ": id\xc3\xa9""es."));

	/* Bruno sits at Anne's table. */
	memset(&bruno, 0, sizeof bruno);
	memset(bruno.client, 0xb0, sizeof bruno.client);
	t1 = raw_join(&bruno, "Bruno");
	raw_ok(&bruno, SIT(t1, 0));
	pt_wait(ann, L("Bruno joins your table.",
	    "Bruno rejoint votre table."));
	pt_wait(fan, L("Bruno is online.", "Bruno est en ligne."));

	/* Ideas, numbered per table. */
	pt_line(ann, L("add Un guichet unique", "ajouter Un guichet unique"));
	pt_wait(ann, L("Idea 1 added to table 1.",
	    "Id\xc3\xa9""e 1 ajout\xc3\xa9""e \xc3\xa0 la table 1."));
	pt_wait(fan, "Un guichet unique");
	mine = raw_ok(&bruno, ADD(t1, "Des permanences en mairie",
	    0));
	pt_wait(ann, "Des permanences en mairie");
	pt_wait(fan, "Des permanences en mairie");
	pt_line(ann, L("reply 2 Avec un agenda partag\xc3\xa9",
	    "r\xc3\xa9pondre 2 Avec un agenda partag\xc3\xa9"));
	pt_wait(ann, L("building on idea 2.", "l'id\xc3\xa9""e 2."));
	pt_wait(fan, "Avec un agenda partag\xc3\xa9");

	/* Tab completes an idea named by a word of its text. */
	pt_keys(ann, L("read perm\t", "lire perm\t"));
	pt_wait_ex(ann, L("\nread 2 ", "\nlire 2 "), true);
	pt_keys(ann, "\r");
	pt_wait(ann, "Des permanences en mairie");

	/* The kernel's erase takes the whole "é": the card reads "Cafe!". */
	pt_keys(ann, L("add Caf\xc3\xa9\x7f" "e!\r",
	    "ajouter Caf\xc3\xa9\x7f" "e!\r"));
	pt_wait(ann, L("Idea 4 added", "Id\xc3\xa9""e 4 ajout"));
	pt_wait(fan, "Cafe!");
	/*
	 * An idea waiting to be sent cannot be edited: Anne edits hers once
	 * it is confirmed.  Fanny hearing of it says nothing of Anne's client;
	 * a banner, sequenced after it, reaches Anne after its confirmation.
	 */
	pt_line(fan, L("banner Merci", "bandeau Merci"));
	pt_wait(fan, L("Banner shown.", "Bandeau affich\xc3\xa9."));
	pt_wait(ann, "Merci");
	pt_line(ann, L("edit 4 Un caf\xc3\xa9 citoyen",
	    "modifier 4 Un caf\xc3\xa9 citoyen"));
	pt_wait(ann, L("Idea 4 edited.", "Id\xc3\xa9""e 4 modifi\xc3\xa9""e."));
	pt_wait(fan, "Un caf\xc3\xa9 citoyen");
	pt_line(ann, L("delete 4", "supprimer 4"));
	pt_wait(ann, L("Idea 4 deleted.", "Id\xc3\xa9""e 4 supprim"
	    "\xc3\xa9""e."));
	pt_wait(fan, L("idea 4 was deleted.", "4 a \xc3\xa9t\xc3\xa9 "
	    "supprim\xc3\xa9""e."));
	/* A deletion renumbers nothing. */
	pt_line(ann, L("add Une permanence num\xc3\xa9rique",
	    "ajouter Une permanence num\xc3\xa9rique"));
	pt_wait(ann, L("Idea 5 added", "Id\xc3\xa9""e 5 ajout"));
	pt_wait(fan, "Une permanence num\xc3\xa9rique");

	/* The clock: said when set, at its milestones, at zero. */
	pt_line(fan, L("timer start 10m Tour 1",
	    "minuteur d\xc3\xa9marrer 10m Tour 1"));
	pt_wait(fan, L("Timer started: 10 minutes.",
	    "Minuteur lanc\xc3\xa9" NB ": 10 minutes."));
	pt_wait(ann, "Tour 1.");
	pt_line(fan, L("timer pause", "minuteur pause"));
	pt_wait(ann, L("Timer paused: 10 minutes left.",
	    "il reste 10 minutes."));
	pt_wait(fan, L("Timer paused.", "Minuteur en pause."));
	pt_line(fan, L("timer stop", "minuteur arr\xc3\xaater"));
	pt_wait(ann, L("Timer stopped.", "Minuteur arr\xc3\xaat\xc3\xa9."));
	pt_wait(fan, L("Timer stopped.", "Minuteur arr\xc3\xaat\xc3\xa9."));
	pt_line(fan, L("timer start 1m7s", "minuteur d\xc3\xa9marrer 1m7s"));
	pt_wait(fan, L("Timer started", "Minuteur lanc\xc3\xa9"));
	pt_wait(ann, L("1 minute 7 seconds for round 1.",
	    "1 minute 7 secondes pour le tour 1."));
	pt_wait(ann, L("1 minute left.", "Plus que 1 minute."));
	pt_wait(fan, L("1 minute left.", "Plus que 1 minute."));
	pt_line(fan, L("timer stop", "minuteur arr\xc3\xaater"));
	pt_wait(ann, L("Timer stopped.", "Minuteur arr\xc3\xaat\xc3\xa9."));
	pt_wait(fan, L("Timer stopped.", "Minuteur arr\xc3\xaat\xc3\xa9."));
	pt_line(fan, L("timer start 2s", "minuteur d\xc3\xa9marrer 2s"));
	pt_wait(ann, L("Time is up!", "Le temps est \xc3\xa9" "coul\xc3\xa9"
	    NB "!"));
	pt_wait(fan, L("Time is up!", "Le temps est \xc3\xa9" "coul\xc3\xa9"
	    NB "!"));
	pt_line(fan, L("banner Pause \xc3\xa0 10 h 30",
	    "bandeau Pause \xc3\xa0 10 h 30"));
	pt_wait(fan, L("Banner shown.", "Bandeau affich\xc3\xa9."));
	pt_wait(ann, "Pause \xc3\xa0 10 h 30");

	/* The server dies while Anne's idea waits: it arrives once. */
	tserver_stop(&S, SIGKILL);
	tclient_close(&bruno);
	pt_wait(ann, L("Connection lost", "Connexion perdue"));
	pt_wait(fan, L("Connection lost", "Connexion perdue"));
	pt_line(ann, L("add Pendant la coupure", "ajouter Pendant la coupure"));
	pt_wait(ann, L("(waiting to be sent).", "(en attente d'envoi)."));
	/* Leaving now would lose it: quit asks to be typed twice. */
	pt_line(ann, L("quit", "quitter"));
	pt_wait(ann, L("quit again to leave anyway.",
	    "quittez de nouveau pour partir quand m\xc3\xaame."));
	/* The waiting idea reads as waiting. */
	pt_line(ann, L("read 6", "lire 6"));
	pt_wait(ann, L("(waiting to be sent): Pendant la coupure",
	    "(en attente d'envoi)" NB ": Pendant la coupure"));
	tserver_restart(&S);
	cr_assert_eq(tclient_reconnect(&bruno, &S, false), 0);
	cr_assert_eq(tclient_join(&bruno, "cafe", "Bruno", NULL, NULL), 0);
	pt_wait(ann, L("Connected again.", "De nouveau connect\xc3\xa9."));
	pt_wait(ann, L("Sent: idea 6 at table 1.", "Envoy\xc3\xa9" NB ": "
	    "l'id\xc3\xa9""e 6 de la table 1."));
	pt_wait(fan, L("Connected again.", "De nouveau connect\xc3\xa9."));
	pt_wait(fan, "Pendant la coupure");
	cr_assert_eq(observed_cards("Pendant la coupure"), 1, "the change "
	    "did not arrive exactly once");
	pt_line(ann, L("read", "lire"));
	pt_wait(ann, L("Idea 6, yours", "Id\xc3\xa9""e 6, la v\xc3\xb4tre"));

	/* The vote: blind, so the results wait for its end. */
	pt_line(fan, "phase vote");
	pt_wait(ann, L("3 dots each.", "3 gommettes par personne."));
	pt_wait(fan, L("Phase: vote.", "Phase" NB ": vote."));
	pt_line(ann, L("vote 2", "voter 2"));
	pt_wait(ann, L("2 dots left for this question.",
	    "2 gommettes pour cette question."));
	pt_line(ann, L("vote agenda", "voter agenda"));
	pt_wait(ann, L("1 dot left for this question.",
	    "1 gommette pour cette question."));
	pt_line(ann, L("unvote 3", "retirer 3"));
	pt_wait(ann, L("2 dots left for this question.",
	    "2 gommettes pour cette question."));
	/* Blind: nobody hears Bruno's dot. */
	raw_ok(&bruno, VOTE(mine, 1));
	pt_line(ann, L("results", "r\xc3\xa9sultats"));
	pt_wait(ann, L("The results show when the facilitator closes the "
	    "vote.", "quand l'animation cl\xc3\xb4t le vote."));
	pt_line(fan, L("phase harvest", "phase r\xc3\xa9""colte"));
	pt_wait(ann, L("type results to hear them.",
	    "tapez r\xc3\xa9sultats pour les entendre."));
	pt_wait(fan, L("type results to hear them.",
	    "tapez r\xc3\xa9sultats pour les entendre."));
	pt_line(ann, L("results", "r\xc3\xa9sultats"));
	pt_wait(ann, "Comment faciliter");
	pt_line(fan, L("keep 1.2", "retenir 1.2"));
	pt_wait(fan, L("Idea 2 kept.", "Id\xc3\xa9""e 2 retenue."));
	pt_wait(ann, L("idea 2 is kept.", "l'id\xc3\xa9""e 2 est retenue."));
	pt_line(fan, L("follow results", "suivre r\xc3\xa9sultats"));
	pt_wait(ann, L("The facilitator brings everyone to the results",
	    "L'animation am\xc3\xa8ne tout le monde aux r\xc3\xa9sultats"));
	pt_wait(fan, L("Every screen goes to the results.",
	    "Tous les \xc3\xa9""crans vont aux r\xc3\xa9sultats."));
	pt_line(ann, L("who", "qui"));
	pt_wait(ann, L("people online.", "personnes en ligne."));

	/* Leaving. */
	pt_line(ann, L("quit", "quitter"));
	pt_wait(ann, L("Goodbye.", "Au revoir."));
	cr_assert_eq(pt_exit(ann), 0);
	pt_wait(fan, L("Anne went offline.", "Anne n'est plus en ligne."));
	pt_line(fan, L("quit", "quitter"));
	pt_wait(fan, L("Goodbye.", "Au revoir."));
	cr_assert_eq(pt_exit(fan), 0);
	tclient_close(&bruno);

	cr_assert(pt_clean("Fanny", fan->out, fan->len), "an escape or a "
	    "control in Fanny's transcript");
	cr_assert(pt_clean("Anne", ann->out, ann->len), "an escape or a "
	    "control in Anne's transcript");
	cr_assert_eq(pt_sanitizer_logs(), 0, "a sanitizer reported on a "
	    "client (see above)");
	a = pt_normal(fan);
	b = pt_normal(ann);
	cr_assert(asprintf(&all, "%s%s", a, b) > 0);
	pt_golden(fr_ ? "session.fr.txt" : "session.en.txt", all);
	free(a);
	free(b);
	free(all);
}

Test(plain, a_workshop_in_english_reads_as_the_golden_transcript)
{
	session(false);
}

Test(plain, a_workshop_in_french_reads_as_the_golden_transcript)
{
	session(true);
}

/* ------------------------------------------------------------ deliverables */

/* The first table's id and the second's, as a raw participant learns them. */
static void
raw_join_tables(struct tclient *c, const char *name, uint64_t t[2])
{
	struct proto_msg	m;
	size_t			n = 0;

	cr_assert_eq(tclient_connect(c, &S, false), 0);
	cr_assert_eq(tclient_hello_flags(c, "cafe", name, NULL, NULL, 0, true,
	    false), 0);
	for (;;) {
		cr_assert_eq(tclient_recv(c, &m, TS_TIMEOUT_MS), 1);
		cr_assert_neq(m.type, PROTO_ERROR);
		if (m.type == PROTO_WELCOME)
			c->participant = m.u.welcome.participant;
		if (m.type == PROTO_STATE && m.u.state.what == STATE_TABLE &&
		    n < 2)
			t[n++] = m.u.state.id;
		if (m.type == PROTO_READY) {
			c->head = m.u.ready;
			proto_msg_free(&m);
			break;
		}
		proto_msg_free(&m);
	}
	cr_assert_eq(n, 2);
}

/* The id of the card whose card.add with text reaches the raw client. */
static uint64_t
raw_card(struct tclient *c, const char *text)
{
	struct proto_msg	m;
	uint64_t		id = 0;

	while (id == 0) {
		cr_assert_eq(tclient_recv(c, &m, TS_TIMEOUT_MS), 1,
		    "no card \"%s\" reached the raw client", text);
		if (m.type == PROTO_EVENT && m.u.event.op.kind == OP_CARD_ADD &&
		    m.u.event.op.text != NULL &&
		    strcmp(m.u.event.op.text, text) == 0)
			id = m.u.event.seq;
		proto_msg_free(&m);
	}
	return id;
}

/*
 * What a session leaves behind, from --plain: Fanny runs it, Anne writes
 * into the canvas of her table, places an idea, makes actions, scores
 * blind, hears her table's feedback and writes hers to the other table;
 * Bruno is a raw client at table 2.  Every command answers in one line;
 * Bruno's score is never said; the totals only after the close.
 */
static void
deliverables(bool fr_)
{
	struct pt	*fan = &P[0], *ann = &P[1];
	struct tclient	 bruno;
	char		 board[300], *a, *b, *all;
	uint64_t	 t[2], c1;
	FILE		*f;

	tserver_start(&S, false, NULL);
	snprintf(board, sizeof board, "%s/cafe.board", S.dir);
	cr_assert_not_null(f = fopen(board, "w"));
	fputs("title: Caf\xc3\xa9 livrables\n"
	    "criteria: structurant, pertinent, novateur\n"
	    "canvas: Nos livrables\n"
	    "section: Nos engagements | Ce que nous ferons ensemble\n"
	    "section: Feuille de route | Une action par carte | 8 | actions\n"
	    "section: J'aime | | | feedback\n"
	    "question: Comment garantir une bonne orientation des publics ?\n"
	    "question: Comment faciliter l'acc\xc3\xa8s aux solutions ?\n", f);
	fclose(f);

	pt_start(fan, "Fanny", fr_, false, "--board", "cafe", "--name", "Fanny",
	    "--key-file", S.keyfile, "--from", board, NULL);
	pt_wait(fan, L("Type help for the commands.",
	    "Tapez aide pour la liste des commandes."));
	pt_start(ann, "Anne", fr_, true, "--board", "cafe", "--name", "Anne",
	    NULL);
	pt_wait(ann, L("Type help for the commands.",
	    "Tapez aide pour la liste des commandes."));
	pt_wait(fan, L("Anne is online.", "Anne est en ligne."));
	pt_line(ann, L("sit 1", "aller 1"));
	pt_wait(ann, L("You sit at table 1", "Vous \xc3\xaates \xc3\xa0 la "
	    "table 1"));
	memset(&bruno, 0, sizeof bruno);
	memset(bruno.client, 0xb0, sizeof bruno.client);
	raw_join_tables(&bruno, "Bruno", t);
	raw_ok(&bruno, SIT(t[1], 0));
	pt_wait(fan, L("Bruno is online.", "Bruno est en ligne."));
	pt_line(fan, L("phase ideas", "phase id\xc3\xa9""es"));
	pt_wait(ann, L("Phase: ideas.", "Phase" NB ": id\xc3\xa9""es."));

	/* The canvas, read; ideas written into its sections. */
	pt_line(ann, L("canvas", "canevas"));
	pt_wait(ann, L("Section 3, J'aime, 0 cards", "Section 3, J'aime, "
	    "0 carte"));
	pt_line(ann, L("add Nos engagements: Un r\xc3\xa9""f\xc3\xa9rent par "
	    "territoire", "ajouter Nos engagements : Un r\xc3\xa9""f\xc3\xa9"
	    "rent par territoire"));
	pt_wait(ann, L("Idea 1 added to table 1, into", "Id\xc3\xa9""e 1 "
	    "ajout\xc3\xa9""e \xc3\xa0 la table 1, dans"));
	pt_wait(fan, "Un r\xc3\xa9""f\xc3\xa9rent par territoire");
	c1 = raw_card(&bruno, "Un r\xc3\xa9""f\xc3\xa9rent par territoire");
	pt_line(ann, L("add feuille : R\xc3\xa9unir les partenaires",
	    "ajouter feuille : R\xc3\xa9unir les partenaires"));
	pt_wait(ann, L("Idea 2 added", "Id\xc3\xa9""e 2 ajout"));
	pt_wait(fan, "R\xc3\xa9unir les partenaires");
	pt_line(ann, L("add Note: une id\xc3\xa9""e libre",
	    "ajouter Note : une id\xc3\xa9""e libre"));
	pt_wait(ann, L("Idea 3 added to table 1.", "Id\xc3\xa9""e 3 ajout"
	    "\xc3\xa9""e \xc3\xa0 la table 1."));
	pt_wait(fan, "une id\xc3\xa9""e libre");
	/*
	 * An idea waiting to be sent cannot be placed: Anne places hers once
	 * it is confirmed.  Fanny hearing of it says nothing of Anne's client;
	 * a banner, sequenced after it, reaches Anne after its confirmation.
	 */
	pt_line(fan, L("banner Rangez", "bandeau Rangez"));
	pt_wait(fan, L("Banner shown.", "Bandeau affich\xc3\xa9."));
	pt_wait(ann, "Rangez");
	/* Tab completes the idea by a word of its text. */
	pt_keys(ann, L("place libre\t", "ranger libre\t"));
	pt_wait_ex(ann, L("\nplace 3 ", "\nranger 3 "), true);
	pt_line(ann, L("engag", "engag"));
	pt_wait(ann, L("Idea 3 goes into", "L\xe2\x80\x99id\xc3\xa9""e 3 va "
	    "dans"));
	pt_wait(fan, L("idea 3 goes into", "l\xe2\x80\x99id\xc3\xa9""e 3 va "
	    "dans"));
	pt_line(ann, L("place 3 Obstacles", "ranger 3 Obstacles"));
	pt_wait(ann, L("Type place, the idea", "Tapez ranger, "
	    "l\xe2\x80\x99id"));

	/* Actions: one of Anne's, one the facilitator gives her. */
	pt_line(ann, L("action 2 Anne 15/01/2027",
	    "action 2 anne 15/01/2027"));
	pt_wait(ann, L("Idea 2 is an action for Anne, due 2027-01-15.",
	    "L\xe2\x80\x99id\xc3\xa9""e 2 est une action pour Anne, "
	    "\xc3\xa9""ch\xc3\xa9""ance le 2027-01-15."));
	pt_wait(fan, L("is an action for Anne", "est une action pour Anne"));
	pt_line(ann, L("action 1 Anne", "action 1 Anne"));
	pt_wait(ann, L("actions are written in a roadmap section)",
	    "les actions s\xe2\x80\x99\xc3\xa9""crivent dans une section de "
	    "feuille de route)"));
	pt_line(fan, L("action 1.1 Anne 2027-02-01",
	    "action 1.1 Anne 2027-02-01"));
	pt_wait(fan, L("Idea 1 is an action for Anne, due 2027-02-01.",
	    "L\xe2\x80\x99id\xc3\xa9""e 1 est une action pour Anne, "
	    "\xc3\xa9""ch\xc3\xa9""ance le 2027-02-01."));
	pt_wait(ann, L("Fanny gives you an action", "Fanny vous confie une "
	    "action"));
	pt_line(ann, L("actions", "actions"));
	pt_wait(ann, L("You have 2 actions:", "Vous avez 2 actions" NB ":"));
	pt_wait(ann, "2027-02-01");

	/* The evaluation: blind until closed. */
	pt_line(fan, L("evaluation open", "\xc3\xa9valuation ouvrir"));
	pt_wait(fan, L("Evaluation open on structurant, pertinent and "
	    "novateur.", "\xc3\x89valuation ouverte sur structurant, "
	    "pertinent et novateur."));
	pt_wait(ann, L("blind until it closes.", "jusqu\xe2\x80\x99\xc3\xa0 la "
	    "cl\xc3\xb4ture."));
	pt_line(ann, L("score 1 struct 3", "noter 1 struct 3"));
	pt_wait(ann, L("Idea 1, your scores: structurant 3, pertinent \xe2"
	    "\x80\x93, novateur \xe2\x80\x93.", "Id\xc3\xa9""e 1, vos notes"
	    NB ": structurant 3, pertinent \xe2\x80\x93, novateur \xe2\x80"
	    "\x93."));
	pt_line(ann, L("score 1 2 2", "noter 1 2 2"));
	pt_wait(ann, "pertinent 2");
	pt_line(ann, L("score 1 novateur 5", "noter 1 novateur 5"));
	pt_wait(ann, L("then a number from 0 to 3.", "puis un nombre de 0 "
	    "\xc3\xa0 3."));
	raw_ok(&bruno, OP(.kind = OP_SCORE, .card = c1, .criterion = 0,
	    .value = 1));
	/*
	 * Anne's own scores are confirmed before she reads the card (else it
	 * says they wait to be sent): a banner, sequenced after them, reaches
	 * her after their confirmations.
	 */
	pt_line(fan, L("banner Notez", "bandeau Notez"));
	pt_wait(fan, L("Banner shown.", "Bandeau affich\xc3\xa9."));
	pt_wait(ann, "Notez");
	pt_line(fan, L("banner", "bandeau"));
	pt_wait(fan, L("Banner removed.", "Bandeau retir\xc3\xa9."));
	pt_wait(ann, L("The banner is removed.",
	    "Le bandeau est retir\xc3\xa9."));
	pt_line(ann, L("read 1", "lire 1"));
	pt_wait(ann, L("yours (in \xe2\x80\x9c", "la v\xc3\xb4tre (dans "
	    "\xc2\xab"));
	pt_line(fan, L("evaluation close", "\xc3\xa9valuation fermer"));
	pt_wait(fan, L("Evaluation closed", "\xc3\x89valuation close"));
	pt_wait(ann, L("The evaluation is closed",
	    "L\xe2\x80\x99\xc3\xa9valuation est close"));
	pt_line(ann, L("read 1", "lire 1"));
	pt_wait(ann, L("structurant 4, pertinent 2, novateur 0, total 6",
	    "structurant 4, pertinent 2, novateur 0, total 6"));

	/* Pitches: Anne's table hears Bruno's feedback, then writes hers. */
	pt_line(fan, "pitch 1 2m");
	pt_wait(fan, L("Table 1 pitches for 2 minutes.", "La table 1 pitche "
	    "pendant 2 minutes."));
	pt_wait(ann, L("Your table pitches now", "Votre table pitche"));
	raw_ok(&bruno, OP(.kind = OP_CARD_ADD, .table = t[0], .section = 3,
	    .text = (char *)"Tr\xc3\xa8s concret"));
	pt_wait(ann, L("feedback 4 from Bruno", "retour 4 par Bruno"));
	pt_wait(fan, L("feedback 4 from Bruno", "retour 4 par Bruno"));
	pt_line(fan, "pitch 2");
	pt_wait(ann, L("Table 2 pitches now: write your feedback",
	    "La table 2 pitche" NB ": \xc3\xa9""crivez votre retour"));
	pt_line(ann, L("feedback Clair et utile", "retour Clair et utile"));
	pt_wait(ann, L("Feedback for table 2, into", "Retour pour la table 2, "
	    "dans"));
	pt_wait(fan, "Clair et utile");
	pt_line(fan, L("pitch none", "pitch aucun"));
	pt_wait(ann, L("The pitches are over.", "Les pitchs sont "
	    "finis."));
	pt_line(ann, L("feedback Trop tard", "retour Trop tard"));
	pt_wait(ann, L("Nobody is pitching now.", "Personne ne pitche."));

	/*
	 * Live: a new canvas, then criteria.  A canvas is given once the
	 * server has it: Anne hears the criteria sent after it, then says
	 * she is ready, which Fanny hears after its confirmation.
	 */
	pt_line(fan, L("canvas add Bilan: Ce qui marche \"en un mot\" 3 | "
	    "Ce qui manque", "canevas ajouter Bilan : Ce qui marche "
	    "\xc2\xab en un mot \xc2\xbb 3 | Ce qui manque"));
	pt_wait(fan, L("Canvas \xe2\x80\x9c" "Bilan\xe2\x80\x9d added, 2 sections",
	    "Canevas \xc2\xab" NB "Bilan" NB "\xc2\xbb ajout\xc3\xa9, 2 "
	    "sections"));
	pt_line(fan, L("criteria utile, faisable", "crit\xc3\xa8res utile, "
	    "faisable"));
	pt_wait(ann, L("Criteria of the evaluation: utile and faisable.",
	    "Crit\xc3\xa8res de l\xe2\x80\x99\xc3\xa9valuation" NB ": utile et "
	    "faisable."));
	pt_line(ann, L("ready", "fini"));
	pt_wait(fan, L("Anne is ready.", "Anne a fini."));
	pt_line(fan, L("canvas list", "canevas liste"));
	pt_wait(fan, L("Canvas 2, Bilan, at 0 tables", "Canevas 2, Bilan, "
	    "\xc3\xa0 0 table"));
	pt_line(fan, L("canvas use bilan all", "canevas donner bilan tout"));
	pt_wait(ann, L("Every table fills in the canvas", "Chaque table "
	    "remplit le canevas"));
	pt_line(ann, L("canvas", "canevas"));
	pt_wait(ann, L("Section 2, Ce qui manque", "Section 2, Ce qui "
	    "manque"));
	pt_line(fan, L("help", "aide"));
	pt_wait(fan, L("pitch N [DURATION] | none", "pitch N [DUR\xc3\x89""E] "
	    "| aucun"));

	pt_line(ann, L("quit", "quitter"));
	pt_wait(ann, L("Goodbye.", "Au revoir."));
	cr_assert_eq(pt_exit(ann), 0);
	pt_wait(fan, L("Anne went offline.", "Anne n'est plus en ligne."));
	pt_line(fan, L("quit", "quitter"));
	pt_wait(fan, L("Goodbye.", "Au revoir."));
	cr_assert_eq(pt_exit(fan), 0);
	tclient_close(&bruno);

	cr_assert(pt_clean("Fanny", fan->out, fan->len));
	cr_assert(pt_clean("Anne", ann->out, ann->len));
	/* Bruno's score of Anne's idea was never said before the close. */
	a = strstr(ann->out, L("The evaluation is closed",
	    "L\xe2\x80\x99\xc3\xa9valuation est close"));
	cr_assert_not_null(a);
	*a = '\0';
	cr_assert_null(strstr(ann->out, "structurant 4"), "a blind score "
	    "was said");
	cr_assert_null(strstr(ann->out, "total"), "a total was said while "
	    "the evaluation was open");
	*a = L("T", "L")[0];
	cr_assert_eq(pt_sanitizer_logs(), 0);
	a = pt_normal(fan);
	b = pt_normal(ann);
	cr_assert(asprintf(&all, "%s%s", a, b) > 0);
	pt_golden(fr_ ? "deliver.fr.txt" : "deliver.en.txt", all);
	free(a);
	free(b);
	free(all);
}

Test(plain, deliverables_in_english_read_as_the_golden_transcript)
{
	deliverables(false);
}

Test(plain, deliverables_in_french_read_as_the_golden_transcript)
{
	deliverables(true);
}

/* ------------------------------------------------------------ output */

/* What plain_say and plain_prompt write for hostile text, read back. */
static char *
said(const char *text, bool ascii)
{
	struct plain	 p;
	int		 fds[2], saved;
	char		*buf = calloc(1, 8192);
	ssize_t		 n;
	size_t		 len = 0;

	cr_assert_not_null(buf);
	memset(&p, 0, sizeof p);
	p.col0 = true;
	p.ascii = ascii;
	cr_assert_eq(pipe(fds), 0);
	saved = dup(STDOUT_FILENO);
	dup2(fds[1], STDOUT_FILENO);
	plain_say(&p, "Table 1, new idea 1 from %s: %s", text, text);
	plain_prompt(&p, text);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fds[1]);
	while ((n = read(fds[0], buf + len, 8191 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	return buf;
}

Test(plain_out, text_from_peers_never_reaches_the_terminal_as_controls)
{
	const char	*bad[] = {
		"x\x1b[2Jy",			/* CSI by ESC */
		"x\xc2\x9b" "31my",		/* CSI as a C1 control */
		"x\x1b]0;title\x07y",		/* OSC and BEL */
		"x\xe2\x80\xaey",		/* right-to-left override */
		"x\xff\xfe\x80y",		/* not UTF-8 */
		"two\nlines\rand CR",		/* a line per sentence */
		"tab\there\x7f\x08",
	};
	char		*s, *nl;
	size_t		 i;
	int		 a;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (a = 0; a < 2; a++) {
			s = said(bad[i], a == 1);
			cr_assert(pt_clean("said", s, strlen(s)),
			    "text %zu (ascii %d) came out as: %s", i, a, s);
			cr_assert_null(strchr(s, '\t'));
			cr_assert_null(strchr(s, '\b'));
			cr_assert_null(strchr(s, '\r'));
			/* One line for the sentence, the prompt after it. */
			nl = strchr(s, '\n');
			cr_assert_not_null(nl);
			cr_assert_null(strchr(nl + 1, '\n'), "%s", s);
			free(s);
		}
	}
}

Test(plain_out, durations_are_said_as_people_say_them)
{
	const struct {
		uint64_t	 ms;
		const char	*said;
	} v[] = {
		{ 0, "0 seconds" },
		{ 1, "1 second" },
		{ 2000, "2 seconds" },
		{ 59001, "1 minute" },
		{ 67000, "1 minute 7 seconds" },
		{ 119000, "1 minute 59 seconds" },
		{ 120000, "2 minutes" },
		{ 599300, "10 minutes" },
		{ 629000, "10 minutes" },
		{ 631000, "11 minutes" },
	};
	size_t	 i;
	char	*s;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		s = plain_duration(v[i].ms);
		cr_assert_str_eq(s, v[i].said, "%llu ms",
		    (unsigned long long)v[i].ms);
		free(s);
	}
}
