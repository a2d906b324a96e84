#include "config.h"

#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The child's side: only async-signal-safe calls between fork and exec. */
static void child_exec(const struct command *c, int out_fd)
{
	static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	static const char failed[] = "cannot execute the command\n";
	int null_fd = open("/dev/null", O_RDONLY);

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

static int reap(pid_t pid, bool kill_it, struct command_result *r)
{
	int status;

	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return 0;
}

int command_run(const struct command *c, int64_t until_ms, struct command_result *r)
{
	int p[2], pfd_proc;
	pid_t pid;
	bool out_open = true;

	r->exit_code = -1;
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
		child_exec(c, p[1]);
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
	if (pfd_proc >= 0)
		close(pfd_proc);
	r->out[r->len] = '\0';
	if (reap(pid, timed_out, r) != 0 || timed_out)
		return ETIMEDOUT;
	return 0;
}

int control_wait(const struct command *status, enum svc_state want, int64_t until_ms,
                 enum svc_state *last, struct command_result *r)
{
	static struct command_result cur;
	int64_t interval = 100;

	*last = SVC_UNKNOWN;
	r->len = 0;
	r->out[0] = '\0';
	for (;;) {
		/* A poll cut short by the deadline keeps the last real answer for the report. */
		if (command_run(status, until_ms, &cur) == 0) {
			*r = cur;
			*last = status_parse(r->out, r->len, r->exit_code);
		}
		if (*last == want)
			return 0;
		int64_t left = until_ms - mono_ms();
		if (left <= 0)
			return -1;
		int64_t nap = interval < left ? interval : left;
		struct timespec ts = {nap / 1000, (long)(nap % 1000) * 1000000};
		nanosleep(&ts, NULL);
		interval = interval * 2 > 1000 ? 1000 : interval * 2;
	}
}
