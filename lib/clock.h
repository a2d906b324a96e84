/* The one monotonic clock of every program: for time-outs and durations, never for dates. */
#ifndef CCMC_CLOCK_H
#define CCMC_CLOCK_H

#include <stdint.h>

/* Microseconds on CLOCK_MONOTONIC. */
int64_t mono_us(void);

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t mono_ms(void);

#endif
