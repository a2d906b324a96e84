#include "config.h"

#include "move_smb.h"

#include "clock.h"
#include "fdio.h"
#include "fetchlog.h"
#include "files.h"
#include "hash.h"
#include "movestep.h"
#include "number.h"
#include "runfolder.h"
#include "tsvfield.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FETCH_BATCH 256
#define FETCH_BATCH_BYTES (64 * 1024 * 1024)
/* Deletes asked for ahead of the answer read: enough to keep the helpers busy, few enough
 * that a request never waits on a full socket. */
#define DEL_WINDOW 32
#define NS 1000000000LL

static struct copy fbatch[FETCH_BATCH];

/* Where smb_take_get's pieces go: the temp copy and the hash. */
struct sink {
	int fd;
	struct sha256_ctx c;
	int64_t size;
	int err;
};

static void to_temp(const void *p, size_t n, void *ctx)
{
	struct sink *k = ctx;
	const unsigned char *b = p;

	if (k->err)
		return;
	sha256_update(&k->c, n, b);
	k->size += (int64_t)n;
	k->err = write_full(k->fd, b, n, NULL);
}

/* Errors that say the server, not the file, failed: every further file would fail too. */
static bool server_error(int e)
{
	static const int gone[] = {ETIMEDOUT, ECONNRESET,   ECONNREFUSED, ECONNABORTED,
	                           ENOTCONN,  EPIPE,        ENETRESET,    ENETUNREACH,
	                           ENETDOWN,  EHOSTUNREACH, EHOSTDOWN,    ESHUTDOWN};

	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (e == gone[i])
			return true;
	return false;
}

/* Ends all moving for a server that failed: e from a request, or the session's own message. */
static void server_failed(struct mover *m, const struct smb_session *s, const char *step, int e)
{
	if (m->st.server_failed[0])
		return;
	if (e)
		snprintf(m->st.server_failed, sizeof(m->st.server_failed), "%.600s: %s: %s",
		         s->share, step, strerror(e));
	else
		snprintf(m->st.server_failed, sizeof(m->st.server_failed), "%s",
		         s->fatal[0] ? s->fatal : "the SMB helper failed");
}

static bool same_attr(const struct smb_attr *a, const struct smb_attr *b)
{
	return a->size == b->size && a->mtime == b->mtime && a->ctime == b->ctime && a->id == b->id;
}

/* A server's time in ns as a timespec, rounded down (before 1970 too). */
static struct timespec ts_of(int64_t ns)
{
	int64_t sec = ns / NS, rem = ns % NS;

	if (rem < 0)
		sec--, rem += NS;
	return (struct timespec){(time_t)sec, (long)rem};
}

/* What a get came to: 0 for a good copy, -1 when the file stays, -2 when all moving stops. */
static int get_verdict(struct mover *m, const struct move_src *src, const struct smb_session *s,
                       const char *name, int rc, const struct sink *k,
                       const struct smb_attr *before, const struct smb_attr *after)
{
	int e = before->err ? before->err : after->err;

	if (rc < 0) {
		/* A wait cut short by the run's deadline is the deadline, not a failing server. */
		if (s->timed_out && mono_ms() >= m->deadline_ms)
			m->st.deadline_hit = true;
		else
			server_failed(m, s, NULL, 0);
		return -2;
	}
	if (k->err) {
		mover_abort(m, k->err, "write");
		return -2;
	}
	if (server_error(e)) {
		server_failed(m, s, "read", e);
		return -2;
	}
	if (before->err) {
		left_in_place(m, src, name, "open on the server", e);
		return -1;
	}
	if (after->err && after->err != ENOENT) {
		left_in_place(m, src, name, "read on the server", after->err);
		return -1;
	}
	/* The connector before SP3 appends to .und files: a copy of a moving target is no copy. */
	if (after->err || !same_attr(before, after) || k->size != before->size) {
		left_in_place(m, src, name, "changed while it was copied", after->err);
		return -1;
	}
	return 0;
}

