#include "config.h"

#include "report.h"

#include "duration.h"
#include "output.h"

#include <stdio.h>
#include <string.h>

#define SUMMARY_MAX 1024

static const char *age_of(int64_t mtime, int64_t now, char *buf)
{
	return duration_format(scan_age(mtime, now), buf, DURATION_BUFLEN);
}

static void sum_und(const struct watch_config *c, const struct probe *p, struct outbuf *o)
{
	int64_t total = 0;
	size_t scanned = 0;
	bool unread = false;
	const char *sep = ": ";
	char age[DURATION_BUFLEN];

	for (size_t i = 0; i < p->n; i++) {
		if (p->res[i].err != 0 || !(c->folders.f[i].roles & ROLE_UND))
			continue;
		total += p->res[i].st.und_count;
		unread = unread || p->res[i].st.stat_errors > 0;
		scanned++;
	}
	if (scanned == 0)
		return; /* the errors speak for themselves */
	if (total == 0) {
		/* "no .und files" would be a guess while some names could not be looked at. */
		if (!unread)
			ob_printf(o, "no .und files");
		return;
	}
	ob_printf(o, "%lld .und file%s", (long long)total, total == 1 ? "" : "s");
	for (size_t i = 0; i < p->n; i++) {
		const struct scan_stats *st = &p->res[i].st;
		if (p->res[i].err != 0 || !(c->folders.f[i].roles & ROLE_UND) || st->und_count == 0)
			continue;
		ob_printf(o, "%s", sep);
		ob_name(o, c->folders.f[i].name);
		ob_printf(o, " %lld (oldest %s)", (long long)st->und_count,
		          age_of(st->und_oldest, c->now, age));
		sep = ", ";
	}
}

/* Names that could not be stat()ed make the state UNKNOWN: the summary says why. */
static void sum_unreadable(const struct watch_config *c, const struct probe *p, struct outbuf *o)
{
	char why[256];

	for (size_t i = 0; i < p->n; i++) {
		/* Opening errors are said with their folders elsewhere; these are read ones. */
		if (p->res[i].err != 0 || watch_folder_read(p, i, why, sizeof(why)))
			continue;
		ob_printf(o, "%s", o->len > 0 ? "; " : "");
		ob_name(o, c->folders.f[i].name);
		ob_printf(o, ": %s", why);
	}
}

/* The backlog shows in the summary when it alerts, or with -v. */
static void sum_backlog(const struct watch_config *c, const struct probe *p,
                        const struct folder_state *fs, struct outbuf *o)
{
	const char *sep = o->len > 0 ? "; backlog " : "backlog ";
	char age[DURATION_BUFLEN];

	for (size_t i = 0; i < p->n; i++) {
		const struct scan_stats *st = &p->res[i].st;
		bool alert = fs[i].metric[METRIC_BACKLOG_COUNT] != STATE_OK ||
		             fs[i].metric[METRIC_BACKLOG_AGE] != STATE_OK;
		if (p->res[i].err != 0 || !(c->folders.f[i].roles & ROLE_BACKLOG) || !c->backlog ||
		    st->ccm_count == 0 || (!alert && c->verbose < 1))
			continue;
		ob_printf(o, "%s", sep);
		ob_name(o, c->folders.f[i].name);
		ob_printf(o, " %lld (oldest %s)", (long long)st->ccm_count,
		          age_of(st->ccm_oldest, c->now, age));
		sep = ", ";
	}
}

/* One clause per distinct error, naming every folder it struck. */
static void sum_errors(const struct watch_config *c, const struct probe *p, struct outbuf *o)
{
	for (size_t i = 0; i < p->n; i++) {
		bool seen = false;
		if (p->res[i].err == 0)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen =
			    p->res[j].err != 0 && strcmp(p->res[j].errmsg, p->res[i].errmsg) == 0;
		if (seen)
			continue;
		ob_printf(o, "%s", o->len > 0 ? "; " : "");
		ob_name(o, c->folders.f[i].name);
		for (size_t j = i + 1; j < p->n; j++)
			if (p->res[j].err != 0 && strcmp(p->res[j].errmsg, p->res[i].errmsg) == 0) {
				ob_printf(o, ", ");
				ob_name(o, c->folders.f[j].name);
			}
		ob_printf(o, ": ");
		ob_name(o, p->res[i].errmsg);
	}
}

static const struct range *rng(const struct threshold *t)
{
	return t->set ? &t->r : NULL;
}

static void perf_metric(struct outbuf *o, const char *label, const char *suffix, const int64_t *v,
                        const char *uom, const struct thresholds *th, int metric)
{
	char lab[48];

	snprintf(lab, sizeof(lab), "%s_%s", label, suffix);
	ob_perf(o, lab, v, uom, metric < 0 ? NULL : rng(&th->warn[metric]),
	        metric < 0 ? NULL : rng(&th->crit[metric]), 0, -1);
}

