#include "config.h"

#include "store.h"

#include "smburl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Writes path without "." components and without repeated or trailing
 * slashes, so that one folder has one spelling. Returns 0, or -1 for a ".."
 * component, which could only be resolved by following symlinks.
 */
static int path_normal(const char *path, char *out, size_t len)
{
	size_t o = 0;

	if (len < 2)
		return -1;
	if (*path == '/')
		out[o++] = '/';
	for (const char *p = path; *p;) {
		size_t n;
		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (o + n + 2 > len)
			return -1;
		if (o > 0 && out[o - 1] != '/')
			out[o++] = '/';
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return 0;
}

const char *folder_path(const struct folder *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", f->path, f->in_store && strcmp(f->path, "/") ? "/" : "",
	         f->in_store ? f->name : "");
	return buf;
}

/*
 * True when a and b name one folder: the same path, where a store's folder
 * matches in any letter case as the store itself looks it up.
 */
static bool folder_same(const struct folder *a, const struct folder *b)
{
	char x[PATH_MAX + NAME_MAX + 2], y[sizeof(x)];
	const char *sx, *sy;

	folder_path(a, x, sizeof(x));
	folder_path(b, y, sizeof(y));
	/* On a Windows host every path matches in any letter case. */
	if (smburl_is(x) && smburl_is(y))
		return strcasecmp(x, y) == 0;
	sx = strrchr(x, '/');
	sy = strrchr(y, '/');
	if (!(a->in_store || b->in_store) || !sx || !sy)
		return strcmp(x, y) == 0;
	return sx - x == sy - y && strncmp(x, y, (size_t)(sx - x)) == 0 &&
	       strcasecmp(sx + 1, sy + 1) == 0;
}

static struct folder *folder_new(struct folder_list *l, const char *path, char *err, size_t errlen)
{
	struct folder *f;
	char norm[PATH_MAX];

	if (l->n >= STORE_MAX_FOLDERS) {
		snprintf(err, errlen, "too many folders (at most %d)", STORE_MAX_FOLDERS);
		return NULL;
	}
	if (*path == '\0' || strlen(path) >= sizeof(l->f[0].path)) {
		snprintf(err, errlen, "invalid folder path '%s'", path);
		return NULL;
	}
	if (smburl_is(path)) {
		struct smburl u;
		char why[256];
		if (smburl_parse(path, &u, why, sizeof(why)) < 0 ||
		    smburl_format(&u, norm, sizeof(norm)) < 0) {
			/* A URL with credentials is not repeated: the password would be shown. */
			if (strchr(path, '@'))
				snprintf(err, errlen, "folder URL: %s", why);
			else
				snprintf(err, errlen, "folder URL '%s': %s", path, why);
			return NULL;
		}
	} else if (path_normal(path, norm, sizeof(norm)) < 0) {
		snprintf(err, errlen, "folder path '%s': give it without '..'", path);
		return NULL;
	}
	f = &l->f[l->n];
	memset(f, 0, sizeof(*f));
	strcpy(f->path, norm);
	return f;
}

/* Refuses the folder just filled in when another one names the same folder. */
static int folder_unique(const struct folder_list *l, const struct folder *f, char *err,
                         size_t errlen)
{
	char where[PATH_MAX + NAME_MAX + 2];

	for (size_t i = 0; i < l->n; i++)
		if (folder_same(&l->f[i], f)) {
			folder_path(f, where, sizeof(where));
			snprintf(err, errlen, "folder %s is given twice", where);
			return -1;
		}
	return 0;
}

static bool label_taken(const struct folder_list *l, const char *label)
{
	if (strcmp(label, "total") == 0) /* the totals' own prefix */
		return true;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->f[i].label, label) == 0)
			return true;
	return false;
}

