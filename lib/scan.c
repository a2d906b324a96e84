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

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && strcasecmp(name + n - k, suffix) == 0;
}

/*
 * Keeps name in dst, cut where a character begins when it is longer (an SMB
 * name may hold 765 bytes), so that the kept part is still text.
 */
static void name_keep(char *dst, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, name, n);
	dst[n] = '\0';
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
static void list_offer(struct scan_file *h, size_t *n, size_t max, const struct store_entry *e)
{
	struct scan_file f;

	if (max == 0)
		return;
	name_keep(f.name, sizeof(f.name), e->name);
	f.size = e->size;
	f.mtime = e->mtime;
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

/* The skip kinds follow the entry kinds after ENTRY_FILE. */
_Static_assert(ENTRY_SYMLINK - 1 == SKIP_SYMLINK && ENTRY_DEVICE - 1 == SKIP_DEVICE,
               "enum scan_skip follows enum entry_kind");

static int skip_kind(enum entry_kind k)
{
	return (int)k - 1;
}

static void note_skipped(struct scan_stats *st, const char *name, enum entry_kind kind)
{
	int k = skip_kind(kind);

	st->skipped[k]++;
	if (st->nskipped_names < SCAN_SKIP_NAMES) {
		st->skipped_kind[st->nskipped_names] = (unsigned char)k;
		name_keep(st->skipped_names[st->nskipped_names++], SCAN_NAME_MAX, name);
	}
}

static void count_und(struct scan_stats *st, const struct store_entry *e)
{
	int64_t m = e->mtime;

	if (st->und_count == 0 || m < st->und_oldest)
		st->und_oldest = m;
	if (st->und_count == 0 || m > st->und_newest)
		st->und_newest = m;
	if (e->size > st->und_largest)
		st->und_largest = e->size;
	st->und_bytes += e->size;
	st->und_count++;
}

static void count_ccm(struct scan_stats *st, const struct store_entry *e)
{
	int64_t m = e->mtime;

	if (st->ccm_count == 0 || m < st->ccm_oldest)
		st->ccm_oldest = m;
	st->ccm_count++;
}

struct scan {
	const struct scan_opts *o;
	struct scan_stats *st;
	struct scan_file *list;
};

/* Only names that matter are looked at: .und files, and .ccm messages for the backlog. */
static enum pick scan_pick(const char *name, void *ctx)
{
	const struct scan *sc = ctx;

	return scan_is_und(name) || (sc->o->backlog && scan_is_ccm(name)) ? PICK_STAT : PICK_SKIP;
}

static void scan_one(const struct store_entry *e, void *ctx)
{
	struct scan *sc = ctx;
	bool und = scan_is_und(e->name);

	if (e->kind != ENTRY_FILE) {
		if (und)
			note_skipped(sc->st, e->name, e->kind);
		return;
	}
	if (e->mtime > sc->o->now)
		sc->st->skewed++;
	if (und) {
		count_und(sc->st, e);
		list_offer(sc->list, &sc->st->nlist, sc->o->list_max, e);
	} else {
		count_ccm(sc->st, e);
	}
}

static void scan_lost(const char *name, int err, void *ctx)
{
	struct scan_stats *st = ((struct scan *)ctx)->st;

	(void)name;
	if (err == ENOENT) {
		st->vanished++; /* deleted since the listing: not an error */
	} else {
		st->stat_errors++;
		st->stat_errno = err;
	}
}

int und_scan(const struct store_folder *f, const struct scan_opts *o, struct scan_stats *st,
             struct scan_file *list)
{
	int err;

	memset(st, 0, sizeof(*st));
	struct scan sc = {o, st, list};
	struct store_lister l = {scan_pick, scan_one, scan_lost, &sc};
	err = folder_list_entries(f, &l);
	qsort(list, st->nlist, sizeof(*list), cmp_oldest_first);
	return err;
}
