/*
 * fuzz_proto.c -- libFuzzer target for the protocol decoder.
 *
 * Every input is a frame body.  The decoder must never crash, leak or read
 * out of bounds; when it accepts a body, the message re-encodes, decodes
 * again to the same fields, and re-encodes to the same bytes.  The same
 * bytes, as a string, go through what the client does to peer text.
 *
 *   make fuzz                          libFuzzer for FUZZ_SECONDS
 *   cc -DFUZZ_STANDALONE ... dir...    replay every file of the directories
 *
 * test_proto.c includes this file to replay the corpus in `make check` and
 * to compare messages in its round trips.
 */
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "text.h"

/* A failed check: abort (a crash to libFuzzer); the tests may override. */
#ifndef FUZZ_CHECK
#define FUZZ_CHECK(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "fuzz_proto: check failed: %s\n", #c);	\
		abort();						\
	}								\
} while (0)
#endif

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Widths as the client sees them: a UTF-8 locale. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "fuzz_proto: no C.UTF-8 locale\n");
		abort();
	}
	return 0;
}

/* Two decoded strings are equal (both absent, or the same bytes). */
static bool
fuzz_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Two optional strings are equal, absent and empty alike (a theme). */
static bool
fuzz_opt_eq(const char *a, const char *b)
{
	return fuzz_str_eq(a != NULL ? a : "", b != NULL ? b : "");
}

/* Two pair lists are equal. */
static bool
fuzz_pairs_eq(const struct proto_pair *a, uint32_t na,
    const struct proto_pair *b, uint32_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

/* Two string lists are equal. */
static bool
fuzz_strs_eq(char *const *a, uint32_t na, char *const *b, uint32_t nb)
{
	uint32_t	i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!fuzz_str_eq(a[i], b[i]))
			return false;
	return true;
}

/* Two lists of [answer, count] are equal. */
static bool
fuzz_counts_eq(const struct proto_count *a, uint32_t na,
    const struct proto_count *b, uint32_t nb)
{
	uint32_t	i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!fuzz_str_eq(a[i].text, b[i].text) || a[i].n != b[i].n)
			return false;
	return true;
}

/* Two poll answers are equal. */
static bool
fuzz_answer_eq(const struct proto_answer *a, const struct proto_answer *b)
{
	return a->set == b->set && fuzz_str_eq(a->text, b->text) &&
	    (a->text != NULL || a->choice == b->choice);
}

/* Two steps are equal in the keys they carry. */
static bool
fuzz_step_eq(const struct proto_step *a, const struct proto_step *b)
{
	uint32_t	h = a->has;

	return a->has == b->has &&
	    (!(h & STEP_TITLE) || fuzz_str_eq(a->title, b->title)) &&
	    (!(h & STEP_PHASE) || a->phase == b->phase) &&
	    (!(h & STEP_DURATION) || a->duration == b->duration) &&
	    (!(h & STEP_BANNER) || fuzz_str_eq(a->banner, b->banner)) &&
	    (!(h & STEP_FOLLOW) || a->follow == b->follow) &&
	    (!(h & STEP_ACTION) || a->action == b->action) &&
	    (!(h & STEP_SIZE) || a->size == b->size) &&
	    (!(h & STEP_QUESTION) || fuzz_str_eq(a->question, b->question)) &&
	    (!(h & STEP_CHOICES) || fuzz_strs_eq(a->choices, a->nchoices,
	    b->choices, b->nchoices));
}

/* ext: two lists of sections, labels, triples are equal. */
static bool
fuzz_deliver_eq(const struct proto_section *sa, uint32_t nsa,
    const struct proto_section *sb, uint32_t nsb, char *const *la,
    uint32_t nla, char *const *lb, uint32_t nlb,
    const struct proto_triple *ta, uint32_t nta,
    const struct proto_triple *tb, uint32_t ntb)
{
	uint32_t	i;

	if (nsa != nsb || nla != nlb || nta != ntb)
		return false;
	for (i = 0; i < nsa; i++)
		if (!fuzz_str_eq(sa[i].name, sb[i].name) ||
		    !fuzz_opt_eq(sa[i].hint, sb[i].hint) ||
		    sa[i].limit != sb[i].limit || sa[i].kind != sb[i].kind)
			return false;
	for (i = 0; i < nla && i < PROTO_CRITERIA_MAX; i++)
		if (!fuzz_str_eq(la[i], lb[i]))
			return false;
	return nta == 0 || memcmp(ta, tb, nta * sizeof *ta) == 0;
}

