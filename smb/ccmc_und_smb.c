/*
 * ccmc_und_smb: lists folders of a store on an SMB server for the probe of
 * check_ccmc_und and ccmc_und_subagent, which run it in their watchdog child.
 * It is a program of its own so that SMB is paid only by checks that use
 * smb://; the plugin stays static. It lists with its own client (smbls) and
 * loads libsmbclient (some 40 ms and 15 MB) only for what that does not do,
 * and for get and del; -L loads it at the start, for the handler.
 *
 * Usage: ccmc_und_smb [-A AUTHFILE] [-k] [-L] [-P MIN[:MAX]] [-S] [-t MS] ITEM...
 *   ITEM is "s URL NAME" (folder NAME of store URL, found in any letter case
 *   by one listing of the store) or "d URL" (a folder named by its URL).
 * Output: records as lib/smbwire.h says, on stdout. Exit 0, or 3 after 'X'.
 * With -S it serves one request per line on stdin until end of file: "scan",
 * and "get" and "del" for the handler (lib/smbwire.h).
 */
#include "config.h"

#include "authfile.h"
#include "backend.h"
#include "smblib.h"
#include "smbls.h"
#include "smburl.h"
#include "smbwire.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define ATTR_REPARSE 0x400 /* FILE_ATTRIBUTE_REPARSE_POINT: a link on the Windows side */
#define STORE_NAMES_MAX 32

static struct smblib L; /* libsmbclient, once library() has loaded it */
static struct smb_auth auth;
static bool have_auth;
static bool use_kerberos;
static const char *server; /* "smb://host:port/share", for messages */
static unsigned char outbuf[64 * 1024];
static size_t outlen;
static int out_fd = STDOUT_FILENO; /* the records; the library's own prints go to stderr */

static void flush_out(void)
{
	for (size_t o = 0; o < outlen;) {
		ssize_t n = write(out_fd, outbuf + o, outlen - o);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		o += (size_t)n;
	}
	outlen = 0;
}

static void put(const void *p, size_t n)
{
	if (outlen + n > sizeof(outbuf))
		flush_out();
	memcpy(outbuf + outlen, p, n);
	outlen += n;
}

static void put_text(const char *s)
{
	size_t len = strlen(s);
	uint16_t n = (uint16_t)(len > 65535 ? 65535 : len);

	put(&n, sizeof(n));
	put(s, n);
}

static void put_code(char type, int32_t err)
{
	put(&type, 1);
	put(&err, sizeof(err));
}

static void __attribute__((noreturn)) fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void fatal(const char *fmt, ...)
{
	char msg[1024];
	char type = SMBWIRE_FATAL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	put(&type, 1);
	put_text(msg);
	flush_out();
	smb_auth_clear(&auth);
	exit(3);
}

static void get_auth(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen, char *un,
                     int unlen, char *pw, int pwlen)
{
	(void)c, (void)srv, (void)shr;
	if (auth.domain[0])
		snprintf(wg, (size_t)wglen, "%s", auth.domain);
	snprintf(un, (size_t)unlen, "%s", auth.username);
	snprintf(pw, (size_t)pwlen, "%s", auth.password);
}

/*
 * libsmbclient reads $HOME/.smb/smb.conf, or else /etc/samba/smb.conf, and
 * keeps caches where they say. It gets a private configuration instead, in
 * a folder of its own that is gone again once the library has read it; its
 * cache and lock folders do not exist, so nothing is written anywhere.
 */
static void private_config(char *home, size_t len)
{
	static const char conf[] = "[global]\n"
	                           "  lock directory = /nonexistent/ccmc-und\n"
	                           "  state directory = /nonexistent/ccmc-und\n"
	                           "  cache directory = /nonexistent/ccmc-und\n"
	                           "  private dir = /nonexistent/ccmc-und\n"
	                           "  ncalrpc dir = /nonexistent/ccmc-und\n"
	                           "  log level = 0\n"
	                           "  name resolve order = host\n";
	char path[PATH_MAX];

	snprintf(home, len, "/tmp/ccmc-und-smb.XXXXXX");
	if (!mkdtemp(home))
		fatal("%s: cannot make a private folder for the SMB client: %s", server,
		      strerror(errno));
	snprintf(path, sizeof(path), "%s/.smb", home);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.smb/smb.conf", home);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, conf, sizeof(conf) - 1) != (ssize_t)(sizeof(conf) - 1))
		fatal("%s: cannot write a private SMB client configuration: %s", server,
		      strerror(errno));
	close(fd);
	setenv("HOME", home, 1);
}

