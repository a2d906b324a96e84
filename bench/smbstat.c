/*
 * What a lister without readdirplus2 pays: each name of an SMB folder, then
 * one smbc_stat per name, as a stat-per-file tool does. make bench sets it
 * against check_ccmc_und over smb://.
 * Usage: smbstat AUTHFILE PROTOCOL|- URL
 */
#include "config.h"

#include <libsmbclient.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char user[512], pass[512];

static void auth(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen, char *un,
                 int unlen, char *pw, int pwlen)
{
	(void)c, (void)srv, (void)shr, (void)wg, (void)wglen;
	snprintf(un, (size_t)unlen, "%s", user);
	snprintf(pw, (size_t)pwlen, "%s", pass);
}

static void read_auth(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "username = ", 11))
			snprintf(user, sizeof(user), "%s", line + 11);
		if (!strncmp(line, "password = ", 11))
			snprintf(pass, sizeof(pass), "%s", line + 11);
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	char path[4096];
	struct stat st;
	long n = 0, bytes = 0;

	if (argc != 4)
		return 2;
	read_auth(argv[1]);
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
