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

void values_init(const struct watch_config *c, int64_t now_ms, struct agent_values *v)
{
	memset(v, 0, sizeof(*v));
	names(c, v);
	v->good_ms = now_ms;
	for (size_t i = 0; i < v->nfolders; i++)
		v->f[i].read_ms = now_ms;
	values_failed(c, "no scan has completed yet", v);
	v->scan_errors = 0;
}

/* Folder i could not be read: unknown, why, and the counts it had. */
static void folder_failed(const char *why, struct folder_values *f)
{
	f->state = STATE_UNKNOWN;
	f->error = true;
	f->stale = true;
	name_escape(why, f->message, sizeof(f->message));
}

/* The totals of what is served, kept counts included, so that they never drop with a failure. */
static void totals(struct agent_values *v)
{
	uint64_t sum = 0;

	v->total_count = 0;
	v->oldest_age = 0;
	v->stale = false;
	for (size_t i = 0; i < v->nfolders; i++) {
		sum += v->f[i].count;
		if (v->f[i].oldest_age > v->oldest_age)
			v->oldest_age = v->f[i].oldest_age;
		v->stale = v->stale || v->f[i].stale;
	}
	v->total_count = clamp32((int64_t)sum); /* at most 32 folders of UINT32_MAX each */
}

void values_carry(const struct agent_values *old, const struct watch_config *c, int64_t now_ms,
                  struct agent_values *v)
{
	values_init(c, now_ms, v);
	v->scan_errors = old->scan_errors;
	for (size_t i = 0; i < v->nfolders; i++)
		for (size_t j = 0; j < old->nfolders; j++)
			if (strcmp(v->f[i].path, old->f[j].path) == 0) {
				v->f[i] = old->f[j];
				break;
			}
	totals(v);
}

void values_failed(const struct watch_config *c, const char *why, struct agent_values *v)
{
	names(c, v);
	v->state = STATE_UNKNOWN;
	v->scan_errors++;
	for (size_t i = 0; i < v->nfolders; i++)
		folder_failed(why, &v->f[i]);
	totals(v);
}

static void folder_read(const struct watch_config *c, const struct probe *p, size_t i,
                        int64_t read_ms, struct folder_values *f)
{
	struct folder_metrics m;

	watch_metrics(c, p, i, &m);
	f->error = false;
	f->stale = false;
	f->read_ms = read_ms;
	f->message[0] = '\0';
	f->count = clamp32(m.und);
	f->oldest_age = clamp32(m.und_age);
	f->newest_age = clamp32(m.und_newest_age);
	f->bytes = (uint64_t)m.und_bytes;
	f->backlog_count = clamp32(m.backlog);
	f->backlog_oldest_age = clamp32(m.backlog_age);
}

void values_from_probe(const struct watch_config *c, const struct probe *p, int64_t started,
                       int64_t started_ms, uint32_t scan_ms, struct agent_values *v)
{
	struct folder_state fs[STORE_MAX_FOLDERS];
	bool all_read = true;

	names(c, v);
	v->state = watch_verdict(c, p, fs);
	v->scan_started = started;
	v->scan_ms = scan_ms;
	for (size_t i = 0; i < p->n; i++) {
		char why[VALUE_TEXT];
		if (!watch_folder_read(p, i, why, sizeof(why))) {
			folder_failed(why, &v->f[i]);
			v->f[i].state = fs[i].state;
			all_read = false;
		} else {
			folder_read(c, p, i, started_ms, &v->f[i]);
			v->f[i].state = fs[i].state;
		}
	}
	if (all_read)
		v->good_ms = started_ms;
	totals(v);
}
