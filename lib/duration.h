/* Durations: "90", "90s", "15m", "1h30m", "2w" in, "2h14m" out. */
#ifndef CCMC_DURATION_H
#define CCMC_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * The longest duration accepted, 100 years: far past any age or time-out
 * that means something, and far from int64 overflow however it is added to
 * a clock or turned into milliseconds.
 */
#define DURATION_MAX_DAYS 36500
#define DURATION_MAX ((int64_t)DURATION_MAX_DAYS * 86400)

/* Large enough for any value duration_format() writes. */
#define DURATION_BUFLEN 32

/*
 * Parses the whole of s as a number of seconds. Returns 0, or -1 with a
 * message in err. A bare number is seconds; otherwise number-unit pairs with
 * units w, d, h, m, s, each at most once and largest first. At most
 * DURATION_MAX.
 */
int duration_parse(const char *s, int64_t *secs, char *err, size_t errlen);

/* Writes the two largest non-zero units of secs ("3d4h", "2h14m", "45s"). */
const char *duration_format(int64_t secs, char *buf, size_t len);

#endif
