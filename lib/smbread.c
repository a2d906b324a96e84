#include "config.h"

#include "smbread.h"

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
static int take(struct smb_session *s, void *dst, size_t n)
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
static int take_text(struct smb_session *s, char *dst, size_t dlen)
{
	uint16_t n;
	char c;

	if (take(s, &n, sizeof(n)) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (take(s, &c, 1) < 0)
			return -1;
		if (i < dlen - 1)
			dst[i] = c;
	}
	dst[n < dlen ? n : dlen - 1] = '\0';
	return 0;
}

/* The helper ended without a record: its own message if it sent one, else how it ended. */
static int session_failed(struct smb_session *s, char type)
{
	if (type == SMBWIRE_FATAL && take_text(s, s->fatal, sizeof(s->fatal)) == 0)
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
	if (take(s, &type, 1) < 0)
		return session_failed(s, 0);
	if (type != SMBWIRE_OPEN)
		return session_failed(s, type);
	if (take(s, &err, sizeof(err)) < 0 || take_text(s, resolved, rlen) < 0)
		return session_failed(s, 0);
	return err;
}

/* Reads entries up to the folder's 'D'. */
static int smb_list(const struct store_folder *f, const struct store_lister *l)
{
	struct smb_session *s = f->priv;
	/* NTFS names hold 255 UTF-16 units: up to 765 bytes of UTF-8, more than NAME_MAX. */
	char name[1024];

	for (;;) {
		char type;
		if (take(s, &type, 1) < 0)
			return session_failed(s, 0), EIO;
		if (type == SMBWIRE_DONE) {
			int32_t err;
			return take(s, &err, sizeof(err)) < 0 ? (session_failed(s, 0), EIO) : err;
		}
		if (type != SMBWIRE_ENTRY)
			return session_failed(s, type), EIO;
		unsigned char kind;
		struct store_entry e = {.name = name};
		if (take(s, &kind, 1) < 0 || take(s, &e.size, sizeof(e.size)) < 0 ||
		    take(s, &e.mtime, sizeof(e.mtime)) < 0 || take_text(s, name, sizeof(name)) < 0)
			return session_failed(s, 0), EIO;
		e.kind = kind <= ENTRY_DEVICE ? (enum entry_kind)kind : ENTRY_DEVICE;
		/* The listing holds size and mtime already: the pick only filters. */
		if (l->pick(name, l->ctx) != PICK_SKIP)
			l->entry(&e, l->ctx);
	}
}

const struct store_backend backend_smb = {"smb", smb_list};

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
static int skip_record(struct smb_session *s, char type)
{
	char tmp[PATH_MAX];
	int32_t code;
	unsigned char kind;
	int64_t v[2], attr[4];
	uint32_t len, chunk;

	switch (type) {
	case SMBWIRE_OPEN:
		return take(s, &code, sizeof(code)) < 0 ? -1 : take_text(s, tmp, sizeof(tmp));
	case SMBWIRE_DONE: return take(s, &code, sizeof(code));
	case SMBWIRE_UNLINK:
		return take(s, &code, sizeof(code)) < 0 ? -1 : take(s, &code, sizeof(code));
	case SMBWIRE_FATAL: return take_text(s, tmp, sizeof(tmp));
	case SMBWIRE_ENTRY:
		if (take(s, &kind, 1) < 0 || take(s, v, sizeof(v)) < 0)
			return -1;
		return take_text(s, tmp, sizeof(tmp));
	case SMBWIRE_ATTR:
		return take(s, &code, sizeof(code)) < 0 ? -1 : take(s, attr, sizeof(attr));
	case SMBWIRE_BYTES:
		if (take(s, &len, sizeof(len)) < 0)
			return -1;
		for (uint32_t k = 0; k < len; k += chunk) {
			chunk = len - k < sizeof(tmp) ? len - k : (uint32_t)sizeof(tmp);
			if (take(s, tmp, chunk) < 0)
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
	while (take(s, &type, 1) == 0 && type != SMBWIRE_END)
		if (skip_record(s, type) < 0)
			break;
	s->asked = false;
}

static bool helper_alive(struct smb_session *s)
{
	return s->pid > 0 && !s->fatal[0] && waitpid(s->pid, NULL, WNOHANG) == 0;
}

struct smb_session *smb_pool_find(struct smb_pool *p, const char *share)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->s[i].share, share) == 0)
			return &p->s[i];
	return NULL;
}

void smb_pool_prepare(struct smb_pool *p, const struct folder_list *l, const struct smb_opts *o,
                      int timeout_ms)
{
	char share[PATH_MAX];

	for (size_t i = 0; i < l->n; i++) {
		smb_share_of(&l->f[i], share, sizeof(share));
		if (!share[0])
			continue;
		struct smb_session *s = smb_pool_find(p, share);
		if (s && helper_alive(s))
			continue;
		if (!s && p->n == STORE_MAX_FOLDERS)
			continue;
		if (!s)
			s = &p->s[p->n++];
		else
			smb_session_end(s);
		smb_session_start(s, l, i, o, timeout_ms, true);
	}
}