/* Two values of a setting are equal, by its type. */
#define FUZZ_EQ_BOOL(a, b)	((a) == (b))
#define FUZZ_EQ_NUM(a, b)	((a) == (b))
#define FUZZ_EQ_TEXT(a, b)	fuzz_str_eq((a), (b))
#define FUZZ_SETTING_EQ(member, key, bit, type, ...) \
	&& FUZZ_EQ_##type(a->member, b->member)
/*
 * In a board record a setting may be absent (an older server's): a text
 * one then decodes as NULL and travels again as "".
 */
#define FUZZ_REC_TEXT(a, b)	fuzz_opt_eq((a), (b))
#define FUZZ_REC_BOOL(a, b)	((a) == (b))
#define FUZZ_REC_NUM(a, b)	((a) == (b))
#define FUZZ_REC_SETTING_EQ(member, key, bit, type, ...) \
	&& FUZZ_REC_##type(a->member, b->member)

/* Two settings maps are equal. */
static bool
fuzz_settings_eq(const struct proto_settings *a, const struct proto_settings *b)
{
	return a->has == b->has PROTO_SETTINGS(FUZZ_SETTING_EQ);
}

/* Two op bodies are equal, field by field. */
static bool
fuzz_op_eq(const struct proto_op *a, const struct proto_op *b)
{
	return a->kind == b->kind && a->hidden == b->hidden &&
	    a->card == b->card && a->table == b->table &&
	    a->parent == b->parent && a->head == b->head &&
	    a->delta == b->delta && a->flag == b->flag &&
	    a->participant == b->participant && a->phase == b->phase &&
	    a->role == b->role && a->action == b->action &&
	    a->view == b->view && a->seconds == b->seconds &&
	    fuzz_str_eq(a->text, b->text) && fuzz_opt_eq(a->theme, b->theme) &&
	    fuzz_settings_eq(&a->settings, &b->settings) &&
	    a->remaining_ms == b->remaining_ms && a->running == b->running &&
	    memcmp(a->client, b->client, PROTO_CLIENT_LEN) == 0 &&
	    fuzz_pairs_eq(a->pairs, a->npairs, b->pairs, b->npairs) &&
	    a->reaction == b->reaction && a->poll == b->poll &&
	    fuzz_answer_eq(&a->answer, &b->answer) &&
	    fuzz_answer_eq(&a->prev, &b->prev) && a->index == b->index &&
	    fuzz_step_eq(&a->step, &b->step) && a->mode == b->mode &&
	    a->size == b->size && a->label == b->label &&
	    fuzz_strs_eq(a->strs, a->nstrs, b->strs, b->nstrs) &&
	    fuzz_pairs_eq(a->merges, a->nmerges, b->merges, b->nmerges) &&
	    fuzz_counts_eq(a->counts, a->ncounts, b->counts, b->ncounts) &&
	    a->section == b->section && a->canvas == b->canvas &&
	    fuzz_opt_eq(a->owner, b->owner) && fuzz_opt_eq(a->due, b->due) &&
	    a->criterion == b->criterion && a->value == b->value &&
	    a->previous == b->previous &&
	    fuzz_deliver_eq(a->sections, a->nsections, b->sections,
	    b->nsections, a->labels, a->nlabels, b->labels, b->nlabels,
	    a->triples, a->ntriples, b->triples, b->ntriples);
}

/* Two board records are equal. */
static bool
fuzz_board_eq(const struct proto_board_rec *a, const struct proto_board_rec *b)
{
	return fuzz_str_eq(a->name, b->name)
	    PROTO_SETTINGS(FUZZ_REC_SETTING_EQ) && a->phase == b->phase &&
	    a->round == b->round && fuzz_str_eq(a->banner, b->banner) &&
	    a->revealed == b->revealed && a->follow_view == b->follow_view &&
	    a->follow_table == b->follow_table &&
	    a->follow_seq == b->follow_seq && a->created_ms == b->created_ms &&
	    a->head == b->head;
}

