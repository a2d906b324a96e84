/*
 * The SMB helper's own lister, without a server: NTLMv2 against the test
 * vectors of MS-NLMP 4.2.4, the UTF-16 conversions, the protocol names, and
 * the walk of a listing buffer, malformed ones included.
 */
#include "config.h"

#include "ntlm.h"
#include "smbls.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static void hex(const uint8_t *p, size_t n, char *dst)
{
	for (size_t i = 0; i < n; i++)
		sprintf(dst + 2 * i, "%02x", p[i]);
	dst[2 * n] = '\0';
}

/* MS-NLMP 4.2.4: user "User", domain "Domain", password "Password". */
static const uint8_t server_challenge[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
static const uint8_t client_challenge[8] = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};
static const uint8_t av_pairs[] = {2,   0, 12,  0, 'D', 0, 'o', 0, 'm', 0, 'a', 0,
                                   'i', 0, 'n', 0, 1,   0, 12,  0, 'S', 0, 'e', 0,
                                   'r', 0, 'v', 0, 'e', 0, 'r', 0, 0,   0, 0,   0};

static void test_ntlm(void)
{
	uint8_t key[16], lm[24], resp[256];
	char h[600];

	tap_ok(ntlm_owf_v2("User", "Domain", "Password", key) == 0, "NTOWFv2: computed");
	hex(key, 16, h);
	tap_is_str(h, "0c868a403bfd7a93a3001ef22ef02e3f", "NTOWFv2: MS-NLMP 4.2.4.1.1");
	ntlm_owf_v2("user", "Domain", "Password", key);
	hex(key, 16, h);
	tap_is_str(h, "0c868a403bfd7a93a3001ef22ef02e3f", "NTOWFv2: the user name in any case");
	ntlm_lmv2_response(key, server_challenge, client_challenge, lm);
	hex(lm, 24, h);
	tap_is_str(h, "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa",
	           "LMv2: MS-NLMP 4.2.4.2.1");
	ssize_t n = ntlm_v2_response(key, server_challenge, client_challenge, 0, av_pairs,
	                             sizeof(av_pairs), resp, sizeof(resp));
	tap_is_int(n, 16 + 28 + (int64_t)sizeof(av_pairs) + 4, "NTLMv2: NTProofStr and the blob");
	hex(resp, 16, h);
	tap_is_str(h, "68cd0ab851e51c96aabc927bebef6a1c",
	           "NTLMv2: NTProofStr of MS-NLMP 4.2.4.2.2");
	tap_is_int(ntlm_v2_response(key, server_challenge, client_challenge, 0, av_pairs,
	                            sizeof(av_pairs), resp, 60),
	           -1, "NTLMv2: no room is an error, not an overflow");
	tap_is_int(ntlm_owf_v2("Us\xff", "Domain", "Password", key), -1,
	           "NTOWFv2: a user name that is not UTF-8 is refused");
}

/* A challenge message holding av, as a server sends it. */
static size_t challenge_msg(uint8_t *m, const uint8_t *av, size_t avlen)
{
	memset(m, 0, 48);
	memcpy(m, "NTLMSSP", 8);
	m[8] = 2;
	memcpy(m + 24, server_challenge, 8);
	m[40] = m[42] = (uint8_t)avlen;
	m[44] = 48;
	memcpy(m + 48, av, avlen);
	return 48 + avlen;
}

