/*
 * The subagent's state, shared by its main (options, scans, the daemon) and
 * its request and notification handlers (requests.c).
 */
#ifndef CCMC_AGENT_H
#define CCMC_AGENT_H

#include "oidtable.h"
#include "probe.h"
#include "values.h"
#include "watch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct agent_opts {
	struct watch_config cfg;
	const char *agentx, *pidfile, *user;
	bool foreground;
	int interval, ping;
	uint32_t base[OIDTABLE_OID_MAX];
	size_t base_len;
	char **args; /* argv with the --extra-opts files read in; cfg points into it */
	char show;   /* 'h' or 'V': print help or version and exit, at start-up only */
	bool check;  /* --check-config: say whether there is anything to watch, and exit */
};

/*
 * The agent: its settings, the snapshot it serves and the scan in flight.
 * One lives in main and reaches every net-snmp callback through the
 * registration's void pointer.
 */
struct agent {
	struct agent_opts opt;
	int saved_argc; /* the command line as given, read again on SIGHUP */
	char **saved_argv;
	struct agent_values current; /* served */
	struct oid_table table;      /* current, as sorted OIDs */
	struct probe scan;           /* in flight when scanning */
	struct smb_pool smb;         /* the SMB helpers kept between scans, one per share */
	bool scanning, scanned_once;
	unsigned scan_alarm, interval_alarm;
	int64_t scan_wall, scan_mono_ms;
	pid_t abandoned[64]; /* scans left in a hung call, reaped when the kernel lets them go */
	size_t nabandoned;
	int pid_fd; /* the pidfile, whose lock is held for the process's life */
};

#endif
