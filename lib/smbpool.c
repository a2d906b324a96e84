#include "config.h"

#include "smbpool.h"

#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

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
