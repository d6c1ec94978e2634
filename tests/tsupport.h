/*
 * tsupport.h -- end-to-end test support: a real cafeboard-server in a
 * private directory, and a raw protocol client that speaks to it.
 *
 * Every server is started on its own Unix socket (and, when asked, on a
 * loopback port) with its own data directory under /tmp; tserver_cleanup
 * kills it by pid and removes the directory.  Every wait has a deadline.
 */
#ifndef CB_TSUPPORT_H
#define CB_TSUPPORT_H

#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct model;

#define TS_TIMEOUT_MS	10000	/* default deadline for one expectation */
#define TS_RUN_MS	30000	/* deadline for one command (sanitizers) */

struct tserver {
	pid_t		 pid;
	char		 dir[48];		/* mkdtemp root, removed at cleanup */
	char		 sock[80];
	char		 data[80];
	char		 keyfile[96];
	char		 logfile[96];
	char		 key[PROTO_KEY_MAX + 1];
	int		 port;			/* 0 unless TCP was asked for */
	char		*args[32];		/* extra arguments, kept for restarts */
	int		 nargs;
	pid_t		 guard;			/* removes dir if the test dies */
	int		 guard_fd;
	/* Run in the server's process before exec, at every start. */
	void		(*setup)(const struct tserver *);
};

/* The path of a binary under test: $CB_SERVER, $CB_CLIENT ... */
const char	*ts_bin(const char *, const char *);
/* Milliseconds on a monotonic clock. */
int64_t		 ts_now_ms(void);
/* Microseconds on a monotonic clock. */
int64_t		 ts_now_us(void);
/* Seconds on a monotonic clock, to the nanosecond (benchmarks). */
double		 ts_seconds(void);
/* Wall-clock milliseconds since the epoch, as the server stamps events. */
int64_t		 ts_wall_ms(void);
/* A free TCP port on 127.0.0.1 (bind to 0, read it back, close). */
int		 ts_free_port(void);
/* The top of the source tree: $CB_TOP (make check sets it), or ".". */
const char	*ts_top(void);
/* A path under the top of the source tree (malloc'd). */
char		*ts_top_path(const char *);
/* Remove a directory and everything below it. */
void		 ts_rm_tree(const char *);

/*
 * Start a server in a fresh directory; extra arguments follow (NULL
 * terminated).  tcp: also listen on 127.0.0.1 on a free port.  Waits until
 * it accepts connections; aborts the test on failure.
 */
void		 tserver_start(struct tserver *, bool, ...);
/*
 * The same, with a function the server's process runs before it execs the
 * server (a private mount, a limit), kept in s->setup for the restarts.
 */
void		 tserver_start_setup(struct tserver *,
		    void (*)(const struct tserver *), bool, ...);
/* Start it again on the same socket, port and data. */
void		 tserver_restart(struct tserver *);
/* Send sig and wait for the process to end (bounded); returns its status. */
int		 tserver_stop(struct tserver *, int);
/* Kill whatever is left and remove the directory. */
void		 tserver_cleanup(struct tserver *);
/* Run the server binary with arguments (NULL terminated) on this data
 * directory, capturing stdout+stderr into out (malloc'd); the exit status. */
int		 tserver_command(struct tserver *, char **, ...);
/* The server's own log so far (malloc'd). */
char		*tserver_log(const struct tserver *);
/* Run argv (NULL terminated, argv[0] a path), capturing stdout only into
 * out (malloc'd); the exit status, -1 if it did not exit. */
int		 ts_run(char **, char *const []);
/* The same capturing stdout and stderr; a command still running after
 * timeout_ms is killed and fails the test.  argv[0] may be looked up in
 * PATH. */
int		 ts_command(char **, int, char *const []);
/* Run python3 -c script with arguments (NULL terminated), within
 * TS_RUN_MS; its output goes to the test's log.  The exit status. */
int		 ts_python(const char *, ...);
/* A whole file, NUL-terminated; its length in *len if len. */
char		*ts_slurp(const char *, size_t *);
/* Write len bytes of data to path. */
void		 ts_spill(const char *, const char *, size_t);
/*
 * An export with its times made fixed (every UTC time, the dates of the
 * report's date line, the hours of its run sheet), the rest untouched;
 * malloc'd, of the same length.
 */
char		*ts_export_normalise(const char *, size_t);
/*
 * The export at path, normalised, equals tests/fixtures/DIR/GOLDEN; when
 * the environment variable regen is set, it rewrites that file first.
 */
void		 ts_check_golden(const char *, const char *, const char *,
		    const char *);
/*
 * Export board in fmt (with a BOM when bom) with the server's offline
 * command on srv's data and with the real client on srv's socket, both
 * into tmp: the two must be the same bytes.  The client's file in path.
 */
