#include "config.h"

#include "options.h"

#include "range.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

/* Which threshold each option sets; the metric says whether it takes durations. */
static const struct {
	int opt;
	enum metric metric;
	bool crit;
} threshold_opts[] = {
    {'w', METRIC_UND_COUNT, false},        {'c', METRIC_UND_COUNT, true},
    {'W', METRIC_UND_AGE, false},          {'C', METRIC_UND_AGE, true},
    {OPT_BW, METRIC_BACKLOG_COUNT, false}, {OPT_BC, METRIC_BACKLOG_COUNT, true},
    {OPT_BAW, METRIC_BACKLOG_AGE, false},  {OPT_BAC, METRIC_BACKLOG_AGE, true},
};

void check_config_default(struct check_config *c)
{
	thresholds_default(&c->th);
	c->missing_state = STATE_UNKNOWN;
	c->timeout_state = STATE_UNKNOWN;
	c->backlog = true;
	c->timeout = 10;
}

static int threshold_option(struct check_config *c, int opt, const char *arg, char *err,
                            size_t errlen)
{
	char why[160];

	for (size_t i = 0; i < sizeof(threshold_opts) / sizeof(threshold_opts[0]); i++) {
		if (threshold_opts[i].opt != opt)
			continue;
		enum metric m = threshold_opts[i].metric;
		struct threshold *t = threshold_opts[i].crit ? &c->th.crit[m] : &c->th.warn[m];
		if (range_parse(arg, metric_kind(m), &t->r, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "bad threshold '%s': %s", arg, why);
			return -1;
		}
		t->set = true;
		return 1;
	}
	return 0;
}

/* A list of file system types, none of them empty: "cifs,smb3". */
static int fstype_list(struct check_config *c, const char *arg, char *err, size_t errlen)
{
	size_t n = strlen(arg);

	if (n == 0 || arg[0] == ',' || arg[n - 1] == ',' || strstr(arg, ",,")) {
		snprintf(err, errlen, "--fstype '%s': give one or more types, such as cifs,smb3",
		         arg);
		return -1;
	}
	c->fstypes = arg;
	return 1;
}

int common_option(struct check_config *c, int opt, const char *arg, char *err, size_t errlen)
{
	switch (opt) {
	case 'R': return folders_add_store(&c->folders, arg, err, errlen) == 0 ? 1 : -1;
	case 'd': return folders_add_dir(&c->folders, arg, err, errlen) == 0 ? 1 : -1;
	case OPT_NO_BACKLOG: c->backlog = false; return 1;
	case OPT_MISSING:
		if (state_parse(arg, &c->missing_state) == 0)
			return 1;
		snprintf(err, errlen, "bad state '%s': use ok, warning, critical or unknown", arg);
		return -1;
	case OPT_FSTYPE: return fstype_list(c, arg, err, errlen);
	case OPT_REQUIRE_MOUNT: c->require_mount = true; return 1;
	default: return threshold_option(c, opt, arg, err, errlen);
	}
}

int option_number(const char *name, const char *s, int64_t min, int64_t max, int64_t *v, char *err,
                  size_t errlen)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < min || n > max) {
		snprintf(err, errlen, "%s '%s': expected a whole number from %lld to %lld", name, s,
		         (long long)min, (long long)max);
		return -1;
	}
	*v = n;
	return 0;
}

struct probe_opts check_probe_opts(const struct check_config *c)
{
	struct probe_opts o = {c->now,     c->list_max,      c->backlog,
	                       c->fstypes, c->require_mount, c->timeout * 1000};
	return o;
}

/* Submit is watched for the backlog only: with no backlog it is not opened at all. */
static void drop_backlog_only(struct folder_list *l)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->f[i].roles & ROLE_UND)
			l->f[kept++] = l->f[i];
	l->n = kept;
}

int common_finish(struct check_config *c, char *err, size_t errlen)
{
	const struct thresholds *t = &c->th;

	if (c->folders.n == 0) {
		snprintf(err, errlen, "no folder to watch: give -R STORE or -d DIR");
		return -1;
	}
	for (int m = METRIC_BACKLOG_COUNT; !c->backlog && m <= METRIC_BACKLOG_AGE; m++)
		if (t->warn[m].set || t->crit[m].set) {
			snprintf(err, errlen, "--no-backlog conflicts with the backlog thresholds");
			return -1;
		}
	if (!c->backlog)
		drop_backlog_only(&c->folders);
	return 0;
}
