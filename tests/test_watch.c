/*
 * The watch layer on its own, with no scan run: the shared options (good
 * and bad values), the verdict and the derived metrics over a probe filled
 * in by hand, as a scan of the same folders would have filled it.
 */
#include "tap.h"
#include "watch.h"

#include <errno.h>

#define NOW 1800000000

static struct watch_config cfg;
static struct probe_result res[STORE_MAX_FOLDERS];
static struct probe pr = {.res = res};

/* A store /s (Import, Export, Submit) with the defaults. */
static void setup(void)
{
	char err[128];

	memset(&cfg, 0, sizeof(cfg));
	memset(res, 0, sizeof(res));
	watch_config_default(&cfg);
	cfg.now = NOW;
	folders_add_store(&cfg.folders, "/s", err, sizeof(err));
	pr.n = cfg.folders.n;
}

static int opt(int o, const char *arg)
{
	char err[256];
	return watch_option(&cfg, o, arg, err, sizeof(err));
}

static void options(void)
{
	char err[256];

	setup();
	tap_is_int(opt('A', "relative"), -1, "-A with a relative path: refused");
	tap_is_int(opt('A', "/etc/a"), 1, "-A with an absolute path: taken");
	tap_is_int(opt(OPT_WATCH_SMB + SMB_OPT_PROTOCOL, "NT1"), 1, "--smb-protocol NT1: taken");
	tap_is_int(opt(OPT_WATCH_SMB + SMB_OPT_KERBEROS, NULL), 1, "--use-kerberos: taken");
	tap_ok(cfg.smb.authfile && cfg.smb.protocol && strcmp(cfg.smb.protocol, "NT1") == 0 &&
	           cfg.smb.kerberos,
	       "... all three reach the SMB options");
	tap_is_int(opt(OPT_WATCH_SMB + SMB_OPT_PROTOCOL, "SMB9"), -1,
	           "--smb-protocol SMB9: refused");
	cfg.smb = (struct smb_opts){0}; /* watch_finish would read /etc/a */
	tap_is_int(opt('w', "2"), 1, "-w 2 is taken");
	tap_is_int(opt('C', "1h30m"), 1, "-C takes a duration");
	tap_is_int(cfg.th.crit[METRIC_UND_AGE].r.end, 5400, "... in seconds");
	tap_is_int(opt('c', "5m"), -1, "-c refuses a duration: counts are whole numbers");
	tap_is_int(opt('w', ""), -1, "an empty range is refused");
	tap_is_int(opt('W', "2h:1h"), -1, "a start past the end is refused");
	tap_is_int(opt(OPT_MISSING, "sometimes"), -1, "--missing refuses an unknown state");
	tap_is_int(opt(OPT_MISSING, "Critical"), 1, "--missing takes a state in any case");
	tap_is_int(cfg.missing_state, STATE_CRITICAL, "... and sets it");
	tap_is_int(opt(OPT_FSTYPE, "cifs,,smb3"), -1, "--fstype refuses an empty type");
	tap_is_int(opt('x', "1"), 0, "an option that is not shared is left to the program");
	tap_is_int(opt('d', "/s/import/."), -1,
	           "-d of a store's folder, spelt otherwise, is refused");
	tap_is_int(opt(OPT_NO_BACKLOG, NULL), 1, "--no-backlog is taken");
	tap_is_int(watch_finish(&cfg, err, sizeof(err)), 0, "the settings make sense together");
	tap_is_int(cfg.folders.n, 2, "--no-backlog drops Submit, watched for the backlog only");
	tap_is_int(opt(OPT_BAC, "1h"), 1, "a backlog threshold is taken alone");
	tap_is_int(watch_finish(&cfg, err, sizeof(err)), -1, "... but not with --no-backlog");
	memset(&cfg, 0, sizeof(cfg));
	tap_is_int(watch_finish(&cfg, err, sizeof(err)), WATCH_NO_FOLDERS,
	           "no folder at all is refused, as nothing named (the subagent's --check-config "
	           "tells it apart)");
	int64_t v;
	tap_is_int(option_number("-t", "10x", 1, 100, &v, err, sizeof(err)), -1,
	           "10x is no number");
	tap_is_int(option_number("-t", "101", 1, 100, &v, err, sizeof(err)), -1, "101 is past 100");
	tap_is_int(option_number("-t", "-0", 0, 100, &v, err, sizeof(err)), -1,
	           "-0 is refused: no sign where none can be");
	tap_is_int(option_number("-t", " 5", 0, 100, &v, err, sizeof(err)), -1,
	           "a leading blank is refused");
}

