#include "config.h"

#include "runfolder.h"

#include "fdio.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* Lines that never reached the file are counted: the run stays unfinished for them. */
static void lines_lost(struct mover *m, size_t from)
{
	for (size_t i = from; i < m->manifest_len; i++)
		m->st.unrecorded += m->manifest_buf[i] == '\n';
}

int manifest_flush(struct mover *m)
{
	size_t done = 0;
	int err = write_full(m->manifest_fd, m->manifest_buf, m->manifest_len, &done);

	if (err) {
		/* A line cut by the failed write counts too; recovery drops a torn tail. */
		while (done > 0 && m->manifest_buf[done - 1] != '\n')
			done--;
		lines_lost(m, done);
		m->manifest_len = 0;
		return err;
	}
	m->manifest_len = 0;
	return 0;
}

/* Where a copy of folder's file final lies, relative to the quarantine root. */
void quarantine_rel(const struct mover *m, const char *mirror, const char *final, char *dst,
                    size_t len)
{
	snprintf(dst, len, "%s%s/%s", m->run_name, strcmp(mirror, "/") == 0 ? "" : mirror, final);
}

int manifest_add(struct mover *m, const char *folder, const char *mirror, const char *name,
                 int64_t size, int64_t mtime, const char *sha, const char *final)
{
	struct manifest_entry e = {.time = m->now, .size = size, .mtime = mtime};
	char line[MANIFEST_LINE_MAX];
	int n;

	snprintf(e.folder, sizeof(e.folder), "%s", folder);
	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(e.sha256, sizeof(e.sha256), "%s", sha);
	quarantine_rel(m, mirror, final, e.path, sizeof(e.path));
	n = manifest_format(&e, line, sizeof(line));
	if (n < 0)
		return ENAMETOOLONG;
	if (m->manifest_len + (size_t)n > sizeof(m->manifest_buf)) {
		int err = manifest_flush(m);
		if (err)
			return err;
	}
	memcpy(m->manifest_buf + m->manifest_len, line, (size_t)n);
	m->manifest_len += (size_t)n;
	return 0;
}

void runfolder_name(struct mover *m, const char *qpath)
{
	struct tm tm;
	time_t t = (time_t)m->now;
	char stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(m->run_name, sizeof(m->run_name), "%s-%s", stamp, m->run_id);
	snprintf(m->run_path, sizeof(m->run_path), "%s/%s", qpath, m->run_name);
	m->runfd = m->manifest_fd = m->fetched_fd = -1;
}

int runfolder_make(struct mover *m, int qfd)
{
	if (mkdirat(qfd, m->run_name, 0700) < 0)
		return errno;
	m->runfd = openat(qfd, m->run_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (m->runfd < 0 || fsync(qfd) < 0)
		return errno;
	return manifest_open(m);
}

int runfolder_reopen(struct mover *m, const char *run_path)
{
	const char *slash = strrchr(run_path, '/');

	snprintf(m->run_path, sizeof(m->run_path), "%s", run_path);
	snprintf(m->run_name, sizeof(m->run_name), "%s", slash ? slash + 1 : run_path);
	m->manifest_fd = m->fetched_fd = -1;
	m->runfd = open(run_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (m->runfd < 0)
		return errno;
	return manifest_open(m);
}

void runfolder_close(struct mover *m)
{
	if (m->manifest_fd >= 0) {
		int err = manifest_flush(m);
		/* Lines written but not made durable: recovery checks each against its file. */
		if (!err && fdatasync(m->manifest_fd) < 0 && !m->st.unrecorded)
			m->st.unrecorded = 1;
		close(m->manifest_fd);
	}
	if (m->fetched_fd >= 0)
		close(m->fetched_fd);
	if (m->runfd >= 0)
		close(m->runfd);
	m->manifest_fd = m->runfd = m->fetched_fd = -1;
}

void runfolder_remove(struct mover *m, int qfd)
{
	int fd = openat(qfd, m->run_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	unlinkat(fd, "manifest.tsv", 0);
	close(fd);
	if (unlinkat(qfd, m->run_name, AT_REMOVEDIR) == 0)
		fsync(qfd);
}

/* Opens (making it, durably, when missing) the folder comp under dir, never through a symlink. */
static int sub_step(int dir, const char *comp)
{
	if (mkdirat(dir, comp, 0700) == 0) {
		if (fsync(dir) < 0)
			return -1;
	} else if (errno != EEXIST) {
		return -1;
	}
	return openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/*
 * The run folder's mirror of a source folder's path (RUN/srv/a/Import), so
 * that two folders with one name never share a quarantine folder. Returns
 * an fd or -1.
 */
int open_sub(struct mover *m, const struct move_src *src)
{
	char comp[NAME_MAX + 1];
	int dir = openat(m->runfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (const char *p = src->mirror; dir >= 0 && *p;) {
		size_t n;
		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n >= sizeof(comp)) {
			close(dir);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		int next = sub_step(dir, comp);
		int e = errno;
		close(dir);
		errno = e;
		dir = next;
	}
	return dir;
}
