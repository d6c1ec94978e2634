/*
 * ui.h -- the ncurses program: join screen, board, results, help, the
 * facilitator's console.
 *
 * ui.c           the loop: terminal, signals, network callbacks, redraws,
 *                the countdown tick, modals, and sending what was typed
 * ui-keys.c      the key table (every key, where it works, who may use
 *                it, its help and hint) and what the board's keys do
 * ui-input.c     reading the terminal, pastes, dispatch through the table
 * ui-draw.c      setup, text, the clock, header and banner, ui_draw
 * ui-draw-cards.c   the board: tables, questions, cards
 * ui-draw-results.c the results: ideas by votes
 * ui-draw-status.c  the status line and the key line
 * ui-draw-modal.c   the editor, pickers, help, a card in full
 * ui-console.c   the facilitator's console: its tools and their pickers
 * ui-join.c      the join screen and the errors the user must fix
 * ui-text.c      translated names and messages for codes and reasons
 * ui-day.c       the day: the run sheet's step, polls, reactions, labels,
 *                the groups' tables
 *
 * Everything here but ui_main is for those files only.
 */
#ifndef CB_UI_H
#define CB_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "editor.h"
#include "client.h"

/*
 * Run the interactive client until the user quits or switches to the line
 * mode (then sw holds the loop and the connection); the exit status.
 */
int	ui_main(struct client_opts *, struct client_switch *);

/* ------------------------------------------------------------ internal */

/* Keys are ints: a character is its code point, a curses key its negation. */
#define UI_FN(k)		(-(k))
#define UI_CTRL(c)		((c) & 0x1f)
#define UI_ESC			0x1b
/* Alt-Enter (Esc then Enter in one read): a newline in a card. */
#define UI_KEY_ALT_ENTER	(-0x7fff)

/* A card's text of this many code points is not thrown away on one Esc. */
#define UI_DISCARD_ASK		20

/* The smallest terminal the board is drawn in. */
#define UI_MIN_COLS		40
#define UI_MIN_ROWS		10
/* A column of the side-by-side view is at least this wide. */
#define UI_COL_MIN		30

/* The two main views. */
enum ui_view {
	UI_VIEW_BOARD,		/* one table, or all side by side */
	UI_VIEW_RESULTS,	/* ideas by votes, per question */
};

/* What has the keyboard on top of the view. */
enum ui_modal {
	UI_MODAL_NONE,
	UI_MODAL_EDIT,		/* the line editor, with a prompt */
	UI_MODAL_CONFIRM,	/* a yes/no question */
	UI_MODAL_PICK,		/* a list to choose from */
	UI_MODAL_HELP,		/* every key */
	UI_MODAL_CONSOLE,	/* the facilitator's console */
	UI_MODAL_GROUP,		/* g: choose the head with the cursor */
	UI_MODAL_DETAIL,	/* one card in full */
	UI_MODAL_POLL,		/* a poll: its question, choices, results */
};

struct ui;
struct ui_key;
struct screen;

/* What an editor's Enter, a picker's choice and a question's yes do. */
typedef void	 ui_text_fn(struct ui *, const char *);
typedef void	 ui_pick_fn(struct ui *, uint64_t);
typedef void	 ui_yes_fn(struct ui *);
/* What a key of the key table does. */
typedef void	 ui_key_fn(struct ui *, const struct ui_key *);

/*
 * Where a key works: the view, or the modal that has the keyboard.  A key
 * table row names every context it works in.
 */
enum {
	UI_IN_BOARD	= 1 << 0,	/* the tables */
	UI_IN_RESULTS	= 1 << 1,	/* ideas by votes */
	UI_IN_DETAIL	= 1 << 2,	/* one card in full */
	UI_IN_GROUP	= 1 << 3,	/* g: choosing a cluster head */
	UI_IN_EDIT	= 1 << 4,	/* a text field */
	UI_IN_CONSOLE	= 1 << 5,	/* the facilitator's console */
	UI_IN_PICK	= 1 << 6,	/* a list to choose from */
	UI_IN_CONFIRM	= 1 << 7,	/* a yes/no question */
	UI_IN_HELP	= 1 << 8,	/* the help screen */
	UI_IN_POLL	= 1 << 9,	/* a poll's screen */
};
#define UI_IN_VIEWS	(UI_IN_BOARD | UI_IN_RESULTS)
#define UI_IN_ANY	0x3ff