/* Two STATE records are equal. */
static bool
fuzz_state_eq(const struct proto_state *a, const struct proto_state *b)
{
	return a->what == b->what && fuzz_board_eq(&a->board, &b->board) &&
	    a->id == b->id && a->table == b->table && a->author == b->author &&
	    a->parent == b->parent && a->head == b->head &&
	    fuzz_str_eq(a->text, b->text) && fuzz_str_eq(a->title, b->title) &&
	    a->votes == b->votes && a->shown == b->shown &&
	    a->kept == b->kept && a->hidden == b->hidden &&
	    a->edited == b->edited && a->deleted == b->deleted &&
	    a->ready == b->ready && a->running == b->running &&
	    a->ended == b->ended && a->role == b->role &&
	    a->created_ms == b->created_ms &&
	    a->remaining_ms == b->remaining_ms &&
	    memcmp(a->client, b->client, PROTO_CLIENT_LEN) == 0 &&
	    a->last_op == b->last_op && a->count == b->count &&
	    fuzz_pairs_eq(a->pairs, a->npairs, b->pairs, b->npairs) &&
	    a->index == b->index && fuzz_step_eq(&a->step, &b->step) &&
	    a->ended_ms == b->ended_ms && a->current == b->current &&
	    a->closed == b->closed && a->dissolved == b->dissolved &&
	    a->kind == b->kind && a->number == b->number &&
	    a->label == b->label && a->team == b->team && a->seq == b->seq &&
	    fuzz_answer_eq(&a->answer, &b->answer) &&
	    fuzz_strs_eq(a->strs, a->nstrs, b->strs, b->nstrs) &&
	    fuzz_counts_eq(a->counts, a->ncounts, b->counts, b->ncounts) &&
	    memcmp(a->reacts, b->reacts, sizeof a->reacts) == 0 &&
	    a->canvas == b->canvas && a->section == b->section &&
	    fuzz_opt_eq(a->owner, b->owner) && fuzz_opt_eq(a->due, b->due) &&
	    a->open == b->open &&
	    fuzz_deliver_eq(a->sections, a->nsections, b->sections,
	    b->nsections, a->labels, a->nlabels, b->labels, b->nlabels,
	    a->triples, a->ntriples, b->triples, b->ntriples);
}

/* Two messages are equal in every field their type uses. */
static bool
fuzz_msg_eq(const struct proto_msg *a, const struct proto_msg *b)
{
	const struct proto_hello	*ha = &a->u.hello, *hb = &b->u.hello;
	const struct proto_welcome	*wa = &a->u.welcome;
	const struct proto_welcome	*wb = &b->u.welcome;
	const struct proto_relay	*ra = &a->u.relay, *rb = &b->u.relay;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case PROTO_HELLO:
	case PROTO_RELAY_HELLO:
		return ha->v == hb->v && fuzz_str_eq(ha->board, hb->board) &&
		    memcmp(ha->client, hb->client, PROTO_CLIENT_LEN) == 0 &&
		    fuzz_str_eq(ha->name, hb->name) &&
		    fuzz_str_eq(ha->code, hb->code) &&
		    fuzz_str_eq(ha->key, hb->key) && ha->since == hb->since &&
		    ha->want_state == hb->want_state &&
		    ha->observe == hb->observe && ha->relay == hb->relay &&
		    ha->create == hb->create && ha->roster == hb->roster;
	case PROTO_RELAY_OP:
		return memcmp(ra->client, rb->client, PROTO_CLIENT_LEN) == 0 &&
		    ra->op_id == rb->op_id && fuzz_op_eq(&ra->op, &rb->op);
	case PROTO_RELAY_BYE:
		return memcmp(ra->client, rb->client, PROTO_CLIENT_LEN) == 0;
	case PROTO_RELAY_WELCOME:
		wa = &ra->welcome;
		wb = &rb->welcome;
		return memcmp(ra->client, rb->client, PROTO_CLIENT_LEN) == 0 &&
		    wa->v == wb->v && fuzz_str_eq(wa->board, wb->board) &&
		    wa->participant == wb->participant &&
		    wa->role == wb->role && wa->head == wb->head &&
		    wa->mode == wb->mode && wa->last_op == wb->last_op;
	case PROTO_RELAY_REJECT:
	case PROTO_RELAY_ERROR:
		return memcmp(ra->client, rb->client, PROTO_CLIENT_LEN) == 0 &&
		    ra->op_id == rb->op_id && ra->code == rb->code &&
		    fuzz_str_eq(ra->text, rb->text);
	case PROTO_UPLINK:
		return a->u.uplink.up == b->u.uplink.up &&
		    a->u.uplink.waiting == b->u.uplink.waiting &&
		    a->u.uplink.mine == b->u.uplink.mine;
	case PROTO_OP:
		return a->u.op.op_id == b->u.op.op_id &&
		    fuzz_op_eq(&a->u.op.op, &b->u.op.op);
	case PROTO_PING:
	case PROTO_PONG:
		return a->u.token == b->u.token;
	case PROTO_BYE:
	case PROTO_LIST:
		return true;
	case PROTO_BOARD:
		return fuzz_str_eq(a->u.board.name, b->u.board.name) &&
		    fuzz_str_eq(a->u.board.title, b->u.board.title) &&
		    a->u.board.online == b->u.board.online &&
		    a->u.board.code_needed == b->u.board.code_needed;
	case PROTO_BOARDS_END:
		return a->u.boards == b->u.boards;
	case PROTO_WELCOME:
		return wa->v == wb->v && fuzz_str_eq(wa->board, wb->board) &&
		    wa->participant == wb->participant &&
		    wa->role == wb->role && wa->head == wb->head &&
		    wa->mode == wb->mode && wa->last_op == wb->last_op &&
		    wa->roster == wb->roster;
	case PROTO_ROSTER:
		return a->u.roster.npairs == b->u.roster.npairs &&
		    (a->u.roster.npairs == 0 || memcmp(a->u.roster.pairs,
		    b->u.roster.pairs, a->u.roster.npairs *
		    sizeof *a->u.roster.pairs) == 0);
	case PROTO_STATE:
		return fuzz_state_eq(&a->u.state, &b->u.state);
	case PROTO_EVENT:
		return a->u.event.seq == b->u.event.seq &&
		    a->u.event.origin == b->u.event.origin &&
		    a->u.event.op_id == b->u.event.op_id &&
		    fuzz_op_eq(&a->u.event.op, &b->u.event.op);
	case PROTO_READY:
		return a->u.ready == b->u.ready;
	case PROTO_REJECT:
		return a->u.reject.op_id == b->u.reject.op_id &&
		    a->u.reject.code == b->u.reject.code &&
		    fuzz_str_eq(a->u.reject.text, b->u.reject.text);
	case PROTO_PRESENCE:
		return a->u.presence.participant == b->u.presence.participant &&
		    a->u.presence.online == b->u.presence.online &&
		    a->u.presence.table == b->u.presence.table &&
		    fuzz_str_eq(a->u.presence.name, b->u.presence.name);
	case PROTO_ERROR:
		return a->u.error.code == b->u.error.code &&
		    fuzz_str_eq(a->u.error.text, b->u.error.text);
	}
	return false;
}

