/*
 * fetched.tsv: one line per file copied off a share, written (and synced)
 * before any copy takes its final name, so that recovery can replay the
 * delete of an original it copied. Fields, tab-separated:
 *   folder  name  size  mtime  ctime  id
 * folder is the share folder's URL and name the file's, both escaped
 * (tsvfield.h); times in ns as the server keeps them, id its file ID.
 */
#ifndef CCMC_FETCHLOG_H
#define CCMC_FETCHLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FETCHLOG_NAME "fetched.tsv"

struct fetchlog_entry {
	const char *folder, *name; /* into the parsed line */
	int64_t size, mtime, ctime, id;
};

/* Writes e's line, ending in '\n'. Returns its length, or -1 when it does not fit. */
int fetchlog_format(const struct fetchlog_entry *e, char *dst, size_t len);

/* Parses one line (without its '\n') in place; false for one cut short or malformed. */
bool fetchlog_parse(char *line, struct fetchlog_entry *e);

#endif