/* Who may use a key. */
enum {
	UI_WHO_PART	= 1 << 0,	/* participants and hosts */
	UI_WHO_FAC	= 1 << 1,	/* facilitators */
	UI_WHO_ALL	= UI_WHO_PART | UI_WHO_FAC,
};

/* The help screen's sections, in their order. */
enum ui_key_section {
	UI_SEC_MOVE,
	UI_SEC_WRITE,
	UI_SEC_EDIT,
	UI_SEC_LIST,
	UI_SEC_FAC,
	UI_SEC_CONSOLE,
	UI_SEC_OTHER,
	UI_SEC_COUNT
};

/* Phases a hint shows in: 1 << PHASE_x. */
#define UI_PH(p)	(1u << PHASE_##p)
#define UI_PH_ALL	0x3f

/* Up to this many key codes answer one row. */
#define UI_KEY_CODES	7

/*
 * One row of the key table (ui-keys.c): the keys, what they do, who may
 * use them where, and how the help screen, the hint line and the console
 * show them.  Dispatch, the help and the hints all read this table.
 */
struct ui_key {
	int		 codes[UI_KEY_CODES];	/* 0-terminated; ui keys */
	const char	*name;		/* the keys as the help writes them */
	const char	*aname;		/* the same in ASCII, or NULL */
	ui_key_fn	*fn;
	int		 arg;		/* for fn: a direction, an editor key */
	const char	*help;		/* the help line; NULL: not listed */
	const char	*hint;		/* its word on the hint line (in the
					   console: the menu's label) */
	const char	*hname;		/* the keys on the hint line, or NULL */
	uint8_t		 section;	/* enum ui_key_section */
	uint16_t	 where;		/* UI_IN_*: where it works */
	uint16_t	 hint_in;	/* UI_IN_*: where the hint shows */
	uint8_t		 who;		/* UI_WHO_* */
	uint8_t		 phases;	/* UI_PH(): where the hint shows */
	bool		(*shown)(struct ui *);	/* hint only when true */
};

/* Things an editor, a question or a picker is about. */
struct ui_target {
	uint64_t	 card;
	uint64_t	 table;
	uint32_t	 participant;
	int32_t		 seconds;	/* a new timer's duration */
	/* A new idea typed at a table one does not sit at. */
	bool		 choice;	/* Tab: here or at my seat */
	bool		 sit_first;	/* sit at table, then write there */
	uint64_t	 here;		/* the table looked at */
	uint64_t	 seat;		/* my seat, 0 for none */
};

/* A text field put aside while a question is asked about it. */
struct ui_kept {
	struct editor	 ed;
	char		*prompt;
	char		*start;
	ui_text_fn	*on_text;
};

/* Where the user was when the facilitator's follow-me took them. */
struct ui_place {
	bool		 set;
	enum ui_view	 view;
	uint64_t	 table;
	bool		 browsing;
};

/* Visual roles; ui_attr turns them into attributes (and colours). */
enum ui_style {
	UI_S_NORMAL,
	UI_S_HEADER,		/* the title bar */
	UI_S_CLOCK_WARN,	/* the last minute */
	UI_S_BANNER,
	UI_S_QUESTION,
	UI_S_DIM,		/* authors, placeholders, pending marks */
	UI_S_SELECTED,
	UI_S_DOTS,		/* my dots */
	UI_S_KEPT,
	UI_S_ERROR,		/* messages that need attention */
	UI_S_OK,		/* connected */
	UI_S_WARN,		/* reconnecting, unsent */
	UI_S_TITLE,		/* cluster titles, headings */
	UI_S_MATCH,		/* search matches */
	UI_S_KEY,		/* key names in hints */
	UI_S_COUNT
};