/*
 * Encode msg with the encoder of its type; 0 if it has none (a STATE
 * record of an unknown name is read and ignored, never written).
 */
static size_t
fuzz_encode(struct proto_buf *buf, const struct proto_msg *m)
{
	switch (m->type) {
	case PROTO_HELLO:
		return proto_enc_hello(buf, &m->u.hello);
	case PROTO_OP:
		return proto_enc_op(buf, m->u.op.op_id, &m->u.op.op);
	case PROTO_PING:
		return proto_enc_ping(buf, m->u.token);
	case PROTO_PONG:
		return proto_enc_pong(buf, m->u.token);
	case PROTO_BYE:
		return proto_enc_bye(buf);
	case PROTO_WELCOME:
		return proto_enc_welcome(buf, &m->u.welcome);
	case PROTO_STATE:
		if (m->u.state.what >= STATE_WHAT_COUNT)
			return 0;
		return proto_enc_state(buf, &m->u.state);
	case PROTO_EVENT:
		return proto_enc_event(buf, &m->u.event);
	case PROTO_READY:
		return proto_enc_ready(buf, m->u.ready);
	case PROTO_REJECT:
		return proto_enc_reject(buf, m->u.reject.op_id,
		    m->u.reject.code, m->u.reject.text);
	case PROTO_PRESENCE:
		return proto_enc_presence(buf, &m->u.presence);
	case PROTO_ERROR:
		return proto_enc_error(buf, m->u.error.code, m->u.error.text);
	case PROTO_LIST:
		return proto_enc_list(buf);
	case PROTO_BOARD:
		return proto_enc_board(buf, &m->u.board);
	case PROTO_BOARDS_END:
		return proto_enc_boards_end(buf, m->u.boards);
	case PROTO_RELAY_HELLO:
		return proto_enc_relay_hello(buf, &m->u.hello);
	case PROTO_RELAY_OP:
		return proto_enc_relay_op(buf, m->u.relay.client,
		    m->u.relay.op_id, &m->u.relay.op);
	case PROTO_RELAY_BYE:
		return proto_enc_relay_bye(buf, m->u.relay.client);
	case PROTO_RELAY_WELCOME:
		return proto_enc_relay_welcome(buf, m->u.relay.client,
		    &m->u.relay.welcome);
	case PROTO_RELAY_REJECT:
		return proto_enc_relay_reject(buf, m->u.relay.client,
		    m->u.relay.op_id, m->u.relay.code, m->u.relay.text);
	case PROTO_RELAY_ERROR:
		return proto_enc_relay_error(buf, m->u.relay.client,
		    m->u.relay.code, m->u.relay.text);
	case PROTO_UPLINK:
		return proto_enc_uplink(buf, &m->u.uplink);
	case PROTO_ROSTER:
		return proto_enc_roster(buf, &m->u.roster);
	}
	return 0;
}

