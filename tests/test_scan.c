#include "config.h"

#include "scan.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define NOW 1700000000

static int dirfd_;

/* Creates a file of size bytes whose mtime is NOW - age. */
static void mkfile(const char *name, size_t size, int64_t age)
{
	int fd = openat(dirfd_, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct timespec ts[2] = {{NOW - age, 0}, {NOW - age, 0}};

	if (fd < 0 || ftruncate(fd, (off_t)size) != 0 || futimens(fd, ts) != 0) {
		perror(name);
		exit(99);
	}
	close(fd);
}

static struct scan_stats scan(size_t list_max, bool backlog, struct scan_file *list)
{
	struct scan_stats st;
	struct scan_opts o = {NOW, list_max, backlog};
	struct store_folder f = store_folder_local(dirfd_);
	int rc = und_scan(&f, &o, &st, list);

	if (rc != 0) {
		printf("Bail out! und_scan failed: %d\n", rc);
		exit(99);
	}
	return st;
}

static void names(void)
{
	tap_ok(scan_is_und("a.und"), "a.und matches");
	tap_ok(scan_is_und("A.UND"), "A.UND matches");
	tap_ok(scan_is_und("x.Und"), "x.Und matches");
	tap_ok(scan_is_und("..und"), "..und matches (a name before the suffix)");
	tap_ok(!scan_is_und(".und"), ".und alone does not match");
	tap_ok(!scan_is_und("a.und.tmp"), "a.und.tmp does not match");
	tap_ok(!scan_is_und("aund"), "aund does not match");
	tap_ok(!scan_is_und("a.un"), "a.un does not match");
	tap_ok(scan_is_ccm("Msg1234.CCM"), "Msg1234.CCM is a message");
	tap_is_int(scan_age(NOW - 5, NOW), 5, "age of a past mtime");
	tap_is_int(scan_age(NOW + 5, NOW), 0, "a future mtime is age 0");
}

int main(void)
{
	char tmpl[] = "/tmp/test_scan.XXXXXX";
	struct scan_file list[SCAN_LIST_MAX];
	struct scan_stats st;

	names();
	if (mkdtemp(tmpl) == NULL || (dirfd_ = open(tmpl, O_RDONLY | O_DIRECTORY)) < 0) {
		printf("Bail out! cannot make a temp dir\n");
		return 99;
	}

	st = scan(10, true, list);
	tap_is_int(st.und_count, 0, "an empty folder has no .und");
	tap_is_int(st.nlist, 0, "and lists nothing");

	mkfile("old.UND", 300, 7200);
	mkfile("mid.und", 200, 3600);
	mkfile("new.Und", 100, 60);
	mkfile("future.und", 50, -600);
	mkfile("a.und.tmp", 1000, 99999);
	mkfile(".und", 1000, 99999);
	mkfile("Msg1.ccm", 10, 120);
	mkfile("Msg2.CCM", 10, 30);
	mkfile("readme.txt", 10, 999999);
	if (symlinkat("old.UND", dirfd_, "link.und") != 0 ||
	    mkdirat(dirfd_, "dir.und", 0755) != 0 || mkfifoat(dirfd_, "fifo.und", 0644) != 0) {
		printf("Bail out! cannot make special entries\n");
		return 99;
	}

	st = scan(2, true, list);
	tap_is_int(st.und_count, 4, "four regular .und files in any case");
	tap_is_int(st.und_bytes, 650, "their total size");
	tap_is_int(st.und_largest, 300, "the largest");
	tap_is_int(st.und_oldest, NOW - 7200, "the oldest mtime");
	tap_is_int(st.und_newest, NOW + 600, "the newest mtime, even in the future");
	tap_is_int(st.skewed, 1, "one future mtime counted as skew");
	tap_is_int(st.ccm_count, 2, "two .ccm messages in any case");
	tap_is_int(st.ccm_oldest, NOW - 120, "the oldest message");
	tap_is_int(st.skipped[SKIP_SYMLINK], 1, "a symlink named .und is skipped");
	tap_is_int(st.skipped[SKIP_DIRECTORY], 1, "a directory named .und is skipped");
	tap_is_int(st.skipped[SKIP_FIFO], 1, "a FIFO named .und is skipped");
	tap_is_int(st.nskipped_names, 3, "skipped names are kept for the report");
	tap_is_int(st.nlist, 2, "the list holds list_max files");
	tap_is_str(list[0].name, "old.UND", "oldest first");
	tap_is_str(list[1].name, "mid.und", "then the next oldest");
	tap_is_int(list[0].size, 300, "with its size");
	tap_is_int(list[0].mtime, NOW - 7200, "and its mtime");

	st = scan(0, false, list);
	tap_is_int(st.und_count, 4, "list_max 0 still counts");
	tap_is_int(st.nlist, 0, "and lists nothing");
	tap_is_int(st.ccm_count, 0, "without backlog, messages are not looked at");

	int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock.und", tmpl);
	if (sfd >= 0 && bind(sfd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		st = scan(10, false, list);
		tap_is_int(st.skipped[SKIP_SOCKET], 1, "a socket named .und is skipped");
		close(sfd);
		unlink(sa.sun_path);
	} else {
		tap_ok(false, "could bind a socket in the temp dir");
	}

	/* A thousand files through a list of ten keeps exactly the ten oldest, in order. */
	for (int i = 0; i < 1000; i++) {
		char n[32];
		snprintf(n, sizeof(n), "bulk%04d.und", i);
		mkfile(n, 1, 10000 + (i * 7919) % 1000);
	}
	st = scan(10, false, list);
	tap_is_int(st.und_count, 1004, "1004 .und files");
	bool sorted = st.nlist == 10;
	for (size_t i = 0; sorted && i < st.nlist; i++)
		sorted = list[i].mtime == NOW - 10999 + (int64_t)i;
	tap_ok(sorted, "the ten oldest of a thousand, oldest first");

	st = scan(SCAN_LIST_MAX, false, list);
	tap_is_int(st.nlist, SCAN_LIST_MAX, "the list is bounded by SCAN_LIST_MAX");
	sorted = true;
	for (size_t i = 1; i < st.nlist; i++)
		sorted = sorted && list[i - 1].mtime <= list[i].mtime;
	tap_ok(sorted, "a full list is sorted oldest first");

	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpl);
	return tap_done();
}
