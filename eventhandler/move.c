#include "config.h"

#include "move.h"

#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

#define IO_BUF (256 * 1024)
#define BATCH_FILES 512
#define BATCH_BYTES (64 * 1024 * 1024)
#define SUFFIX_MAX 999
#define TMP_PREFIX ".ccmc-"
#define TMP_SUFFIX ".tmp"

/* Per thread: the same-fs path hashes in a second thread while the first renames. */
static _Thread_local unsigned char iobuf[IO_BUF];

struct pending {
	size_t idx;
	char tmp[48];
	char final[NAME_MAX + 1];
	int64_t size, mtime;
	dev_t dev;
	ino_t ino;
	char sha[SHA256_HEX];
	bool placed;
};

static struct pending batch[BATCH_FILES];

static void to_hex(const uint8_t *d, char hex[SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

int sha256_fd(int fd, char hex[SHA256_HEX], int64_t *size)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	*size = 0;
	for (;;) {
		ssize_t n = pread(fd, iobuf, sizeof(iobuf), (off_t)*size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		sha256_update(&c, (size_t)n, iobuf);
		*size += n;
	}
	sha256_digest(&c, sizeof(d), d);
	to_hex(d, hex);
	return 0;
}

/* Errors in the quarantine that make every further copy pointless. */
static bool quarantine_fatal(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EIO || e == EROFS || e == EFBIG;
}

static void left_in_place(struct mover *m, const struct move_src *src, const char *name,
                          const char *op, int err)
{
	struct move_error *e;

	m->st.left++;
	if (m->st.nerrors == MOVE_ERRORS_MAX)
		return;
	e = &m->st.errors[m->st.nerrors++];
	snprintf(e->folder, sizeof(e->folder), "%s", src->name);
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->op = op;
	e->err = err;
}

static void stop_all(struct mover *m, int err, const char *op)
{
	if (!m->st.abort_err) {
		m->st.abort_err = err;
		m->st.abort_op = op;
	}
}

volatile sig_atomic_t move_stop_asked;

static bool past_deadline(struct mover *m)
{
	if (move_stop_asked)
		m->st.interrupted = true;
	else if (mono_ms() < m->deadline_ms)
		return false;
	m->st.deadline_hit = true;
	return true;
}

static void progress(struct mover *m, bool last)
{
	static int64_t t0, shown;
	int64_t t = mono_ms();

	if (!m->progress)
		return;
	if (!t0)
		t0 = t;
	if (!last && t - shown < 200)
		return;
	shown = t;
	double mib = (double)m->st.bytes / (1024.0 * 1024.0);
	double secs = (double)(t - t0) / 1000.0;
	printf("\r%lld/%lld files, %.1f MiB, %.1f MiB/s%s", (long long)m->st.moved,
	       (long long)m->st.found, mib, secs > 0 ? mib / secs : 0.0, last ? "\n" : "");
	fflush(stdout);
}

int und_list_read(int dirfd, bool sizes, struct und_list *l)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int rc = 0;

	memset(l, 0, sizeof(*l));
	if (!d) {
		rc = errno;
		if (fd >= 0)
			close(fd);
		return rc;
	}
	while ((errno = 0, e = readdir(d))) {
		struct stat st = {.st_size = -1};
		if (!scan_is_und(e->d_name) || (e->d_type != DT_REG && e->d_type != DT_UNKNOWN))
			continue;
		/* Each file is checked again when it is opened; a stat here only for its size. */
		if ((sizes || e->d_type == DT_UNKNOWN) &&
		    (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !S_ISREG(st.st_mode)))
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 64;
			void *nn = realloc(l->name, cap * sizeof(*l->name));
			void *ns = nn ? realloc(l->size, cap * sizeof(*l->size)) : NULL;
			if (nn)
				l->name = nn;
			if (!ns) {
				rc = ENOMEM;
				break;
			}
			l->size = ns;
			l->cap = cap;
		}
		snprintf(l->name[l->n], sizeof(l->name[0]), "%s", e->d_name);
		l->size[l->n++] = sizes ? st.st_size : -1;
		l->bytes += sizes ? st.st_size : 0;
	}
	if (!rc && errno)
		rc = errno;
	closedir(d);
	return rc;
}

