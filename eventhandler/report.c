#include "config.h"

#include "report.h"

#include "clock.h"
#include "output.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

void report_detail(struct report *r, const char *fmt, ...)
{
	char line[PATH_MAX * 2];
	va_list ap;

	if (r->details_len >= sizeof(r->details) - 2)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	name_escape(line, r->details + r->details_len, sizeof(r->details) - 1 - r->details_len);
	r->details_len += strlen(r->details + r->details_len);
	r->details[r->details_len++] = '\n';
	r->details[r->details_len] = '\0';
}

static int finish_v(struct report *r, int code, const char *tail, const char *fmt, va_list ap)
{
	char line[4096], summary[4096];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n >= 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, "%s", tail);
	name_escape(line, summary, sizeof(summary));
	printf("%s\n%s", summary, r->details);
	fflush(stdout);
	syslog(code == EXIT_DONE      ? LOG_NOTICE
	       : code == EXIT_PARTIAL ? LOG_WARNING
	                              : LOG_ERR,
	       "%s", summary);
	return code;
}

int report_finish(struct report *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = finish_v(r, code, "", fmt, ap);
	va_end(ap);
	return code;
}

int report_untouched(struct report *r, int code, const char *fmt, ...)
{
	char tail[sizeof(r->recovered) + 32];
	va_list ap;

	snprintf(tail, sizeof(tail), "; nothing touched%s", r->recovered);
	va_start(ap, fmt);
	code = finish_v(r, code, tail, fmt, ap);
	va_end(ap);
	return code;
}

/* Appends to the text in buf, cut short when it does not fit. */
static void vappendf(char *buf, size_t len, const char *fmt, va_list ap)
{
	size_t o = strlen(buf);

	vsnprintf(buf + o, len - o, fmt, ap);
}

static void appendf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappendf(buf, len, fmt, ap);
	va_end(ap);
}

void report_recovered(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappendf(r->recovered, sizeof(r->recovered), fmt, ap);
	va_end(ap);
}

/* One word of a command, quoted so that it reads back the same under our rule. */
static void put_word(char *dst, size_t len, size_t *o, const char *w)
{
	bool plain =
	    w[0] != '\0' && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                              "0123456789_/.:=@%+,-") == strlen(w);
	int n = snprintf(dst + *o, len - *o, plain ? "%s%s" : "%s'", *o ? " " : "", w);

	*o += n > 0 ? (size_t)n : 0;
	for (const char *p = w; !plain && *p && *o < len; p++) {
		n = snprintf(dst + *o, len - *o, *p == '\'' ? "'\\''" : "%c", *p);
		*o += n > 0 ? (size_t)n : 0;
	}
	if (!plain && *o < len)
		*o += (size_t)snprintf(dst + *o, len - *o, "'");
	if (*o >= len)
		*o = len - 1;
}

const char *report_command(const struct command *c, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->argc; i++)
		put_word(buf, len, &o, c->argv[i]);
	return buf;
}

/* A folder as people read it: "Import", or its whole path when two share that name. */
static const char *src_label(const struct places *pl, const struct move_src *s)
{
	for (size_t i = 0; i < pl->nsrc; i++)
		if (&pl->src[i] != s && strcmp(pl->src[i].name, s->name) == 0)
			return s->path;
	return s->name;
}

/* "Import 2, Export 1" */
static const char *per_folder(const struct places *pl, const struct move_stats *st, char *buf,
                              size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < pl->nsrc && o < len; i++)
		if (st->moved_in[i]) {
			int n = snprintf(buf + o, len - o, "%s%s %lld", o ? ", " : "",
			                 src_label(pl, &pl->src[i]), (long long)st->moved_in[i]);
			o += n > 0 ? (size_t)n : 0;
		}
	return buf;
}

/* Lists the files left in place, for the lines after the summary. */
static void report_errors(struct report *r, const struct move_stats *st)
{
	int64_t listed_left = 0;

	for (size_t i = 0; i < st->nerrors; i++) {
		const struct move_error *e = &st->errors[i];
		const char *what = e->unsettled ? "copied, its removal on the server not confirmed "
		                                  "(the next run settles it)"
		                   : e->quarantined
		                       ? "quarantined without a manifest line (the next "
		                         "run writes it)"
		                       : "left in place";
		char path[PATH_MAX + NAME_MAX + 2], safe[sizeof(path) * 4];
		snprintf(path, sizeof(path), "%s/%s", e->src->path, e->name);
		listed_left += !e->quarantined && !e->unsettled;
		report_detail(r, "%s: %s (%s%s%s)", what, path, e->op, e->err ? ": " : "",
		              e->err ? strerror(e->err) : "");
		syslog(LOG_WARNING, "%s: %s (%s%s%s)", what, name_escape(path, safe, sizeof(safe)),
		       e->op, e->err ? ": " : "", e->err ? strerror(e->err) : "");
	}
	if (st->left > listed_left)
		report_detail(r, "and %lld more left in place",
		              (long long)(st->left - listed_left));
}

