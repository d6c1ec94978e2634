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

/* The writers. */
void		 export_md(struct export_ctx *);
void		 export_csv(struct export_ctx *, bool);
void		 export_json(struct export_ctx *);

#endif /* CB_EXPORT_IMPL_H */