/*
 * Files are read over the share's lanes (mover.h), file i over lane i % n,
 * and asked for up to n files ahead, so that each helper has a request in
 * hand while the handler writes the last answer: the server's round trips
 * overlap. Each lane answers its requests in order, and they are read in
 * file order, so the answer read from a lane is always the file expected.
 */
struct lanes {
	struct smb_session *s[SMB_LANES];
	size_t n;
	size_t next;          /* the first file not yet asked for */
	unsigned char *asked; /* per file: its request went out */
};

static struct smb_session *lane(const struct lanes *ln, size_t i)
{
	return ln->s[i % ln->n];
}

/* Asks for the files from ln->next up to file last, over their lanes. */
static void ask_upto(struct lanes *ln, const struct mover *m, const struct move_src *src,
                     const struct und_list *l, size_t last)
{
	for (; ln->next < l->n && ln->next <= last; ln->next++)
		ln->asked[ln->next] =
		    path_fits(m, src, l->name[ln->next]) &&
		    smb_ask_get(lane(ln, ln->next), src->path, l->name[ln->next]) == 0;
}

/* Drops the answers still due, and makes the files they were for be asked again from first. */
static bool lanes_drain(struct lanes *ln, size_t first)
{
	bool ok = true;

	for (size_t k = 0; k < ln->n; k++)
		ok = smb_drain(ln->s[k]) == 0 && ok;
	for (size_t i = first; i < ln->next; i++)
		ln->asked[i] = 0;
	if (ln->next > first)
		ln->next = first;
	return ok;
}

static void lanes_until(struct lanes *ln, int64_t until)
{
	for (size_t k = 0; k < ln->n; k++)
		ln->s[k]->until_ms = until;
}

