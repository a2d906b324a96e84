#include "config.h"

#include "fetched.h"

#include "clock.h"
#include "fetchlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long recovery waits for each answer of the server. */
#define RECHECK_WAIT_MS 5000

/* One whole line of fetched.tsv, in place; false for one cut short or malformed. */
static bool parse_fetched(char *line, struct fetched_rec *r)
{
	struct fetchlog_entry e;

	if (!fetchlog_parse(line, &e))
		return false;
	r->folder = e.folder;
	r->name = e.name;
	r->attr = (struct smb_attr){0, e.size, e.mtime, e.ctime, e.id};
	return true;
}

void fetched_load(int runfd, struct fetched_log *log)
{
	struct stat st;
	int fd = openat(runfd, FETCHLOG_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t cap = 0;

	memset(log, 0, sizeof(*log));
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || st.st_size > 256 * 1024 * 1024 ||
	    !(log->text = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return;
	}
	ssize_t got = pread(fd, log->text, (size_t)st.st_size, 0);
	close(fd);
	log->text[got > 0 ? got : 0] = '\0';
	/* Only lines ended by a newline: a kill may have cut the last one. */
	for (char *p = log->text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		if (log->n == cap) {
			cap = cap ? cap * 2 : 256;
			void *v = realloc(log->rec, cap * sizeof(*log->rec));
			if (!v)
				return;
			log->rec = v;
		}
		log->n += parse_fetched(p, &log->rec[log->n]);
	}
}

void fetched_free(struct fetched_log *log)
{
	free(log->rec);
	free(log->text);
	memset(log, 0, sizeof(*log));
}

int fetched_recheck(const struct move_src *src, const struct fetched_log *log, const char *name,
                    int64_t deadline_ms)
{
	const struct smb_attr *a = NULL;
	struct smb_del_answer ans;

	for (size_t i = 0; i < log->n && !a; i++)
		if (strcmp(log->rec[i].name, name) == 0 &&
		    strcmp(log->rec[i].folder, src->path) == 0)
			a = &log->rec[i].attr;
	/* Never recorded, so never asked to be deleted: the copy is kept, a duplicate at worst. */
	if (!a)
		return 0;
	int64_t until = mono_ms() + RECHECK_WAIT_MS;
	if (deadline_ms && until > deadline_ms)
		until = deadline_ms;
	if (until <= mono_ms())
		return -1;
	src->smb->until_ms = until;
	if (smb_del(src->smb, src->path, name, a, &ans) < 0)
		return -1;
	switch (smb_del_outcome(&ans)) {
	case DEL_REMOVED:
	case DEL_CHANGED: return 0;
	case DEL_REFUSED: return 1;
	default: return -1;
	}
}
