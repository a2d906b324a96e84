#include "config.h"

#include "smbsession.h"

#include "clock.h"
#include "smburl.h"
#include "smbwire.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SMB_ARGS_MAX (8 + 3 * STORE_MAX_FOLDERS)

#ifndef CCMC_SMB_HELPER
#define CCMC_SMB_HELPER "/usr/libexec/ccmc-und/ccmc_und_smb"
#endif

const char *smb_helper_path(void)
{
	const char *p = getenv("CCMC_UND_SMB_HELPER");
	struct stat st;

	/* Only a file that no one else could have swapped: it will be run. */
	if (p && p[0] == '/' && stat(p, &st) == 0 && S_ISREG(st.st_mode) && !(st.st_mode & 022) &&
	    (st.st_uid == 0 || st.st_uid == geteuid()))
		return p;
	return CCMC_SMB_HELPER;
}

void smb_share_of(const struct folder *f, char *dst, size_t len)
{
	char err[256];

	if (!smburl_is(f->path) || smburl_share(f->path, dst, len, err, sizeof(err)) < 0)
		dst[0] = '\0';
}

/* The helper's argv: options, then one item per folder of the share from first on. */
static size_t helper_args(const char **av, char *tbuf, size_t tlen, const struct folder_list *l,
                          size_t first, const struct smb_opts *o, int timeout_ms, const char *share,
                          bool serving)
{
	size_t n = 0;
	char sh[PATH_MAX];

	av[n++] = smb_helper_path();
	if (serving)
		av[n++] = "-S";
	snprintf(tbuf, tlen, "%d", timeout_ms);
	av[n++] = "-t";
	av[n++] = tbuf;
	if (o && o->authfile)
		av[n++] = "-A", av[n++] = o->authfile;
	if (o && o->protocol)
		av[n++] = "-P", av[n++] = o->protocol;
	if (o && o->kerberos)
		av[n++] = "-k";
	for (size_t j = first; j < l->n; j++) {
		smb_share_of(&l->f[j], sh, sizeof(sh));
		if (strcmp(sh, share) != 0)
			continue;
		av[n++] = l->f[j].in_store ? "s" : "d";
		av[n++] = l->f[j].path;
		if (l->f[j].in_store)
			av[n++] = l->f[j].name;
	}
	av[n] = NULL;
	return n;
}

/*
 * A clean environment: PATH, and either the caller's ticket cache (Kerberos)
 * or no Kerberos configuration at all, so that no file of the host's Samba
 * or Kerberos set-up is read.
 */
static void helper_exec(const char **av, int wfd, int rfd, pid_t parent, bool kerberos)
{
	static char *envp[3] = {"PATH=/usr/bin:/bin", "KRB5_CONFIG=/dev/null", NULL};
	const char *cc = getenv("KRB5CCNAME");
	static char ccbuf[PATH_MAX + 16];
	int null = open("/dev/null", O_RDWR);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(3);
	if (kerberos) {
		envp[1] = NULL;
		if (cc && strlen(cc) < PATH_MAX) {
			snprintf(ccbuf, sizeof(ccbuf), "KRB5CCNAME=%s", cc);
			envp[1] = ccbuf;
		}
	}
	dup2(wfd, STDOUT_FILENO);
	dup2(rfd >= 0 ? rfd : null, STDIN_FILENO);
	if (null >= 0)
		dup2(null, STDERR_FILENO);
	execve(av[0], (char *const *)av, envp);
	_exit(127);
}

