/*
 * ui-console.c -- the facilitator's console: one key per tool (timer,
 * phase, reveal, close the vote, banner, rotation, keep, settings, roles,
 * follow me, lock, tables, seats), each a row of the key table with a
 * one-line explanation, and each opening a picker, an editor or a question
 * with its own handler.  The model checks every op before it goes
 * (net_submit), so the console offers what a facilitator may do and
 * explains what the board refuses.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "i18n.h"
#include "layout.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/*
 * A duration typed by a facilitator: "10m", "90s", "1h30", "1h 30m",
 * "5:00", "1:30:00", "10 min", or a bare number of minutes.  Returns 0 and
 * *secs (1 s to 24 h), or -1.
 */
int
ui_console_duration(const char *s, int32_t *secs)
{
	long long	 total = 0, v, parts[3];
	const char	*p = s;
	char		*end;
	int		 n = 0, i;
	bool		 unit_seen = false, last_h = false;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return -1;
	if (strchr(p, ':') != NULL) {
		while (n < 3) {
			if (!isdigit((unsigned char)*p))
				return -1;
			parts[n++] = strtoll(p, &end, 10);
			p = end;
			if (*p != ':')
				break;
			p++;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '\0' || n < 2)
			return -1;
		for (i = 1; i < n; i++) {
			if (parts[i] > 59)
				return -1;
		}
		total = n == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] :
		    parts[0] * 60 + parts[1];
	} else {
		while (*p != '\0') {
			if (!isdigit((unsigned char)*p))
				return -1;
			v = strtoll(p, &end, 10);
			p = end;
			while (isspace((unsigned char)*p))
				p++;
			if (v > 1000000)
				return -1;
			if (*p == 'h' || *p == 'H') {
				total += v * 3600;
				p++;
				last_h = true;
			} else if (strncmp(p, "min", 3) == 0) {
				total += v * 60;
				p += 3;
				last_h = false;
			} else if (*p == 'm' || *p == 'M') {
				total += v * 60;
				p++;
				last_h = false;
			} else if (strncmp(p, "sec", 3) == 0) {
				total += v;
				p += 3;
				last_h = false;
			} else if (*p == 's' || *p == 'S') {
				total += v;
				p++;
				last_h = false;
			} else if (*p == '\0') {
				/* "1h30": minutes; "10": minutes too. */
				total += v * 60;
				if (unit_seen && !last_h)
					return -1;
				unit_seen = true;
				break;
			} else
				return -1;
			unit_seen = true;
			while (isspace((unsigned char)*p))
				p++;
		}
	}
	if (total < 1 || total > PROTO_TIMER_MAX)
		return -1;
	*secs = (int32_t)total;
	return 0;
}

/* Open the console (facilitators only; the key table checked). */
void
ui_console_open(struct ui *ui)
{
	ui_close_modal(ui);
	ui->modal = UI_MODAL_CONSOLE;
	ui_dirty(ui);
}

/* Enter in the console: the tool under the cursor. */
void
ui_console_run(struct ui *ui, const struct ui_key *k)
{
	const struct ui_key	*tool = ui_keys_console_tool(ui->console_sel);

	(void)k;
	if (tool != NULL)
		ui_keys_run(ui, tool);
}

/* "yes" or "no", translated. */
static const char *
ui_console_yes(bool b)
{
	return b ? _("yes") : _("no");
}

/* A timer op. */
static int
ui_console_timer(struct ui *ui, uint8_t action, int32_t secs,
    const char *label)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_TIMER;
	op.action = action;
	op.seconds = secs;
	op.text = (char *)(label != NULL ? label : "");
	return ui_submit(ui, &op);
}

/* A phase op. */
static int
ui_console_phase(struct ui *ui, unsigned phase)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_PHASE;
	op.phase = (uint8_t)phase;
	return ui_submit(ui, &op);
}

