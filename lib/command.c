#include "config.h"

#include "command.h"

#include "number.h"

#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Appends one character of the current word; false when the buffer is full. */
static bool put(struct command *c, size_t *len, char ch)
{
	if (*len + 1 >= sizeof(c->buf))
		return false;
	c->buf[(*len)++] = ch;
	return true;
}

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* Reads one word starting at *p into c; advances *p past it. */
static int split_word(const char **p, struct command *c, size_t *len, char *err, size_t errlen)
{
	const char *s = *p;
	char quote = 0;

	for (; *s && (quote || !is_blank(*s)); s++) {
		char ch = *s;
		if (quote == '\'' && ch == '\'') {
			quote = 0;
			continue;
		}
		if (quote == '"' && ch == '"') {
			quote = 0;
			continue;
		}
		if (!quote && (ch == '\'' || ch == '"')) {
			quote = ch;
			continue;
		}
		if (ch == '\\' && quote != '\'' && (!quote || s[1] == '"' || s[1] == '\\')) {
			if (!*++s)
				return fail(err, errlen, "a backslash ends the command");
			ch = *s;
		}
		if (!put(c, len, ch))
			return fail(err, errlen, "the command is too long");
	}
	if (quote)
		return fail(err, errlen,
		            quote == '"' ? "a \" quote is not closed" : "a ' quote is not closed");
	*p = s;
	return 0;
}

int command_split(const char *line, struct command *c, char *err, size_t errlen)
{
	size_t len = 0;
	const char *p = line;

	c->argc = 0;
	c->leaves_children = false;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		if (c->argc == COMMAND_ARGS_MAX)
			return fail(err, errlen, "the command has too many words");
		c->argv[c->argc++] = c->buf + len;
		if (split_word(&p, c, &len, err, errlen) < 0 || !put(c, &len, '\0'))
			return err[0] ? -1 : fail(err, errlen, "the command is too long");
	}
	c->argv[c->argc] = NULL;
	if (c->argc == 0)
		return fail(err, errlen, "the command is empty");
	if (c->argv[0][0] != '/')
		return fail(err, errlen, "the program must be an absolute path");
	return 0;
}

/*
 * The child's side: only async-signal-safe calls between fork and exec. It
 * leads a process group of its own, so that a time-out kills whatever it
 * started (a wrapper's "sleep; stop" would otherwise stop the connector after
 * the run started it again), and dies with the handler where the kernel
 * allows it (not across a setuid exec).
 */
static void child_exec(const struct command *c, int out_fd, pid_t parent)
{
	static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	static const char failed[] = "cannot execute the command\n";
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(126);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(126);
	execve(c->argv[0], c->argv, env);
	if (write(2, failed, sizeof(failed) - 1) < 0)
		_exit(127);
	_exit(127);
}

/*
 * Reads what is ready: 1 when it read something, 0 at end of file, -1 when
 * nothing is ready. Output past the buffer is read and dropped.
 */
static int drain(int fd, struct command_result *r)
{
	char sink[512];
	size_t room = sizeof(r->out) - 1 - r->len;
	ssize_t n = room ? read(fd, r->out + r->len, room) : read(fd, sink, sizeof(sink));

	if (n > 0) {
		if (room)
			r->len += (size_t)n;
		return 1;
	}
	return n < 0 && (errno == EAGAIN || errno == EINTR) ? -1 : 0;
}

void command_adopt_strays(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

/* The children of this process, from every thread's list. Returns how many fit in kids. */
static size_t children(pid_t *kids, size_t max)
{
	DIR *d = opendir("/proc/self/task");
	const struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)) && n < max) {
		char path[sizeof(e->d_name) + 32], buf[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		buf[len > 0 ? len : 0] = '\0';
		/* "pid pid ... ": each a whole number; the first that is not ends the list. */
		for (char *p = buf; *p && n < max;) {
			size_t w = strcspn(p, " \n");
			int64_t v;
			if (number_parse(p, w, 1, INT32_MAX, &v) != 0)
				break;
			kids[n++] = (pid_t)v;
			p += w + strspn(p + w, " \n");
		}
	}
	if (d)
		closedir(d);
	return n;
}