static void private_config_remove(const char *home)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/.smb/smb.conf", home);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.smb", home);
	rmdir(path);
	rmdir(home);
}

struct client_opts {
	const char *authfile, *proto_min, *proto_max;
	bool kerberos;
	int timeout_ms;
};

static SMBCCTX *client_start(const struct client_opts *o)
{
	char home[64], err[512];

	if (smblib_load(&L, err, sizeof(err)) < 0)
		fatal("%s: %s", server, err);

	/*
	 * The library reads its configuration as the first context is made; the
	 * folder is gone again at once, so that a kill leaves nothing behind.
	 */
	private_config(home, sizeof(home));
	SMBCCTX *c = L.new_context();
	private_config_remove(home);
	if (!c)
		fatal("%s: cannot start the SMB client: %s", server, strerror(errno));
	L.setOptionUseKerberos(c, o->kerberos);
	L.setOptionFallbackAfterKerberos(c, !o->kerberos);
	L.setOptionNoAutoAnonymousLogin(c, 1);
	L.setOptionUseCCache(c, o->kerberos);
	L.setTimeout(c, o->timeout_ms);
	L.setFunctionAuthDataWithContext(c, get_auth);
	if (o->proto_min && !L.setOptionProtocols(c, o->proto_min, o->proto_max))
		fatal("%s: --smb-protocol %s%s%s is not a protocol name (NT1, SMB2_02, SMB2_10, "
		      "SMB3 ...)",
		      server, o->proto_min, o->proto_max ? ":" : "",
		      o->proto_max ? o->proto_max : "");
	if (!L.init_context(c))
		fatal("%s: cannot start the SMB client: %s", server, strerror(errno));
	L.set_context(c);
	return c;
}

/* What a failure to reach the share says, by errno. */
static const char *connect_hint(int e)
{
	switch (e) {
	case ECONNREFUSED: return "connection refused (is the server up, and the port right?)";
	case ETIMEDOUT: return "no answer in time";
	case EHOSTUNREACH:
	case ENETUNREACH: return "no route to the server";
	case EACCES:
	case EPERM:
		if (use_kerberos)
			return "logon with Kerberos failed: no valid ticket in the cache "
			       "(KRB5CCNAME), "
			       "or the server does not take Kerberos (no password is tried)";
		return "logon failed: wrong user name or password, or the account is disabled "
		       "or locked (NT_STATUS_LOGON_FAILURE or NT_STATUS_ACCOUNT_DISABLED)";
	case ENOENT:
	case ENODEV: return "no such share (NT_STATUS_BAD_NETWORK_NAME)";
	case ECONNRESET:
	case ECONNABORTED:
	case EPROTONOSUPPORT:
	case EPROTO:
	case EOPNOTSUPP:
		return "the protocol negotiation failed: the server may need --smb-protocol=NT1 "
		       "(NT4 and Windows 2000 speak only SMB1)";
	default: return NULL;
	}
}

static void connect_failed(const char *share_url, int e, char *why, size_t len)
{
	const char *hint = connect_hint(e);

	snprintf(why, len, "%s: cannot connect: %s%s%s", share_url, hint ? hint : strerror(e),
	         hint ? "; " : "", hint ? strerror(e) : "");
}

/* A failure that a new connection may cure: the server restarted since the last scan. */
static bool connection_lost(int e)
{
	return e == ECONNRESET || e == EPIPE || e == ENOTCONN || e == ETIMEDOUT || e == EIO ||
	       e == ECONNABORTED;
}

/*
 * Opens the share's root: the connection, the logon and the share, as one
 * step. A kept connection that died is dropped and made again, once.
 * Returns 0, or -1 with the message for 'X' in why.
 */
static int share_open(SMBCCTX *c, const char *share_url, char *why, size_t len)
{
	int dh = L.opendir(share_url);

	if (dh < 0 && connection_lost(errno)) {
		L.getFunctionPurgeCachedServers(c)(c);
		dh = L.opendir(share_url);
	}
	if (dh < 0) {
		connect_failed(share_url, errno, why, len);
		return -1;
	}
	L.closedir(dh);
	return 0;
}

