/* Plugin text and perfdata, escaped and capped in size. */
#ifndef CCMC_OUTPUT_H
#define CCMC_OUTPUT_H

#include "range.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTPUT_MIN 1024     /* NRPE protocol v2 returns at most 1 KiB */
#define OUTPUT_DEFAULT 4096 /* well under Nagios Core's 8 KiB */
#define OUTPUT_MAX 65536    /* NRPE protocol v3 */

/* A growing text in a fixed buffer; what does not fit is dropped and flagged. */
struct outbuf {
	char *buf;
	size_t len, cap;
	bool truncated;
};

void ob_init(struct outbuf *o, char *mem, size_t cap);
void ob_printf(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Starts a new line, unless o is still empty. */
void ob_line(struct outbuf *o);

/*
 * The one escaping of every name (file, folder, path, command output) that
 * reaches the output of any program: control characters (C0, DEL and C1),
 * '|' (which starts perfdata), the Unicode line separators and bidi
 * overrides become '?', a backslash becomes "\\", and bytes that are not
 * valid UTF-8 become "\xNN". The result is valid UTF-8 on one line.
 */
void ob_name(struct outbuf *o, const char *name);

/*
 * The same into dst, cut to fit len on a whole escaped unit, so never in the
 * middle of a character. Returns dst.
 */
const char *name_escape(const char *name, char *dst, size_t len);

/*
 * Escapes the character at name (one byte when it is not valid UTF-8) into
 * out. Returns the length written and sets *used to the bytes consumed.
 */
size_t name_escape_unit(const char *name, char out[8], size_t *used);

/* Writes label for perfdata: quoted only when needed, "'" doubled, '=' replaced. */
void perf_label(char *dst, size_t len, const char *label);

/*
 * Appends one perfdata entry 'label'=value[uom];warn;crit;min;max, entries
 * separated by '\n' so the renderer can drop whole entries. A NULL value is
 * written "U" (could not be determined); NULL ranges and a negative min or
 * max are left empty.
 */
void ob_perf(struct outbuf *o, const char *label, const int64_t *value, const char *uom,
             const struct range *warn, const struct range *crit, int64_t min, int64_t max);

/*
 * Writes "summary | perf\nlong output" into dst, at most cap bytes with the
 * final newline. What is kept, in order, when cap is short: the summary (cut
 * on a character boundary, never so far that the totals cannot follow); the
 * totals' perfdata entries (labels "total_*"); each folder's entries in
 * order; then whole long-output lines. A last line says how many entries and
 * lines were left out. Returns the length written.
 */
size_t output_render(const char *summary, const char *perf, const char *longout, size_t cap,
                     char *dst);

#endif
