#include "config.h"

#include "conffile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *conffile_open(const char *path, char *err, size_t errlen)
{
	struct stat st;
	/* O_NONBLOCK: a FIFO planted at the path must not hang the reader. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	FILE *f;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "config %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 022) ||
	    (st.st_uid != geteuid() && st.st_uid != 0)) {
		snprintf(err, errlen,
		         "config %s: refused: it must be a regular file owned by root or uid %u "
		         "and writable by no one else",
		         path, (unsigned)geteuid());
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		snprintf(err, errlen, "config %s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}
