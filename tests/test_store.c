#include "config.h"

#include "state.h"
#include "store.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/test_store.XXXXXX";

static void mkdir_in(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	if (mkdir(p, 0755) != 0) {
		printf("Bail out! mkdir %s\n", p);
		exit(99);
	}
}

static void labels(void)
{
	struct folder_list l = {0};
	char err[128];

	tap_ok(folders_add_store(&l, "/srv/Ccmcdata", err, sizeof(err)) == 0, "a store adds");
	tap_is_int((int64_t)l.n, 3, "three folders");
	tap_is_str(l.f[0].label, "import", "import");
	tap_is_str(l.f[2].label, "submit", "submit");
	tap_ok(l.f[0].roles == (ROLE_UND | ROLE_BACKLOG), "Import: .und and backlog");
	tap_ok(l.f[2].roles == ROLE_BACKLOG, "Submit: backlog only");
	folders_add_dir(&l, "/a/Import/", err, sizeof(err));
	tap_is_str(l.f[3].label, "import_2", "a second Import is import_2");
	tap_is_str(l.f[3].name, "Import", "its name drops the trailing slash");
	folders_add_dir(&l, "/x/Total", err, sizeof(err));
	tap_is_str(l.f[4].label, "total_2", "'total' is the totals' own label");
	folders_add_dir(&l, "/x/A very-long folder name", err, sizeof(err));
	tap_is_str(l.f[5].label, "a_very_lon", "labels are cut to 10 characters, [a-z0-9_]");
	folders_add_dir(&l, "/y/A very-long folder name", err, sizeof(err));
	tap_is_str(l.f[6].label, "a_very_l_2", "and stay 10 characters when made unique");
	folders_add_dir(&l, "/", err, sizeof(err));
	tap_is_str(l.f[7].name, "root", "the root folder has a name");
	tap_ok(folders_add_dir(&l, "", err, sizeof(err)) == -1, "an empty path is refused");
	/* One folder has one spelling, and is given once. */
	tap_ok(folders_add_dir(&l, "/x/./A very-long folder name/", err, sizeof(err)) == -1,
	       "a folder given twice, spelt another way, is refused");
	tap_is_str(err, "folder /x/A very-long folder name is given twice",
	           "with the folder named");
	tap_ok(folders_add_dir(&l, "/x/../y", err, sizeof(err)) == -1,
	       "a '..' component is refused");
	tap_ok(folders_add_store(&l, "/s", err, sizeof(err)) == 0, "a store");
	tap_ok(folders_add_dir(&l, "/s//import/.", err, sizeof(err)) == -1,
	       "-d STORE/import after -R STORE is refused (Import matches in any case)");
	tap_ok(folders_add_store(&l, "/s/", err, sizeof(err)) == -1,
	       "the same store twice is refused");
	tap_ok(folders_add_dir(&l, "/s/Import/q", err, sizeof(err)) == 0,
	       "a folder inside Import is another folder");
	for (int i = 0; l.n < STORE_MAX_FOLDERS; i++) {
		char p[32];
		snprintf(p, sizeof(p), "/z/%d", i);
		folders_add_dir(&l, p, err, sizeof(err));
	}
	tap_ok(folders_add_dir(&l, "/z/last", err, sizeof(err)) == -1, "33 folders are refused");
}

int main(void)
{
	struct folder_list l = {0};
	struct store_dir sd;
	char err[512], path[4096];
	int fd;

	labels();
	if (mkdtemp(tmp) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 99;
	}
	mkdir_in("IMPORT");
	mkdir_in("export");
	folders_add_store(&l, tmp, err, sizeof(err));
	store_dir_init(&sd);
	tap_is_int(folder_open(&l, 0, &sd, &fd, path, sizeof(path)), 0, "IMPORT opens as Import");
	close(fd);
	tap_ok(strstr(path, "/IMPORT") != NULL, "under its name on disk");
	tap_is_int(folder_open(&l, 1, &sd, &fd, path, sizeof(path)), 0, "export opens as Export");
	close(fd);
	tap_is_int(folder_open(&l, 2, &sd, &fd, path, sizeof(path)), ENOENT, "a missing Submit");
	tap_ok(strstr(path, "/Submit") != NULL, "is named as expected");
	store_dir_close(&sd);

	mkdir_in("Import");
	store_dir_init(&sd);
	tap_is_int(folder_open(&l, 0, &sd, &fd, path, sizeof(path)), EEXIST,
	           "Import and IMPORT together are ambiguous");
	store_dir_close(&sd);

	char link[300];
	snprintf(link, sizeof(link), "%s/Submit", tmp);
	if (symlink("export", link) != 0)
		printf("# symlink failed\n");
	store_dir_init(&sd);
	tap_is_int(folder_open(&l, 2, &sd, &fd, path, sizeof(path)), ENOTDIR,
	           "a store folder that is a symlink is not followed");
	store_dir_close(&sd);

	tap_is_int(mount_check(tmp, NULL, false, err, sizeof(err)), 0, "no mount demands pass");
	tap_is_int(mount_check(tmp, "no_such_fs", false, err, sizeof(err)), -1,
	           "an unlisted file system type fails");
	tap_ok(strstr(err, "not no_such_fs: is the share mounted?") != NULL, "with a message");
	tap_is_int(mount_check("/nonexistent/x", "cifs", false, err, sizeof(err)), ENOENT,
	           "a missing path is ENOENT");
	tap_is_int(mount_check("/", NULL, true, err, sizeof(err)), -1,
	           "/ itself fails --require-mount");

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return tap_done();
}
