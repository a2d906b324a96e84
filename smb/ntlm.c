#include "config.h"

#include "ntlm.h"

#include "le.h"

#include <locale.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <string.h>
#include <wctype.h>

/* One code point from UTF-8 at *s (advanced); -1 for an invalid sequence. */
static long utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	long cp;
	int more;

	if (p[0] < 0x80)
		cp = p[0], more = 0;
	else if ((p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2)
		cp = p[0] & 0x1f, more = 1;
	else if ((p[0] & 0xf0) == 0xe0)
		cp = p[0] & 0x0f, more = 2;
	else if ((p[0] & 0xf8) == 0xf0 && p[0] <= 0xf4)
		cp = p[0] & 0x07, more = 3;
	else
		return -1;
	for (int i = 1; i <= more; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((more == 2 && cp < 0x800) || (more == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*s = p + more + 1;
	return cp;
}

/*
 * Upper case as NTOWFv2 wants it, for the whole Basic Multilingual Plane
 * ("jürgen" is "JÜRGEN"), by the C.UTF-8 locale's table; -1 if it is missing.
 */
static long upper_case(long cp)
{
	static locale_t utf8;
	static bool tried;

	if (cp < 0x80)
		return cp >= 'a' && cp <= 'z' ? cp - ('a' - 'A') : cp;
	if (cp > 0xffff)
		return cp;
	if (!tried) {
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		tried = true;
	}
	if (!utf8)
		return -1;
	long u = (long)towupper_l((wint_t)cp, utf8);
	return u > 0xffff ? cp : u;
}

ssize_t utf16le_encode(const char *s, bool upper, uint8_t *dst, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p) {
		long cp = utf8_next(&p);
		if (cp < 0)
			return -1;
		if (upper && (cp = upper_case(cp)) < 0)
			return -1;
		if (cp >= 0x10000) {
			if (o + 4 > cap)
				return -1;
			cp -= 0x10000;
			put16(dst + o, (uint16_t)(0xd800 | cp >> 10));
			put16(dst + o + 2, (uint16_t)(0xdc00 | (cp & 0x3ff)));
			o += 4;
		} else {
			if (o + 2 > cap)
				return -1;
			put16(dst + o, (uint16_t)cp);
			o += 2;
		}
	}
	return (ssize_t)o;
}

static size_t utf8_put(unsigned long cp, char *d)
{
	if (cp < 0x80)
		return d[0] = (char)cp, 1;
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

ssize_t utf16le_decode(const uint8_t *src, size_t len, char *dst, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		unsigned long cp = (unsigned long)src[i] | (unsigned long)src[i + 1] << 8;
		if (cp >= 0xd800 && cp < 0xdc00 && i + 3 < len) {
			unsigned long lo = (unsigned long)src[i + 2] | (unsigned long)src[i + 3]
			                                                   << 8;
			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			}
		}
		if (o + 5 > cap)
			return -1;
		o += utf8_put(cp, dst + o);
	}
	if (o >= cap)
		return -1;
	dst[o] = '\0';
	return (ssize_t)o;
}

int ntlm_owf_v2(const char *user, const char *domain, const char *password,
                uint8_t key[NTLM_HASH_LEN])
{
	uint8_t buf[1024], nt[MD4_DIGEST_SIZE];
	struct md4_ctx md4;
	struct hmac_md5_ctx h;
	ssize_t n = utf16le_encode(password, false, buf, sizeof(buf));

	if (n < 0)
		return -1;
	md4_init(&md4);
	md4_update(&md4, (size_t)n, buf);
	md4_digest(&md4, sizeof(nt), nt);
	hmac_md5_set_key(&h, sizeof(nt), nt);
	n = utf16le_encode(user, true, buf, sizeof(buf));
	if (n < 0)
		return -1;
	hmac_md5_update(&h, (size_t)n, buf);
	n = utf16le_encode(domain, false, buf, sizeof(buf));
	if (n < 0)
		return -1;
	hmac_md5_update(&h, (size_t)n, buf);
	hmac_md5_digest(&h, NTLM_HASH_LEN, key);
	memset(buf, 0, sizeof(buf));
	memset(nt, 0, sizeof(nt));
	memset(&h, 0, sizeof(h));
	return 0;
}

ssize_t ntlm_v2_response(const uint8_t key[NTLM_HASH_LEN], const uint8_t challenge[8],
                         const uint8_t client_challenge[8], uint64_t filetime,
                         const uint8_t *av_pairs, size_t av_len, uint8_t *dst, size_t cap)
{
	size_t blob = 28 + av_len + 4;
	struct hmac_md5_ctx h;

	if (cap < NTLM_HASH_LEN || cap - NTLM_HASH_LEN < blob || av_len > cap)
		return -1;
	uint8_t *b = dst + NTLM_HASH_LEN;
	memset(b, 0, blob);
	b[0] = b[1] = 1;
	for (int i = 0; i < 8; i++)
		b[8 + i] = (uint8_t)(filetime >> (8 * i));
	memcpy(b + 16, client_challenge, 8);
	memcpy(b + 28, av_pairs, av_len);
	hmac_md5_set_key(&h, NTLM_HASH_LEN, key);
	hmac_md5_update(&h, 8, challenge);
	hmac_md5_update(&h, blob, b);
	hmac_md5_digest(&h, NTLM_HASH_LEN, dst);
	return (ssize_t)(NTLM_HASH_LEN + blob);
}

void ntlm_lmv2_response(const uint8_t key[NTLM_HASH_LEN], const uint8_t challenge[8],
                        const uint8_t client_challenge[8], uint8_t dst[NTLM_LMV2_LEN])
{
	struct hmac_md5_ctx h;

	hmac_md5_set_key(&h, NTLM_HASH_LEN, key);
	hmac_md5_update(&h, 8, challenge);
	hmac_md5_update(&h, 8, client_challenge);
	hmac_md5_digest(&h, NTLM_HASH_LEN, dst);
	memcpy(dst + NTLM_HASH_LEN, client_challenge, 8);
}

/* Unicode, NTLM, target information, 128-bit; no signing, sealing, key exchange or version. */
#define NTLMSSP_FLAGS 0xa0888205u

size_t ntlmssp_negotiate(uint8_t b[NTLMSSP_NEGOTIATE_LEN])
{
	memset(b, 0, NTLMSSP_NEGOTIATE_LEN);
	memcpy(b, "NTLMSSP", 8);
	put32(b + 8, 1);
	put32(b + 12, NTLMSSP_FLAGS);
	return NTLMSSP_NEGOTIATE_LEN;
}

static void put_field(uint8_t *msg, size_t at, size_t off, size_t len)
{
	put16(msg + at, (uint16_t)len);
	put16(msg + at + 2, (uint16_t)len);
	put32(msg + at + 4, (uint32_t)off);
}

/* Appends UTF-8 text as UTF-16LE at msg[*o]; its field goes at msg[at]. */
static int put_text16(uint8_t *msg, size_t cap, size_t at, size_t *o, const char *text)
{
	ssize_t n = utf16le_encode(text, false, msg + *o, cap - *o);

	if (n < 0)
		return -1;
	put_field(msg, at, *o, (size_t)n);
	*o += (size_t)n;
	return 0;
}

/* The server's time from its AV pairs (MsvAvTimestamp), or 0. */
static uint64_t av_time(const uint8_t *av, size_t len)
{
	for (size_t o = 0; len - o >= 4;) {
		uint16_t id = get16(av + o), n = get16(av + o + 2);
		if (id == 0 || n > len - o - 4)
			break;
		if (id == 7 && n == 8)
			return get64(av + o + 4);
		o += 4 + (size_t)n;
	}
	return 0;
}

ssize_t ntlmssp_authenticate(const char *user, const char *domain, const char *password,
                             const uint8_t *ch, size_t chlen, const uint8_t client_challenge[8],
                             uint64_t filetime, uint8_t *b, size_t cap)
{
	uint8_t key[NTLM_HASH_LEN];
	size_t o = 64;

	if (chlen < 48 || memcmp(ch, "NTLMSSP", 8) || get32(ch + 8) != 2 || cap < o + NTLM_LMV2_LEN)
		return -1;
	size_t tlen = get16(ch + 40), toff = get32(ch + 44);
	if (toff > chlen || tlen > chlen - toff)
		return -1;
	if (ntlm_owf_v2(user, domain, password, key) < 0)
		return -1;
	uint64_t server_time = av_time(ch + toff, tlen);
	memset(b, 0, o);
	memcpy(b, "NTLMSSP", 8);
	put32(b + 8, 3);
	/* With the server's time in the blob, the LM response is left empty, as MS-NLMP says. */
	if (server_time)
		memset(b + o, 0, NTLM_LMV2_LEN);
	else
		ntlm_lmv2_response(key, ch + 24, client_challenge, b + o);
	put_field(b, 12, o, NTLM_LMV2_LEN);
	o += NTLM_LMV2_LEN;
	ssize_t n =
	    ntlm_v2_response(key, ch + 24, client_challenge, server_time ? server_time : filetime,
	                     ch + toff, tlen, b + o, cap - o);
	memset(key, 0, sizeof(key));
	if (n < 0)
		return -1;
	put_field(b, 20, o, (size_t)n);
	o += (size_t)n;
	if (put_text16(b, cap, 28, &o, domain) < 0 || put_text16(b, cap, 36, &o, user) < 0 ||
	    put_text16(b, cap, 44, &o, "") < 0 || o > 65535)
		return -1;
	put_field(b, 52, o, 0);
	put32(b + 60, NTLMSSP_FLAGS & get32(ch + 20));
	return (ssize_t)o;
}