/* Submit a settings op with one boolean changed. */
static int
ui_console_toggle(struct ui *ui, uint32_t bit, bool value)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_SETTINGS;
	op.settings.has = bit;
	switch (bit) {
	case SET_MULTI_VOTE: op.settings.multi_vote = value; break;
	case SET_BLIND: op.settings.blind = value; break;
	case SET_PRIVATE: op.settings.private_writing = value; break;
	case SET_ANONYMOUS: op.settings.anonymous = value; break;
	case SET_FREEZE: op.settings.freeze_at_zero = value; break;
	case SET_LOCKED: op.settings.locked = value; break;
	}
	return ui_submit(ui, &op);
}

/* ---------------------------------------------------------------- timer */

/* The label of a new timer was typed (empty: none); it starts. */
static void
ui_console_timer_label_done(struct ui *ui, const char *text)
{
	int32_t	secs = ui->target.seconds;

	ui_close_modal(ui);
	ui_console_timer(ui, TIMER_START, secs, text);
}

/* A new timer's duration was typed; its label follows, empty. */
static void
ui_console_timer_len_done(struct ui *ui, const char *text)
{
	const char	*old = ui_model(ui)->timer.label;
	char		 prompt[256], *t;
	int32_t		 secs;

	if (ui_console_duration(text, &secs) != 0) {
		ui_message(ui, true, "%s", _("A duration looks like 10m, 90s, "
		    "1h30 or 5:00 (at most 24 h)."));
		return;		/* the editor stays open */
	}
	free(ui->timer_secs);
	ui->timer_secs = xstrdup(text);
	ui->target.seconds = secs;
	/* The old label is named, not prefilled: typing starts afresh. */
	if (old != NULL && old[0] != '\0') {
		t = text_sanitize(old, ui->ascii, false);
		t[text_fit(t, 40, NULL)] = '\0';
		snprintf(prompt, sizeof prompt, _("Label (optional; the last "
		    "one was \xe2\x80\x9c%s\xe2\x80\x9d)"), t);
		free(t);
	} else
		snprintf(prompt, sizeof prompt, "%s", _("Label (optional)"));
	ui_open_editor(ui, prompt, NULL, PROTO_LABEL_MAX, false,
	    ui_console_timer_label_done);
}

/* Values of the timer picker. */
enum {
	UI_TIMER_START = 1,
	UI_TIMER_PAUSE,
	UI_TIMER_RESUME,
	UI_TIMER_PLUS,
	UI_TIMER_MINUS,
	UI_TIMER_STOP,
};

/* A line of the timer picker was chosen. */
static void
ui_console_timer_picked(struct ui *ui, uint64_t value)
{
	ui_close_modal(ui);
	switch (value) {
	case UI_TIMER_START:
		ui_open_editor(ui, _("Duration (10m, 90s, 5:00)"),
		    ui->timer_secs != NULL ? ui->timer_secs : "10m", 16, false,
		    ui_console_timer_len_done);
		break;
	case UI_TIMER_PAUSE:
		ui_console_timer(ui, TIMER_PAUSE, 0, "");
		break;
	case UI_TIMER_RESUME:
		ui_console_timer(ui, TIMER_RESUME, 0, "");
		break;
	case UI_TIMER_PLUS:
		ui_console_timer(ui, TIMER_ADD, 60, "");
		break;
	case UI_TIMER_MINUS:
		ui_console_timer(ui, TIMER_ADD, -60, "");
		break;
	case UI_TIMER_STOP:
		ui_console_timer_clear(ui, NULL);
		break;
	}
}

/* t: the timer's actions. */
void
ui_console_timer_menu(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_open_picker(ui, _("Timer"), ui_console_timer_picked);
	ui_picker_add(ui, _("Start... (duration and label)"), UI_TIMER_START,
	    's', false);
	ui_picker_add(ui, _("Pause"), UI_TIMER_PAUSE, 'p', false);
	ui_picker_add(ui, _("Resume"), UI_TIMER_RESUME, 'r', false);
	ui_picker_add(ui, _("Add one minute"), UI_TIMER_PLUS, '+', false);
	ui_picker_add(ui, _("Take one minute off"), UI_TIMER_MINUS, '-',
	    false);
	ui_picker_add(ui, _("Stop and clear"), UI_TIMER_STOP, 'x', false);
}

