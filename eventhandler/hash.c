#include "config.h"

#include "hash.h"

#include "clock.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <unistd.h>

#define IO_BUF (256 * 1024)

/* Per thread: the same-fs path hashes in a second thread while the first renames. */
static _Thread_local unsigned char iobuf[IO_BUF];

void sha256_hex(const uint8_t *d, char hex[SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

int sha256_fd(int fd, char hex[SHA256_HEX], int64_t *size, int64_t until_ms)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	*size = 0;
	for (;;) {
		if (until_ms && mono_ms() >= until_ms)
			return ETIMEDOUT;
		ssize_t n = pread(fd, iobuf, sizeof(iobuf), (off_t)*size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		sha256_update(&c, (size_t)n, iobuf);
		*size += n;
	}
	sha256_digest(&c, sizeof(d), d);
	sha256_hex(d, hex);
	return 0;
}
