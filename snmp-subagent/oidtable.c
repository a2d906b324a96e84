#include "config.h"

#include "oidtable.h"

#include "mib.h"
#include "number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Compares two OIDs as SNMP orders them. */
static int oid_compare(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

size_t oid_parse(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0;

	if (*s == '.')
		s++;
	while (*s) {
		const char *end = strchr(s, '.');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		int64_t v;
		if (n == max || number_parse(s, len, 0, UINT32_MAX, &v) < 0 || (end && !end[1]))
			return 0;
		out[n++] = (uint32_t)v;
		s += len + (end != NULL);
	}
	return n;
}

void oid_format(const uint32_t *oid, size_t len, char *dst, size_t dstlen)
{
	size_t o = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < len && o < dstlen; i++) {
		int n = snprintf(dst + o, dstlen - o, ".%lu", (unsigned long)oid[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

/* Appends an entry named base.a.b.c.d. */
static struct oid_entry *add(struct oid_table *t, const uint32_t *base, size_t bl, uint32_t a,
                             uint32_t b, uint32_t c, uint32_t d, enum oid_kind kind)
{
	struct oid_entry *e = &t->e[t->n++];
	uint32_t tail[4] = {a, b, c, d};

	memset(e, 0, sizeof(*e));
	memcpy(e->name, base, bl * sizeof(*base));
	memcpy(e->name + bl, tail, sizeof(tail));
	e->len = bl + 4;
	e->kind = kind;
	return e;
}

static void set_text(struct oid_entry *e, const char *s)
{
	e->text_len = strlen(s) < sizeof(e->text) ? strlen(s) : sizeof(e->text) - 1;
	memcpy(e->text, s, e->text_len);
}

/* DateAndTime in UTC: eight octets, all zero before the first scan. */
static void set_date(struct oid_entry *e, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	e->text_len = 8;
	memset(e->text, 0, 8);
	if (t <= 0 || !gmtime_r(&tt, &tm))
		return;
	int year = tm.tm_year + 1900;
	unsigned char d[8] = {(unsigned char)(year >> 8),     (unsigned char)year,
	                      (unsigned char)(tm.tm_mon + 1), (unsigned char)tm.tm_mday,
	                      (unsigned char)tm.tm_hour,      (unsigned char)tm.tm_min,
	                      (unsigned char)tm.tm_sec,       0};
	memcpy(e->text, d, 8);
}

/* ccmcUndScalars.N.0 */
static struct oid_entry *scalar(struct oid_table *t, const uint32_t *base, size_t bl, uint32_t n,
                                enum oid_kind kind)
{
	return add(t, base, bl, MIB_OBJECTS, MIB_SCALARS, n, 0, kind);
}

/* SNMPv2-TC's TruthValue. */
static int64_t truth(bool b)
{
	return b ? 1 : 2;
}

static void scalars(const struct agent_values *v, const uint32_t *b, size_t bl, struct oid_table *t)
{
	scalar(t, b, bl, MIB_STATE, KIND_INTEGER)->num = v->state;
	scalar(t, b, bl, MIB_TOTAL_COUNT, KIND_GAUGE)->num = v->total_count;
	scalar(t, b, bl, MIB_OLDEST_AGE, KIND_GAUGE)->num = v->oldest_age;
	set_date(scalar(t, b, bl, MIB_LAST_SCAN_TIME, KIND_OCTETS), v->scan_started);
	scalar(t, b, bl, MIB_SCAN_DURATION, KIND_GAUGE)->num = v->scan_ms;
	scalar(t, b, bl, MIB_SCAN_ERRORS, KIND_COUNTER)->num = v->scan_errors;
	for (uint32_t i = 0; i < 8; i++)
		set_text(scalar(t, b, bl, MIB_WARNING + i, KIND_OCTETS), v->thresholds[i]);
	scalar(t, b, bl, MIB_LAST_GOOD_SCAN_AGE, KIND_AGE)->num = v->good_ms;
	scalar(t, b, bl, MIB_COUNTS_STALE, KIND_INTEGER)->num = truth(v->stale);
}

uint32_t oid_age(const struct oid_entry *e, int64_t now_ms)
{
	int64_t s = (now_ms - e->num) / 1000;

	return s < 0 ? 0 : s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* One column of the folder table, for every row: column-major, as SNMP orders them. */
static void column(const struct agent_values *v, const uint32_t *b, size_t bl, uint32_t col,
                   struct oid_table *t)
{
	for (size_t i = 0; i < v->nfolders; i++) {
		const struct folder_values *f = &v->f[i];
		uint32_t row = (uint32_t)i + 1;
		static const enum oid_kind kinds[MIB_COL_LAST + 1] = {0,
		                                                      0,
		                                                      KIND_OCTETS,
		                                                      KIND_OCTETS,
		                                                      KIND_GAUGE,
		                                                      KIND_GAUGE,
		                                                      KIND_GAUGE,
		                                                      KIND_COUNTER64,
		                                                      KIND_GAUGE,
		                                                      KIND_GAUGE,
		                                                      KIND_INTEGER,
		                                                      KIND_INTEGER,
		                                                      KIND_OCTETS,
		                                                      KIND_INTEGER,
		                                                      KIND_AGE};
		struct oid_entry *e =
		    add(t, b, bl, MIB_OBJECTS, MIB_FOLDER_TABLE, MIB_FOLDER_ENTRY, col, kinds[col]);
		e->name[e->len++] = row;
		switch (col) {
		case MIB_COL_NAME: set_text(e, f->name); break;
		case MIB_COL_PATH: set_text(e, f->path); break;
		case MIB_COL_COUNT: e->num = f->count; break;
		case MIB_COL_OLDEST_AGE: e->num = f->oldest_age; break;
		case MIB_COL_NEWEST_AGE: e->num = f->newest_age; break;
		case MIB_COL_BYTES: e->u64 = f->bytes; break;
		case MIB_COL_BACKLOG_COUNT: e->num = f->backlog_count; break;
		case MIB_COL_BACKLOG_OLDEST_AGE: e->num = f->backlog_oldest_age; break;
		case MIB_COL_STATE: e->num = f->state; break;
		case MIB_COL_ERROR_FLAG: e->num = f->error; break;
		case MIB_COL_ERROR_MESSAGE: set_text(e, f->message); break;
		case MIB_COL_STALE: e->num = truth(f->stale); break;
		default: e->num = f->read_ms; break;
		}
	}
}

void oidtable_build(const struct agent_values *v, const uint32_t *base, size_t base_len,
                    struct oid_table *t)
{
	t->n = 0;
	/* Built in OID order: scalars (.1.1.N.0), then the table column by column. */
	scalars(v, base, base_len, t);
	for (uint32_t col = MIB_COL_NAME; col <= MIB_COL_LAST; col++)
		column(v, base, base_len, col, t);
}

static size_t lower_bound(const struct oid_table *t, const uint32_t *name, size_t len)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (oid_compare(t->e[mid].name, t->e[mid].len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct oid_entry *oidtable_get(const struct oid_table *t, const uint32_t *name, size_t len)
{
	size_t i = lower_bound(t, name, len);

	return i < t->n && oid_compare(t->e[i].name, t->e[i].len, name, len) == 0 ? &t->e[i] : NULL;
}

const struct oid_entry *oidtable_next(const struct oid_table *t, const uint32_t *name, size_t len)
{
	size_t i = lower_bound(t, name, len);

	if (i < t->n && oid_compare(t->e[i].name, t->e[i].len, name, len) == 0)
		i++;
	return i < t->n ? &t->e[i] : NULL;
}
