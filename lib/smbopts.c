#include "config.h"

#include "smbopts.h"

#include "smburl.h"

#include <stdio.h>
#include <string.h>

#define SMB_OPT_ROW(id, name, has_arg, letter) {name, has_arg, letter},
static const struct {
	const char *name;
	int has_arg;
	char letter;
} smb_options[SMB_OPT_COUNT] = {SMB_OPTIONS(SMB_OPT_ROW)};

enum smb_option smb_option_named(const char *name)
{
	int i = 0;

	while (i < SMB_OPT_COUNT && strcmp(smb_options[i].name, name) != 0)
		i++;
	return (enum smb_option)i;
}

enum smb_option smb_option_of(int opt, int base)
{
	for (int i = 0; i < SMB_OPT_COUNT; i++)
		if (smb_options[i].letter ? opt == smb_options[i].letter : opt == base + i)
			return (enum smb_option)i;
	return SMB_OPT_COUNT;
}

/* A relative auth file would name another file once the subagent has changed to /. */
int smb_opts_set(struct smb_opts *o, enum smb_option which, const char *arg, char *err,
                 size_t errlen)
{
	const char *name = smb_options[which].name;
	bool flag = smb_options[which].has_arg == no_argument;

	if (flag && arg && arg[0]) {
		snprintf(err, errlen, "'%s' is a flag: write '%s =' with no value", name, name);
		return -1;
	}
	if (!flag && (!arg || !arg[0])) {
		snprintf(err, errlen, "%s: give a value", name);
		return -1;
	}
	switch (which) {
	case SMB_OPT_KERBEROS: o->kerberos = true; return 0;
	case SMB_OPT_PROTOCOL:
		if (smb_protocol_check(arg, err, errlen) < 0)
			return -1;
		o->protocol = arg;
		return 0;
	case SMB_OPT_AUTHFILE:
		if (arg[0] != '/') {
			snprintf(err, errlen, "%s: '%s' is not an absolute path", name, arg);
			return -1;
		}
		o->authfile = arg;
		return 0;
	default: return -1;
	}
}
