/*
 * The handler's option table (eventhandler/options.c) without root, a
 * connector or a store: every long option reaches its setting or action,
 * the config file comes first and the command line wins, and each fault is
 * a usage error with the reason.
 */
#include "options.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct run run;

/* Parses argv (NULL-terminated) into a fresh run; returns whether it would run, and *code. */
static bool parse(char **argv, int *code)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	settings_free(&run.cfg); /* the last parse's strings: LeakSanitizer counts them */
	memset(&run, 0, sizeof(run));
	settings_default(&run.cfg);
	fflush(stdout);
	/* The usage text and help go to the TAP stream's neighbours, not into it. */
	FILE *keep = freopen("/dev/null", "w", stderr);
	bool go = options_parse(argc, argv, &run, code);
	(void)keep;
	return go;
}

static void settings_reach(void)
{
	char *argv[] = {"h",
	                "-R",
	                "/srv/ccmc",
	                "-Q",
	                "/var/q",
	                "--stop-cmd",
	                "/bin/true stop",
	                "--start-cmd",
	                "/bin/true start",
	                "--status-cmd",
	                "/bin/echo running",
	                "--stop-timeout",
	                "7s",
	                "--start-timeout",
	                "9s",
	                "--deadline",
	                "40s",
	                "--max-runs",
	                "5",
	                "--window",
	                "2h",
	                "--soft-attempt",
	                "2",
	                "--state-dir",
	                "/var/st",
	                "--quarantine-require-mount",
	                "-v",
	                "-n",
	                "CRITICAL",
	                "HARD",
	                "3",
	                NULL};
	int code = -1;

	tap_ok(parse(argv, &code), "every setting option given: the run goes on");
	tap_is_str(run.cfg.quarantine, "/var/q", "-Q reaches quarantine");
	tap_is_str(run.cfg.stop_cmd, "/bin/true stop", "--stop-cmd reaches its setting");
	tap_is_int(run.cfg.stop_timeout * 1000 + run.cfg.start_timeout, 7009,
	           "--stop-timeout and --start-timeout, as durations");
	tap_is_int(run.cfg.deadline, 40, "--deadline");
	tap_is_int(run.cfg.max_runs * 100 + run.cfg.soft_attempt, 502,
	           "--max-runs and --soft-attempt");
	tap_is_int(run.cfg.window, 7200, "--window");
	tap_is_str(run.cfg.state_dir, "/var/st", "--state-dir");
	tap_ok(run.cfg.quarantine_require_mount, "--quarantine-require-mount, a flag");
	tap_ok(run.verbose && run.dry_run && !run.force, "-v and -n are actions, not settings");
	tap_is_int((int)run.cfg.folders.n, 3,
	           "-R names Import, Export and Submit (the handler moves only the first two)");
	tap_is_int(run.conn.stop.argc, 2, "the stop command is split into its words");
	tap_ok(run.conn.start.leaves_children, "the start may leave the connector's daemon behind");
}

static void faults(void)
{
	char *unknown[] = {"h", "--bogus", "--force", NULL};
	char *bad[] = {"h", "--max-runs", "0", "--force", NULL};
	char *help[] = {"h", "--help", NULL};
	char *unset[] = {"h", "CRITICAL", "HARD", "3", NULL};
	char *notrigger[] = {"h", "-R", "/srv", NULL};
	int code = -1;

	tap_ok(!parse(unknown, &code) && code == 2, "an unknown option: a usage error (2)");
	tap_ok(!parse(bad, &code) && code == 2, "a value out of range: a usage error (2)");
	tap_ok(!parse(help, &code) && code == 0, "--help: printed, exit 0, no run");
	tap_ok(!parse(unset, &code) && code == 2, "nothing set up: exit 2, no run");
	tap_ok(!parse(notrigger, &code) && code == 2,
	       "neither a trigger nor --force: a usage error");
}

/* The SMB options come from the list the plugin shares (smbopts.h), with its rules. */
static void smb_options(void)
{
	char auth[] = "/tmp/test_handler_auth.XXXXXX";
	int afd = mkstemp(auth); /* 0600, as the auth file must be */
	const char text[] = "username = u\npassword = p\n";

	if (afd < 0 || write(afd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1)) {
		tap_ok(0, "a temp auth file");
		return;
	}
	close(afd);
	char *good[] = {"h",         "-R",
	                "/srv/a",    "-Q",
	                "/var/q",    "--stop-cmd",
	                "/bin/true", "--start-cmd",
	                "/bin/true", "--status-cmd",
	                "/bin/true", "-A",
	                auth,        "--smb-protocol",
	                "NT1:SMB3",  "--use-kerberos",
	                "--force",   NULL};
	char *relative[] = {"h", "-A", "auth", "--force", NULL};
	char *proto[] = {"h", "--smb-protocol", "SMB9", "--force", NULL};
	int code = -1;

	tap_ok(parse(good, &code), "-A, --smb-protocol and --use-kerberos: the run goes on");
	tap_ok(run.cfg.smb.authfile && strcmp(run.cfg.smb.authfile, auth) == 0 &&
	           run.cfg.smb.protocol && strcmp(run.cfg.smb.protocol, "NT1:SMB3") == 0 &&
	           run.cfg.smb.kerberos,
	       "... each reaches its SMB setting");
	tap_ok(!parse(relative, &code) && code == 2, "a relative auth file: a usage error");
	tap_ok(!parse(proto, &code) && code == 2, "a dialect that is none: a usage error");
	unlink(auth);
}

static void file_then_line(void)
{
	char path[] = "/tmp/test_handler_options.XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "store = /srv/a\nquarantine = /var/q\nstop-cmd = /bin/true\n"
	                    "start-cmd = /bin/true\nstatus-cmd = /bin/true\ndeadline = 30s\n";
	int code = -1;

	if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1)) {
		tap_ok(0, "a temp config file");
		return;
	}
	close(fd);
	char *argv[] = {"h", "--deadline", "50s", "-f", path, "--force", NULL};
	tap_ok(parse(argv, &code), "-f after an option: the file is read first");
	tap_is_int(run.cfg.deadline, 50, "... and the command line wins over it");
	tap_ok(run.config_path && strcmp(run.config_path, path) == 0,
	       "... and is named for messages");
	unlink(path);
}

int main(void)
{
	settings_reach();
	faults();
	smb_options();
	file_then_line();
	settings_free(&run.cfg);
	return tap_done();
}