/* Import holds n .und files, the oldest age seconds old. */
static void und_in(size_t i, int64_t n, int64_t age)
{
	res[i].st.und_count = n;
	res[i].st.und_oldest = NOW - age;
	res[i].st.und_newest = NOW - age / 2;
	res[i].st.und_bytes = n * 100;
}

static void verdict(void)
{
	struct folder_state fs[STORE_MAX_FOLDERS];

	setup();
	tap_is_int(watch_verdict(&cfg, &pr, fs), STATE_OK, "an empty store is OK");
	und_in(1, 1, 60);
	tap_is_int(watch_verdict(&cfg, &pr, fs), STATE_CRITICAL,
	           "one .und file is CRITICAL (the article)");
	tap_is_int(fs[0].state * 10 + fs[1].state, STATE_OK * 10 + STATE_CRITICAL,
	           "... in Export, not in Import");
	setup();
	opt('c', "5");
	opt('W', "30m");
	und_in(0, 2, 3600);
	tap_is_int(watch_verdict(&cfg, &pr, fs), STATE_WARNING,
	           "-c 5 -W 30m: two files an hour old warn");
	setup();
	res[0].err = ENOENT;
	res[0].missing = true;
	tap_is_int(watch_verdict(&cfg, &pr, fs), STATE_UNKNOWN,
	           "a missing folder is UNKNOWN by default");
	opt(OPT_MISSING, "ok");
	tap_is_int(watch_verdict(&cfg, &pr, fs), STATE_OK, "... and takes --missing");
	res[0].missing = false;
	res[0].err = ENOTDIR;
	tap_is_int(watch_verdict(&cfg, &pr, fs), STATE_UNKNOWN,
	           "a folder in another form never takes --missing");
	setup();
	res[2].st.stat_errors = 1;
	tap_is_int(watch_verdict(&cfg, &pr, fs), STATE_UNKNOWN,
	           "names that could not be looked at: UNKNOWN");
	und_in(0, 1, 60);
	tap_is_int(watch_verdict(&cfg, &pr, fs), STATE_CRITICAL, "... CRITICAL still wins");
}

static void metrics(void)
{
	struct folder_metrics m, t;

	setup();
	und_in(0, 2, 600);
	und_in(1, 3, 7200);
	res[2].st.und_count = 9; /* Submit: never counted for .und files */
	res[2].st.ccm_count = 4;
	res[2].st.ccm_oldest = NOW - 900;
	watch_metrics(&cfg, &pr, 1, &m);
	tap_is_int(m.und * 1000000 + m.und_age, 3 * 1000000 + 7200,
	           "Export: 3 files, the oldest 2h");
	tap_is_int(m.und_newest_age, 3600, "... the newest 1h");
	watch_metrics(&cfg, &pr, 2, &m);
	tap_is_int(m.und, 0, "Submit's .und files are not counted");
	tap_is_int(m.backlog * 10000 + m.backlog_age, 4 * 10000 + 900, "Submit's backlog: 4, 15m");
	tap_is_int(watch_totals(&cfg, &pr, &t), ROLE_UND | ROLE_BACKLOG,
	           "every folder read: the totals are known");
	tap_is_int(t.und, 5, "total .und: the sum");
	tap_is_int(t.und_age, 7200, "total age: the maximum");
	tap_is_int(t.und_bytes, 500, "total bytes: the sum");
	res[0].st.und_oldest = NOW + 3600; /* clock skew */
	watch_metrics(&cfg, &pr, 0, &m);
	tap_is_int(m.und_age, 0, "a file dated in the future is age 0");
	cfg.backlog = false;
	watch_metrics(&cfg, &pr, 2, &m);
	tap_is_int(m.backlog, 0, "--no-backlog: no backlog metrics");
	res[2].err = EACCES;
	tap_is_int(watch_totals(&cfg, &pr, &t), ROLE_UND,
	           "Submit not read: the .und totals are known (it holds none), the backlog's not");
	tap_is_int(t.und, 5, "... and still the sum of Import and Export");
	res[1].err = EACCES;
	tap_is_int(watch_totals(&cfg, &pr, &t), 0, "Export not read: no total is known");
}

int main(void)
{
	options();
	verdict();
	metrics();
	return tap_done();
}
