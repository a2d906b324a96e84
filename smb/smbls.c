#include "config.h"

#include "smbls.h"

#include "le.h"
#include "ntlm.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * A frame of 64 KiB of listing and its headers: every request asks for no
 * more, and a larger frame is refused rather than followed.
 */
#define FRAME_MAX (64 * 1024 + 512)
#define LIST_CHUNK 65536u /* bytes of listing asked for at a time */
#define TX_MAX 4096

/* NT status codes met here. */
#define ST_OK 0x00000000u
#define ST_PENDING 0x00000103u
#define ST_NO_MORE_FILES 0x80000006u
#define ST_MORE_PROCESSING 0xC0000016u
#define ST_NO_SUCH_FILE 0xC000000Fu
#define ST_ACCESS_DENIED 0xC0000022u
#define ST_NAME_INVALID 0xC0000033u
#define ST_NAME_NOT_FOUND 0xC0000034u
#define ST_PATH_NOT_FOUND 0xC000003Au
#define ST_LOGON_FAILURE 0xC000006Du
#define ST_ACCOUNT_RESTRICTION 0xC000006Eu
#define ST_PASSWORD_EXPIRED 0xC0000071u
#define ST_ACCOUNT_DISABLED 0xC0000072u
#define ST_NOT_SUPPORTED 0xC00000BBu
#define ST_BAD_NETWORK_NAME 0xC00000CCu
#define ST_NOT_A_DIRECTORY 0xC0000103u
#define ST_NAME_DELETED 0xC00000C9u
#define ST_SESSION_DELETED 0xC0000203u
#define ST_ACCOUNT_LOCKED 0xC0000234u
#define ST_SESSION_EXPIRED 0xC000035Cu

#define ATTR_DIRECTORY 0x10u
#define ATTR_REPARSE 0x400u

struct smbls {
	int fd;
	int timeout_ms;
	int64_t until; /* the deadline of the operation under way: an open, a listing, a check */
	bool broken;   /* the connection failed: nothing more may be asked on it */
	enum smb_dialect dialect;
	uint64_t mid, session;
	uint32_t tree;
	uint16_t uid, tid, max_buffer;
	uint32_t session_key; /* SMB1 */
	const char *host, *share;
	const struct smb_auth *auth;
	uint8_t tx[TX_MAX];
	uint8_t rx[FRAME_MAX];
	size_t rxlen;
};

/* Seconds since 1970 from 100 ns since 1601, as libsmbclient converts them (0 and -1: none). */
static int64_t unix_time(uint64_t nt)
{
	int64_t d = (int64_t)nt;

	if (d == 0 || d == -1)
		return 0;
	return d / 10000000 - INT64_C(11644473600);
}

static int errno_of(uint32_t st)
{
	switch (st) {
	case ST_ACCESS_DENIED: return EACCES;
	case ST_LOGON_FAILURE:
	case ST_ACCOUNT_RESTRICTION:
	case ST_PASSWORD_EXPIRED:
	case ST_ACCOUNT_DISABLED:
	case ST_ACCOUNT_LOCKED: return EACCES;
	case ST_NO_SUCH_FILE:
	case ST_NAME_INVALID:
	case ST_NAME_NOT_FOUND:
	case ST_PATH_NOT_FOUND:
	case ST_BAD_NETWORK_NAME: return ENOENT;
	case ST_NOT_A_DIRECTORY: return ENOTDIR;
	case ST_NOT_SUPPORTED: return EPROTONOSUPPORT;
	case ST_NAME_DELETED:
	case ST_SESSION_DELETED:
	case ST_SESSION_EXPIRED: return ECONNRESET;
	default: return EIO;
	}
}

int smbls_protocols(const char *min, const char *max, enum smb_dialect *lo, enum smb_dialect *hi)
{
	static const struct {
		const char *name;
		enum smb_dialect low, high;
	} names[] = {{"NT1", SMB_NT1, SMB_NT1},       {"SMB2", SMB_2_02, SMB_2_10},
	             {"SMB2_02", SMB_2_02, SMB_2_02}, {"SMB2_10", SMB_2_10, SMB_2_10},
	             {"SMB3", SMB_3_00, SMB_3_11},    {"SMB3_00", SMB_3_00, SMB_3_00},
	             {"SMB3_02", SMB_3_02, SMB_3_02}, {"SMB3_11", SMB_3_11, SMB_3_11}};
	int a = -1, b = -1;

	*lo = SMB_2_02;
	*hi = SMB_3_11;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (min && strcmp(min, names[i].name) == 0)
			a = (int)i;
		if (max && strcmp(max, names[i].name) == 0)
			b = (int)i;
	}
	if ((min && a < 0) || (max && b < 0))
		return -1;
	if (min)
		*lo = names[a].low;
	if (max)
		*hi = names[b].high;
	return *lo <= *hi ? 0 : -1;
}

/* --- the connection --- */

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits for fd to be ready for ev until the deadline; 0, or ETIMEDOUT. */
static int wait_fd(int fd, short ev, int64_t until)
{
	for (;;) {
		int64_t left = until - now_ms();
		struct pollfd p = {.fd = fd, .events = ev};
		if (left <= 0)
			return ETIMEDOUT;
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return errno;
	}
}

