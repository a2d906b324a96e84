/*
 * ccmc_und_subagent: serves CCMC-UND-MIB to a net-snmp master agent over
 * AgentX. Scans run on a timer in a child process (lib/probe); requests
 * are answered from the last snapshot, never from the file system.
 */
#include "config.h"

#include "check.h"
#include "extraopts.h"
#include "options.h"
#include "oidtable.h"
#include "probe.h"
#include "state.h"
#include "store.h"
#include "values.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char version[] = PACKAGE_VERSION;

#include "netsnmp.h"
#include <net-snmp/agent/net-snmp-agent-includes.h>

#define PROGNAME "ccmc_und_subagent"
#define DEFAULT_BASE "1.3.6.1.4.1.8072.9999.9999.212788"

static const char usage_text[] =
    "Usage: " PROGNAME " {-R STORE | -d DIR [-d DIR ...]} [-w RANGE] [-c RANGE]\n"
    "       [-W RANGE] [-C RANGE] [--backlog-warning RANGE] [--backlog-critical RANGE]\n"
    "       [--backlog-age-warning RANGE] [--backlog-age-critical RANGE] [--no-backlog]\n"
    "       [--missing STATE] [--fstype TYPE[,TYPE...]] [--require-mount] [-t SECONDS]\n"
    "       [--interval SECONDS] [-x ADDRESS] [--ping-interval SECONDS] [--base-oid OID]\n"
    "       [-f] [-p PIDFILE] [-u USER] [--extra-opts[=[SECTION][@FILE]]]... | -h | -V\n";

static const char help_text[] =
    "Serves CCMC-UND-MIB (experimental, under netSnmpPlaypen.212788) to a net-snmp\n"
    "master agent over AgentX: the .und files and .ccm backlog of the connector\n"
    "for Lotus cc:Mail, judged as check_ccmc_und judges them.\n\n"
    "Options:\n"
    " -R, --store=STORE, -d, --dir=DIR, -w, --warning=RANGE, -c, --critical=RANGE,\n"
    " -W, --age-warning=RANGE, -C, --age-critical=RANGE, --backlog-warning=RANGE,\n"
    " --backlog-critical=RANGE, --backlog-age-warning=RANGE,\n"
    " --backlog-age-critical=RANGE, --no-backlog, --missing=STATE,\n"
    " --fstype=TYPE[,TYPE], --require-mount\n"
    "                            as for check_ccmc_und\n"
    " -t, --timeout=SECONDS      abandon a scan after this (default 10)\n"
    "     --interval=SECONDS     time between scans (default 30)\n"
    " -x, --agentx=ADDRESS       the master's AgentX socket (path or tcp:HOST:PORT)\n"
    "     --ping-interval=SECONDS  ping the master; reconnect within this (default 15)\n"
    "     --base-oid=OID         mount the tree here instead\n"
    " -f, --foreground           stay in the foreground and log to stderr\n"
    " -p, --pidfile=FILE         pid file, locked: one instance per file\n"
    " -u, --user=USER            run as USER after start-up\n"
    "     --extra-opts[=[SECTION][@FILE]]\n"
    "                            read long options from an ini file section (default\n"
    "                            section " PROGNAME ", default file\n"
    "                            " CCMC_EXTRA_OPTS_FILE ");\n"
    "                            the command line wins\n"
    " -h, --help                 this help\n"
    " -V, --version              the version\n\n"
    "Exit status: 0 stopped by SIGTERM (or -h, -V), 1 could not start, 2 usage error.\n";

enum {
	OPT_INTERVAL = OPT_COMMON_END,
	OPT_PING,
	OPT_BASE,
};

static const struct option longopts[] = {
    COMMON_LONGOPTS,
    {"timeout", required_argument, NULL, 't'},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"agentx", required_argument, NULL, 'x'},
    {"ping-interval", required_argument, NULL, OPT_PING},
    {"base-oid", required_argument, NULL, OPT_BASE},
    {"foreground", no_argument, NULL, 'f'},
    {"pidfile", required_argument, NULL, 'p'},
    {"user", required_argument, NULL, 'u'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static struct {
	struct check_config cfg;
	const char *agentx, *pidfile, *user;
	bool foreground;
	int interval, ping;
	uint32_t base[OIDTABLE_OID_MAX];
	size_t base_len;
} opt;

/* The served snapshot and the scan in flight. */
static struct agent_values current;
static struct oid_table table;
static struct probe scan;
static bool scanning, scanned_once;
static unsigned scan_alarm;
static int64_t scan_wall, scan_mono_ms;
static pid_t abandoned[64];
static size_t nabandoned;
static volatile sig_atomic_t keep_running = 1;

static _Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROGNAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage_text);
	exit(2);
}

