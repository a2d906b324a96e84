/* Whole writes to a descriptor: the one loop for a short write or EINTR. */
#ifndef CCMC_FDIO_H
#define CCMC_FDIO_H

#include <stddef.h>

/*
 * Writes all n bytes of p to fd, again after a short write or EINTR.
 * Returns 0, or the errno of the write that failed (EIO for one that wrote
 * nothing); *done, when given, says how many bytes went out.
 */
int write_full(int fd, const void *p, size_t n, size_t *done);

#endif
