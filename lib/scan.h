/* One folder of the connector store: its .und files and its .ccm backlog. */
#ifndef CCMC_SCAN_H
#define CCMC_SCAN_H

#include "backend.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCAN_NAME_MAX 256  /* NAME_MAX + 1 */
#define SCAN_LIST_MAX 1000 /* the most offending files a scan keeps */
#define SCAN_SKIP_NAMES 8  /* skipped entries whose names are kept */

/* Why an entry named like a .und file was not counted. */
enum scan_skip { SKIP_SYMLINK, SKIP_DIRECTORY, SKIP_FIFO, SKIP_SOCKET, SKIP_DEVICE, SKIP_KINDS };

struct scan_file {
	char name[SCAN_NAME_MAX];
	int64_t size;
	int64_t mtime;
};

struct scan_stats {
	int64_t und_count;
	int64_t und_bytes;
	int64_t und_largest;
	int64_t und_oldest; /* mtime; meaningful only when und_count > 0 */
	int64_t und_newest;
	int64_t ccm_count;   /* backlog; counted only when scan_opts.backlog */
	int64_t ccm_oldest;  /* mtime; meaningful only when ccm_count > 0 */
	int64_t skewed;      /* .und or .ccm files with an mtime after now */
	int64_t vanished;    /* gone between listing and stat */
	int64_t stat_errors; /* matching names that could not be stat()ed */
	int stat_errno;      /* the last such error */
	int64_t skipped[SKIP_KINDS];
	size_t nskipped_names;
	char skipped_names[SCAN_SKIP_NAMES][SCAN_NAME_MAX];
	unsigned char skipped_kind[SCAN_SKIP_NAMES]; /* enum scan_skip */
	size_t nlist; /* entries filled in the caller's list, oldest first */
};

struct scan_opts {
	int64_t now;
	size_t list_max; /* capacity of the caller's list, at most SCAN_LIST_MAX */
	bool backlog;    /* also stat .ccm messages */
};

/* True for "x.und" in any letter case; false for ".und" and "x.und.tmp". */
bool scan_is_und(const char *name);
bool scan_is_ccm(const char *name);

/* "symlink", "directory", ... */
const char *scan_skip_name(enum scan_skip k);

/* Age of an mtime at now; a future mtime (clock skew) is age 0. */
int64_t scan_age(int64_t mtime, int64_t now);

/*
 * Scans folder f through its backend, without recursing or following links.
 * Fills st and the list (the list_max oldest .und files, oldest first).
 * Returns 0, or an errno value when the folder could not be read.
 */
int und_scan(const struct store_folder *f, const struct scan_opts *o, struct scan_stats *st,
             struct scan_file *list);

#endif
