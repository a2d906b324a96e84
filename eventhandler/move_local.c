/*
 * Moving the .und files of one local folder: the rename path with its hash
 * thread, and the copy path with its batches, which share the per-file checks
 * and the stats.
 */
#include "config.h"

#include "move_local.h"

#include "clock.h"
#include "fdio.h"
#include "files.h"
#include "hash.h"
#include "hashq.h"
#include "movestep.h"
#include "runfolder.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define IO_BUF (256 * 1024)
#define BATCH_FILES 512
#define BATCH_BYTES (64 * 1024 * 1024)
/* Listed as a regular file, something else by the time it was moved: it is never followed. */
#define SWAPPED_TEXT "no longer a regular file: something took its name since it was listed"

/* The copy path's buffer: copies are made in the calling thread only. */
static unsigned char iobuf[IO_BUF];

static struct copy batch[BATCH_FILES];

/*
 * Between the open and the rename the name may have been given to another
 * entry (a symlink swapped in); the hash queue finds it (hashq.c). The entry
 * is put back where it was, or, when its name was taken meanwhile, left in
 * the run folder with no manifest line, and the move is not counted.
 */
static void put_back(struct mover *m, const struct hashq_item *it, const char *final)
{
	m->st.moved--;
	m->st.renamed--;
	m->st.bytes -= it->opened_size;
	if (it->index < MOVE_SOURCES_MAX)
		m->st.moved_in[it->index]--;
	if (renameat2(it->sub, final, it->src->fd, it->name, RENAME_NOREPLACE) == 0)
		left_in_place(
		    m, it->src, it->name,
		    "replaced by another entry while being moved; that entry was put back", 0);
	else
		left_in_place(
		    m, it->src, it->name,
		    "replaced by another entry while being moved; that entry could not be "
		    "put back and stays, unrecorded, in the run folder",
		    0);
}

/* Renames one file looked at (st); returns 0, EXDEV, or -1 once moving must stop. */
static int rename_one(struct mover *m, size_t index, const struct move_src *src, int sub,
                      const char *name, const struct stat *st)
{
	struct hashq_item *it = hashq_slot(m->hq);
	char final[NAME_MAX + 8];
	unsigned suffix;

	if (!it) {
		left_in_place(m, src, name, "listed after the run began", 0);
		return 0;
	}
	int err = place(src->fd, name, sub, name, final, sizeof(final), &suffix);
	if (err == EXDEV)
		return EXDEV;
	if (err && quarantine_fatal(err)) {
		mover_abort(m, err, "rename");
		return -1;
	}
	if (err) {
		left_in_place(m, src, name, "rename", err);
		return 0;
	}
	*it = (struct hashq_item){.src = src,
	                          .sub = sub,
	                          .name = name,
	                          .index = index,
	                          .suffix = suffix,
	                          .dev = st->st_dev,
	                          .ino = st->st_ino,
	                          .mtime = st->st_mtim.tv_sec,
	                          .opened_size = st->st_size,
	                          .opened_mtim = st->st_mtim};
	hashq_publish(m->hq);
	m->st.renamed++;
	count_moved(m, index, st->st_size);
	return 0;
}

/*
 * Same file system: stat (the file must be a regular file), then rename
 * with no-replace. A rename is all or nothing, so a kill leaves each
 * file in exactly one place, and one sync of both folders at the end makes
 * the lot durable. The hashing and the manifest lines wait in m->hq
 * (move_local_hashed); a kill before a line is written costs nothing, as the
 * next run writes it (move_recover). Returns 0, EXDEV to switch to copying
 * at *i, or -1 to stop.
 */
