#include "config.h"

#include "output.h"

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

size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, min = 0x80, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, min = 0x800, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are not text. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void ob_name(struct outbuf *o, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;

	while (*s) {
		size_t n = utf8_len(s);
		if (n == 0) {
			char hex[5];
			snprintf(hex, sizeof(hex), "\\x%02X", *s);
			ob_append(o, hex, 4);
			s++;
		} else if (n == 1 && (*s < 0x20 || *s == 0x7f || *s == '|')) {
			ob_append(o, "?", 1);
			s++;
		} else if (n == 1 && *s == '\\') {
			ob_append(o, "\\\\", 2);
			s++;
		} else {
			ob_append(o, (const char *)s, n);
			s += n;
		}
	}
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

/* Copies whole '\n'-separated items of src while they fit; returns how many did not. */
static size_t put_items(struct outbuf *o, const char *src, const char *first_sep, const char *sep,
                        size_t reserve)
{
	size_t dropped = 0;
	const char *s = first_sep;

	for (const char *p = src; *p;) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (dropped > 0 || o->len + strlen(s) + n + reserve >= o->cap) {
			dropped++;
		} else {
			ob_append(o, s, strlen(s));
			ob_append(o, p, n);
			s = sep;
		}
		p += n + (end != NULL);
	}
	return dropped;
}

size_t output_render(const char *summary, const char *perf, const char *longout, size_t cap,
                     char *dst)
{
	struct outbuf o;
	size_t slen = strlen(summary), dropped;
	/* Room kept for the closing newline and the note on dropped lines. */
	const size_t note = 64;

	ob_init(&o, dst, cap);
	if (cap < note * 2)
		return 0;
	if (slen + note > cap)
		slen = cap - note - 4;
	ob_append(&o, summary, slen);
	if (slen < strlen(summary))
		ob_append(&o, "...", 3);
	put_items(&o, perf, " | ", " ", note);
	dropped = put_items(&o, longout, "\n", "\n", note);
	if (dropped > 0)
		ob_printf(&o, "\n(%zu more lines not shown; raise --max-output)", dropped);
	ob_append(&o, "\n", 1);
	return o.len;
}
