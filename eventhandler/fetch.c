#include "config.h"

#include "fetch.h"

#include "clock.h"
#include "files.h"
#include "hash.h"
#include "movestep.h"
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
#define FETCHED_NAME "fetched.tsv"
/* A batch copied before the deadline still gets its deletes: each may wait this long past it. */
#define DEL_GRACE_MS 2000
/* How long recovery waits for each answer of the server. */
#define RECHECK_WAIT_MS 5000
#define NS 1000000000LL

struct fetched {
	size_t idx;
	char tmp[48];
	char final[NAME_MAX + 8];
	struct smb_attr attr; /* as read: what the delete is checked against */
	int64_t size;
	char sha[SHA256_HEX];
	bool placed;
};

static struct fetched fbatch[FETCH_BATCH];

/* Where smb_get's pieces go: the temp copy and the hash. */
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
	for (size_t w = 0; w < n;) {
		ssize_t r = write(k->fd, b + w, n - w);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			k->err = errno;
			return;
		}
		w += (size_t)r;
	}
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

static void server_failed(struct mover *m, const struct move_src *src, const char *step, int e)
{
	if (m->st.server_failed[0])
		return;
	if (e)
		snprintf(m->st.server_failed, sizeof(m->st.server_failed), "%.600s: %s: %s",
		         src->smb->share, step, strerror(e));
	else
		snprintf(m->st.server_failed, sizeof(m->st.server_failed), "%s", src->smb->fatal);
}

static bool same_attr(const struct smb_attr *a, const struct smb_attr *b)
{
	return a->size == b->size && a->mtime == b->mtime && a->ctime == b->ctime;
}

