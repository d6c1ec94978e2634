/*
 * actor.h -- the actors of the end-to-end scenario suites (test_cafe,
 * test_day): raw protocol clients that each fold what they RECEIVED into a
 * replica of their own (the reducer the real client uses), so that a test
 * asserts on what a participant could see, not only on what the server
 * holds.
 *
 * The shared part checks what every suite checks (events in sequence, no
 * ERROR, READY at the replica's head, a decodable stream) and answers
 * PINGs; a suite's hooks check and count, per EVENT and per STATE record,
 * what that suite is about, keeping their counters behind a->data.
 */
#ifndef CB_ACTOR_H
#define CB_ACTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "proto.h"
#include "tsupport.h"

#define ACTOR_WAIT_MS	20000	/* for one expectation (sanitizers) */

struct actor;

/* What a suite plays: its board, and what it checks on the way. */
struct actor_suite {
	const char	*board;
	const char	*code;		/* the participants' code */
	/* An EVENT as received, before it is folded (NULL: none). */
	void		(*on_event)(struct actor *, const struct proto_event *,
			    const uint8_t *, size_t);
	/* A STATE record as received, before it is read (NULL: none). */
	void		(*on_state)(struct actor *, const struct proto_state *);
};

/* One client: its connection, and the board as it received it. */
struct actor {
	char		 name[40];
	const struct actor_suite *suite;
	void		*data;		/* the suite's counters */
	struct tclient	 c;
	bool		 open;
	bool		 fac;		/* joined with the key */
	struct model	*rep;		/* folded from what it received */
	bool		 in_state;	/* reading a STATE catch-up */
	bool		 ready;		/* READY received */
	/* The last REJECT. */
	uint32_t	 rej_op;
	uint32_t	 rej_code;
	char		 rej_text[256];
	/* The last EVENT of its own. */
	uint32_t	 own_op;
	uint64_t	 own_seq;
	/* What it received. */
	size_t		 state_records;
	uint64_t	 bytes;		/* whole frames */
};

/* Close a client and free its replica (the suite's data stays). */
void		 actor_free(struct actor *);
/* Receive and handle one message: 1, or 0 when none came in time. */
int		 actor_step(struct actor *, int);
/*
 * Connect to srv and join suite's board as name, with the key when fac
 * (else the suite's code); data: the suite's counters for this actor.
 * Returns once READY came.
 */
void		 actor_join(struct actor *, const struct actor_suite *, void *,
		    struct tserver *, const char *, bool);
/*
 * The connection drops and the same client comes back, asking for the
 * board as it stands (a STATE catch-up) rather than a replay.
 */
void		 actor_rejoin_state(struct actor *, struct tserver *);
/* Read a's messages until *counter reaches want (what: for the message). */
void		 actor_wait_count(struct actor *, size_t *, size_t,
		    const char *);
/*
 * The scenarios read as sentences: ok(&S.fac, PHASE(PHASE_VOTE)),
 * refused(&S.p[5], DEL(c), REJECT_FORBIDDEN, NULL).
 */
#define ok(a, op)		actor_ok((a), (op))
#define refused(a, op, code, why) actor_refused((a), (op), (code), (why))

/* Send op; its seq when accepted, -code when refused. */
int64_t		 actor_act(struct actor *, const struct proto_op *);
/* op must be accepted; its seq. */
uint64_t	 actor_ok(struct actor *, struct proto_op);
/* op must be refused with code (and, unless NULL, this reason). */
void		 actor_refused(struct actor *, struct proto_op, int,
		    const char *);
/*
 * Into v: fac then each of the np actors at p, those connected only; how
 * many.  v has room for np + 1.
 */
size_t		 actor_list(struct actor *, struct actor *, size_t,
		    struct actor **);
/* Bring the n actors of v up to the newest seq any of them has; that seq. */
uint64_t	 actor_sync(struct actor **, size_t);
/*
 * a's replica agrees with f (the facilitator's) on the seq, phase, round,
 * banner, reveal, follow view, clock, how many tables, participants and
 * cards, and the seating.  Each suite checks the rest of what it plays.
 */
void		 actor_check_replica(const struct actor *,
		    const struct model *);

#endif /* CB_ACTOR_H */
