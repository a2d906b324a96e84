#include "config.h"

#include "watch.h"

#include "authfile.h"
#include "number.h"
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

void watch_config_default(struct watch_config *c)
{
	thresholds_default(&c->th);
	c->missing_state = STATE_UNKNOWN;
	c->timeout_state = STATE_UNKNOWN;
	c->backlog = true;
	c->timeout = 10;
}

static int threshold_option(struct watch_config *c, int opt, const char *arg, char *err,
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
static int fstype_list(struct watch_config *c, const char *arg, char *err, size_t errlen)
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

int watch_option(struct watch_config *c, int opt, const char *arg, char *err, size_t errlen)
{
	enum smb_option smb = smb_option_of(opt, OPT_WATCH_SMB);

	if (smb != SMB_OPT_COUNT)
		return smb_opts_set(&c->smb, smb, arg, err, errlen) == 0 ? 1 : -1;
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
	if (number_parse(s, strlen(s), min, max, v) == 0)
		return 0;
	snprintf(err, errlen, "%s '%s': expected a whole number from %lld to %lld", name, s,
	         (long long)min, (long long)max);
	return -1;
}

struct probe_opts watch_probe_opts(const struct watch_config *c)
{
	struct probe_opts o = {.now = c->now,
	                       .list_max = c->list_max,
	                       .backlog = c->backlog,
	                       .fstypes = c->fstypes,
	                       .require_mount = c->require_mount,
	                       .timeout_ms = c->timeout * 1000,
	                       .smb = &c->smb,
	                       .pool = NULL};
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

int watch_finish(struct watch_config *c, char *err, size_t errlen)
{
	const struct thresholds *t = &c->th;

	for (int m = METRIC_BACKLOG_COUNT; !c->backlog && m <= METRIC_BACKLOG_AGE; m++)
		if (t->warn[m].set || t->crit[m].set) {
			snprintf(err, errlen, "--no-backlog conflicts with the backlog thresholds");
			return -1;
		}
	if (!c->backlog)
		drop_backlog_only(&c->folders);
	if (authfile_check(c->smb.authfile, err, errlen) != 0)
		return -1;
	if (c->folders.n == 0) {
		snprintf(err, errlen, "no folder to watch: give -R STORE or -d DIR");
		return WATCH_NO_FOLDERS;
	}
	return 0;
}

/* A folder that could not be looked at takes --missing when absent, else UNKNOWN. */
static enum state error_state(const struct watch_config *c, const struct probe_result *r)
{
	return r->missing ? c->missing_state : STATE_UNKNOWN;
}

enum state watch_verdict(const struct watch_config *c, const struct probe *p,
                         struct folder_state *fs)
{
	enum state overall = STATE_OK;

	for (size_t i = 0; i < p->n; i++) {
		const struct probe_result *r = &p->res[i];
		if (r->err != 0) {
			fs[i] = (struct folder_state){{STATE_OK}, error_state(c, r)};
		} else {
			folder_evaluate(&c->th, &r->st, c->folders.f[i].roles, c->now, &fs[i]);
			if (r->st.stat_errors > 0) /* some names could not be measured */
				fs[i].state = state_worst(fs[i].state, STATE_UNKNOWN);
		}
		overall = state_worst(overall, fs[i].state);
	}
	return overall;
}

void watch_metrics(const struct watch_config *c, const struct probe *p, size_t i,
                   struct folder_metrics *m)
{
	const struct scan_stats *st = &p->res[i].st;
	unsigned roles = c->folders.f[i].roles;
	bool und = (roles & ROLE_UND) && st->und_count > 0;
	bool ccm = (roles & ROLE_BACKLOG) && c->backlog && st->ccm_count > 0;

	*m = (struct folder_metrics){0};
	if (roles & ROLE_UND) {
		m->und = st->und_count;
		m->und_bytes = st->und_bytes;
	}
	m->und_age = und ? scan_age(st->und_oldest, c->now) : 0;
	m->und_newest_age = und ? scan_age(st->und_newest, c->now) : 0;
	m->backlog = ccm ? st->ccm_count : 0;
	m->backlog_age = ccm ? scan_age(st->ccm_oldest, c->now) : 0;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

bool watch_folder_read(const struct probe *p, size_t i, char *why, size_t len)
{
	const struct probe_result *r = &p->res[i];

	if (r->err == 0 && r->st.stat_errors == 0)
		return true;
	if (!why)
		return false;
	if (r->err != 0)
		snprintf(why, len, "%s", r->errmsg);
	else
		snprintf(why, len, "%lld entr%s named *.und or *.ccm could not be looked at (%s)",
		         (long long)r->st.stat_errors, r->st.stat_errors == 1 ? "y" : "ies",
		         strerror(r->st.stat_errno));
	return false;
}

unsigned watch_totals(const struct watch_config *c, const struct probe *p, struct folder_metrics *t)
{
	unsigned known = ROLE_UND | ROLE_BACKLOG;

	*t = (struct folder_metrics){0};
	for (size_t i = 0; i < p->n; i++) {
		struct folder_metrics m;
		if (!watch_folder_read(p, i, NULL, 0)) {
			known &= ~c->folders.f[i].roles;
			continue;
		}
		watch_metrics(c, p, i, &m);
		t->und += m.und;
		t->und_bytes += m.und_bytes;
		t->und_age = max64(t->und_age, m.und_age);
		t->und_newest_age = max64(t->und_newest_age, m.und_newest_age);
		t->backlog += m.backlog;
		t->backlog_age = max64(t->backlog_age, m.backlog_age);
	}
	return known;
}
