#include "config.h"

#include "trigger.h"

#include "number.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ATTEMPT_MAX 100000

int trigger_parse(const char *state, const char *type, const char *attempt, struct trigger *t,
                  char *err, size_t errlen)
{
	if (state_parse(state, &t->state) < 0) {
		snprintf(err, errlen, "unknown state '%s' (want OK, WARNING, CRITICAL or UNKNOWN)",
		         state);
		return -1;
	}
	if (strcasecmp(type, "HARD") == 0)
		t->hard = true;
	else if (strcasecmp(type, "SOFT") == 0)
		t->hard = false;
	else {
		snprintf(err, errlen, "unknown state type '%s' (want HARD or SOFT)", type);
		return -1;
	}
	errno = 0;
	int64_t n;
	if (number_parse(attempt, strlen(attempt), 1, ATTEMPT_MAX, &n) < 0) {
		snprintf(err, errlen, "attempt '%s' is not a whole number from 1 to %d", attempt,
		         ATTEMPT_MAX);
		return -1;
	}
	t->attempt = (long)n;
	return 0;
}

bool trigger_acts(const struct trigger *t, long soft_attempt, char *why, size_t whylen)
{
	if (t->state != STATE_CRITICAL) {
		snprintf(why, whylen, "state is %s, not CRITICAL", state_name(t->state));
		return false;
	}
	if (!t->hard && t->attempt < soft_attempt) {
		snprintf(why, whylen, "SOFT attempt %ld is before attempt %ld", t->attempt,
		         soft_attempt);
		return false;
	}
	why[0] = '\0';
	return true;
}