/* One line of a picker. */
struct ui_item {
	char		*label;		/* already translated and sanitised */
	uint64_t	 value;
	int		 key;		/* a shortcut, 0 for none */
	bool		 mark;		/* the current choice */
};

/* Where the user is on one table. */
struct ui_tab {
	uint64_t	 table;
	uint64_t	 sel;		/* selected card, 0 for none */
	size_t		 sel_row;	/* its row, to stay put if it goes */
	int		 top;		/* first body line shown */
};

/* The join screen's fields. */
enum ui_field {
	UI_FIELD_BOARD,
	UI_FIELD_NAME,
	UI_FIELD_CODE,
	UI_FIELD_COUNT
};

struct ui_join {
	bool		 active;
	bool		 shown[UI_FIELD_COUNT];
	struct editor	 field[UI_FIELD_COUNT];
	int		 focus;
	char		 why[512];	/* what went wrong, translated */
	bool		 fatal;		/* nothing to fix: r retries, q quits */
	bool		 refused;	/* the server said no */
	struct boards	 boards;	/* the server's boards, when asked */
	bool		 board_typed;	/* the user typed a board name */
	bool		 waiting;	/* no fields: retried by itself */
	bool		 trust;		/* a certificate to accept or not */
	unsigned	 tries;		/* retries while waiting */
	int64_t		 retry_at;	/* monotonic ms of the next */
	struct event	*tick_ev;	/* the countdown to it */
};

struct ui {
	struct client_opts	*opts;
	struct event_base	*base;
	struct net		 net;
	bool			 net_ready;	/* net_init done */
	int			 net_seen;	/* net.state last seen */
	struct event		*stdin_ev;
	struct event		*redraw_ev;
	struct event		*tick_ev;
	struct event		*name_ev;	/* retry: our name was held */
	struct event		*sig_ev[4];
	bool			 curses;	/* the terminal is ours */
	struct screen		*screen;	/* curses' for it */
	bool			 colour;
	bool			 ascii;
	int			 saved_stderr;

	/* What is on screen. */
	enum ui_view		 view;
	uint64_t		 table;		/* the table shown */
	bool			 browsing;	/* not my own table */
	uint64_t		 seat_seen;	/* my seat at the last draw */
	bool			 wide;		/* side by side when it fits */
	int			 col_first;
	struct ui_tab		*tabs;
	size_t			 ntabs;
	struct ui_bcache	*bcache;	/* cards laid out, kept */
	uint64_t		 res_sel;	/* results: selected card */
	size_t			 res_row;
	int			 res_top;
	int			 help_top;
	uint64_t		 group_card;	/* g, M: the card to group or
						   merge */
	bool			 group_merge;	/* M: merge, not group */
	uint64_t		 detail_card;

	/* The modal in charge. */
	enum ui_modal		 modal;
	struct ui_target	 target;	/* what it is about */
	ui_text_fn		*on_text;	/* the editor's Enter */
	ui_pick_fn		*on_pick;	/* the picker's choice */
	ui_yes_fn		*on_yes;	/* the question's yes */
	ui_yes_fn		*on_no;		/* and its no, rarely */
	struct ui_kept		 kept;
	struct editor		 ed;
	char			*ed_start;	/* its text when it opened */
	char			*prompt;	/* translated */
	struct ui_item		*items;
	size_t			 nitems;
	size_t			 pick;
	int			 pick_top;
	char			*pick_title;
	size_t			 console_sel;	/* the console's cursor */
	bool			 bell;		/* ring once this read */
	bool			 in_paste;	/* inside a bracketed paste */
	int64_t			 paste_ms;	/* its last character */
	char			*paste;
	size_t			 paste_len;
	char			*timer_secs;	/* the duration being set */

