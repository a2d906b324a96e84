#include "config.h"

#include "connector.h"

#include "clock.h"
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* until, or earlier when the run's deadline comes first: a killed command gets its wait too. */
static int64_t capped(const struct connector *c, int64_t until)
{
	int64_t last = c->end_ms - COMMAND_KILL_WAIT_MS;

	return c->end_ms && until > last ? last : until;
}

/* Runs status once; the state it says, or SVC_UNKNOWN, with the answer in r. */
static enum svc_state ask_status(struct connector *c, int64_t until, struct command_result *r,
                                 int *rc)
{
	*rc = command_run(&c->status, capped(c, until), r);
	c->stray |= r->stray;
	c->unanswered = *rc == ETIMEDOUT;
	c->unworded = *rc == 0 && !status_worded(r->out, r->len);
	c->last = *rc == 0 ? status_parse(r->out, r->len, r->exit_code) : SVC_UNKNOWN;
	return c->last;
}

/*
 * Polls status until it reports a state in want (a mask of 1 << state) or
 * until_ms passes; the interval grows from 100 ms to 1 s. Returns 0 when
 * confirmed, or -1 with the last answer in r (output included) and *last.
 */
static int control_wait(struct connector *c, unsigned want, int64_t until_ms, enum svc_state *last,
                        struct command_result *r)
{
	static struct command_result cur;
	int64_t interval = 100;
	int rc;

	until_ms = capped(c, until_ms);
	*last = SVC_UNKNOWN;
	r->len = 0;
	r->out[0] = '\0';
	for (;;) {
		/* A poll cut short by the deadline keeps the last real answer for the report. */
		enum svc_state st = ask_status(c, until_ms, &cur, &rc);
		if (rc == 0) {
			*r = cur;
			*last = st;
		}
		if (want & (1u << *last))
			return 0;
		int64_t left = until_ms - mono_ms();
		if (left <= 0)
			return -1;
		int64_t nap = interval < left ? interval : left;
		struct timespec ts = {nap / 1000, (long)(nap % 1000) * 1000000};
		nanosleep(&ts, NULL);
		interval = interval * 2 > 1000 ? 1000 : interval * 2;
	}
}

/* The first line of a command's output, for a report. */
static const char *first_line(const struct command_result *r, char *buf, size_t len)
{
	size_t n = strcspn(r->out, "\r\n");

	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), r->out);
	return buf;
}

/* An executable regular file. Returns 0 or an errno. */
static int executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return EACCES;
	return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0 ? errno : 0;
}

/*
 * A script's interpreter ("#!/bin/bash"), which execve needs as much as the
 * script. Returns 0, or an errno with the interpreter in interp.
 */
static int interpreter_runs(const char *script, char *interp, size_t len)
{
	char head[256];
	int fd = open(script, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof(head) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 2 || head[0] != '#' || head[1] != '!')
		return 0; /* a binary, or unreadable: execve will say */
	head[n] = '\0';
	char *p = head + 2 + strspn(head + 2, " \t");
	p[strcspn(p, " \t\n")] = '\0';
	snprintf(interp, len, "%s", p);
	/* A script saved with CRLF names "/bin/bash\r", which does not exist. */
	return strchr(p, '\r') ? ENOENT : executable(p);
}

/* A program that cannot be run: found before the connector is stopped, not after. */
static int command_runnable(const char *key, const struct command *c, char *err, size_t errlen)
{
	char interp[256] = "";
	int e = executable(c->argv[0]);

	if (e) {
		snprintf(err, errlen, "%s: %s cannot be run: %s", key, c->argv[0], strerror(e));
		return -1;
	}
	e = interpreter_runs(c->argv[0], interp, sizeof(interp));
	if (e) {
		char shown[sizeof(interp) * 4];
		snprintf(err, errlen, "%s: %s cannot be run: its interpreter %s: %s%s", key,
		         c->argv[0], name_escape(interp, shown, sizeof(shown)), strerror(e),
		         strchr(interp, '\r') ? " (a line end saved as CRLF?)" : "");
		return -1;
	}
	return 0;
}

/*
 * Asks status what the connector does now, before anything is stopped: an
 * answer that cannot be read now could not confirm a stop later. Returns 0
 * with *state running, stopped or pending, or -1 with why.
 */
int connector_now(struct connector *c, enum svc_state *state, char *why, size_t len)
{
	struct command_result r;
	int rc;

	*state = ask_status(c, mono_ms() + c->stop_timeout * 1000, &r, &rc);
	if (*state != SVC_UNKNOWN)
		return 0;
	if (rc) {
		snprintf(why, len, "the status command: %s",
		         rc == ETIMEDOUT ? "timed out" : strerror(rc));
	} else {
		char line[256];
		snprintf(why, len, "the status command's answer cannot be read (exit %d%s%s)",
		         r.exit_code, r.len ? ": " : "", first_line(&r, line, sizeof(line)));
	}
	return -1;
}

