#include "config.h"

#include "state.h"
#include "tap.h"

#include <stdlib.h>

#define NOW 1700000000

static struct threshold th(const char *s, enum range_kind k)
{
	struct threshold t = {.set = true};
	char err[128];

	if (range_parse(s, k, &t.r, err, sizeof(err)) != 0) {
		printf("Bail out! %s\n", err);
		exit(99);
	}
	return t;
}

int main(void)
{
	struct thresholds t;
	struct scan_stats st = {0};
	struct folder_state fs;
	enum state s;

	tap_is_str(state_name(STATE_CRITICAL), "CRITICAL", "state names");
	tap_ok(metric_kind(METRIC_BACKLOG_AGE) == RANGE_DURATION &&
	           metric_kind(METRIC_BACKLOG_COUNT) == RANGE_COUNT,
	       "ages take durations, counts whole numbers");
	tap_ok(state_parse("Warning", &s) == 0 && s == STATE_WARNING, "states parse in any case");
	tap_ok(state_parse("bad", &s) == -1, "an unknown state word is refused");
	tap_is_int(state_worst(STATE_OK, STATE_UNKNOWN), STATE_UNKNOWN, "UNKNOWN beats OK");
	tap_is_int(state_worst(STATE_UNKNOWN, STATE_WARNING), STATE_WARNING,
	           "WARNING beats UNKNOWN");
	tap_is_int(state_worst(STATE_CRITICAL, STATE_WARNING), STATE_CRITICAL,
	           "CRITICAL beats WARNING");
	tap_is_int(state_worst(STATE_UNKNOWN, STATE_CRITICAL), STATE_CRITICAL,
	           "CRITICAL beats UNKNOWN");

	thresholds_default(&t);
	folder_evaluate(&t, &st, ROLE_UND | ROLE_BACKLOG, NOW, &fs);
	tap_is_int(fs.state, STATE_OK, "no files is OK by default");
	st.und_count = 1;
	st.und_oldest = NOW - 10;
	folder_evaluate(&t, &st, ROLE_UND | ROLE_BACKLOG, NOW, &fs);
	tap_is_int(fs.state, STATE_CRITICAL, "one .und file is CRITICAL by default");
	folder_evaluate(&t, &st, ROLE_BACKLOG, NOW, &fs);
	tap_is_int(fs.state, STATE_OK, "a backlog-only folder ignores .und files");

	t.crit[METRIC_UND_COUNT] = th("5", RANGE_COUNT);
	t.warn[METRIC_UND_COUNT] = th("0", RANGE_COUNT);
	tap_is_int(threshold_check(&t.warn[0], &t.crit[0], 0), STATE_OK, "0 within -w 0 -c 5");
	tap_is_int(threshold_check(&t.warn[0], &t.crit[0], 3), STATE_WARNING, "3 warns");
	tap_is_int(threshold_check(&t.warn[0], &t.crit[0], 6), STATE_CRITICAL,
	           "6 is critical: critical is evaluated first");

	thresholds_default(&t);
	t.crit[METRIC_UND_COUNT].set = false;
	t.warn[METRIC_UND_AGE] = th("30m", RANGE_DURATION);
	t.crit[METRIC_UND_AGE] = th("2h", RANGE_DURATION);
	st.und_oldest = NOW - 1800;
	folder_evaluate(&t, &st, ROLE_UND, NOW, &fs);
	tap_is_int(fs.metric[METRIC_UND_AGE], STATE_OK, "age 30m is within -W 30m");
	st.und_oldest = NOW - 1801;
	folder_evaluate(&t, &st, ROLE_UND, NOW, &fs);
	tap_is_int(fs.metric[METRIC_UND_AGE], STATE_WARNING, "age 30m1s warns");
	st.und_oldest = NOW - 7201;
	folder_evaluate(&t, &st, ROLE_UND, NOW, &fs);
	tap_is_int(fs.state, STATE_CRITICAL, "age 2h1s is critical");
	st.und_oldest = NOW + 3600;
	folder_evaluate(&t, &st, ROLE_UND, NOW, &fs);
	tap_is_int(fs.state, STATE_OK, "a future mtime is age 0");

	t.crit[METRIC_UND_AGE] = th("10:", RANGE_DURATION);
	st.und_count = 0;
	folder_evaluate(&t, &st, ROLE_UND, NOW, &fs);
	tap_is_int(fs.state, STATE_OK, "age thresholds do not apply to an empty folder");

	thresholds_default(&t);
	t.warn[METRIC_BACKLOG_COUNT] = th("100", RANGE_COUNT);
	t.crit[METRIC_BACKLOG_AGE] = th("1h", RANGE_DURATION);
	st = (struct scan_stats){.ccm_count = 101, .ccm_oldest = NOW - 60};
	folder_evaluate(&t, &st, ROLE_BACKLOG, NOW, &fs);
	tap_is_int(fs.state, STATE_WARNING, "a backlog of 101 warns");
	st.ccm_oldest = NOW - 3601;
	folder_evaluate(&t, &st, ROLE_BACKLOG, NOW, &fs);
	tap_is_int(fs.state, STATE_CRITICAL, "a backlog older than 1h is critical");
	folder_evaluate(&t, &st, ROLE_UND, NOW, &fs);
	tap_is_int(fs.state, STATE_OK, "backlog thresholds skip a folder not watched for it");
	return tap_done();
}
