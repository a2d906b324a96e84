#include "config.h"

#include "places.h"

#include "clock.h"
#include "files.h"
#include "probe.h"
#include "smburl.h"
#include "state.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/*
 * The canonical path of the folder open at fd, from the kernel: no ".", ".."
 * or symlink left in it, whatever the path given was.
 */
static int canonical_path(int fd, const char *given, char *dst, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, dst, len - 1);
	if (n > 0 && dst[0] == '/') {
		dst[n] = '\0';
		return 0;
	}
	return realpath(given, dst) ? 0 : errno;
}

/*
 * Notes s's file system, and refuses a folder named twice, whatever the
 * spelling (-R S with -d S/Import, S/., a symlink). On a share each fstat is
 * a round trip: the file system noted here serves every later same-fs test.
 */
static int source_unique(const struct places *pl, struct move_src *s, struct stat *seen, char *err,
                         size_t errlen)
{
	struct stat *a = &seen[s - pl->src];

	s->dev = DEV_UNKNOWN; /* never the quarantine's: copied, never renamed */
	if (fstat(s->fd, a) < 0)
		return 0;
	s->dev = a->st_dev;
	for (const struct move_src *o = pl->src; o < s; o++)
		if (same_file(a, &seen[o - pl->src])) {
			snprintf(err, errlen, "%s is named twice (as %s and as %s)", s->path,
			         o->path, s->path);
			return -1;
		}
	return 0;
}

/* A source's name for people, its last component, and its place in a run folder. */
static void source_names(struct move_src *s)
{
	const char *base = strrchr(s->path, '/');
	const char *scheme = strstr(s->path, "://");

	snprintf(s->name, sizeof(s->name), "%.*s", NAME_MAX, base && base[1] ? base + 1 : s->path);
	if (s->smb && scheme)
		snprintf(s->mirror, sizeof(s->mirror), "/smb/%.*s", PATH_MAX - 6, scheme + 3);
	else
		snprintf(s->mirror, sizeof(s->mirror), "%s", s->path);
}

/*
 * An smb:// folder that holds .und files, at url as its server spells it:
 * with add, made a source (-2 when it is one already, whatever the letter
 * case); else the source it is, or NULL.
 */
static struct move_src *remote_source(struct places *pl, struct smb_session *s, const char *url,
                                      bool add, char *err, size_t errlen)
{
	for (size_t i = 0; i < pl->nsrc; i++)
		if (pl->src[i].smb && strcasecmp(pl->src[i].path, url) == 0) {
			if (!add)
				return &pl->src[i];
			snprintf(err, errlen, "%s is named twice", url);
			return NULL;
		}
	if (!add || pl->nsrc == MOVE_SOURCES_MAX)
		return NULL;
	struct move_src *src = &pl->src[pl->nsrc++];
	memset(src, 0, sizeof(*src));
	snprintf(src->path, sizeof(src->path), "%s", url);
	src->fd = -1;
	src->dev = DEV_UNKNOWN;
	src->smb = s;
	source_names(src);
	return src;
}

/*
 * Reads one folder of a share's scan, opened at url: with add, makes it a
 * source; else lists its .und files into its source's list.
 */
static enum place_result remote_folder(struct places *pl, struct smb_session *s, const char *url,
                                       bool add, char *err, size_t errlen)
{
	struct und_list scratch;
	struct store_folder sf = {.be = &backend_smb, .fd = -1, .priv = s};
	struct move_src *src = remote_source(pl, s, url, add, err, errlen);

	if (add && !src && err[0])
		return PLACE_REFUSED;
	bool keep = src && !add;
	int rc = und_list_folder(&sf, true, keep ? &pl->list[src - pl->src] : &scratch);
	if (!keep) {
		free(scratch.name);
		free(scratch.size);
	}
	if (s->fatal[0] || rc) {
		snprintf(err, errlen, "cannot list %s: %s", url,
		         s->fatal[0] ? s->fatal : strerror(rc));
		return PLACE_FAILED;
	}
	return PLACE_OPEN;
}