void		 ts_export_both(const struct tserver *, const char *,
		    const char *, const char *, bool, char *, size_t);
/* True when a program is on the PATH. */
bool		 ts_on_path(const char *);
/* Headless Chromium (profile under tmp) on a file; its output. */
char		*ts_chromium(const char *, const char *, const char *,
		    const char *);
/*
 * An HTML report laid out by Chromium at an A4 page's width: nothing
 * beyond the right edge; printed to PDF on A4 pages; a screenshot.  Files
 * go to tmp.  Without chromium, a warning.
 */
void		 ts_html_fits_a4(const char *, const char *);
/* One recv onto the end of a growing buffer (buf, len, cap); EINTR is
 * retried.  What recv returned. */
ssize_t		 ts_recv_more(int, uint8_t **, size_t *, size_t *);

/*
 * The start of a ts_python script that reads an export's CSV as a
 * spreadsheet would: argv[1] is the file, argv[2] the expected rows,
 * argv[3] "1" when a BOM must lead.  It checks the BOM, that records end
 * with CRLF (a bare CR or LF only inside quotes) and the header, then
 * leaves the records in rows (header first) and the expected rows, split
 * on spaces, in exp.
 */
#define TS_PY_CSV_ROWS \
"import csv, io, re, sys\n" \
"path, expect, bom = sys.argv[1], sys.argv[2], sys.argv[3] == '1'\n" \
"raw = open(path, 'rb').read()\n" \
"assert raw.startswith(b'\\xef\\xbb\\xbf') == bom, 'BOM'\n" \
"text = raw[3:].decode('utf-8') if bom else raw.decode('utf-8')\n" \
"inq = False\n" \
"for i, ch in enumerate(text):\n" \
"    if ch == '\"': inq = not inq\n" \
"    elif not inq and ch == '\\n': assert text[i-1] == '\\r', i\n" \
"    elif not inq and ch == '\\r': assert text[i+1] == '\\n', i\n" \
"assert not inq and text.endswith('\\r\\n')\n" \
"rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))\n" \
"assert rows[0][:14] == ['theme', 'question', 'card_id', 'cluster_head',\n" \
"    'cluster_title', 'parent', 'text', 'author', 'votes', 'kept',\n" \
"    'created_at', 'section', 'owner', 'due'], rows[0]\n" \
"exp = [l.split(' ') for l in open(expect).read().splitlines()]\n" \
"assert len(rows) - 1 == len(exp), (len(rows) - 1, len(exp))\n"

/*
 * ext: a ts_python script that reads an HTML export with real parsers:
 * argv[1] is the file, argv[2] (optional) a file of texts, one per line in
 * hex, that must appear as text in the page.  Python's html.parser checks
 * that every element closes in order, that no attribute loads or runs
 * anything and that no script, link, image, frame or form is there; Debian's
 * html5lib, when installed, parses it in strict mode (any parse error
 * fails); the style loads nothing (no url(), no @import).
 */
#define TS_PY_HTML_CHECK \
"import sys, html.parser\n" \
"raw = open(sys.argv[1], 'rb').read()\n" \
"text = raw.decode('utf-8')\n" \
"assert text.startswith('<!DOCTYPE html>\\n'), text[:40]\n" \
"VOID = {'meta', 'br', 'col'}\n" \
"BAD = {'script', 'link', 'img', 'iframe', 'object', 'embed', 'svg', 'a',\n" \
"    'base', 'form', 'input', 'video', 'audio', 'source', 'frame'}\n" \
"class P(html.parser.HTMLParser):\n" \
"    def __init__(s):\n" \
"        super().__init__(convert_charrefs=True)\n" \
"        s.stack, s.tags, s.data = [], set(), []\n" \
"    def handle_starttag(s, tag, attrs):\n" \
"        s.tags.add(tag)\n" \
"        for k, v in attrs:\n" \
"            assert not k.startswith('on'), (tag, k)\n" \
"            assert k not in ('src', 'href', 'srcset', 'action',\n" \
"                'background', 'style'), (tag, k)\n" \
"        if tag not in VOID: s.stack.append(tag)\n" \
"    def handle_startendtag(s, tag, attrs):\n" \
"        raise AssertionError('self-closing ' + tag)\n" \
"    def handle_endtag(s, tag):\n" \
"        assert s.stack and s.stack[-1] == tag, (tag, s.stack[-4:])\n" \
"        s.stack.pop()\n" \
"    def handle_data(s, d): s.data.append(d)\n" \
"p = P()\n" \
"p.feed(text)\n" \
"p.close()\n" \
"assert not p.stack, p.stack\n" \
"assert not (p.tags & BAD), p.tags & BAD\n" \
"assert p.tags >= {'html', 'head', 'body', 'style', 'title', 'h1'}\n" \
"style = text[text.index('<style>'):text.index('</style>')]\n" \
"assert 'url(' not in style and '@import' not in style\n" \
"try:\n" \
"    import html5lib\n" \
"    html5lib.HTMLParser(strict=True,\n" \
"        namespaceHTMLElements=False).parse(raw)\n" \
"    how = 'html5lib (strict) and html.parser'\n" \
"except ImportError:\n" \
"    how = 'html.parser (no html5lib)'\n" \
"body = ''.join(p.data)\n" \
"if len(sys.argv) > 2:\n" \
"    for line in open(sys.argv[2]).read().splitlines():\n" \
"        want = bytes.fromhex(line).decode('utf-8')\n" \
"        assert want in body, ('not in the text', want)\n" \
"print('html ok: ' + how)\n"