static void test_ntlmssp(void)
{
	uint8_t ch[128], out[1024], key[16], want[256];
	size_t chlen = challenge_msg(ch, av_pairs, sizeof(av_pairs));

	tap_is_int(ntlmssp_negotiate(out), NTLMSSP_NEGOTIATE_LEN, "NTLMSSP negotiate: 32 bytes");
	tap_ok(memcmp(out, "NTLMSSP\0\1\0\0\0", 12) == 0, "NTLMSSP negotiate: signature, type 1");
	ssize_t n = ntlmssp_authenticate("User", "Domain", "Password", ch, chlen, client_challenge,
	                                 0, out, sizeof(out));
	tap_ok(n > 64, "NTLMSSP authenticate: made");
	ntlm_owf_v2("User", "Domain", "Password", key);
	ssize_t w = ntlm_v2_response(key, server_challenge, client_challenge, 0, av_pairs,
	                             sizeof(av_pairs), want, sizeof(want));
	size_t nt_len = (size_t)(out[20] | out[21] << 8), nt_off = (size_t)(out[24] | out[25] << 8);
	tap_ok(n > 0 && nt_len == (size_t)w && nt_off + nt_len <= (size_t)n &&
	           memcmp(out + nt_off, want, nt_len) == 0,
	       "NTLMSSP authenticate: its NTLMv2 response is the vector's, over the server's AV "
	       "pairs");
	ch[40] = 200; /* target information past the end of the message */
	tap_is_int(ntlmssp_authenticate("User", "Domain", "Password", ch, chlen, client_challenge,
	                                0, out, sizeof(out)),
	           -1, "NTLMSSP: target information out of the message is refused");
	tap_is_int(ntlmssp_authenticate("User", "Domain", "Password", ch, 40, client_challenge, 0,
	                                out, sizeof(out)),
	           -1, "NTLMSSP: a short challenge is refused");
}

static void test_utf16(void)
{
	uint8_t b[64];
	char s[64];

	ssize_t n = utf16le_encode("Zo\xc3\xab\xf0\x9f\x98\x80", false, b, sizeof(b));
	tap_is_int(n, 10, "UTF-16: a letter with a diaeresis and an emoji (a surrogate pair)");
	tap_is_int(utf16le_decode(b, (size_t)n, s, sizeof(s)), 8,
	           "UTF-16: back to 8 bytes of UTF-8");
	tap_is_str(s, "Zo\xc3\xab\xf0\x9f\x98\x80", "UTF-16: the same text back");
	utf16le_encode("import", true, b, sizeof(b));
	utf16le_decode(b, 12, s, sizeof(s));
	tap_is_str(s, "IMPORT", "UTF-16: upper-cased for NTOWFv2");
	n = utf16le_encode("j\xc3\xbcrgen", true, b, sizeof(b));
	utf16le_decode(b, (size_t)n, s, sizeof(s));
	tap_is_str(s, "J\xc3\x9cRGEN",
	           "UTF-16: a user name's non-ASCII letters are upper-cased too");
	tap_is_int(utf16le_encode("a\xc0\xafz", false, b, sizeof(b)), -1,
	           "UTF-16: an overlong UTF-8 sequence is refused");
	const uint8_t lone[] = {'a', 0, 0x00, 0xd8, 'b', 0};
	utf16le_decode(lone, sizeof(lone), s, sizeof(s));
	tap_is_str(s,
	           "a\xed\xa0\x80"
	           "b",
	           "UTF-16: a lone surrogate keeps one spelling, its three-byte form");
	tap_is_int(utf16le_decode(b, 12, s, 6), -1, "UTF-16: no room is an error");
}

static void test_protocols(void)
{
	enum smb_dialect lo, hi;

	tap_ok(smbls_protocols(NULL, NULL, &lo, &hi) == 0 && lo == SMB_2_02 && hi == SMB_3_11,
	       "protocols: libsmbclient's defaults, SMB2_02 to SMB3_11");
	tap_ok(smbls_protocols("NT1", "NT1", &lo, &hi) == 0 && lo == SMB_NT1 && hi == SMB_NT1,
	       "protocols: NT1");
	tap_ok(smbls_protocols("NT1", "SMB3", &lo, &hi) == 0 && lo == SMB_NT1 && hi == SMB_3_11,
	       "protocols: NT1:SMB3");
	tap_ok(smbls_protocols("SMB3", "SMB3", &lo, &hi) == 0 && lo == SMB_3_00 && hi == SMB_3_11,
	       "protocols: SMB3 is 3.00 to 3.11");
	tap_is_int(smbls_protocols("SMB9", NULL, &lo, &hi), -1, "protocols: an unknown name");
	tap_is_int(smbls_protocols("SMB3", "NT1", &lo, &hi), -1, "protocols: newest first");
}