/* One scan of a share's folders, read in the order its helper lists them (lib/smbsession.c). */
static enum place_result remote_share_scan(struct places *pl, const struct settings *cfg,
                                           struct smb_session *s, bool add, char *err,
                                           size_t errlen)
{
	char share[PATH_MAX], url[PATH_MAX];
	enum place_result rc = PLACE_OPEN;

	s->until_ms = mono_ms() + SMB_STEP_MS;
	if (pl->deadline_ms && s->until_ms > pl->deadline_ms)
		s->until_ms = pl->deadline_ms;
	smb_session_ask(s);
	for (size_t i = 0; i < cfg->folders.n && rc == PLACE_OPEN; i++) {
		const struct folder *f = &cfg->folders.f[i];
		smb_share_of(f, share, sizeof(share));
		if (strcmp(share, s->share) != 0)
			continue;
		int o = smb_folder_open(s, url, sizeof(url));
		if (o < 0) {
			snprintf(err, errlen, "%s", s->fatal);
			rc = PLACE_FAILED;
		} else if (o > 0 && (f->roles & ROLE_UND) && !(o == ENOENT && f->in_store)) {
			char why[PATH_MAX + 512];
			snprintf(err, errlen, "cannot open %s",
			         folder_open_why(f, url, o, why, sizeof(why)));
			rc = PLACE_FAILED;
		} else if (o == 0) {
			rc = remote_folder(pl, s, url, add && (f->roles & ROLE_UND), err, errlen);
		}
	}
	if (rc == PLACE_OPEN)
		smb_session_scan_end(s);
	return rc;
}

/*
 * Scans every share of cfg's smb:// folders through the run's serving
 * helpers: with add, makes their folders sources; else lists them.
 */
static enum place_result remote_scan(struct places *pl, const struct settings *cfg, bool add,
                                     char *err, size_t errlen)
{
	enum place_result rc = PLACE_OPEN;

	err[0] = '\0';
	smb_pool_prepare(&pl->pool, &cfg->folders, &cfg->smb, SMB_STEP_MS);
	for (size_t k = 0; k < pl->pool.n && rc == PLACE_OPEN; k++) {
		if (pl->pool.s[k].fatal[0]) {
			snprintf(err, errlen, "%s", pl->pool.s[k].fatal);
			return PLACE_FAILED;
		}
		rc = remote_share_scan(pl, cfg, &pl->pool.s[k], add, err, errlen);
	}
	return rc;
}

void places_open_lanes(struct places *pl, const struct settings *cfg)
{
	char share[PATH_MAX];

	if (pl->pool.n == 0)
		return;
	for (size_t k = 1; k < SMB_LANES; k++) {
		smb_pool_prepare(&pl->lanes[k - 1], &cfg->folders, &cfg->smb, SMB_STEP_MS);
		for (size_t i = 0; i < pl->nsrc; i++) {
			if (!pl->src[i].smb)
				continue;
			snprintf(share, sizeof(share), "%s", pl->src[i].smb->share);
			struct smb_session *s = smb_pool_find(&pl->lanes[k - 1], share);
			pl->src[i].lane[k - 1] = s && s->pid > 0 && !s->fatal[0] ? s : NULL;
		}
	}
}

void places_close_shares(struct places *pl)
{
	smb_pool_reset(&pl->pool);
	for (size_t k = 0; k + 1 < SMB_LANES; k++)
		smb_pool_reset(&pl->lanes[k]);
}

enum place_result places_open_sources(struct places *pl, const struct settings *cfg, char *err,
                                      size_t errlen)
{
	struct store_dir sd;
	struct stat seen[MOVE_SOURCES_MAX] = {0};
	char resolved[PATH_MAX];

	store_dir_init(&sd);
	for (size_t i = 0; i < cfg->folders.n; i++) {
		const struct folder *f = &cfg->folders.f[i];
		int fd, rc;
		if (!(f->roles & ROLE_UND) || smburl_is(f->path))
			continue;
		rc = folder_open(&cfg->folders, i, &sd, &fd, resolved, sizeof(resolved));
		if (rc == ENOENT && f->in_store && sd.fd >= 0)
			continue;
		if (rc) {
			char why[PATH_MAX + 512];
			snprintf(err, errlen, "cannot open %s",
			         folder_open_why(f, resolved[0] ? resolved : f->path, rc, why,
			                         sizeof(why)));
			store_dir_close(&sd);
			return PLACE_FAILED;
		}
		struct move_src *s = &pl->src[pl->nsrc++];
		s->fd = fd;
		rc = canonical_path(fd, resolved, s->path, sizeof(s->path));
		if (rc) {
			snprintf(err, errlen, "cannot resolve %s: %s", resolved, strerror(rc));
			store_dir_close(&sd);
			return PLACE_FAILED;
		}
		source_names(s);
		if (source_unique(pl, s, seen, err, errlen) < 0) {
			store_dir_close(&sd);
			return PLACE_REFUSED;
		}
	}
	store_dir_close(&sd);
	return remote_scan(pl, cfg, true, err, errlen);
}

