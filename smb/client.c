#include "config.h"

#include "client.h"

#include "backend.h"
#include "records.h"
#include "smbwire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ATTR_REPARSE 0x400 /* FILE_ATTRIBUTE_REPARSE_POINT: a link on the Windows side */

static bool kerberos; /* for the wording of a refused logon */

static void auth_data(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen, char *un,
                      int unlen, char *pw, int pwlen)
{
	const struct smb_auth *a = smbc_getOptionUserData(c);

	(void)srv, (void)shr;
	/* No auth file: the library's own defaults stay (the Unix user, no password). */
	if (!a)
		return;
	if (a->domain[0])
		snprintf(wg, (size_t)wglen, "%s", a->domain);
	snprintf(un, (size_t)unlen, "%s", a->username);
	snprintf(pw, (size_t)pwlen, "%s", a->password);
}

/* Writes the private configuration into a new folder, which becomes $HOME. Returns 0 or errno. */
static int private_config(char *home, size_t len)
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
		return errno;
	snprintf(path, sizeof(path), "%s/.smb", home);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.smb/smb.conf", home);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int e = fd < 0 || write(fd, conf, sizeof(conf) - 1) != (ssize_t)(sizeof(conf) - 1)
	            ? (errno ? errno : EIO)
	            : 0;
	if (fd >= 0)
		close(fd);
	setenv("HOME", home, 1);
	return e;
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

static void set_options(SMBCCTX *c, const struct client_opts *o)
{
	smbc_setOptionUseKerberos(c, o->kerberos);
	smbc_setOptionFallbackAfterKerberos(c, !o->kerberos);
	smbc_setOptionNoAutoAnonymousLogin(c, 1);
	smbc_setOptionUseCCache(c, o->kerberos);
	smbc_setTimeout(c, o->timeout_ms);
	smbc_setOptionUserData(c, (void *)o->auth);
	smbc_setFunctionAuthDataWithContext(c, auth_data);
}