/* The texts of the live cards of one line, hex, one per line, into path:
 * the file of texts TS_PY_HTML_CHECK wants. */
void		 ts_html_texts(const struct model *, const char *);

struct tclient {
	int		 fd;
	uint8_t		 client[PROTO_CLIENT_LEN];
	uint8_t		*in;
	size_t		 inlen;
	size_t		 incap;
	uint32_t	 participant;
	uint64_t	 head;		/* last seq seen */
	uint32_t	 next_op;
	uint32_t	 error;		/* code of the last ERROR received, or 0 */
	bool		 roster;	/* its HELLO asks for the compact roster */
	struct proto_buf out;
};

/* tclient_wait_op: the connection closed (or an ERROR came) first. */
#define TS_CLOSED	(-1000)

/* Connect to the server's socket (or its TCP port with tcp); 0 or -1. */
int		 tclient_connect(struct tclient *, const struct tserver *, bool);
/* The same with a small receive buffer (bytes), for slow readers. */
int		 tclient_connect_rcvbuf(struct tclient *, const struct tserver *,
		    bool, int);
/* Connect again as the same client (id, participant, head, op counter
 * kept); 0 or -1. */
int		 tclient_reconnect(struct tclient *, const struct tserver *, bool);
void		 tclient_close(struct tclient *);
/* Send raw bytes. */
int		 tclient_send(struct tclient *, const void *, size_t);
/* Send what is in c->out and empty it. */
int		 tclient_flush(struct tclient *);
/*
 * Receive one whole frame (header included) into *frame (malloc'd):
 * 1 got one, 0 deadline passed, -1 connection closed or a header that
 * claims a length outside 1..PROTO_FRAME_MAX (a corrupt stream).
 */
int		 tclient_recv_frame(struct tclient *, uint8_t **, size_t *, int);
/* Receive and decode one message: 1, 0 (deadline), -1 (closed/bad). */
int		 tclient_recv(struct tclient *, struct proto_msg *, int);
/*
 * Receive until a message of type arrives, skipping PRESENCE and PING
 * (answering PINGs); 1 with *msg filled, 0 deadline, -1 closed.  EVENTs
 * skipped on the way still advance c->head.
 */
int		 tclient_expect(struct tclient *, uint8_t, struct proto_msg *, int);
/* HELLO with these fields (code, key may be NULL). */
int		 tclient_hello(struct tclient *, const char *, const char *,
		    const char *, const char *, uint64_t);
/* The same with the flags: a STATE catch-up (state), read only (observe). */
int		 tclient_hello_flags(struct tclient *, const char *,
		    const char *, const char *, const char *, uint64_t, bool,
		    bool);
/*
 * HELLO and wait for READY: 0 with c->participant and c->head set, or the
 * ERROR code received, or -1.
 */
int		 tclient_join(struct tclient *, const char *, const char *,
		    const char *, const char *);
/* Send an op with the next op_id; returns that op_id. */
uint32_t	 tclient_op(struct tclient *, const struct proto_op *);
/* Send an op with a given op_id. */
int		 tclient_op_id(struct tclient *, uint32_t, const struct proto_op *);
/*
 * Wait for the EVENT of my op_id (1, *ev filled; skipping others) or its
 * REJECT (returns -code); 0 on deadline; TS_CLOSED when an ERROR or the
 * end of the connection came first (c->error says which ERROR).
 */
int		 tclient_wait_op(struct tclient *, uint32_t, struct proto_msg *, int);

/*
 * Ops as sentences, for every suite: ok(x.m, x.a, GROUP(m2, m1)),
 * tclient_op(&c, &ADD(t, "Idée", 0)).  Each is a struct proto_op (a
 * compound literal) of one kind with what that kind needs, everything else
 * zero; its strings are borrowed (proto.h).  OP() builds any other.
 */
