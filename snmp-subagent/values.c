#include "config.h"

#include "values.h"

#include "output.h"
#include "range.h"

#include <stdio.h>
#include <string.h>

static uint32_t clamp32(int64_t v)
{
	return v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* The ranges as the plugin would print them; "" for none. */
static void thresholds_text(const struct thresholds *t, char out[8][65])
{
	static const enum metric order[4] = {METRIC_UND_COUNT, METRIC_UND_AGE, METRIC_BACKLOG_COUNT,
	                                     METRIC_BACKLOG_AGE};
	for (size_t i = 0; i < 4; i++) {
		threshold_text(&t->warn[order[i]], "", out[2 * i], 65);
		threshold_text(&t->crit[order[i]], "", out[2 * i + 1], 65);
	}
}

static void names(const struct watch_config *c, struct agent_values *v)
{
	v->nfolders = c->folders.n;
	for (size_t i = 0; i < c->folders.n; i++) {
		const struct folder *f = &c->folders.f[i];
		char path[PATH_MAX + NAME_MAX + 2];
		snprintf(path, sizeof(path), "%s%s%s", f->path, f->in_store ? "/" : "",
		         f->in_store ? f->name : "");
		name_escape(f->name, v->f[i].name, sizeof(v->f[i].name));
		name_escape(path, v->f[i].path, sizeof(v->f[i].path));
	}
	thresholds_text(&c->th, v->thresholds);
}

void values_init(const struct watch_config *c, struct agent_values *v)
{
	memset(v, 0, sizeof(*v));
	names(c, v);
	values_failed(c, "no scan has completed yet", v);
	v->scan_errors = 0;
}

void values_failed(const struct watch_config *c, const char *why, struct agent_values *v)
{
	names(c, v);
	v->state = STATE_UNKNOWN;
	v->scan_errors++;
	for (size_t i = 0; i < v->nfolders; i++) {
		v->f[i].state = STATE_UNKNOWN;
		v->f[i].error = true;
		name_escape(why, v->f[i].message, sizeof(v->f[i].message));
	}
}

static void folder_from(const struct watch_config *c, const struct probe *p, size_t i,
                        enum state st, struct folder_values *f)
{
	const struct probe_result *r = &p->res[i];
	struct folder_metrics m;

	f->state = st;
	f->error = r->err != 0;
	name_escape(r->err ? r->errmsg : "", f->message, sizeof(f->message));
	if (r->err)
		return;
	watch_metrics(c, p, i, &m);
	f->count = clamp32(m.und);
	f->oldest_age = clamp32(m.und_age);
	f->newest_age = clamp32(m.und_newest_age);
	f->bytes = (uint64_t)m.und_bytes;
	f->backlog_count = clamp32(m.backlog);
	f->backlog_oldest_age = clamp32(m.backlog_age);
}

void values_from_probe(const struct watch_config *c, const struct probe *p, int64_t started,
                       uint32_t scan_ms, struct agent_values *v)
{
	struct folder_state fs[STORE_MAX_FOLDERS];
	uint32_t errors = v->scan_errors;

	memset(v, 0, sizeof(*v));
	names(c, v);
	v->scan_errors = errors;
	v->state = watch_verdict(c, p, fs);
	v->scan_started = started;
	v->scan_ms = scan_ms;
	for (size_t i = 0; i < p->n; i++)
		folder_from(c, p, i, fs[i].state, &v->f[i]);
	struct folder_metrics t;
	watch_totals(c, p, &t);
	v->total_count = clamp32(t.und);
	v->oldest_age = clamp32(t.und_age);
}
