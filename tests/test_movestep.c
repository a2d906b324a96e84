/*
 * The handler's lower layers without root, a connector or a store: the run
 * folder (runfolder.c: its name, making it, its manifest) and the shared
 * steps of a move (movestep.c: place never replaces, copies are verified
 * against what was read, a batch discarded leaves nothing behind).
 */
#include "config.h"

#include "clock.h"
#include "files.h"
#include "hash.h"
#include "movestep.h"
#include "runfolder.h"
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/test_movestep.XXXXXX";

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(path);
}

/* A file of text at dir/name. */
static void put(int dir, const char *name, const char *text)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
}

static bool exists(int dir, const char *name)
{
	struct stat st;

	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static size_t entries(int dir)
{
	int fd = dup(dir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t n = 0;

	if (d)
		rewinddir(d); /* the descriptor shares its offset with dir's */
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void run_folder(int qfd)
{
	struct mover m = {.run_id = "0123abcd", .now = 1733300000};
	char line[512] = "";

	runfolder_name(&m, root);
	tap_is_str(m.run_name, "20241204T081320Z-0123abcd",
	           "the run folder is named by UTC time and run id");
	tap_is_int(runfolder_make(&m, qfd), 0, "it is made");
	tap_ok(exists(qfd, m.run_name) && exists(m.runfd, "manifest.tsv"), "... with its manifest");
	tap_is_int(manifest_add(&m, "/srv/c/Import", "/srv/c/Import", "a\tb.und", 5, 1733299000,
	                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	                        "a\tb.und"),
	           0, "a manifest line is queued");
	runfolder_close(&m);
	int fd = openat(qfd, m.run_name, O_RDONLY | O_DIRECTORY);
	int mf = fd >= 0 ? openat(fd, "manifest.tsv", O_RDONLY) : -1;
	ssize_t n = mf >= 0 ? read(mf, line, sizeof(line) - 1) : -1;
	line[n > 0 ? n : 0] = '\0';
	if (!tap_ok(strstr(line, "\t/srv/c/Import\ta\\x09b.und\t5\t") != NULL,
	            "closing writes the line, the name's tab escaped"))
		printf("# got: %s\n", line);
	tap_is_int(m.runfd, -1, "... and closes the run's descriptors");
	if (mf >= 0)
		close(mf);
	if (fd >= 0)
		close(fd);
	struct mover empty = {.run_id = "ffff0000", .now = 1733300001};
	runfolder_name(&empty, root);
	runfolder_make(&empty, qfd);
	runfolder_close(&empty);
	runfolder_remove(&empty, qfd);
	tap_ok(!exists(qfd, empty.run_name), "a run folder with nothing in it is removed whole");
}

static void place_never_replaces(int sub)
{
	char final[NAME_MAX + 8];
	unsigned suffix = 0;

	put(sub, "t1", "one");
	put(sub, "t2", "two");
	tap_is_int(place(sub, "t1", sub, "x.und", final, sizeof(final), &suffix), 0,
	           "place: a free name");
	tap_is_str(final, "x.und", "... is taken as it is");
	tap_is_int(place(sub, "t2", sub, "x.und", final, sizeof(final), &suffix), 0,
	           "place: a taken name");
	tap_is_str(final, "x.und~1", "... gets ~1, and the first stays");
	tap_ok(!exists(sub, "t1") && !exists(sub, "t2"), "... the temp names are gone");
}

static void copies(int sub)
{
	struct mover m = {.run_id = "0123abcd", .deadline_ms = mono_ms() + 60000};
	char *names[2] = {"a.und", "b.und"};
	char(*list)[256] = calloc(2, 256);
	struct und_list l = {.name = list, .n = 2};
	struct copy c[2] = {{.idx = 0}, {.idx = 1}};
	int64_t size;

	for (int k = 0; k < 2; k++) {
		snprintf(list[k], 256, "%s", names[k]);
		temp_name(c[k].tmp, sizeof(c[k].tmp), m.run_id, (size_t)k);
		put(sub, c[k].tmp, k ? "second" : "first");
		int fd = openat(sub, c[k].tmp, O_RDONLY);
		sha256_fd(fd, c[k].sha, &size, 0);
		close(fd);
		c[k].size = size;
	}
	tap_is_int(copies_verify(&m, sub, c, 2), 0, "copies_verify: copies as read pass");
	char keep = c[1].sha[0];
	c[1].sha[0] = keep == '0' ? '1' : '0';
	tap_is_int(copies_verify(&m, sub, c, 2), EIO, "copies_verify: one that differs is EIO");
	c[1].sha[0] = keep;
	tap_is_int(copies_place(sub, c, 2, &l), 0, "copies_place: both get their names");
	tap_ok(c[0].placed && c[1].placed && exists(sub, "a.und") && exists(sub, "b.und"),
	       "... and are marked placed");
	size_t before = entries(sub);
	copies_discard(sub, c, 2);
	tap_is_int((int64_t)entries(sub), (int64_t)before - 2,
	           "copies_discard takes placed copies back out, by their final names");
	struct copy half = {.idx = 0};
	temp_name(half.tmp, sizeof(half.tmp), m.run_id, 7);
	put(sub, half.tmp, "x");
	copies_discard(sub, &half, 1);
	tap_ok(!exists(sub, half.tmp), "... and unplaced ones by their temp names");
	free(list);
}

int main(void)
{
	if (!mkdtemp(root))
		return tap_ok(0, "a temp folder"), tap_done();
	int qfd = open(root, O_RDONLY | O_DIRECTORY);
	mkdirat(qfd, "sub", 0700);
	int sub = openat(qfd, "sub", O_RDONLY | O_DIRECTORY);

	run_folder(qfd);
	place_never_replaces(sub);
	copies(sub);
	close(sub);
	close(qfd);
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
