#include "config.h"

#include "probe.h"

#include "clock.h"
#include "smburl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What the child reports as it goes, so a time-out can name the step that hung. */
struct progress {
	volatile size_t folder;
	volatile enum probe_step step;
};

const char *probe_step_name(enum probe_step s)
{
	static const char *const names[] = {"starting", "checking the mount of", "opening",
	                                    "scanning", "done"};

	return (unsigned)s <= STEP_DONE ? names[s] : "?";
}

const char *probe_hung_text(const struct folder_list *l, const struct probe *p, char *buf,
                            size_t len)
{
	const struct folder *f = &l->f[p->hung_folder < l->n ? p->hung_folder : 0];
	char where[PATH_MAX + NAME_MAX + 2];

	/* The mount check looks at the store itself, not at one of its folders. */
	if (p->hung_step == STEP_MOUNT)
		snprintf(where, sizeof(where), "%s", f->path);
	else
		folder_path(f, where, sizeof(where));
	snprintf(buf, len, "%s %s", probe_step_name(p->hung_step), where);
	return buf;
}

/*
 * Errors that mean the folder is not there, for --missing. A folder that is
 * there in another form (a symlink or a file in its place) is not missing.
 */
static bool absent(int err)
{
	return err == ENOENT;
}

/* Another folder of this probe already opened as the same directory (a symlink, a bind mount). */
static const struct probe_result *opened_before(const struct probe *p, size_t i, dev_t dev,
                                                ino_t ino)
{
	for (size_t j = 0; j < i; j++)
		if (p->res[j].err == 0 && p->res[j].dev == dev && p->res[j].ino == ino)
			return &p->res[j];
	return NULL;
}

static void set_error(struct probe_result *r, int err, bool missing, const char *what)
{
	r->err = err;
	r->missing = missing;
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: %s", what, strerror(err));
}

/* The mount of a store is checked once; its folders share the verdict. */
static void probe_mount(const struct folder *f, const struct probe_opts *o, struct probe_result *r)
{
	int rc = mount_check(f->path, o->fstypes, o->require_mount, r->errmsg, sizeof(r->errmsg));

	if (rc > 0)
		set_error(r, rc, absent(rc), f->path);
	else if (rc == MOUNT_LOOKUP_FAILED)
		r->err = EIO;
	else if (rc < 0) {
		r->err = -1;
		r->missing = true;
	}
	r->mount_failed = rc != 0;
}

/* Why folder f (at r->path) could not be opened, by any backend. */
static void open_failed(struct probe_result *r, const struct folder *f, int rc)
{
	r->err = rc;
	r->missing = absent(rc);
	folder_open_why(f, r->path, rc, r->errmsg, sizeof(r->errmsg));
}

static void probe_folder(const struct folder_list *l, size_t i, struct store_dir *sd,
                         const struct probe_opts *o, struct probe *p, struct progress *pg)
{
	const struct folder *f = &l->f[i];
	struct probe_result *r = &p->res[i];
	const struct probe_result *twin;
	struct stat st;
	int fd, rc;
	int64_t t0;

	pg->step = STEP_OPEN;
	rc = folder_open(l, i, sd, &fd, r->path, sizeof(r->path));
	if (rc != 0) {
		open_failed(r, f, rc);
		return;
	}
	pg->step = STEP_SCAN;
	twin = NULL;
	if (fstat(fd, &st) == 0) {
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		twin = opened_before(p, i, r->dev, r->ino);
	}
	if (twin) {
		r->err = EEXIST;
		snprintf(r->errmsg, sizeof(r->errmsg),
		         "%.2000s: the same folder as %.2000s, given twice", r->path, twin->path);
		close(fd);
		return;
	}
	t0 = mono_us();
	struct scan_opts so = {o->now, o->list_max, o->backlog};
	struct store_folder sf = store_folder_local(fd);
	rc = und_scan(&sf, &so, &r->st, r->list);
	r->scan_us = mono_us() - t0;
	close(fd);
	if (rc != 0)
		set_error(r, rc, false, r->path);
}

/*
 * An smb:// folder, through the session serving its share (started here
 * when it serves another one or none). A failure of the server itself
 * (connection, logon, share) is the folder's error, with the helper's text.
 */
static void probe_folder_smb(const struct folder_list *l, size_t i, struct smb_session *ss,
                             const struct probe_opts *o, struct probe *p, struct progress *pg)
{
	struct probe_result *r = &p->res[i];
	char share[PATH_MAX];
	int rc;

	pg->step = STEP_OPEN;
	folder_path(&l->f[i], r->path, sizeof(r->path));
	smb_share_of(&l->f[i], share, sizeof(share));
	/* A session the caller keeps, or one per share here; a server that failed is not asked
	 * again for its other folders. */
	struct smb_session *kept = o->pool ? smb_pool_find(o->pool, share) : NULL;
	if (kept) {
		ss = kept;
		smb_session_ask(ss);
	} else if (strcmp(ss->share, share) != 0) {
		smb_session_end(ss);
		smb_session_start(ss, l, i, o->smb, o->timeout_ms, false);
	}
	rc = smb_folder_open(ss, r->path, sizeof(r->path));
	if (rc == 0) {
		int64_t t0 = mono_us();
		struct scan_opts so = {o->now, o->list_max, o->backlog};
		struct store_folder sf = {.be = &backend_smb, .fd = -1, .priv = ss};
		pg->step = STEP_SCAN;
		rc = und_scan(&sf, &so, &r->st, r->list);
		r->scan_us = mono_us() - t0;
		if (rc != 0 && !ss->fatal[0])
			set_error(r, rc, false, r->path);
	} else if (rc > 0) {
		open_failed(r, &l->f[i], rc);
	}
	if (ss->fatal[0]) {
		r->err = EIO;
		r->missing = false;
		snprintf(r->errmsg, sizeof(r->errmsg), "%s", ss->fatal);
	}
}

