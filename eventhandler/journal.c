#include "config.h"

#include "journal.h"

#include "tsvfield.h"
#include "number.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define JOURNAL_NAME "journal.tsv"
#define JOURNAL_COMPACT_AT (64 * 1024)

/* Network file systems, where a lock may not be honoured by other hosts. */
static bool is_network_fs(long type)
{
	static const long net[] = {0x6969 /* NFS */, 0xFF534D42 /* CIFS */, 0xFE534D42 /* SMB2 */,
	                           0x517B /* SMB */, 0x65735546 /* FUSE */};
	for (size_t i = 0; i < sizeof(net) / sizeof(net[0]); i++)
		if (type == net[i])
			return true;
	return false;
}

static int open_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	struct statfs sf;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && mkdir(dir, 0700) == 0)
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "state directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 &&
	    ((st.st_mode & 022) || (st.st_uid != geteuid() && st.st_uid != 0))) {
		snprintf(err, errlen, "state directory %s is writable by others or not owned by us",
		         dir);
		close(fd);
		return -1;
	}
	if (fstatfs(fd, &sf) == 0 && is_network_fs((long)sf.f_type)) {
		snprintf(err, errlen, "state directory %s is on a network file system", dir);
		close(fd);
		return -1;
	}
	return fd;
}

/* A state file this user may not open was most often left by a run by hand as another user. */
static void state_file_error(int dirfd, const char *dir, const char *name, int e, char *err,
                             size_t errlen)
{
	struct stat st;

	if (e == EACCES && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_uid != geteuid())
		snprintf(err, errlen,
		         "%s/%s: %s: it belongs to uid %lu (a run by hand as another user?); give "
		         "the state directory's files to the user the handler runs as",
		         dir, name, strerror(e), (unsigned long)st.st_uid);
	else
		snprintf(err, errlen, "%s/%s: %s", dir, name, strerror(e));
}

static struct run_record *run_find(struct journal *j, const char *id, bool add)
{
	for (size_t i = 0; i < j->nunfinished; i++)
		if (strcmp(j->unfinished[i].id, id) == 0)
			return &j->unfinished[i];
	if (!add)
		return NULL;
	/* Only a journal written before the handler refused a run past the limit gets here. */
	if (j->nunfinished == JOURNAL_UNFINISHED_MAX) {
		memmove(j->unfinished, j->unfinished + 1,
		        sizeof(j->unfinished[0]) * (j->nunfinished - 1));
		j->nunfinished--;
		j->overflow = true;
	}
	struct run_record *r = &j->unfinished[j->nunfinished++];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	return r;
}

static void note_begin(struct journal *j, int64_t t)
{
	if (j->nbegins == JOURNAL_BEGINS_MAX) {
		memmove(j->begins, j->begins + 1, sizeof(j->begins[0]) * (j->nbegins - 1));
		j->nbegins--;
	}
	j->begins[j->nbegins++] = t;
}

/* Applies one journal line; malformed lines are ignored. */
static void apply_line(struct journal *j, char *line)
{
	char *f[4], *save = NULL;
	int n = 0;

	for (char *tok = strtok_r(line, "\t", &save); tok && n < 4;
	     tok = strtok_r(NULL, "\t", &save))
		f[n++] = tok;
	int64_t t;
	if (n < 3 || strlen(f[1]) != RUN_ID_LEN ||
	    number_parse(f[0], strlen(f[0]), 0, INT64_MAX, &t))
		return;
	if (strcmp(f[2], "begin") == 0) {
		struct run_record *r = run_find(j, f[1], true);
		note_begin(j, t);
		if (n == 4 && field_unescape(f[3], strlen(f[3]), r->path, sizeof(r->path)) < 0)
			r->path[0] = '\0';
	} else if (strcmp(f[2], "stop") == 0) {
		run_find(j, f[1], true)->stopped = true;
	} else if (strcmp(f[2], "start") == 0) {
		run_find(j, f[1], true)->started = true;
	} else if (strcmp(f[2], "end") == 0) {
		struct run_record *r = run_find(j, f[1], false);
		if (r) {
			size_t i = (size_t)(r - j->unfinished);
			memmove(r, r + 1, sizeof(*r) * (j->nunfinished - i - 1));
			j->nunfinished--;
		}
	}
}

