/*
 * ui.h -- the ncurses program: join screen, board, results, help, the
 * facilitator's console.
 *
 * ui.c         the loop: terminal, signals, network callbacks, redraws,
 *              the countdown tick, and the actions that make ops
 * ui-input.c   keys: reading the terminal, then what each key does
 * ui-draw.c    drawing everything into curses' buffer
 * ui-console.c the facilitator's console and the pickers it opens
 * ui-join.c    the join screen and the errors the user must fix
 * ui-text.c    translated names and messages for codes and reasons
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

/* Run the interactive client until the user quits; the exit status. */
int	ui_main(struct client_opts *);

/* ------------------------------------------------------------ internal */

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
};

/* What an editor, a confirmation or a picker is for. */
enum ui_action {
	UI_ACT_NONE,
	UI_ACT_ADD,		/* card text */
	UI_ACT_REPLY,
	UI_ACT_EDIT,
	UI_ACT_DELETE,		/* confirm */
	UI_ACT_TITLE,		/* cluster title */
	UI_ACT_SEARCH,
	UI_ACT_QUIT,		/* confirm */
	UI_ACT_SIT,		/* pick a table */
	UI_ACT_TIMER,		/* pick a timer action */
	UI_ACT_TIMER_LEN,	/* duration */
	UI_ACT_TIMER_LABEL,
	UI_ACT_PHASE,		/* pick */
	UI_ACT_BANNER,
	UI_ACT_ROTATE,		/* confirm */
	UI_ACT_SETTINGS,	/* pick a setting */
	UI_ACT_SET_DOTS,
	UI_ACT_SET_KEEP,
	UI_ACT_SET_TITLE,
	UI_ACT_SET_CODE,
	UI_ACT_ROLE_WHO,	/* pick a participant */
	UI_ACT_ROLE_WHAT,	/* pick a role */
	UI_ACT_FOLLOW,		/* pick */
	UI_ACT_TABLE_ADD,
	UI_ACT_TABLE_EDIT,
	UI_ACT_SEAT_WHO,	/* pick a participant */
	UI_ACT_SEAT_WHERE,	/* pick a table */
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
	struct event		*sig_ev[4];
	bool			 curses;	/* the terminal is ours */
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
	uint64_t		 res_sel;	/* results: selected card */
	size_t			 res_row;
	int			 res_top;
	int			 help_top;
	uint64_t		 group_card;	/* g: the card to group */
	uint64_t		 detail_card;

	/* The modal in charge. */
	enum ui_modal		 modal;
	enum ui_action		 action;
	uint64_t		 arg;		/* card, table or participant */
	uint64_t		 arg2;
	struct editor		 ed;
	char			*prompt;	/* translated */
	struct ui_item		*items;
	size_t			 nitems;
	size_t			 pick;
	int			 pick_top;
	char			*pick_title;
	bool			 in_paste;	/* inside a bracketed paste */
	int64_t			 paste_ms;	/* its last character */
	char			*paste;
	size_t			 paste_len;
	char			*timer_secs;	/* the duration being set */

	char			*lost_text;	/* a refused card, to retry */

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
	char			 clock[48];	/* countdown as last drawn */
	int			 clock_y;
	int			 clock_x;
	int			 clock_w;
	int			 clock_style;
	int			 cur_y;		/* the editor's cursor */
	int			 cur_x;
	bool			 cur_on;
	bool			 cursor_visible;
	int			 cur_col_w;	/* the current column's width */
	int			 cur_list_h;	/* lines for its cards */
	bool			 too_small;
	uint64_t		 ticks;		/* countdown-only updates */
	uint64_t		 redraws;	/* full redraws */

	/* Flow. */
	bool			 quit;
	int			 exit_code;
	bool			 from_done;	/* --from applied */
	uint64_t		 sit_sent;	/* table of our automatic sit */
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
uint64_t	 ui_selected(struct ui *);
int		 ui_submit(struct ui *, struct proto_op *);
void		 ui_open_editor(struct ui *, enum ui_action, const char *,
		    const char *, size_t, bool);
void		 ui_open_confirm(struct ui *, enum ui_action, const char *);
void		 ui_open_picker(struct ui *, enum ui_action, const char *);
void		 ui_picker_add(struct ui *, const char *, uint64_t, int, bool);
void		 ui_close_modal(struct ui *);
void		 ui_editor_done(struct ui *, const char *);
void		 ui_confirm_done(struct ui *, bool);
void		 ui_picked(struct ui *, uint64_t);
void		 ui_action_key(struct ui *, int);
void		 ui_search_step(struct ui *, int);
void		 ui_request_quit(struct ui *, bool);
bool		 ui_results_allowed(struct ui *);
void		 ui_open_sit(struct ui *);
bool		 ui_search_hit(struct ui *, uint64_t);
void		 ui_group_key(struct ui *, int);
void		 ui_connect(struct ui *);

/* ui-input.c */
void		 ui_input_cb(int, short, void *);
void		 ui_input_init(struct ui *);
void		 ui_input_done(struct ui *);

/* ui-draw.c */
void		 ui_draw_init(struct ui *);
void		 ui_draw(struct ui *);
bool		 ui_draw_clock(struct ui *);
int		 ui_draw_attr(const struct ui *, enum ui_style);
void		 ui_draw_clock_text(struct ui *, const struct model *, char *,
		    size_t, int *);
size_t		 ui_draw_body_rows(struct ui *);
const char	*ui_draw_glyph(const struct ui *, const char *, const char *);
size_t		 ui_draw_order(struct ui *, uint64_t **, int **, int *);
int		 ui_draw_put(struct ui *, int, int, int, const char *, size_t,
    int);
int		 ui_draw_text(struct ui *, int, int, int, const char *, int);
void		 ui_draw_fill(int, int, int, int);
void		 ui_draw_box(struct ui *, int, int, int, int, const char *);

/* ui-console.c */
void		 ui_console_open(struct ui *);
void		 ui_console_key(struct ui *, int);
void		 ui_console_picked(struct ui *, uint64_t);
void		 ui_console_edited(struct ui *, const char *);
void		 ui_console_confirmed(struct ui *);
void		 ui_console_draw(struct ui *);
int		 ui_console_duration(const char *, int32_t *);

/* ui-join.c */
void		 ui_join_open(struct ui *, uint32_t, const char *);
void		 ui_join_key(struct ui *, int32_t);
void		 ui_join_paste(struct ui *, const char *, size_t);
void		 ui_join_draw(struct ui *);
void		 ui_join_free(struct ui *);

/* ui-text.c */
const char	*ui_text_phase(unsigned);
const char	*ui_text_role(unsigned);
const char	*ui_text_reject(unsigned);
const char	*ui_text_error(uint32_t);
const char	*ui_text_reason(const char *);
const char	*ui_text_yes_keys(void);
const char	*ui_text_name(const char *);

#endif /* CB_UI_H */