static int number_arg(const char *name, const char *s, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage_error("%s '%s': expected a whole number from %d to %d", name, s, min, max);
	return (int)v;
}

static void parse_args(int argc, char **argv)
{
	static const char shortopts[] = COMMON_SHORTOPTS "t:x:fp:u:hV";
	static char **args; /* the options read from files live as long as opt */
	char err[512];
	int o;

	if (extra_opts_expand(argc, argv, longopts, PROGNAME, CCMC_EXTRA_OPTS_FILE, &argc, &args,
	                      err, sizeof(err)) != 0)
		usage_error("%s", err);
	argv = args;
	while ((o = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int taken = common_option(&opt.cfg, o, optarg, err, sizeof(err));
		if (taken < 0)
			usage_error("%s", err);
		if (taken)
			continue;
		switch (o) {
		case 't': opt.cfg.timeout = number_arg("-t", optarg, 1, 3600); break;
		case OPT_INTERVAL: opt.interval = number_arg("--interval", optarg, 1, 86400); break;
		case 'x': opt.agentx = optarg; break;
		case OPT_PING: opt.ping = number_arg("--ping-interval", optarg, 1, 3600); break;
		case OPT_BASE:
			opt.base_len = oid_parse(optarg, opt.base, OIDTABLE_OID_MAX - 6);
			if (opt.base_len < 2)
				usage_error("--base-oid '%s': expected a numeric OID", optarg);
			break;
		case 'f': opt.foreground = true; break;
		case 'p': opt.pidfile = optarg; break;
		case 'u': opt.user = optarg; break;
		case 'h': printf("%s\n%s", usage_text, help_text); exit(0);
		case 'V': printf(PROGNAME " %s\n", version); exit(0);
		default: usage_error("invalid option");
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (common_finish(&opt.cfg, err, sizeof(err)) != 0)
		usage_error("%s", err);
	if (opt.cfg.timeout >= opt.interval)
		usage_error("the scan time-out (-t) must be shorter than --interval");
}

/* --- requests ---------------------------------------------------------------------------- */

static void set_value(netsnmp_variable_list *vb, const struct oid_entry *e)
{
	long l = (long)e->num;
	struct counter64 c64 = {(u_long)(e->u64 >> 32), (u_long)(e->u64 & 0xffffffffu)};

	switch (e->kind) {
	case KIND_INTEGER: snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l)); break;
	case KIND_GAUGE: snmp_set_var_typed_value(vb, ASN_GAUGE, &l, sizeof(l)); break;
	case KIND_COUNTER: snmp_set_var_typed_value(vb, ASN_COUNTER, &l, sizeof(l)); break;
	case KIND_COUNTER64: snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64)); break;
	case KIND_OCTETS: snmp_set_var_typed_value(vb, ASN_OCTET_STR, e->text, e->text_len); break;
	}
}

/* An OID from a request in our arcs; false when it is too long to be one of ours. */
static bool request_oid(const netsnmp_variable_list *vb, uint32_t *name, size_t *len)
{
	*len = vb->name_length < OIDTABLE_OID_MAX ? vb->name_length : OIDTABLE_OID_MAX;
	/* cppcheck reads net-snmp's types without its headers. */
	// cppcheck-suppress knownConditionTrueFalse
	for (size_t i = 0; i < *len; i++)
		name[i] = vb->name[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)vb->name[i];
	return vb->name_length <= OIDTABLE_OID_MAX;
}

static int handle(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                  netsnmp_agent_request_info *ri, netsnmp_request_info *req)
{
	(void)h;
	(void)reg;
	for (; req; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;
		uint32_t name[OIDTABLE_OID_MAX];
		size_t len;
		bool exact = request_oid(vb, name, &len);
		const struct oid_entry *e;
		if (ri->mode == MODE_GET) {
			e = exact ? oidtable_get(&table, name, len) : NULL;
			if (!e)
				netsnmp_set_request_error(ri, req, SNMP_NOSUCHINSTANCE);
			else
				set_value(vb, e);
		} else if (ri->mode == MODE_GETNEXT) {
			/* No next here: the varbind stays empty and the master asks the next
			 * subtree. */
			if ((e = oidtable_next(&table, name, len)) != NULL) {
				oid next[OIDTABLE_OID_MAX];
				for (size_t i = 0; i < e->len; i++)
					next[i] = e->name[i];
				snmp_set_var_objid(vb, next, e->len);
				set_value(vb, e);
			}
		} else {
			netsnmp_set_request_error(ri, req, SNMP_ERR_NOTWRITABLE);
		}
	}
	return SNMP_ERR_NOERROR;
}