void smb_pool_reset(struct smb_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		smb_session_end(&p->s[i]);
	p->n = 0;
}

/* Sends one request line; -1 with s->fatal when the helper is gone. */
static int request(struct smb_session *s, const char *line, size_t n)
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

/* "HEXNAME FOLDER": the request's file, as smb/ccmc_und_smb.c reads it. */
static int file_arg(char *dst, size_t len, const char *folder, const char *name)
{
	size_t o = 0, n = strlen(name);

	if (2 * n + strlen(folder) + 2 > len)
		return -1;
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(dst + o, len - o, "%02x", (unsigned char)name[i]);
	snprintf(dst + o, len - o, " %s", folder);
	return 0;
}

static int take_attr(struct smb_session *s, struct smb_attr *a)
{
	char type;
	int64_t v[4];

	if (take(s, &type, 1) < 0)
		return session_failed(s, 0);
	if (type != SMBWIRE_ATTR)
		return session_failed(s, type);
	if (take(s, &a->err, sizeof(a->err)) < 0 || take(s, v, sizeof(v)) < 0)
		return session_failed(s, 0);
	a->size = v[0], a->mtime = v[1], a->ctime = v[2], a->id = v[3];
	return 0;
}

static int take_end(struct smb_session *s)
{
	char type;

	if (take(s, &type, 1) < 0)
		return session_failed(s, 0);
	return type == SMBWIRE_END ? 0 : session_failed(s, type);
}

/* Sends "PREFIX HEXNAME FOLDER": 0, ENAMETOOLONG (not sent, no answer due), or -1. */
static int ask_file(struct smb_session *s, const char *prefix, const char *folder, const char *name)
{
	static char line[2 * PATH_MAX + 1024];
	size_t o = (size_t)snprintf(line, sizeof(line), "%s", prefix);

	if (o >= sizeof(line) || file_arg(line + o, sizeof(line) - o - 1, folder, name) < 0)
		return ENAMETOOLONG;
	strcat(line, "\n");
	if (request(s, line, strlen(line)) < 0)
		return -1;
	s->pending++;
	return 0;
}

int smb_ask_get(struct smb_session *s, const char *folder, const char *name)
{
	return ask_file(s, "get ", folder, name);
}

int smb_take_get(struct smb_session *s, smb_sink *sink, void *ctx, struct smb_attr *before,
                 struct smb_attr *after)
{
	static unsigned char piece[64 * 1024];

	s->pending--;
	if (take_attr(s, before) < 0)
		return -1;
	after->err = before->err;
	if (before->err)
		return take_end(s);
	for (;;) {
		char type;
		uint32_t n;
		if (take(s, &type, 1) < 0)
			return session_failed(s, 0);
		if (type == SMBWIRE_ATTR) {
			s->off--;
			break;
		}
		if (type != SMBWIRE_BYTES || take(s, &n, sizeof(n)) < 0 || n > sizeof(piece) ||
		    take(s, piece, n) < 0)
			return session_failed(s, type == SMBWIRE_BYTES ? 0 : type);
		sink(piece, n, ctx);
	}
	return take_attr(s, after) < 0 ? -1 : take_end(s);
}

int smb_ask_del(struct smb_session *s, const char *folder, const char *name,
                const struct smb_attr *a)
{
	char prefix[128];

	snprintf(prefix, sizeof(prefix), "del %lld %lld %lld %lld ", (long long)a->size,
	         (long long)a->mtime, (long long)a->ctime, (long long)a->id);
	return ask_file(s, prefix, folder, name);
}

int smb_take_del(struct smb_session *s, struct smb_del_answer *a)
{
	struct smb_attr got;
	char type;

	s->pending--;
	a->unlink = a->intact = 0;
	if (take_attr(s, &got) < 0)
		return -1;
	a->check = got.err;
	if (got.err == 0) {
		if (take(s, &type, 1) < 0)
			return session_failed(s, 0);
		if (type != SMBWIRE_UNLINK)
			return session_failed(s, type);
		if (take(s, &a->unlink, sizeof(a->unlink)) < 0 ||
		    take(s, &a->intact, sizeof(a->intact)) < 0)
			return session_failed(s, 0);
	}
	return take_end(s);
}

int smb_drain(struct smb_session *s)
{
	char type;

	for (; s->pending > 0; s->pending--)
		do {
			if (s->fatal[0] || take(s, &type, 1) < 0 ||
			    (type != SMBWIRE_END && skip_record(s, type) < 0))
				return session_failed(s, 0);
		} while (type != SMBWIRE_END);
	return 0;
}

int smb_del(struct smb_session *s, const char *folder, const char *name, const struct smb_attr *a,
            struct smb_del_answer *ans)
{
	int rc = smb_drain(s) < 0 ? -1 : smb_ask_del(s, folder, name, a);

	if (rc == ENAMETOOLONG) {
		*ans = (struct smb_del_answer){.check = ENAMETOOLONG};
		return 0;
	}
	return rc < 0 ? -1 : smb_take_del(s, ans);
}
