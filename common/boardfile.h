/*
 * boardfile.h -- the plain text board file a facilitator writes.
 *
 * UTF-8, one "key: value" per line; '#' at the start of a line is a
 * comment; a line that starts with white space continues the value above.
 * Keys: title, code, dots, multi_vote, blind, private, anonymous,
 * freeze_at_zero, locked, keep, live_polls, hosts_stay, eval_dots, banner,
 * theme, question, canvas, section, criteria, label; the run sheet: step,
 * then phase, duration, instructions, follow, rotate, pairs, teams, labels,
 * merge, poll, choice, size.  Each "question:" opens a table; "theme:" and
 * "canvas:" apply to the questions that follow them; "section:" lines give
 * the canvas above them its sections; each "step:" opens a step.  See
 * cafeboard-server(1), BOARD FILES.
 */
#ifndef CB_BOARDFILE_H
#define CB_BOARDFILE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct boardfile_table {
	char		*question;
	char		*theme;		/* "" when none */
	size_t		 canvas;	/* ext: 1 + index in canvases, 0 none */
};

/* ext: a canvas the file defines, with its sections. */
struct boardfile_canvas {
	char		*name;
	struct proto_section *sections;
	size_t		 nsections;
};

struct boardfile {
	struct proto_settings settings;	/* has: the keys the file gave */
	char		*banner;	/* NULL when none */
	struct boardfile_table *tables;
	size_t		 ntables;
	char		**labels;	/* what participants pick from */
	size_t		 nlabels;
	struct proto_step *steps;	/* the run sheet */
	size_t		 nsteps;
	struct boardfile_canvas *canvases;	/* ext */
	size_t		 ncanvases;
	char		*criteria[PROTO_CRITERIA_MAX];	/* ext */
	size_t		 ncriteria;
};

/*
 * Parse text[0..len).  Returns 0, or -1 with err set to "line N: reason"
 * (and nothing to free).
 */
int	 boardfile_parse(const char *, size_t, struct boardfile *, char *,
	    size_t);
/* Read and parse the file at path (at most 1 MiB). */
int	 boardfile_load(const char *, struct boardfile *, char *, size_t);
void	 boardfile_free(struct boardfile *);
/*
 * The facilitator ops that build the board: settings (if any key was given),
 * banner (if any), one canvas.add per canvas, one table.add per question,
 * the canvas.use that give the tables their canvases, criteria (if given),
 * labels (if any), then one agenda per step.  Returns the count and a
 * malloc'd array in *ops whose strings point into bf (free only the array).
 * A canvas.use names the canvas and the table by the seqs their ops get
 * when the ops are the board's first events (cafeboard-server create);
 * boardfile_ops_from takes the seq the first op will get instead (a live
 * board).
 */
size_t	 boardfile_ops(const struct boardfile *, struct proto_op **);
/*
 * ext: the sections of a canvas a facilitator adds live: one per line in
 * the board file's syntax ("name | hint | most cards | kind", "section:"
 * in front or not), or, on a single line, separated by '|', each a name
 * then optionally a "hint" in quotes, a most cards number and a kind
 * after one of those ("Obstacles \"what stops us\" 5", "Roadmap 8
 * actions", "Roadmap 0 actions": no limit).  Returns 0 with
 * a malloc'd array (boardfile_sections_free), or -1 with err set.
 */
int	 boardfile_sections(const char *, struct proto_section **, uint32_t *,
	    char *, size_t);
void	 boardfile_sections_free(struct proto_section *, uint32_t);
size_t	 boardfile_ops_from(const struct boardfile *, uint64_t,
	    struct proto_op **);

#endif /* CB_BOARDFILE_H */
