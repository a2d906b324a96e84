#include "config.h"

#include "unfinished.h"

#include "clock.h"
#include "recover.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

int unfinished_restart(struct run *r, int64_t now, char *why, size_t len)
{
	bool stopped_one = false;

	for (size_t i = 0; i < r->journal.nunfinished; i++)
		stopped_one |= r->journal.unfinished[i].stopped;
	if (!stopped_one || connector_said_running(&r->conn))
		return 0;
	connector_settle(&r->conn);
	if (connector_start(&r->conn, why, len) < 0)
		return -1;
	for (size_t i = 0; i < r->journal.nunfinished; i++) {
		const struct run_record *rec = &r->journal.unfinished[i];
		if (!rec->stopped)
			continue;
		r->restarted[i] = true;
		if (!rec->started)
			journal_append(&r->journal, now, rec->id, "start", NULL);
	}
	return 0;
}

/*
 * How long recovery may work: a run that may act keeps half the time its
 * stop and start leave for its own files (an unfinished run's huge file
 * must not starve every later run); one that may not act has it all.
 */
static int64_t recovery_end_ms(const struct run *r, bool act)
{
	int64_t spare = (r->cfg.deadline - r->cfg.stop_timeout - r->cfg.start_timeout) * 1000;

	return act ? r->t0 + spare / 2 : r->conn.end_ms - COMMAND_KILL_WAIT_MS;
}

/* What finishing one interrupted run did, for the summary. */
static void say_recovered(struct run *r, const struct run_record *rec, const struct mover *m,
                          bool done, bool started, int reopen, int rec_err)
{
	report_recovered(&r->rep,
	                 "; %s interrupted run %s (%s%lld unfinished cop%s removed, the source%s "
	                 "still in place; %lld manifest line%s restored)",
	                 done ? "finished" : "could not yet finish", rec->id,
	                 started ? "connector started, " : "", (long long)m->st.rolled_back,
	                 m->st.rolled_back == 1 ? "y" : "ies", m->st.rolled_back == 1 ? "" : "s",
	                 (long long)m->st.recovered, m->st.recovered == 1 ? "" : "s");
	if (reopen && rec_err)
		report_recovered(
		    &r->rep,
		    "; its run folder %.300s cannot be opened (%s): is the quarantine's "
		    "disk mounted?",
		    rec->path, strerror(reopen));
	/* Said only of what happened: a run recovery could not finish stays open. */
	syslog(LOG_WARNING, "%s interrupted run %s", done ? "finished" : "could not yet finish",
	       rec->id);
}

size_t unfinished_finish(struct run *r, int64_t now, bool act)
{
	size_t left = 0;

	for (size_t i = 0; i < r->journal.nunfinished; i++) {
		const struct run_record *rec = &r->journal.unfinished[i];
		struct mover m = {.run_id = rec->id,
		                  .now = now,
		                  .runfd = -1,
		                  .manifest_fd = -1,
		                  .fetched_fd = -1,
		                  .deadline_ms = run_moving_end_ms(r),
		                  .end_ms = recovery_end_ms(r, act)};
		bool started = r->restarted[i];
		int rec_err = 0, reopen = rec->path[0] ? mover_reopen(&m, rec->path) : ENOENT;
		if (reopen == 0)
			rec_err = move_recover(&m, r->pl.src, r->pl.nsrc);
		/* A run that stopped the connector made its run folder first: one that cannot be
		 * opened now is out of reach (a quarantine disk not mounted), not empty. */
		else if (reopen != ENOENT || rec->stopped)
			rec_err = reopen;
		mover_end(&m);
		/* Lines recovery could not write, copies from a share whose original the server
		 * did not answer for, and work cut by the time keep the run unfinished. */
		bool done = rec_err == 0 && m.st.unrecorded == 0 && m.st.unsettled == 0 &&
		            !m.st.deadline_hit;
		if (done)
			journal_append(&r->journal, now, rec->id, "end", "recovered");
		left += !done;
		say_recovered(r, rec, &m, done, started, reopen, rec_err);
	}
	return left;
}
