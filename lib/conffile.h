/*
 * Opening a config file only when it can be trusted: a file that others can
 * write could name other commands to run, or quietly change what is alarmed on.
 */
#ifndef CCMC_CONFFILE_H
#define CCMC_CONFFILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Opens path for reading if it is a regular file owned by root or by the
 * effective user and writable by neither group nor others. Returns the
 * stream, or NULL with a message naming the path in err.
 */
FILE *conffile_open(const char *path, char *err, size_t errlen);

/*
 * The same for a file holding a password, which others may not read either,
 * as a descriptor: a stdio stream's buffer would keep a copy of the secret
 * that no one wipes. Returns the descriptor, or -1 with err.
 */
int secretfile_open(const char *path, char *err, size_t errlen);

#endif