	char			*draft;		/* a card's text put aside: a
						   brings it back */
	struct ui_place		 before_follow;
	int64_t			 guard_until;	/* keys that look typed are
						   not run before this (ms) */
	unsigned		 errors;	/* error messages so far */

	/* Search. */
	char			*search;
	uint64_t		*matches;
	size_t			 nmatches;
	size_t			 match;

	/* The message line. */
	char			 msg[600];
	bool			 msg_error;
	int64_t			 msg_until;	/* monotonic ms; 0: next key */

	struct ui_join		 join;

	/* Drawing. */
	bool			 dirty;		/* the whole screen is due */
	char			 clock[160];	/* countdown as last drawn */
	int			 clock_y;
	int			 clock_x;
	int			 clock_w;
	int			 clock_style;
	int			 cur_y;		/* a text field's cursor */
	int			 cur_x;
	bool			 cur_on;
	int			 focus_y;	/* the selection drawn last */
	int			 focus_x;
	bool			 focus_on;
	bool			 cursor_visible;
	int			 cur_col_w;	/* the current column's width */
	int			 cur_list_h;	/* lines for its cards */
	bool			 too_small;
	uint64_t		 ticks;		/* countdown-only updates */
	uint64_t		 redraws;	/* full redraws */

	/* Flow. */
	bool			 quit;
	bool			 to_plain;	/* quit to the line mode */
	int			 exit_code;
	bool			 from_done;	/* --from applied */
	uint64_t		 sit_sent;	/* table of our automatic sit */

	/* The day. */
	uint64_t		 poll;		/* the poll on screen */
	size_t			 poll_sel;	/* its highlighted choice */
	bool			 label_asked;	/* the label picker was shown */
	/* ext: deliverables (ui-deliver.c). */
	unsigned		 res_sort;	/* results by: 0 votes, 1 total,
						   2 + k criterion k */
	char			*draft_owner;	/* an action's owner, while its
						   due day is typed */
	char			*draft_canvas;	/* a new canvas's name, while
						   its sections are typed */
	uint64_t		 give_canvas;	/* the canvas being given, 0
						   to take it away */
	uint64_t		 give_after;	/* a canvas not saved yet that
						   goes to give_table once it
						   is (its predicted id) */
	uint64_t		 give_table;	/* 0: every table */
};