/* Reads the journal; a line cut short by a kill is cut off the file. */
static int journal_read(struct journal *j, char *err, size_t errlen)
{
	struct stat st;
	char *buf;

	if (fstat(j->fd, &st) < 0 || st.st_size > 16 * 1024 * 1024) {
		snprintf(err, errlen, "%s: cannot read or too large", JOURNAL_NAME);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || pread(j->fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		free(buf);
		snprintf(err, errlen, "%s: %s", JOURNAL_NAME, strerror(errno ? errno : EIO));
		return -1;
	}
	buf[st.st_size] = '\0';
	char *end = strrchr(buf, '\n');
	off_t whole = end ? end - buf + 1 : 0;
	if (whole != st.st_size && ftruncate(j->fd, whole) < 0) {
		free(buf);
		snprintf(err, errlen, "%s: %s", JOURNAL_NAME, strerror(errno));
		return -1;
	}
	buf[whole] = '\0';
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		apply_line(j, line);
	free(buf);
	return 0;
}

static int put_line(int fd, int64_t t, const char *run, const char *event, const char *arg)
{
	char line[PATH_MAX * 4 + 64], esc[PATH_MAX * 4];
	int n;

	if (field_escape(arg ? arg : "", esc, sizeof(esc)) < 0)
		return ENAMETOOLONG;
	n = snprintf(line, sizeof(line), "%lld\t%s\t%s\t%s\n", (long long)t, run, event, esc);
	if (n < 0 || (size_t)n >= sizeof(line))
		return ENAMETOOLONG;
	if (write(fd, line, (size_t)n) != n)
		return errno ? errno : EIO;
	return 0;
}

/*
 * Rewrites a long journal with only what is still needed, in the same
 * format: the recent begins (as finished runs) and the unfinished runs.
 */
static void journal_compact(struct journal *j)
{
	static const char done_id[] = "00000000";
	int fd = openat(j->dirfd, JOURNAL_NAME ".new",
	                O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = fd < 0 ? errno : 0;

	for (size_t i = 0; !rc && i < j->nbegins; i++) {
		rc = put_line(fd, j->begins[i], done_id, "begin", NULL);
		rc = rc ? rc : put_line(fd, j->begins[i], done_id, "end", "compacted");
	}
	for (size_t i = 0; !rc && i < j->nunfinished; i++) {
		const struct run_record *r = &j->unfinished[i];
		rc = put_line(fd, 0, r->id, "begin", r->path);
		if (!rc && r->stopped)
			rc = put_line(fd, 0, r->id, "stop", NULL);
		if (!rc && r->started)
			rc = put_line(fd, 0, r->id, "start", NULL);
	}
	if (!rc && fsync(fd) == 0 &&
	    renameat(j->dirfd, JOURNAL_NAME ".new", j->dirfd, JOURNAL_NAME) == 0) {
		fsync(j->dirfd);
		close(j->fd);
		j->fd = fd;
		return;
	}
	if (fd >= 0)
		close(fd);
	unlinkat(j->dirfd, JOURNAL_NAME ".new", 0);
}

int journal_append(struct journal *j, int64_t now, const char *run, const char *event,
                   const char *arg)
{
	int rc = put_line(j->fd, now, run, event, arg);

	if (!rc && fdatasync(j->fd) < 0)
		rc = errno;
	return rc;
}

size_t journal_runs_since(const struct journal *j, int64_t since)
{
	size_t n = 0;

	for (size_t i = 0; i < j->nbegins; i++)
		n += j->begins[i] >= since;
	return n;
}

/* Begins after now count as now: the runs happened, recently, whatever the clock says. */
static void clamp_future(struct journal *j, int64_t now)
{
	for (size_t i = 0; i < j->nbegins; i++)
		if (j->begins[i] > now) {
			j->begins[i] = now;
			j->future++;
		}
}

int journal_open(const char *dir, int64_t now, struct journal *j, char *err, size_t errlen)
{
	struct stat st;

	memset(j, 0, sizeof(*j));
	j->lockfd = j->fd = -1;
	j->dirfd = open_dir(dir, err, errlen);
	if (j->dirfd < 0)
		return -1;
	j->lockfd = openat(j->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (j->lockfd < 0) {
		state_file_error(j->dirfd, dir, "lock", errno, err, errlen);
		return -1;
	}
	if (flock(j->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return EWOULDBLOCK;
		snprintf(err, errlen, "%s/lock: %s", dir, strerror(errno));
		return -1;
	}
	j->fd = openat(j->dirfd, JOURNAL_NAME, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	               0600);
	if (j->fd < 0 || journal_read(j, err, errlen) < 0) {
		if (j->fd < 0)
			state_file_error(j->dirfd, dir, JOURNAL_NAME, errno, err, errlen);
		return -1;
	}
	clamp_future(j, now);
	if (j->future || (fstat(j->fd, &st) == 0 && st.st_size > JOURNAL_COMPACT_AT))
		journal_compact(j);
	return 0;
}
