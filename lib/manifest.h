/*
 * manifest.tsv: one line per quarantined file, for the postmaster and for
 * the next run's recovery. Fields, tab-separated:
 *   time  folder  name  size  mtime  sha256  quarantine-path
 * folder is the source folder's canonical absolute path, so that two
 * folders named Import never read as one. Times are UTC
 * ("2026-11-25T12:00:00Z"); folder, name and path are escaped.
 */
#ifndef CCMC_MANIFEST_H
#define CCMC_MANIFEST_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define MANIFEST_HEADER "# time\tfolder\tname\tsize\tmtime\tsha256\tquarantine\n"
#define MANIFEST_LINE_MAX (9 * PATH_MAX)
#define SHA256_HEX 65

struct manifest_entry {
	int64_t time;
	char folder[PATH_MAX]; /* the source folder, absolute */
	char name[256];
	int64_t size;
	int64_t mtime;
	char sha256[SHA256_HEX];
	char path[PATH_MAX]; /* relative to the quarantine root */
};

/* Writes the line for e, ending in '\n'. Returns its length, or -1. */
int manifest_format(const struct manifest_entry *e, char *dst, size_t len);

/* Parses one line (without its '\n'). Returns 0, or -1 for a malformed line. */
int manifest_parse(const char *line, struct manifest_entry *e);

/* "2026-11-25T12:00:00Z"; buf holds at least 21 bytes. */
const char *utc_format(int64_t t, char *buf, size_t len);

#endif
