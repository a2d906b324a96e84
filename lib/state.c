#include "config.h"

#include "state.h"

#include <stdio.h>
#include <strings.h>

static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *state_name(enum state s)
{
	return (unsigned)s < 4 ? names[s] : "UNKNOWN";
}

int state_parse(const char *s, enum state *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*out = (enum state)i;
			return 0;
		}
	}
	return -1;
}

enum range_kind metric_kind(enum metric m)
{
	return m == METRIC_UND_AGE || m == METRIC_BACKLOG_AGE ? RANGE_DURATION : RANGE_COUNT;
}

static int severity(enum state s)
{
	static const int rank[] = {0, 2, 3, 1};

	return rank[(unsigned)s < 4 ? s : STATE_UNKNOWN];
}

enum state state_worst(enum state a, enum state b)
{
	return severity(a) >= severity(b) ? a : b;
}

void thresholds_default(struct thresholds *t)
{
	*t = (struct thresholds){0};
	t->crit[METRIC_UND_COUNT].set = true; /* range "0": alert above zero */
}

const char *threshold_text(const struct threshold *t, const char *none, char *buf, size_t len)
{
	if (t->set)
		return range_format(&t->r, buf, len);
	snprintf(buf, len, "%s", none);
	return buf;
}

enum state threshold_check(const struct threshold *warn, const struct threshold *crit, int64_t v)
{
	if (crit->set && range_alerts(&crit->r, v))
		return STATE_CRITICAL;
	if (warn->set && range_alerts(&warn->r, v))
		return STATE_WARNING;
	return STATE_OK;
}

static enum state metric_check(const struct thresholds *t, enum metric m, int64_t v)
{
	return threshold_check(&t->warn[m], &t->crit[m], v);
}

void folder_evaluate(const struct thresholds *t, const struct scan_stats *st, unsigned roles,
                     int64_t now, struct folder_state *out)
{
	*out = (struct folder_state){{STATE_OK}, STATE_OK};
	if (roles & ROLE_UND) {
		out->metric[METRIC_UND_COUNT] = metric_check(t, METRIC_UND_COUNT, st->und_count);
		if (st->und_count > 0)
			out->metric[METRIC_UND_AGE] =
			    metric_check(t, METRIC_UND_AGE, scan_age(st->und_oldest, now));
	}
	if (roles & ROLE_BACKLOG) {
		out->metric[METRIC_BACKLOG_COUNT] =
		    metric_check(t, METRIC_BACKLOG_COUNT, st->ccm_count);
		if (st->ccm_count > 0)
			out->metric[METRIC_BACKLOG_AGE] =
			    metric_check(t, METRIC_BACKLOG_AGE, scan_age(st->ccm_oldest, now));
	}
	for (int m = 0; m < METRICS; m++)
		out->state = state_worst(out->state, out->metric[m]);
}
