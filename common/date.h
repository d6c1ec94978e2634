/*
 * date.h -- a due day as people write it, in French or English, to ISO 8601.
 *
 * "2027-03-12", "12/03/2027", "12/3", "12.03.27", "12 mars", "1er mars 2027",
 * "le 12 mars", "March 12", "March 12, 2027", "12th March", "vendredi",
 * "friday", "next Friday", "vendredi prochain", "demain", "tomorrow",
 * "aujourd'hui", "today", "après-demain", "dans 2 semaines", "in 10 days",
 * "fin mars", "end of April", "fin du mois", "end of the month".  Case,
 * accents and abbreviations ("janv.", "Sept", "ven.") do not matter.  Days
 * and months written in figures are day first (12/03 is the 12th of March),
 * as in France and the United Kingdom.  A day without a year is the next
 * one on or after the reference day; a weekday is the next one after it.
 */
#ifndef CB_DATE_H
#define CB_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define DATE_ISO_LEN	10	/* "YYYY-MM-DD" */

/* True when s is a real day written "YYYY-MM-DD" (years 1970 to 9999). */
bool	 date_valid(const char *);
/*
 * Parse s relative to the day (UTC) that ref_ms falls on; on success write
 * "YYYY-MM-DD" and its NUL to out and return 0, else -1.
 */
int	 date_parse(const char *, int64_t, char out[DATE_ISO_LEN + 1]);
/* Days since 1970-01-01 of a civil date; the civil date of such a day. */
int64_t	 date_days(int, int, int);
void	 date_civil(int64_t, int *, int *, int *);

#endif /* CB_DATE_H */
