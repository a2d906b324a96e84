/*
 * The folder and threshold options that check_ccmc_und and
 * ccmc_und_subagent share, parsed in one place so that the two read the
 * same command line the same way and judge the same folders alike.
 */
#ifndef CCMC_OPTIONS_H
#define CCMC_OPTIONS_H

#include "check.h"

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

enum {
	OPT_BW = 256,
	OPT_BC,
	OPT_BAW,
	OPT_BAC,
	OPT_NO_BACKLOG,
	OPT_MISSING,
	OPT_FSTYPE,
	OPT_REQUIRE_MOUNT,
	OPT_COMMON_END /* each program numbers its own options from here */
};

#define COMMON_SHORTOPTS "R:d:w:c:W:C:"
#define COMMON_LONGOPTS                                                                            \
	{"store", required_argument, NULL, 'R'}, {"dir", required_argument, NULL, 'd'},            \
	    {"warning", required_argument, NULL, 'w'}, {"critical", required_argument, NULL, 'c'}, \
	    {"age-warning", required_argument, NULL, 'W'},                                         \
	    {"age-critical", required_argument, NULL, 'C'},                                        \
	    {"backlog-warning", required_argument, NULL, OPT_BW},                                  \
	    {"backlog-critical", required_argument, NULL, OPT_BC},                                 \
	    {"backlog-age-warning", required_argument, NULL, OPT_BAW},                             \
	    {"backlog-age-critical", required_argument, NULL, OPT_BAC},                            \
	    {"no-backlog", no_argument, NULL, OPT_NO_BACKLOG},                                     \
	    {"missing", required_argument, NULL, OPT_MISSING},                                     \
	    {"fstype", required_argument, NULL, OPT_FSTYPE},                                       \
	{                                                                                          \
		"require-mount", no_argument, NULL, OPT_REQUIRE_MOUNT                              \
	}

/* The defaults both programs start from: the article's rule, backlog on, 10 s. */
void check_config_default(struct check_config *c);

/*
 * Applies opt when it is one of the shared options. Returns 1 when it was,
 * 0 when it is not a shared option, or -1 with a message in err.
 */
int common_option(struct check_config *c, int opt, const char *arg, char *err, size_t errlen);

/*
 * Reads s, the argument of option name, as a whole number from min to max.
 * Returns 0, or -1 with a message in err.
 */
int option_number(const char *name, const char *s, int64_t min, int64_t max, int64_t *v, char *err,
                  size_t errlen);

/* The probe settings that c implies, shared so that both programs scan alike. */
struct probe_opts check_probe_opts(const struct check_config *c);

/*
 * Settles what depends on more than one option (--no-backlog drops the
 * folders watched for the backlog only) and refuses settings that are wrong
 * together. Returns 0, or -1 with a message in err.
 */
int common_finish(struct check_config *c, char *err, size_t errlen);

#endif
