#include "config.h"

#include "backend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Large batches cut the getdents calls on a share to a handful; the buffer is
 * the listing's only allocation, so memory does not grow with the folder.
 */
#define DENTS_BUFSZ (512 * 1024)

static enum entry_kind kind_of_mode(mode_t mode)
{
	if (S_ISREG(mode))
		return ENTRY_FILE;
	if (S_ISLNK(mode))
		return ENTRY_SYMLINK;
	if (S_ISDIR(mode))
		return ENTRY_DIRECTORY;
	if (S_ISFIFO(mode))
		return ENTRY_FIFO;
	return S_ISSOCK(mode) ? ENTRY_SOCKET : ENTRY_DEVICE;
}

/* The kind a directory entry states, when it states one (CIFS and others may not). */
static bool kind_of_dtype(unsigned char t, enum entry_kind *k)
{
	switch (t) {
	case DT_REG: *k = ENTRY_FILE; return true;
	case DT_LNK: *k = ENTRY_SYMLINK; return true;
	case DT_DIR: *k = ENTRY_DIRECTORY; return true;
	case DT_FIFO: *k = ENTRY_FIFO; return true;
	case DT_SOCK: *k = ENTRY_SOCKET; return true;
	case DT_CHR:
	case DT_BLK: *k = ENTRY_DEVICE; return true;
	default: return false;
	}
}

static void local_entry(int dirfd, const struct dirent64 *d, const struct store_lister *l)
{
	struct store_entry e = {d->d_name, ENTRY_FILE, -1, -1};
	enum pick p = l->pick(d->d_name, l->ctx);
	struct stat sb;

	if (p == PICK_SKIP)
		return;
	if (p == PICK_KIND && kind_of_dtype(d->d_type, &e.kind)) {
		l->entry(&e, l->ctx);
		return;
	}
	/* Never through a link: a symlink named x.und is reported as one. */
	if (fstatat(dirfd, d->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
		l->lost(d->d_name, errno, l->ctx);
		return;
	}
	e.kind = kind_of_mode(sb.st_mode);
	e.size = sb.st_size;
	e.mtime = sb.st_mtim.tv_sec;
	l->entry(&e, l->ctx);
}

static int local_list(const struct store_folder *f, const struct store_lister *l)
{
	char *buf;
	ssize_t n;
	int err = 0;

	if (lseek(f->fd, 0, SEEK_SET) < 0)
		return errno;
	buf = malloc(DENTS_BUFSZ);
	if (buf == NULL)
		return ENOMEM;
	while ((n = getdents64(f->fd, buf, DENTS_BUFSZ)) > 0)
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *d = (const void *)(buf + off);
			local_entry(f->fd, d, l);
			off += d->d_reclen;
		}
	if (n < 0)
		err = errno;
	free(buf);
	return err;
}

const struct store_backend backend_local = {"local", local_list};

struct store_folder store_folder_local(int fd)
{
	struct store_folder f = {&backend_local, fd, NULL};
	return f;
}