static int dial_one(const struct addrinfo *ai, int64_t until)
{
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	int e = 0, one = 1;
	socklen_t len = sizeof(e);

	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		e = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, until) : errno;
		if (!e && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
	}
	if (e) {
		close(fd);
		return -e;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* A connected socket, or -errno. */
static int dial(const char *host, unsigned port, int64_t until)
{
	char name[256], serv[16];
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	size_t n = strlen(host);
	int fd = -EHOSTUNREACH;

	if (host[0] == '[' && n > 2 && host[n - 1] == ']')
		snprintf(name, sizeof(name), "%.*s", (int)(n - 2), host + 1);
	else
		snprintf(name, sizeof(name), "%s", host);
	snprintf(serv, sizeof(serv), "%u", port);
	if (getaddrinfo(name, serv, &hints, &res) != 0)
		return -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next)
		if ((fd = dial_one(ai, until)) >= 0)
			break;
	freeaddrinfo(res);
	return fd;
}

static int fail(struct smbls *s, int e)
{
	s->broken = true;
	return e;
}

/* Sends len bytes of s->tx as one frame. */
static int send_frame(struct smbls *s, size_t len, int64_t until)
{
	uint8_t *p = s->tx;

	p[0] = 0;
	p[1] = (uint8_t)(len >> 16);
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	for (size_t o = 0; o < len + 4;) {
		ssize_t n = send(s->fd, p + o, len + 4 - o, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			int e = wait_fd(s->fd, POLLOUT, until);
			if (e)
				return fail(s, e);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(s, n < 0 ? errno : ECONNRESET);
		o += (size_t)n;
	}
	return 0;
}

static int read_full(struct smbls *s, uint8_t *p, size_t len, int64_t until)
{
	for (size_t o = 0; o < len;) {
		/* Checked at every turn: a server that keeps the socket readable is bounded too. */
		if (now_ms() >= until)
			return ETIMEDOUT;
		ssize_t n = recv(s->fd, p + o, len - o, 0);
		if (n < 0 && errno == EAGAIN) {
			int e = wait_fd(s->fd, POLLIN, until);
			if (e)
				return e;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : ECONNRESET;
		o += (size_t)n;
	}
	return 0;
}

/* Reads one session message into s->rx, skipping keep-alives. */
static int recv_frame(struct smbls *s, int64_t until)
{
	uint8_t h[4];

	for (;;) {
		int e = read_full(s, h, 4, until);
		if (e)
			return fail(s, e);
		size_t len = (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
		if (len > sizeof(s->rx))
			return fail(s, EPROTO);
		e = read_full(s, s->rx, len, until);
		if (e)
			return fail(s, e);
		if (h[0] == 0x00) {
			s->rxlen = len;
			return 0;
		}
		if (h[0] != 0x85) /* a keep-alive; anything else is out of the protocol */
			return fail(s, EPROTO);
	}
}

/* A status that ends the logon or the share ends the connection's use: the next one is new. */
static uint32_t seen_status(struct smbls *s, uint32_t st)
{
	if (errno_of(st) == ECONNRESET)
		s->broken = true;
	return st;
}

/* --- SMB2 --- */

#define SMB2_HDR 64
enum {
	SMB2_NEGOTIATE,
	SMB2_SESSION_SETUP,
	SMB2_TREE_CONNECT = 3,
	SMB2_CREATE = 5,
	SMB2_CLOSE = 6,
	SMB2_QUERY_DIRECTORY = 14
};

/* The request's body goes at s->tx + 4 + SMB2_HDR; blen its length. */
static int smb2_call(struct smbls *s, uint16_t cmd, size_t blen, uint32_t *status,
                     const uint8_t **body, size_t *len)
{
	uint8_t *h = s->tx + 4;
	uint64_t mid = s->mid++;
	int64_t until = s->until;

	memset(h, 0, SMB2_HDR);
	memcpy(h, "\xfeSMB", 4);
	put16(h + 4, SMB2_HDR);
	put16(h + 6, s->dialect >= SMB_2_10 ? 1 : 0);
	put16(h + 12, cmd);
	put16(h + 14, 64);
	put64(h + 24, mid);
	put32(h + 32, 0xfeff);
	put32(h + 36, s->tree);
	put64(h + 40, s->session);
	int e = send_frame(s, SMB2_HDR + blen, until);
	if (e)
		return e;
	for (;;) {
		if ((e = recv_frame(s, until)))
			return e;
		const uint8_t *r = s->rx;
		if (s->rxlen < SMB2_HDR + 2 || memcmp(r, "\xfeSMB", 4) || get16(r + 4) != SMB2_HDR)
			return fail(s, EPROTO);
		if (get64(r + 24) != mid)
			continue; /* an oplock break or the like: not ours */
		*status = seen_status(s, get32(r + 8));
		if (*status == ST_PENDING && (get32(r + 16) & 2))
			continue; /* an interim answer; the real one follows */
		if (cmd == SMB2_SESSION_SETUP)
			s->session = get64(r + 40);
		if (cmd == SMB2_TREE_CONNECT)
			s->tree = get32(r + 36);
		*body = r + SMB2_HDR;
		*len = s->rxlen - SMB2_HDR;
		return 0;
	}
}

/* A buffer the answer points at by offset (from the header) and length, or NULL. */
static const uint8_t *smb2_buffer(const struct smbls *s, size_t off, size_t len)
{
	if (off < SMB2_HDR || off > s->rxlen || len > s->rxlen - off)
		return NULL;
	return s->rx + off;
}

static int smb2_negotiate(struct smbls *s, enum smb_dialect lo, enum smb_dialect hi)
{
	static const uint16_t dialects[] = {SMB_2_02, SMB_2_10, SMB_3_00, SMB_3_02};
	uint8_t *b = s->tx + 4 + SMB2_HDR;
	uint16_t n = 0;
	const uint8_t *r;
	size_t len;
	uint32_t st;

	memset(b, 0, 36);
	for (size_t i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++)
		if (dialects[i] >= lo && dialects[i] <= hi)
			put16(b + 36 + 2 * n++, dialects[i]);
	if (n == 0)
		return SMBLS_UNSUPPORTED;
	put16(b, 36);
	put16(b + 2, n);
	put16(b + 4, 1); /* signing enabled, not required */
	if (getrandom(b + 12, 16, 0) != 16)
		return EIO;
	int e = smb2_call(s, SMB2_NEGOTIATE, 36 + 2u * n, &st, &r, &len);
	if (e)
		return e == ECONNRESET ? EPROTONOSUPPORT : e;
	if (st != ST_OK)
		return errno_of(st) == EIO ? EPROTONOSUPPORT : errno_of(st);
	if (len < 64 || get16(r) != 65)
		return EPROTO;
	s->dialect = get16(r + 4);
	if (s->dialect < lo || s->dialect > hi || s->dialect > SMB_3_02)
		return EPROTONOSUPPORT;
	if (get16(r + 2) & 2)
		return SMBLS_UNSUPPORTED; /* the server demands signing */
	return 0;
}

static uint64_t filetime_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return ((uint64_t)t.tv_sec + UINT64_C(11644473600)) * 10000000 + (uint64_t)t.tv_nsec / 100;
}

/* The authenticate message for challenge, with a fresh client challenge. */
static ssize_t ntlmssp_answer(const struct smb_auth *a, const uint8_t *ch, size_t chlen, uint8_t *b,
                              size_t cap)
{
	uint8_t cc[8];

	if (getrandom(cc, sizeof(cc), 0) != sizeof(cc))
		return -1;
	return ntlmssp_authenticate(a->username, a->domain, a->password, ch, chlen, cc,
	                            filetime_now(), b, cap);
}

/*
 * A refused logon. ACCESS_DENIED (not LOGON_FAILURE) is Samba's answer when
 * the server demands encryption, which libsmbclient does: it is handed over.
 */
static int logon_status(uint32_t st)
{
	if (st == ST_ACCESS_DENIED)
		return SMBLS_UNSUPPORTED;
	return st == ST_OK ? 0 : errno_of(st) == EIO ? EACCES : errno_of(st);
}

static int smb2_session_setup(struct smbls *s)
{
	uint8_t *b = s->tx + 4 + SMB2_HDR, chal[1024];
	const uint8_t *r, *sec;
	size_t len, blob = ntlmssp_negotiate(b + 24);
	uint32_t st;

	memset(b, 0, 24);
	put16(b, 25);
	b[3] = 1;
	put16(b + 12, SMB2_HDR + 24);
	put16(b + 14, (uint16_t)blob);
	int e = smb2_call(s, SMB2_SESSION_SETUP, 24 + blob, &st, &r, &len);
	if (e)
		return e;
	if (st != ST_MORE_PROCESSING)
		return st == ST_OK ? EPROTO : logon_status(st);
	if (len < 8 || !(sec = smb2_buffer(s, get16(r + 4), get16(r + 6))) ||
	    get16(r + 6) > sizeof(chal))
		return SMBLS_UNSUPPORTED; /* not NTLMSSP: SPNEGO only */
	size_t chlen = get16(r + 6);
	memcpy(chal, sec, chlen);
	memset(b, 0, 24);
	ssize_t n = ntlmssp_answer(s->auth, chal, chlen, b + 24, TX_MAX - 4 - SMB2_HDR - 24);
	if (n < 0)
		return SMBLS_UNSUPPORTED;
	put16(b, 25);
	b[3] = 1;
	put16(b + 12, SMB2_HDR + 24);
	put16(b + 14, (uint16_t)n);
	e = smb2_call(s, SMB2_SESSION_SETUP, 24 + (size_t)n, &st, &r, &len);
	memset(b, 0, 24 + (size_t)n);
	if (e)
		return e;
	if (st != ST_OK)
		return logon_status(st);
	if (len >= 4 && (get16(r + 2) & 1))
		return EACCES; /* taken as a guest: the user is not known there */
	return 0;
}

static int smb2_tree_connect(struct smbls *s)
{
	uint8_t *b = s->tx + 4 + SMB2_HDR;
	char unc[600];
	const uint8_t *r;
	size_t len;
	uint32_t st;

	snprintf(unc, sizeof(unc), "\\\\%s\\%s", s->host, s->share);
	memset(b, 0, 8);
	ssize_t n = utf16le_encode(unc, false, b + 8, TX_MAX - 4 - SMB2_HDR - 8);
	if (n < 0)
		return ENOENT;
	put16(b, 9);
	put16(b + 4, SMB2_HDR + 8);
	put16(b + 6, (uint16_t)n);
	int e = smb2_call(s, SMB2_TREE_CONNECT, 8 + (size_t)n, &st, &r, &len);
	if (e)
		return e;
	if (st != ST_OK)
		return errno_of(st);
	if (len < 16)
		return EPROTO;
	if (get32(r + 4) & 0x8000)
		return SMBLS_UNSUPPORTED; /* the share wants encryption */
	return 0;
}

/* The share-relative path with backslashes, as UTF-16LE, at b; its length or -1. */
static ssize_t path16(const char *path, const char *suffix, uint8_t *b, size_t cap)
{
	char p[4200];
	size_t n = (size_t)snprintf(p, sizeof(p), "%s%s", path, suffix);

	if (n >= sizeof(p))
		return -1;
	for (char *c = p; *c; c++)
		if (*c == '/')
			*c = '\\';
	return utf16le_encode(p, false, b, cap);
}

static int smb2_open_dir(struct smbls *s, const char *path, uint8_t id[16])
{
	uint8_t *b = s->tx + 4 + SMB2_HDR;
	const uint8_t *r;
	size_t len;
	uint32_t st;

	memset(b, 0, 57);
	ssize_t n = path16(path, "", b + 56, TX_MAX - 4 - SMB2_HDR - 56);
	if (n < 0)
		return ENAMETOOLONG;
	put16(b, 57);
	put32(b + 4, 2);           /* impersonation */
	put32(b + 24, 0x00100081); /* list, read attributes, synchronize */
	put32(b + 32, 7);          /* share read, write, delete */
	put32(b + 36, 1);          /* open an existing one */
	put32(b + 40, 1);          /* a directory */
	put16(b + 44, SMB2_HDR + 56);
	put16(b + 46, (uint16_t)n);
	int e = smb2_call(s, SMB2_CREATE, 56 + (n ? (size_t)n : 1), &st, &r, &len);
	if (e)
		return e;
	if (st != ST_OK)
		return errno_of(st);
	if (len < 88)
		return fail(s, EPROTO);
	memcpy(id, r + 64, 16);
	return 0;
}

static void smb2_close(struct smbls *s, const uint8_t id[16])
{
	uint8_t *b = s->tx + 4 + SMB2_HDR;
	const uint8_t *r;
	size_t len;
	uint32_t st;

	memset(b, 0, 24);
	put16(b, 24);
	memcpy(b + 8, id, 16);
	smb2_call(s, SMB2_CLOSE, 24, &st, &r, &len);
}

static int smb2_list(struct smbls *s, const char *path, smbls_entry_fn fn, void *arg)
{
	uint8_t id[16] = {0};
	int e = smb2_open_dir(s, path, id);

	if (e)
		return e;
	for (bool first = true;; first = false) {
		uint8_t *b = s->tx + 4 + SMB2_HDR;
		const uint8_t *r, *buf;
		size_t len, lo, ll;
		uint32_t st;
		memset(b, 0, 34);
		put16(b, 33);
		b[2] = 1; /* FileDirectoryInformation: no short names to make */
		b[3] = first ? 1 : 0;
		memcpy(b + 8, id, 16);
		put16(b + 24, SMB2_HDR + 32);
		put16(b + 26, 2);
		put32(b + 28, LIST_CHUNK);
		b[32] = '*';
		if ((e = smb2_call(s, SMB2_QUERY_DIRECTORY, 34, &st, &r, &len)))
			return e;
		if (st == ST_NO_MORE_FILES)
			break;
		if (st != ST_OK) {
			e = errno_of(st);
			break;
		}
		if (len < 8 || !(buf = smb2_buffer(s, get16(r + 2), get32(r + 4))) ||
		    smbls_entries(buf, get32(r + 4), fn, arg, &lo, &ll) < 0) {
			e = fail(s, EPROTO);
			break;
		}
	}
	if (!s->broken)
		smb2_close(s, id);
	return e;
}

/* --- SMB1 --- */

#define SMB1_HDR 32
#define SMB1_FLAGS2 0xc841 /* Unicode, NT status codes, extended security, long names */
enum {
	SMB1_TRANS2 = 0x32,
	SMB1_FIND_CLOSE2 = 0x34,
	SMB1_NEGOTIATE = 0x72,
	SMB1_SESSION_SETUP = 0x73,
	SMB1_TREE_CONNECT = 0x75
};

/* Fills the header at s->tx + 4 and returns where the word count goes. */
static uint8_t *smb1_header(struct smbls *s, uint8_t cmd)
{
	uint8_t *h = s->tx + 4;

	memset(h, 0, SMB1_HDR);
	memcpy(h, "\xffSMB", 4);
	h[4] = cmd;
	h[9] = 0x18; /* case-insensitive, canonical paths */
	put16(h + 10, SMB1_FLAGS2);
	put16(h + 24, s->tid);
	put16(h + 26, (uint16_t)getpid());
	put16(h + 28, s->uid);
	put16(h + 30, (uint16_t)++s->mid);
	return h + SMB1_HDR;
}

/* Reads the next answer to the request in s->tx (its command and MID). */
static int smb1_recv(struct smbls *s, uint32_t *status, const uint8_t **body, size_t *blen)
{
	uint16_t mid = get16(s->tx + 4 + 30);
	uint8_t cmd = s->tx[4 + 4];

	for (;;) {
		int e = recv_frame(s, s->until);
		if (e)
			return e;
		const uint8_t *r = s->rx;
		if (s->rxlen < SMB1_HDR + 3 || memcmp(r, "\xffSMB", 4))
			return fail(s, EPROTO);
		if (get16(r + 30) != mid)
			continue; /* an oplock break: not ours */
		if (r[4] != cmd)
			return fail(s, EPROTO);
		*status = seen_status(s, get32(r + 5));
		if (cmd == SMB1_SESSION_SETUP)
			s->uid = get16(r + 28);
		if (cmd == SMB1_TREE_CONNECT)
			s->tid = get16(r + 24);
		*body = r + SMB1_HDR;
		*blen = s->rxlen - SMB1_HDR;
		if ((size_t)1 + 2u * r[SMB1_HDR] + 2 > *blen)
			return fail(s, EPROTO);
		return 0;
	}
}

/*
 * Sends the request of len bytes after the header, and reads the answer to
 * it; its word count byte is at *body, len bytes of it.
 */
static int smb1_call(struct smbls *s, size_t len, uint32_t *status, const uint8_t **body,
                     size_t *blen)
{
	int e = send_frame(s, SMB1_HDR + len, s->until);

	return e ? e : smb1_recv(s, status, body, blen);
}

/* The bytes of an answer (after its words and byte count), and their count. */
static const uint8_t *smb1_bytes(const uint8_t *body, size_t blen, size_t *n)
{
	size_t w = 1 + 2u * body[0];
	size_t c = get16(body + w);

	*n = c <= blen - w - 2 ? c : blen - w - 2;
	return body + w + 2;
}

static int smb1_negotiate(struct smbls *s)
{
	uint8_t *w = smb1_header(s, SMB1_NEGOTIATE);
	static const char dialect[] = "\x02NT LM 0.12";
	const uint8_t *r;
	size_t len;
	uint32_t st;

	w[0] = 0;
	put16(w + 1, sizeof(dialect));
	memcpy(w + 3, dialect, sizeof(dialect));
	int e = smb1_call(s, 3 + sizeof(dialect), &st, &r, &len);
	if (e)
		return e == ECONNRESET ? EPROTONOSUPPORT : e;
	if (st != ST_OK || r[0] != 17 || get16(r + 1) != 0)
		return EPROTONOSUPPORT;
	const uint8_t *p = r + 1;
	uint8_t mode = p[2];
	s->max_buffer = (uint16_t)(get32(p + 7) > 65535 ? 65535 : get32(p + 7));
	s->session_key = get32(p + 15);
	uint32_t caps = get32(p + 19);
	/*
	 * Plain-text passwords, signing demanded, or no extended security (NT4,
	 * whose NTLMv2 goes in the old session setup that Samba refuses by
	 * default, so that it could not be tested here): libsmbclient does these.
	 */
	if (!(mode & 2) || (mode & 8) || !(caps & 0x80000000u) || !(caps & 0x40) || !(caps & 0x4))
		return SMBLS_UNSUPPORTED;
	s->dialect = SMB_NT1;
	return 0;
}

/* Appends UTF-8 text as NUL-terminated UTF-16LE at p[*o], aligned to 2 from the header. */
static int put_str1(uint8_t *p, size_t cap, size_t *o, size_t base, const char *text)
{
	if ((base + *o) & 1) {
		if (*o >= cap)
			return -1;
		p[(*o)++] = 0;
	}
	ssize_t n = utf16le_encode(text, false, p + *o, cap - *o);
	if (n < 0 || cap - *o - (size_t)n < 2)
		return -1;
	*o += (size_t)n;
	p[(*o)++] = 0;
	p[(*o)++] = 0;
	return 0;
}

/* One SESSION_SETUP_ANDX with an NTLMSSP message; the server's blob at *blob. */
static int smb1_setup_leg(struct smbls *s, size_t n, uint32_t *st, const uint8_t **blob,
                          size_t *blen)
{
	uint8_t *w = s->tx + 4 + SMB1_HDR;
	size_t cap = TX_MAX - 4 - SMB1_HDR, o = 27 + n, len, nb;
	const uint8_t *r, *bytes;

	w[0] = 12;
	w[1] = 0xff;
	put16(w + 5, 65535);
	put16(w + 7, 1);
	put16(w + 9, 1); /* a VC number of 0 would end the client's other sessions on Windows */
	put32(w + 11, s->session_key);
	put16(w + 15, (uint16_t)n);
	put32(w + 21, 0x8000005cu); /* extended security, Unicode, large files, NT calls, status */
	if (put_str1(w, cap, &o, SMB1_HDR, "Unix") < 0 ||
	    put_str1(w, cap, &o, SMB1_HDR, "ccmc-und") < 0)
		return EPROTO;
	put16(w + 25, (uint16_t)(o - 27));
	int e = smb1_call(s, o, st, &r, &len);
	memset(w + 27, 0, n);
	if (e)
		return e;
	*blen = 0;
	if (r[0] == 4) {
		bytes = smb1_bytes(r, len, &nb);
		*blen = get16(r + 7) <= nb ? get16(r + 7) : 0;
		*blob = bytes;
	}
	return 0;
}

static int smb1_session_setup(struct smbls *s)
{
	uint8_t *w, chal[1024];
	const uint8_t *blob;
	size_t blen;
	uint32_t st;

	w = smb1_header(s, SMB1_SESSION_SETUP);
	memset(w, 0, 27);
	int e = smb1_setup_leg(s, ntlmssp_negotiate(w + 27), &st, &blob, &blen);
	if (e)
		return e;
	if (st != ST_MORE_PROCESSING)
		return st == ST_OK ? EPROTO : logon_status(st);
	if (blen == 0 || blen > sizeof(chal))
		return SMBLS_UNSUPPORTED;
	memcpy(chal, blob, blen);
	w = smb1_header(s, SMB1_SESSION_SETUP);
	memset(w, 0, 27);
	ssize_t n = ntlmssp_answer(s->auth, chal, blen, w + 27, TX_MAX - 4 - SMB1_HDR - 27 - 64);
	if (n < 0)
		return SMBLS_UNSUPPORTED;
	if ((e = smb1_setup_leg(s, (size_t)n, &st, &blob, &blen)))
		return e;
	if (st != ST_OK)
		return logon_status(st);
	const uint8_t *r = s->rx + SMB1_HDR;
	if (r[0] >= 3 && (get16(r + 5) & 1))
		return EACCES; /* taken as a guest: the user is not known there */
	return 0;
}

static int smb1_tree_connect(struct smbls *s)
{
	uint8_t *w = smb1_header(s, SMB1_TREE_CONNECT);
	size_t cap = TX_MAX - 4 - SMB1_HDR, o = 12;
	char unc[600];
	const uint8_t *r;
	size_t len;
	uint32_t st;

	memset(w, 0, 12);
	w[0] = 4;
	w[1] = 0xff;
	put16(w + 7, 1); /* a password of one NUL: the logon is the user's */
	snprintf(unc, sizeof(unc), "\\\\%s\\%s", s->host, s->share);
	if (put_str1(w, cap, &o, SMB1_HDR, unc) < 0 || o + 6 > cap)
		return ENOENT;
	memcpy(w + o, "?????", 6);
	o += 6;
	put16(w + 9, (uint16_t)(o - 11));
	int e = smb1_call(s, o, &st, &r, &len);
	if (e)
		return e;
	return st == ST_OK ? 0 : errno_of(st);
}

/*
 * One TRANS2 request with params (no data), and its whole answer: the
 * parameters into par (up to 32 bytes), the data into big. The server may
 * send the answer in pieces; each must start where the last one ended.
 */
struct trans_answer {
	uint8_t par[32];
	size_t npar;
	size_t ndata; /* bytes of data gathered in the caller's buffer */
};

static int smb1_trans2_send(struct smbls *s, uint16_t sub, const uint8_t *par, size_t npar)
{
	uint8_t *w = smb1_header(s, SMB1_TRANS2);
	size_t off = 68; /* from the header: words, byte count, a NUL name, aligned to 4 */

	if (SMB1_HDR + 4 + off + npar > TX_MAX - 4 || off + npar > s->max_buffer)
		return ENAMETOOLONG;
	memset(w, 0, off - SMB1_HDR);
	w[0] = 15;
	put16(w + 1, (uint16_t)npar);
	put16(w + 5, 16);
	put16(w + 7, (uint16_t)(LIST_CHUNK - 1));
	put16(w + 19, (uint16_t)npar);
	put16(w + 21, (uint16_t)off);
	put16(w + 25, (uint16_t)(off + npar));
	w[27] = 1;
	put16(w + 29, sub);
	put16(w + 31, (uint16_t)(off + npar - 65));
	memcpy(s->tx + 4 + off, par, npar);
	return 0;
}

/* Takes one piece of a TRANS2 answer (in s->rx, its words at r) into a. */
static int trans2_piece(struct smbls *s, const uint8_t *r, struct trans_answer *a, size_t *tpar,
                        size_t *tdata, uint8_t *big, size_t bigcap)
{
	const uint8_t *p = r + 1;
	size_t tp = get16(p), td = get16(p + 2);
	size_t pc = get16(p + 6), po = get16(p + 8), pd = get16(p + 10);
	size_t dc = get16(p + 12), dof = get16(p + 14), dd = get16(p + 16);

	/*
	 * The totals may shrink, never below what came; nothing overlaps or is
	 * skipped (an empty part's displacement means nothing: Samba leaves it 0).
	 */
	if (r[0] < 10 || tp < a->npar || td < a->ndata || tp > sizeof(a->par) || td > bigcap ||
	    (pc && pd != a->npar) || (dc && dd != a->ndata) || pc > tp - a->npar ||
	    dc > td - a->ndata || po > s->rxlen || pc > s->rxlen - po || dof > s->rxlen ||
	    dc > s->rxlen - dof || (pc == 0 && dc == 0 && (tp > a->npar || td > a->ndata)))
		return fail(s, EPROTO);
	memcpy(a->par + a->npar, s->rx + po, pc);
	memcpy(big + a->ndata, s->rx + dof, dc);
	a->npar += pc;
	a->ndata += dc;
	*tpar = tp;
	*tdata = td;
	return 0;
}

static int smb1_trans2(struct smbls *s, uint16_t sub, const uint8_t *par, size_t npar,
                       struct trans_answer *a, uint8_t *big, size_t bigcap)
{
	size_t tpar, tdata;
	uint32_t st;
	const uint8_t *r;
	size_t len;
	int e = smb1_trans2_send(s, sub, par, npar);

	if (e)
		return e;
	a->npar = a->ndata = 0;
	e = smb1_call(s, 68 - SMB1_HDR + npar, &st, &r, &len);
	for (; !e; e = smb1_recv(s, &st, &r, &len)) {
		if (st != ST_OK && st != ST_NO_MORE_FILES)
			return errno_of(st);
		if ((e = trans2_piece(s, r, a, &tpar, &tdata, big, bigcap)))
			return e;
		if (a->npar == tpar && a->ndata == tdata)
			return 0;
	}
	return e;
}

/* Whether path names a folder: 0, ENOTDIR, or the server's answer. */
static int smb1_is_dir(struct smbls *s, const char *path)
{
	static uint8_t big[LIST_CHUNK];
	uint8_t par[600];
	struct trans_answer a;

	memset(par, 0, 6);
	put16(par, 0x101); /* SMB_QUERY_FILE_BASIC_INFO */
	ssize_t n = path16(path, "", par + 6, sizeof(par) - 8);
	if (n < 0)
		return ENAMETOOLONG;
	par[6 + n] = par[7 + n] = 0;
	int e = smb1_trans2(s, 0x0005, par, 8 + (size_t)n, &a, big, sizeof(big));
	if (e)
		return e;
	if (a.ndata < 36)
		return fail(s, EPROTO);
	return get32(big + 32) & ATTR_DIRECTORY ? 0 : ENOTDIR;
}

static int smb1_list(struct smbls *s, const char *path, smbls_entry_fn fn, void *arg)
{
	static uint8_t big[LIST_CHUNK];
	uint8_t par[1200];
	struct trans_answer a;
	size_t lo = 0, ll = 0;

	memset(par, 0, 12);
	put16(par, 0x16); /* hidden, system and directories too */
	put16(par + 2, 4096);
	put16(par + 4, 2); /* close at the end */
	put16(par + 6, 0x101);
	ssize_t n = path16(path, *path ? "\\*" : "*", par + 12, sizeof(par) - 14);
	if (n < 0)
		return ENAMETOOLONG;
	par[12 + n] = par[13 + n] = 0;
	int e = smb1_trans2(s, 0x0001, par, 14 + (size_t)n, &a, big, sizeof(big));
	if (e == ENOENT || e == EIO) {
		/* Nothing matched (a drive's empty root has no "."), or no such folder. */
		int d = smb1_is_dir(s, path);
		return d ? d : e == ENOENT ? 0 : e;
	}
	if (e)
		return e;
	if (a.npar < 10)
		return fail(s, EPROTO);
	uint16_t sid = get16(a.par);
	bool end = get16(a.par + 4);
	for (;;) {
		if (smbls_entries(big, a.ndata, fn, arg, &lo, &ll) < 0)
			return fail(s, EPROTO);
		if (end)
			return 0;
		/* FIND_NEXT2 after the last name, which is in big: copied first. */
		memset(par, 0, 12);
		put16(par, sid);
		put16(par + 2, 4096);
		put16(par + 4, 0x101);
		put16(par + 10, 0x0a); /* continue from the last one; close at the end */
		if (ll > sizeof(par) - 14)
			return fail(s, EPROTO);
		memcpy(par + 12, big + lo, ll);
		par[12 + ll] = par[13 + ll] = 0;
		if ((e = smb1_trans2(s, 0x0002, par, 14 + ll, &a, big, sizeof(big))))
			return e;
		if (a.npar < 8)
			return fail(s, EPROTO);
		end = get16(a.par + 2);
	}
}

/* --- the entries --- */

/* Whether a UTF-16 name holds a NUL unit before its end. */
static bool has_nul16(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		if (p[i] == 0 && p[i + 1] == 0)
			return true;
	return false;
}

long smbls_entries(const uint8_t *buf, size_t len, smbls_entry_fn fn, void *arg, size_t *last_off,
                   size_t *last_len)
{
	char name[1024];
	long count = 0;

	for (size_t o = 0; o < len;) {
		if (len - o < 64)
			return -1;
		const uint8_t *e = buf + o;
		uint32_t next = get32(e), attrs = get32(e + 56), nlen = get32(e + 60);
		if (nlen > len - o - 64 || (next && (next < 64 + nlen || next > len - o)))
			return -1;
		size_t n16 = nlen;
		while (n16 >= 2 && e[64 + n16 - 2] == 0 && e[64 + n16 - 1] == 0)
			n16 -= 2; /* SMB1 servers may count a terminating NUL */
		if (has_nul16(e + 64, n16) || utf16le_decode(e + 64, n16, name, sizeof(name)) < 0 ||
		    strpbrk(name, "/\\"))
			return -1; /* no Windows name holds a NUL, '/' or '\\': a server out of its
			              mind */
		*last_off = o + 64;
		*last_len = n16;
		count++;
		if (strcmp(name, ".") && strcmp(name, "..") && name[0]) {
			enum entry_kind k = attrs & ATTR_REPARSE     ? ENTRY_SYMLINK
			                    : attrs & ATTR_DIRECTORY ? ENTRY_DIRECTORY
			                                             : ENTRY_FILE;
			fn(arg, name, k, (int64_t)get64(e + 40), unix_time(get64(e + 24)));
		}
		if (!next)
			break;
		o += next;
	}
	return count;
}

/* --- the whole --- */

static int smb1_open(struct smbls *s)
{
	int e = smb1_negotiate(s);

	if (!e)
		e = smb1_session_setup(s);
	if (!e)
		e = smb1_tree_connect(s);
	return e;
}

static int smb2_open(struct smbls *s, enum smb_dialect lo, enum smb_dialect hi)
{
	int e = smb2_negotiate(s, lo, hi);

	if (!e)
		e = smb2_session_setup(s);
	if (!e)
		e = smb2_tree_connect(s);
	return e;
}

static int try_open(struct smbls *s, const struct smbls_opts *o, bool smb1)
{
	s->until = now_ms() + s->timeout_ms;
	int fd = dial(o->host, o->port ? o->port : 445, s->until);

	if (fd < 0)
		return -fd;
	s->fd = fd;
	s->broken = false;
	s->mid = 0;
	s->session = s->tree = 0;
	s->uid = s->tid = 0;
	s->max_buffer = 65535;
	int e = smb1 ? smb1_open(s) : smb2_open(s, o->min < SMB_2_02 ? SMB_2_02 : o->min, o->max);
	if (e) {
		close(s->fd);
		s->fd = -1;
	}
	return e;
}

int smbls_open(const struct smbls_opts *o, struct smbls **out)
{
	struct smbls *s = calloc(1, sizeof(*s));
	int e;

	if (!s)
		return ENOMEM;
	s->fd = -1;
	s->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 20000;
	s->host = o->host;
	s->share = o->share;
	s->auth = o->auth;
	if (o->min > SMB_3_02) {
		e = SMBLS_UNSUPPORTED; /* 3.1.1 only: not worth a connection to find out */
	} else if (o->max >= SMB_2_02) {
		e = try_open(s, o, false);
		/* A server that speaks only SMB1 drops an SMB2 negotiate, as NT4 does. */
		if (e == EPROTONOSUPPORT && o->min <= SMB_NT1)
			e = try_open(s, o, true);
		/* No dialect in common may yet be 3.1.1, which libsmbclient speaks. */
		if (e == EPROTONOSUPPORT && o->max >= SMB_3_11)
			e = SMBLS_UNSUPPORTED;
	} else {
		e = o->min <= SMB_NT1 ? try_open(s, o, true) : SMBLS_UNSUPPORTED;
	}
	if (e) {
		free(s);
		return e;
	}
	*out = s;
	return 0;
}

int smbls_list(struct smbls *s, const char *path, smbls_entry_fn fn, void *arg)
{
	if (s->broken)
		return ECONNRESET;
	/* One deadline for the whole listing: a server that answers forever is cut too. */
	s->until = now_ms() + s->timeout_ms;
	while (*path == '/')
		path++;
	return s->dialect == SMB_NT1 ? smb1_list(s, path, fn, arg) : smb2_list(s, path, fn, arg);
}

/*
 * The share's root, opened and closed (SMB2) or asked for (SMB1): an echo
 * would pass on a connection whose logon or share the server has ended.
 */
int smbls_alive(struct smbls *s)
{
	uint8_t id[16];
	int e;

	if (s->broken)
		return ECONNRESET;
	s->until = now_ms() + s->timeout_ms;
	if (s->dialect == SMB_NT1) {
		e = smb1_is_dir(s, "");
	} else if (!(e = smb2_open_dir(s, "", id))) {
		smb2_close(s, id);
		e = s->broken ? ECONNRESET : 0;
	}
	return e;
}

void smbls_close(struct smbls *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}