/* Lower-case letters, digits and '_' only, so labels never need quoting. */
static void label_from(struct folder_list *l, struct folder *f, const char *base)
{
	char lab[FOLDER_LABEL_MAX + 1];
	size_t n = 0;

	for (const char *p = base; *p && n < FOLDER_LABEL_MAX; p++)
		lab[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	if (n == 0)
		lab[n++] = 'd';
	lab[n] = '\0';
	strcpy(f->label, lab);
	for (int i = 2; label_taken(l, f->label); i++) {
		char sfx[8];
		int k = snprintf(sfx, sizeof(sfx), "_%d", i);
		size_t keep = n + (size_t)k > FOLDER_LABEL_MAX ? FOLDER_LABEL_MAX - (size_t)k : n;
		snprintf(f->label, sizeof(f->label), "%.*s%s", (int)keep, lab, sfx);
	}
}

int folders_add_store(struct folder_list *l, const char *store, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		unsigned roles;
	} std[] = {{"Import", ROLE_UND | ROLE_BACKLOG},
	           {"Export", ROLE_UND | ROLE_BACKLOG},
	           {"Submit", ROLE_BACKLOG}};

	for (size_t i = 0; i < 3; i++) {
		struct folder *f = folder_new(l, store, err, errlen);
		if (f == NULL)
			return -1;
		snprintf(f->name, sizeof(f->name), "%s", std[i].name);
		f->roles = std[i].roles;
		f->in_store = true;
		if (folder_unique(l, f, err, errlen) < 0)
			return -1;
		label_from(l, f, std[i].name);
		l->n++;
	}
	return 0;
}

int folders_add_dir(struct folder_list *l, const char *dir, char *err, size_t errlen)
{
	struct folder *f = folder_new(l, dir, err, errlen);
	const char *base;

	if (f == NULL)
		return -1;
	/* The path is normalised: no trailing slash but the root's own. */
	base = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	if (*base == '\0')
		base = "root";
	snprintf(f->name, sizeof(f->name), "%.*s", (int)sizeof(f->name) - 1, base);
	f->roles = ROLE_UND | ROLE_BACKLOG;
	if (folder_unique(l, f, err, errlen) < 0)
		return -1;
	label_from(l, f, base);
	l->n++;
	return 0;
}

void store_dir_init(struct store_dir *sd)
{
	sd->path = NULL;
	sd->fd = -1;
	sd->err = 0;
}

void store_dir_close(struct store_dir *sd)
{
	if (sd->fd >= 0)
		close(sd->fd);
	store_dir_init(sd);
}

bool folder_same_store(const struct folder *a, const struct folder *b)
{
	return a->in_store && b->in_store && strcmp(a->path, b->path) == 0;
}

/* One pass over the store's entries resolves every folder of l kept in it. */
static int store_list(struct store_dir *sd, const struct folder_list *l, const struct folder *f)
{
	int fd = dup(sd->fd);
	DIR *d;
	const struct dirent *e;

	for (size_t k = 0; k < l->n; k++)
		sd->rc[k] = ENOENT;
	if (fd < 0)
		return errno;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return errno;
	}
	while ((e = readdir(d)) != NULL) {
		for (size_t k = 0; k < l->n; k++) {
			if (!folder_same_store(&l->f[k], f) ||
			    strcasecmp(e->d_name, l->f[k].name) != 0)
				continue;
			sd->rc[k] = sd->rc[k] == ENOENT ? 0 : EEXIST;
			snprintf(sd->name[k], sizeof(sd->name[k]), "%s", e->d_name);
		}
	}
	closedir(d);
	return 0;
}

static void store_dir_open(struct store_dir *sd, const struct folder_list *l,
                           const struct folder *f)
{
	int err;

	store_dir_close(sd);
	sd->path = f->path;
	sd->fd = open(f->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sd->fd < 0) {
		sd->err = errno;
		return;
	}
	err = store_list(sd, l, f);
	if (err != 0) {
		close(sd->fd);
		sd->fd = -1;
		sd->err = err;
	}
}

