#include "config.h"

#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Large batches cut the getdents calls on a share to a handful; the buffer is
 * the scan's only allocation, so memory does not grow with the folder.
 */
#define DENTS_BUFSZ (512 * 1024)

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && strcasecmp(name + n - k, suffix) == 0;
}

bool scan_is_und(const char *name)
{
	return has_suffix(name, ".und");
}

bool scan_is_ccm(const char *name)
{
	return has_suffix(name, ".ccm");
}

const char *scan_skip_name(enum scan_skip k)
{
	static const char *const names[] = {"symlink", "directory", "FIFO", "socket", "device"};

	return (unsigned)k < SKIP_KINDS ? names[k] : "?";
}

int64_t scan_age(int64_t mtime, int64_t now)
{
	return mtime > now ? 0 : now - mtime;
}

/* Orders the kept list so the newest kept file sits at the root (a max-heap on mtime). */
static bool newer(const struct scan_file *a, const struct scan_file *b)
{
	if (a->mtime != b->mtime)
		return a->mtime > b->mtime;
	return strcmp(a->name, b->name) > 0;
}

static void heap_sift_down(struct scan_file *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, top = i;
		if (l < n && newer(&h[l], &h[top]))
			top = l;
		if (r < n && newer(&h[r], &h[top]))
			top = r;
		if (top == i)
			return;
		struct scan_file t = h[i];
		h[i] = h[top];
		h[top] = t;
		i = top;
	}
}

static void heap_sift_up(struct scan_file *h, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!newer(&h[i], &h[parent]))
			return;
		struct scan_file t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

/* Keeps the list_max oldest files seen so far. */
static void list_offer(struct scan_file *h, size_t *n, size_t max, const char *name,
                       const struct stat *sb)
{
	struct scan_file f;

	if (max == 0)
		return;
	snprintf(f.name, sizeof(f.name), "%s", name);
	f.size = sb->st_size;
	f.mtime = sb->st_mtim.tv_sec;
	if (*n < max) {
		h[*n] = f;
		heap_sift_up(h, (*n)++);
	} else if (newer(&h[0], &f)) {
		h[0] = f;
		heap_sift_down(h, *n, 0);
	}
}

static int cmp_oldest_first(const void *a, const void *b)
{
	const struct scan_file *x = a, *y = b;

	if (newer(x, y))
		return 1;
	return newer(y, x) ? -1 : 0;
}

static int skip_kind(mode_t mode)
{
	if (S_ISLNK(mode))
		return SKIP_SYMLINK;
	if (S_ISDIR(mode))
		return SKIP_DIRECTORY;
	if (S_ISFIFO(mode))
		return SKIP_FIFO;
	if (S_ISSOCK(mode))
		return SKIP_SOCKET;
	return SKIP_DEVICE;
}

static void note_skipped(struct scan_stats *st, const char *name, mode_t mode)
{
	int k = skip_kind(mode);

	st->skipped[k]++;
	if (st->nskipped_names < SCAN_SKIP_NAMES) {
		st->skipped_kind[st->nskipped_names] = (unsigned char)k;
		snprintf(st->skipped_names[st->nskipped_names++], SCAN_NAME_MAX, "%s", name);
	}
}

static void count_und(struct scan_stats *st, const struct stat *sb)
{
	int64_t m = sb->st_mtim.tv_sec;

	if (st->und_count == 0 || m < st->und_oldest)
		st->und_oldest = m;
	if (st->und_count == 0 || m > st->und_newest)
		st->und_newest = m;
	if (sb->st_size > st->und_largest)
		st->und_largest = sb->st_size;
	st->und_bytes += sb->st_size;
	st->und_count++;
}

static void count_ccm(struct scan_stats *st, const struct stat *sb)
{
	int64_t m = sb->st_mtim.tv_sec;

	if (st->ccm_count == 0 || m < st->ccm_oldest)
		st->ccm_oldest = m;
	st->ccm_count++;
}

/* Looks at one directory entry; only names that matter are stat()ed. */
static void scan_entry(int dirfd, const struct dirent64 *d, const struct scan_opts *o,
                       struct scan_stats *st, struct scan_file *list)
{
	bool und = scan_is_und(d->d_name);
	struct stat sb;

	if (!und && !(o->backlog && scan_is_ccm(d->d_name)))
		return;
	/* d_type alone would do for the skip, but CIFS and others may answer DT_UNKNOWN. */
	if (fstatat(dirfd, d->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT) {
			st->vanished++; /* deleted since the listing: not an error */
		} else {
			st->stat_errors++;
			st->stat_errno = errno;
		}
		return;
	}
	if (!S_ISREG(sb.st_mode)) {
		if (und)
			note_skipped(st, d->d_name, sb.st_mode);
		return;
	}
	if (sb.st_mtim.tv_sec > o->now)
		st->skewed++;
	if (und) {
		count_und(st, &sb);
		list_offer(list, &st->nlist, o->list_max, d->d_name, &sb);
	} else {
		count_ccm(st, &sb);
	}
}

int und_scan(int dirfd, const struct scan_opts *o, struct scan_stats *st, struct scan_file *list)
{
	char *buf;
	ssize_t n;
	int err = 0;

	memset(st, 0, sizeof(*st));
	if (lseek(dirfd, 0, SEEK_SET) < 0)
		return errno;
	buf = malloc(DENTS_BUFSZ);
	if (buf == NULL)
		return ENOMEM;
	while ((n = getdents64(dirfd, buf, DENTS_BUFSZ)) > 0) {
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *d = (const void *)(buf + off);
			scan_entry(dirfd, d, o, st, list);
			off += d->d_reclen;
		}
	}
	if (n < 0)
		err = errno;
	free(buf);
	qsort(list, st->nlist, sizeof(*list), cmp_oldest_first);
	return err;
}
