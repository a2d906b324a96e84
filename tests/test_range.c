#include "config.h"

#include "range.h"
#include "tap.h"

static void parses(const char *s, enum range_kind k, const char *canon)
{
	struct range r;
	char err[128] = "", buf[RANGE_BUFLEN] = "", what[96];
	int rc = range_parse(s, k, &r, err, sizeof(err));

	if (rc == 0)
		range_format(&r, buf, sizeof(buf));
	snprintf(what, sizeof(what), "'%s' parses and formats as '%s'", s, canon);
	if (!tap_ok(rc == 0 && strcmp(buf, canon) == 0, what))
		printf("#   rc %d, got '%s', err '%s'\n", rc, buf, err);
}

static void rejects(const char *s, enum range_kind k)
{
	struct range r;
	char err[128] = "", what[96];
	int rc = range_parse(s, k, &r, err, sizeof(err));

	snprintf(what, sizeof(what), "'%s' is rejected with a message", s);
	if (!tap_ok(rc == -1 && err[0] != '\0', what))
		printf("#   rc %d\n", rc);
}

/* The guideline table: which values alert. */
static void alerts(const char *s, int64_t v, bool want)
{
	struct range r;
	char err[128], what[96];

	snprintf(what, sizeof(what), "'%s' %s at %lld", s, want ? "alerts" : "is quiet",
	         (long long)v);
	if (range_parse(s, RANGE_DURATION, &r, err, sizeof(err)) != 0 &&
	    range_parse(s, RANGE_COUNT, &r, err, sizeof(err)) != 0) {
		tap_ok(false, what);
		return;
	}
	tap_ok(range_alerts(&r, v) == want, what);
}

int main(void)
{
	parses("10", RANGE_COUNT, "10");
	parses("0", RANGE_COUNT, "0");
	parses("10:", RANGE_COUNT, "10:");
	parses("0:", RANGE_COUNT, "0:");
	parses("~:10", RANGE_COUNT, "~:10");
	parses("~:", RANGE_COUNT, "~:");
	parses("10:20", RANGE_COUNT, "10:20");
	parses("@10:20", RANGE_COUNT, "@10:20");
	parses(":5", RANGE_COUNT, "5");
	parses("-5:5", RANGE_COUNT, "-5:5");
	parses("-10:-5", RANGE_COUNT, "-10:-5");
	parses("5:5", RANGE_COUNT, "5:5");
	parses("30m", RANGE_DURATION, "1800");
	parses("2h", RANGE_DURATION, "7200");
	parses("@1h:4h", RANGE_DURATION, "@3600:14400");
	parses("1h30m:", RANGE_DURATION, "5400:");
	parses("~:2h", RANGE_DURATION, "~:7200");

	rejects("", RANGE_COUNT);
	rejects("@", RANGE_COUNT);
	rejects(":", RANGE_COUNT);
	rejects("~", RANGE_COUNT);
	rejects("abc", RANGE_COUNT);
	rejects("5m", RANGE_COUNT); /* trailing junk is not 5 */
	rejects("5 ", RANGE_COUNT);
	rejects("10:5", RANGE_COUNT);
	rejects("-5", RANGE_COUNT); /* 0:-5, start past end */
	rejects("1.5", RANGE_COUNT);
	parses("+5", RANGE_COUNT, "5"); /* as Monitoring::Plugin reads it */
	rejects("+-5", RANGE_COUNT);
	rejects("-", RANGE_COUNT);
	rejects("1:2:3", RANGE_COUNT);
	rejects("@@5", RANGE_COUNT);
	rejects("~:~", RANGE_COUNT);
	rejects("99999999999999999999", RANGE_COUNT);
	rejects("4h:1h", RANGE_DURATION);
	rejects("5x", RANGE_DURATION);
	rejects("-5:", RANGE_DURATION);

	alerts("10", -1, true);
	alerts("10", 0, false);
	alerts("10", 10, false);
	alerts("10", 11, true);
	alerts("10:", 9, true);
	alerts("10:", 10, false);
	alerts("~:10", 10, false); /* a known bug elsewhere alerts at exactly N */
	alerts("~:10", 11, true);
	alerts("~:10", -1000000, false);
	alerts("10:20", 9, true);
	alerts("10:20", 10, false);
	alerts("10:20", 20, false);
	alerts("10:20", 21, true);
	alerts("@10:20", 9, false);
	alerts("@10:20", 10, true);
	alerts("@10:20", 20, true);
	alerts("@10:20", 21, false);
	alerts("0", 0, false);
	alerts("0", 1, true);
	alerts("@1h:4h", 3599, false);
	alerts("@1h:4h", 3600, true);
	alerts("@1h:4h", 14400, true);
	alerts("@1h:4h", 14401, false);
	return tap_done();
}
