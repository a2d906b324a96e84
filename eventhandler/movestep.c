#include "config.h"

#include "movestep.h"

#include "clock.h"
#include "files.h"
#include "hash.h"
#include "runfolder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUFFIX_MAX 999

bool quarantine_fatal(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EIO || e == EROFS || e == EFBIG;
}

struct move_error *note_error(struct mover *m, const struct move_src *src, const char *name,
                              const char *op, int err)
{
	struct move_error *e;

	if (m->st.nerrors == MOVE_ERRORS_MAX)
		return NULL;
	e = &m->st.errors[m->st.nerrors++];
	e->src = src;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->op = op;
	e->err = err;
	e->quarantined = false;
	return e;
}

void count_unrecorded(struct mover *m, const struct move_src *src, const char *name, const char *op,
                      int err)
{
	struct move_error *e = note_error(m, src, name, op, err);

	m->st.unrecorded++;
	if (e)
		e->quarantined = true;
}

/* One that vanished meanwhile needs no move and is not "left". */
void left_in_place(struct mover *m, const struct move_src *src, const char *name, const char *op,
                   int err)
{
	if (err == ENOENT) {
		m->st.vanished++;
		return;
	}
	m->st.left++;
	note_error(m, src, name, op, err);
}

/*
 * The quarantine path of name, with room for a "~999" suffix, must fit in
 * PATH_MAX, or its manifest line could not say where it is: such a file is
 * left in place, and said so.
 */
bool path_fits(const struct mover *m, const struct move_src *src, const char *name)
{
	return strlen(m->run_path) + strlen(src->mirror) + strlen(name) + 6 < PATH_MAX;
}

bool fits_or_leave(struct mover *m, const struct move_src *src, const char *name)
{
	if (path_fits(m, src, name))
		return true;
	left_in_place(m, src, name, "its path in the quarantine would be too long", ENAMETOOLONG);
	return false;
}

void mover_abort(struct mover *m, int err, const char *op)
{
	if (!m->st.abort_err) {
		m->st.abort_err = err;
		m->st.abort_op = op;
	}
}

bool mover_should_stop(struct mover *m)
{
	if (m->stop_asked && *m->stop_asked)
		m->st.interrupted = true;
	else if (mono_ms() < m->deadline_ms)
		return false;
	m->st.deadline_hit = true;
	return true;
}

/*
 * Renames from (relative to fromfd) into sub as name, or name~N when name
 * is taken; never replaces. File systems without RENAME_NOREPLACE get
 * link and unlink, which cannot replace either.
 */
int place(int fromfd, const char *from, int sub, const char *name, char *final, size_t flen,
          unsigned *suffix)
{
	for (unsigned i = 0; i <= SUFFIX_MAX; i++) {
		*suffix = i;
		if (i == 0)
			snprintf(final, flen, "%s", name);
		else
			snprintf(final, flen, "%s~%u", name, i);
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

void count_moved(struct mover *m, size_t index, int64_t size)
{
	m->st.moved++;
	m->st.bytes += size;
	if (index < MOVE_SOURCES_MAX)
		m->st.moved_in[index]++;
	if (m->on_progress)
		m->on_progress(&m->st, false, m->progress_ctx);
}

int sync_folders(struct mover *m, int sub, int srcfd)
{
	int err = manifest_flush(m);

	if (err)
		return err;
	if (fsync(sub) < 0 || (srcfd >= 0 && fsync(srcfd) < 0) || fdatasync(m->manifest_fd) < 0)
		return errno;
	return 0;
}

int copy_verified(const struct mover *m, int sub, const char *tmp, int64_t want_size,
                  const char *want_sha)
{
	char sha[SHA256_HEX];
	int64_t size;
	int fd = openat(sub, tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int err = fd < 0 ? EIO : sha256_fd(fd, sha, &size, m->deadline_ms + MOVE_GRACE_MS);

	if (fd >= 0)
		close(fd);
	if (err == ETIMEDOUT)
		return err;
	return !err && size == want_size && strcmp(sha, want_sha) == 0 ? 0 : EIO;
}

void copies_discard(int sub, const struct copy *c, size_t n)
{
	for (size_t k = 0; k < n; k++)
		unlinkat(sub, c[k].placed ? c[k].final : c[k].tmp, 0);
	fsync(sub);
}

int copies_abandon(struct mover *m, int sub, const struct copy *c, size_t n, int err,
                   const char *op)
{
	mover_abort(m, err, op);
	copies_discard(sub, c, n);
	return -1;
}

int copies_verify(const struct mover *m, int sub, const struct copy *c, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		int v = copy_verified(m, sub, c[k].tmp, c[k].size, c[k].sha);
		if (v)
			return v == ETIMEDOUT ? ETIMEDOUT : EIO;
	}
	return 0;
}

int copies_place(int sub, struct copy *c, size_t n, const struct und_list *l)
{
	for (size_t k = 0; k < n; k++) {
		unsigned suffix;
		int err = place(sub, c[k].tmp, sub, l->name[c[k].idx], c[k].final,
		                sizeof(c[k].final), &suffix);
		if (err)
			return err;
		c[k].placed = true;
	}
	return 0;
}
