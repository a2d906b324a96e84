/*
 * The handler's settings, from a config file (ccmc_und_remediate.conf(5))
 * and the command line, which share one set of names.
 */
#ifndef CCMC_SETTINGS_H
#define CCMC_SETTINGS_H

#include "smbsession.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds of the durations, in seconds: a handler run is minutes, a flap window days. */
#define SETTING_TIMEOUT_MAX 3600
#define SETTING_DEADLINE_MAX 86400
#define SETTING_WINDOW_MAX (365 * 86400)

struct settings {
	struct folder_list folders;
	bool folders_from_cli; /* the first -R/-d on the command line replaces the file's */
	char *quarantine, *state_dir;
	bool quarantine_require_mount; /* the quarantine must be on a mount other than / */
	char *stop_cmd, *start_cmd, *status_cmd;
	int64_t stop_timeout, start_timeout, deadline, window;
	long max_runs, soft_attempt;
	struct smb_opts smb;            /* -A, --smb-protocol, --use-kerberos: for smb:// folders */
	char *smb_owned[SMB_OPT_COUNT]; /* the strings smb points to, owned here */
};

void settings_default(struct settings *s);

/* Frees the strings s owns, and leaves it as settings_default made it, less its defaults. */
void settings_free(struct settings *s);

/*
 * Sets key ("stop-cmd", "max-runs", ...) to value; a flag ("use-kerberos",
 * "quarantine-require-mount") takes NULL or "". Returns 0, or -1 with a message in err for an
 * unknown key or a bad value.
 */
int setting_apply(struct settings *s, const char *key, const char *value, bool from_cli, char *err,
                  size_t errlen);

/*
 * Reads path, which names commands that will be run: it is refused unless
 * it is a regular file owned by the running user or root and writable by
 * no one else. Returns 0, or -1 with a message in err.
 */
int config_load(const char *path, struct settings *s, char *err, size_t errlen);

/* Nothing names a folder or a command: the handler is installed but not set up yet. */
bool settings_unset(const struct settings *s);

/* Checks settings that only make sense together. Returns 0 or -1 with err. */
int settings_check(const struct settings *s, char *err, size_t errlen);

#endif
