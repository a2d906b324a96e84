/*
 * The hash queue of the same-file-system path. Files renamed into the run
 * folder are hashed from there by a second thread while the renames go on,
 * and by the calling thread as well once the connector runs again, so that
 * the connector waits for the renames only, not for the SHA-256 of every
 * byte. The items keep what each manifest line needs.
 */
#ifndef CCMC_HASHQ_H
#define CCMC_HASHQ_H

#include "manifest.h"
#include "mover.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct hashq_item {
	const struct move_src *src;
	int sub;          /* the run folder's mirror of src, open until the queue is done */
	const char *name; /* in the source's listing, which outlives the queue */
	size_t index;     /* of src, for the per-folder counts */
	unsigned suffix;  /* it lies in sub as name, or as name~suffix */
	dev_t dev;        /* the inode opened before the rename: the one to hash */
	ino_t ino;
	int64_t mtime, opened_size;
	struct timespec opened_mtim; /* as looked at before the rename (its ctime moves then) */
	int64_t size;                /* as hashed */
	int err;                     /* from hashing; 0 when sha holds the digest */
	bool swapped; /* another entry took the name between the open and the rename */
	bool written; /* its size or times moved between the look and the end of its hash */
	char sha[SHA256_HEX];
};

struct hashq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	struct hashq_item *item;
	size_t cap;       /* items allocated: every file the run may rename */
	size_t published; /* items filled in and ready to hash */
	size_t next;      /* the next item to claim */
	int64_t until_ms; /* monotonic: no hash goes on past it (ETIMEDOUT); 0 for never */
	bool closed, waiting, running;
};

/* Allocates room for cap items and starts the hash thread. Returns 0 or an errno. */
int hashq_start(struct hashq *q, size_t cap, int64_t until_ms);

/* The item to fill in next, or NULL when all cap are taken; hashq_publish hands it over. */
struct hashq_item *hashq_slot(struct hashq *q);
void hashq_publish(struct hashq *q);

/* Hashes what is left, in the calling thread beside the hash thread, and joins it. */
void hashq_finish(struct hashq *q);

/* The final name of an item ("x.und" or "x.und~2"). */
void hashq_final(const struct hashq_item *it, char *final, size_t len);

void hashq_free(struct hashq *q);

#endif
