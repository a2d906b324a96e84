/*
 * What a lister without readdirplus2 pays: each name of an SMB folder, then
 * one smbc_stat per name, as a stat-per-file tool does. make bench sets it
 * against check_ccmc_und over smb://.
 * Usage: smbstat AUTHFILE PROTOCOL|- URL
 */
#include "config.h"

#include "authfile.h"

#include <libsmbclient.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct smb_auth cred;

static void auth(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen, char *un,
                 int unlen, char *pw, int pwlen)
{
	(void)c, (void)srv, (void)shr, (void)wg, (void)wglen;
	snprintf(un, (size_t)unlen, "%s", cred.username);
	snprintf(pw, (size_t)pwlen, "%s", cred.password);
}

int main(int argc, char **argv)
{
	char path[4096];
	struct stat st;
	long n = 0, bytes = 0;

	char err[4096 + 256];

	if (argc != 4)
		return 2;
	if (authfile_read(argv[1], &cred, err, sizeof(err)) < 0) {
		fprintf(stderr, "smbstat: %s\n", err);
		return 1;
	}
	SMBCCTX *c = smbc_new_context();
	smbc_setFunctionAuthDataWithContext(c, auth);
	if (strcmp(argv[2], "-") != 0)
		smbc_setOptionProtocols(c, argv[2], argv[2]);
	if (!smbc_init_context(c))
		return 1;
	smbc_set_context(c);
	int dh = smbc_opendir(argv[3]);
	if (dh < 0)
		return 1;
	for (struct smbc_dirent *d; (d = smbc_readdir((unsigned)dh));) {
		if (d->smbc_type != SMBC_FILE)
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[3], d->name);
		if (smbc_stat(path, &st) == 0) {
			n++;
			bytes += st.st_size;
		}
	}
	smbc_closedir(dh);
	printf("%ld files, %ld bytes\n", n, bytes);
	return 0;
}
