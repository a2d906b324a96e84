#include "config.h"

#include "recover.h"

#include "clock.h"

#include "fetched.h"
#include "files.h"
#include "hash.h"
#include "runfolder.h"
#include "tsvfield.h"
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECOVER_DEPTH 128

struct recovery {
	struct mover *m;
	const struct move_src *src;
	size_t nsrc;
	char **rec; /* the manifest's quarantine paths, sorted */
	size_t nrec;
	struct fetched_log log; /* what was copied from shares (fetched.h) */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The quarantine paths the manifest records, sorted; the caller frees both. */
static char **recorded_paths(struct mover *m, size_t *n, char **text)
{
	struct stat st;
	char **v = NULL, *save = NULL;
	size_t cap = 0;

	*n = 0;
	*text = NULL;
	if (fstat(m->manifest_fd, &st) < 0 || !(*text = malloc((size_t)st.st_size + 1)))
		return NULL;
	ssize_t got = pread(m->manifest_fd, *text, (size_t)st.st_size, 0);
	(*text)[got > 0 ? got : 0] = '\0';
	for (char *line = strtok_r(*text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		static struct manifest_entry e;
		if (manifest_parse(line, &e) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		/* The path field is the line's last; reuse the text for it. */
		char *tab = strrchr(line, '\t');
		if (field_unescape(tab + 1, strlen(tab + 1), tab + 1, strlen(tab + 1) + 1) > 0)
			v[(*n)++] = tab + 1;
	}
	if (v)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* "x.und~2" was placed for "x.und": the name before a numeric "~N". */
static void base_name(const char *name, char *out, size_t len)
{
	const char *t = strrchr(name, '~');
	size_t keep = strlen(name);

	if (t && t[1] && strspn(t + 1, "0123456789") == strlen(t + 1))
		keep = (size_t)(t - name);
	snprintf(out, len, "%.*s", (int)keep, name);
}

/*
 * Whether copy is src's modification time as the quarantine's file system
 * kept it: to the nanosecond, or cut to the second (ext4 with 128-byte
 * inodes, ext3) or to two (FAT). The bytes decide after it.
 */
static bool kept_time(struct timespec src, const struct stat *copy)
{
	/* Such a file system cuts every time: the copy's change time has no fraction either. */
	bool coarse = copy->st_mtim.tv_nsec == 0 && copy->st_ctim.tv_nsec == 0;

	return same_time(src, copy->st_mtim) || (coarse && src.tv_sec >= copy->st_mtim.tv_sec &&
	                                         src.tv_sec - copy->st_mtim.tv_sec <= 1);
}

/*
 * True when q in dirfd is a move that did not finish: src's name is the very
 * same inode (a link left by the link-and-unlink fallback), or a copy made
 * from it, which keeps its size and mtime to the nanosecond and its bytes.
 * A file that arrived after a finished move, even with the same bytes, has
 * its own mtime, and its copy stays.
 */
static int unfinished_move(const struct move_src *src, const char *name, int dirfd, const char *q,
                           int64_t until_ms)
{
	struct stat ss, qs;
	int qfd, sfd = source_open(src, name, &ss), same = 0;

	if (sfd < 0)
		return 0;
	qfd = openat(dirfd, q, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (qfd >= 0 && fstat(qfd, &qs) == 0) {
		if (same_file(&ss, &qs))
			same = 1;
		else if (ss.st_size == qs.st_size && kept_time(ss.st_mtim, &qs)) {
			char a[SHA256_HEX], b[SHA256_HEX];
			int64_t as, bs;
			int ea = sha256_fd(sfd, a, &as, until_ms);
			int eb = ea ? ea : sha256_fd(qfd, b, &bs, until_ms);
			/* Out of time: undecided, so both stay and the run stays unfinished. */
			same = ea == ETIMEDOUT || eb == ETIMEDOUT
			           ? -1
			           : !ea && !eb && as == bs && strcmp(a, b) == 0;
		}
	}
	if (qfd >= 0)
		close(qfd);
	close(sfd);
	return same;
}

/*
 * The manifest line of a quarantined file of a killed run. Its hash must be
 * the file's: one still written to, or not hashed within the time, gets no
 * line, and the run stays unfinished for the next try.
 */
static void restore_line(struct recovery *r, const struct move_src *src, const char *folder,
                         int dirfd, const char *name, const char *base)
{
	char sha[SHA256_HEX];
	struct stat before, after;
	int64_t size;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &before) < 0 || sha256_fd(fd, sha, &size, r->m->end_ms) != 0 ||
	    fstat(fd, &after) < 0 || after.st_size != size || before.st_size != size ||
	    !same_time(before.st_mtim, after.st_mtim) ||
	    !same_time(before.st_ctim, after.st_ctim)) {
		r->m->st.unrecorded++;
	} else if (manifest_add(r->m, src ? src->path : folder, folder, base, size,
	                        before.st_mtim.tv_sec, sha, name) == 0) {
		r->m->st.recovered++;
	}
	if (fd >= 0)
		close(fd);
}

/* The configured source mirrored at mirror, or NULL. */
static const struct move_src *source_at(const struct recovery *r, const char *mirror)
{
	for (size_t i = 0; i < r->nsrc; i++)
		if (strcmp(r->src[i].mirror, mirror) == 0)
			return &r->src[i];
	return NULL;
}

/*
 * One file of a killed run, in the mirror of folder. Recorded: done. A move
 * that did not finish (its own source still holds it): the copy goes, and
 * the source moves again. A copy from a share: the server's answer to its
 * delete, replayed, decides (fetched.h). Otherwise the copy is the file: its
 * manifest line is restored.
 */
static void recover_file(struct recovery *r, const char *folder, int dirfd, const char *name)
{
	char base[NAME_MAX + 1], path[PATH_MAX];
	const struct move_src *src = source_at(r, folder);
	struct stat st;

	base_name(name, base, sizeof(base));
	if (!scan_is_und(base) || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode))
		return;
	quarantine_rel(r->m, folder, name, path, sizeof(path));
	const char *key = path;
	if (r->rec && bsearch(&key, r->rec, r->nrec, sizeof(*r->rec), cmp_str))
		return;
	int drop = 0;
	if (src && src->smb)
		drop = fetched_recheck(src, &r->log, base, r->m->deadline_ms);
	else if (src)
		drop = unfinished_move(src, base, dirfd, name, r->m->end_ms);
	if (drop < 0) {
		r->m->st.unsettled++;
		return;
	}
	if (drop) {
		if (unlinkat(dirfd, name, 0) == 0)
			r->m->st.rolled_back++;
		return;
	}
	restore_line(r, src, folder, dirfd, name, base);
}

/*
 * Walks the mirror folder dirfd, whose source path is folder ("" for the
 * run folder itself), never through a symlink.
 */
static void recover_dir(struct recovery *r, int dirfd, const char *folder, int depth)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	const struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		char sub[PATH_MAX];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		/* Out of time: the rest waits for the next run, which this run leaves to do it. */
		if (r->m->end_ms && mono_ms() >= r->m->end_ms) {
			r->m->st.deadline_hit = true;
			break;
		}
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r->m->st
			    .unrecorded++; /* unseen: whatever it holds waits for the next run */
			continue;
		}
		/* A folder may bear such a name too: a store folder the run folder mirrors. */
		if (S_ISREG(st.st_mode) && is_temp_name(e->d_name)) {
			unlinkat(dirfd, e->d_name, 0);
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			recover_file(r, folder[0] ? folder : "/", dirfd, e->d_name);
			continue;
		}
		int n = snprintf(sub, sizeof(sub), "%s/%s", folder, e->d_name);
		int cfd =
		    S_ISDIR(st.st_mode) && depth < RECOVER_DEPTH && n > 0 && (size_t)n < sizeof(sub)
		        ? openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
		        : -1;
		if (cfd >= 0) {
			recover_dir(r, cfd, sub, depth + 1);
			close(cfd);
		} else if (S_ISDIR(st.st_mode)) {
			r->m->st.unrecorded++; /* a folder it could not walk keeps the run open */
		}
	}
	closedir(d);
	fsync(dirfd);
}

int move_recover(struct mover *m, const struct move_src *src, size_t n)
{
	char *text;
	struct recovery r = {m, src, n, NULL, 0, {0}};

	r.rec = recorded_paths(m, &r.nrec, &text);
	fetched_load(m->runfd, &r.log);
	recover_dir(&r, m->runfd, "", 0);
	fetched_free(&r.log);
	free(r.rec);
	free(text);
	int err = manifest_flush(m);
	return err ? err : fdatasync(m->manifest_fd) < 0 ? errno : 0;
}
