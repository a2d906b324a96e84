#include "config.h"

#include "smblib.h"

#include <dlfcn.h>
#include <stdio.h>

#define SMBLIB_SONAME "libsmbclient.so.0"

int smblib_load(struct smblib *l, char *err, size_t len)
{
	void *h = dlopen(SMBLIB_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(err, len, "cannot load %s (install libsmbclient): %s", SMBLIB_SONAME,
		         dlerror());
		return -1;
	}
	/* POSIX's way to take a function from dlsym: through a void * of the same size. */
#define SMBLIB_SYMBOL(name)                                                                        \
	if (!(*(void **)&l->name = dlsym(h, "smbc_" #name))) {                                     \
		snprintf(err, len, "%s has no smbc_%s", SMBLIB_SONAME, #name);                     \
		return -1;                                                                         \
	}
	SMBLIB_FUNCTIONS(SMBLIB_SYMBOL)
#undef SMBLIB_SYMBOL
	return 0;
}
