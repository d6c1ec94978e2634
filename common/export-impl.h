/*
 * export-impl.h -- what the three export writers share (export.c): the
 * output buffer, a table's live cards as the exports see them, and small
 * writing helpers.  Only common/export*.c include this.
 */
#ifndef CB_EXPORT_IMPL_H
#define CB_EXPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "model.h"

/* Characters that CommonMark could read as markup anywhere in a line. */
#define EXPORT_MD_SPECIAL	"\\`*_[]<>#|!~&"

/* Output is built in memory and written at once. */
struct export_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

/* A live card of a table as the exports show it. */
struct export_card {
	const struct model_card	*c;
	uint64_t		 parent;	/* nearest live ancestor, or 0 */
	uint64_t		 member_of;	/* live head it is grouped under */
	uint64_t		 cluster;	/* head of its cluster, or 0 */
	const char		*ctitle;	/* that cluster's title */
};

/* The live cards of one table, in id order. */
struct export_table {
	const struct model_table *t;
	struct export_card	*cards;
	size_t			 n;
};

/* What every writer needs. */
struct export_ctx {
	const struct model	*m;
	struct export_buf	 b;
	bool			 anonymous;
};

/* Append len bytes. */
void		 export_put(struct export_buf *, const char *, size_t);
/* Append a NUL-terminated string. */
void		 export_puts(struct export_buf *, const char *);
/* Append one byte. */
void		 export_putc(struct export_buf *, char);
/* Append formatted text. */
void		 export_printf(struct export_buf *, const char *,
		    ...) __attribute__((format(printf, 2, 3)));
/* Append n spaces. */
void		 export_indent(struct export_buf *, size_t);
/* Append a code point as UTF-8. */
void		 export_cp(struct export_buf *, uint32_t);
/* Decode one code point of s[0..len); invalid bytes give U+FFFD. */
size_t		 export_next(const char *, size_t, uint32_t *);
/* A time in UTC: "YYYY-MM-DD" (date) or "YYYY-MM-DDTHH:MM:SSZ". */
void		 export_time(struct export_buf *, int64_t, bool);
/* The workshop's first and last days, "YYYY-MM-DD" (UTC). */
void		 export_days(const struct model *, char [16], char [16]);
/* A table's theme, "" when none. */
const char	*export_theme(const struct model_table *);
/* The author's name, or NULL when anonymous or unknown. */
const char	*export_author(const struct export_ctx *,
		    const struct model_card *);
/*
 * The author's name and those of the coauthors (duplicates merged into
 * the card), ", " between them (malloc'd), or NULL when anonymous or
 * none is known.
 */
char		*export_authors(const struct export_ctx *,
		    const struct model_card *);
/* The entry of card id in et, or NULL. */
struct export_card *export_find(const struct export_table *, uint64_t);
/* The nearest live card on the same table that c builds on, or 0. */
uint64_t	 export_parent(const struct model *, const struct model_card *);
/* Collect the live cards of table t and work out parents and clusters. */
void		 export_table_load(const struct model *,
		    const struct model_table *, struct export_table *);
/* Free what export_table_load allocated. */
void		 export_table_free(struct export_table *);

/*
 * ext: deliverables.  The kept cards of et in the report's order (*out,
 * free it): the highest score total first when the board has criteria,
 * then most votes, then creation order.  The actions of et (a card with an
 * owner, or in an "actions" section), by due day (none last), then
 * creation order.  The live cards of et in section n, in id order.  The
 * text of the live card an action builds on, or NULL.
 */
size_t		 export_kept(const struct export_ctx *,
		    const struct export_table *, const struct export_card ***);
size_t		 export_actions(const struct export_ctx *,
		    const struct export_table *, const struct export_card ***);
size_t		 export_section(const struct export_table *, uint32_t,
		    const struct export_card ***);
const char	*export_action_idea(const struct export_ctx *,
		    const struct export_card *);
/* The canvas of a table, or NULL. */
const struct model_canvas *export_canvas(const struct export_ctx *,
		    const struct model_table *);
/* True when a table's canvas has a section of this kind. */
bool		 export_has_kind(const struct model_canvas *, uint8_t);
/* The board's title ("" never: its name then). */
const char	*export_title(const struct model *);

/* The writers. */
void		 export_md(struct export_ctx *);
void		 export_html(struct export_ctx *);
void		 export_csv(struct export_ctx *, bool);
void		 export_json(struct export_ctx *);

/* A table's name in a report ("Question 2", "Pair 1", a label), malloc'd. */
char	*export_table_title(const struct model_table *, size_t *);

#endif /* CB_EXPORT_IMPL_H */
