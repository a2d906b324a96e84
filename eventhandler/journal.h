/*
 * The handler's state directory on local disk: the lock that keeps runs one
 * at a time, and journal.tsv, which records each run's steps so that a run
 * killed at any point is finished by the next, and counts runs for the flap
 * limit. Lines: epoch  run-id  event  argument.
 *   begin <run folder>  the run folder was made; files may move
 *   stop                the connector is about to be stopped by us
 *   start               the connector was confirmed running again
 *   end <result>        the run is over
 */
#ifndef CCMC_JOURNAL_H
#define CCMC_JOURNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_UNFINISHED_MAX 8
#define JOURNAL_BEGINS_MAX 64 /* and so the most --max-runs can be */
#define RUN_ID_LEN 8

struct run_record {
	char id[RUN_ID_LEN + 1];
	char path[PATH_MAX]; /* its run folder, or "" before one was made */
	bool stopped;        /* we stopped the connector ... */
	bool started;        /* ... and saw it running again */
};

struct journal {
	int dirfd, lockfd, fd;
	struct run_record unfinished[JOURNAL_UNFINISHED_MAX];
	size_t nunfinished;
	int64_t begins[JOURNAL_BEGINS_MAX]; /* the newest runs that acted, oldest first */
	size_t nbegins;
	size_t future; /* begins dated after now (the clock was set back), counted as now */
	bool overflow; /* more unfinished runs than it keeps: the oldest were dropped */
};

/*
 * Opens or creates dir (mode 0700), refusing one that others can write or
 * on a network file system, takes the lock without waiting and reads the
 * journal. A begin dated after now counts as now, and is rewritten so, so
 * that a clock set back does not hold the flap limit shut for as long as the
 * step. Returns 0, EWOULDBLOCK when another run holds the lock, or -1 with a
 * message in err.
 */
int journal_open(const char *dir, int64_t now, struct journal *j, char *err, size_t errlen);

/* Appends one line and makes it durable. Returns 0 or an errno. */
int journal_append(struct journal *j, int64_t now, const char *run, const char *event,
                   const char *arg);

/* How many runs began at or after since. */
size_t journal_runs_since(const struct journal *j, int64_t since);

#endif