/* ui.c */
void		 ui_dirty(struct ui *);
void		 ui_message(struct ui *, bool, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
struct model	*ui_model(struct ui *);
const struct model_participant *ui_me(struct ui *);
bool		 ui_is_facilitator(struct ui *);
struct ui_tab	*ui_tab(struct ui *, uint64_t);
void		 ui_resolve_table(struct ui *);
void		 ui_switch_table(struct ui *, int);
void		 ui_go_home(struct ui *);
uint64_t	 ui_selected(struct ui *);
bool		 ui_results_allowed(struct ui *);
void		 ui_refused(struct ui *, int, const char *);
int		 ui_submit(struct ui *, struct proto_op *);
bool		 ui_precheck(struct ui *, struct proto_op *);
uint64_t	 ui_last_predicted(struct ui *);
int		 ui_send_text(struct ui *, struct proto_op *);
void		 ui_card_done(struct ui *, const char *, uint64_t, uint64_t);
void		 ui_open_editor(struct ui *, const char *, const char *, size_t,
		    bool, ui_text_fn *);
void		 ui_open_confirm(struct ui *, const char *, ui_yes_fn *);
void		 ui_open_picker(struct ui *, const char *, ui_pick_fn *);
void		 ui_picker_add(struct ui *, const char *, uint64_t, int, bool);
void		 ui_close_modal(struct ui *);
void		 ui_editor_done(struct ui *, const char *);
void		 ui_edit_cancel(struct ui *);
void		 ui_confirm_done(struct ui *, bool);
void		 ui_picked(struct ui *, uint64_t);
void		 ui_search_step(struct ui *, int);
bool		 ui_search_hit(struct ui *, uint64_t);
void		 ui_request_quit(struct ui *, bool);
void		 ui_connect(struct ui *);

/* ui-keys.c */
size_t		 ui_keys_count(void);
const struct ui_key *ui_keys_row(size_t);
const char	*ui_keys_section(unsigned);
unsigned	 ui_keys_context(struct ui *);
const struct ui_key *ui_keys_find(unsigned, int);
unsigned	 ui_keys_who(struct ui *);
void		 ui_keys_run(struct ui *, const struct ui_key *);
const char	*ui_keys_name(struct ui *, const struct ui_key *);
bool		 ui_keys_hinted(struct ui *, const struct ui_key *, unsigned,
		    unsigned);
size_t		 ui_keys_console_count(void);
const struct ui_key *ui_keys_console_tool(size_t);
bool		 ui_keys_is_tool(const struct ui_key *);
void		 ui_keys_sit_menu(struct ui *);
void		 ui_keys_keep(struct ui *);

/* ui-input.c */
void		 ui_input_cb(int, short, void *);
void		 ui_input_init(struct ui *);
void		 ui_input_done(struct ui *);
void		 ui_input_edit_key(struct ui *, int);

/* ui-draw.c */
void		 ui_draw_init(struct ui *);
void		 ui_draw(struct ui *);
/* True when the countdown (rem ms left) shows minutes only. */
bool		 ui_draw_clock_minutes(const struct model *, uint64_t);
bool		 ui_draw_clock(struct ui *);
int		 ui_draw_attr(const struct ui *, enum ui_style);
void		 ui_draw_clock_text(struct ui *, const struct model *, char *,
		    size_t, int *);
size_t		 ui_draw_body_rows(struct ui *);
const char	*ui_draw_glyph(const struct ui *, const char *, const char *);
void		 ui_draw_spot(struct ui *, int, int);
void		 ui_draw_marker(struct ui *, int, int, int);
void		 ui_draw_focus(struct ui *);
int		 ui_draw_put(struct ui *, int, int, int, const char *, size_t,
		    int);
int		 ui_draw_text(struct ui *, int, int, int, const char *, int);
int		 ui_draw_text_cut(struct ui *, int, int, int, const char *,
		    int);
void		 ui_draw_fill(int, int, int, int);
void		 ui_draw_box(struct ui *, int, int, int, int, const char *);

/* ui-draw-cards.c */
void		 ui_draw_cards(struct ui *, const struct model *, int, int);
size_t		 ui_draw_cards_order(struct ui *, uint64_t **, int **,
		    int *);
const char	*ui_draw_cards_author(const struct model *, uint32_t);
uint32_t	*ui_draw_cards_numbers(const struct model *);
void		 ui_draw_cards_forget(struct ui *);
bool		 ui_draw_cards_totals(struct ui *, const struct model *);

/* ui-draw-results.c */
void		 ui_draw_results(struct ui *, const struct model *, int, int);
size_t		 ui_draw_results_order(struct ui *, uint64_t **, int **);

/* ui-deliver.c: canvases, actions, the evaluation, pitches */
struct layout_row;
void		 ui_deliver_rows(const struct model *, uint64_t,
		    struct layout_row *, size_t);
char		*ui_deliver_heading(struct ui *, const struct model *,
		    const struct model_card *, uint32_t);
char		*ui_deliver_suffix(struct ui *, const struct model_card *);
void		 ui_deliver_marks(struct ui *, const struct model *,
		    const struct model_card *, char *, size_t);
size_t		 ui_deliver_rank(struct ui *, const struct model *, uint64_t,
		    uint64_t **);
uint32_t	 ui_deliver_number(struct ui *, const struct model *,
		    const struct model_card *);
bool		 ui_deliver_eval_open(struct ui *);
bool		 ui_deliver_has_canvas(struct ui *);
bool		 ui_deliver_sortable(struct ui *);
void		 ui_key_section_add(struct ui *, const struct ui_key *);
void		 ui_key_place(struct ui *, const struct ui_key *);
void		 ui_key_owner(struct ui *, const struct ui_key *);
void		 ui_key_actions(struct ui *, const struct ui_key *);
void		 ui_key_score(struct ui *, const struct ui_key *);
void		 ui_key_sort(struct ui *, const struct ui_key *);
void		 ui_console_eval(struct ui *, const struct ui_key *);
void		 ui_console_criteria(struct ui *, const struct ui_key *);
void		 ui_console_pitch(struct ui *, const struct ui_key *);
void		 ui_console_canvas(struct ui *, const struct ui_key *);
void		 ui_deliver_confirmed(struct ui *, uint64_t, uint64_t);

/* ui-draw-status.c */
int		 ui_draw_status_keyline_rows(struct ui *);
void		 ui_draw_status(struct ui *, const struct model *, int);
void		 ui_draw_status_keyline(struct ui *, const struct model *, int,
		    int);

/* ui-draw-modal.c */
void		 ui_draw_modal_editor(struct ui *, int, int);
void		 ui_draw_modal_picker(struct ui *, int, int);
void		 ui_draw_modal_help(struct ui *, int, int);
void		 ui_draw_modal_detail(struct ui *, const struct model *, int,
		    int);

/* ui-console.c */
void		 ui_console_open(struct ui *);
void		 ui_console_draw(struct ui *);
int		 ui_console_duration(const char *, int32_t *);
ui_key_fn	 ui_console_timer_menu, ui_console_timer_clear,
		 ui_console_phase_menu, ui_console_reveal,
		 ui_console_close_vote, ui_console_banner, ui_console_rotate,
		 ui_console_keep, ui_console_settings_menu,
		 ui_console_roles_menu, ui_console_follow_menu,
		 ui_console_lock, ui_console_table_add, ui_console_table_edit,
		 ui_console_seat_menu, ui_console_run, ui_console_label_menu;

/* ui-join.c */
void		 ui_join_open(struct ui *, uint32_t, const char *);
void		 ui_join_key(struct ui *, int32_t);
void		 ui_join_paste(struct ui *, const char *, size_t);
void		 ui_join_draw(struct ui *);
void		 ui_join_free(struct ui *);

/* ui-day.c */
bool		 ui_day_visible(const struct model_table *);
uint64_t	 ui_day_first_table(const struct model *);
uint64_t	 ui_day_next_table(const struct model *, uint64_t, int);
size_t		 ui_day_tables(const struct model *, uint64_t **);
void		 ui_day_table_label(struct ui *, const struct model *,
		    uint64_t, char *, size_t);
bool		 ui_day_step_text(const struct model *, char *, size_t);
bool		 ui_day_next_text(struct ui *, const struct model *, char *,
		    size_t);
void		 ui_day_marks(const struct model *, const struct model_card *,
		    char *, size_t);
void		 ui_day_event(struct ui *, const struct proto_event *);
void		 ui_day_live(struct ui *);
void		 ui_day_draw_poll(struct ui *, const struct model *, int, int);
bool		 ui_day_poll_key(struct ui *, int);
bool		 ui_day_has_next(struct ui *);
bool		 ui_day_has_labels(struct ui *);
bool		 ui_day_has_poll(struct ui *);
bool		 ui_day_poll_open(struct ui *);
ui_key_fn	 ui_day_key_next, ui_day_key_react, ui_day_key_poll,
		 ui_day_key_label, ui_day_key_poll_move, ui_day_key_poll_enter,
		 ui_day_key_poll_close, ui_day_console_sheet,
		 ui_day_console_close_poll, ui_day_console_regroup,
		 ui_day_console_poll;

/* ui-text.c */
const char	*ui_text_phase(unsigned);
const char	*ui_text_role(unsigned);
const char	*ui_text_reject(unsigned);
const char	*ui_text_error(uint32_t);
const char	*ui_text_reason(const char *);
const char	*ui_text_yes_keys(void);
const char	*ui_text_tr(const char *);
const char	*ui_text_name(const char *);

#endif /* CB_UI_H */
