#include "config.h"

#include "probe.h"
#include "state.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char tmp[] = "/tmp/test_probe.XXXXXX", p[300], err[128];
	struct folder_list l = {0};
	struct probe pr;
	struct probe_opts o = {
	    .now = 2000000000, .list_max = 5, .backlog = true, .timeout_ms = 10000};

	if (mkdtemp(tmp) == NULL)
		return 99;
	snprintf(p, sizeof(p), "%s/Import", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/Import/x.und", tmp);
	close(open(p, O_WRONLY | O_CREAT, 0644));
	snprintf(p, sizeof(p), "%s/Import/m.ccm", tmp);
	close(open(p, O_WRONLY | O_CREAT, 0644));
	folders_add_store(&l, tmp, err, sizeof(err));

	tap_is_int(probe_run(&l, &o, &pr), 0, "a probe of a store completes");
	tap_ok(!pr.timed_out && pr.failure[0] == '\0', "without a time-out or failure");
	tap_is_int(pr.res[0].err, 0, "Import was read");
	tap_is_int(pr.res[0].st.und_count, 1, "its .und file counted in the child");
	tap_is_int(pr.res[0].st.ccm_count, 1, "and its message");
	tap_is_int((int64_t)pr.res[0].st.nlist, 1, "the list came back");
	tap_is_str(pr.res[0].list[0].name, "x.und", "with the name");
	tap_ok(pr.res[1].err == ENOENT && pr.res[1].missing, "Export is missing");
	tap_ok(strstr(pr.res[1].errmsg, "/Export: No such file or directory") != NULL,
	       "with path and reason");
	tap_ok(pr.res[2].missing, "so is Submit");
	probe_free(&pr);

	o.fstypes = "no_such_fs";
	tap_is_int(probe_run(&l, &o, &pr), 0, "a failed mount check still completes");
	tap_ok(pr.res[0].mount_failed && pr.res[0].missing && pr.res[0].err == -1,
	       "the store fails its mount check");
	tap_ok(pr.res[2].mount_failed && strcmp(pr.res[2].errmsg, pr.res[0].errmsg) == 0,
	       "and every folder of the store shares the verdict");
	probe_free(&pr);

	tap_is_str(probe_step_name(STEP_SCAN), "scanning", "step names read in messages");

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return tap_done();
}
