#include "config.h"

#include "undlist.h"

#include "scan.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lister {
	struct und_list *l;
	bool sizes;
	int err;
};

/* The handler's pick: .und names; their size only when a copy needs it. */
static enum pick und_pick(const char *name, void *ctx)
{
	const struct lister *ls = ctx;

	return !scan_is_und(name) ? PICK_SKIP : ls->sizes ? PICK_STAT : PICK_KIND;
}

static void und_add(struct lister *ls, const char *name, int64_t size)
{
	struct und_list *l = ls->l;

	if (ls->err)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *nn = realloc(l->name, cap * sizeof(*l->name));
		void *ns = nn ? realloc(l->size, cap * sizeof(*l->size)) : NULL;
		if (nn)
			l->name = nn;
		if (!ns) {
			ls->err = ENOMEM;
			return;
		}
		l->size = ns;
		l->cap = cap;
	}
	snprintf(l->name[l->n], sizeof(l->name[0]), "%s", name);
	l->size[l->n++] = size;
	l->bytes += size > 0 ? size : 0;
}

/* Only regular files are moved; each is checked again when it is opened. */
static void und_entry(const struct store_entry *e, void *ctx)
{
	if (e->kind == ENTRY_FILE)
		und_add(ctx, e->name, e->size);
}

/* A name that could not be looked at is still tried, so that its error is reported. */
static void und_lost(const char *name, int err, void *ctx)
{
	if (err != ENOENT)
		und_add(ctx, name, -1);
}

int und_list_folder(const struct store_folder *f, bool sizes, struct und_list *l)
{
	struct lister ls = {l, sizes, 0};
	struct store_lister sl = {und_pick, und_entry, und_lost, &ls};
	int rc;

	memset(l, 0, sizeof(*l));
	rc = folder_list_entries(f, &sl);
	return rc ? rc : ls.err;
}

int und_list_read(int dirfd, bool sizes, struct und_list *l)
{
	struct store_folder f = store_folder_local(dirfd);

	return und_list_folder(&f, sizes, l);
}
