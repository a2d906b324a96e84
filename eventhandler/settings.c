#include "config.h"

#include "settings.h"

#include "command.h"
#include "conffile.h"
#include "duration.h"
#include "inifile.h"
#include "number.h"
#include "authfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void settings_default(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->state_dir = strdup("/var/lib/ccmc-und");
	s->stop_timeout = 10;
	s->start_timeout = 10;
	s->deadline = 25;
	s->max_runs = 3;
	s->window = 3600;
	s->soft_attempt = 3;
}

static int set_string(char **dst, const char *key, const char *value, bool absolute, char *err,
                      size_t errlen)
{
	if (absolute && value[0] != '/') {
		snprintf(err, errlen, "%s: '%s' is not an absolute path", key, value);
		return -1;
	}
	free(*dst);
	*dst = strdup(value);
	return 0;
}

static int set_command(char **dst, const char *key, const char *value, char *err, size_t errlen)
{
	struct command c; /* only to check that it splits */
	char why[128];

	if (command_split(value, &c, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return set_string(dst, key, value, false, err, errlen);
}

/* Each duration has a bound that keeps the clock arithmetic far from overflow. */
static int set_duration(int64_t *dst, const char *key, const char *value, int64_t max, char *err,
                        size_t errlen)
{
	char why[128] = "", m[DURATION_BUFLEN];
	int64_t v = 0;

	if (duration_parse(value, &v, why, sizeof(why)) < 0)
		snprintf(err, errlen, "%s: %s", key, why);
	else if (v <= 0 || v > max)
		snprintf(err, errlen, "%s: '%s' is out of range: give 1s to %s", key, value,
		         duration_format(max, m, sizeof(m)));
	else {
		*dst = v;
		return 0;
	}
	return -1;
}

static int set_count(long *dst, const char *key, const char *value, long max, char *err,
                     size_t errlen)
{
	int64_t v;

	if (number_parse(value, strlen(value), 1, max, &v) == 0) {
		*dst = (long)v;
		return 0;
	}
	snprintf(err, errlen, "%s: '%s' is not a whole number from 1 to %ld", key, value, max);
	return -1;
}

static int add_folder(struct settings *s, const char *key, const char *value, bool from_cli,
                      char *err, size_t errlen)
{
	if (from_cli && !s->folders_from_cli) {
		s->folders.n = 0;
		s->folders_from_cli = true;
	}
	return key[0] == 's' ? folders_add_store(&s->folders, value, err, errlen)
	                     : folders_add_dir(&s->folders, value, err, errlen);
}

/* A flag: given on the command line with no value, or in the file as "key =". */
static int set_flag(bool *dst, const char *key, const char *value, char *err, size_t errlen)
{
	if (value && value[0]) {
		snprintf(err, errlen, "'%s' is a flag: write '%s =' with no value", key, key);
		return -1;
	}
	*dst = true;
	return 0;
}

/* The SMB settings (smbopts.h). Returns 1 when key is not one of them. */
static int smb_setting(struct settings *s, const char *key, const char *value, char *err,
                       size_t errlen)
{
	enum smb_option which = smb_option_named(key);
	char *copy = NULL;

	if (which == SMB_OPT_COUNT)
		return 1;
	if (value && !(copy = strdup(value))) {
		snprintf(err, errlen, "%s: out of memory", key);
		return -1;
	}
	if (smb_opts_set(&s->smb, which, copy, err, errlen) < 0) {
		free(copy);
		return -1;
	}
	free(s->smb_owned[which]);
	s->smb_owned[which] = copy;
	return 0;
}

int setting_apply(struct settings *s, const char *key, const char *value, bool from_cli, char *err,
                  size_t errlen)
{
	int rc;

	err[0] = '\0';
	if ((rc = smb_setting(s, key, value, err, errlen)) <= 0)
		return rc;
	if (strcmp(key, "quarantine-require-mount") == 0)
		return set_flag(&s->quarantine_require_mount, key, value, err, errlen);
	if (!value) {
		snprintf(err, errlen, "%s: needs a value", key);
		return -1;
	}
	if (strcmp(key, "store") == 0 || strcmp(key, "dir") == 0)
		return add_folder(s, key, value, from_cli, err, errlen);
	if (strcmp(key, "quarantine") == 0)
		return set_string(&s->quarantine, key, value, true, err, errlen);
	if (strcmp(key, "state-dir") == 0)
		return set_string(&s->state_dir, key, value, true, err, errlen);
	if (strcmp(key, "stop-cmd") == 0)
		return set_command(&s->stop_cmd, key, value, err, errlen);
	if (strcmp(key, "start-cmd") == 0)
		return set_command(&s->start_cmd, key, value, err, errlen);
	if (strcmp(key, "status-cmd") == 0)
		return set_command(&s->status_cmd, key, value, err, errlen);
	if (strcmp(key, "stop-timeout") == 0)
		return set_duration(&s->stop_timeout, key, value, SETTING_TIMEOUT_MAX, err, errlen);
	if (strcmp(key, "start-timeout") == 0)
		return set_duration(&s->start_timeout, key, value, SETTING_TIMEOUT_MAX, err,
		                    errlen);
	if (strcmp(key, "deadline") == 0)
		return set_duration(&s->deadline, key, value, SETTING_DEADLINE_MAX, err, errlen);
	if (strcmp(key, "window") == 0)
		return set_duration(&s->window, key, value, SETTING_WINDOW_MAX, err, errlen);
	if (strcmp(key, "max-runs") == 0)
		return set_count(&s->max_runs, key, value, 64, err, errlen);
	if (strcmp(key, "soft-attempt") == 0)
		return set_count(&s->soft_attempt, key, value, 100000, err, errlen);
	snprintf(err, errlen, "unknown setting '%s'", key);
	return -1;
}

static int on_key(void *ctx, const char *section, const char *key, const char *value, char *err,
                  size_t errlen)
{
	/* Every section line, "[]" too, is refused where it stands, before any key under it. */
	if (!key || section[0]) {
		snprintf(err, errlen, "sections are not used ('[%s]')", section);
		return -1;
	}
	return setting_apply(ctx, key, value, false, err, errlen);
}

int config_load(const char *path, struct settings *s, char *err, size_t errlen)
{
	char why[512];
	FILE *f = conffile_open(path, err, errlen);
	int rc;

	if (!f)
		return -1;
	rc = inifile_read(f, on_key, s, why, sizeof(why));
	fclose(f);
	if (rc == 0)
		return 0;
	if (rc > 0)
		snprintf(err, errlen, "config %s, line %d: %s", path, rc, why);
	else
		snprintf(err, errlen, "config %s: %s", path, why);
	return -1;
}

void settings_free(struct settings *s)
{
	free(s->quarantine);
	free(s->state_dir);
	free(s->stop_cmd);
	free(s->start_cmd);
	free(s->status_cmd);
	for (int i = 0; i < SMB_OPT_COUNT; i++)
		free(s->smb_owned[i]);
	s->quarantine = s->state_dir = s->stop_cmd = s->start_cmd = s->status_cmd = NULL;
	memset(s->smb_owned, 0, sizeof(s->smb_owned));
	s->smb = (struct smb_opts){0};
}

bool settings_unset(const struct settings *s)
{
	return s->folders.n == 0 && !s->stop_cmd && !s->start_cmd && !s->status_cmd;
}

int settings_check(const struct settings *s, char *err, size_t errlen)
{
	if (s->folders.n == 0)
		snprintf(err, errlen, "no folders: give -R STORE or -d DIR");
	else if (!s->quarantine)
		snprintf(err, errlen, "no quarantine folder: give -Q DIR");
	else if (!s->stop_cmd || !s->start_cmd || !s->status_cmd)
		snprintf(err, errlen, "the stop, start and status commands are all needed");
	else if (s->stop_timeout + s->start_timeout >= s->deadline)
		snprintf(err, errlen,
		         "the deadline must be longer than the stop and start time-outs together");
	else
		return authfile_check(s->smb.authfile, err, errlen);
	return -1;
}
