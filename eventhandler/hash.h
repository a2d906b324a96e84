/* SHA-256 as the handler records and verifies it: lower-case hex, over a whole open file. */
#ifndef CCMC_HASH_H
#define CCMC_HASH_H

#include "manifest.h"

#include <stdint.h>

/* Writes the hex form of a SHA-256 digest (32 bytes). */
void sha256_hex(const uint8_t *digest, char hex[SHA256_HEX]);

/*
 * Hex SHA-256 of an open file from its start; size gets its length. Stops
 * at until_ms (monotonic; 0 for never): a sparse file of terabytes costs
 * nothing to make and hours to read. Returns 0, ETIMEDOUT or an errno.
 */
int sha256_fd(int fd, char hex[SHA256_HEX], int64_t *size, int64_t until_ms);

#endif
