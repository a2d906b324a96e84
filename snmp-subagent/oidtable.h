/*
 * The MIB's instances as one sorted array, rebuilt from each snapshot, so
 * that GET is a binary search and GETNEXT the entry after it: no request
 * ever touches the file system.
 */
#ifndef CCMC_OIDTABLE_H
#define CCMC_OIDTABLE_H

#include "values.h"

#include <stddef.h>
#include <stdint.h>

#define OIDTABLE_OID_MAX 32
#define OIDTABLE_MAX (16 + 13 * STORE_MAX_FOLDERS)

/* Value kinds, as in the MIB; an age is a Gauge32 of the seconds since num, a monotonic ms
 * time, worked out when it is read, so that it grows between scans as the thing it dates ages. */
enum oid_kind { KIND_INTEGER, KIND_GAUGE, KIND_COUNTER, KIND_COUNTER64, KIND_OCTETS, KIND_AGE };

struct oid_entry {
	uint32_t name[OIDTABLE_OID_MAX];
	size_t len;
	enum oid_kind kind;
	int64_t num;
	uint64_t u64;
	char text[VALUE_TEXT];
	size_t text_len;
};

struct oid_table {
	size_t n;
	struct oid_entry e[OIDTABLE_MAX];
};

/* The value of an age entry read at monotonic time now_ms, in seconds. */
uint32_t oid_age(const struct oid_entry *e, int64_t now_ms);

/* Fills t from v under base (the MIB module's OID, or --base-oid), sorted. */
void oidtable_build(const struct agent_values *v, const uint32_t *base, size_t base_len,
                    struct oid_table *t);

/* The entry named exactly name, or NULL. */
const struct oid_entry *oidtable_get(const struct oid_table *t, const uint32_t *name, size_t len);

/* The first entry after name in OID order, or NULL past the end. */
const struct oid_entry *oidtable_next(const struct oid_table *t, const uint32_t *name, size_t len);

/* Parses "1.3.6.1.4.1..." (a leading '.' allowed). Returns the length, or 0. */
size_t oid_parse(const char *s, uint32_t *out, size_t max);

/* Writes ".1.3.6..." into dst, cut short if it does not fit. */
void oid_format(const uint32_t *oid, size_t len, char *dst, size_t dstlen);

#endif