/* Splits path into its parent folder and last name; -1 when the last name is none, "." or "..". */
static int split_last(const char *path, char *parent, size_t plen, char *base, size_t blen)
{
	size_t n = strlen(path), b, p;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (b = n; b > 0 && path[b - 1] != '/';)
		b--;
	if (b == 0 || b == n || n - b >= blen)
		return -1;
	snprintf(base, blen, "%.*s", (int)(n - b), path + b);
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -1;
	for (p = b; p > 1 && path[p - 1] == '/';)
		p--;
	snprintf(parent, plen, "%.*s", (int)p, path);
	return 0;
}

static enum place_result quarantine_error(const struct settings *cfg, char *err, size_t errlen,
                                          const char *what, int e)
{
	snprintf(err, errlen, "quarantine %s: %s%s%s", cfg->quarantine, what ? what : "",
	         what ? ": " : "", strerror(e));
	return PLACE_FAILED;
}

/*
 * Whether a folder on the way to the quarantine (or, last, the quarantine)
 * can be trusted: only root and this user can change it, so no one else can
 * move run folders out of recovery's reach or plant a symlink. Others may
 * write a folder on the way only when it is sticky (/tmp), where they cannot
 * rename what is not theirs; never the quarantine. Returns 0, or -1 with err.
 */
static int trusted(const struct stat *st, const char *path, bool last, char *err, size_t errlen)
{
	uid_t me = geteuid();

	if (last ? st->st_uid != me : st->st_uid != me && st->st_uid != 0)
		snprintf(err, errlen, "%s is owned by another user (uid %lu)", path,
		         (unsigned long)st->st_uid);
	else if ((st->st_mode & 022) && (last || !(st->st_mode & S_ISVTX)))
		snprintf(err, errlen, "%s is writable by others (mode %04o)", path,
		         (unsigned)(st->st_mode & 07777));
	else
		return 0;
	return -1;
}

/*
 * Opens the canonical path canon (which realpath made: no symlink, no "..")
 * from the root a folder at a time, never through a symlink, checking each
 * one; last says canon is the quarantine itself. PLACE_OPEN with *fdp, or
 * PLACE_FAILED or PLACE_REFUSED (a folder that cannot be trusted) with err.
 */
static enum place_result open_trusted(const char *canon, bool last, int *fdp, char *err,
                                      size_t errlen)
{
	char part[PATH_MAX];
	struct stat st;
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (const char *p = canon;; p += strcspn(p, "/")) {
		int n = snprintf(part, sizeof(part), "%.*s", (int)(p - canon), canon);
		bool end = *(p + strspn(p, "/")) == '\0';
		if (fd < 0 || fstat(fd, &st) < 0) {
			snprintf(err, errlen, "%s: %s", n ? part : "/", strerror(errno));
			break;
		}
		if (trusted(&st, n ? part : "/", last && end, err, errlen) < 0) {
			close(fd);
			return PLACE_REFUSED;
		}
		if (end) {
			*fdp = fd;
			return PLACE_OPEN;
		}
		p += strspn(p, "/");
		char comp[NAME_MAX + 1];
		snprintf(comp, sizeof(comp), "%.*s", (int)strcspn(p, "/"), p);
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		if (fd < 0) {
			snprintf(err, errlen, "%s/%s: %s", part, comp,
			         errno == ELOOP ? "became a symlink while it was checked"
			                        : strerror(errno));
			return PLACE_FAILED;
		}
	}
	if (fd >= 0)
		close(fd);
	return PLACE_FAILED;
}

/* A quarantine that must be on a mounted disk, as --quarantine-require-mount asks. */
static int quarantine_mounted(const struct settings *cfg, const char *path, char *err,
                              size_t errlen)
{
	char why[PATH_MAX + 128];
	int rc =
	    cfg->quarantine_require_mount ? mount_check(path, NULL, true, why, sizeof(why)) : 0;

	if (rc == MOUNT_LOOKUP_FAILED)
		snprintf(err, errlen, "quarantine %s", why);
	else if (rc < 0)
		snprintf(err, errlen,
		         "quarantine %s is on the root file system, not a mount: is its disk "
		         "mounted? (--quarantine-require-mount)",
		         cfg->quarantine);
	else if (rc > 0)
		quarantine_error(cfg, err, errlen, "its mount", rc);
	return rc ? -1 : 0;
}

