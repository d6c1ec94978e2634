/*
 * ui-console.c -- the facilitator's console: one key per tool (timer,
 * phase, banner, rotation, keep, settings, roles, follow me, lock, tables,
 * seats), each opening a picker, an editor or a question.  The model
 * checks every op before it goes (net_submit), so the console offers what
 * a facilitator may do and explains what the board refuses.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "i18n.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* The console's entries: key and label. */
struct ui_console_entry {
	int		 key;
	const char	*label;
};

static const struct ui_console_entry ui_console_entries[] = {
	{ 't', N_("Timer...") },
	{ 'p', N_("Phase...") },
	{ 'b', N_("Banner...") },
	{ 'o', N_("Rotate the tables") },
	{ 'k', N_("Keep or unkeep the selected idea") },
	{ 'c', N_("Settings...") },
	{ 'r', N_("Roles...") },
	{ 'f', N_("Follow me...") },
	{ 'l', N_("Lock or unlock the board") },
	{ 'n', N_("New table...") },
	{ 'e', N_("Edit this table's question...") },
	{ 's', N_("Seat someone...") },
};
#define UI_CONSOLE_N	\
	(sizeof ui_console_entries / sizeof ui_console_entries[0])

/* Values of the timer picker. */
enum {
	UI_TIMER_START = 1,
	UI_TIMER_PAUSE,
	UI_TIMER_RESUME,
	UI_TIMER_PLUS,
	UI_TIMER_MINUS,
	UI_TIMER_STOP,
};

/* Values of the settings picker. */
enum {
	UI_SET_DOTS = 1,
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

/* Open the console (facilitators only; the caller checked). */
void
ui_console_open(struct ui *ui)
{
	ui_close_modal(ui);
	ui->modal = UI_MODAL_CONSOLE;
	ui_dirty(ui);
}

/* "yes" or "no", translated. */
static const char *
ui_console_yes(bool b)
{
	return b ? _("yes") : _("no");
}

/* The settings picker, with the current values; keep the cursor at pick. */
static void
ui_console_settings(struct ui *ui, size_t pick)
{
	struct model		*m = ui_model(ui);
	struct model_settings	*s = &m->settings;
	char			 buf[512];

	ui_open_picker(ui, UI_ACT_SETTINGS, _("Settings"));
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
	ui->pick = pick < ui->nitems ? pick : 0;
}

/* A picker of every participant, for roles or seats. */
static void
ui_console_people(struct ui *ui, enum ui_action action, const char *title)
{
	struct model			*m = ui_model(ui);
	const struct model_participant	*p;
	char				*label;
	int				 t;
	size_t				 i;

	if (m->nparticipants == 0) {
		ui_message(ui, true, "%s", _("Nobody has joined yet."));
		return;
	}
	ui_open_picker(ui, action, title);
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

/* Submit a settings op with one boolean changed. */
static void
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
	ui_submit(ui, &op);
}

/* A timer op. */
static void
ui_console_timer(struct ui *ui, uint8_t action, int32_t secs,
    const char *label)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_TIMER;
	op.action = action;
	op.seconds = secs;
	op.text = (char *)(label != NULL ? label : "");
	ui_submit(ui, &op);
}

