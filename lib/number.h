/*
 * The one whole-number parser of every program: option values, config
 * values, Nagios' attempt, journal times, manifest sizes and OID arcs.
 */
#ifndef CCMC_NUMBER_H
#define CCMC_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads the n bytes at s as a whole number from min to max: decimal digits
 * only, with a leading '-' only where min is below 0; no blanks, no '+', no
 * trailing text. Returns 0, or -1 for anything else, overflow included.
 */
int number_parse(const char *s, size_t n, int64_t min, int64_t max, int64_t *v);

#endif