/* x: no timer any more, whether it runs, is paused or ran out. */
void
ui_console_timer_clear(struct ui *ui, const struct ui_key *k)
{
	struct model	*m = ui_model(ui);

	(void)k;
	ui_close_modal(ui);
	if (!m->timer.running && m->timer.remaining_ms == 0 &&
	    !m->timer.ended) {
		ui_message(ui, false, "%s", _("There is no timer to clear."));
		return;
	}
	if (ui_console_timer(ui, TIMER_STOP, 0, "") == 0)
		ui_message(ui, false, "%s", _("Timer cleared: no countdown on "
		    "the screens."));
}

/* ---------------------------------------------------------------- phase */

/* A phase was picked. */
static void
ui_console_phase_picked(struct ui *ui, uint64_t value)
{
	ui_close_modal(ui);
	ui_console_phase(ui, (unsigned)value);
}

/* p: the phases, the current one marked. */
void
ui_console_phase_menu(struct ui *ui, const struct ui_key *k)
{
	struct model	*m = ui_model(ui);
	size_t		 i;

	(void)k;
	ui_open_picker(ui, _("Phase"), ui_console_phase_picked);
	for (i = 0; i < PHASE_COUNT; i++)
		ui_picker_add(ui, ui_text_phase((unsigned)i), i,
		    (int)('1' + i), i == m->phase);
}

/* w: private writing ends, every hidden card shows. */
void
ui_console_reveal(struct ui *ui, const struct ui_key *k)
{
	struct model	*m = ui_model(ui);

	(void)k;
	ui_close_modal(ui);
	if (!m->settings.private_writing) {
		ui_message(ui, false, "%s", _("Writing is not private: every "
		    "card is already visible."));
		return;
	}
	if (ui_console_toggle(ui, SET_PRIVATE, false) == 0)
		ui_message(ui, false, "%s", _("Private cards revealed: "
		    "everyone sees them now."));
}

/* v: the vote closes, the tallies go public, the results show. */
void
ui_console_close_vote(struct ui *ui, const struct ui_key *k)
{
	struct model	*m = ui_model(ui);

	(void)k;
	ui_close_modal(ui);
	if (m->phase != PHASE_VOTE) {
		ui_message(ui, true, _("No vote is open (phase: %s): the "
		    "results come after the vote phase."),
		    ui_text_phase(m->phase));
		return;
	}
	if (ui_console_phase(ui, PHASE_HARVEST) == 0) {
		ui->view = UI_VIEW_RESULTS;
		ui_message(ui, false, "%s", _("The vote is closed: everyone "
		    "sees the results."));
	}
}

/* ---------------------------------------------------------------- board */

/* The banner was typed (empty: none). */
static void
ui_console_banner_done(struct ui *ui, const char *text)
{
	struct proto_op	op;

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_BANNER;
	op.text = (char *)text;
	ui_submit(ui, &op);
}

/* b: the banner. */
void
ui_console_banner(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_open_editor(ui, _("Banner (empty: none)"), ui_model(ui)->banner,
	    PROTO_BANNER_MAX, false, ui_console_banner_done);
}

/* Yes, rotate. */
static void
ui_console_rotate_yes(struct ui *ui)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_ROTATE;
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", _("The tables rotated: every "
		    "traveller sees their new table."));
}

/* o: rotate the tables, after y. */
void
ui_console_rotate(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_open_confirm(ui, _("Rotate the tables now? Travellers move to "
	    "tables they have not sat at, hosts stay."),
	    ui_console_rotate_yes);
}

