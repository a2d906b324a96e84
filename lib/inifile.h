/*
 * The ini reader behind --extra-opts and the handler's config file. Written
 * here rather than taken from inih: a line inih cannot hold is cut and its
 * tail read as a line of its own, and an indented key is taken as the
 * continuation of the value before it; in a file that decides what alarms
 * and what runs, both must be errors or mean what they look like.
 *
 * The format:
 * - A line holds at most INIFILE_LINE_MAX - 1 bytes, not counting its
 *   line end (LF or CRLF); a longer one, or one holding a control character
 *   other than a tab (NUL and a stray CR included), is an error naming its
 *   line.
 * - Blanks (space, tab) at either end of a line are dropped, and so are a
 *   UTF-8 byte-order mark on the first line and a CR before the newline.
 * - A blank line, or one whose first character is ';' or '#', is a comment.
 * - "[name]" starts a section; the name is trimmed.
 * - Any other line is "key = value". Blanks around both are dropped; a ';'
 *   after a blank starts a comment; the value may be empty. A line without
 *   '=' or with an empty key is an error.
 */
#ifndef CCMC_INIFILE_H
#define CCMC_INIFILE_H

#include <stddef.h>
#include <stdio.h>

#define INIFILE_LINE_MAX 8192

/*
 * Called for each key in file order with its section ("" before the first)
 * and line, and with key and value NULL at each "[name]" line, so that a
 * section present with no key in it is known. Returns 0 to go on, or -1
 * after writing why into err.
 */
typedef int (*inifile_fn)(void *ctx, const char *section, const char *key, const char *value,
                          char *err, size_t errlen);

/*
 * Reads f to its end. Returns 0, the number of the line at fault (>0) with
 * the reason in err, or -1 with err when f could not be read.
 */
int inifile_read(FILE *f, inifile_fn fn, void *ctx, char *err, size_t errlen);

/* The same over a string, for tests and the fuzz target. */
int inifile_read_string(const char *text, size_t len, inifile_fn fn, void *ctx, char *err,
                        size_t errlen);

#endif