static enum entry_kind kind_of(const struct libsmb_file_info *fi, const struct stat *st)
{
	if (fi->attrs & ATTR_REPARSE)
		return ENTRY_SYMLINK;
	return S_ISDIR(st->st_mode) ? ENTRY_DIRECTORY : ENTRY_FILE;
}

static void put_entry(enum entry_kind k, int64_t size, int64_t mtime, const char *name)
{
	char type = SMBWIRE_ENTRY;
	unsigned char kind = (unsigned char)k;

	put(&type, 1);
	put(&kind, 1);
	put(&size, sizeof(size));
	put(&mtime, sizeof(mtime));
	put_text(name);
}

/*
 * The helper's own lister (smb/smbls), kept between scans; libsmbclient
 * lists instead when it cannot serve (native_off): Kerberos, no auth file,
 * or a server that wants what it does not do.
 */
static struct smbls *native;
static bool native_off;
static struct smburl native_url;
static struct client_opts opts = {.timeout_ms = 20000};

static int native_open(const char *share_url, struct smbls **out)
{
	char err[256];

	if (native) {
		if (smbls_alive(native) == 0) {
			*out = native;
			return 0;
		}
		smbls_close(native); /* the server restarted since: once more */
		native = NULL;
	}
	struct smbls_opts o = {.auth = &auth, .timeout_ms = opts.timeout_ms};
	if (native_off || opts.kerberos || !have_auth ||
	    smbls_protocols(opts.proto_min, opts.proto_max, &o.min, &o.max) < 0 ||
	    smburl_parse(share_url, &native_url, err, sizeof(err)) < 0) {
		native_off = true;
		return SMBLS_UNSUPPORTED;
	}
	o.host = native_url.host;
	o.port = native_url.port;
	o.share = native_url.share;
	int e = smbls_open(&o, &native);
	if (e == SMBLS_UNSUPPORTED)
		native_off = true;
	*out = native;
	return e;
}

/* What a native listing writes: 'O' before the first entry, so that a refusal is an 'O'. */
struct emit {
	const char *url;
	bool opened;
};

static void emit_entry(void *arg, const char *name, enum entry_kind kind, int64_t size,
                       int64_t mtime)
{
	struct emit *m = arg;

	if (!m->opened) {
		put_code(SMBWIRE_OPEN, 0);
		put_text(m->url);
		m->opened = true;
	}
	put_entry(kind, size, mtime, name);
}

static void list_native(struct smbls *ls, const char *url)
{
	struct emit m = {.url = url};
	struct smburl u;
	char err[256];
	int e = smburl_parse(url, &u, err, sizeof(err)) < 0
	            ? EINVAL
	            : smbls_list(ls, u.path, emit_entry, &m);

	if (!m.opened) {
		put_code(SMBWIRE_OPEN, e);
		put_text(url);
		if (e)
			return;
	}
	put_code(SMBWIRE_DONE, e);
}

/* Lists one folder: 'O', its entries, 'D'. A lost connection mid-listing ends the run. */
static void list_folder(struct smbls *ls, const char *url)
{
	struct stat st;
	char type = SMBWIRE_OPEN;

	if (ls) {
		list_native(ls, url);
		return;
	}
	int dh = L.opendir(url);

	if (dh < 0) {
		put_code(type, errno);
		put_text(url);
		return;
	}
	put_code(type, 0);
	put_text(url);
	const struct libsmb_file_info *fi;
	errno = 0;
	while ((fi = L.readdirplus2(dh, &st)) != NULL) {
		if (strcmp(fi->name, ".") != 0 && strcmp(fi->name, "..") != 0)
			put_entry(kind_of(fi, &st), (int64_t)fi->size, (int64_t)fi->mtime_ts.tv_sec,
			          fi->name);
		errno = 0;
	}
	int e = errno;
	L.closedir(dh);
	put_code(SMBWIRE_DONE, e);
}

/* The folders a store holds (store.c adds these three). */
static bool store_folder_name(const char *name)
{
	return !strcasecmp(name, "Import") || !strcasecmp(name, "Export") ||
	       !strcasecmp(name, "Submit");
}