int smb_session_start(struct smb_session *s, const struct folder_list *l, size_t first,
                      const struct smb_opts *o, int timeout_ms, bool serving)
{
	const char *av[SMB_ARGS_MAX + 1];
	char tbuf[16];
	int pfd[2], qfd[2] = {-1, -1};
	pid_t parent = getpid();

	memset(s, 0, sizeof(*s));
	s->fd = s->wfd = -1;
	smb_share_of(&l->f[first], s->share, sizeof(s->share));
	helper_args(av, tbuf, sizeof(tbuf), l, first, o, timeout_ms, s->share, serving);
	if (access(av[0], X_OK) != 0) {
		snprintf(s->fatal, sizeof(s->fatal),
		         "%.300s: cannot run the SMB helper %.300s: %s (built without "
		         "--with-smbclient?)",
		         s->share, av[0], strerror(errno));
		return -1;
	}
	/* Requests go on a socket: send() with MSG_NOSIGNAL finds a helper gone without a SIGPIPE.
	 */
	if (pipe2(pfd, O_CLOEXEC) != 0 ||
	    (serving && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, qfd) != 0) ||
	    (s->pid = fork()) < 0) {
		snprintf(s->fatal, sizeof(s->fatal), "%.600s: cannot start the SMB helper: %s",
		         s->share, strerror(errno));
		return -1;
	}
	if (s->pid == 0)
		helper_exec(av, pfd[1], qfd[0], parent, o && o->kerberos);
	close(pfd[1]);
	s->fd = pfd[0];
	if (serving) {
		close(qfd[0]);
		s->wfd = qfd[1];
	}
	return 0;
}

/*
 * False, with s->fatal set and the helper ended, when fd is not ready for
 * events by s->until_ms: the helper waits on a server that does not answer.
 */
static bool ready_in_time(struct smb_session *s, int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};
	int rc;

	if (!s->until_ms)
		return true;
	do {
		int64_t left = s->until_ms - mono_ms();
		rc = poll(&p, 1, left > 0 ? (int)(left < 60000 ? left : 60000) : 0);
	} while ((rc < 0 && errno == EINTR) || (rc == 0 && mono_ms() < s->until_ms));
	if (rc > 0)
		return true;
	snprintf(s->fatal, sizeof(s->fatal), "%.600s: the server did not answer in time", s->share);
	s->timed_out = true;
	if (s->pid > 0)
		kill(s->pid, SIGKILL);
	return false;
}

static bool answered_in_time(struct smb_session *s)
{
	return ready_in_time(s, s->fd, POLLIN);
}

/* n bytes of the helper's output; -1 once it ended or failed. */
int smb_take(struct smb_session *s, void *dst, size_t n)
{
	unsigned char *d = dst;

	while (n > 0) {
		if (s->off == s->len) {
			if (!answered_in_time(s))
				return -1;
			ssize_t got = read(s->fd, s->buf, sizeof(s->buf));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return -1;
			s->len = (size_t)got;
			s->off = 0;
		}
		size_t k = s->len - s->off < n ? s->len - s->off : n;
		memcpy(d, s->buf + s->off, k);
		s->off += k;
		d += k;
		n -= k;
	}
	return 0;
}

/* A length-prefixed text into dst (cut to dlen - 1 bytes; the rest is read and dropped). */
int smb_take_text(struct smb_session *s, char *dst, size_t dlen)
{
	uint16_t n;
	char c;

	if (smb_take(s, &n, sizeof(n)) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (smb_take(s, &c, 1) < 0)
			return -1;
		if (i < dlen - 1)
			dst[i] = c;
	}
	dst[n < dlen ? n : dlen - 1] = '\0';
	return 0;
}

/* The helper ended without a record: its own message if it sent one, else how it ended. */
int smb_session_failed(struct smb_session *s, char type)
{
	if (type == SMBWIRE_FATAL && smb_take_text(s, s->fatal, sizeof(s->fatal)) == 0)
		return -1;
	if (!s->fatal[0])
		snprintf(s->fatal, sizeof(s->fatal), "%.600s: the SMB helper ended unexpectedly",
		         s->share);
	return -1;
}

int smb_folder_open(struct smb_session *s, char *resolved, size_t rlen)
{
	char type;
	int32_t err;

	if (s->fatal[0])
		return -1;
	if (smb_take(s, &type, 1) < 0)
		return smb_session_failed(s, 0);
	if (type != SMBWIRE_OPEN)
		return smb_session_failed(s, type);
	if (smb_take(s, &err, sizeof(err)) < 0 || smb_take_text(s, resolved, rlen) < 0)
		return smb_session_failed(s, 0);
	return err;
}