/* Reads file i into a temp copy in sub. Returns 0, -1 when it stays, or -2 to stop. */
static int get_one(struct mover *m, struct lanes *ln, const struct move_src *src,
                   const struct und_list *l, size_t i, int sub, struct copy *p)
{
	const char *name = l->name[i];
	struct smb_session *s = lane(ln, i);
	struct smb_attr after = {0};
	struct sink k = {.size = 0};
	uint8_t d[SHA256_DIGEST_SIZE];

	if (!fits_or_leave(m, src, name))
		return -1;
	lanes_until(ln, m->deadline_ms);
	ask_upto(ln, m, src, l, mover_should_stop(m) ? i : i + ln->n - 1);
	if (!ln->asked[i] && !s->fatal[0]) {
		left_in_place(m, src, name, "its name is too long to ask the server for",
		              ENAMETOOLONG);
		return -1;
	}
	temp_name(p->tmp, sizeof(p->tmp), m->run_id, i);
	k.fd = openat(sub, p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (k.fd < 0) {
		mover_abort(m, errno, "create");
		return -2;
	}
	sha256_init(&k.c);
	p->attr.err = 0;
	int rc = ln->asked[i] ? smb_take_get(s, to_temp, &k, &p->attr, &after) : -1;
	ln->asked[i] = 0;
	if (rc == 0 && !p->attr.err && !k.err) {
		struct timespec times[2] = {ts_of(p->attr.mtime), ts_of(p->attr.mtime)};
		if (futimens(k.fd, times) < 0)
			k.err = errno;
	}
	if (close(k.fd) < 0 && !k.err)
		k.err = errno;
	int v = get_verdict(m, src, s, name, rc, &k, &p->attr, &after);
	if (v) {
		unlinkat(sub, p->tmp, 0);
		return v;
	}
	sha256_digest(&k.c, sizeof(d), d);
	sha256_hex(d, p->sha);
	p->size = k.size;
	p->placed = false;
	return 0;
}

/* Appends one line to buf: folder, name, size, write time, change time, file ID. */
static int fetched_line(char *buf, size_t len, const struct move_src *src, const char *name,
                        const struct smb_attr *a)
{
	struct fetchlog_entry e = {src->path, name, a->size, a->mtime, a->ctime, a->id};

	return fetchlog_format(&e, buf, len);
}

/* Records the batch in fetched.tsv, durably, before any copy gets its final name. */
static int fetched_write(struct mover *m, const struct move_src *src, const struct und_list *l,
                         size_t n)
{
	static char buf[256 * 1024];
	char line[PATH_MAX * 4 + NAME_MAX * 4 + 96];
	size_t len = 0;
	int err = 0;

	if (m->fetched_fd < 0) {
		m->fetched_fd =
		    openat(m->runfd, FETCHLOG_NAME,
		           O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (m->fetched_fd < 0 || fsync(m->runfd) < 0)
			return errno;
	}
	for (size_t k = 0; k < n && !err; k++) {
		int w =
		    fetched_line(line, sizeof(line), src, l->name[fbatch[k].idx], &fbatch[k].attr);
		if (w < 0)
			return ENAMETOOLONG;
		if (len + (size_t)w > sizeof(buf)) {
			err = write_full(m->fetched_fd, buf, len, NULL);
			len = 0;
		}
		memcpy(buf + len, line, (size_t)w);
		len += (size_t)w;
	}
	if (!err)
		err = write_full(m->fetched_fd, buf, len, NULL);
	return err ? err : fdatasync(m->fetched_fd) < 0 ? errno : 0;
}

/* A copy whose original may or may not be gone: recovery asks the server again. */
static void count_unsettled(struct mover *m, const struct move_src *src, const char *name)
{
	struct move_error *e = note_error(
	    m, src, name, "copied; whether the server removed the original is not known", 0);

	m->st.unsettled++;
	if (e)
		e->unsettled = true;
}

/*
 * The answer to one original's delete, from session s, its copy durable
 * under its final name; asked says whether the request went out.
 */
static void settle(struct mover *m, size_t index, const struct move_src *src, struct smb_session *s,
                   int sub, const char *name, const struct copy *p, bool asked)
{
	struct smb_del_answer a = {0};

	if (!asked || m->st.server_failed[0] || smb_take_del(s, &a) < 0 || server_error(a.check) ||
	    server_error(a.unlink)) {
		if (!(s->timed_out && m->st.deadline_hit))
			server_failed(m, s, "delete", a.check ? a.check : a.unlink);
		count_unsettled(m, src, name);
		return;
	}
	enum smb_del_outcome o = smb_del_outcome(&a);
	if (o == DEL_UNKNOWN) {
		count_unsettled(m, src, name);
		return;
	}
	if (o == DEL_REFUSED) {
		unlinkat(sub, p->final, 0);
		left_in_place(m, src, name, "the server refused to delete it", a.unlink);
		return;
	}
	/*
	 * Removed, or gone: the copy is the file. Changed since it was copied: the copy is kept
	 * too, for the change may be another file put in its place; the original stays, left for
	 * the next run: a near duplicate at worst, never a loss.
	 */
	int e = manifest_add(m, src->path, src->mirror, name, p->size, ts_of(p->attr.mtime).tv_sec,
	                     p->sha, p->final);
	if (e)
		count_unrecorded(m, src, name, "its manifest line could not be written", e);
	if (o == DEL_CHANGED) {
		left_in_place(m, src, name,
		              "changed since it was copied; the copy is kept in the quarantine", 0);
		return;
	}
	m->st.copied++;
	count_moved(m, index, p->size);
}

/*
 * The batch's deletes over the lanes, up to DEL_WINDOW asked ahead of the
 * answer read, in order. The gets asked in advance are dropped first, and
 * asked again later from file next.
 */
static void settle_batch(struct mover *m, struct lanes *ln, size_t next, size_t index,
                         const struct move_src *src, int sub, const struct und_list *l, size_t n)
{
	static bool asked[FETCH_BATCH];
	int64_t now = mono_ms();
	size_t sent = 0;

	lanes_until(ln,
	            m->deadline_ms > now + MOVE_GRACE_MS ? m->deadline_ms : now + MOVE_GRACE_MS);
	bool ok = lanes_drain(ln, next);
	for (size_t k = 0; k < n; k++) {
		for (; sent < n && sent < k + DEL_WINDOW; sent++)
			ok = asked[sent] =
			    ok && smb_ask_del(lane(ln, sent), src->path, l->name[fbatch[sent].idx],
			                      &fbatch[sent].attr) == 0;
		settle(m, index, src, lane(ln, k), sub, l->name[fbatch[k].idx], &fbatch[k],
		       asked[k]);
	}
}

static int flush_fetched(struct mover *m, struct lanes *ln, size_t next, size_t index,
                         const struct move_src *src, int sub, const struct und_list *l, size_t n)
{
	if (syncfs(sub) < 0)
		return copies_abandon(m, sub, fbatch, n, errno, "sync");
	int v = copies_verify(m, sub, fbatch, n);
	if (v == ETIMEDOUT) {
		/* Out of time before any delete: the copies go, the originals stay. */
		m->st.deadline_hit = true;
		return copies_abandon(m, sub, fbatch, n, 0, NULL);
	}
	if (v)
		return copies_abandon(m, sub, fbatch, n, EIO, "verify");
	int err = fetched_write(m, src, l, n);
	if (err)
		return copies_abandon(m, sub, fbatch, n, err, "write");
	if ((err = copies_place(sub, fbatch, n, l)) != 0)
		return copies_abandon(m, sub, fbatch, n, err, "rename");
	if (fsync(sub) < 0)
		return copies_abandon(m, sub, fbatch, n, errno, "fsync");
	settle_batch(m, ln, next, index, src, sub, l, n);
	err = sync_folders(m, sub, -1);
	if (err) {
		mover_abort(m, err, "fsync");
		return -1;
	}
	return m->st.server_failed[0] ? -1 : 0;
}

int move_smb_folder(struct mover *m, size_t index, const struct move_src *src,
                    const struct und_list *l)
{
	struct lanes ln = {.n = 0};
	size_t n = 0;
	int64_t bytes = 0;
	bool stop = false;
	int sub;

	if (!src->smb->fatal[0])
		ln.s[ln.n++] = src->smb;
	for (size_t k = 0; k + 1 < SMB_LANES; k++)
		if (src->lane[k] && !src->lane[k]->fatal[0])
			ln.s[ln.n++] = src->lane[k];
	if (ln.n == 0 || !(ln.asked = calloc(l->n, 1))) {
		mover_abort(m, ENOMEM, "memory");
		return -1;
	}
	if ((sub = open_sub(m, src)) < 0) {
		mover_abort(m, errno, "mkdir");
		free(ln.asked);
		return -1;
	}
	for (size_t i = 0; i < l->n && !stop; i++) {
		if (mover_should_stop(m))
			break;
		fbatch[n].idx = i;
		int g = get_one(m, &ln, src, l, i, sub, &fbatch[n]);
		stop = g == -2;
		if (g < 0)
			continue;
		bytes += fbatch[n++].size;
		if (n == FETCH_BATCH || bytes >= FETCH_BATCH_BYTES) {
			stop = flush_fetched(m, &ln, i + 1, index, src, sub, l, n) < 0;
			n = 0;
			bytes = 0;
		}
	}
	/* Copies made before the deadline are settled; after a failure they are taken back. */
	if (n > 0 && (m->st.abort_err || m->st.server_failed[0]))
		copies_abandon(m, sub, fbatch, n, m->st.abort_err, m->st.abort_op);
	else if (n > 0)
		stop |= flush_fetched(m, &ln, l->n, index, src, sub, l, n) < 0;
	close(sub);
	free(ln.asked);
	return stop || m->st.deadline_hit ? -1 : 0;
}