/*
 * Per-folder and total perfdata. A folder that could not be read has no
 * labels, and a total that sums it none either: a "U" value stops
 * Monitoring::Plugin's parser and makes Icinga's writers warn at every
 * check, and the status line says why the folder is missing.
 */
static void perf_all(const struct watch_config *c, const struct probe *p, struct outbuf *o)
{
	const struct thresholds *th = &c->th;
	struct folder_metrics m, t;
	unsigned known = watch_totals(c, p, &t);

	for (size_t i = 0; i < p->n; i++) {
		const struct folder *f = &c->folders.f[i];
		if (!watch_folder_read(p, i, NULL, 0))
			continue;
		watch_metrics(c, p, i, &m);
		if (f->roles & ROLE_UND) {
			perf_metric(o, f->label, "und", &m.und, "", th, METRIC_UND_COUNT);
			perf_metric(o, f->label, "und_age", &m.und_age, "s", th, METRIC_UND_AGE);
			perf_metric(o, f->label, "und_bytes", &m.und_bytes, "B", th, -1);
		}
		if ((f->roles & ROLE_BACKLOG) && c->backlog) {
			perf_metric(o, f->label, "backlog", &m.backlog, "", th,
			            METRIC_BACKLOG_COUNT);
			perf_metric(o, f->label, "backlog_age", &m.backlog_age, "s", th,
			            METRIC_BACKLOG_AGE);
		}
	}
	if (known & ROLE_UND) {
		perf_metric(o, "total", "und", &t.und, "", th, -1);
		perf_metric(o, "total", "und_age", &t.und_age, "s", th, -1);
		perf_metric(o, "total", "und_bytes", &t.und_bytes, "B", th, -1);
	}
	if (c->backlog && (known & ROLE_BACKLOG)) {
		perf_metric(o, "total", "backlog", &t.backlog, "", th, -1);
		perf_metric(o, "total", "backlog_age", &t.backlog_age, "s", th, -1);
	}
}

static void long_files(const struct watch_config *c, const struct probe *p, struct outbuf *o)
{
	char age[DURATION_BUFLEN];

	for (size_t i = 0; i < p->n; i++) {
		const struct probe_result *r = &p->res[i];
		if (r->err != 0 || !(c->folders.f[i].roles & ROLE_UND))
			continue;
		for (size_t k = 0; k < r->st.nlist; k++) {
			ob_line(o);
			ob_name(o, c->folders.f[i].name);
			ob_printf(o, "/");
			ob_name(o, r->list[k].name);
			ob_printf(o, " %lld B, age %s", (long long)r->list[k].size,
			          age_of(r->list[k].mtime, c->now, age));
		}
		if (r->st.und_count > (int64_t)r->st.nlist) {
			ob_line(o);
			ob_name(o, c->folders.f[i].name);
			ob_printf(o, ": %lld more .und files not listed (--list %zu)",
			          (long long)(r->st.und_count - (int64_t)r->st.nlist), c->list_max);
		}
	}
}

static void long_skipped(const struct watch_config *c, const struct probe_result *r,
                         const char *name, struct outbuf *o)
{
	int64_t total = 0;
	const char *sep = " (";

	for (int k = 0; k < SKIP_KINDS; k++)
		total += r->st.skipped[k];
	if (total == 0)
		return;
	ob_line(o);
	ob_printf(o, "note: ");
	ob_name(o, name);
	ob_printf(o, ": %lld entr%s named *.und skipped, not regular files", (long long)total,
	          total == 1 ? "y" : "ies");
	for (int k = 0; k < SKIP_KINDS; k++) {
		if (r->st.skipped[k] == 0)
			continue;
		ob_printf(o, "%s%lld %s", sep, (long long)r->st.skipped[k],
		          scan_skip_name((enum scan_skip)k));
		sep = ", ";
	}
	ob_printf(o, ")");
	for (size_t k = 0; c->verbose >= 1 && k < r->st.nskipped_names; k++) {
		ob_printf(
		    o, "\n  skipped %s: ", scan_skip_name((enum scan_skip)r->st.skipped_kind[k]));
		ob_name(o, r->st.skipped_names[k]);
	}
}