/* True when the process behind pidfd ended within ms. */
static bool ended_within(int pidfd, int ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int64_t until = mono_ms() + ms;

	for (int64_t left = ms; left > 0; left = until - mono_ms())
		if (poll(&p, 1, (int)left) > 0)
			return true;
	return false;
}

/* The daemons start commands left, adopted and never killed, and the strays that could not be. */
static pid_t spared[64], unkillable[64];
static size_t nspared, nunkillable;

static bool listed(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

static void remember(pid_t *v, size_t *n, pid_t pid)
{
	if (*n < 64 && !listed(v, *n, pid))
		v[(*n)++] = pid;
}

/*
 * A child of ours outside our process group, and not a daemon a start left:
 * a command's descendant that left its group (helpers and probes stay in ours).
 */
static bool stray_child(pid_t pid)
{
	pid_t g = getpgid(pid);

	return g >= 0 && g != getpgrp() && !listed(spared, nspared, pid);
}

/*
 * Kills the strays among our children, all at once: their groups too, unless
 * a spared daemon leads that group. Returns how many it signalled; their
 * pidfds go to fds, for one wait.
 */
static size_t kill_strays(int *fds, pid_t *pids, size_t max)
{
	pid_t kids[256];
	size_t n = children(kids, 256), k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		if (!stray_child(kids[i]) || listed(unkillable, nunkillable, kids[i]))
			continue;
		pid_t g = getpgid(kids[i]);
		fds[k] = pidfd_open(kids[i], 0);
		pids[k++] = kids[i];
		if (g > 0 && !listed(spared, nspared, g))
			kill(-g, SIGKILL);
		kill(kids[i], SIGKILL);
	}
	return k;
}

/*
 * What a command left outside its group: spared (a start's daemon), or
 * killed, level after level, since each killed stray hands its own
 * children to us. The waits together end by until_ms (and within
 * COMMAND_KILL_WAIT_MS); one that would not die is remembered, never waited
 * for again, and makes the result stray.
 */
static void sweep_strays(bool spare, int64_t until_ms, struct command_result *r)
{
	pid_t kids[256], pids[64];
	int fds[64];

	if (spare) {
		size_t n = children(kids, 256);
		for (size_t i = 0; i < n; i++)
			if (stray_child(kids[i]))
				remember(spared, &nspared, kids[i]);
		return;
	}
	/* A kill takes effect at once for any process we may signal: a few ms are always given. */
	if (until_ms < mono_ms() + 20)
		until_ms = mono_ms() + 20;
	for (int level = 0; level < 16; level++) {
		size_t k = kill_strays(fds, pids, 64);
		if (k == 0)
			return;
		for (size_t i = 0; i < k; i++) {
			int64_t left = until_ms - mono_ms();
			if (fds[i] >= 0 && ended_within(fds[i], left > 0 ? (int)left : 0))
				waitpid(pids[i], NULL, WNOHANG);
			else {
				remember(unkillable, &nunkillable, pids[i]);
				r->stray = true;
			}
			if (fds[i] >= 0)
				close(fds[i]);
		}
	}
}

/*
 * Kills the command's process group: what a timed-out command started, and
 * what one that ended left behind, which could act on the connector later.
 * The leader is not reaped yet, so its pid still names this group only. A
 * process we may not signal (a setuid program that set its real uid) is
 * not waited for past COMMAND_KILL_WAIT_MS: it is left running, and said so.
 */
