#include "config.h"

#include "hashq.h"

#include "files.h"
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

void hashq_final(const struct hashq_item *it, char *final, size_t len)
{
	if (it->suffix == 0)
		snprintf(final, len, "%s", it->name);
	else
		snprintf(final, len, "%s~%u", it->name, it->suffix);
}

/* The entry at final is not the inode looked at before the rename. */
static bool not_ours(const struct hashq_item *it, const struct stat *st)
{
	return !S_ISREG(st->st_mode) || st->st_dev != it->dev || st->st_ino != it->ino;
}

/*
 * Hashes one renamed file from the run folder, which is where the check
 * that the entry renamed is the inode looked at is made: between the look
 * and the rename, someone may have given the name to a symlink, a socket or
 * another file. Such an item is marked swapped, and the mover puts the entry
 * back. The inode is checked before the open (an open may fail on what was
 * swapped in) and again on the descriptor. A failure with the right inode is
 * the item's err: the file stays quarantined, its line left to recovery.
 */
/*
 * A file being written while it is moved: its size or write time moved
 * since it was looked at before the rename, or its size or times moved
 * while it was hashed. The hash is then not the file's.
 */
static bool written_meanwhile(const struct hashq_item *it, int fd, const struct stat *before)
{
	struct stat after;

	return before->st_size != it->opened_size || !same_time(before->st_mtim, it->opened_mtim) ||
	       fstat(fd, &after) < 0 || after.st_size != before->st_size ||
	       after.st_size != it->size || !same_time(after.st_mtim, before->st_mtim) ||
	       !same_time(after.st_ctim, before->st_ctim);
}

static void hash_item(const struct hashq *q, struct hashq_item *it)
{
	char final[NAME_MAX + 8];
	struct stat st;

	hashq_final(it, final, sizeof(final));
	if (fstatat(it->sub, final, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		it->err = errno;
		return;
	}
	if (not_ours(it, &st)) {
		it->swapped = true;
		return;
	}
	int fd = openat(it->sub, final, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		it->err = errno;
		it->swapped = errno == ELOOP;
		return;
	}
	if (fstat(fd, &st) < 0)
		it->err = errno;
	else if (not_ours(it, &st))
		it->swapped = true;
	else if (!(it->err = sha256_fd(fd, it->sha, &it->size, q->until_ms)))
		it->written = written_meanwhile(it, fd, &st);
	close(fd);
}

/* Claims the next published item; NULL once the queue is closed and every item claimed. */
static struct hashq_item *claim(struct hashq *q)
{
	struct hashq_item *it = NULL;

	pthread_mutex_lock(&q->mu);
	while (q->next == q->published && !q->closed) {
		q->waiting = true;
		pthread_cond_wait(&q->cv, &q->mu);
	}
	if (q->next < q->published)
		it = &q->item[q->next++];
	pthread_mutex_unlock(&q->mu);
	return it;
}

static void *hash_worker(void *arg)
{
	struct hashq *q = arg;

	for (struct hashq_item *it; (it = claim(q));)
		hash_item(q, it);
	return NULL;
}

int hashq_start(struct hashq *q, size_t cap, int64_t until_ms)
{
	*q = (struct hashq){.cap = cap, .until_ms = until_ms};
	q->item = calloc(cap ? cap : 1, sizeof(*q->item));
	if (!q->item)
		return ENOMEM;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	int err = pthread_create(&q->thread, NULL, hash_worker, q);
	if (err)
		return err;
	q->running = true;
	return 0;
}

struct hashq_item *hashq_slot(struct hashq *q)
{
	return q->published < q->cap ? &q->item[q->published] : NULL;
}

/* The lock is taken per file: uncontended, it costs far less than the rename beside it. */
void hashq_publish(struct hashq *q)
{
	pthread_mutex_lock(&q->mu);
	q->published++;
	if (q->waiting) {
		q->waiting = false;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
}

void hashq_finish(struct hashq *q)
{
	if (!q->running)
		return;
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (struct hashq_item *it; (it = claim(q));)
		hash_item(q, it);
	pthread_join(q->thread, NULL);
	q->running = false;
}

void hashq_free(struct hashq *q)
{
	hashq_finish(q);
	if (q->item) {
		pthread_cond_destroy(&q->cv);
		pthread_mutex_destroy(&q->mu);
	}
	free(q->item);
	q->item = NULL;
}