/* A key in the console's menu. */
void
ui_console_key(struct ui *ui, int key)
{
	struct model		*m = ui_model(ui);
	const struct model_table *t;
	struct proto_op		 op;
	char			 buf[256];
	size_t			 i;
	bool			 lock;

	memset(&op, 0, sizeof op);
	switch (key) {
	case 't':
		ui_open_picker(ui, UI_ACT_TIMER, _("Timer"));
		ui_picker_add(ui, _("Start... (duration and label)"),
		    UI_TIMER_START, 's', false);
		ui_picker_add(ui, _("Pause"), UI_TIMER_PAUSE, 'p', false);
		ui_picker_add(ui, _("Resume"), UI_TIMER_RESUME, 'r', false);
		ui_picker_add(ui, _("Add one minute"), UI_TIMER_PLUS, '+',
		    false);
		ui_picker_add(ui, _("Take one minute off"), UI_TIMER_MINUS,
		    '-', false);
		ui_picker_add(ui, _("Stop"), UI_TIMER_STOP, 'x', false);
		break;
	case 'p':
		ui_open_picker(ui, UI_ACT_PHASE, _("Phase"));
		for (i = 0; i < PHASE_COUNT; i++)
			ui_picker_add(ui, ui_text_phase((unsigned)i), i,
			    (int)('1' + i), i == m->phase);
		break;
	case 'b':
		ui_open_editor(ui, UI_ACT_BANNER, _("Banner (empty: none)"),
		    m->banner, PROTO_BANNER_MAX, false);
		break;
	case 'o':
		ui_open_confirm(ui, UI_ACT_ROTATE, _("Rotate the tables now? "
		    "Travellers move, hosts stay."));
		break;
	case 'k':
	case '*':
		ui_close_modal(ui);
		ui_action_key(ui, '*');
		break;
	case 'c':
		ui_console_settings(ui, 0);
		break;
	case 'r':
		ui_console_people(ui, UI_ACT_ROLE_WHO, _("Whose role?"));
		break;
	case 'f':
		ui_resolve_table(ui);
		ui_open_picker(ui, UI_ACT_FOLLOW,
		    _("Bring every screen to..."));
		if (ui->table != 0) {
			snprintf(buf, sizeof buf, _("This table (table %d)"),
			    model_table_index(m, ui->table) + 1);
			ui_picker_add(ui, buf, FOLLOW_TABLE, 't', false);
		}
		ui_picker_add(ui, _("The results"), FOLLOW_RESULTS, 'r', false);
		ui_picker_add(ui, _("Nowhere: everyone moves freely"),
		    FOLLOW_NONE, 'n', false);
		break;
	case 'l':
		lock = !m->settings.locked;
		ui_close_modal(ui);
		ui_console_toggle(ui, SET_LOCKED, lock);
		ui_message(ui, false, "%s", lock ? _("Board locked: "
		    "participants can only read.") : _("Board unlocked."));
		break;
	case 'n':
		ui_open_editor(ui, UI_ACT_TABLE_ADD, _("Question of the new "
		    "table"), NULL, PROTO_QUESTION_MAX, false);
		break;
	case 'e':
		ui_resolve_table(ui);
		if ((t = model_table(m, ui->table)) == NULL) {
			ui_message(ui, true, "%s", _("There is no table yet."));
			break;
		}
		ui->arg = t->id;
		ui_open_editor(ui, UI_ACT_TABLE_EDIT, _("Question"),
		    t->question, PROTO_QUESTION_MAX, false);
		break;
	case 's':
		ui_console_people(ui, UI_ACT_SEAT_WHO, _("Seat whom?"));
		break;
	case 0x1b:
	case 'q':
	case ':':
	case 3:
		ui_close_modal(ui);
		break;
	}
}

