#include "config.h"

#include "fdio.h"

#include <errno.h>
#include <unistd.h>

int write_full(int fd, const void *p, size_t n, size_t *done)
{
	const char *b = p;
	size_t o = 0;
	int err = 0;

	while (o < n) {
		ssize_t w = write(fd, b + o, n - o);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? errno : EIO;
			break;
		}
		o += (size_t)w;
	}
	if (done)
		*done = o;
	return err;
}
