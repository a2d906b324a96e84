/*
 * ccmc-sim: a stand-in for the Exchange 5.5 connector for Lotus cc:Mail, so
 * that the demo and the tests have something real to heal. It delivers the
 * .ccm messages in Import and Export, and while a .und file sits in either
 * it stops delivering and says nothing (article Q212788); a restart delivers
 * a few messages and stalls again. Built by make, never installed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGNAME "ccmc-sim"
#define NAME_MAX_LEN 255

static const char usage_text[] =
    "Usage: " PROGNAME " -R STORE [-p PIDFILE] [-l LOG] [--poll SECONDS] [--burst N]\n"
    "       start | stop | status | run | send [N] | reject [Import|Export] | wait-polls [N]\n";

static const char help_text[] =
    "Simulates the connector for Lotus cc:Mail on a store with Import and Export:\n"
    "  start    start delivering, as a daemon (exit 0 once it runs)\n"
    "  stop     ask it to stop and return at once, as 'net rpc service stop' does\n"
    "  status   print running or stopped; exit 0 running, 3 stopped (LSB)\n"
    "  run      deliver in the foreground\n"
    "  send N   put N new messages (.ccm) in Export (default 1)\n"
    "  reject F turn the oldest message in folder F (default Import) into a .und\n"
    "           non-delivery file, or write a new one; prints its path\n"
    "  wait-polls N  return once the running simulator has polled N more times\n"
    "While any .und file is in Import or Export it delivers nothing and logs\n"
    "nothing, except for the first --burst messages after a start (default 2).\n"
    "Delivered messages move to STORE/delivered and are logged, one line each.\n"
    "CCMC_SIM_REJECT_EVERY=N in the environment rejects every Nth message.\n"
    "Defaults: -p STORE/ccmc-sim.pid, -l STORE/ccmc-sim.log, --poll 1.\n";

static struct {
	const char *store;
	char pidfile[4096], log[4096];
	double poll;
	long burst, reject_every;
} opt = {NULL, "", "", 1.0, 2, 0};

static const char *const folders[] = {"Import", "Export"};
static volatile sig_atomic_t stopping;

static _Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROGNAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcasecmp(name + n - s, suffix) == 0;
}

static void path_of(char *dst, size_t len, const char *folder, const char *name)
{
	if (snprintf(dst, len, "%s/%s%s%s", opt.store, folder, name ? "/" : "", name ? name : "") >=
	    (int)len)
		die("path too long under %s", opt.store);
}

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	FILE *f = fopen(opt.log, "a");
	va_list ap;

	if (!f)
		return;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(f, "%s ", stamp);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* The oldest-named file in folder with suffix, into name; false if none. */
static bool first_with(const char *folder, const char *suffix, char *name)
{
	char dir[4096];
	struct dirent *d;
	DIR *dp;
	bool found = false;

	path_of(dir, sizeof(dir), folder, NULL);
	dp = opendir(dir);
	if (!dp)
		return false;
	while ((d = readdir(dp)) != NULL) {
		if (!has_suffix(d->d_name, suffix) || strlen(d->d_name) > NAME_MAX_LEN)
			continue;
		if (!found || strcmp(d->d_name, name) < 0)
			strcpy(name, d->d_name);
		found = true;
	}
	closedir(dp);
	return found;
}

static bool und_present(void)
{
	char name[NAME_MAX_LEN + 1];

	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++)
		if (first_with(folders[i], ".und", name))
			return true;
	return false;
}

/* A non-delivery report such as the cc:Mail import cycle leaves. */
static int write_ndr(const char *path, const char *msg, int flags)
{
	char stamp[64];
	time_t now = time(NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0644);
	FILE *f;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "a");
	if (!f) {
		close(fd);
		return -1;
	}
	strftime(stamp, sizeof(stamp), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
	fprintf(f,
	        "Non-delivery report, %s\r\n"
	        "Message: %s\r\n"
	        "To: SMITH, JOHN at CCMAIL1\r\n"
	        "Reason: the cc:Mail import cycle (IMPORT.EXE) rejected the message:\r\n"
	        "  recipient not found in the post office directory.\r\n"
	        "The message was not delivered.\r\n",
	        stamp, msg);
	return fclose(f) == 0 ? 0 : -1;
}

/* Turns folder/name (a .ccm) into a .und: what a rejected message leaves. */
static int reject_message(const char *folder, const char *name, char *out, size_t outlen)
{
	char src[4096], base[NAME_MAX_LEN + 1];

	snprintf(base, sizeof(base), "%.*s.und", (int)(strlen(name) - 4), name);
	path_of(src, sizeof(src), folder, name);
	path_of(out, outlen, folder, base);
	if (rename(src, out) != 0)
		return -1;
	return write_ndr(out, name, O_APPEND);
}

