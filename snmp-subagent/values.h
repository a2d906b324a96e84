/*
 * What the subagent serves: one snapshot of every folder, taken by a scan
 * on a timer and swapped in whole, so that a request never waits for a scan
 * and never sees half of one.
 */
#ifndef CCMC_VALUES_H
#define CCMC_VALUES_H

#include "watch.h"
#include "state.h"
#include "store.h"

#include <stdbool.h>
#include <stdint.h>

#define VALUE_TEXT 256

struct folder_values {
	char name[64];
	char path[VALUE_TEXT];
	uint32_t count, oldest_age, newest_age;
	uint64_t bytes;
	uint32_t backlog_count, backlog_oldest_age;
	enum state state;
	bool error;
	bool stale;      /* the counts are the last good read's, this read failed */
	int64_t read_ms; /* monotonic: when the folder was last read, or the subagent started */
	char message[VALUE_TEXT];
};

struct agent_values {
	enum state state;
	uint32_t total_count, oldest_age;
	int64_t scan_started; /* wall clock; 0 before the first scan completes */
	uint32_t scan_ms;
	uint32_t scan_errors;
	bool stale;             /* some folder's counts are kept from an earlier scan */
	int64_t good_ms;        /* monotonic: the last scan that read every folder, or the start */
	char thresholds[8][65]; /* -w -c -W -C and the four backlog ranges, as given */
	size_t nfolders;
	struct folder_values f[STORE_MAX_FOLDERS];
};

/*
 * One rule for every failure, a whole scan's (a time-out, a scan process that
 * failed) or one folder's (missing, refused logon, unreadable): the folder's
 * state is unknown with why, its counts stay those of its last good read and
 * are marked stale, and the totals sum what is served. An SNMP manager that
 * graphs the counts sees a flat line, not a drop to 0 that looks like a fix,
 * and the stale flags and ages say how old the line is.
 */

/* The values before any scan, at monotonic time now_ms: every folder unknown, "no scan yet". */
void values_init(const struct watch_config *c, int64_t now_ms, struct agent_values *v);

/* The values of a completed scan started at monotonic started_ms, judged as check_ccmc_und
 * judges it; v holds the values served until now, whose counts a failed folder keeps. */
void values_from_probe(const struct watch_config *c, const struct probe *p, int64_t started,
                       int64_t started_ms, uint32_t scan_ms, struct agent_values *v);

/*
 * After a reload that names other folders: v is values_init's, but a folder
 * already watched (by its path) keeps what old served for it, and the scan
 * error count goes on from old's (a Counter32 never goes back).
 */
void values_carry(const struct agent_values *old, const struct watch_config *c, int64_t now_ms,
                  struct agent_values *v);

/* A scan that did not complete: every folder unknown with why, its counts kept and stale. */
void values_failed(const struct watch_config *c, const char *why, struct agent_values *v);

#endif
