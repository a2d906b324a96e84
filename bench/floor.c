/*
 * The floor for a .und scan: getdents64 in 1 MiB batches and fstatat() on
 * matching names only, with nothing else around it. With -c it also stats
 * .ccm names, the work the plugin does for the backlog.
 * Usage: floor [-c] DIR...
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[1 << 20];

static int matches(const char *n, const char *sfx)
{
	size_t l = strlen(n);

	return l > 4 && strcasecmp(n + l - 4, sfx) == 0;
}

int main(int argc, char **argv)
{
	int ccm = argc > 1 && strcmp(argv[1], "-c") == 0;

	for (int a = 1 + ccm; a < argc; a++) {
		long long count = 0, bytes = 0, oldest = 0;
		ssize_t n;
		int fd = open(argv[a], O_RDONLY | O_DIRECTORY);
		if (fd < 0) {
			perror(argv[a]);
			return 1;
		}
		while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t off = 0; off < n;) {
				struct dirent64 *d = (struct dirent64 *)(buf + off);
				struct stat sb;
				off += d->d_reclen;
				if (!matches(d->d_name, ".und") &&
				    !(ccm && matches(d->d_name, ".ccm")))
					continue;
				if (fstatat(fd, d->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
				    !S_ISREG(sb.st_mode))
					continue;
				if (count == 0 || sb.st_mtime < oldest)
					oldest = sb.st_mtime;
				bytes += sb.st_size;
				count++;
			}
		}
		close(fd);
		printf("%s %lld %lld %lld\n", argv[a], count, bytes, oldest);
	}
	return 0;
}
