/*
 * libsmbclient, loaded by the SMB helper only when it is needed: for what
 * the helper's own lister (smbls) does not do, and for the handler's get
 * and del. A listing then costs no 40-odd ms of loading 60 libraries and
 * no 15 MB of them in memory.
 */
#ifndef CCMC_SMBLIB_H
#define CCMC_SMBLIB_H

#include <libsmbclient.h>
#include <stddef.h>

/* The library's functions the helper calls, by their names without "smbc_". */
#define SMBLIB_FUNCTIONS(X)                                                                        \
	X(new_context)                                                                             \
	X(init_context)                                                                            \
	X(set_context)                                                                             \
	X(setTimeout)                                                                              \
	X(setOptionUseKerberos)                                                                    \
	X(setOptionFallbackAfterKerberos)                                                          \
	X(setOptionNoAutoAnonymousLogin)                                                           \
	X(setOptionUseCCache)                                                                      \
	X(setOptionProtocols)                                                                      \
	X(setFunctionAuthDataWithContext)                                                          \
	X(getFunctionPurgeCachedServers)                                                           \
	X(opendir)                                                                                 \
	X(readdirplus2)                                                                            \
	X(closedir)                                                                                \
	X(open)                                                                                    \
	X(read)                                                                                    \
	X(close)                                                                                   \
	X(fstat)                                                                                   \
	X(stat)                                                                                    \
	X(unlink)

struct smblib {
#define SMBLIB_FIELD(name) __typeof__(smbc_##name) *name;
	SMBLIB_FUNCTIONS(SMBLIB_FIELD)
#undef SMBLIB_FIELD
};

/* Loads the library into l. Returns 0, or -1 with the reason in err. */
int smblib_load(struct smblib *l, char *err, size_t len);

#endif
