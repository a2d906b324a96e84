/*
 * NTLMv2, the challenge-response logon that NT4 (from SP4), Windows 2000
 * and Samba all take, for the SMB helper's own lister (smb/smbls). Pure:
 * no I/O; the caller gives the time and the client challenge.
 */
#ifndef CCMC_NTLM_H
#define CCMC_NTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NTLM_HASH_LEN 16
#define NTLM_LMV2_LEN 24

/*
 * UTF-8 into UTF-16LE, upper-cased (as Windows does, in the BMP) when upper is set.
 * Returns the bytes written, or -1 for invalid UTF-8 or no room.
 */
ssize_t utf16le_encode(const char *s, bool upper, uint8_t *dst, size_t cap);

/*
 * UTF-16LE into UTF-8, NUL-terminated. A lone surrogate is written as its
 * three-byte form, so that every name the server gives has one spelling.
 * Returns the length, or -1 when it does not fit.
 */
ssize_t utf16le_decode(const uint8_t *src, size_t len, char *dst, size_t cap);

/* NTOWFv2: the key of user in domain. Returns 0, or -1 for a name that is not UTF-8. */
int ntlm_owf_v2(const char *user, const char *domain, const char *password,
                uint8_t key[NTLM_HASH_LEN]);

/*
 * The NTLMv2 response to challenge: NTProofStr and then the blob (the time
 * in 100 ns since 1601, the client challenge, and the server's AV pairs).
 * Returns its length, or -1 when it does not fit in cap.
 */
ssize_t ntlm_v2_response(const uint8_t key[NTLM_HASH_LEN], const uint8_t challenge[8],
                         const uint8_t client_challenge[8], uint64_t filetime,
                         const uint8_t *av_pairs, size_t av_len, uint8_t *dst, size_t cap);

/* The LMv2 response: 16 bytes of HMAC and the client challenge. */
void ntlm_lmv2_response(const uint8_t key[NTLM_HASH_LEN], const uint8_t challenge[8],
                        const uint8_t client_challenge[8], uint8_t dst[NTLM_LMV2_LEN]);

#define NTLMSSP_NEGOTIATE_LEN 32

/* NTLMSSP's first message, asking for NTLMv2 with no signing or sealing. */
size_t ntlmssp_negotiate(uint8_t b[NTLMSSP_NEGOTIATE_LEN]);

/*
 * NTLMSSP's third message, answering the server's challenge message ch of
 * chlen bytes (bounds-checked: it comes from the network), into b. The blob
 * carries the server's AV pairs, and its time when it gave one, else
 * filetime. Returns the length, or -1 for a malformed challenge or no room.
 */
ssize_t ntlmssp_authenticate(const char *user, const char *domain, const char *password,
                             const uint8_t *ch, size_t chlen, const uint8_t client_challenge[8],
                             uint64_t filetime, uint8_t *b, size_t cap);

#endif