/* Refusals (-2) and errors (-1) of open_trusted, worded for the quarantine. */
static enum place_result untrusted(const struct settings *cfg, enum place_result rc, char *err,
                                   size_t errlen)
{
	char why[PATH_MAX + 128];

	snprintf(why, sizeof(why), "%s", err);
	snprintf(err, errlen, "quarantine %s: %s%s", cfg->quarantine, why,
	         rc == PLACE_REFUSED
	             ? "; it must be owned by this user and writable by no one else, "
	               "and each folder above it owned by root or this user"
	             : "");
	return rc;
}

/* True when the folder open at fd is, or lies under, one of forbid[]. */
static bool lies_within(int fd, const struct stat *forbid, size_t n)
{
	int cur = openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	for (int depth = 0; cur >= 0 && depth < 4096; depth++) {
		struct stat st, up_st;
		if (fstat(cur, &st) < 0)
			break;
		for (size_t i = 0; i < n; i++)
			if (same_file(&st, &forbid[i])) {
				close(cur);
				return true;
			}
		int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		if (up < 0 || fstat(up, &up_st) < 0 || same_file(&st, &up_st)) {
			if (up >= 0)
				close(up);
			return false;
		}
		cur = up;
	}
	if (cur >= 0)
		close(cur);
	return false;
}

/*
 * Checks that the quarantine root qfd is neither a store folder nor inside
 * one, nor holds one: walks up from it comparing device and inode. Returns
 * 0, or -1 with the folder it overlaps in err.
 */
static int quarantine_check(int qfd, const struct move_src *src, size_t n, char *err, size_t errlen)
{
	struct stat forbid[2 * MOVE_SOURCES_MAX];
	size_t nf = 0;

	/* A folder's parent is its store: the quarantine may lie beside the store, not in it. */
	for (size_t i = 0; i < n && i < MOVE_SOURCES_MAX; i++) {
		if (fstat(src[i].fd, &forbid[nf]) == 0)
			nf++;
		if (fstatat(src[i].fd, "..", &forbid[nf], 0) == 0)
			nf++;
		if (lies_within(qfd, forbid, nf)) {
			snprintf(err, errlen, "the quarantine lies inside the store of %s",
			         src[i].path);
			return -1;
		}
	}
	return 0;
}

/*
 * Opens the quarantine root, making a missing one in its parent, which must
 * exist, only once that parent is known to lie outside every store: nothing
 * is created that is then refused. Every folder on its canonical path is
 * checked (open_trusted), and that path is what the run folders are named
 * by.
 */