/*
 * Finds name under the store in any letter case, by one listing of the
 * store per run (the names are kept for the store's other folders). Writes
 * the folder's URL to dst; returns 0, or an errno for 'O'.
 */
static char cached[PATH_MAX]; /* the store listed in this scan, or "" */

static char names[STORE_NAMES_MAX][256];
static size_t n_names;

static void keep_name(const char *name)
{
	if (n_names < STORE_NAMES_MAX && store_folder_name(name))
		snprintf(names[n_names++], sizeof(names[0]), "%s", name);
}

static void keep_native(void *arg, const char *name, enum entry_kind kind, int64_t size,
                        int64_t mtime)
{
	(void)arg, (void)kind, (void)size, (void)mtime;
	keep_name(name);
}

static int store_list(struct smbls *ls, const char *store)
{
	if (ls) {
		struct smburl u;
		char err[256];
		return smburl_parse(store, &u, err, sizeof(err)) < 0
		           ? EINVAL
		           : smbls_list(ls, u.path, keep_native, NULL);
	}
	int dh = L.opendir(store);
	if (dh < 0)
		return errno;
	struct stat st;
	const struct libsmb_file_info *fi;
	while ((fi = L.readdirplus2(dh, &st)) != NULL)
		keep_name(fi->name);
	L.closedir(dh);
	return 0;
}

static int store_lookup(struct smbls *ls, const char *store, const char *name, char *dst,
                        size_t len)
{
	static int err;
	size_t n;

	if (strcmp(cached, store) != 0) {
		snprintf(cached, sizeof(cached), "%s", store);
		n_names = 0;
		err = store_list(ls, store);
	}
	n = n_names;
	snprintf(dst, len, "%s/%s", store, name);
	if (err)
		return err;
	int rc = ENOENT;
	for (size_t k = 0; k < n; k++)
		if (strcasecmp(names[k], name) == 0) {
			/* Two spellings of one name: which one the connector uses is unknown. */
			rc = rc == ENOENT ? 0 : EEXIST;
			if ((size_t)snprintf(dst, len, "%s/%s", store, names[k]) >= len)
				return ENAMETOOLONG;
		}
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: ccmc_und_smb [-A AUTHFILE] [-k] [-L] [-P MIN[:MAX]] [-S] [-t MS] "
	                "(s URL NAME | d URL)...\n");
	exit(2);
}

static void parse_protocol(char *arg, struct client_opts *o)
{
	char *colon = strchr(arg, ':');

	o->proto_min = arg;
	o->proto_max = arg;
	if (colon) {
		*colon = '\0';
		o->proto_max = colon + 1;
	}
}

/* The share's URL of an item's URL, for the connection step and messages. */
static void share_of(const char *url, char *dst, size_t len)
{
	char err[256];

	if (smburl_share(url, dst, len, err, sizeof(err)) < 0)
		fatal("%s: %s", url, err);
}

static void put_fatal(const char *msg)
{
	char type = SMBWIRE_FATAL;

	put(&type, 1);
	put_text(msg);
}

/* Lists the items of argv from first on, in order; ls NULL: by libsmbclient. */
static void list_items(struct smbls *ls, int argc, char **argv, int first)
{
	char url[PATH_MAX + 256];

	cached[0] = '\0'; /* each scan lists the store afresh */
	for (int i = first; i < argc;) {
		if (strcmp(argv[i], "s") == 0 && i + 2 < argc) {
			int rc = store_lookup(ls, argv[i + 1], argv[i + 2], url, sizeof(url));
			if (rc == 0) {
				list_folder(ls, url);
			} else {
				put_code(SMBWIRE_OPEN, rc);
				put_text(url);
			}
			i += 3;
		} else if (strcmp(argv[i], "d") == 0 && i + 1 < argc) {
			list_folder(ls, argv[i + 1]);
			i += 2;
		} else {
			usage();
		}
	}
}

/* libsmbclient's context, made when first needed: a native scan never needs it. */
static SMBCCTX *library(void)
{
	static SMBCCTX *c;

	if (!c)
		c = client_start(&opts);
	return c;
}