static void reap(pid_t pid, int pidfd, bool timed_out, struct command_result *r)
{
	int status;

	kill(-pid, SIGKILL);
	if (timed_out) {
		kill(pid, SIGKILL);
		if (!ended_within(pidfd, COMMAND_KILL_WAIT_MS)) {
			r->stray = true;
			return;
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int command_run(const struct command *c, int64_t until_ms, struct command_result *r)
{
	int p[2], pfd_proc;
	pid_t pid;
	bool out_open = true;

	pid_t parent = getpid();

	r->exit_code = -1;
	r->stray = false;
	/* What earlier commands left and handed on to us since their own sweep goes first. */
	sweep_strays(false, mono_ms() + COMMAND_KILL_WAIT_MS, r);
	r->len = 0;
	r->out[0] = '\0';
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]), close(p[1]);
		return e;
	}
	if (pid == 0)
		child_exec(c, p[1], parent);
	/* Both sides set the group, so that it exists before either goes on. */
	setpgid(pid, pid);
	close(p[1]);
	pfd_proc = pidfd_open(pid, 0);
	bool timed_out = true;
	while (pfd_proc >= 0) {
		int64_t left = until_ms - mono_ms();
		struct pollfd pfd[2] = {{.fd = out_open ? p[0] : -1, .events = POLLIN},
		                        {.fd = pfd_proc, .events = POLLIN}};
		if (left <= 0)
			break;
		if (poll(pfd, 2, (int)(left > 1000 ? 1000 : left)) <= 0)
			continue;
		if (pfd[0].revents)
			out_open = drain(p[0], r) != 0;
		if (pfd[1].revents) {
			while (out_open && drain(p[0], r) == 1)
				;
			timed_out = false;
			break;
		}
	}
	close(p[0]);
	r->out[r->len] = '\0';
	reap(pid, pfd_proc, timed_out, r);
	if (pfd_proc >= 0)
		close(pfd_proc);
	/* The reap and the sweep share one grace after the time-out, or after the exit. */
	sweep_strays(c->leaves_children, (timed_out ? until_ms : mono_ms()) + COMMAND_KILL_WAIT_MS,
	             r);
	return timed_out ? ETIMEDOUT : 0;
}

static const struct {
	const char *word;
	enum svc_state state;
} status_words[] = {
    {"pending", SVC_PENDING},  {"activating", SVC_PENDING}, {"deactivating", SVC_PENDING},
    {"stopping", SVC_PENDING}, {"starting", SVC_PENDING},   {"stopped", SVC_STOPPED},
    {"inactive", SVC_STOPPED}, {"running", SVC_RUNNING},    {"active", SVC_RUNNING},
    {"started", SVC_RUNNING},
};

/* Words that turn a statement around; is_nt() adds the "t" of "isn't" and "isn’t". */
static const char *const negations[] = {
    "not",    "no",    "never",   "cannot",   "nor",  "isnt",    "arent", "wasnt",
    "werent", "cant",  "couldnt", "wont",     "dont", "doesnt",  "didnt", "hasnt",
    "havent", "hadnt", "wouldnt", "shouldnt", "aint", "neither",
};

/* Words of a table of values (wmic's "Started" over "FALSE"), which states nothing plainly. */
static const char *const values[] = {"true", "false"};

/* Words of an answer that is not a plain statement of the state. */
static const char *const doubts[] = {"error",   "denied",  "failed", "failure", "unable",
                                     "unknown", "invalid", "usage",  "timeout", "refused",
                                     "paused",  "backoff", "fatal"};

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool word_in(const char *w, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && strncasecmp(w, list[i], n) == 0)
			return true;
	return false;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* "t" after an apostrophe (ASCII or U+2019) that follows an "n": the end of "isn't". */
static bool is_nt(const char *out, size_t at, size_t n)
{
	if (n != 1 || (out[at] != 't' && out[at] != 'T'))
		return false;
	if (at >= 2 && out[at - 1] == '\'')
		return out[at - 2] == 'n' || out[at - 2] == 'N';
	return at >= 4 && memcmp(out + at - 3, "\xe2\x80\x99", 3) == 0 &&
	       (out[at - 4] == 'n' || out[at - 4] == 'N');
}

static enum svc_state word_state(const char *w, size_t n)
{
	for (size_t i = 0; i < COUNT(status_words); i++)
		if (strlen(status_words[i].word) == n &&
		    strncasecmp(w, status_words[i].word, n) == 0)
			return status_words[i].state;
	return SVC_UNKNOWN;
}

