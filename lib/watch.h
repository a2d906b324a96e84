/*
 * The watch layer that check_ccmc_und and ccmc_und_subagent share: what to
 * watch and how to judge it (the configuration and its options, parsed in
 * one place), the verdict, the metrics derived from a scan, and the texts
 * both show. The two read the same command line the same way and judge the
 * same folders alike by construction.
 */
#ifndef CCMC_WATCH_H
#define CCMC_WATCH_H

#include "probe.h"
#include "smbopts.h"
#include "state.h"
#include "store.h"

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct watch_config {
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
	struct smb_opts smb; /* -A, --smb-protocol, --use-kerberos: for smb:// folders */
};

/* What one folder's scan comes to, in the units shown: counts, seconds, bytes. */
struct folder_metrics {
	int64_t und, und_age, und_newest_age, und_bytes; /* 0 for a backlog-only folder */
	int64_t backlog, backlog_age;                    /* 0 with --no-backlog */
};

/* Each folder's verdict into fs[], and the overall state. */
enum state watch_verdict(const struct watch_config *c, const struct probe *p,
                         struct folder_state *fs);

/* Folder i's metrics at c->now. Ages are 0 when there is nothing to be old. */
void watch_metrics(const struct watch_config *c, const struct probe *p, size_t i,
                   struct folder_metrics *m);

/*
 * Whether folder i was read whole: opened, and every name that could be a
 * .und file or message measured. One that was not has no fresh counts to
 * give (not 0): the plugin leaves its perfdata out, the subagent keeps its
 * last good counts. why (may be NULL) gets the reason when it was not.
 */
bool watch_folder_read(const struct probe *p, size_t i, char *why, size_t len);

/*
 * The totals over every folder: sums of counts and bytes, maxima of ages.
 * Returns the roles (ROLE_UND, ROLE_BACKLOG) whose totals are known: every
 * folder that holds that kind was read. Submit unread leaves the .und totals
 * known, as it holds none.
 */
unsigned watch_totals(const struct watch_config *c, const struct probe *p,
                      struct folder_metrics *t);

enum {
	OPT_BW = 256,
	OPT_BC,
	OPT_BAW,
	OPT_BAC,
	OPT_NO_BACKLOG,
	OPT_MISSING,
	OPT_FSTYPE,
	OPT_REQUIRE_MOUNT,
	OPT_WATCH_SMB, /* OPT_WATCH_SMB + id for an SMB option without a letter (smbopts.h) */
	OPT_WATCH_END = OPT_WATCH_SMB + SMB_OPT_COUNT /* each program numbers its own from here */
};

/* The SMB options' rows, from their one list; -A is in WATCH_SHORTOPTS. */
#define WATCH_SMB_LONGOPT(id, name, has_arg, letter)                                               \
	{name, has_arg, NULL, (letter) ? (letter) : OPT_WATCH_SMB + (id)},

#define WATCH_SHORTOPTS "R:d:w:c:W:C:A:"
#define WATCH_LONGOPTS                                                                             \
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
	    {"fstype", required_argument, NULL, OPT_FSTYPE}, SMB_OPTIONS(WATCH_SMB_LONGOPT)        \
	{                                                                                          \
		"require-mount", no_argument, NULL, OPT_REQUIRE_MOUNT                              \
	}

/* The defaults both programs start from: the article's rule, backlog on, 10 s. */
void watch_config_default(struct watch_config *c);

/*
 * Applies opt when it is one of the shared options. Returns 1 when it was,
 * 0 when it is not a shared option, or -1 with a message in err.
 */
int watch_option(struct watch_config *c, int opt, const char *arg, char *err, size_t errlen);

/*
 * Reads s, the argument of option name, as a whole number from min to max.
 * Returns 0, or -1 with a message in err.
 */
int option_number(const char *name, const char *s, int64_t min, int64_t max, int64_t *v, char *err,
                  size_t errlen);

/* The probe settings that c implies, shared so that both programs scan alike. */
struct probe_opts watch_probe_opts(const struct watch_config *c);

/*
 * Settles what depends on more than one option (--no-backlog drops the
 * folders watched for the backlog only) and refuses settings that are wrong
 * together. Returns 0; -1 with a message in err; or, once everything else is
 * right, WATCH_NO_FOLDERS with a message when no store or folder is named.
 */
#define WATCH_NO_FOLDERS 1
int watch_finish(struct watch_config *c, char *err, size_t errlen);

#endif
