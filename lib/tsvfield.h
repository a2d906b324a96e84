/*
 * One field of a tab-separated line, as the manifest and the journal write
 * them: any name or path, escaped so that it can hold neither a tab nor a
 * newline, and read back byte for byte.
 */
#ifndef CCMC_TSVFIELD_H
#define CCMC_TSVFIELD_H

#include <stddef.h>

/*
 * Escapes s into one field: a backslash becomes "\\"; tab, newline, other
 * control bytes, DEL and bytes that are not valid UTF-8 become "\xNN".
 * Valid UTF-8 stays as it is, so names read naturally. Returns the length,
 * or -1 when dst is too small.
 */
int field_escape(const char *s, char *dst, size_t len);

/* Reverses field_escape over n bytes of f. Returns the length, or -1. */
int field_unescape(const char *f, size_t n, char *dst, size_t len);

#endif