/* One scan of every item; false when the server could not be used ('X' written). */
static bool scan(const char *share, int argc, char **argv, int first)
{
	char why[1024];
	struct smbls *ls = NULL;
	int e = native_open(share, &ls);

	if (e == 0) {
		list_items(ls, argc, argv, first);
		return true;
	}
	if (e != SMBLS_UNSUPPORTED) {
		connect_failed(share, e, why, sizeof(why));
		put_fatal(why);
		return false;
	}
	if (share_open(library(), share, why, sizeof(why)) < 0) {
		put_fatal(why);
		return false;
	}
	list_items(NULL, argc, argv, first);
	return true;
}

/* Nanoseconds since 1970, clamped to what int64 holds (years 1678 to 2262). */
static int64_t ns_of(const struct timespec *t)
{
	const int64_t lim = INT64_MAX / 1000000000 - 1;

	if (t->tv_sec > lim)
		return INT64_MAX;
	if (t->tv_sec < -lim)
		return INT64_MIN;
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* 'A': err, and when it is 0, the size, write time, change time and file ID of st. */
static void put_attr(int32_t err, const struct stat *st)
{
	int64_t v[4] = {0, 0, 0, 0};

	if (!err && st)
		v[0] = st->st_size, v[1] = ns_of(&st->st_mtim), v[2] = ns_of(&st->st_ctim),
		v[3] = (int64_t)st->st_ino;
	put_code(SMBWIRE_ATTR, err);
	put(v, sizeof(v));
}

static int hex_value(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * "HEXNAME FOLDERURL" into the file's URL. The name comes in hex so that any
 * byte a listing gave (a newline, '%', '?') reaches the server as it was;
 * in the URL every byte but [A-Za-z0-9._~-] is %-escaped, as the library
 * decodes the path whole. The folder's URL was checked by smburl: no '%'.
 */
static int file_url(const char *args, char *dst, size_t len)
{
	static const char keep[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";
	const char *sp = strchr(args, ' ');
	size_t hex = sp ? (size_t)(sp - args) : 0, o;

	if (!sp || hex == 0 || hex % 2 || !sp[1])
		return -1;
	o = (size_t)snprintf(dst, len, "%s/", sp + 1);
	for (size_t i = 0; i < hex; i += 2) {
		int hi = hex_value(args[i]), lo = hex_value(args[i + 1]);
		if (hi < 0 || lo < 0 || (hi | lo) == 0 || o + 4 > len)
			return -1;
		unsigned char c = (unsigned char)(hi << 4 | lo);
		if (c == '/' || c == '\\')
			return -1;
		if (strchr(keep, c))
			dst[o++] = (char)c;
		else
			o += (size_t)snprintf(dst + o, len - o, "%%%02X", c);
	}
	dst[o] = '\0';
	return o < len ? 0 : -1;
}

/*
 * get HEXNAME FOLDERURL: the file's attributes, its bytes, and its attributes again, so
 * that the caller keeps a copy only of a file that did not change while it
 * was read (the connector before SP3 appends to .und files).
 */
static void get_file(const char *args)
{
	static unsigned char buf[60 * 1024];
	static char url[2 * PATH_MAX + 4 * NAME_MAX];
	struct stat st;
	char type = SMBWIRE_BYTES;

	if (file_url(args, url, sizeof(url)) < 0) {
		put_attr(EINVAL, NULL);
		return;
	}
	library();
	int fd = L.open(url, O_RDONLY, 0);

	if (fd < 0 || L.fstat(fd, &st) < 0) {
		put_attr(errno, NULL);
		if (fd >= 0)
			L.close(fd);
		return;
	}
	put_attr(0, &st);
	for (;;) {
		ssize_t n = L.read(fd, buf, sizeof(buf));
		if (n <= 0) {
			/*
			 * Asked by path, after the close: a server may report an open handle's
			 * times as they were when it was opened (Samba does, for a file
			 * rewritten in place; Windows updates the write time at a close).
			 */
			int e = n < 0 ? errno : 0;
			L.close(fd);
			if (!e && L.stat(url, &st) < 0)
				e = errno;
			put_attr(e, e ? NULL : &st);
			return;
		}
		uint32_t len = (uint32_t)n;
		put(&type, 1);
		put(&len, sizeof(len));
		put(buf, (size_t)n);
	}
}

/*
 * del SIZE MTIME CTIME ID HEXNAME FOLDERURL: removes the file only if it is
 * still as it was read, the same file ID included. The check's answer and the
 * removal's are two records (smbwire.h): a check that failed says nothing of
 * whether the file is still there.
 */
static void del_file(const char *args)
{
	static char url[2 * PATH_MAX + 4 * NAME_MAX];
	long long size, mtime, ctime, id;
	int at = 0;
	struct stat st;

	if (sscanf(args, "%lld %lld %lld %lld %n", &size, &mtime, &ctime, &id, &at) != 4 ||
	    file_url(args + at, url, sizeof(url)) < 0) {
		put_attr(EINVAL, NULL);
		return;
	}
	library();
	if (L.stat(url, &st) < 0) {
		put_attr(errno, NULL);
		return;
	}
	if (st.st_size != size || ns_of(&st.st_mtim) != mtime || ns_of(&st.st_ctim) != ctime ||
	    (int64_t)st.st_ino != id) {
		put_attr(ESTALE, NULL);
		return;
	}
	put_attr(0, &st);
	int e = L.unlink(url) < 0 ? errno : 0;
	struct stat again;
	int32_t intact = e && L.stat(url, &again) == 0 && again.st_size == st.st_size &&
	                 ns_of(&again.st_mtim) == mtime && ns_of(&again.st_ctim) == ctime &&
	                 (int64_t)again.st_ino == id;
	put_code(SMBWIRE_UNLINK, e);
	put(&intact, sizeof(intact));
}

/* One request line, without its newline. */
static void request(const char *share, int argc, char **argv, int first, const char *line)
{
	if (strcmp(line, "scan") == 0)
		scan(share, argc, argv, first);
	else if (strncmp(line, "get ", 4) == 0)
		get_file(line + 4);
	else if (strncmp(line, "del ", 4) == 0)
		del_file(line + 4);
	else
		put_attr(EINVAL, NULL);
}

/*
 * -S: serves a scan for each "scan" line on stdin, with the connection kept
 * between them, and ends each with 'Z'. The subagent keeps one such helper
 * per share, instead of logging on at every interval.
 */
static void serve(const char *share, int argc, char **argv, int first)
{
	static char line[2 * PATH_MAX + 1024];
	char end = SMBWIRE_END;

	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strlen(line);
		if (n == 0 || line[n - 1] != '\n') {
			/* A request longer than any URL: refused whole, not read as two. */
			int ch;
			while (n && (ch = getchar()) != EOF && ch != '\n')
				;
			put_attr(ENAMETOOLONG, NULL);
		} else {
			line[n - 1] = '\0';
			request(share, argc, argv, first, line);
		}
		put(&end, 1);
		flush_out();
	}
}

int main(int argc, char **argv)
{
	struct client_opts *o = &opts;
	char err[PATH_MAX + 256], share[PATH_MAX];
	bool serving = false, preload = false;
	int c;

	/* Killed with the probe that runs it, which may be abandoned on a hung server. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/*
	 * libsmbclient prints some failures (a Kerberos logon) to stdout: the
	 * records get a descriptor of their own, and stdout becomes stderr, so no
	 * text of the library's can pass for a record.
	 */
	out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (out_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return 3;
	while ((c = getopt(argc, argv, "A:kLP:St:")) != -1) {
		switch (c) {
		case 'S': serving = true; break;
		case 'L': preload = true; break;
		case 'A': o->authfile = optarg; break;
		case 'k': o->kerberos = use_kerberos = true; break;
		case 'P': parse_protocol(optarg, o); break;
		case 't': o->timeout_ms = atoi(optarg) > 0 ? atoi(optarg) : 20000; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	share_of(argv[optind + 1 < argc ? optind + 1 : optind], share, sizeof(share));
	server = share;
	if (o->authfile && authfile_read(o->authfile, &auth, err, sizeof(err)) < 0)
		fatal("%s", err);
	have_auth = o->authfile != NULL;
	if (preload)
		library();
	if (serving)
		serve(share, argc, argv, optind);
	else if (!scan(share, argc, argv, optind)) {
		flush_out();
		smb_auth_clear(&auth);
		return 3;
	}
	flush_out();
	smb_auth_clear(&auth);
	return 0;
}
