/*
 * One run of the handler: its settings, what it was asked, the connector,
 * the folders, the journal and what it will say. Made in main and passed,
 * so that every function says what it reads.
 */
#ifndef CCMC_RUN_H
#define CCMC_RUN_H

#include "connector.h"
#include "journal.h"
#include "places.h"
#include "report.h"
#include "settings.h"
#include "trigger.h"

#include <stdbool.h>
#include <stdint.h>

struct run {
	struct settings cfg;
	const char *config_path; /* -f's file, or NULL */
	bool force, dry_run, verbose;
	struct trigger trig;
	struct connector conn;
	struct places pl;
	struct journal journal;
	bool restarted[JOURNAL_UNFINISHED_MAX]; /* unfinished runs whose connector this run started
	                                         */
	int64_t t0;                             /* monotonic start */
	struct report rep;
};

/* When moving stops: early enough to start the connector within --deadline. */
int64_t run_moving_end_ms(const struct run *r);

#endif