static void deliver_one(const char *folder, const char *name)
{
	char src[4096], dst[4096];

	path_of(src, sizeof(src), folder, name);
	snprintf(dst, sizeof(dst), "%s/delivered/%s", opt.store, name);
	if (rename(src, dst) == 0)
		log_line("delivered %s/%s", folder, name);
}

/*
 * One poll: deliver every waiting message, oldest name first, unless a
 * .und file is there and the burst after the start is used up. A stall is
 * silent, as in the article.
 */
static void poll_once(long *burst, long *count)
{
	char name[NAME_MAX_LEN + 1], und[4096];

	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]) && !stopping; i++) {
		while (!stopping && first_with(folders[i], ".ccm", name)) {
			if (*burst <= 0 && und_present())
				return;
			if (*burst > 0)
				(*burst)--;
			(*count)++;
			if (opt.reject_every > 0 && *count % opt.reject_every == 0)
				reject_message(folders[i], name, und, sizeof(und));
			else
				deliver_one(folders[i], name);
		}
	}
}

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/*
 * Delivers until SIGTERM. After each poll the pidfile's mtime is touched:
 * a heartbeat that lets the demo and tests wait for polls (wait-polls)
 * without a word in the log, which stays silent while stalled.
 */
static void run_loop(int pidfd)
{
	struct sigaction sa;
	struct timespec ts = {(time_t)opt.poll, (long)((opt.poll - (time_t)opt.poll) * 1e9)};
	long burst = opt.burst, count = 0;
	char dir[4096];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	path_of(dir, sizeof(dir), "delivered", NULL);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	log_line("started (pid %ld)", (long)getpid());
	while (!stopping) {
		poll_once(&burst, &count);
		futimens(pidfd, NULL);
		nanosleep(&ts, NULL);
	}
	log_line("stopped");
}

/*
 * The pid holding the pidfile's lock, 0 when none does, or -1 when one does
 * but has not written its pid yet: the lock, not the text, says "running".
 */
static pid_t running_pid(void)
{
	int fd = open(opt.pidfile, O_RDONLY | O_CLOEXEC);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
		char buf[32] = "";
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		pid = n > 0 && atol(buf) > 0 ? (pid_t)atol(buf) : -1;
	}
	close(fd);
	return pid;
}