/* k: keep the selected idea, or not. */
void
ui_console_keep(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_close_modal(ui);
	ui_keys_keep(ui);
}

/* l: lock the board, or unlock it. */
void
ui_console_lock(struct ui *ui, const struct ui_key *k)
{
	bool	lock = !ui_model(ui)->settings.locked;

	(void)k;
	ui_close_modal(ui);
	if (ui_console_toggle(ui, SET_LOCKED, lock) == 0)
		ui_message(ui, false, "%s", lock ? _("Board locked: "
		    "participants can only read.") : _("Board unlocked."));
}

/* The question of a new table was typed. */
static void
ui_console_table_add_done(struct ui *ui, const char *text)
{
	struct proto_op	op;

	if (text[0] == '\0') {
		ui_close_modal(ui);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_ADD;
	op.text = (char *)text;
	if (ui_send_text(ui, &op) == 0)
		ui_message(ui, false, "%s", _("Table added."));
}

/* n: a new table. */
void
ui_console_table_add(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_open_editor(ui, _("Question of the new table"), NULL,
	    PROTO_QUESTION_MAX, false, ui_console_table_add_done);
}

/* A table's question was edited. */
static void
ui_console_table_edit_done(struct ui *ui, const char *text)
{
	struct proto_op	op;

	if (text[0] == '\0') {
		ui_close_modal(ui);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_EDIT;
	op.table = ui->target.table;
	op.text = (char *)text;
	ui_send_text(ui, &op);
}

/* e: the question of the table looked at. */
void
ui_console_table_edit(struct ui *ui, const struct ui_key *k)
{
	struct model			*m = ui_model(ui);
	const struct model_table	*t;

	(void)k;
	ui_resolve_table(ui);
	if ((t = model_table(m, ui->table)) == NULL) {
		ui_close_modal(ui);
		ui_message(ui, true, "%s", _("There is no table yet."));
		return;
	}
	ui->target.table = t->id;
	ui_open_editor(ui, _("Question"), t->question, PROTO_QUESTION_MAX,
	    false, ui_console_table_edit_done);
}

/* ---------------------------------------------------------------- settings */

/* Values of the settings picker, in its order. */
enum {
	UI_SET_DOTS,
	UI_SET_MULTI,
	UI_SET_BLIND,
	UI_SET_PRIVATE,
	UI_SET_ANON,
	UI_SET_FREEZE,
	UI_SET_LOCKED,
	UI_SET_CODE,
	UI_SET_TITLE,
	UI_SET_KEEP,
};

static void	ui_console_settings(struct ui *, size_t);

/* A number 1-99 typed in an editor; -1 if it is not one. */
static int
ui_console_number(const char *s)
{
	char	*end;
	long	 v;

	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < 1 || v > 99)
		return -1;
	return (int)v;
}

/* Dots (or ideas to keep) were typed. */
static void
ui_console_count_done(struct ui *ui, const char *text, uint32_t bit,
    size_t line)
{
	struct proto_op	op;
	int		v;

	if ((v = ui_console_number(text)) < 0) {
		ui_message(ui, true, "%s", _("A number from 1 to 99."));
		return;
	}
	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_SETTINGS;
	op.settings.has = bit;
	op.settings.dots = (uint32_t)v;
	op.settings.keep = (uint32_t)v;
	ui_submit(ui, &op);
	ui_console_settings(ui, line);
}

/* Dots per person and question were typed. */
static void
ui_console_dots_done(struct ui *ui, const char *text)
{
	ui_console_count_done(ui, text, SET_DOTS, UI_SET_DOTS);
}

/* Ideas to keep per question were typed. */
static void
ui_console_keep_done(struct ui *ui, const char *text)
{
	ui_console_count_done(ui, text, SET_KEEP, UI_SET_KEEP);
}

/* The board's title was typed. */
static void
ui_console_title_done(struct ui *ui, const char *text)
{
	struct proto_op	op;

	if (text[0] == '\0') {
		ui_message(ui, true, "%s", _("A title cannot be empty."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_SETTINGS;
	op.settings.has = SET_TITLE;
	op.settings.title = (char *)text;
	if (ui_send_text(ui, &op) == 0)
		ui_console_settings(ui, UI_SET_TITLE);
}

/* The join code was typed (empty: none). */
static void
ui_console_code_done(struct ui *ui, const char *text)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_SETTINGS;
	op.settings.has = SET_CODE;
	op.settings.code = (char *)text;
	if (ui_send_text(ui, &op) == 0)
		ui_console_settings(ui, UI_SET_CODE);
}

/* A setting was picked: a switch flips, a value opens its editor. */
static void
ui_console_setting_picked(struct ui *ui, uint64_t value)
{
	struct model_settings	*s = &ui_model(ui)->settings;
	char			 buf[16];

	switch (value) {
	case UI_SET_DOTS:
		snprintf(buf, sizeof buf, "%u", s->dots);
		ui_open_editor(ui, _("Dots per person and question (1-99)"),
		    buf, 2, false, ui_console_dots_done);
		return;
	case UI_SET_KEEP:
		snprintf(buf, sizeof buf, "%u", s->keep);
		ui_open_editor(ui, _("Ideas to keep per question (1-99)"),
		    buf, 2, false, ui_console_keep_done);
		return;
	case UI_SET_CODE:
		ui_open_editor(ui, _("Join code (empty: none)"), s->code,
		    PROTO_CODE_MAX, false, ui_console_code_done);
		return;
	case UI_SET_TITLE:
		ui_open_editor(ui, _("Board title"), s->title, PROTO_TITLE_MAX,
		    false, ui_console_title_done);
		return;
	case UI_SET_MULTI:
		ui_console_toggle(ui, SET_MULTI_VOTE, !s->multi_vote);
		break;
	case UI_SET_BLIND:
		ui_console_toggle(ui, SET_BLIND, !s->blind);
		break;
	case UI_SET_PRIVATE:
		ui_console_toggle(ui, SET_PRIVATE, !s->private_writing);
		break;
	case UI_SET_ANON:
		ui_console_toggle(ui, SET_ANONYMOUS, !s->anonymous);
		break;
	case UI_SET_FREEZE:
		ui_console_toggle(ui, SET_FREEZE, !s->freeze_at_zero);
		break;
	case UI_SET_LOCKED:
		ui_console_toggle(ui, SET_LOCKED, !s->locked);
		break;
	}
	/* Stay in the settings, showing the new value. */
	ui_console_settings(ui, (size_t)value);
}

/* The settings picker, with the current values; the cursor on line. */
static void
ui_console_settings(struct ui *ui, size_t line)
{
	struct model_settings	*s = &ui_model(ui)->settings;
	char			 buf[512];

	ui_open_picker(ui, _("Settings"), ui_console_setting_picked);
	snprintf(buf, sizeof buf, _("Dots per person and question: %u"),
	    s->dots);
	ui_picker_add(ui, buf, UI_SET_DOTS, 'd', false);
	snprintf(buf, sizeof buf, _("Several dots on one card: %s"),
	    ui_console_yes(s->multi_vote));
	ui_picker_add(ui, buf, UI_SET_MULTI, 'm', false);
	snprintf(buf, sizeof buf, _("Blind vote (tallies hidden until the "
	    "vote closes): %s"), ui_console_yes(s->blind));
	ui_picker_add(ui, buf, UI_SET_BLIND, 'b', false);
	snprintf(buf, sizeof buf, _("Private writing: %s"),
	    ui_console_yes(s->private_writing));
	ui_picker_add(ui, buf, UI_SET_PRIVATE, 'p', false);
	snprintf(buf, sizeof buf, _("Anonymous cards: %s"),
	    ui_console_yes(s->anonymous));
	ui_picker_add(ui, buf, UI_SET_ANON, 'a', false);
	snprintf(buf, sizeof buf, _("No new cards when the timer ends: %s"),
	    ui_console_yes(s->freeze_at_zero));
	ui_picker_add(ui, buf, UI_SET_FREEZE, 'f', false);
	snprintf(buf, sizeof buf, _("Locked (read only for participants): "
	    "%s"), ui_console_yes(s->locked));
	ui_picker_add(ui, buf, UI_SET_LOCKED, 'l', false);
	snprintf(buf, sizeof buf, _("Join code: %s"), s->code[0] != '\0' ?
	    s->code : _("(none)"));
	ui_picker_add(ui, buf, UI_SET_CODE, 'c', false);
	snprintf(buf, sizeof buf, _("Title: %s"), s->title);
	ui_picker_add(ui, buf, UI_SET_TITLE, 't', false);
	snprintf(buf, sizeof buf, _("Ideas to keep per question: %u"),
	    s->keep);
	ui_picker_add(ui, buf, UI_SET_KEEP, 'k', false);
	ui->pick = line < ui->nitems ? line : 0;
}

/* c: the settings. */
void
ui_console_settings_menu(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_console_settings(ui, 0);
}

/* ---------------------------------------------------------------- people */

/* A picker of every participant, whose choice calls fn. */
static void
ui_console_people(struct ui *ui, const char *title, ui_pick_fn *fn)
{
	struct model			*m = ui_model(ui);
	const struct model_participant	*p;
	char				*label;
	int				 t;
	size_t				 i;

	if (m->nparticipants == 0) {
		ui_close_modal(ui);
		ui_message(ui, true, "%s", _("Nobody has joined yet."));
		return;
	}
	ui_open_picker(ui, title, fn);
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		t = model_table_index(m, p->table);
		if (t >= 0)
			xasprintf(&label, _("%s (%s, table %d)%s"), p->name,
			    ui_text_role(p->role), t + 1,
			    replica_is_online(&ui->net.replica, p->id) ? "" :
			    _(", offline"));
		else
			xasprintf(&label, _("%s (%s, not seated)%s"), p->name,
			    ui_text_role(p->role),
			    replica_is_online(&ui->net.replica, p->id) ? "" :
			    _(", offline"));
		ui_picker_add(ui, label, p->id, 0, false);
		free(label);
	}
}

/* A role was picked for the participant chosen before. */
static void
ui_console_role_picked(struct ui *ui, uint64_t value)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_ROLE;
	op.participant = ui->target.participant;
	op.role = (uint8_t)value;
	ui_close_modal(ui);
	ui_submit(ui, &op);
}

/* Whose role: then which role. */
static void
ui_console_role_who_picked(struct ui *ui, uint64_t value)
{
	const struct model_participant	*p;
	char				 buf[128];
	size_t				 i;

	if ((p = model_participant(ui_model(ui), (uint32_t)value)) == NULL) {
		ui_close_modal(ui);
		return;
	}
	ui->target.participant = p->id;
	snprintf(buf, sizeof buf, _("Role of %s"), p->name);
	ui_open_picker(ui, buf, ui_console_role_picked);
	for (i = 0; i < ROLE_COUNT; i++)
		ui_picker_add(ui, ui_text_role((unsigned)i), i,
		    (int)('1' + i), i == p->role);
}

/* r: roles. */
void
ui_console_roles_menu(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_console_people(ui, _("Whose role?"), ui_console_role_who_picked);
}

/* A table was picked for the participant chosen before (0: none). */
static void
ui_console_seat_where_picked(struct ui *ui, uint64_t value)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_SIT;
	op.table = value;
	op.participant = ui->target.participant;
	ui_close_modal(ui);
	ui_submit(ui, &op);
}

