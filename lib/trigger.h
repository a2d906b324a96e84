/* When the event handler acts: Nagios' state, state type and attempt. */
#ifndef CCMC_TRIGGER_H
#define CCMC_TRIGGER_H

#include "state.h"

#include <stdbool.h>
#include <stddef.h>

struct trigger {
	enum state state;
	bool hard;
	long attempt;
};

/*
 * Parses $SERVICESTATE$ $SERVICESTATETYPE$ $SERVICEATTEMPT$ ("CRITICAL HARD
 * 3"; words in any case). Returns 0, or -1 with a message in err.
 */
int trigger_parse(const char *state, const char *type, const char *attempt, struct trigger *t,
                  char *err, size_t errlen);

/*
 * True when the handler should act: CRITICAL and HARD, or CRITICAL and SOFT
 * at attempt soft_attempt or later. Otherwise false, with the reason in why.
 */
bool trigger_acts(const struct trigger *t, long soft_attempt, char *why, size_t whylen);

#endif