/* The first folder of the same store, whose mount verdict stands for this one. */
static size_t first_same_store(const struct folder_list *l, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (folder_same_store(&l->f[j], &l->f[i]))
			return j;
	return i;
}

static void copy_mount_verdict(struct probe_result *dst, const struct probe_result *src)
{
	dst->err = src->err;
	dst->missing = src->missing;
	dst->mount_failed = src->mount_failed;
	memcpy(dst->errmsg, src->errmsg, sizeof(dst->errmsg));
}

static void child_main(const struct folder_list *l, const struct probe_opts *o, struct probe *p,
                       struct progress *pg)
{
	int null = open("/dev/null", O_RDWR);
	struct store_dir sd;
	struct smb_session ss = {.fd = -1};

	/* Never hold the caller's output pipe open: Nagios reads it to EOF. */
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	store_dir_init(&sd);
	for (size_t i = 0; i < l->n; i++) {
		struct probe_result *r = &p->res[i];
		pg->folder = i;
		if (smburl_is(l->f[i].path)) {
			probe_folder_smb(l, i, &ss, o, p, pg);
			continue;
		}
		if (o->fstypes != NULL || o->require_mount) {
			size_t j = first_same_store(l, i);
			pg->step = STEP_MOUNT;
			if (j == i)
				probe_mount(&l->f[i], o, r);
			else
				copy_mount_verdict(r, &p->res[j]);
			if (r->mount_failed) {
				snprintf(r->path, sizeof(r->path), "%s", l->f[i].path);
				continue;
			}
		}
		probe_folder(l, i, &sd, o, p, pg);
	}
	store_dir_close(&sd);
	smb_session_end(&ss);
	for (size_t k = 0; o->pool && k < o->pool->n; k++)
		smb_session_scan_end(&o->pool->s[k]);
	pg->step = STEP_DONE;
}

static int probe_map(const struct folder_list *l, const struct probe_opts *o, struct probe *p)
{
	size_t head = sizeof(struct progress) + l->n * sizeof(struct probe_result);
	size_t lists = l->n * o->list_max * sizeof(struct scan_file);

	head = (head + 63) & ~(size_t)63;
	p->maplen = head + lists;
	p->map = mmap(NULL, p->maplen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->map == MAP_FAILED) {
		p->map = NULL;
		return -1;
	}
	p->res = (struct probe_result *)((char *)p->map + sizeof(struct progress));
	for (size_t i = 0; i < l->n; i++)
		p->res[i].list = (struct scan_file *)((char *)p->map + head) + i * o->list_max;
	return 0;
}

/* Waits until the child closes its end of the pipe, which it does by exiting. */
static int wait_readable(int rfd, int timeout_ms)
{
	int64_t deadline = mono_us() + (int64_t)timeout_ms * 1000;

	for (;;) {
		struct pollfd pfd = {rfd, POLLIN, 0};
		int64_t left = (deadline - mono_us()) / 1000;
		if (left <= 0)
			return -1;
		int rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		return rc > 0 ? 0 : -1;
	}
}

int probe_start(const struct folder_list *l, const struct probe_opts *o, struct probe *p)
{
	int pfd[2];

	memset(p, 0, sizeof(*p));
	p->n = l->n;
	p->rfd = -1;
	if (probe_map(l, o, p) != 0) {
		snprintf(p->failure, sizeof(p->failure), "cannot map memory: %s", strerror(errno));
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC) != 0 || (p->pid = fork()) < 0) {
		snprintf(p->failure, sizeof(p->failure), "cannot start the scan: %s",
		         strerror(errno));
		return -1;
	}
	if (p->pid == 0) {
		close(pfd[0]);
		child_main(l, o, p, p->map);
		_exit(0);
	}
	close(pfd[1]);
	p->rfd = pfd[0];
	return 0;
}

void probe_abandon(struct probe *p)
{
	const struct progress *pg = p->map;

	kill(p->pid, SIGKILL); /* it may sit in the kernel; it is not waited for */
	close(p->rfd);
	p->rfd = -1;
	p->timed_out = true;
	p->hung_folder = pg->folder;
	p->hung_step = pg->step;
}

int probe_finish(struct probe *p)
{
	const struct progress *pg = p->map;
	int status = 0;

	close(p->rfd);
	p->rfd = -1;
	while (waitpid(p->pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(p->failure, sizeof(p->failure), "cannot wait for the scan: %s",
			         strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || pg->step != STEP_DONE) {
		snprintf(p->failure, sizeof(p->failure), "the scan process failed (%s %d)",
		         WIFSIGNALED(status) ? "signal" : "status",
		         WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

int probe_run(const struct folder_list *l, const struct probe_opts *o, struct probe *p)
{
	if (probe_start(l, o, p) != 0)
		return -1;
	if (wait_readable(p->rfd, o->timeout_ms) != 0) {
		probe_abandon(p);
		return -1;
	}
	return probe_finish(p);
}

void probe_free(struct probe *p)
{
	if (p->map != NULL)
		munmap(p->map, p->maplen);
	p->map = NULL;
}