/* Whom to seat: then where. */
static void
ui_console_seat_who_picked(struct ui *ui, uint64_t value)
{
	struct model			*m = ui_model(ui);
	const struct model_participant	*p;
	char				 buf[128], *q, *label;
	size_t				 i;

	if ((p = model_participant(m, (uint32_t)value)) == NULL) {
		ui_close_modal(ui);
		return;
	}
	ui->target.participant = p->id;
	snprintf(buf, sizeof buf, _("Seat %s at..."), p->name);
	ui_open_picker(ui, buf, ui_console_seat_where_picked);
	for (i = 0; i < m->ntables; i++) {
		if (!ui_day_visible(&m->tables[i]))
			continue;
		q = text_sanitize(m->tables[i].question, ui->ascii, false);
		q[text_fit(q, 50, NULL)] = '\0';
		xasprintf(&label, _("Table %zu: %s"), i + 1, q);
		ui_picker_add(ui, label, m->tables[i].id,
		    i < 9 ? (int)('1' + i) : 0, m->tables[i].id == p->table);
		free(label);
		free(q);
	}
	ui_picker_add(ui, _("No table (stand up)"), 0, '0', p->table == 0);
}

/* s: seat someone. */
void
ui_console_seat_menu(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_console_people(ui, _("Seat whom?"), ui_console_seat_who_picked);
}

