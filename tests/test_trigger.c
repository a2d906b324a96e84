#include "config.h"

#include "tap.h"
#include "trigger.h"

static void acts(const char *s, const char *t, const char *a, long soft, bool want)
{
	struct trigger tr;
	char err[128] = "", why[128] = "", what[128];
	bool got = trigger_parse(s, t, a, &tr, err, sizeof(err)) == 0 &&
	           trigger_acts(&tr, soft, why, sizeof(why));

	snprintf(what, sizeof(what), "%s %s %s (soft-attempt %ld) %s", s, t, a, soft,
	         want ? "acts" : "does not act");
	tap_ok(got == want && (want || why[0]), what);
}

static void rejects(const char *s, const char *t, const char *a, const char *want)
{
	struct trigger tr;
	char err[128] = "", what[160];

	snprintf(what, sizeof(what), "'%s %s %s' is refused: %s", s, t, a, want);
	tap_ok(trigger_parse(s, t, a, &tr, err, sizeof(err)) == -1 && strstr(err, want), what);
}

int main(void)
{
	struct trigger tr;
	char why[128];

	acts("CRITICAL", "HARD", "1", 3, true);
	acts("CRITICAL", "HARD", "3", 3, true);
	acts("critical", "hard", "1", 3, true);
	acts("CRITICAL", "SOFT", "1", 3, false);
	acts("CRITICAL", "SOFT", "2", 3, false);
	acts("CRITICAL", "SOFT", "3", 3, true);
	acts("CRITICAL", "SOFT", "9", 3, true);
	acts("CRITICAL", "SOFT", "1", 1, true);
	acts("OK", "HARD", "1", 3, false);
	acts("OK", "SOFT", "5", 3, false);
	acts("WARNING", "HARD", "3", 3, false);
	acts("UNKNOWN", "HARD", "3", 3, false);
	rejects("CRIT", "HARD", "1", "unknown state 'CRIT'");
	rejects("DOWN", "HARD", "1", "unknown state 'DOWN'");
	rejects("CRITICAL", "FIRM", "1", "unknown state type 'FIRM'");
	rejects("CRITICAL", "HARD", "x", "attempt 'x' is not a whole number");
	rejects("CRITICAL", "HARD", "0", "attempt '0'");
	rejects("CRITICAL", "HARD", "-1", "attempt '-1'");
	rejects("CRITICAL", "HARD", "1.5", "attempt '1.5'");
	rejects("CRITICAL", "HARD", "", "attempt ''");
	rejects("CRITICAL", "HARD", " 3", "attempt ' 3'");
	rejects("CRITICAL", "HARD", "99999999999999999999", "attempt");
	trigger_parse("WARNING", "HARD", "1", &tr, why, sizeof(why));
	trigger_acts(&tr, 3, why, sizeof(why));
	tap_is_str(why, "state is WARNING, not CRITICAL", "the reason for WARNING");
	trigger_parse("CRITICAL", "SOFT", "2", &tr, why, sizeof(why));
	trigger_acts(&tr, 3, why, sizeof(why));
	tap_is_str(why, "SOFT attempt 2 is before attempt 3",
	           "the reason for an early SOFT attempt");
	return tap_done();
}
