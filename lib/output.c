#include "config.h"

#include "output.h"

#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ob_init(struct outbuf *o, char *mem, size_t cap)
{
	o->buf = mem;
	o->cap = cap;
	o->len = 0;
	o->truncated = false;
	if (cap > 0)
		mem[0] = '\0';
}

static void ob_append(struct outbuf *o, const char *s, size_t n)
{
	if (o->cap == 0 || o->len + n >= o->cap) {
		o->truncated = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

void ob_printf(struct outbuf *o, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		o->truncated = true;
		return;
	}
	ob_append(o, tmp, (size_t)n);
}

void ob_line(struct outbuf *o)
{
	if (o->len > 0)
		ob_append(o, "\n", 1);
}

/* Code point of a valid sequence of n bytes at s. */
static unsigned code_point(const unsigned char *s, size_t n)
{
	static const unsigned char lead[] = {0x7f, 0x1f, 0x0f, 0x07};
	unsigned cp = s[0] & lead[n - 1];

	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/*
 * Characters that would let a name break the line or change how it shows:
 * C0 and C1 controls, DEL, '|' (perfdata), the line and paragraph
 * separators, and the bidirectional overrides that reorder text on screen.
 */
static bool unsafe_char(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || cp == '|' || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
	       cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t name_escape_unit(const char *name, char out[8], size_t *used)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = utf8_len(s);

	if (n == 0) {
		snprintf(out, 8, "\\x%02X", *s);
		*used = 1;
		return 4;
	}
	*used = n;
	if (unsafe_char(code_point(s, n))) {
		out[0] = '?';
		return 1;
	}
	if (n == 1 && *s == '\\') {
		memcpy(out, "\\\\", 2);
		return 2;
	}
	memcpy(out, s, n);
	return n;
}

void ob_name(struct outbuf *o, const char *name)
{
	char unit[8];
	size_t used;

	for (const char *s = name; *s; s += used) {
		size_t n = name_escape_unit(s, unit, &used);
		ob_append(o, unit, n);
	}
}

const char *name_escape(const char *name, char *dst, size_t len)
{
	char unit[8];
	size_t used, o = 0;

	if (len == 0)
		return dst;
	for (const char *s = name; *s; s += used) {
		size_t n = name_escape_unit(s, unit, &used);
		if (o + n >= len)
			break; /* whole units only: never half a character */
		memcpy(dst + o, unit, n);
		o += n;
	}
	dst[o] = '\0';
	return dst;
}

void perf_label(char *dst, size_t len, const char *label)
{
	bool quote = strpbrk(label, " '\t") != NULL;
	size_t w = 0;

	if (len < 3) {
		if (len > 0)
			dst[0] = '\0';
		return;
	}
	if (quote)
		dst[w++] = '\'';
	for (const char *p = label; *p && w + 3 < len; p++) {
		if (*p == '\'')
			dst[w++] = '\'';
		dst[w++] = *p == '=' ? '_' : *p;
	}
	if (quote)
		dst[w++] = '\'';
	dst[w] = '\0';
}

void ob_perf(struct outbuf *o, const char *label, const int64_t *value, const char *uom,
             const struct range *warn, const struct range *crit, int64_t min, int64_t max)
{
	char lab[128], v[24] = "U", w[RANGE_BUFLEN] = "", c[RANGE_BUFLEN] = "", mn[24] = "",
	               mx[24] = "";

	perf_label(lab, sizeof(lab), label);
	if (value != NULL)
		snprintf(v, sizeof(v), "%lld%s", (long long)*value, uom);
	if (warn != NULL)
		range_format(warn, w, sizeof(w));
	if (crit != NULL)
		range_format(crit, c, sizeof(c));
	if (min >= 0)
		snprintf(mn, sizeof(mn), "%lld", (long long)min);
	if (max >= 0)
		snprintf(mx, sizeof(mx), "%lld", (long long)max);
	char entry[256];
	int n = snprintf(entry, sizeof(entry), "%s=%s;%s;%s;%s;%s", lab, v, w, c, mn, mx);
	/* Trailing empty fields may be dropped, and are. */
	while (n > 0 && entry[n - 1] == ';')
		entry[--n] = '\0';
	ob_printf(o, "%s%s", o->len > 0 ? "\n" : "", entry);
}

/* The '\n'-separated item at *p: sets *item and returns its length, moving *p past it. */
static size_t next_item(const char **p, const char **item)
{
	const char *end = strchr(*p, '\n');
	size_t n = end ? (size_t)(end - *p) : strlen(*p);

	*item = *p;
	*p += n + (end != NULL);
	return n;
}

/* Copies whole items of src while they fit; returns how many did not. */
static size_t put_items(struct outbuf *o, const char *src, const char *first_sep, const char *sep,
                        size_t reserve)
{
	size_t dropped = 0;
	const char *s = first_sep, *item;

	for (const char *p = src; *p;) {
		size_t n = next_item(&p, &item);
		if (dropped > 0 || o->len + strlen(s) + n + reserve >= o->cap) {
			dropped++;
		} else {
			ob_append(o, s, strlen(s));
			ob_append(o, item, n);
			s = sep;
		}
	}
	return dropped;
}

#define PERF_ITEMS_MAX 512

static bool is_total(const char *p, size_t n)
{
	return (n > 6 && strncmp(p, "total_", 6) == 0) || (n > 7 && strncmp(p, "'total_", 7) == 0);
}

/*
 * Chooses the perfdata entries that fit in room bytes: the totals first,
 * then each folder's in order. Returns how many were left out.
 */
static size_t perf_pick(const char *perf, bool *keep, size_t room)
{
	size_t used = 0, dropped = 0;

	for (int pass = 0; pass < 2; pass++) {
		const char *item;
		size_t k = 0;
		for (const char *p = perf; *p && k < PERF_ITEMS_MAX; k++) {
			size_t n = next_item(&p, &item);
			if (is_total(item, n) == (pass == 0)) {
				keep[k] = used + n + 1 <= room;
				used += keep[k] ? n + 1 : 0;
				dropped += !keep[k];
			}
		}
	}
	return dropped;
}

/* The total size of the totals' entries, each with its separator. */
static size_t totals_len(const char *perf)
{
	const char *item;
	size_t len = 0;

	for (const char *p = perf; *p;) {
		size_t n = next_item(&p, &item);
		len += is_total(item, n) ? n + 1 : 0;
	}
	return len;
}

static void put_picked(struct outbuf *o, const char *perf, const bool *keep)
{
	const char *sep = " | ", *item;
	size_t k = 0;

	for (const char *p = perf; *p && k < PERF_ITEMS_MAX; k++) {
		size_t n = next_item(&p, &item);
		if (keep[k]) {
			ob_append(o, sep, strlen(sep));
			ob_append(o, item, n);
			sep = " ";
		}
	}
}

size_t output_render(const char *summary, const char *perf, const char *longout, size_t cap,
                     char *dst)
{
	struct outbuf o;
	bool keep[PERF_ITEMS_MAX] = {false};
	/* Room kept for the closing newline and the note on what was left out. */
	const size_t note = 96;
	size_t slen = strlen(summary), totals = totals_len(perf) + 3, dropped_perf, dropped;

	ob_init(&o, dst, cap);
	if (cap < note * 4)
		return 0;
	/* The summary may not crowd out the totals' perfdata. */
	size_t smax = cap - note - 4 - (totals < cap / 2 ? totals : 0);
	if (slen > smax) {
		slen = smax;
		while (slen > 0 && ((unsigned char)summary[slen] & 0xc0) == 0x80)
			slen--; /* never half a character */
	}
	ob_append(&o, summary, slen);
	if (slen < strlen(summary))
		ob_append(&o, "...", 3);
	dropped_perf = perf_pick(perf, keep, cap - o.len - note - 3);
	put_picked(&o, perf, keep);
	/* Long output goes before any perfdata does: none while an entry is missing. */
	dropped = put_items(&o, longout, "\n", "\n", dropped_perf > 0 ? cap : note);
	if (dropped_perf > 0)
		ob_printf(&o,
		          "\n(%zu perfdata entr%s and %zu line%s not shown; raise --max-output)",
		          dropped_perf, dropped_perf == 1 ? "y" : "ies", dropped,
		          dropped == 1 ? "" : "s");
	else if (dropped > 0)
		ob_printf(&o, "\n(%zu more line%s not shown; raise --max-output)", dropped,
		          dropped == 1 ? "" : "s");
	ob_append(&o, "\n", 1);
	return o.len;
}