/* A label was picked for the participant chosen before (0: none). */
static void
ui_console_label_what_picked(struct ui *ui, uint64_t value)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_LABEL;
	op.label = (uint32_t)value;
	op.participant = ui->target.participant;
	ui_close_modal(ui);
	ui_submit(ui, &op);
}

/* Whose label: then which. */
static void
ui_console_label_who_picked(struct ui *ui, uint64_t value)
{
	struct model			*m = ui_model(ui);
	const struct model_participant	*p;
	char				 buf[128];
	uint32_t			 i;

	if ((p = model_participant(m, (uint32_t)value)) == NULL) {
		ui_close_modal(ui);
		return;
	}
	ui->target.participant = p->id;
	snprintf(buf, sizeof buf, _("%s's label?"), p->name);
	ui_open_picker(ui, buf, ui_console_label_what_picked);
	for (i = 0; i < m->nlabels; i++)
		ui_picker_add(ui, m->labels[i], i + 1, i < 9 ? (int)('1' + i) :
		    0, p->label == i + 1);
	ui_picker_add(ui, _("(none)"), 0, '0', p->label == 0);
}

/* a: give someone a label. */
void
ui_console_label_menu(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	if (ui_model(ui)->nlabels == 0) {
		ui_message(ui, true, "%s", _("This board offers no labels."));
		return;
	}
	ui_console_people(ui, _("Whose label?"), ui_console_label_who_picked);
}

