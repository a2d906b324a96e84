/*
 * libFuzzer target for what the SMB helper's own lister reads from a
 * server: a listing buffer (smbls_entries) and an NTLMSSP challenge
 * (ntlmssp_authenticate). Beyond not crashing, every name handed on is
 * valid, NUL-terminated and never "." or "..", and an answer to a challenge
 * stays within its buffer and points only inside itself.
 */
#include "ntlm.h"
#include "smbls.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_name(void *arg, const char *name, enum entry_kind kind, int64_t size,
                       int64_t mtime)
{
	(void)arg, (void)size, (void)mtime;
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, "..") || strlen(name) > 1023 ||
	    (kind != ENTRY_FILE && kind != ENTRY_DIRECTORY && kind != ENTRY_SYMLINK))
		abort();
}

static void check_challenge(const unsigned char *data, size_t size)
{
	static const unsigned char cc[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	unsigned char out[2048];
	ssize_t n =
	    ntlmssp_authenticate("exadmin", "CORP", "Secr3t!", data, size, cc, 1, out, sizeof(out));

	if (n < 0)
		return;
	if (n < 64 || (size_t)n > sizeof(out))
		abort();
	for (size_t at = 12; at <= 52; at += 8) {
		size_t len = (size_t)(out[at] | out[at + 1] << 8);
		size_t off = (size_t)(out[at + 4] | out[at + 5] << 8 | out[at + 6] << 16);
		if (off > (size_t)n || len > (size_t)n - off)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	size_t lo, ll;
	unsigned char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	/* A copy of the exact size, so that a read past the end is caught. */
	memcpy(copy, data, size);
	if (smbls_entries(copy, size, check_name, NULL, &lo, &ll) > 0 &&
	    (lo > size || ll > size - lo))
		abort();
	check_challenge(copy, size);
	free(copy);
	return 0;
}
