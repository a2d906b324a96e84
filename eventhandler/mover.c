#include "config.h"

#include "mover.h"

#include "move_local.h"
#include "move_smb.h"
#include "runfolder.h"

int move_folder(struct mover *m, size_t index, const struct move_src *src, const struct und_list *l)
{
	m->st.found += (int64_t)l->n;
	if (l->n == 0)
		return 0;
	if (src->smb)
		return move_smb_folder(m, index, src, l);
	return move_local_folder(m, index, src, l);
}

void mover_init(struct mover *m, const char *qpath)
{
	runfolder_name(m, qpath);
}

int mover_begin(struct mover *m, int qfd)
{
	return runfolder_make(m, qfd);
}

int mover_reopen(struct mover *m, const char *run_path)
{
	return runfolder_reopen(m, run_path);
}

void mover_end(struct mover *m)
{
	move_local_hashed(m);
	runfolder_close(m);
	if (m->on_progress)
		m->on_progress(&m->st, true, m->progress_ctx);
}

void mover_discard(struct mover *m, int qfd)
{
	mover_end(m);
	runfolder_remove(m, qfd);
}