bool connector_said_running(struct connector *c)
{
	enum svc_state st;
	char why[256];

	return connector_now(c, &st, why, sizeof(why)) == 0 && st == SVC_RUNNING && !c->unworded;
}

/* Why a command that timed out failed: it never returned, and may still be running. */
static void timed_out_why(const struct connector *c, const char *which, int64_t secs, char *why,
                          size_t len)
{
	snprintf(why, len, "the %s command did not return within %llds%s", which, (long long)secs,
	         c->stray ? " and could not be killed (it may still act on the connector)" : "");
}

/* Stops the connector and waits until status confirms it. Returns 0 or -1 with why. */
int connector_stop(struct connector *c, char *why, size_t len)
{
	struct command_result r;
	enum svc_state last;
	char line[256];
	int64_t until = capped(c, mono_ms() + c->stop_timeout * 1000);
	int rc = command_run(&c->stop, until, &r);

	c->stray |= r.stray;
	c->last = SVC_UNKNOWN;
	/* A stop that used the whole time-out leaves no time to ask status: say so, not "unknown".
	 */
	if (rc == ETIMEDOUT) {
		timed_out_why(c, "stop", c->stop_timeout, why, len);
		return -1;
	}
	if (rc != 0) {
		snprintf(why, len, "stop command: %s", strerror(rc));
		return -1;
	}
	/* Samba's net returns before the service has stopped, and its exit code says little. */
	if (r.exit_code == 126 || r.exit_code == 127) {
		snprintf(why, len, "stop command could not be run (exit %d: %s)", r.exit_code,
		         first_line(&r, line, sizeof(line)));
		return -1;
	}
	if (control_wait(c, 1u << SVC_STOPPED, until, &last, &r) == 0)
		return 0;
	snprintf(why, len, "not confirmed stopped within %llds (status: %s%s%s)",
	         (long long)c->stop_timeout,
	         c->unanswered && !r.len ? "the status command did not answer"
	                                 : svc_state_name(last),
	         r.len ? ": " : "", first_line(&r, line, sizeof(line)));
	return -1;
}

void connector_settle(struct connector *c)
{
	struct command_result r;
	enum svc_state last;
	int rc;
	int64_t until = c->end_ms ? c->end_ms - c->start_timeout * 1000 : mono_ms();

	/* The last answer serves when there is one; a stop that timed out left none. */
	if (c->last != SVC_PENDING &&
	    (c->last != SVC_UNKNOWN || ask_status(c, until, &r, &rc) != SVC_PENDING))
		return;
	control_wait(c, ~(1u << SVC_PENDING) & ~(1u << SVC_UNKNOWN), until, &last, &r);
}

/* Starts the connector and waits until status confirms it. Returns 0 or -1 with why. */
int connector_start(struct connector *c, char *why, size_t len)
{
	struct command_result r;
	enum svc_state last;
	int64_t until = capped(c, mono_ms() + c->start_timeout * 1000);
	int rc = command_run(&c->start, until, &r);

	c->stray |= r.stray;
	/* 126 and 127: the shell's and execve's "could not run it"; no status poll will help. */
	if (rc == 0 && (r.exit_code == 126 || r.exit_code == 127)) {
		char line[256];
		snprintf(why, len, "start command could not be run (exit %d: %s)", r.exit_code,
		         first_line(&r, line, sizeof(line)));
		return -1;
	}
	if (rc == 0 && control_wait(c, 1u << SVC_RUNNING, until, &last, &r) == 0)
		return 0;
	if (rc == ETIMEDOUT)
		timed_out_why(c, "start", c->start_timeout, why, len);
	else if (rc)
		snprintf(why, len, "start command: %s", strerror(rc));
	else {
		char line[256];
		snprintf(why, len, "not confirmed running within %llds (status: %s%s%s)",
		         (long long)c->start_timeout,
		         c->unanswered && !r.len ? "the status command did not answer"
		                                 : svc_state_name(last),
		         r.len ? ": " : "", first_line(&r, line, sizeof(line)));
	}
	return -1;
}

int connector_confirm(struct connector *c, char *why, size_t len)
{
	struct command_result r;
	int rc;

	if (ask_status(c, mono_ms() + c->start_timeout * 1000, &r, &rc) == SVC_RUNNING)
		return 0;
	connector_settle(c);
	return connector_start(c, why, len);
}

int connector_check(const struct connector *c, char *err, size_t errlen)
{
	if (command_runnable("status-cmd", &c->status, err, errlen) < 0 ||
	    command_runnable("stop-cmd", &c->stop, err, errlen) < 0 ||
	    command_runnable("start-cmd", &c->start, err, errlen) < 0)
		return -1;
	return 0;
}
