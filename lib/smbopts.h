/*
 * How to reach smb:// folders, and the options that say it: one list for
 * every program. The plugin and the subagent take them through
 * WATCH_LONGOPTS (watch.h), the handler through its option table and its
 * config file, so a name or a rule cannot drift between them.
 */
#ifndef CCMC_SMBOPTS_H
#define CCMC_SMBOPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

struct smb_opts {
	const char *authfile; /* -A: smbclient's format; NULL for none */
	const char *protocol; /* "NT1" or "NT1:SMB3"; NULL for the library's default */
	bool kerberos;        /* the caller's ticket cache */
};

/* X(id, long name, getopt's argument rule, short letter or 0) for each option. */
#define SMB_OPTIONS(X)                                                                             \
	X(SMB_OPT_AUTHFILE, "authentication-file", required_argument, 'A')                         \
	X(SMB_OPT_PROTOCOL, "smb-protocol", required_argument, 0)                                  \
	X(SMB_OPT_KERBEROS, "use-kerberos", no_argument, 0)

#define SMB_OPT_ID(id, name, has_arg, letter) id,
enum smb_option { SMB_OPTIONS(SMB_OPT_ID) SMB_OPT_COUNT };

/* The option called name, or SMB_OPT_COUNT when it is none of them. */
enum smb_option smb_option_named(const char *name);

/*
 * The option getopt returned as opt: its letter, or base + its id for one
 * without a letter. SMB_OPT_COUNT when opt is none of them.
 */
enum smb_option smb_option_of(int opt, int base);

/*
 * Sets option which to arg in o; arg is kept, not copied. A flag takes NULL
 * (the command line) or "" (a config file's "key ="). Returns 0, or -1 with
 * a message in err.
 */
int smb_opts_set(struct smb_opts *o, enum smb_option which, const char *arg, char *err,
                 size_t errlen);

#endif