#define OP(...)		((struct proto_op){ __VA_ARGS__ })
/* card.add on table t with text s, building on card p (0: none). */
#define ADD(t, s, p)	OP(.kind = OP_CARD_ADD, .table = (t), \
			    .text = (char *)(s), .parent = (p))
#define EDIT(c, s)	OP(.kind = OP_CARD_EDIT, .card = (c), \
			    .text = (char *)(s))
#define DEL(c)		OP(.kind = OP_CARD_DELETE, .card = (c))
#define MOVE(c, t)	OP(.kind = OP_CARD_MOVE, .card = (c), .table = (t))
/* card.merge: card c into card i (ext, kind 12). */
#define MERGE(c, i)	OP(.kind = OP_CARD_MERGE, .card = (c), .into = (i))
/* card.group: card c under head h (0: out of its cluster). */
#define GROUP(c, h)	OP(.kind = OP_CARD_GROUP, .card = (c), .head = (h))
#define TITLE(h, s)	OP(.kind = OP_CLUSTER_TITLE, .head = (h), \
			    .text = (char *)(s))
#define VOTE(c, d)	OP(.kind = OP_VOTE, .card = (c), .delta = (d))
/* table.sit at t for participant p (0: the sender). */
#define SIT(t, p)	OP(.kind = OP_TABLE_SIT, .table = (t), \
			    .participant = (p))
#define READY(f)	OP(.kind = OP_READY, .flag = (f))
/* table.add with question s. */
#define TADD(s)		OP(.kind = OP_TABLE_ADD, .text = (char *)(s))
#define TEDIT(t, s)	OP(.kind = OP_TABLE_EDIT, .table = (t), \
			    .text = (char *)(s))
#define PHASE(p)	OP(.kind = OP_PHASE, .phase = (p))
/* timer: action a, s seconds, label l. */
#define TIMER(a, s, l)	OP(.kind = OP_TIMER, .action = (a), .seconds = (s), \
			    .text = (char *)(l))
#define BANNER(s)	OP(.kind = OP_BANNER, .text = (char *)(s))
#define ROTATE()	OP(.kind = OP_ROTATE)
#define KEEP(c, f)	OP(.kind = OP_KEEP, .card = (c), .flag = (f))
#define ROLE(p, r)	OP(.kind = OP_ROLE, .participant = (p), .role = (r))
#define FOLLOW(v, t)	OP(.kind = OP_FOLLOW, .view = (v), .table = (t))
/* settings: SETTINGS(.has = SET_BLIND, .blind = false). */
#define SETTINGS(...)	OP(.kind = OP_SETTINGS, .settings = { __VA_ARGS__ })

/* The day.  react: reaction r (1 "+1", 2 "?", 3 "!") on card c, or back. */
#define REACT(c, r, f)	OP(.kind = OP_REACT, .card = (c), .reaction = (r), \
			    .flag = (f))
/* poll.answer to poll p: choice i, or the word s. */
#define CHOOSE(p, i)	OP(.kind = OP_POLL_ANSWER, .poll = (p), \
			    .answer = { .set = true, .choice = (i) })
#define WORD(p, s)	OP(.kind = OP_POLL_ANSWER, .poll = (p), \
			    .answer = { .set = true, .text = (char *)(s) })
/* poll.open: question q, n choices in c (NULL and 0: a word poll). */
#define POLL(q, c, n)	OP(.kind = OP_POLL_OPEN, .text = (char *)(q), \
			    .strs = (char **)(c), .nstrs = (n))
#define CLOSE(p)	OP(.kind = OP_POLL_CLOSE, .poll = (p))
/* step i of the run sheet. */
#define STEP(i)		OP(.kind = OP_STEP, .index = (i))
/* regroup: mode m (GROUP_PAIRS...), size n, question q. */
#define REGROUP(m, n, q) OP(.kind = OP_REGROUP, .mode = (m), .size = (n), \
			    .text = (char *)(q))
/* agenda: step i is AGENDA(i, .has = STEP_TITLE, .title = "Cadrage"). */
#define AGENDA(i, ...)	OP(.kind = OP_AGENDA, .index = (i), \
			    .step = { __VA_ARGS__ })
#define CUT(i)		OP(.kind = OP_AGENDA_CUT, .index = (i))
/* labels: the n labels in l; label: participant p (0: the sender) has l. */
#define LABELS(l, n)	OP(.kind = OP_LABELS, .strs = (char **)(l), \
			    .nstrs = (n))
#define LABEL(l, p)	OP(.kind = OP_LABEL, .label = (l), .participant = (p))

#endif /* CB_TSUPPORT_H */