static void register_tree(void)
{
	oid base[OIDTABLE_OID_MAX];

	for (size_t i = 0; i < opt.base_len; i++)
		base[i] = opt.base[i];
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
	    "ccmcUndMIB", handle, base, opt.base_len, HANDLER_CAN_RONLY);
	if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
		snmp_log(LOG_ERR, "cannot register the CCMC-UND-MIB tree\n");
}

/* --- scans and notifications --------------------------------------------------------------- */

static void append_oid(oid *dst, size_t *len, const uint32_t *arcs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[(*len)++] = arcs[i];
}

static void add_column(netsnmp_variable_list **vars, uint32_t col, size_t row, u_char type,
                       const void *val, size_t vlen)
{
	oid name[OIDTABLE_OID_MAX];
	size_t n = 0;
	uint32_t tail[5] = {1, 2, 1, col, (uint32_t)row + 1};

	append_oid(name, &n, opt.base, opt.base_len);
	append_oid(name, &n, tail, 5);
	snmp_varlist_add_variable(vars, name, n, type, val, vlen);
}

/* ccmcUndStateChange for folder i, which went from was to the state in v. */
static void notify_change(const struct agent_values *v, size_t i, enum state was)
{
	netsnmp_variable_list *vars = NULL;
	oid trap[OIDTABLE_OID_MAX], prev[OIDTABLE_OID_MAX];
	size_t tn = 0, pn = 0;
	uint32_t trap_tail[2] = {0, 1}, prev_tail[4] = {1, 3, 1, (uint32_t)i + 1};
	long count = v->f[i].count, age = v->f[i].oldest_age, old = was, now = v->f[i].state;

	append_oid(trap, &tn, opt.base, opt.base_len);
	append_oid(trap, &tn, trap_tail, 2);
	append_oid(prev, &pn, opt.base, opt.base_len);
	append_oid(prev, &pn, prev_tail, 4);
	/* snmpTrapOID.0, from SNMPv2-MIB */
	static const oid trap_oid_name[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
	snmp_varlist_add_variable(&vars, trap_oid_name, OID_LENGTH(trap_oid_name), ASN_OBJECT_ID,
	                          (u_char *)trap, tn * sizeof(oid));
	add_column(&vars, 2, i, ASN_OCTET_STR, v->f[i].name, strlen(v->f[i].name));
	add_column(&vars, 4, i, ASN_GAUGE, &count, sizeof(count));
	add_column(&vars, 5, i, ASN_GAUGE, &age, sizeof(age));
	snmp_varlist_add_variable(&vars, prev, pn, ASN_INTEGER, &old, sizeof(old));
	add_column(&vars, 10, i, ASN_INTEGER, &now, sizeof(now));
	send_v2trap(vars);
	snmp_free_varbind(vars);
	snmp_log(LOG_NOTICE, "%s: %s -> %s\n", v->f[i].name, state_name(was),
	         state_name(v->f[i].state));
}

/* Serves next from now on, notifying each folder whose state changed. */
static void publish(const struct agent_values *next)
{
	for (size_t i = 0; scanned_once && i < next->nfolders; i++)
		if (current.f[i].state != next->f[i].state)
			notify_change(next, i, current.f[i].state);
	current = *next;
	oidtable_build(&current, opt.base, opt.base_len, &table);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void scan_done(int fd, void *arg)
{
	static struct agent_values next;

	(void)arg;
	unregister_readfd(fd);
	snmp_alarm_unregister(scan_alarm);
	next = current;
	if (probe_finish(&scan) == 0)
		values_from_probe(&opt.cfg, &scan, scan_wall, (uint32_t)(mono_ms() - scan_mono_ms),
		                  &next);
	else
		values_failed(&opt.cfg, scan.failure, &next);
	probe_free(&scan);
	scanning = false;
	publish(&next);
	scanned_once = true;
}

/* The scan hung (a stat on a lost share): walk away from it and go unknown. */
static void scan_timeout(unsigned reg, void *arg)
{
	static struct agent_values next;
	char why[VALUE_TEXT];

	(void)reg;
	(void)arg;
	unregister_readfd(scan.rfd);
	probe_abandon(&scan);
	if (nabandoned < sizeof(abandoned) / sizeof(abandoned[0]))
		abandoned[nabandoned++] = scan.pid;
	snprintf(why, sizeof(why), "scan timed out after %ds %s %s (hung share?)", opt.cfg.timeout,
	         probe_step_name(scan.hung_step), opt.cfg.folders.f[scan.hung_folder].path);
	snmp_log(LOG_WARNING, "%s\n", why);
	next = current;
	values_failed(&opt.cfg, why, &next);
	probe_free(&scan);
	scanning = false;
	publish(&next);
	scanned_once = true;
}

/* Scan processes left in a hung call are reaped once the kernel lets them go. */
static void reap_abandoned(void)
{
	for (size_t i = 0; i < nabandoned;) {
		if (waitpid(abandoned[i], NULL, WNOHANG) != 0)
			abandoned[i] = abandoned[--nabandoned];
		else
			i++;
	}
}

static void scan_start(unsigned reg, void *arg)
{
	static struct agent_values next;

	(void)reg;
	(void)arg;
	reap_abandoned();
	if (scanning)
		return;
	opt.cfg.now = (int64_t)time(NULL);
	scan_wall = opt.cfg.now;
	scan_mono_ms = mono_ms();
	struct probe_opts o = {opt.cfg.now,           1,
	                       opt.cfg.backlog,       opt.cfg.fstypes,
	                       opt.cfg.require_mount, opt.cfg.timeout * 1000};
	if (probe_start(&opt.cfg.folders, &o, &scan) != 0) {
		next = current;
		values_failed(&opt.cfg, scan.failure, &next);
		probe_free(&scan);
		publish(&next);
		return;
	}
	scanning = true;
	register_readfd(scan.rfd, scan_done, NULL);
	scan_alarm = snmp_alarm_register((unsigned)opt.cfg.timeout, 0, scan_timeout, NULL);
}

/* --- the daemon ---------------------------------------------------------------------------- */

static void on_term(int sig)
{
	(void)sig;
	keep_running = 0;
}

/* The pidfile's descriptor, whose lock is held for the process's life. */
static int pid_fd = -1;

static void write_pid(void)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (pid_fd >= 0 && (ftruncate(pid_fd, 0) < 0 || pwrite(pid_fd, buf, (size_t)n, 0) != n))
		fprintf(stderr, PROGNAME ": cannot write %s\n", opt.pidfile);
}

/* One instance per pidfile. The daemon inherits the locked descriptor across daemon(). */
static void take_pidfile(void)
{
	if (!opt.pidfile)
		return;
	pid_fd = open(opt.pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (pid_fd < 0) {
		fprintf(stderr, PROGNAME ": %s: %s\n", opt.pidfile, strerror(errno));
		exit(1);
	}
	if (flock(pid_fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, PROGNAME ": another instance holds %s\n", opt.pidfile);
		exit(1);
	}
	write_pid();
}

static void drop_privileges(void)
{
	struct passwd *pw;

	if (!opt.user)
		return;
	pw = getpwnam(opt.user);
	if (!pw || initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		fprintf(stderr, PROGNAME ": cannot become %s\n", opt.user);
		exit(1);
	}
}

static void become_daemon(void)
{
	if (opt.foreground)
		return;
	if (daemon(0, 0) < 0) {
		perror(PROGNAME ": daemon");
		exit(1);
	}
}

/* An AgentX subagent that reads no config file and loads no MIB. */
static void agent_setup(void)
{
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   opt.ping);
	if (opt.agentx)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
		                      opt.agentx);
	if (opt.foreground)
		snmp_enable_stderrlog();
	else
		snmp_enable_syslog_ident(PROGNAME, LOG_DAEMON);
	init_agent(PROGNAME);
	register_tree();
	init_snmp(PROGNAME);
	/* init_snmp sets its default (15 s); the reconnect timer reads it when the master goes. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   opt.ping);
}

int main(int argc, char **argv)
{
	check_config_default(&opt.cfg);
	opt.interval = 30;
	opt.ping = 15;
	opt.base_len = oid_parse(DEFAULT_BASE, opt.base, OIDTABLE_OID_MAX);
	parse_args(argc, argv);

	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	take_pidfile();
	become_daemon();
	write_pid(); /* the daemon's own pid, under the same lock */
	drop_privileges();
	agent_setup();

	values_init(&opt.cfg, &current);
	oidtable_build(&current, opt.base, opt.base_len, &table);
	scan_start(0, NULL);
	snmp_alarm_register((unsigned)opt.interval, SA_REPEAT, scan_start, NULL);
	snmp_log(LOG_INFO, PROGNAME " %s started\n", version);
	while (keep_running)
		agent_check_and_process(1);
	snmp_log(LOG_INFO, PROGNAME " stopping\n");
	snmp_shutdown(PROGNAME);
	return 0;
}
