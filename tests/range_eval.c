/*
 * Reads "RANGE VALUE" lines and prints, per line, "alert", "ok" or "error",
 * so the C ranges can be compared with Monitoring::Plugin::Range.
 */
#include "config.h"

#include "range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char line[256];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		char rs[128], err[128];
		long long v;
		struct range r;
		if (sscanf(line, "%127s %lld", rs, &v) != 2) {
			fprintf(stderr, "range_eval: bad line: %s", line);
			return 2;
		}
		if (range_parse(rs, RANGE_COUNT, &r, err, sizeof(err)) != 0)
			puts("error");
		else
			puts(range_alerts(&r, v) ? "alert" : "ok");
	}
	return 0;
}