int folder_open(const struct folder_list *l, size_t i, struct store_dir *sd, int *fd,
                char *resolved, size_t rlen)
{
	const struct folder *f = &l->f[i];
	int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;

	snprintf(resolved, rlen, "%s", f->path);
	if (!f->in_store) {
		*fd = open(f->path, flags);
		return *fd < 0 ? errno : 0;
	}
	if (sd->path == NULL || strcmp(sd->path, f->path) != 0)
		store_dir_open(sd, l, f);
	if (sd->fd < 0)
		return sd->err;
	if (sd->rc[i] != 0) {
		snprintf(resolved, rlen, "%s/%s", f->path, f->name);
		return sd->rc[i];
	}
	snprintf(resolved, rlen, "%s/%s", f->path, sd->name[i]);
	*fd = openat(sd->fd, sd->name[i], flags | O_NOFOLLOW);
	return *fd < 0 ? errno : 0;
}

const char *folder_open_why(const struct folder *f, const char *path, int rc, char *err,
                            size_t errlen)
{
	if (rc == EEXIST)
		snprintf(err, errlen, "%.4000s: two folders match '%.255s' in different case",
		         f->path, f->name);
	else if (rc == ENOTDIR || rc == ELOOP)
		snprintf(err, errlen,
		         "%.4000s: not a folder (a symlink or a file stands in its place)", path);
	else if (rc == EINVAL && strncmp(path, "smb://", 6) == 0)
		/* libsmbclient lists a folder whole at its opening and drops it all when one name
		 * will not convert; it gives neither the name nor the NT status. */
		snprintf(
		    err, errlen,
		    "%.4000s: the server's listing cannot be read: a file name in it that is not "
		    "valid UTF-16 (a lone surrogate, which Windows allows) makes the SMB library "
		    "drop the whole listing: rename that file on the server ('smbclient -c ls' "
		    "fails on the folder the same way) (%s)",
		    path, strerror(rc));
	else
		snprintf(err, errlen, "%.4000s: %s", path, strerror(rc));
	return err;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r; w++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w = *r++;
		}
	}
	*w = '\0';
}

static bool path_under(const char *path, const char *mnt)
{
	size_t n = strlen(mnt);

	if (strcmp(mnt, "/") == 0)
		return true;
	return strncmp(path, mnt, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Finds the mount that holds the canonical path real: its mount point and type. */
static int mount_of(const char *real, char *mnt, size_t mlen, char *type, size_t tlen)
{
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	char line[8192];
	size_t best = 0;

	if (fp == NULL)
		return errno;
	*mnt = '\0';
	while (fgets(line, sizeof(line), fp) != NULL) {
		char point[4096], fstype[64];
		const char *sep = strstr(line, " - ");
		if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		unescape_octal(point);
		/* Later lines stack on earlier ones at the same point, so >= keeps the top. */
		if (path_under(real, point) && strlen(point) >= best) {
			best = strlen(point);
			snprintf(mnt, mlen, "%s", point);
			snprintf(type, tlen, "%s", fstype);
		}
	}
	fclose(fp);
	return *mnt ? 0 : ENOENT;
}

static bool type_listed(const char *type, const char *list)
{
	size_t n = strlen(type);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t k = end ? (size_t)(end - p) : strlen(p);
		if (k == n && strncmp(p, type, n) == 0)
			return true;
		p += k + (end != NULL);
	}
	return false;
}

int mount_check(const char *path, const char *fstypes, bool require_mount, char *err, size_t errlen)
{
	char real[PATH_MAX], mnt[PATH_MAX], type[64];
	int rc;

	if (realpath(path, real) == NULL)
		return errno;
	rc = mount_of(real, mnt, sizeof(mnt), type, sizeof(type));
	if (rc != 0) {
		snprintf(err, errlen,
		         "%s: cannot tell which mount it is on: /proc/self/mountinfo: %s", path,
		         rc == ENOENT ? "no mount holds it" : strerror(rc));
		return MOUNT_LOOKUP_FAILED;
	}
	if (fstypes != NULL && !type_listed(type, fstypes)) {
		snprintf(err, errlen, "%s is on %s (mount %s), not %s: is the share mounted?", path,
		         type, mnt, fstypes);
		return -1;
	}
	if (require_mount && strcmp(mnt, "/") == 0) {
		snprintf(err, errlen,
		         "%s is on the root file system, not a mount: is the share mounted?", path);
		return -1;
	}
	return 0;
}
