/* Nagios threshold ranges, "[@][start:][end]", as the Monitoring Plugins guidelines define them. */
#ifndef CCMC_RANGE_H
#define CCMC_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum range_kind {
	RANGE_COUNT,    /* endpoints are whole numbers, possibly negative */
	RANGE_DURATION, /* endpoints are durations: "30m", "1h30m", "90" */
};

struct range {
	int64_t start, end;
	bool start_inf; /* "~": minus infinity */
	bool end_inf;   /* empty end: plus infinity */
	bool inside;    /* "@": alert inside the range instead of outside */
};

/* Large enough for any range that range_format() writes. */
#define RANGE_BUFLEN 48

/* Parses all of s. Returns 0, or -1 with a message in err. */
int range_parse(const char *s, enum range_kind kind, struct range *r, char *err, size_t errlen);

/* True when v should raise an alert. Both endpoints are inclusive. */
bool range_alerts(const struct range *r, int64_t v);

/* Writes r in the guideline syntax, endpoints in base units (seconds for durations). */
const char *range_format(const struct range *r, char *buf, size_t len);

#endif
