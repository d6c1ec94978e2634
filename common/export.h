/*
 * export.h -- the harvest of a board: Markdown report, CSV, JSON, and
 * (ext) the report as one self-contained HTML page.
 *
 * The server's offline `export` and the client's `cafeboard export` call the
 * same function on the same model, so their output is identical.
 */
#ifndef CB_EXPORT_H
#define CB_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

enum export_format {
	EXPORT_MD,
	EXPORT_CSV,
	EXPORT_JSON,
	EXPORT_HTML,		/* ext: the report as a printable page */
};

struct export_opts {
	bool	 bom;		/* CSV: start with a UTF-8 byte order mark */
};

/* "md", "csv", "json", "html" -> format; -1 if unknown. */
int	 export_format_parse(const char *);
/* The names export_format_parse knows, for messages: "md, csv, json". */
const char *export_format_list(void);
/* Write the export of m to f; 0, or -1 on a write error (errno set). */
int	 export_write(const struct model *, enum export_format,
	    const struct export_opts *, FILE *);

#endif /* CB_EXPORT_H */
