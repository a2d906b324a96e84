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
	char message[VALUE_TEXT];
};

struct agent_values {
	enum state state;
	uint32_t total_count, oldest_age;
	int64_t scan_started; /* wall clock; 0 before the first scan completes */
	uint32_t scan_ms;
	uint32_t scan_errors;
	char thresholds[8][65]; /* -w -c -W -C and the four backlog ranges, as given */
	size_t nfolders;
	struct folder_values f[STORE_MAX_FOLDERS];
};

/* The values before any scan: every folder unknown, "no scan yet". */
void values_init(const struct watch_config *c, struct agent_values *v);

/* The values of a completed scan, judged as check_ccmc_und judges it. */
void values_from_probe(const struct watch_config *c, const struct probe *p, int64_t started,
                       uint32_t scan_ms, struct agent_values *v);

/* A scan that did not complete: every folder unknown, with why. */
void values_failed(const struct watch_config *c, const char *why, struct agent_values *v);

#endif
