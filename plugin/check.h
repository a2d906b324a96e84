/* check_ccmc_und: its settings, verdict and report. */
#ifndef CCMC_CHECK_H
#define CCMC_CHECK_H

#include "probe.h"
#include "state.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct check_config {
	struct folder_list folders;
	struct thresholds th;
	enum state missing_state;
	enum state timeout_state;
	const char *fstypes;
	bool require_mount;
	bool backlog;
	int timeout; /* seconds */
	size_t list_max;
	size_t max_output;
	int verbose;
	int64_t now;
};

/* Each folder's verdict into fs[], and the overall state. */
enum state check_verdict(const struct check_config *c, const struct probe *p,
                         struct folder_state *fs);

/* The whole plugin output for a completed probe. */
void check_report(const struct check_config *c, const struct probe *p,
                  const struct folder_state *fs, enum state overall, char *dst);

/* The output when the probe did not complete: a time-out or a failed scan process. */
enum state check_report_failure(const struct check_config *c, const struct probe *p, char *dst);

#endif
