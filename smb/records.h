/*
 * The SMB helper's records (lib/smbwire.h), buffered and written on a
 * descriptor of their own, so that nothing libsmbclient prints can pass for
 * one.
 */
#ifndef CCMC_RECORDS_H
#define CCMC_RECORDS_H

#include "backend.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Records go to fd from now on. */
void rec_init(int fd);

void rec_put(const void *p, size_t n);

/* A u16 length and the text (cut at 65535 bytes). */
void rec_text(const char *s);

/* A record that is a type and an i32: 'D', 'U', or the head of 'O'. */
void rec_code(char type, int32_t err);

/* 'E': one entry of the folder opened. */
void rec_entry(enum entry_kind k, int64_t size, int64_t mtime, const char *name);

/* The nanoseconds since 1970 a record carries for t, clamped to int64 (1678 to 2262). */
int64_t rec_ns(const struct timespec *t);

/* 'A': err, and when it is 0, the size, write time, change time and file ID of st. */
void rec_attr(int32_t err, const struct stat *st);

/* 'X': the server could not be used, and why. */
void rec_fatal(const char *msg);

/* Writes out what is buffered; exits 3 when the reader is gone. */
void rec_flush(void);

#endif