/* A picker opened from the console was answered. */
void
ui_console_picked(struct ui *ui, uint64_t value)
{
	enum ui_action			 action = ui->action;
	struct model			*m = ui_model(ui);
	const struct model_participant	*p;
	struct proto_op			 op;
	char				 buf[128];
	size_t				 i, pick = ui->pick;

	memset(&op, 0, sizeof op);
	switch (action) {
	case UI_ACT_TIMER:
		ui_close_modal(ui);
		switch (value) {
		case UI_TIMER_START:
			ui_open_editor(ui, UI_ACT_TIMER_LEN, _("Duration "
			    "(10m, 90s, 5:00)"), ui->timer_secs != NULL ?
			    ui->timer_secs : "10m", 16, false);
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
			ui_console_timer(ui, TIMER_STOP, 0, "");
			break;
		}
		break;
	case UI_ACT_PHASE:
		ui_close_modal(ui);
		op.kind = OP_PHASE;
		op.phase = (uint8_t)value;
		ui_submit(ui, &op);
		break;
	case UI_ACT_SETTINGS:
		switch (value) {
		case UI_SET_DOTS:
			snprintf(buf, sizeof buf, "%u", m->settings.dots);
			ui_open_editor(ui, UI_ACT_SET_DOTS, _("Dots per person "
			    "and question (1-99)"), buf, 2, false);
			return;
		case UI_SET_KEEP:
			snprintf(buf, sizeof buf, "%u", m->settings.keep);
			ui_open_editor(ui, UI_ACT_SET_KEEP, _("Ideas to keep "
			    "per question (1-99)"), buf, 2, false);
			return;
		case UI_SET_CODE:
			ui_open_editor(ui, UI_ACT_SET_CODE, _("Join code "
			    "(empty: none)"), m->settings.code, PROTO_CODE_MAX,
			    false);
			return;
		case UI_SET_TITLE:
			ui_open_editor(ui, UI_ACT_SET_TITLE, _("Board title"),
			    m->settings.title, PROTO_TITLE_MAX, false);
			return;
		case UI_SET_MULTI:
			ui_console_toggle(ui, SET_MULTI_VOTE,
			    !m->settings.multi_vote);
			break;
		case UI_SET_BLIND:
			ui_console_toggle(ui, SET_BLIND, !m->settings.blind);
			break;
		case UI_SET_PRIVATE:
			ui_console_toggle(ui, SET_PRIVATE,
			    !m->settings.private_writing);
			break;
		case UI_SET_ANON:
			ui_console_toggle(ui, SET_ANONYMOUS,
			    !m->settings.anonymous);
			break;
		case UI_SET_FREEZE:
			ui_console_toggle(ui, SET_FREEZE,
			    !m->settings.freeze_at_zero);
			break;
		case UI_SET_LOCKED:
			ui_console_toggle(ui, SET_LOCKED, !m->settings.locked);
			break;
		}
		/* Stay in the settings, showing the new value. */
		ui_console_settings(ui, pick);
		break;
	case UI_ACT_ROLE_WHO:
		if ((p = model_participant(m, (uint32_t)value)) == NULL)
			break;
		ui->arg = value;
		snprintf(buf, sizeof buf, _("Role of %s"), p->name);
		ui_open_picker(ui, UI_ACT_ROLE_WHAT, buf);
		for (i = 0; i < ROLE_COUNT; i++)
			ui_picker_add(ui, ui_text_role((unsigned)i), i,
			    (int)('1' + i), i == p->role);
		break;
	case UI_ACT_ROLE_WHAT:
		op.kind = OP_ROLE;
		op.participant = (uint32_t)ui->arg;
		op.role = (uint8_t)value;
		ui_close_modal(ui);
		ui_submit(ui, &op);
		break;
	case UI_ACT_FOLLOW:
		ui_close_modal(ui);
		op.kind = OP_FOLLOW;
		op.view = (uint8_t)value;
		op.table = value == FOLLOW_TABLE ? ui->table : 0;
		if (ui_submit(ui, &op) == 0)
			ui_message(ui, false, "%s", value == FOLLOW_NONE ?
			    _("Everyone moves freely again.") :
			    _("Every screen follows you there."));
		break;
	case UI_ACT_SEAT_WHO:
		if ((p = model_participant(m, (uint32_t)value)) == NULL)
			break;
		ui->arg = value;
		snprintf(buf, sizeof buf, _("Seat %s at..."), p->name);
		ui_open_picker(ui, UI_ACT_SEAT_WHERE, buf);
		for (i = 0; i < m->ntables; i++) {
			char	*q = text_sanitize(m->tables[i].question,
			    ui->ascii, false), *label;

			q[text_fit(q, 50, NULL)] = '\0';
			xasprintf(&label, _("Table %zu: %s"), i + 1, q);
			ui_picker_add(ui, label, m->tables[i].id,
			    i < 9 ? (int)('1' + i) : 0,
			    m->tables[i].id == p->table);
			free(label);
			free(q);
		}
		ui_picker_add(ui, _("No table (stand up)"), 0, '0',
		    p->table == 0);
		break;
	case UI_ACT_SEAT_WHERE:
		op.kind = OP_TABLE_SIT;
		op.table = value;
		op.participant = (uint32_t)ui->arg;
		ui_close_modal(ui);
		ui_submit(ui, &op);
		break;
	default:
		ui_close_modal(ui);
		break;
	}
}

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

