/*
 * Makes a fixture folder fast: N files, PERCENT of them .und and the rest
 * .ccm, with mtimes spread over the day before NOW.
 * Usage: mkfiles [-u PERCENT] [-s BYTES] [-t NOW] DIR N
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long pct = 5, size = 0, n;
	long long now = (long long)time(NULL);
	int opt, dfd;

	while ((opt = getopt(argc, argv, "u:s:t:")) != -1) {
		switch (opt) {
		case 'u': pct = atol(optarg); break;
		case 's': size = atol(optarg); break;
		case 't': now = atoll(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 2 || pct < 0 || pct > 100) {
		fprintf(stderr, "usage: mkfiles [-u PERCENT] [-s BYTES] [-t NOW] DIR N\n");
		return 2;
	}
	n = atol(argv[optind + 1]);
	mkdir(argv[optind], 0755);
	dfd = open(argv[optind], O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		perror(argv[optind]);
		return 1;
	}
	long every = pct > 0 ? 100 / pct : 0;
	for (long i = 0; i < n; i++) {
		char name[32];
		bool und = every > 0 && i % every == 0;
		snprintf(name, sizeof(name), "M%07ld.%s", i, und ? "und" : "ccm");
		int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		struct timespec ts[2] = {{(time_t)(now - 60 - i % 86400), 0},
		                         {(time_t)(now - 60 - i % 86400), 0}};
		if (fd < 0 || (size > 0 && ftruncate(fd, size) != 0) || futimens(fd, ts) != 0) {
			perror(name);
			return 1;
		}
		close(fd);
	}
	return 0;
}
