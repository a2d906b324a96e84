/* UTF-8 as the three programs judge it: what counts as text in a name. */
#ifndef CCMC_UTF8_H
#define CCMC_UTF8_H

#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence at s (NUL-terminated), or 0 when it is
 * not one: overlong forms, surrogates and values past U+10FFFF are not text.
 */
size_t utf8_len(const unsigned char *s);

#endif
