#include "config.h"

#include "conffile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* what: "config" or "auth file"; deny: the mode bits no one else may have. */
static int trusted_open(const char *path, const char *what, mode_t deny, char *err, size_t errlen)
{
	struct stat st;
	/* O_NONBLOCK: a FIFO planted at the path must not hang the reader. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & deny) ||
	    (st.st_uid != geteuid() && st.st_uid != 0)) {
		snprintf(err, errlen,
		         "%s %s: refused: it must be a regular file owned by root or uid %u "
		         "and %s by no one else (mode %04o, owner %u)",
		         what, path, (unsigned)geteuid(),
		         (deny & S_IROTH) ? "readable by no other user, writable" : "writable",
		         (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
		close(fd);
		return -1;
	}
	return fd;
}

FILE *conffile_open(const char *path, char *err, size_t errlen)
{
	int fd = trusted_open(path, "config", S_IWGRP | S_IWOTH, err, errlen);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (fd >= 0 && !f) {
		snprintf(err, errlen, "config %s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

int secretfile_open(const char *path, char *err, size_t errlen)
{
	return trusted_open(path, "auth file", S_IWGRP | S_IWOTH | S_IROTH, err, errlen);
}
