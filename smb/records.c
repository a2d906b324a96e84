#include "config.h"

#include "records.h"

#include "fdio.h"

#include "smbwire.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static unsigned char buf[64 * 1024];
static size_t len;
static int out_fd = STDOUT_FILENO;

void rec_init(int fd)
{
	out_fd = fd;
}

void rec_flush(void)
{
	/* Nothing can be said once the records cannot be written: the reader sees the end. */
	if (write_full(out_fd, buf, len, NULL) != 0)
		_exit(3);
	len = 0;
}

void rec_put(const void *p, size_t n)
{
	if (len + n > sizeof(buf))
		rec_flush();
	memcpy(buf + len, p, n);
	len += n;
}

void rec_text(const char *s)
{
	size_t n = strlen(s);
	uint16_t k = (uint16_t)(n > 65535 ? 65535 : n);

	rec_put(&k, sizeof(k));
	rec_put(s, k);
}

void rec_code(char type, int32_t err)
{
	rec_put(&type, 1);
	rec_put(&err, sizeof(err));
}

void rec_entry(enum entry_kind k, int64_t size, int64_t mtime, const char *name)
{
	char type = SMBWIRE_ENTRY;
	unsigned char kind = (unsigned char)k;

	rec_put(&type, 1);
	rec_put(&kind, 1);
	rec_put(&size, sizeof(size));
	rec_put(&mtime, sizeof(mtime));
	rec_text(name);
}

int64_t rec_ns(const struct timespec *t)
{
	const int64_t lim = INT64_MAX / 1000000000 - 1;

	if (t->tv_sec > lim)
		return INT64_MAX;
	if (t->tv_sec < -lim)
		return INT64_MIN;
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

void rec_attr(int32_t err, const struct stat *st)
{
	int64_t v[4] = {0, 0, 0, 0};

	if (!err && st)
		v[0] = st->st_size, v[1] = rec_ns(&st->st_mtim), v[2] = rec_ns(&st->st_ctim),
		v[3] = (int64_t)st->st_ino;
	rec_code(SMBWIRE_ATTR, err);
	rec_put(v, sizeof(v));
}

void rec_fatal(const char *msg)
{
	char type = SMBWIRE_FATAL;

	rec_put(&type, 1);
	rec_text(msg);
}