static void long_notes(const struct watch_config *c, const struct probe *p, struct outbuf *o)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct probe_result *r = &p->res[i];
		const char *name = c->folders.f[i].name;
		if (r->err != 0)
			continue;
		if (r->st.skewed > 0) {
			ob_line(o);
			ob_printf(o, "note: ");
			ob_name(o, name);
			ob_printf(o,
			          ": %lld file%s dated in the future (clock skew with the "
			          "Exchange host?); %s age counts as 0",
			          (long long)r->st.skewed, r->st.skewed == 1 ? "" : "s",
			          r->st.skewed == 1 ? "its" : "their");
		}
		if (r->st.stat_errors > 0) {
			ob_line(o);
			ob_printf(o, "note: ");
			ob_name(o, name);
			ob_printf(o, ": %lld matching entr%s could not be read: %s",
			          (long long)r->st.stat_errors,
			          r->st.stat_errors == 1 ? "y" : "ies", strerror(r->st.stat_errno));
		}
		long_skipped(c, r, name, o);
	}
}

static void long_verbose(const struct watch_config *c, const struct probe *p,
                         const struct folder_state *fs, struct outbuf *o)
{
	char a1[DURATION_BUFLEN], a2[DURATION_BUFLEN], a3[DURATION_BUFLEN];

	for (size_t i = 0; i < p->n; i++) {
		const struct probe_result *r = &p->res[i];
		const struct scan_stats *st = &r->st;
		ob_line(o);
		ob_name(o, c->folders.f[i].name);
		ob_printf(o, ": %s, ", state_name(fs[i].state));
		ob_name(o, r->path);
		if (r->err != 0)
			continue;
		if (c->folders.f[i].roles & ROLE_UND)
			ob_printf(o, ": %lld .und (oldest %s, newest %s, %lld B, largest %lld B)",
			          (long long)st->und_count,
			          st->und_count ? age_of(st->und_oldest, c->now, a1) : "-",
			          st->und_count ? age_of(st->und_newest, c->now, a2) : "-",
			          (long long)st->und_bytes, (long long)st->und_largest);
		if ((c->folders.f[i].roles & ROLE_BACKLOG) && c->backlog)
			ob_printf(o, "; backlog %lld .ccm (oldest %s)", (long long)st->ccm_count,
			          st->ccm_count ? age_of(st->ccm_oldest, c->now, a3) : "-");
		if (c->verbose >= 3)
			ob_printf(o, "; scanned in %lld us, %lld vanished", (long long)r->scan_us,
			          (long long)st->vanished);
	}
}

static void long_config(const struct watch_config *c, struct outbuf *o)
{
	static const char *const what[METRICS] = {"count", "age", "backlog", "backlog age"};

	for (int m = 0; m < METRICS; m++) {
		char w[RANGE_BUFLEN], k[RANGE_BUFLEN];
		threshold_text(&c->th.warn[m], "-", w, sizeof(w));
		threshold_text(&c->th.crit[m], "-", k, sizeof(k));
		ob_line(o);
		ob_printf(o, "config: %s warning %s, critical %s", what[m], w, k);
	}
	ob_printf(o, "\nconfig: missing folder %s; timeout %ds, then %s; fstype %s%s",
	          state_name(c->missing_state), c->timeout, state_name(c->timeout_state),
	          c->fstypes ? c->fstypes : "any", c->require_mount ? ", mount required" : "");
}

void check_report(const struct watch_config *c, const struct probe *p,
                  const struct folder_state *fs, enum state overall, char *dst)
{
	static char body[SUMMARY_MAX], summary[SUMMARY_MAX + 32], perf[OUTPUT_MAX], lng[OUTPUT_MAX];
	struct outbuf b, pf, l;

	ob_init(&b, body, sizeof(body));
	ob_init(&pf, perf, sizeof(perf));
	ob_init(&l, lng, sizeof(lng));
	sum_und(c, p, &b);
	sum_unreadable(c, p, &b);
	sum_backlog(c, p, fs, &b);
	sum_errors(c, p, &b);
	snprintf(summary, sizeof(summary), "CCMC_UND %s - %s", state_name(overall), body);
	perf_all(c, p, &pf);
	long_files(c, p, &l);
	long_notes(c, p, &l);
	if (c->verbose >= 1)
		long_verbose(c, p, fs, &l);
	if (c->verbose >= 2)
		long_config(c, &l);
	output_render(summary, perf, lng, c->max_output, dst);
}

enum state check_report_failure(const struct watch_config *c, const struct probe *p, char *dst)
{
	char summary[SUMMARY_MAX];
	struct outbuf s;
	enum state st = STATE_UNKNOWN;

	ob_init(&s, summary, sizeof(summary));
	if (p->timed_out) {
		char hung[PATH_MAX + NAME_MAX + 64];
		st = c->timeout_state;
		ob_printf(&s, "CCMC_UND %s - timed out after %ds ", state_name(st), c->timeout);
		ob_name(&s, probe_hung_text(&c->folders, p, hung, sizeof(hung)));
		ob_printf(&s, " (hung share?)");
	} else {
		ob_printf(&s, "CCMC_UND UNKNOWN - %s", p->failure);
	}
	output_render(summary, "", "", c->max_output, dst);
	return st;
}
