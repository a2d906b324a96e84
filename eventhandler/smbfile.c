#include "config.h"

#include "smbfile.h"

#include "smbwire.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

	if (smb_take(s, &type, 1) < 0)
		return smb_session_failed(s, 0);
	if (type != SMBWIRE_ATTR)
		return smb_session_failed(s, type);
	if (smb_take(s, &a->err, sizeof(a->err)) < 0 || smb_take(s, v, sizeof(v)) < 0)
		return smb_session_failed(s, 0);
	a->size = v[0], a->mtime = v[1], a->ctime = v[2], a->id = v[3];
	return 0;
}

static int take_end(struct smb_session *s)
{
	char type;

	if (smb_take(s, &type, 1) < 0)
		return smb_session_failed(s, 0);
	return type == SMBWIRE_END ? 0 : smb_session_failed(s, type);
}

/* Sends "PREFIX HEXNAME FOLDER": 0, ENAMETOOLONG (not sent, no answer due), or -1. */
static int ask_file(struct smb_session *s, const char *prefix, const char *folder, const char *name)
{
	static char line[2 * PATH_MAX + 1024];
	size_t o = (size_t)snprintf(line, sizeof(line), "%s", prefix);

	if (o >= sizeof(line) || file_arg(line + o, sizeof(line) - o - 1, folder, name) < 0)
		return ENAMETOOLONG;
	strcat(line, "\n");
	if (smb_request(s, line, strlen(line)) < 0)
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
		if (smb_take(s, &type, 1) < 0)
			return smb_session_failed(s, 0);
		if (type == SMBWIRE_ATTR) {
			s->off--;
			break;
		}
		if (type != SMBWIRE_BYTES || smb_take(s, &n, sizeof(n)) < 0 || n > sizeof(piece) ||
		    smb_take(s, piece, n) < 0)
			return smb_session_failed(s, type == SMBWIRE_BYTES ? 0 : type);
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
		if (smb_take(s, &type, 1) < 0)
			return smb_session_failed(s, 0);
		if (type != SMBWIRE_UNLINK)
			return smb_session_failed(s, type);
		if (smb_take(s, &a->unlink, sizeof(a->unlink)) < 0 ||
		    smb_take(s, &a->intact, sizeof(a->intact)) < 0)
			return smb_session_failed(s, 0);
	}
	return take_end(s);
}

int smb_drain(struct smb_session *s)
{
	char type;

	for (; s->pending > 0; s->pending--)
		do {
			if (s->fatal[0] || smb_take(s, &type, 1) < 0 ||
			    (type != SMBWIRE_END && smb_skip_record(s, type) < 0))
				return smb_session_failed(s, 0);
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

enum smb_del_outcome smb_del_outcome(const struct smb_del_answer *a)
{
	if (a->check == ENOENT)
		return DEL_REMOVED;
	if (a->check == ESTALE)
		return DEL_CHANGED;
	if (a->check != 0)
		return DEL_UNKNOWN;
	if (a->unlink == 0 || a->unlink == ENOENT)
		return DEL_REMOVED;
	return a->intact ? DEL_REFUSED : DEL_UNKNOWN;
}