/* Where every screen goes. */
static void
ui_console_follow_picked(struct ui *ui, uint64_t value)
{
	struct proto_op	op;

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_FOLLOW;
	op.view = (uint8_t)value;
	op.table = value == FOLLOW_TABLE ? ui->table : 0;
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", value == FOLLOW_NONE ?
		    _("Everyone moves freely again, back where they were.") :
		    _("Every screen follows you there."));
}

/* f: follow me. */
void
ui_console_follow_menu(struct ui *ui, const struct ui_key *k)
{
	struct model	*m = ui_model(ui);
	char		 buf[256];

	(void)k;
	ui_resolve_table(ui);
	ui_open_picker(ui, _("Bring every screen to..."),
	    ui_console_follow_picked);
	if (ui->table != 0) {
		snprintf(buf, sizeof buf, _("This table (table %d)"),
		    model_table_index(m, ui->table) + 1);
		ui_picker_add(ui, buf, FOLLOW_TABLE, 't',
		    m->follow_view == FOLLOW_TABLE &&
		    m->follow_table == ui->table);
	}
	ui_picker_add(ui, _("The results"), FOLLOW_RESULTS, 'r',
	    m->follow_view == FOLLOW_RESULTS);
	ui_picker_add(ui, _("Nowhere: everyone moves freely"), FOLLOW_NONE,
	    'n', m->follow_view == FOLLOW_NONE);
}

