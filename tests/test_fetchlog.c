/* fetched.tsv's lines (lib/fetchlog.c): a round trip for any name, and every malformed line
 * refused. */
#include "fetchlog.h"
#include "number.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Formats e, parses the line back, and compares. */
static void round_trip(const char *folder, const char *name, const char *what)
{
	struct fetchlog_entry e = {folder, name, 1234, -5, 1733300000123456789, 42}, back;
	char line[8192];
	int n = fetchlog_format(&e, line, sizeof(line));

	if (!tap_ok(n > 0 && line[n - 1] == '\n' && memchr(line, '\n', (size_t)n - 1) == NULL,
	            what))
		return;
	line[n - 1] = '\0';
	tap_ok(fetchlog_parse(line, &back) && strcmp(back.folder, folder) == 0 &&
	           strcmp(back.name, name) == 0 && back.size == 1234 && back.mtime == -5 &&
	           back.ctime == 1733300000123456789 && back.id == 42,
	       "... and parses back to the same entry");
}

static void refused(const char *text, const char *what)
{
	char line[512];
	struct fetchlog_entry e;

	snprintf(line, sizeof(line), "%s", text);
	tap_ok(!fetchlog_parse(line, &e), what);
}

int main(void)
{
	round_trip("smb://h/c$/Import", "a.und", "a plain line: one line, ending in its newline");
	round_trip("smb://h/c$/Import", "tab\there\nnew\\line.und",
	           "a name with a tab, a newline and a backslash stays on one line");
	round_trip("smb://h/c$/Imp ort", "\xe4\xbd\xa0.und", "UTF-8 and a blank");
	/* The extremes a server's times and IDs may take: smb/records.c writes INT64_MIN for a
	 * time before 1677. */
	struct fetchlog_entry edge = {"smb://h/c$/Import", "old.und", INT64_MAX, INT64_MIN, 0, -1},
	                      back;
	char eline[512];
	int en = fetchlog_format(&edge, eline, sizeof(eline));
	eline[en > 0 ? en - 1 : 0] = '\0';
	tap_ok(en > 0 && fetchlog_parse(eline, &back) && back.size == INT64_MAX &&
	           back.mtime == INT64_MIN && back.id == -1,
	       "INT64_MAX and INT64_MIN round trip (a time before 1677 is written so)");
	int64_t v = 0;
	tap_ok(number_parse("-9223372036854775808", 20, INT64_MIN, INT64_MAX, &v) == 0 &&
	           v == INT64_MIN,
	       "number_parse: INT64_MIN exactly");
	tap_ok(number_parse("-9223372036854775809", 20, INT64_MIN, INT64_MAX, &v) != 0 &&
	           number_parse("9223372036854775808", 19, INT64_MIN, INT64_MAX, &v) != 0,
	       "number_parse: one past either end is refused");
	tap_ok(number_parse("-5", 2, 0, 10, &v) != 0,
	       "number_parse: a '-' where min is 0 is refused");
	refused("smb://h/c$/Import\ta.und\t1\t2\t3", "five fields: refused");
	refused("smb://h/c$/Import\ta.und\t1\t2\t3\t4\t5", "seven fields: refused");
	refused("smb://h/c$/Import\ta.und\t1\t2\t3\t", "an empty last field: refused");
	refused("\ta.und\t1\t2\t3\t4", "an empty folder: refused");
	refused("smb://h/c$/Import\ta.und\t1x\t2\t3\t4", "a size that is not a number: refused");
	refused("smb://h/c$/Import\ta.und\t99999999999999999999\t2\t3\t4",
	        "a number past 64 bits: refused");
	refused("smb://h/c$/Import\ta.und\t+1\t2\t3\t4", "a '+' sign: refused");
	refused("smb://h/c$/Import\ta\\q.und\t1\t2\t3\t4", "an escape that is none: refused");
	/* Escaping makes a name up to four times longer: a 300-byte name of invalid UTF-8
	 * (1200 bytes escaped) still formats and reads back whole. */
	char wide[301], wline[2048];
	memset(wide, 0xb4, 300);
	wide[300] = '\0';
	struct fetchlog_entry w = {"smb://h/c$/Import", wide, 1, 2, 3, 4}, wback;
	int wn = fetchlog_format(&w, wline, sizeof(wline));
	tap_ok(wn > 1200, "a name that escapes to 1200 bytes formats");
	if (wn > 0)
		wline[wn - 1] = '\0';
	tap_ok(wn > 0 && fetchlog_parse(wline, &wback) && strcmp(wback.name, wide) == 0,
	       "and parses back to the same bytes");
	char big[200];
	struct fetchlog_entry e = {"smb://h/c$/Import", "a.und", 1, 2, 3, 4};
	tap_ok(fetchlog_format(&e, big, 20) < 0, "a line that does not fit: -1, not a cut line");
	(void)big;
	return tap_done();
}