SMBCCTX *client_start(const struct client_opts *o, char *why, size_t len)
{
	char home[64];
	int e = private_config(home, sizeof(home));

	kerberos = o->kerberos;
	if (e) {
		snprintf(why, len, "cannot write a private SMB client configuration: %s",
		         strerror(e));
		private_config_remove(home);
		return NULL;
	}
	/* The library reads its configuration as the first context is made. */
	SMBCCTX *c = smbc_new_context();
	private_config_remove(home);
	if (!c) {
		snprintf(why, len, "cannot start the SMB client: %s", strerror(errno));
		return NULL;
	}
	set_options(c, o);
	if (o->proto_min && !smbc_setOptionProtocols(c, o->proto_min, o->proto_max)) {
		snprintf(why, len,
		         "--smb-protocol %s%s%s is not a protocol name (NT1, SMB2_02, SMB2_10, "
		         "SMB3 ...)",
		         o->proto_min, o->proto_max ? ":" : "", o->proto_max ? o->proto_max : "");
		return NULL;
	}
	if (!smbc_init_context(c)) {
		snprintf(why, len, "cannot start the SMB client: %s", strerror(errno));
		return NULL;
	}
	smbc_set_context(c);
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
		if (kerberos)
			return "logon with Kerberos failed: no valid ticket in the cache "
			       "(KRB5CCNAME), or the server does not take Kerberos (no password is "
			       "tried)";
		return "logon refused: a wrong user name or password, a disabled account, or a "
		       "logon-hour or workstation restriction (the SMB library does not say which; "
		       "smbclient -A with the same auth file does)";
	case EINVAL:
		/* What libsmbclient makes of NT_STATUS_ACCOUNT_LOCKED_OUT, _ACCOUNT_EXPIRED and
		 * _PASSWORD_MUST_CHANGE (Samba 4.17); no NT status reaches its caller or its log.
		 */
		return "logon refused: the account is locked out or expired, or its password has "
		       "expired or must be changed (the SMB library does not say which; smbclient "
		       "-A "
		       "with the same auth file does); or the server found the request invalid";
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

/*
 * Whether a new connection may cure a failure to open the share's root: a
 * server that restarted, or ended the logon or closed the share since the
 * last scan (the library answers those with errors of its own choosing).
 * Not a refused logon: tried twice, it would count twice toward a lockout.
 */
static bool worth_reconnecting(int e)
{
	return e != EACCES && e != EPERM;
}

int client_share_open(SMBCCTX *c, const char *share_url, char *why, size_t len)
{
	int dh = smbc_opendir(share_url);

	if (dh < 0 && worth_reconnecting(errno)) {
		smbc_getFunctionPurgeCachedServers(c)(c);
		dh = smbc_opendir(share_url);
	}
	if (dh < 0) {
		int e = errno;
		const char *hint = connect_hint(e);
		snprintf(why, len, "%s: cannot connect: %s%s%s", share_url,
		         hint ? hint : strerror(e), hint ? "; " : "", hint ? strerror(e) : "");
		return -1;
	}
	smbc_closedir(dh);
	return 0;
}

static enum entry_kind kind_of(const struct libsmb_file_info *fi, const struct stat *st)
{
	if (fi->attrs & ATTR_REPARSE)
		return ENTRY_SYMLINK;
	return S_ISDIR(st->st_mode) ? ENTRY_DIRECTORY : ENTRY_FILE;
}

void client_list(const char *url)
{
	const struct libsmb_file_info *fi;
	struct stat st;
	int dh = smbc_opendir(url);

	rec_code(SMBWIRE_OPEN, dh < 0 ? errno : 0);
	rec_text(url);
	if (dh < 0)
		return;
	errno = 0;
	while ((fi = smbc_readdirplus2(dh, &st)) != NULL) {
		if (strcmp(fi->name, ".") != 0 && strcmp(fi->name, "..") != 0)
			rec_entry(kind_of(fi, &st), (int64_t)fi->size, (int64_t)fi->mtime_ts.tv_sec,
			          fi->name);
		errno = 0;
	}
	int e = errno;
	smbc_closedir(dh);
	rec_code(SMBWIRE_DONE, e);
}

/* The folders a store holds (store.c adds these three). */
static bool store_folder_name(const char *name)
{
	return !strcasecmp(name, "Import") || !strcasecmp(name, "Export") ||
	       !strcasecmp(name, "Submit");
}

static int store_list(struct store_names *sn, const char *store)
{
	const struct libsmb_file_info *fi;
	struct stat st;
	int dh = smbc_opendir(store);

	snprintf(sn->store, sizeof(sn->store), "%s", store);
	sn->n = 0;
	if (dh < 0)
		return errno;
	while ((fi = smbc_readdirplus2(dh, &st)) != NULL)
		if (sn->n < sizeof(sn->name) / sizeof(sn->name[0]) && store_folder_name(fi->name))
			snprintf(sn->name[sn->n++], sizeof(sn->name[0]), "%s", fi->name);
	smbc_closedir(dh);
	return 0;
}

int client_store_folder(struct store_names *sn, const char *store, const char *name, char *dst,
                        size_t len)
{
	int rc = ENOENT;

	if (strcmp(sn->store, store) != 0)
		sn->err = store_list(sn, store);
	snprintf(dst, len, "%s/%s", store, name);
	if (sn->err)
		return sn->err;
	for (size_t k = 0; k < sn->n; k++)
		if (strcasecmp(sn->name[k], name) == 0) {
			/* Two spellings of one name: which one the connector uses is unknown. */
			rc = rc == ENOENT ? 0 : EEXIST;
			if ((size_t)snprintf(dst, len, "%s/%s", store, sn->name[k]) >= len)
				return ENAMETOOLONG;
		}
	return rc;
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
 * The attributes before the read, the bytes, and the attributes after it, so
 * that the caller keeps a copy only of a file that did not change while it
 * was read (the connector before SP3 appends to .und files).
 */
void client_get(const char *args)
{
	static unsigned char buf[60 * 1024];
	static char url[2 * PATH_MAX + 4 * NAME_MAX];
	struct stat st;
	char type = SMBWIRE_BYTES;

	if (file_url(args, url, sizeof(url)) < 0) {
		rec_attr(EINVAL, NULL);
		return;
	}
	int fd = smbc_open(url, O_RDONLY, 0);
	if (fd < 0 || smbc_fstat(fd, &st) < 0) {
		rec_attr(errno, NULL);
		if (fd >= 0)
			smbc_close(fd);
		return;
	}
	rec_attr(0, &st);
	for (;;) {
		ssize_t n = smbc_read(fd, buf, sizeof(buf));
		if (n <= 0) {
			/*
			 * Asked by path, after the close: a server may report an open handle's
			 * times as they were when it was opened (Samba does, for a file
			 * rewritten in place; Windows updates the write time at a close).
			 */
			int e = n < 0 ? errno : 0;
			smbc_close(fd);
			if (!e && smbc_stat(url, &st) < 0)
				e = errno;
			rec_attr(e, e ? NULL : &st);
			return;
		}
		uint32_t n32 = (uint32_t)n;
		rec_put(&type, 1);
		rec_put(&n32, sizeof(n32));
		rec_put(buf, (size_t)n);
	}
}

/*
 * Removes the file only if it is still as it was read, the same file ID
 * included. The check's answer and the removal's are two records: a check
 * that failed says nothing of whether the file is still there.
 */
/* The file's attributes as a del names them: size, write and change time in ns, file ID. */
struct read_attrs {
	long long size, mtime, ctime, id;
};

static bool as_read(const struct stat *st, const struct read_attrs *a)
{
	return st->st_size == a->size && rec_ns(&st->st_mtim) == a->mtime &&
	       rec_ns(&st->st_ctim) == a->ctime && (int64_t)st->st_ino == a->id;
}

void client_del(const char *args)
{
	static char url[2 * PATH_MAX + 4 * NAME_MAX];
	struct read_attrs a;
	int at = 0;
	struct stat st;

	if (sscanf(args, "%lld %lld %lld %lld %n", &a.size, &a.mtime, &a.ctime, &a.id, &at) != 4 ||
	    file_url(args + at, url, sizeof(url)) < 0) {
		rec_attr(EINVAL, NULL);
		return;
	}
	if (smbc_stat(url, &st) < 0) {
		rec_attr(errno, NULL);
		return;
	}
	if (!as_read(&st, &a)) {
		rec_attr(ESTALE, NULL);
		return;
	}
	rec_attr(0, &st);
	/* A refusal proves the file is still there only when it is seen again as it was. */
	int e = smbc_unlink(url) < 0 ? errno : 0;
	int32_t intact = e && smbc_stat(url, &st) == 0 && as_read(&st, &a);
	rec_code(SMBWIRE_UNLINK, e);
	rec_put(&intact, sizeof(intact));
}