/* What a get came to: 0 for a good copy, -1 when the file stays, -2 when all moving stops. */
static int get_verdict(struct mover *m, const struct move_src *src, const char *name, int rc,
                       const struct sink *k, const struct smb_attr *before,
                       const struct smb_attr *after)
{
	int e = before->err ? before->err : after->err;

	if (rc < 0) {
		server_failed(m, src, NULL, 0);
		return -2;
	}
	if (k->err) {
		stop_all(m, k->err, "write");
		return -2;
	}
	if (server_error(e)) {
		server_failed(m, src, "read", e);
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
 * The next file's request goes out before this one's answer is read, so that
 * the helper never waits for the handler. ahead is the index asked for in
 * advance, or SIZE_MAX.
 */
struct asker {
	size_t ahead;
};

/* Whether file i may be asked for: its quarantine path fits (rel_fits says so to people). */
static bool fits(const struct mover *m, const struct move_src *src, const char *name)
{
	return strlen(m->run_path) + strlen(src->mirror) + strlen(name) + 6 < PATH_MAX;
}

/* Asks for file i, unless it was asked for in advance. Returns 0, ENAMETOOLONG, or -1. */
static int ask(struct asker *a, const struct move_src *src, const struct und_list *l, size_t i)
{
	if (a->ahead == i) {
		a->ahead = SIZE_MAX;
		return 0;
	}
	return smb_ask_get(src->smb, src->path, l->name[i]);
}

static void ask_ahead(struct asker *a, struct mover *m, const struct move_src *src,
                      const struct und_list *l, size_t i)
{
	if (i < l->n && fits(m, src, l->name[i]) &&
	    smb_ask_get(src->smb, src->path, l->name[i]) == 0)
		a->ahead = i;
}

/* Reads file i into a temp copy in sub. Returns 0, -1 when it stays, or -2 to stop. */
static int get_one(struct mover *m, struct asker *a, const struct move_src *src,
                   const struct und_list *l, size_t i, int sub, struct fetched *p)
{
	const char *name = l->name[i];
	struct smb_attr after;
	struct sink k = {.size = 0};
	uint8_t d[SHA256_DIGEST_SIZE];

	if (!rel_fits(m, src, name))
		return -1;
	src->smb->until_ms = m->deadline_ms;
	int rc = ask(a, src, l, i);
	if (rc == ENAMETOOLONG) {
		left_in_place(m, src, name, "its name is too long to ask the server for", rc);
		return -1;
	}
	if (rc == 0 && !past_deadline(m))
		ask_ahead(a, m, src, l, i + 1);
	snprintf(p->tmp, sizeof(p->tmp), TMP_PREFIX "%s-%zu" TMP_SUFFIX, m->run_id, i);
	k.fd = openat(sub, p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (k.fd < 0) {
		stop_all(m, errno, "create");
		return -2;
	}
	sha256_init(&k.c);
	if (rc == 0)
		rc = smb_take_get(src->smb, to_temp, &k, &p->attr, &after);
	if (rc == 0 && !p->attr.err && !k.err) {
		struct timespec t = {(time_t)(p->attr.mtime / NS), (long)(p->attr.mtime % NS)};
		struct timespec times[2] = {t, t};
		if (t.tv_nsec >= 0 && futimens(k.fd, times) < 0)
			k.err = errno;
	}
	if (close(k.fd) < 0 && !k.err)
		k.err = errno;
	int v = get_verdict(m, src, name, rc, &k, &p->attr, &after);
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

/* Appends one line to buf: folder, name, size, write time, change time. */
static int fetched_line(char *buf, size_t len, const struct move_src *src, const char *name,
                        const struct smb_attr *a)
{
	char folder[PATH_MAX * 4], esc[NAME_MAX * 4 + 4];

	if (field_escape(src->path, folder, sizeof(folder)) < 0 ||
	    field_escape(name, esc, sizeof(esc)) < 0)
		return -1;
	int n = snprintf(buf, len, "%s\t%s\t%lld\t%lld\t%lld\n", folder, esc, (long long)a->size,
	                 (long long)a->mtime, (long long)a->ctime);
	return n > 0 && (size_t)n < len ? n : -1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
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
		    openat(m->runfd, FETCHED_NAME,
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
			err = write_all(m->fetched_fd, buf, len);
			len = 0;
		}
		memcpy(buf + len, line, (size_t)w);
		len += (size_t)w;
	}
	if (!err)
		err = write_all(m->fetched_fd, buf, len);
	return err ? err : fdatasync(m->fetched_fd) < 0 ? errno : 0;
}

/* Takes a batch back out of the quarantine before any of its deletes: the originals stay. */
static int abandon(struct mover *m, int sub, size_t n, int err, const char *op)
{
	stop_all(m, err, op);
	for (size_t k = 0; k < n; k++)
		unlinkat(sub, fbatch[k].placed ? fbatch[k].final : fbatch[k].tmp, 0);
	fsync(sub);
	return -1;
}

/* A copy whose original may or may not be gone: recovery asks the server again. */
static void unsettled(struct mover *m, const struct move_src *src, const char *name)
{
	struct move_error *e = note_error(
	    m, src, name, "copied; whether the server removed the original is not known", 0);

	m->st.unsettled++;
	if (e)
		e->unsettled = true;
}

/*
 * The answer to one original's delete, its copy durable under its final
 * name; asked says whether the request went out.
 */
static void settle(struct mover *m, size_t index, const struct move_src *src, int sub,
                   const char *name, const struct fetched *p, bool asked)
{
	int err = 0;

	if (!asked || m->st.server_failed[0] || smb_take_del(src->smb, &err) < 0 ||
	    server_error(err)) {
		server_failed(m, src, "delete", err);
		unsettled(m, src, name);
		return;
	}
	if (err == 0 || err == ENOENT) {
		int e = manifest_add(m, src->path, src->mirror, name, p->size, p->attr.mtime / NS,
		                     p->sha, p->final);
		if (e)
			unrecorded(m, src, name, "its manifest line could not be written", e);
		m->st.copied++;
		moved(m, index, p->size);
		return;
	}
	unlinkat(sub, p->final, 0);
	if (err == ESTALE)
		left_in_place(m, src, name, "changed since it was copied", 0);
	else
		left_in_place(m, src, name, "the server refused to delete it", err);
}

/* Asks for every delete of the batch, then reads the answers in order. */
static void settle_batch(struct mover *m, size_t index, const struct move_src *src, int sub,
                         const struct und_list *l, size_t n)
{
	static bool asked[FETCH_BATCH];
	int64_t now = mono_ms();
	bool ok = smb_drain(src->smb) == 0;

	src->smb->until_ms =
	    m->deadline_ms > now + DEL_GRACE_MS ? m->deadline_ms : now + DEL_GRACE_MS;
	for (size_t k = 0; k < n; k++)
		ok = asked[k] = ok && smb_ask_del(src->smb, src->path, l->name[fbatch[k].idx],
		                                  &fbatch[k].attr) == 0;
	for (size_t k = 0; k < n; k++)
		settle(m, index, src, sub, l->name[fbatch[k].idx], &fbatch[k], asked[k]);
}

static int flush_fetched(struct mover *m, size_t index, const struct move_src *src, int sub,
                         const struct und_list *l, size_t n)
{
	if (syncfs(sub) < 0)
		return abandon(m, sub, n, errno, "sync");
	for (size_t k = 0; k < n; k++)
		if (!copy_verified(sub, fbatch[k].tmp, fbatch[k].size, fbatch[k].sha))
			return abandon(m, sub, n, EIO, "verify");
	int err = fetched_write(m, src, l, n);
	if (err)
		return abandon(m, sub, n, err, "write");
	for (size_t k = 0; k < n; k++) {
		struct fetched *p = &fbatch[k];
		unsigned suffix;
		err = place(sub, p->tmp, sub, l->name[p->idx], p->final, sizeof(p->final), &suffix);
		if (err)
			return abandon(m, sub, n, err, "rename");
		p->placed = true;
	}
	if (fsync(sub) < 0)
		return abandon(m, sub, n, errno, "fsync");
	settle_batch(m, index, src, sub, l, n);
	err = sync_folders(m, sub, -1);
	if (err) {
		stop_all(m, err, "fsync");
		return -1;
	}
	return m->st.server_failed[0] ? -1 : 0;
}

int fetch_folder(struct mover *m, size_t index, const struct move_src *src,
                 const struct und_list *l)
{
	struct asker a = {SIZE_MAX};
	size_t n = 0;
	int64_t bytes = 0;
	bool stop = false;
	int sub = open_sub(m, src);

	if (sub < 0) {
		stop_all(m, errno, "mkdir");
		return -1;
	}
	for (size_t i = 0; i < l->n && !stop; i++) {
		if (past_deadline(m))
			break;
		fbatch[n].idx = i;
		int g = get_one(m, &a, src, l, i, sub, &fbatch[n]);
		stop = g == -2;
		if (g < 0)
			continue;
		bytes += fbatch[n++].size;
		if (n == FETCH_BATCH || bytes >= FETCH_BATCH_BYTES) {
			stop = flush_fetched(m, index, src, sub, l, n) < 0;
			/* Its deletes drained the answer asked for in advance: that file is asked
			 * again. */
			a.ahead = SIZE_MAX;
			n = 0;
			bytes = 0;
		}
	}
	/* Copies made before the deadline are settled; after a failure they are taken back. */
	if (n > 0 && (m->st.abort_err || m->st.server_failed[0]))
		abandon(m, sub, n, m->st.abort_err, m->st.abort_op);
	else if (n > 0)
		stop |= flush_fetched(m, index, src, sub, l, n) < 0;
	close(sub);
	return stop || m->st.deadline_hit ? -1 : 0;
}

static bool parse_i64(const char *s, int64_t *v)
{
	char *end;

	errno = 0;
	long long x = strtoll(s, &end, 10);
	*v = x;
	return errno == 0 && end != s && *end == '\0';
}

/* One whole line of fetched.tsv, in place; false for one cut short or malformed. */
static bool parse_fetched(char *line, struct fetched_rec *r)
{
	char *f[5], *save = NULL;
	int n = 0;

	for (char *t = strtok_r(line, "\t", &save); t && n < 5; t = strtok_r(NULL, "\t", &save))
		f[n++] = t;
	if (n != 5 || field_unescape(f[0], strlen(f[0]), f[0], strlen(f[0]) + 1) < 0 ||
	    field_unescape(f[1], strlen(f[1]), f[1], strlen(f[1]) + 1) < 0)
		return false;
	r->folder = f[0];
	r->name = f[1];
	r->attr.err = 0;
	return parse_i64(f[2], &r->attr.size) && parse_i64(f[3], &r->attr.mtime) &&
	       parse_i64(f[4], &r->attr.ctime);
}

void fetched_load(int runfd, struct fetched_log *log)
{
	struct stat st;
	int fd = openat(runfd, FETCHED_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t cap = 0;

	memset(log, 0, sizeof(*log));
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || st.st_size > 256 * 1024 * 1024 ||
	    !(log->text = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return;
	}
	ssize_t got = pread(fd, log->text, (size_t)st.st_size, 0);
	close(fd);
	log->text[got > 0 ? got : 0] = '\0';
	/* Only lines ended by a newline: a kill may have cut the last one. */
	for (char *p = log->text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		if (log->n == cap) {
			cap = cap ? cap * 2 : 256;
			void *v = realloc(log->rec, cap * sizeof(*log->rec));
			if (!v)
				return;
			log->rec = v;
		}
		log->n += parse_fetched(p, &log->rec[log->n]);
	}
}

void fetched_free(struct fetched_log *log)
{
	free(log->rec);
	free(log->text);
	memset(log, 0, sizeof(*log));
}

int fetch_recheck(const struct move_src *src, const struct fetched_log *log, const char *name)
{
	const struct smb_attr *a = NULL;
	int err;

	for (size_t i = 0; i < log->n && !a; i++)
		if (strcmp(log->rec[i].name, name) == 0 &&
		    strcmp(log->rec[i].folder, src->path) == 0)
			a = &log->rec[i].attr;
	/* Never recorded, so never asked to be deleted: the copy is kept, a duplicate at worst. */
	if (!a)
		return 0;
	src->smb->until_ms = mono_ms() + RECHECK_WAIT_MS;
	if (smb_del(src->smb, src->path, name, a, &err) < 0 || server_error(err))
		return -1;
	return err == 0 || err == ENOENT || err == ESTALE ? 0 : 1;
}