void und_list_free(struct und_list *l)
{
	free(l->name);
	free(l->size);
	memset(l, 0, sizeof(*l));
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
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

int quarantine_check(int qfd, const struct move_src *src, size_t n, char *err, size_t errlen)
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

/* Opens the manifest for appending; a line cut short by a kill is cut off first. */
static int manifest_open(struct mover *m)
{
	struct stat st;
	char last;

	m->manifest_fd = openat(m->runfd, "manifest.tsv",
	                        O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (m->manifest_fd < 0 || fstat(m->manifest_fd, &st) < 0)
		return errno;
	if (st.st_size == 0)
		return write(m->manifest_fd, MANIFEST_HEADER, strlen(MANIFEST_HEADER)) < 0 ? errno
		                                                                           : 0;
	if (pread(m->manifest_fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
		off_t end = st.st_size - 1;
		while (end > 0 && pread(m->manifest_fd, &last, 1, end - 1) == 1 && last != '\n')
			end--;
		if (ftruncate(m->manifest_fd, end) < 0)
			return errno;
	}
	return 0;
}

/* Manifest lines wait here and go out in one write per batch; a lost tail is restored by recovery.
 */
static char manifest_buf[64 * 1024];
static size_t manifest_len;

static int manifest_flush(struct mover *m)
{
	size_t done = 0;

	while (done < manifest_len) {
		ssize_t n = write(m->manifest_fd, manifest_buf + done, manifest_len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			manifest_len = 0;
			return errno;
		}
		done += (size_t)n;
	}
	manifest_len = 0;
	return 0;
}

static int manifest_add(struct mover *m, const char *folder, const char *name, int64_t size,
                        int64_t mtime, const char *sha, const char *final)
{
	struct manifest_entry e = {.time = m->now, .size = size, .mtime = mtime};
	char line[MANIFEST_LINE_MAX];
	int n;

	snprintf(e.folder, sizeof(e.folder), "%s", folder);
	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(e.sha256, sizeof(e.sha256), "%s", sha);
	snprintf(e.path, sizeof(e.path), "%s/%s/%s", m->run_name, folder, final);
	n = manifest_format(&e, line, sizeof(line));
	if (n < 0)
		return ENAMETOOLONG;
	if (manifest_len + (size_t)n > sizeof(manifest_buf)) {
		int err = manifest_flush(m);
		if (err)
			return err;
	}
	memcpy(manifest_buf + manifest_len, line, (size_t)n);
	manifest_len += (size_t)n;
	return 0;
}

void mover_init(struct mover *m, const char *qpath)
{
	struct tm tm;
	time_t t = (time_t)m->now;
	char stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(m->run_name, sizeof(m->run_name), "%s-%s", stamp, m->run_id);
	snprintf(m->run_path, sizeof(m->run_path), "%s/%s", qpath, m->run_name);
	m->runfd = m->manifest_fd = -1;
}

int mover_begin(struct mover *m, int qfd)
{
	if (mkdirat(qfd, m->run_name, 0700) < 0)
		return errno;
	m->runfd = openat(qfd, m->run_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (m->runfd < 0 || fsync(qfd) < 0)
		return errno;
	return manifest_open(m);
}

int mover_reopen(struct mover *m, const char *run_path)
{
	const char *slash = strrchr(run_path, '/');

	snprintf(m->run_path, sizeof(m->run_path), "%s", run_path);
	snprintf(m->run_name, sizeof(m->run_name), "%s", slash ? slash + 1 : run_path);
	m->manifest_fd = -1;
	m->runfd = open(run_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (m->runfd < 0)
		return errno;
	return manifest_open(m);
}

void mover_end(struct mover *m)
{
	if (m->manifest_fd >= 0) {
		manifest_flush(m);
		fdatasync(m->manifest_fd);
		close(m->manifest_fd);
	}
	if (m->runfd >= 0)
		close(m->runfd);
	m->manifest_fd = m->runfd = -1;
	progress(m, true);
}

/* The run folder's subfolder for a source folder, made durable. Returns an fd or -1. */
static int open_sub(struct mover *m, const char *name)
{
	if (mkdirat(m->runfd, name, 0700) == 0) {
		if (fsync(m->runfd) < 0)
			return -1;
	} else if (errno != EEXIST) {
		return -1;
	}
	return openat(m->runfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/*
 * Renames from (relative to fromfd) into sub as name, or name~N when name
 * is taken; never replaces. File systems without RENAME_NOREPLACE get
 * link and unlink, which cannot replace either.
 */
static int place(int fromfd, const char *from, int sub, const char *name, char *final, size_t flen)
{
	for (int i = 0; i <= SUFFIX_MAX; i++) {
		if (i == 0)
			snprintf(final, flen, "%s", name);
		else
			snprintf(final, flen, "%s~%d", name, i);
		if (renameat2(fromfd, from, sub, final, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno == EINVAL || errno == ENOSYS) {
			if (linkat(fromfd, from, sub, final, 0) == 0) {
				if (unlinkat(fromfd, from, 0) == 0)
					return 0;
				int e = errno;
				unlinkat(sub, final, 0);
				return e;
			}
		}
		if (errno != EEXIST)
			return errno;
	}
	return EEXIST;
}

/* Opens a source file for reading, only if it is still a regular file. */
static int open_source(const struct move_src *src, const char *name, struct stat *st)
{
	int fd = openat(src->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -ELOOP;
	}
	return fd;
}

static void moved(struct mover *m, size_t index, int64_t size)
{
	m->st.moved++;
	m->st.bytes += size;
	if (index < MOVE_SOURCES_MAX)
		m->st.moved_in[index]++;
	progress(m, false);
}

static int sync_folders(struct mover *m, int sub, int srcfd)
{
	int err = manifest_flush(m);

	if (err)
		return err;
	if (fsync(sub) < 0 || fsync(srcfd) < 0 || fdatasync(m->manifest_fd) < 0)
		return errno;
	return 0;
}

/*
 * The same-fs path renames in the calling thread and hashes the moved files
 * in a second one, through their still-open descriptors, so that the two
 * costs overlap on two cores. The hash thread only reads: the calling
 * thread writes every manifest line, so a kill lands where the tests expect.
 * A kill between a rename and its line costs nothing: the next run writes
 * the line (move_recover).
 */
#define HASH_CHUNK 128 /* files per hand-over; two chunks of open descriptors at most */

struct hash_job {
	int fd, err;
	char name[NAME_MAX + 1];
	char final[NAME_MAX + 1];
	int64_t mtime, size;
	char sha[SHA256_HEX];
};

struct hash_chunk {
	struct hash_job job[HASH_CHUNK];
	size_t n;
};

/*
 * Two chunks take turns: the calling thread renames into one while the
 * hash thread hashes the other, so they meet once per chunk, not per file.
 */
struct hasher {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hash_chunk chunk[2];
	struct hash_chunk *todo; /* handed to the hash thread; NULL once hashed */
	struct hash_chunk *prev; /* hashed or being hashed; its lines not yet written */
	struct hash_chunk *cur;  /* being filled */
	bool done;
};

static void *hash_worker(void *arg)
{
	struct hasher *h = arg;

	for (;;) {
		pthread_mutex_lock(&h->mu);
		while (!h->todo && !h->done)
			pthread_cond_wait(&h->cv, &h->mu);
		struct hash_chunk *c = h->todo;
		pthread_mutex_unlock(&h->mu);
		if (!c)
			return NULL;
		for (size_t k = 0; k < c->n; k++) {
			c->job[k].err = sha256_fd(c->job[k].fd, c->job[k].sha, &c->job[k].size);
			close(c->job[k].fd);
		}
		pthread_mutex_lock(&h->mu);
		h->todo = NULL;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
}

/* Waits until the hash thread is done with its chunk, then writes that chunk's lines. */
static void hash_collect(struct mover *m, const struct move_src *src, struct hasher *h)
{
	pthread_mutex_lock(&h->mu);
	while (h->todo)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
	for (size_t k = 0; h->prev && k < h->prev->n; k++) {
		const struct hash_job *job = &h->prev->job[k];
		if (job->err && m->st.nerrors < MOVE_ERRORS_MAX) {
			struct move_error *e = &m->st.errors[m->st.nerrors++];
			snprintf(e->folder, sizeof(e->folder), "%s", src->name);
			snprintf(e->name, sizeof(e->name), "%s", job->name);
			e->op = "hash after the move";
			e->err = job->err;
		} else if (!job->err) {
			manifest_add(m, src->name, job->name, job->size, job->mtime, job->sha,
			             job->final);
		}
	}
	h->prev = NULL;
}

/* Hands the filled chunk to the hash thread and starts filling the other. */
static void hash_hand_over(struct mover *m, const struct move_src *src, struct hasher *h)
{
	hash_collect(m, src, h);
	if (h->cur->n == 0)
		return;
	pthread_mutex_lock(&h->mu);
	h->todo = h->prev = h->cur;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	h->cur = h->cur == &h->chunk[0] ? &h->chunk[1] : &h->chunk[0];
	h->cur->n = 0;
}

/*
 * Same file system: open (the file must be a readable regular file), then
 * rename with no-replace. A rename is all or nothing, so a kill leaves each
 * file in exactly one place, and one sync of both folders at the end makes
 * the lot durable. Returns 0, EXDEV to switch to copying at *i, or -1 to stop.
 */
static int rename_loop(struct mover *m, size_t index, const struct move_src *src, int sub,
                       const struct und_list *l, size_t *i, struct hasher *h)
{
	for (; *i < l->n; (*i)++) {
		struct hash_job *job = &h->cur->job[h->cur->n];
		struct stat st;
		if (past_deadline(m))
			return -1;
		snprintf(job->name, sizeof(job->name), "%s", l->name[*i]);
		job->fd = open_source(src, job->name, &st);
		if (job->fd < 0) {
			if (job->fd != -ELOOP)
				left_in_place(m, src, job->name, "open", -job->fd);
			continue;
		}
		int err = place(src->fd, job->name, sub, job->name, job->final, sizeof(job->final));
		if (err) {
			close(job->fd);
			if (err == EXDEV)
				return EXDEV;
			if (quarantine_fatal(err)) {
				stop_all(m, err, "rename");
				return -1;
			}
			left_in_place(m, src, job->name, "rename", err);
			continue;
		}
		job->mtime = st.st_mtim.tv_sec;
		m->st.renamed++;
		moved(m, index, st.st_size);
		if (++h->cur->n == HASH_CHUNK)
			hash_hand_over(m, src, h);
	}
	return 0;
}

static int rename_files(struct mover *m, size_t index, const struct move_src *src, int sub,
                        const struct und_list *l, size_t *i)
{
	static struct hasher h;
	pthread_t t;
	int rc;

	memset(&h, 0, sizeof(h));
	pthread_mutex_init(&h.mu, NULL);
	pthread_cond_init(&h.cv, NULL);
	h.cur = &h.chunk[0];
	if (pthread_create(&t, NULL, hash_worker, &h) != 0) {
		stop_all(m, EAGAIN, "thread");
		return -1;
	}
	rc = rename_loop(m, index, src, sub, l, i, &h);
	hash_hand_over(m, src, &h);
	hash_collect(m, src, &h);
	pthread_mutex_lock(&h.mu);
	h.done = true;
	pthread_cond_broadcast(&h.cv);
	pthread_mutex_unlock(&h.mu);
	pthread_join(t, NULL);
	pthread_cond_destroy(&h.cv);
	pthread_mutex_destroy(&h.mu);
	int err = sync_folders(m, sub, src->fd);
	if (err) {
		stop_all(m, err, "fsync");
		return -1;
	}
	return rc;
}

/* Removes the quarantine side of a batch that will not complete; sources stay. */
static void discard(int sub, struct pending *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		unlinkat(sub, p[k].placed ? p[k].final : p[k].tmp, 0);
	fsync(sub);
}

/* Copies one source to a temp name in sub, hashing what it read. Returns 0, -1 to skip, or -2 to
 * stop. */
static int copy_one(struct mover *m, const struct move_src *src, const char *name, int sub,
                    struct pending *p, size_t seq)
{
	struct stat st;
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	int in = open_source(src, name, &st), out, err = 0;

	if (in < 0) {
		if (in != -ELOOP)
			left_in_place(m, src, name, "open", -in);
		return -1;
	}
	snprintf(p->tmp, sizeof(p->tmp), TMP_PREFIX "%s-%zu" TMP_SUFFIX, m->run_id, seq);
	out = openat(sub, p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		stop_all(m, errno, "create");
		close(in);
		return -2;
	}
	sha256_init(&c);
	p->size = 0;
	for (;;) {
		ssize_t n = read(in, iobuf, sizeof(iobuf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			break;
		}
		sha256_update(&c, (size_t)n, iobuf);
		for (ssize_t w = 0, k; w < n; w += k)
			if ((k = write(out, iobuf + w, (size_t)(n - w))) < 0) {
				err = -errno;
				break;
			}
		if (err)
			break;
		p->size += n;
	}
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	if (!err && futimens(out, times) < 0)
		err = -errno;
	if (close(out) < 0 && !err)
		err = -errno;
	close(in);
	if (err) {
		unlinkat(sub, p->tmp, 0);
		if (err > 0) {
			left_in_place(m, src, name, "read", err);
			return -1;
		}
		stop_all(m, -err, "write");
		return -2;
	}
	sha256_digest(&c, sizeof(d), d);
	to_hex(d, p->sha);
	p->mtime = st.st_mtim.tv_sec;
	p->dev = st.st_dev;
	p->ino = st.st_ino;
	p->placed = false;
	return 0;
}

/* Re-reads a copy and compares it with what was read from the source. */
static bool copy_verified(int sub, const struct pending *p)
{
	char sha[SHA256_HEX];
	int64_t size;
	int fd = openat(sub, p->tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = fd >= 0 && sha256_fd(fd, sha, &size) == 0 && size == p->size &&
	          strcmp(sha, p->sha) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The source is the file that was copied, unchanged since. */
static bool source_unchanged(const struct move_src *src, const char *name, const struct pending *p)
{
	struct stat st;

	return fstatat(src->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == p->dev &&
	       st.st_ino == p->ino && st.st_size == p->size && st.st_mtim.tv_sec == p->mtime;
}

/*
 * Makes a batch of copies durable with one sync of the file system, checks
 * each, gives it its final name, syncs the folder, and only then unlinks
 * the sources.
 */
/* A quarantine error in a batch: stop moving, and take the batch's copies back out. */
static int abandon_batch(struct mover *m, int sub, size_t n, int err, const char *op)
{
	stop_all(m, err, op);
	discard(sub, batch, n);
	return -1;
}

static int flush_copies(struct mover *m, size_t index, const struct move_src *src, int sub,
                        const struct und_list *l, size_t n)
{
	if (n == 0)
		return 0;
	if (syncfs(sub) < 0)
		return abandon_batch(m, sub, n, errno, "sync");
	for (size_t k = 0; k < n; k++) {
		struct pending *p = &batch[k];
		if (!copy_verified(sub, p))
			return abandon_batch(m, sub, n, EIO, "verify");
		int err = place(sub, p->tmp, sub, l->name[p->idx], p->final, sizeof(p->final));
		if (err)
			return abandon_batch(m, sub, n, err, "rename");
		p->placed = true;
	}
	if (fsync(sub) < 0)
		return abandon_batch(m, sub, n, errno, "fsync");
	for (size_t k = 0; k < n; k++) {
		struct pending *p = &batch[k];
		const char *name = l->name[p->idx];
		int err = source_unchanged(src, name, p) ? 0 : EAGAIN;
		if (!err && unlinkat(src->fd, name, 0) < 0)
			err = errno;
		if (err) {
			unlinkat(sub, p->final, 0);
			left_in_place(m, src, name,
			              err == EAGAIN ? "changed while copied" : "unlink", err);
			continue;
		}
		manifest_add(m, src->name, name, p->size, p->mtime, p->sha, p->final);
		m->st.copied++;
		moved(m, index, p->size);
	}
	int err = sync_folders(m, sub, src->fd);
	if (err) {
		stop_all(m, err, "fsync");
		return -1;
	}
	return 0;
}

static int copy_files(struct mover *m, size_t index, const struct move_src *src, int sub,
                      const struct und_list *l, size_t i)
{
	size_t n = 0;
	int64_t bytes = 0;

	for (; i < l->n; i++) {
		if (past_deadline(m))
			break;
		batch[n].idx = i;
		int rc = copy_one(m, src, l->name[i], sub, &batch[n], i);
		if (rc == -2) {
			discard(sub, batch, n);
			return -1;
		}
		if (rc < 0)
			continue;
		bytes += batch[n++].size;
		if (n == BATCH_FILES || bytes >= BATCH_BYTES) {
			if (flush_copies(m, index, src, sub, l, n) < 0)
				return -1;
			n = 0;
			bytes = 0;
		}
	}
	if (flush_copies(m, index, src, sub, l, n) < 0)
		return -1;
	return m->st.deadline_hit ? -1 : 0;
}

int move_folder(struct mover *m, size_t index, const struct move_src *src, const struct und_list *l)
{
	struct stat a, b;
	size_t i = 0;
	int rc, sub;

	m->st.found += (int64_t)l->n;
	if (l->n == 0)
		return 0;
	sub = open_sub(m, src->name);
	if (sub < 0) {
		stop_all(m, errno, "mkdir");
		return -1;
	}
	rc = EXDEV;
	if (fstat(src->fd, &a) == 0 && fstat(sub, &b) == 0 && a.st_dev == b.st_dev)
		rc = rename_files(m, index, src, sub, l, &i);
	if (rc == EXDEV)
		rc = copy_files(m, index, src, sub, l, i);
	close(sub);
	return rc ? -1 : 0;
}

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

/* Unlinks src's copy of name when q (in sub) is a byte-identical, durable copy. */
static bool drop_duplicate(struct mover *m, const struct move_src *src, const char *name, int sub,
                           const char *qname)
{
	char a[SHA256_HEX], b[SHA256_HEX];
	int64_t as, bs;
	struct stat st;
	int qfd, sfd = open_source(src, name, &st);
	bool same;

	if (sfd < 0)
		return false;
	qfd = openat(sub, qname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	same = qfd >= 0 && sha256_fd(sfd, a, &as) == 0 && sha256_fd(qfd, b, &bs) == 0 && as == bs &&
	       strcmp(a, b) == 0 && fsync(qfd) == 0 && fsync(sub) == 0;
	if (qfd >= 0)
		close(qfd);
	close(sfd);
	if (!same || unlinkat(src->fd, name, 0) < 0)
		return false;
	fsync(src->fd);
	m->st.unlinked++;
	return true;
}

static void recover_entry(struct mover *m, const struct move_src *src, size_t n,
                          const char *sub_name, int sub, const char *name, char **rec, size_t nrec)
{
	char base[NAME_MAX + 1], path[PATH_MAX], sha[SHA256_HEX];
	struct stat st;
	int64_t size;

	if (strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
		unlinkat(sub, name, 0);
		return;
	}
	if (fstatat(sub, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return;
	base_name(name, base, sizeof(base));
	for (size_t i = 0; i < n; i++)
		if (strcmp(src[i].name, sub_name) == 0 &&
		    drop_duplicate(m, &src[i], base, sub, name))
			break;
	snprintf(path, sizeof(path), "%s/%s/%s", m->run_name, sub_name, name);
	const char *key = path;
	if (rec && bsearch(&key, rec, nrec, sizeof(*rec), cmp_str))
		return;
	int fd = openat(sub, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && sha256_fd(fd, sha, &size) == 0 &&
	    manifest_add(m, sub_name, base, size, st.st_mtim.tv_sec, sha, name) == 0)
		m->st.recovered++;
	if (fd >= 0)
		close(fd);
}

int move_recover(struct mover *m, const struct move_src *src, size_t n)
{
	size_t nrec;
	char *text;
	char **rec = recorded_paths(m, &nrec, &text);
	int fd = openat(m->runfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		free(rec);
		free(text);
		return err;
	}
	while ((e = readdir(d))) {
		int sub = e->d_name[0] == '.'
		              ? -1
		              : openat(m->runfd, e->d_name,
		                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *sd = sub >= 0 ? fdopendir(dup(sub)) : NULL;
		struct dirent *f;
		while (sd && (f = readdir(sd)))
			if (f->d_name[0] != '.' ||
			    strncmp(f->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
				recover_entry(m, src, n, e->d_name, sub, f->d_name, rec, nrec);
		if (sd)
			closedir(sd);
		if (sub >= 0) {
			fsync(sub);
			close(sub);
		}
	}
	closedir(d);
	free(rec);
	free(text);
	int err = manifest_flush(m);
	return err ? err : fdatasync(m->manifest_fd) < 0 ? errno : 0;
}