enum place_result places_open_quarantine(struct places *pl, const struct settings *cfg, char *err,
                                         size_t errlen)
{
	char parent[PATH_MAX], base[NAME_MAX + 1], canon[PATH_MAX];
	bool exists = realpath(cfg->quarantine, canon) != NULL;
	int fd = -1, pfd = -1;
	enum place_result rc;

	if (split_last(cfg->quarantine, parent, sizeof(parent), base, sizeof(base)) < 0) {
		snprintf(err, errlen, "quarantine %s: give a folder's own path, not /, . or ..",
		         cfg->quarantine);
		return PLACE_REFUSED;
	}
	if (!exists && errno != ENOENT)
		return quarantine_error(cfg, err, errlen, NULL, errno);
	if (!exists && !realpath(parent, canon))
		return quarantine_error(cfg, err, errlen, "its parent folder", errno);
	if (strcmp(canon, "/") == 0) {
		snprintf(err, errlen, "quarantine %s is the root folder", cfg->quarantine);
		return PLACE_REFUSED;
	}
	if (quarantine_mounted(cfg, canon, err, errlen) < 0)
		return PLACE_FAILED;
	if ((rc = open_trusted(canon, exists, &fd, err, errlen)) != PLACE_OPEN)
		return untrusted(cfg, rc, err, errlen);
	if (exists)
		pl->qfd = fd;
	else
		pfd = fd;
	if (quarantine_check(exists ? pl->qfd : pfd, pl->src, pl->nsrc, err, errlen) < 0)
		rc = PLACE_REFUSED;
	else if (!exists &&
	         (mkdirat(pfd, base, 0700) < 0 ||
	          (pl->qfd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
	              0 ||
	          fsync(pfd) < 0))
		rc = quarantine_error(cfg, err, errlen, "cannot make it", errno);
	if (pfd >= 0)
		close(pfd);
	if (!exists && rc == PLACE_OPEN)
		snprintf(canon + strlen(canon), sizeof(canon) - strlen(canon), "%s%s",
		         strcmp(canon, "/") ? "/" : "", base);
	snprintf(pl->qpath, sizeof(pl->qpath), "%s", canon);
	/* Two handlers with different state directories must not move into one quarantine at
	 * once: each would copy what the other removes. */
	if (rc == PLACE_OPEN && flock(pl->qfd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? PLACE_BUSY
		                            : quarantine_error(cfg, err, errlen, "lock", errno);
	/* Unknown when fstat fails: every folder is then copied, and the room goes unchecked. */
	struct stat q;
	pl->qdev = rc == PLACE_OPEN && fstat(pl->qfd, &q) == 0 ? q.st_dev : DEV_UNKNOWN;
	return rc;
}

/* True when folder i and the quarantine are on one file system: no copies, no sizes needed. */
static bool same_fs(const struct places *pl, size_t i)
{
	return pl->qfd >= 0 && pl->qdev != DEV_UNKNOWN && pl->src[i].dev == pl->qdev;
}

/* Lists every folder's .und files. Returns the total, or -1 with err. */
int64_t places_list(struct places *pl, const struct settings *cfg, bool sizes, int64_t *bytes,
                    char *err, size_t errlen)
{
	int64_t total = 0;

	*bytes = 0;
	if (remote_scan(pl, cfg, false, err, errlen) != PLACE_OPEN)
		return -1;
	for (size_t i = 0; i < pl->nsrc; i++) {
		if (pl->src[i].smb) {
			total += (int64_t)pl->list[i].n;
			*bytes += pl->list[i].bytes;
			continue;
		}
		int rc = und_list_read(pl->src[i].fd, sizes || !same_fs(pl, i), &pl->list[i]);
		if (rc) {
			snprintf(err, errlen, "cannot list %s: %s", pl->src[i].path, strerror(rc));
			return -1;
		}
		total += (int64_t)pl->list[i].n;
		*bytes += pl->list[i].bytes;
	}
	return total;
}

/* Copies across file systems need room; renames do not. Checked before anything stops. */
int places_space_check(const struct places *pl, char *err, size_t errlen)
{
	struct statvfs v;
	int64_t need = 0;

	if (pl->qdev == DEV_UNKNOWN || fstatvfs(pl->qfd, &v) < 0)
		return 0;
	for (size_t i = 0; i < pl->nsrc; i++)
		if (pl->src[i].smb || (pl->src[i].dev != DEV_UNKNOWN && !same_fs(pl, i)))
			need += pl->list[i].bytes + (int64_t)pl->list[i].n * (int64_t)v.f_bsize;
	if (need <= (int64_t)v.f_bavail * (int64_t)v.f_frsize)
		return 0;
	snprintf(err, errlen, "the quarantine has %lld KiB free, the .und files need %lld KiB",
	         (long long)v.f_bavail * (long long)v.f_frsize / 1024, (long long)need / 1024);
	return -1;
}

int places_store_answers(const struct settings *cfg, int64_t now, int max_ms, char *err,
                         size_t errlen)
{
	/* smb:// folders need no child: every wait for their servers has a time-out. */
	static struct folder_list local;
	/* No longer than the deadline leaves once the stop and start have their time-outs. */
	int64_t spare = (cfg->deadline - cfg->stop_timeout - cfg->start_timeout) * 1000;
	int wait_ms = spare < max_ms ? (int)spare : max_ms;
	struct probe_opts o = {.now = now, .list_max = 1, .timeout_ms = wait_ms};
	struct probe p;

	local.n = 0;
	for (size_t i = 0; i < cfg->folders.n; i++)
		if (!smburl_is(cfg->folders.f[i].path))
			local.f[local.n++] = cfg->folders.f[i];
	if (local.n == 0)
		return 0;
	int rc = probe_run(&local, &o, &p);
	if (rc != 0 && p.timed_out) {
		char hung[PATH_MAX + NAME_MAX + 64];
		char secs[32];
		snprintf(secs, sizeof(secs), wait_ms % 1000 ? "%.1fs" : "%.0fs", wait_ms / 1000.0);
		snprintf(err, errlen, "the store did not answer within %s (%s; hung share?)", secs,
		         probe_hung_text(&local, &p, hung, sizeof(hung)));
	} else if (rc != 0)
		snprintf(err, errlen, "%s", p.failure);
	probe_free(&p);
	return rc;
}
