/*
 * plain.h -- cafeboard --plain: the board as sentences and commands as
 * lines, for screen readers, braille displays and the slowest links.
 *
 * No curses, no cursor addressing, no escape sequence: the terminal stays
 * in canonical mode (the kernel edits the line, UTF-8 aware), everything
 * that happens is said once as a sentence, and every command answers in
 * one line.  It is the same connection, replica and pending-op queue as
 * the full-screen client (net.c, replica.c).
 *
 * plain.c      the loop: terminal, input lines, output, joining, net.c's
 *              callbacks and the sentence each event makes, the
 *              countdown's milestones, presence
 * plain-cmd.c  the commands: one table drives parsing, help and completion
 * plain-day.c  the run sheet's events and commands (polls, reactions)
 * plain-deliver.c  deliverables: canvases, actions, scores, pitches
 *
 * Everything here but plain_main is for those files only.
 */
#ifndef CB_PLAIN_H
#define CB_PLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#include "client.h"

/*
 * Run the line mode until the user quits or switches to the full screen
 * (then sw holds the loop and the connection); the exit status.
 */
int	plain_main(struct client_opts *, struct client_switch *);

/* ------------------------------------------------------------ internal */

/* A change of ours that the user was told about, until the server answers. */
struct plain_wait {
	uint32_t	 op_id;
	uint8_t		 kind;
	int32_t		 delta;		/* vote */
	uint64_t	 card;		/* the card it is about, 0 for none */
	uint64_t	 table;		/* card.add, table.sit: the table */
	uint32_t	 number;	/* card.add: its number, as told */
	bool		 waited;	/* told "waiting to be sent" */
	char		*text;		/* card text, given back if refused */
};

/* What the next line typed answers (joining), if not a command. */
enum plain_ask {
	PLAIN_ASK_NONE,
	PLAIN_ASK_BOARD,
	PLAIN_ASK_NAME,
	PLAIN_ASK_CODE,
};

struct plain {
	struct client_opts	*opts;
	struct event_base	*base;
	struct net		 net;
	bool			 net_ready;	/* net_init done */
	int			 net_seen;	/* net.state last seen */
	struct event		*stdin_ev;
	struct event		*milestone_ev;
	struct event		*presence_ev;
	struct event		*sig_ev[3];
	bool			 ascii;
	bool			 tty;		/* stdin is a terminal */
	bool			 termios_saved;
	struct termios		 saved;

	/* Input. */
	char			*in;		/* bytes not yet a whole line */
	size_t			 inlen;
	size_t			 incap;
	bool			 in_drop;	/* dropping an overlong line */
	char			*held;		/* a line Tab completed, to be
						   continued */

	/* Output. */
	bool			 col0;		/* at the start of a line */
	uint64_t		 bytes;		/* written to the terminal */
	char			**later;	/* said after the catch-up */
	size_t			 nlater;
	bool			 defer;		/* in a catch-up: say later */

	/* Joining. */
	enum plain_ask		 ask;

	/* Where the user is. */
	uint64_t		 table;		/* looked at; 0: my seat */
	uint64_t		 seat_seen;	/* my seat after an event */
	int			 listen;	/* -1 unset, 0 mine, 1 all */

	/* Changes. */
	struct plain_wait	*waits;
	size_t			 nwaits;
	uint64_t		 sit_sent;	/* table of our automatic sit */
	bool			 from_done;	/* --from applied */

	/* What was said. */
	bool			 welcomed;	/* the first READY was said */
	bool			 lost_said;	/* "connection lost" was said */
	uint8_t			 last_kind;	/* of the last event said */

	/* The countdown. */
	uint64_t		 milestone;	/* ms left it waits for; 0 */

	/* Presence. */
	uint32_t		*near;		/* heard as here, sorted */
	size_t			 nnear;
	uint32_t		*back;		/* here before a drop */
	size_t			 nback;
	int64_t			 grace_until;	/* back may return silently */
	bool			 rebase;	/* take who is here as known */
	uint64_t		 near_seat;	/* my seat when near was */
	bool			 near_all;	/* near was of every table */