int report_moves_code(const struct move_stats *st, int64_t total, bool running)
{
	int64_t not_reached = total - st->moved - st->left - st->vanished;

	if (!running)
		return EXIT_FAILED;
	if (st->abort_err || st->server_failed[0])
		return st->moved ? EXIT_PARTIAL : EXIT_FAILED;
	if (st->left || not_reached || st->unrecorded || st->unsettled)
		return EXIT_PARTIAL;
	return EXIT_DONE;
}

int report_moves(struct report *r, const struct places *pl, const struct mover *m, int64_t total,
                 bool running, const char *connector)
{
	const struct move_stats *st = &m->st;
	char folders[512], tail[1024] = "", abort_part[1200] = "";
	int64_t not_reached = total - st->moved - st->left - st->vanished;
	int code = report_moves_code(st, total, running);

	report_errors(r, st);
	if (st->abort_err)
		snprintf(abort_part, sizeof(abort_part),
		         "; quarantine %s failed: %s, every file not yet moved left in place",
		         st->abort_op, strerror(st->abort_err));
	else if (st->server_failed[0])
		snprintf(abort_part, sizeof(abort_part),
		         "; %.900s, every file not yet moved left in place", st->server_failed);
	if (st->deadline_hit && not_reached > 0)
		appendf(tail, sizeof(tail), "; %s, %lld left for the next run",
		        st->interrupted ? "stopped by SIGTERM or SIGINT" : "deadline reached",
		        (long long)not_reached);
	if (st->left)
		appendf(tail, sizeof(tail), "; %lld left in place", (long long)st->left);
	if (st->unrecorded)
		appendf(tail, sizeof(tail),
		        "; %lld quarantined without a manifest line, which the next run writes",
		        (long long)st->unrecorded);
	if (st->unsettled)
		appendf(
		    tail, sizeof(tail),
		    "; %lld copied whose removal on the server is not confirmed, which the next "
		    "run settles",
		    (long long)st->unsettled);
	if (st->written)
		appendf(tail, sizeof(tail),
		        "; %lld written to while being moved: is the connector really stopped?",
		        (long long)st->written);
	/* A file removed by someone else mid-run needs no copy: nothing is left behind. */
	if (st->vanished)
		appendf(tail, sizeof(tail), "; %lld vanished before %s could be moved",
		        (long long)st->vanished, st->vanished == 1 ? "it" : "they");
	char count[64], where[sizeof(folders) + 4] = "";
	int64_t due = total - st->vanished;
	if (st->moved == due)
		snprintf(count, sizeof(count), "%lld", (long long)due);
	else
		snprintf(count, sizeof(count), "%lld of %lld", (long long)st->moved,
		         (long long)due);
	if (per_folder(pl, st, folders, sizeof(folders))[0])
		snprintf(where, sizeof(where), " (%s)", folders);
	return report_finish(r, code, "%s: moved %s .und file%s%s to %s%s%s; %s%s",
	                     code == EXIT_DONE      ? "REMEDIATED"
	                     : code == EXIT_PARTIAL ? "PARTIAL"
	                                            : "FAILED",
	                     count, due == 1 ? "" : "s", where, m->run_path, abort_part, tail,
	                     connector, r->recovered);
}

void report_progress(const struct move_stats *st, bool last, void *ctx)
{
	static int64_t t0, shown;
	int64_t t = mono_ms();

	(void)ctx;
	if (!t0)
		t0 = t;
	if (!last && t - shown < 200)
		return;
	shown = t;
	double mib = (double)st->bytes / (1024.0 * 1024.0);
	double secs = (double)(t - t0) / 1000.0;
	printf("\r%lld/%lld files, %.1f MiB, %.1f MiB/s%s", (long long)st->moved,
	       (long long)st->found, mib, secs > 0 ? mib / secs : 0.0, last ? "\n" : "");
	fflush(stdout);
}