/* What one line of the answer says. */
struct line_reading {
	unsigned states;  /* 1 << state for each state word */
	int negations;    /* negation words */
	bool lsb_stopped; /* exactly "<negation> <running word>", LSB's "is not running" */
	bool doubt;       /* a word of an error, not of a state */
	bool value;       /* a value of a table: "true", "false" */
	int words;
};

static void read_line(const char *out, size_t len, struct line_reading *r)
{
	size_t prev_neg_end = (size_t)-1;

	*r = (struct line_reading){0};
	for (size_t i = 0; i < len;) {
		if (!is_letter(out[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && is_letter(out[j]))
			j++;
		bool label = j < len && out[j] == ':'; /* "Active:" names a field */
		enum svc_state s = label ? SVC_UNKNOWN : word_state(out + i, j - i);
		bool neg =
		    word_in(out + i, j - i, negations, COUNT(negations)) || is_nt(out, i, j - i);
		if (s != SVC_UNKNOWN) {
			r->lsb_stopped = s == SVC_RUNNING && prev_neg_end != (size_t)-1 &&
			                 strspn(out + prev_neg_end, " \t") == i - prev_neg_end;
			r->states |= 1u << s;
		}
		r->negations += neg;
		r->doubt = r->doubt || word_in(out + i, j - i, doubts, COUNT(doubts));
		r->words++;
		r->value = r->value || word_in(out + i, j - i, values, COUNT(values));
		prev_neg_end = neg ? j : (size_t)-1;
		i = j;
	}
}

enum svc_state status_parse(const char *out, size_t len, int exit_code)
{
	struct line_reading r, line;
	bool doubt = false, value = false;
	int words = 0;
	int lines = 0;

	/* Only 0 and LSB's 3 ("not running") are answers; any other exit is an error. */
	if (exit_code != 0 && exit_code != 3)
		return SVC_UNKNOWN;
	r = (struct line_reading){0};
	for (size_t at = 0; at < len;) {
		/* out is len bytes, not a string: the command may have printed a NUL. */
		const char *nl = memchr(out + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (out + at)) : len - at;
		read_line(out + at, n, &line);
		doubt = doubt || line.doubt;
		words += line.words;
		/* A line that is only "true" or "false" is a table's value under a header. */
		value = value || (line.value && line.words == 1);
		if (line.states) {
			r = line;
			lines++;
		}
		at += n + 1;
	}
	/* No state word: an empty answer is LSB's exit code alone (3: not running); words that
	 * state nothing read as running with exit 0 (the run then stops it, to be sure), and
	 * never as stopped, which lets files be moved (NRPE's transport errors exit 3). */
	if (lines == 0)
		return doubt            ? SVC_UNKNOWN
		       : exit_code == 0 ? SVC_RUNNING
		       : words == 0     ? SVC_STOPPED
		                        : SVC_UNKNOWN;
	/* One line states the state, plainly: no second statement, no error, no "not", and no
	 * table whose values a header word stands over. */
	if (lines > 1 || r.doubt || value)
		return SVC_UNKNOWN;
	if (r.negations > 0)
		return r.negations == 1 && r.lsb_stopped && r.states == 1u << SVC_RUNNING
		           ? SVC_STOPPED
		           : SVC_UNKNOWN;
	if (r.states & (1u << SVC_PENDING))
		return SVC_PENDING;
	if (r.states == 1u << SVC_STOPPED)
		return SVC_STOPPED;
	if (r.states == 1u << SVC_RUNNING && exit_code == 0)
		return SVC_RUNNING;
	return SVC_UNKNOWN;
}

bool status_worded(const char *out, size_t len)
{
	struct line_reading line;

	for (size_t at = 0; at < len;) {
		const char *nl = memchr(out + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (out + at)) : len - at;
		read_line(out + at, n, &line);
		if (line.states)
			return true;
		at += n + 1;
	}
	return false;
}

const char *svc_state_name(enum svc_state s)
{
	static const char *const names[] = {"unknown", "running", "stopped", "pending"};
	return names[s];
}