/* ---------------------------------------------------------------- draw */

/*
 * The console: its tools with their keys, the cursor's tool explained,
 * and the state of the board at a glance.  Tools that do not belong to
 * this phase are dim (they still work).
 */
void
ui_console_draw(struct ui *ui)
{
	struct model		*m = ui_model(ui);
	const struct ui_key	*k;
	struct layout_line	*l;
	char			 state[512], clock[160], *t;
	size_t			 n = ui_keys_console_count(), i, nl;
	int			 w, h, x, y, cols, lw = 0, cw, r, c, attr, rows;

	for (i = 0; i < n; i++) {
		cw = (int)text_width(ui_text_tr(ui_keys_console_tool(i)->hint));
		if (cw > lw)
			lw = cw;
	}
	cols = COLS >= 2 * (lw + 6) + 4 ? 2 : 1;
	w = cols * (lw + 6) + 3;
	if (w > COLS - 2)
		w = COLS - 2;
	if (ui->console_sel >= n)
		ui->console_sel = n > 0 ? n - 1 : 0;
	rows = ((int)n + cols - 1) / cols;
	h = rows + 7;
	if (h > LINES - 3)
		h = LINES - 3;
	x = (COLS - w) / 2;
	y = (LINES - h) / 2;
	ui_draw_box(ui, y, x, h, w, _("Facilitator console"));
	for (i = 0; i < n; i++) {
		k = ui_keys_console_tool(i);
		r = (int)i % rows;
		c = (int)i / rows;
		if (1 + r >= h - 5)
			continue;
		attr = i == ui->console_sel ? (int)A_REVERSE : 0;
		if (!(k->phases & (1u << m->phase)))
			attr |= A_DIM;
		if (i == ui->console_sel) {
			ui_draw_fill(y + 1 + r, x + 1 + c * (lw + 6), lw + 6,
			    A_REVERSE);
			ui_draw_marker(ui, y + 1 + r, x + 1 + c * (lw + 6),
			    A_REVERSE);
		}
		ui_draw_text(ui, y + 1 + r, x + 2 + c * (lw + 6), 1, k->name,
		    attr | ui_draw_attr(ui, UI_S_KEY));
		ui_draw_text(ui, y + 1 + r, x + 4 + c * (lw + 6), lw + 2,
		    ui_text_tr(k->hint), attr);
	}
	/* The tool under the cursor, in a sentence (two lines at most). */
	if ((k = ui_keys_console_tool(ui->console_sel)) != NULL) {
		t = text_sanitize(ui_text_tr(k->help), ui->ascii, false);
		nl = layout_wrap(t, (size_t)(w - 4), &l);
		for (i = 0; i < nl && i < 2; i++)
			ui_draw_put(ui, y + h - 5 + (int)i, x + 2, w - 4,
			    t + l[i].start, l[i].end - l[i].start, A_BOLD);
		free(l);
		free(t);
	}
	ui_draw_clock_text(ui, m, clock, sizeof clock, &c);
	snprintf(state, sizeof state, _("Phase: %s - round %u - timer: %s - "
	    "%s - follow me: %s"), ui_text_phase(m->phase), m->round,
	    clock[0] != '\0' ? clock : _("none"), m->settings.locked ?
	    _("locked") : _("unlocked"), m->follow_view == FOLLOW_TABLE ?
	    _("a table") : m->follow_view == FOLLOW_RESULTS ?
	    _("the results") : _("off"));
	t = text_sanitize(state, ui->ascii, false);
	nl = layout_wrap(t, (size_t)(w - 4), &l);
	for (i = 0; i < nl && i < 2; i++)
		ui_draw_put(ui, y + h - 3 + (int)i, x + 2, w - 4,
		    t + l[i].start, l[i].end - l[i].start, A_DIM);
	free(l);
	free(t);
}
