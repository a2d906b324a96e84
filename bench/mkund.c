/*
 * Makes N .und files of 1 to 64 KiB with varied bytes, the same set for the
 * same seed, for the handler's benchmark. Usage: mkund DIR N SEED
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(int argc, char **argv)
{
	static uint64_t buf[64 * 1024 / 8];
	uint64_t seed;
	long n;

	if (argc != 4 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: mkund DIR N SEED\n");
		return 2;
	}
	seed = strtoull(argv[3], NULL, 10) | 1; /* xorshift needs a seed other than 0 */
	if (mkdir(argv[1], 0755) < 0 && access(argv[1], W_OK) < 0) {
		perror(argv[1]);
		return 1;
	}
	for (long i = 0; i < n; i++) {
		char path[4096];
		size_t size = 1024 + next(&seed) % (63 * 1024 + 1);
		for (size_t k = 0; k < size / 8 + 1; k++)
			buf[k] = next(&seed);
		snprintf(path, sizeof(path), "%s/Msg%05ld.und", argv[1], i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, size) != (ssize_t)size || close(fd) < 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
