/* Plugin states, thresholds and the verdict on one folder. */
#ifndef CCMC_STATE_H
#define CCMC_STATE_H

#include "range.h"
#include "scan.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum state { STATE_OK = 0, STATE_WARNING = 1, STATE_CRITICAL = 2, STATE_UNKNOWN = 3 };

enum metric { METRIC_UND_COUNT, METRIC_UND_AGE, METRIC_BACKLOG_COUNT, METRIC_BACKLOG_AGE, METRICS };

struct threshold {
	bool set;
	struct range r;
};

struct thresholds {
	struct threshold warn[METRICS], crit[METRICS];
};

struct folder_state {
	enum state metric[METRICS];
	enum state state; /* the worst of metric[] */
};

/* Ages take durations ("30m"); counts take whole numbers. */
enum range_kind metric_kind(enum metric m);

const char *state_name(enum state s);

/* Parses "ok", "warning", "critical" or "unknown", in any case. Returns 0 or -1. */
int state_parse(const char *s, enum state *out);

/* CRITICAL beats WARNING beats UNKNOWN beats OK, as in the Monitoring Plugins. */
enum state state_worst(enum state a, enum state b);

/* The article's rule: any .und file is CRITICAL (critical count range "0"). */
void thresholds_default(struct thresholds *t);

/* The threshold's range as the plugin prints it, or none when it is not set. */
const char *threshold_text(const struct threshold *t, const char *none, char *buf, size_t len);

/* Critical is evaluated before warning. */
enum state threshold_check(const struct threshold *warn, const struct threshold *crit, int64_t v);

/*
 * The verdict on one scanned folder at now. Age thresholds apply only when
 * there is something to be old: an empty folder has no oldest file.
 */
void folder_evaluate(const struct thresholds *t, const struct scan_stats *st, unsigned roles,
                     int64_t now, struct folder_state *out);

#endif
