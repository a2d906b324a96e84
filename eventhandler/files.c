#include "config.h"

#include "files.h"

#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TMP_PREFIX ".ccmc-"
#define TMP_SUFFIX ".tmp"

void temp_name(char *dst, size_t len, const char *run_id, size_t seq)
{
	snprintf(dst, len, TMP_PREFIX "%s-%zu" TMP_SUFFIX, run_id, seq);
}

static bool all_of(const char *s, size_t n, const char *set)
{
	return n > 0 && strspn(s, set) >= n;
}

/* Exactly the shape temp_name makes: prefix, run id in hex, '-', digits, suffix. */
bool is_temp_name(const char *name)
{
	size_t n = strlen(name), pre = strlen(TMP_PREFIX), suf = strlen(TMP_SUFFIX);

	if (n <= pre + RUN_ID_LEN + 1 + suf || strncmp(name, TMP_PREFIX, pre) != 0 ||
	    strcmp(name + n - suf, TMP_SUFFIX) != 0)
		return false;
	const char *id = name + pre, *seq = id + RUN_ID_LEN + 1;
	return all_of(id, RUN_ID_LEN, "0123456789abcdef") && id[RUN_ID_LEN] == '-' &&
	       all_of(seq, (size_t)(name + n - suf - seq), "0123456789");
}

/* Opens a source file for reading, only if it is still a regular file. */
int source_open(const struct move_src *src, const char *name, struct stat *st)
{
	int fd = openat(src->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -ELOOP;
	}
	return fd;
}
