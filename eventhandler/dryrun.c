#include "config.h"

#include "dryrun.h"

#include <limits.h>
#include <time.h>

int dry_run(struct run *r, bool act, const char *why)
{
	char err[PATH_MAX + 256], cmd[COMMAND_LEN_MAX * 2];
	struct mover m = {.now = time(NULL), .run_id = "XXXXXXXX"};
	int64_t bytes, total;

	if (!act)
		return report_finish(&r->rep, EXIT_DONE, "DRY RUN: nothing to do: %s", why);
	enum place_result rc = places_open_sources(&r->pl, &r->cfg, err, sizeof(err));
	if (rc != PLACE_OPEN ||
	    (total = places_list(&r->pl, &r->cfg, true, &bytes, err, sizeof(err))) < 0)
		return report_finish(&r->rep, rc == PLACE_REFUSED ? EXIT_USAGE : EXIT_FAILED,
		                     "DRY RUN: would fail: %s", err);
	if (total == 0)
		return report_finish(&r->rep, EXIT_DONE, "DRY RUN: nothing to do: no .und files");
	mover_init(&m, r->cfg.quarantine);
	report_detail(&r->rep, "would run: %s", report_command(&r->conn.stop, cmd, sizeof(cmd)));
	report_detail(&r->rep, "would poll until stopped (%llds): %s",
	              (long long)r->cfg.stop_timeout,
	              report_command(&r->conn.status, cmd, sizeof(cmd)));
	for (size_t i = 0; i < r->pl.nsrc; i++)
		for (size_t k = 0; k < r->pl.list[i].n; k++)
			report_detail(&r->rep, "would move %s/%s (%lld bytes) to %s%s/",
			              r->pl.src[i].path, r->pl.list[i].name[k],
			              (long long)r->pl.list[i].size[k], m.run_path,
			              r->pl.src[i].path);
	report_detail(&r->rep, "would run: %s", report_command(&r->conn.start, cmd, sizeof(cmd)));
	report_detail(&r->rep, "would poll until running (%llds): %s",
	              (long long)r->cfg.start_timeout,
	              report_command(&r->conn.status, cmd, sizeof(cmd)));
	return report_finish(
	    &r->rep, EXIT_DONE,
	    "DRY RUN: would move %lld .und file%s (%lld bytes) to %s; nothing touched",
	    (long long)total, total == 1 ? "" : "s", (long long)bytes, m.run_path);
}
