/* check_ccmc_und's output: a completed probe, or one that did not complete, as plugin text. */
#ifndef CCMC_REPORT_H
#define CCMC_REPORT_H

#include "watch.h"

/* The whole plugin output for a completed probe. */
void check_report(const struct watch_config *c, const struct probe *p,
                  const struct folder_state *fs, enum state overall, char *dst);

/* The output when the probe did not complete: a time-out or a failed scan process. */
enum state check_report_failure(const struct watch_config *c, const struct probe *p, char *dst);

#endif