	/* Flow. */
	bool			 quit;
	bool			 to_full;	/* quit to the full screen */
	bool			 quit_asked;	/* "quit" once with changes */
	int			 exit_code;
};

/* plain.c */
void		 plain_say(struct plain *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 plain_done(struct plain *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 plain_prompt(struct plain *, const char *);
struct model	*plain_model(struct plain *);
const struct model_participant *plain_me(struct plain *);
bool		 plain_is_facilitator(struct plain *);
bool		 plain_results_allowed(struct plain *);
bool		 plain_listen_all(struct plain *);
uint64_t	 plain_seat(struct plain *);
uint64_t	 plain_current(struct plain *);
int		 plain_table_no(const struct model *, uint64_t);
void		 plain_refused(struct plain *, int, const char *);
int		 plain_submit(struct plain *, struct proto_op *);
uint64_t	 plain_last_predicted(struct plain *);
void		 plain_set_number(struct plain *, uint64_t, uint64_t);
char		*plain_duration(uint64_t);
char		*plain_join(char **, size_t);
char		*plain_names(const struct model *, const uint32_t *, size_t);
void		 plain_sit_said(struct plain *, uint64_t, bool);
void		 plain_leave(struct plain *);
void		 plain_full(struct plain *);
void		 plain_rebase(struct plain *);
void		 plain_step_said(struct plain *, const struct model *,
		    const struct proto_step *);

bool		 plain_concerns(struct plain *, uint64_t);
const char	*plain_card_text(const struct model_card *);

/* plain-day.c */
void		 plain_day_event(struct plain *, const struct proto_event *);
void		 plain_day_cmd_answer(struct plain *, char *);
void		 plain_day_cmd_step(struct plain *, char *);
void		 plain_day_cmd_react(struct plain *, char *);
void		 plain_day_cmd_label(struct plain *, char *);
void		 plain_day_cmd_poll(struct plain *, char *);
void		 plain_day_cmd_close(struct plain *, char *);
void		 plain_day_cmd_label_of(struct plain *, char *);
void		 plain_day_cmd_groups(struct plain *, char *);

/* plain-deliver.c */
void		 plain_deliver_event(struct plain *, const struct proto_event *);
uint32_t	 plain_deliver_section_of(struct plain *, uint64_t, char **);
void		 plain_deliver_cmd_place(struct plain *, char *);
void		 plain_deliver_cmd_action(struct plain *, char *);
void		 plain_deliver_cmd_score(struct plain *, char *);
void		 plain_deliver_cmd_feedback(struct plain *, char *);
void		 plain_deliver_cmd_actions(struct plain *, char *);
void		 plain_deliver_cmd_canvas(struct plain *, char *);
void		 plain_deliver_cmd_evaluation(struct plain *, char *);
void		 plain_deliver_cmd_criteria(struct plain *, char *);
void		 plain_deliver_cmd_pitch(struct plain *, char *);
char		*plain_deliver_marks(struct plain *, const struct model *,
		    const struct model_card *);

/* plain-cmd.c */
uint64_t	 plain_card_arg(struct plain *, char *, bool);
uint64_t	 plain_card_ref(struct plain *, const char *, bool);
char		*plain_card_line(struct plain *, uint64_t);
bool		 plain_is(const char *, const char *);
char		*plain_word(char **);
uint32_t	 plain_number(const char *, uint32_t);
uint64_t	 plain_table_arg(struct plain *, const char *);
int		 plain_duration_arg(struct plain *, const char *, bool,
		    int32_t *);
void		 plain_cmd_line(struct plain *, char *);
char		*plain_cmd_complete(struct plain *, const char *);
void		 plain_cmd_status(struct plain *);
char		*plain_fold(const char *);
bool		 plain_is(const char *, const char *);
const struct model_participant *plain_person(struct plain *, const char *,
		    bool);

#endif /* CB_PLAIN_H */