/*
 * A serving helper told to end (its requests closed) ends by itself, once it
 * has removed its private configuration, even when it was still starting
 * (a few ms): it is given 200 ms for that, and killed after, so that one
 * waiting on a server that hangs delays the caller no longer.
 */
static void helper_wait(pid_t pid, bool asked_to_end)
{
	int pfd = asked_to_end ? pidfd_open(pid, 0) : -1;

	if (pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		while (poll(&p, 1, 200) < 0 && errno == EINTR)
			;
		close(pfd);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void smb_session_end(struct smb_session *s)
{
	bool serving = s->wfd >= 0 && !s->timed_out;

	if (s->fd >= 0)
		close(s->fd);
	if (s->wfd >= 0)
		close(s->wfd);
	s->fd = s->wfd = -1;
	if (s->pid > 0)
		helper_wait(s->pid, serving);
	s->pid = 0;
}

void smb_session_ask(struct smb_session *s)
{
	static const char req[] = "scan\n";

	if (s->asked || s->fatal[0])
		return;
	s->asked = true;
	if (send(s->wfd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1))
		snprintf(s->fatal, sizeof(s->fatal), "%.600s: the SMB helper is gone: %s", s->share,
		         strerror(errno));
}

/* Skips one record whose type byte was read. Returns -1 at the end of the output. */
int smb_skip_record(struct smb_session *s, char type)
{
	char tmp[PATH_MAX];
	int32_t code;
	unsigned char kind;
	int64_t v[2], attr[4];
	uint32_t len, chunk;

	switch (type) {
	case SMBWIRE_OPEN:
		return smb_take(s, &code, sizeof(code)) < 0 ? -1
		                                            : smb_take_text(s, tmp, sizeof(tmp));
	case SMBWIRE_DONE: return smb_take(s, &code, sizeof(code));
	case SMBWIRE_UNLINK:
		return smb_take(s, &code, sizeof(code)) < 0 ? -1 : smb_take(s, &code, sizeof(code));
	case SMBWIRE_FATAL: return smb_take_text(s, tmp, sizeof(tmp));
	case SMBWIRE_ENTRY:
		if (smb_take(s, &kind, 1) < 0 || smb_take(s, v, sizeof(v)) < 0)
			return -1;
		return smb_take_text(s, tmp, sizeof(tmp));
	case SMBWIRE_ATTR:
		return smb_take(s, &code, sizeof(code)) < 0 ? -1 : smb_take(s, attr, sizeof(attr));
	case SMBWIRE_BYTES:
		if (smb_take(s, &len, sizeof(len)) < 0)
			return -1;
		for (uint32_t k = 0; k < len; k += chunk) {
			chunk = len - k < sizeof(tmp) ? len - k : (uint32_t)sizeof(tmp);
			if (smb_take(s, tmp, chunk) < 0)
				return -1;
		}
		return 0;
	default: return -1;
	}
}

void smb_session_scan_end(struct smb_session *s)
{
	char type;

	if (!s->asked)
		return;
	while (smb_take(s, &type, 1) == 0 && type != SMBWIRE_END)
		if (smb_skip_record(s, type) < 0)
			break;
	s->asked = false;
}

/* Sends one request line; -1 with s->fatal when the helper is gone. */
int smb_request(struct smb_session *s, const char *line, size_t n)
{
	if (s->fatal[0])
		return -1;
	while (n > 0) {
		/* A helper stuck on its server stops reading: the wait ends at s->until_ms. */
		ssize_t k = send(s->wfd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!s->until_ms) {
				struct pollfd p = {.fd = s->wfd, .events = POLLOUT};
				poll(&p, 1, -1);
			} else if (!ready_in_time(s, s->wfd, POLLOUT)) {
				return -1;
			}
			continue;
		}
		if (k <= 0) {
			snprintf(s->fatal, sizeof(s->fatal), "%.600s: the SMB helper is gone: %s",
			         s->share, strerror(errno));
			return -1;
		}
		line += k;
		n -= (size_t)k;
	}
	return 0;
}
