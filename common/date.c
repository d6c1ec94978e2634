/*
 * date.c -- a due day as people write it, in French or English, to ISO 8601
 * (see date.h for what is understood).
 *
 * The text is folded first (lower case, accents off, apostrophes and
 * punctuation to spaces), then read as words.  Filler words ("le", "the",
 * "on", "avant", "by"...) are skipped.  Nothing here depends on the locale
 * or the clock: the reference day is given.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "text.h"

#define DATE_TEXT_MAX	80	/* bytes of folded text considered */
#define DATE_WORDS_MAX	8

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian). */
int64_t
date_days(int y, int m, int d)
{
	int64_t		yy = y - (m <= 2), era, yoe, doy, doe;

	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The civil date of a day since 1970-01-01. */
void
date_civil(int64_t z, int *y, int *m, int *d)
{
	int64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Days in month m of year y. */
static int
date_month_days(int y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* True for a real day of years 1970 to 9999. */
static bool
date_ok(int y, int m, int d)
{
	return y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= date_month_days(y, m);
}

/* True when s is a real day written "YYYY-MM-DD". */
bool
date_valid(const char *s)
{
	int	i;

	if (s == NULL || strlen(s) != DATE_ISO_LEN)
		return false;
	for (i = 0; i < DATE_ISO_LEN; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return false;
		} else if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return date_ok(atoi(s), atoi(s + 5), atoi(s + 8));
}

/* Write day z as "YYYY-MM-DD"; 0, or -1 when out of range. */
static int
date_out(int64_t z, char *out)
{
	int	y, m, d;

	date_civil(z, &y, &m, &d);
	if (!date_ok(y, m, d))
		return -1;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return 0;
}

/* The ASCII letter a Latin-1 letter folds to (lower case), or 0. */
static char
date_fold_cp(uint32_t cp)
{
	static const char	latin1[] =	/* U+00C0 to U+00FF */
	    "aaaaaaaceeeeiiiidnooooo ouuuuyts"
	    "aaaaaaaceeeeiiiidnooooo ouuuuyty";

	if (cp >= 'A' && cp <= 'Z')
		return (char)(cp + 32);
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
	    cp == '/' || cp == '-')
		return (char)cp;
	if (cp >= 0xc0 && cp <= 0xff && latin1[cp - 0xc0] != ' ')
		return latin1[cp - 0xc0];
	if (cp == 0x153 || cp == 0x152)		/* œ */
		return 'o';
	return ' ';
}

/* Fold s into out (at most max - 1 bytes): lower ASCII, one space between
 * words. */
static void
date_fold(const char *s, char *out, size_t max)
{
	size_t		len = strlen(s), i = 0, n = 0, k;
	uint32_t	cp;
	char		c;

	while (i < len && n + 1 < max) {
		k = text_decode(s + i, len - i, &cp);
		i += k;
		c = date_fold_cp(cp);
		if (c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* A whole number of at most 4 digits with an ordinal ending; -1 if not. */
static int
date_number(const char *w)
{
	static const char *const ends[] = { "", "er", "e", "eme", "st", "nd",
	    "rd", "th" };
	size_t	i, n = 0;
	int	v = 0;

	while (w[n] >= '0' && w[n] <= '9') {
		if (n == 4)
			return -1;
		v = v * 10 + (w[n] - '0');
		n++;
	}
	if (n == 0)
		return -1;
	for (i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if (strcmp(w + n, ends[i]) == 0)
			return v;
	return -1;
}

/* The index (0-based) of the one name that w abbreviates (3 letters at
 * least), -1 if none or several different ones. */
static int
date_name(const char *w, const char *const *names, const int *index, size_t n)
{
	size_t	i, len = strlen(w);
	int	found = -1;

	if (len < 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], w, len) != 0)
			continue;
		if (found != -1 && found != index[i])
			return -1;
		found = index[i];
	}
	return found;
}

/* The month (1-12) that w names, in French or English, or -1. */
static int
date_month(const char *w)
{
	static const char *const names[] = {
	    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet",
	    "aout", "septembre", "octobre", "novembre", "decembre",
	    "january", "february", "march", "april", "may", "june", "july",
	    "august", "september", "october", "november", "december",
	};
	static const int index[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

	/* "mai" and "may" have three letters: whole words then. */
	if (strcmp(w, "mai") == 0 || strcmp(w, "may") == 0)
		return 5;
	if (strcmp(w, "mar") == 0)
		return 3;
	return date_name(w, names, index, sizeof names / sizeof names[0]);
}

/* The weekday (0 Monday .. 6 Sunday) that w names, or -1. */
static int
date_weekday(const char *w)
{
	static const char *const names[] = {
	    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
	    "dimanche", "monday", "tuesday", "wednesday", "thursday",
	    "friday", "saturday", "sunday",
	};
	static const int index[] = { 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5,
	    6 };

	return date_name(w, names, index, sizeof names / sizeof names[0]);
}

/* True for the words that say nothing about the day. */
static bool
date_filler(const char *w)
{
	static const char *const fill[] = { "le", "la", "l", "the", "on", "de",
	    "du", "d", "of", "by", "avant", "before", "until", "jusqu", "au",
	    "a", "for", "pour", "this", "ce", "cette", "qu", "que" };
	size_t	i;

	for (i = 0; i < sizeof fill / sizeof fill[0]; i++)
		if (strcmp(w, fill[i]) == 0)
			return true;
	return false;
}

/* The first day y-m-d on or after day ref, with year y when y > 0. */
static int64_t
date_next(int64_t ref, int y, int m, int d)
{
	int	ry, rm, rd;

	if (y > 0)
		return date_ok(y, m, d) ? date_days(y, m, d) : -1;
	date_civil(ref, &ry, &rm, &rd);
	for (y = ry; y <= ry + 4; y++) {
		if (date_ok(y, m, d) && date_days(y, m, d) >= ref)
			return date_days(y, m, d);
	}
	return -1;
}

/* A year as written: 2027, or 27 for 2027. */
static int
date_year(int v)
{
	return v >= 0 && v < 100 ? 2000 + v : v;
}

/* "12/03/2027", "12/3", "12-03-27": day first; -1 if not that. */
static int64_t
date_numeric(const char *s, int64_t ref)
{
	int	part[3] = { 0, 0, 0 }, n = 0, digits = 0;
	char	sep = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 4)
				return -1;
			part[n] = part[n] * 10 + (*s - '0');
			continue;
		}
		if ((*s != '/' && *s != '-' && *s != ' ') || digits == 0 ||
		    n == 2 || (sep != 0 && *s != sep))
			return -1;
		sep = *s;
		n++;
		digits = 0;
	}
	if (digits == 0 || n == 0)
		return -1;
	if (n == 2 && part[0] > 31)			/* 2027-03-12 */
		return date_ok(part[0], part[1], part[2]) ?
		    date_days(part[0], part[1], part[2]) : -1;
	if (n == 1)
		return date_next(ref, 0, part[1], part[0]);
	return date_next(ref, date_year(part[2]), part[1], part[0]);
}

/* The words of the folded text w[0..n): a day, or -1. */
static int64_t
date_words(char **w, size_t n, int64_t ref)
{
	size_t	i;
	int	day = -1, month = -1, year = 0, wd = -1, v, y, m, d, amount;
	bool	end = false, next = false;

	if (n == 1 && strcmp(w[0], "today") == 0)
		return ref;
	if (n == 1 && (strcmp(w[0], "tomorrow") == 0 ||
	    strcmp(w[0], "demain") == 0))
		return ref + 1;
	if ((n == 1 && strcmp(w[0], "apres-demain") == 0) ||
	    (n == 2 && strcmp(w[0], "apres") == 0 &&
	    strcmp(w[1], "demain") == 0))
		return ref + 2;
	/* "dans 2 semaines", "in 10 days". */
	if (n == 3 && (strcmp(w[0], "dans") == 0 || strcmp(w[0], "in") == 0) &&
	    (amount = date_number(w[1])) >= 0) {
		if (strncmp(w[2], "jour", 4) == 0 ||
		    strncmp(w[2], "day", 3) == 0)
			return ref + amount;
		if (strncmp(w[2], "semaine", 7) == 0 ||
		    strncmp(w[2], "week", 4) == 0)
			return ref + 7 * (int64_t)amount;
		if (strcmp(w[2], "mois") == 0 || strncmp(w[2], "month", 5) ==
		    0) {
			date_civil(ref, &y, &m, &d);
			m += amount;
			y += (m - 1) / 12;
			m = (m - 1) % 12 + 1;
			if (d > date_month_days(y, m))
				d = date_month_days(y, m);
			return date_ok(y, m, d) ? date_days(y, m, d) : -1;
		}
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (date_filler(w[i]))
			continue;
		if (strcmp(w[i], "fin") == 0 || strcmp(w[i], "end") == 0) {
			end = true;
			continue;
		}
		if (strcmp(w[i], "next") == 0 || strncmp(w[i], "prochain", 8) ==
		    0) {
			next = true;
			continue;
		}
		if (end && (strcmp(w[i], "mois") == 0 ||
		    strcmp(w[i], "month") == 0)) {
			date_civil(ref, &y, &m, &d);
			month = m;
			continue;
		}
		if ((v = date_number(w[i])) >= 0) {
			if (v >= 1970 && year == 0)
				year = v;
			else if (day == -1 && v >= 1 && v <= 31)
				day = v;
			else if (day != -1 && year == 0 && month != -1)
				year = date_year(v);
			else
				return -1;
			continue;
		}
		if (month == -1 && (v = date_month(w[i])) != -1) {
			month = v;
			continue;
		}
		if (wd == -1 && (v = date_weekday(w[i])) != -1) {
			wd = v;
			continue;
		}
		return -1;
	}
	if (end) {
		if (month == -1 || day != -1 || wd != -1)
			return -1;
		date_civil(ref, &y, &m, &d);
		if (year == 0 && month < m)
			y++;
		if (year != 0)
			y = year;
		return date_next(ref, y, month, date_month_days(y, month));
	}
	if (month != -1 && day != -1)	/* a weekday beside it is a remark */
		return date_next(ref, year, month, day);
	if (wd != -1 && month == -1 && day == -1 && year == 0) {
		/* 1970-01-01 was a Thursday (3). */
		v = (int)(((ref + 3) % 7 + 7) % 7);
		amount = (wd - v + 7) % 7;
		(void)next;
		return ref + (amount == 0 ? 7 : amount);
	}
	return -1;
}

/* Parse s relative to the day of ref_ms (UTC) into "YYYY-MM-DD". */
int
date_parse(const char *s, int64_t ref_ms, char out[DATE_ISO_LEN + 1])
{
	char		 text[DATE_TEXT_MAX], *w[DATE_WORDS_MAX], *p, *save;
	size_t		 n = 0;
	int64_t		 ref, day;

	if (s == NULL)
		return -1;
	ref = ref_ms / 86400000;
	if (ref_ms % 86400000 < 0)
		ref--;
	if (strlen(s) >= DATE_TEXT_MAX)
		return -1;
	date_fold(s, text, sizeof text);
	if (text[0] == '\0')
		return -1;
	if (strspn(text, "0123456789/- ") == strlen(text) &&
	    (day = date_numeric(text, ref)) >= 0)
		return date_out(day, out);
	if (strcmp(text, "aujourd hui") == 0)
		return date_out(ref, out);
	for (p = strtok_r(text, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		if (n == DATE_WORDS_MAX)
			return -1;
		w[n++] = p;
	}
	if ((day = date_words(w, n, ref)) < 0)
		return -1;
	return date_out(day, out);
}