/*
 * The text functions on the input as a C string: sanitised output is always
 * protocol-clean, widths and fits agree, character steps are consistent.
 */
static void
fuzz_text(const uint8_t *data, size_t size)
{
	char	*s, *out;
	size_t	 len, off, next, w, fw, i;
	int	 mode;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	for (mode = 0; mode < 4; mode++) {
		out = text_sanitize(s, mode & 1, mode & 2);
		FUZZ_CHECK(text_check(out, strlen(out), mode & 2, NULL) ==
		    TEXT_OK);
		for (i = 0; (mode & 1) && out[i] != '\0'; i++)
			FUZZ_CHECK((unsigned char)out[i] < 0x80);
		free(out);
	}
	w = text_width(s);
	FUZZ_CHECK(text_fit(s, w, &fw) == len && fw == w);
	text_fit(s, w / 2, &fw);
	FUZZ_CHECK(fw <= w / 2);
	for (off = 0; off < len; off = next) {
		next = text_next_char(s, len, off);
		FUZZ_CHECK(next > off && next <= len);
		FUZZ_CHECK(text_prev_char(s, next) == off);
	}
	FUZZ_CHECK(text_prev_word(s, len) <= len);
	free(s);
}

/* Decode; if accepted, re-encode, decode again and compare. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_msg	m1, m2;
	struct proto_err	err;
	struct proto_buf	b1, b2;
	enum proto_status	st;
	char			why[128];
	size_t			n1, n2;
	int			pre;

	fuzz_text(data, size);
	pre = proto_prescan(data, size, why, sizeof why);
	st = proto_decode(data, size, &m1, &err);
	FUZZ_CHECK(err.status == st);
	FUZZ_CHECK(st != PROTO_OK || (size >= 1 && pre == 0));
	if (st != PROTO_OK) {
		FUZZ_CHECK(m1.arena == NULL);
		FUZZ_CHECK(memchr(err.text, '\0', sizeof err.text) != NULL);
		FUZZ_CHECK(st != PROTO_E_OP || err.reject == REJECT_BAD ||
		    err.reject == REJECT_LIMIT);
		return 0;
	}

	proto_buf_init(&b1);
	proto_buf_init(&b2);
	n1 = fuzz_encode(&b1, &m1);
	if (n1 == 0) {
		FUZZ_CHECK(m1.type == PROTO_STATE &&
		    m1.u.state.what == STATE_WHAT_COUNT);
		proto_msg_free(&m1);
		return 0;
	}
	FUZZ_CHECK(n1 == b1.len && n1 > PROTO_FRAME_HDR);
	FUZZ_CHECK(proto_frame_len(b1.data) == n1 - PROTO_FRAME_HDR);
	st = proto_decode(b1.data + PROTO_FRAME_HDR, n1 - PROTO_FRAME_HDR, &m2,
	    &err);
	FUZZ_CHECK(st == PROTO_OK);
	FUZZ_CHECK(fuzz_msg_eq(&m1, &m2));
	n2 = fuzz_encode(&b2, &m2);
	FUZZ_CHECK(n2 == n1 && memcmp(b1.data, b2.data, n1) == 0);

	proto_msg_free(&m1);
	proto_msg_free(&m2);
	proto_buf_free(&b1);
	proto_buf_free(&b2);
	return 0;
}

#ifdef FUZZ_STANDALONE
#include <dirent.h>

/* Run the target over one file; -1 if it cannot be read. */
static int
fuzz_file(const char *path)
{
	FILE		*f;
	uint8_t		*data = NULL;
	size_t		 len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((data = realloc(data, cap)) == NULL)
				abort();
		}
		if ((n = fread(data + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

/* Replay every file of the directories given. */
int
main(int argc, char **argv)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[4096];
	int		 i, count = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if ((d = opendir(argv[i])) == NULL) {
			perror(argv[i]);
			return 1;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i],
			    de->d_name);
			if (fuzz_file(path) == 0)
				count++;
		}
		closedir(d);
	}
	printf("fuzz_proto: %d inputs replayed\n", count);
	return 0;
}
#endif
