#include "config.h"

#include "tsvfield.h"

#include "utf8.h"

#include <stdio.h>
#include <string.h>

int field_escape(const char *s, char *dst, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p) {
		size_t n = utf8_len(p);
		char tmp[5];
		const char *src = tmp;
		size_t tn;
		if (n == 1 && *p == '\\')
			src = "\\\\", tn = 2;
		else if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)))
			tn = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02X", *p), n = 1;
		else
			src = (const char *)p, tn = n;
		if (o + tn >= len)
			return -1;
		memcpy(dst + o, src, tn);
		o += tn;
		p += n;
	}
	dst[o] = '\0';
	return (int)o;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int field_unescape(const char *f, size_t n, char *dst, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = f[i];
		if (c == '\\') {
			if (i + 1 < n && f[i + 1] == '\\') {
				i++;
			} else if (i + 3 < n && f[i + 1] == 'x' && hexval(f[i + 2]) >= 0 &&
			           hexval(f[i + 3]) >= 0) {
				c = (char)(hexval(f[i + 2]) * 16 + hexval(f[i + 3]));
				i += 3;
			} else {
				return -1;
			}
		}
		if (c == '\0' || o + 1 >= len)
			return -1;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return (int)o;
}