static int rename_loop(struct mover *m, size_t index, const struct move_src *src, int sub,
                       const struct und_list *l, size_t *i)
{
	uid_t euid = geteuid();

	for (; *i < l->n; (*i)++) {
		const char *name = l->name[*i];
		struct stat st;
		if (mover_should_stop(m))
			return -1;
		if (!fits_or_leave(m, src, name))
			continue;
		/* No open, as mv: the inode looked at is checked where it is hashed (hashq.c). */
		if (fstatat(src->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			left_in_place(m, src, name, "stat", errno);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			left_in_place(m, src, name, SWAPPED_TEXT, 0);
			continue;
		}
		/* A file that cannot be read could not be hashed: it stays. Root reads all. */
		if (euid != 0 && faccessat(src->fd, name, R_OK, AT_EACCESS) < 0) {
			left_in_place(m, src, name, "open", errno);
			continue;
		}
		int rc = rename_one(m, index, src, sub, name, &st);
		if (rc)
			return rc;
	}
	return 0;
}

static int rename_files(struct mover *m, size_t index, const struct move_src *src, int sub,
                        const struct und_list *l, size_t *i)
{
	int err = 0;

	if (!m->hq && (!(m->hq = malloc(sizeof(*m->hq))) ||
	               (err = hashq_start(m->hq, m->files_total, m->end_ms)) != 0)) {
		mover_abort(m, err ? err : ENOMEM, "thread");
		return -1;
	}
	int rc = rename_loop(m, index, src, sub, l, i);
	err = sync_folders(m, sub, src->fd);
	if (err) {
		mover_abort(m, err, "fsync");
		return -1;
	}
	return rc;
}

/*
 * Once the connector runs again: waits for the hashes of the renamed files
 * and writes their manifest lines.
 */
void move_local_hashed(struct mover *m)
{
	char final[NAME_MAX + 8];

	if (!m->hq)
		return;
	hashq_finish(m->hq);
	for (size_t k = 0; k < m->hq->published; k++) {
		const struct hashq_item *it = &m->hq->item[k];
		hashq_final(it, final, sizeof(final));
		if (it->swapped) {
			put_back(m, it, final);
			continue;
		}
		if (it->written) {
			/* Its line is left to recovery, which hashes it once it keeps still. */
			m->st.written++;
			count_unrecorded(
			    m, it->src, it->name,
			    "written to while being moved: is the connector really stopped?", 0);
			continue;
		}
		int err = it->err ? it->err
		                  : manifest_add(m, it->src->path, it->src->mirror, it->name,
		                                 it->size, it->mtime, it->sha, final);
		if (err)
			count_unrecorded(m, it->src, it->name,
			                 it->err == ETIMEDOUT
			                     ? "its hash was not finished within the deadline"
			                 : it->err ? "its hash could not be read"
			                           : "its manifest line could not be written",
			                 err);
	}
	hashq_free(m->hq);
	free(m->hq);
	m->hq = NULL;
	for (size_t k = 0; k < m->nheld; k++)
		close(m->held[k]);
	m->nheld = 0;
}

/* Copies one source to a temp name in sub, hashing what it read. Returns 0, -1 to skip, or -2 to
 * stop. */
static int copy_one(struct mover *m, const struct move_src *src, const char *name, int sub,
                    struct copy *p, size_t seq)
{
	struct stat st;
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	int in, out, err = 0;

	if (!fits_or_leave(m, src, name))
		return -1;
	in = source_open(src, name, &st);
	if (in < 0) {
		if (in == -ELOOP)
			left_in_place(m, src, name, SWAPPED_TEXT, 0);
		else
			left_in_place(m, src, name, "open", -in);
		return -1;
	}
	temp_name(p->tmp, sizeof(p->tmp), m->run_id, seq);
	out = openat(sub, p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		mover_abort(m, errno, "create");
		close(in);
		return -2;
	}
	sha256_init(&c);
	p->size = 0;
	for (;;) {
		/* A huge (sparse) file must not keep the connector stopped past the deadline. */
		if (mono_ms() >= m->deadline_ms) {
			err = ETIMEDOUT;
			break;
		}
		ssize_t n = read(in, iobuf, sizeof(iobuf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			break;
		}
		sha256_update(&c, (size_t)n, iobuf);
		int werr = write_full(out, iobuf, (size_t)n, NULL);
		if (werr) {
			err = -werr;
			break;
		}
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
		if (err == ETIMEDOUT) {
			/* The copies before it are still settled: mover_should_stop() ends the
			 * loop. */
			left_in_place(m, src, name, "not copied within the deadline", 0);
			return -1;
		}
		if (err > 0) {
			left_in_place(m, src, name, "read", err);
			return -1;
		}
		mover_abort(m, -err, "write");
		return -2;
	}
	sha256_digest(&c, sizeof(d), d);
	sha256_hex(d, p->sha);
	p->st = st;
	p->placed = false;
	return 0;
}

/*
 * Whether the source is still the file that was copied, unchanged: the same
 * inode, size, and mtime and ctime to the nanosecond (a rewrite that puts
 * the mtime back still moves the ctime, which no one can set). Returns 0,
 * ENOENT when it is gone, or EAGAIN when it changed. What stat cannot see is
 * a same-size rewrite within the file system's timestamp granularity (a
 * kernel clock tick, about 4 ms, on Linux file systems) between the open
 * and this check, and any write between this check and the unlink.
 */
static int source_check(const struct move_src *src, const char *name, const struct copy *p)
{
	struct stat st;

	if (fstatat(src->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? ENOENT : EAGAIN;
	return same_file(&st, &p->st) && st.st_size == p->size &&
	               same_time(st.st_mtim, p->st.st_mtim) && same_time(st.st_ctim, p->st.st_ctim)
	           ? 0
	           : EAGAIN;
}

/*
 * Makes a batch of copies durable with one sync of the file system, checks
 * each, gives it its final name, syncs the folder, and only then unlinks
 * the sources.
 */
static int flush_copies(struct mover *m, size_t index, const struct move_src *src, int sub,
                        const struct und_list *l, size_t n)
{
	if (n == 0)
		return 0;
	if (syncfs(sub) < 0)
		return copies_abandon(m, sub, batch, n, errno, "sync");
	int v = copies_verify(m, sub, batch, n);
	if (v == ETIMEDOUT) {
		/* Out of time: the copies go, the sources stay for the next run. */
		m->st.deadline_hit = true;
		copies_discard(sub, batch, n);
		return -1;
	}
	if (v)
		return copies_abandon(m, sub, batch, n, EIO, "verify");
	if ((v = copies_place(sub, batch, n, l)) != 0)
		return copies_abandon(m, sub, batch, n, v, "rename");
	if (fsync(sub) < 0)
		return copies_abandon(m, sub, batch, n, errno, "fsync");
	for (size_t k = 0; k < n; k++) {
		struct copy *p = &batch[k];
		const char *name = l->name[p->idx];
		int err = source_check(src, name, p);
		/* A source gone since it was copied leaves the copy as the only one: keep it. */
		if (!err && unlinkat(src->fd, name, 0) < 0 && errno != ENOENT)
			err = errno;
		if (err && err != ENOENT) {
			unlinkat(sub, p->final, 0);
			if (err == EAGAIN)
				left_in_place(m, src, name, "changed since it was copied", 0);
			else
				left_in_place(m, src, name, "unlink", err);
			continue;
		}
		err = manifest_add(m, src->path, src->mirror, name, p->size, p->st.st_mtim.tv_sec,
		                   p->sha, p->final);
		if (err)
			note_error(m, src, name, "manifest line after the move", err);
		m->st.copied++;
		count_moved(m, index, p->size);
	}
	if ((v = sync_folders(m, sub, src->fd)) != 0) {
		mover_abort(m, v, "fsync");
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
		if (mover_should_stop(m))
			break;
		batch[n].idx = i;
		int rc = copy_one(m, src, l->name[i], sub, &batch[n], i);
		if (rc == -2) {
			copies_discard(sub, batch, n);
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

int move_local_folder(struct mover *m, size_t index, const struct move_src *src,
                      const struct und_list *l)
{
	struct stat b;
	size_t i = 0;
	int rc, sub;

	sub = open_sub(m, src);
	if (sub < 0) {
		mover_abort(m, errno, "mkdir");
		return -1;
	}
	rc = EXDEV;
	if (fstat(sub, &b) == 0 && src->dev == b.st_dev && m->nheld < MOVE_SOURCES_MAX) {
		/* The hash queue reads the renamed files through sub until move_local_hashed. */
		m->held[m->nheld++] = sub;
		rc = rename_files(m, index, src, sub, l, &i);
	}
	if (rc == EXDEV)
		rc = copy_files(m, index, src, sub, l, i);
	if (m->nheld == 0 || m->held[m->nheld - 1] != sub)
		close(sub);
	return rc ? -1 : 0;
}