struct seen {
	char names[8][64];
	int kinds[8];
	int64_t sizes[8], mtimes[8];
	int n;
};

static void collect(void *arg, const char *name, enum entry_kind kind, int64_t size, int64_t mtime)
{
	struct seen *s = arg;

	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
		s->kinds[s->n] = kind;
		s->sizes[s->n] = size;
		s->mtimes[s->n] = mtime;
	}
	s->n++;
}

static void le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One FileDirectoryInformation entry at b; returns its aligned length. */
static size_t entry(uint8_t *b, const char *name, uint32_t attrs, uint64_t size, uint64_t wtime,
                    bool last, bool nul)
{
	size_t n = strlen(name) * 2 + (nul ? 2 : 0), len = (64 + n + 7) & ~(size_t)7;

	memset(b, 0, len);
	le(b + 24, wtime, 8);
	le(b + 40, size, 8);
	le(b + 56, attrs, 4);
	le(b + 60, n, 4);
	for (size_t i = 0; name[i]; i++)
		b[64 + 2 * i] = (uint8_t)name[i];
	le(b, last ? 0 : len, 4);
	return len;
}

static void test_entries(void)
{
	uint8_t b[1024];
	size_t o = 0, lo, ll;
	struct seen s = {0};
	const uint64_t y2020 = UINT64_C(132223104000000000); /* 2020-01-01 00:00:00 UTC */

	o += entry(b + o, ".", 0x10, 0, y2020, false, false);
	o += entry(b + o, "a.und", 0x20, 5, y2020 + 9999999, false, true);
	o += entry(b + o, "x.und", 0x10, 0, 0, false, false);
	o += entry(b + o, "l.und", 0x400, 0, y2020, true, false);
	tap_is_int(smbls_entries(b, o, collect, &s, &lo, &ll), 4, "entries: four in the buffer");
	tap_is_int(s.n, 3, "entries: '.' is not passed on");
	tap_is_str(s.names[0], "a.und", "entries: the name, its NUL dropped");
	tap_ok(s.kinds[0] == ENTRY_FILE && s.sizes[0] == 5 && s.mtimes[0] == 1577836800,
	       "entries: a file's kind, size, and write time in seconds (rounded down)");
	tap_ok(s.kinds[1] == ENTRY_DIRECTORY && s.mtimes[1] == 0,
	       "entries: a folder named x.und is a folder; no time is 0");
	tap_ok(s.kinds[2] == ENTRY_SYMLINK, "entries: a reparse point is a link");
	tap_ok(ll == 10, "entries: the last name is known, for FIND_NEXT2");

	uint8_t bad[256];
	size_t n = entry(bad, "a.und", 0x20, 1, y2020, true, false);
	le(bad + 60, 4000, 4);
	tap_is_int(smbls_entries(bad, n, collect, &s, &lo, &ll), -1,
	           "entries: a name longer than the buffer is refused");
	n = entry(bad, "a.und", 0x20, 1, y2020, false, false);
	le(bad, 8, 4);
	tap_is_int(smbls_entries(bad, n, collect, &s, &lo, &ll), -1,
	           "entries: a next entry inside this one is refused (no loop)");
	le(bad, 4096, 4);
	tap_is_int(smbls_entries(bad, n, collect, &s, &lo, &ll), -1,
	           "entries: a next entry past the buffer is refused");
	tap_is_int(smbls_entries(bad, 40, collect, &s, &lo, &ll), -1,
	           "entries: a truncated entry is refused");
	tap_is_int(smbls_entries(bad, 0, collect, &s, &lo, &ll), 0, "entries: an empty buffer");
}

int main(void)
{
	test_ntlm();
	test_ntlmssp();
	test_utf16();
	test_protocols();
	test_entries();
	return tap_done();
}