/* An editor opened from the console was committed. */
void
ui_console_edited(struct ui *ui, const char *text)
{
	enum ui_action	action = ui->action;
	struct proto_op	op;
	int32_t		secs;
	int		v;

	memset(&op, 0, sizeof op);
	switch (action) {
	case UI_ACT_TIMER_LEN:
		if (ui_console_duration(text, &secs) != 0) {
			ui_message(ui, true, "%s", _("A duration looks like "
			    "10m, 90s, 1h30 or 5:00 (at most 24 h)."));
			return;		/* the editor stays open */
		}
		free(ui->timer_secs);
		ui->timer_secs = xstrdup(text);
		ui->arg = (uint64_t)secs;
		ui_open_editor(ui, UI_ACT_TIMER_LABEL, _("Label (optional)"),
		    ui_model(ui)->timer.label, PROTO_LABEL_MAX, false);
		return;
	case UI_ACT_TIMER_LABEL:
		secs = (int32_t)ui->arg;
		ui_close_modal(ui);
		ui_console_timer(ui, TIMER_START, secs, text);
		return;
	case UI_ACT_BANNER:
		ui_close_modal(ui);
		op.kind = OP_BANNER;
		op.text = (char *)text;
		ui_submit(ui, &op);
		return;
	case UI_ACT_SET_DOTS:
	case UI_ACT_SET_KEEP:
		if ((v = ui_console_number(text)) < 0) {
			ui_message(ui, true, "%s", _("A number from 1 to 99."));
			return;
		}
		ui_close_modal(ui);
		op.kind = OP_SETTINGS;
		if (action == UI_ACT_SET_DOTS) {
			op.settings.has = SET_DOTS;
			op.settings.dots = (uint32_t)v;
		} else {
			op.settings.has = SET_KEEP;
			op.settings.keep = (uint32_t)v;
		}
		ui_submit(ui, &op);
		ui_console_settings(ui, action == UI_ACT_SET_DOTS ? 0 : 9);
		return;
	case UI_ACT_SET_TITLE:
	case UI_ACT_SET_CODE:
		if (action == UI_ACT_SET_TITLE && text[0] == '\0') {
			ui_message(ui, true, "%s", _("A title cannot be "
			    "empty."));
			return;
		}
		ui_close_modal(ui);
		op.kind = OP_SETTINGS;
		if (action == UI_ACT_SET_TITLE) {
			op.settings.has = SET_TITLE;
			op.settings.title = (char *)text;
		} else {
			op.settings.has = SET_CODE;
			op.settings.code = (char *)text;
		}
		ui_submit(ui, &op);
		ui_console_settings(ui, action == UI_ACT_SET_TITLE ? 8 : 7);
		return;
	case UI_ACT_TABLE_ADD:
		if (text[0] == '\0')
			break;
		ui_close_modal(ui);
		op.kind = OP_TABLE_ADD;
		op.text = (char *)text;
		if (ui_submit(ui, &op) == 0)
			ui_message(ui, false, "%s", _("Table added."));
		return;
	case UI_ACT_TABLE_EDIT:
		if (text[0] == '\0')
			break;
		op.kind = OP_TABLE_EDIT;
		op.table = ui->arg;
		op.text = (char *)text;
		ui_close_modal(ui);
		ui_submit(ui, &op);
		return;
	default:
		break;
	}
	ui_close_modal(ui);
}

/* A question asked by the console was answered yes. */
void
ui_console_confirmed(struct ui *ui)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	if (ui->action == UI_ACT_ROTATE) {
		op.kind = OP_ROTATE;
		ui_submit(ui, &op);
	}
}

/* The console: its keys, and the state of the board at a glance. */
void
ui_console_draw(struct ui *ui)
{
	struct model	*m = ui_model(ui);
	char		 state[256], clock[48], key[4];
	int		 w, h, x, y, i, cols, lw = 0, cw, r, c, style;

	for (i = 0; i < (int)UI_CONSOLE_N; i++) {
		cw = (int)text_width(_(ui_console_entries[i].label));
		if (cw > lw)
			lw = cw;
	}
	cols = COLS >= 2 * (lw + 6) + 4 ? 2 : 1;
	w = cols * (lw + 6) + 3;
	if (w > COLS - 2)
		w = COLS - 2;
	h = ((int)UI_CONSOLE_N + cols - 1) / cols + 5;
	if (h > LINES - 4)
		h = LINES - 4;
	x = (COLS - w) / 2;
	y = (LINES - h) / 2;
	ui_draw_box(ui, y, x, h, w, _("Facilitator console"));
	for (i = 0; i < (int)UI_CONSOLE_N; i++) {
		r = i / cols;
		c = i % cols;
		if (1 + r >= h - 3)
			break;
		snprintf(key, sizeof key, "%c", ui_console_entries[i].key);
		ui_draw_text(ui, y + 1 + r, x + 2 + c * (lw + 6), 1, key,
		    ui_draw_attr(ui, UI_S_KEY));
		ui_draw_text(ui, y + 1 + r, x + 4 + c * (lw + 6), lw + 2,
		    _(ui_console_entries[i].label), 0);
	}
	ui_draw_clock_text(ui, m, clock, sizeof clock, &style);
	snprintf(state, sizeof state, _("Phase: %s - round %u - timer: %s - "
	    "%s"), ui_text_phase(m->phase), m->round, clock[0] != '\0' ?
	    clock : _("none"), m->settings.locked ? _("locked") :
	    _("unlocked"));
	ui_draw_text(ui, y + h - 3, x + 2, w - 4, state, A_DIM);
	ui_draw_text(ui, y + h - 2, x + 2, w - 4, _("Esc: close"), A_DIM);
}