/* Takes the pidfile's lock and writes our pid; the lock lives as long as we do. */
static int hold_pidfile(void)
{
	char buf[32];
	int fd = open(opt.pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0)
		die("%s: %s", opt.pidfile, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		die("already running (%s is locked)", opt.pidfile);
	snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
		die("%s: %s", opt.pidfile, strerror(errno));
	return fd;
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Forks the daemon and returns once it holds the pidfile, as a service start does. */
static int cmd_start(void)
{
	int p[2];
	char ok = 0;

	if (running_pid() != 0) {
		puts("running");
		return 0;
	}
	if (pipe(p) != 0)
		die("pipe: %s", strerror(errno));
	pid_t child = fork();
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (child == 0) {
		close(p[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		int pidfd = hold_pidfile();
		if (write(p[1], "1", 1) != 1)
			_exit(1);
		close(p[1]);
		detach_stdio();
		run_loop(pidfd);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &ok, 1) != 1)
		die("the simulator did not start");
	puts("started");
	return 0;
}

static int cmd_stop(void)
{
	pid_t pid = running_pid();

	if (pid == 0) {
		puts("stopped");
		return 0;
	}
	if (pid < 0)
		die("%s is locked but holds no pid yet: try again", opt.pidfile);
	if (kill(pid, SIGTERM) != 0)
		die("kill %ld: %s", (long)pid, strerror(errno));
	puts("stop pending");
	return 0;
}

/* Writes one message under a name the poller skips, so it never sees half a file. */
static void write_message(const char *tmp, long i, long n)
{
	FILE *f = fopen(tmp, "wx");

	if (!f)
		die("%s: %s", tmp, strerror(errno));
	fprintf(f,
	        "From: postmaster@exchange1\r\nTo: SMITH, JOHN at CCMAIL1\r\n\r\n"
	        "Message %ld of %ld.\r\n",
	        i + 1, n);
	if (fclose(f) != 0)
		die("%s: %s", tmp, strerror(errno));
}

/*
 * Each message is written whole, then linked in under its .ccm name: a
 * poller that took a file still being written would append its report
 * to a file the writer then overwrites (seen in a test under ASan).
 */
static int cmd_send(long n)
{
	char name[64], path[4096], tmp[4096];
	struct timespec ts;

	path_of(tmp, sizeof(tmp), "Export", ".ccmc-sim-send.tmp");
	unlink(tmp);
	for (long i = 0; i < n; i++) {
		write_message(tmp, i, n);
		do {
			clock_gettime(CLOCK_REALTIME, &ts);
			snprintf(name, sizeof(name), "Msg%08lX%05lX.ccm", (unsigned long)ts.tv_sec,
			         (unsigned long)(ts.tv_nsec / 10000));
			path_of(path, sizeof(path), "Export", name);
		} while (link(tmp, path) != 0 && errno == EEXIST);
		if (unlink(tmp) != 0 || access(path, F_OK) != 0)
			die("%s: %s", path, strerror(errno));
	}
	return 0;
}

static int cmd_reject(const char *folder)
{
	char name[NAME_MAX_LEN + 1], out[4096];

	if (strcmp(folder, "Import") != 0 && strcmp(folder, "Export") != 0)
		die("reject: the folder is Import or Export, not '%s'", folder);
	if (first_with(folder, ".ccm", name)) {
		if (reject_message(folder, name, out, sizeof(out)) != 0)
			die("%s: %s", out, strerror(errno));
	} else {
		snprintf(name, sizeof(name), "Msg%08lX.ccm", (unsigned long)time(NULL));
		path_of(out, sizeof(out), folder, name);
		strcpy(out + strlen(out) - 4, ".und");
		if (write_ndr(out, name, O_EXCL) != 0)
			die("%s: %s", out, strerror(errno));
	}
	puts(out);
	return 0;
}

static bool mtime_of(const char *path, struct timespec *t)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	*t = st.st_mtim;
	return true;
}

/*
 * Waits until the running simulator has finished n more polls, so that
 * "nothing was delivered" is a fact and not a guess; exit 1 if it is not
 * running or does not poll within n + 10 poll intervals.
 */
static int cmd_wait_polls(long n)
{
	struct timespec last, now, tick = {0, 5000000};
	long seen = 0, ticks = (long)((double)(n + 10) * opt.poll / 0.005);

	if (running_pid() == 0 || !mtime_of(opt.pidfile, &last))
		die("not running");
	while (seen < n && ticks-- > 0) {
		nanosleep(&tick, NULL);
		if (mtime_of(opt.pidfile, &now) &&
		    (now.tv_sec != last.tv_sec || now.tv_nsec != last.tv_nsec)) {
			seen++;
			last = now;
		}
	}
	if (seen < n)
		die("no poll seen in %.1f s", (double)(n + 10) * opt.poll);
	return 0;
}

static long number(const char *what, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("%s '%s': expected a whole number from %ld to %ld", what, s, min, max);
	return v;
}

static double seconds(const char *what, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.01 && v <= 60))
		die("%s '%s': expected seconds from 0.01 to 60", what, s);
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"store", required_argument, NULL, 'R'},
	    {"pidfile", required_argument, NULL, 'p'},
	    {"log", required_argument, NULL, 'l'},
	    {"poll", required_argument, NULL, 'P'},
	    {"burst", required_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *env = getenv("CCMC_SIM_REJECT_EVERY");
	int o;

	while ((o = getopt_long(argc, argv, "+R:p:l:h", longopts, NULL)) != -1) {
		switch (o) {
		case 'R': opt.store = optarg; break;
		case 'p': snprintf(opt.pidfile, sizeof(opt.pidfile), "%s", optarg); break;
		case 'l': snprintf(opt.log, sizeof(opt.log), "%s", optarg); break;
		case 'P': opt.poll = seconds("--poll", optarg); break;
		case 'b': opt.burst = number("--burst", optarg, 0, 1000); break;
		case 'h': printf("%s\n%s", usage_text, help_text); exit(0);
		default: fprintf(stderr, "%s", usage_text); exit(2);
		}
	}
	if (!opt.store || optind >= argc) {
		fprintf(stderr, "%s", usage_text);
		exit(2);
	}
	if (!opt.pidfile[0])
		snprintf(opt.pidfile, sizeof(opt.pidfile), "%s/ccmc-sim.pid", opt.store);
	if (!opt.log[0])
		snprintf(opt.log, sizeof(opt.log), "%s/ccmc-sim.log", opt.store);
	if (env && *env)
		opt.reject_every = number("CCMC_SIM_REJECT_EVERY", env, 1, 1000000);
}

int main(int argc, char **argv)
{
	const char *cmd, *arg;

	parse_args(argc, argv);
	cmd = argv[optind];
	arg = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (strcmp(cmd, "start") == 0)
		return cmd_start();
	if (strcmp(cmd, "stop") == 0)
		return cmd_stop();
	if (strcmp(cmd, "status") == 0) {
		bool up = running_pid() != 0;
		puts(up ? "running" : "stopped");
		return up ? 0 : 3;
	}
	if (strcmp(cmd, "run") == 0) {
		run_loop(hold_pidfile());
		return 0;
	}
	if (strcmp(cmd, "wait-polls") == 0)
		return cmd_wait_polls(arg ? number("wait-polls", arg, 1, 1000) : 1);
	if (strcmp(cmd, "send") == 0)
		return cmd_send(arg ? number("send", arg, 1, 100000) : 1);
	if (strcmp(cmd, "reject") == 0)
		return cmd_reject(arg ? arg : "Import");
	die("unknown command '%s'\n%s", cmd, usage_text);
}
