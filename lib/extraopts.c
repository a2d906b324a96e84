#include "config.h"

#include "extraopts.h"

#include "conffile.h"
#include "inifile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLAG "--extra-opts"

int extra_opts_spec_parse(const char *arg, const char *section_default, const char *file_default,
                          struct extra_opts_spec *spec, char *err, size_t errlen)
{
	const char *at = strchr(arg, '@');
	size_t slen = at ? (size_t)(at - arg) : strlen(arg);
	const char *file = at ? at + 1 : file_default;
	const char *section = slen ? arg : section_default;

	if (at && !*file) {
		snprintf(err, errlen, "--extra-opts '%s': no file after '@'", arg);
		return -1;
	}
	if (slen == 0)
		slen = strlen(section);
	if (slen >= sizeof(spec->section) || strlen(file) >= sizeof(spec->file)) {
		snprintf(err, errlen, "--extra-opts: the section or file name is too long");
		return -1;
	}
	memcpy(spec->section, section, slen);
	spec->section[slen] = '\0';
	strcpy(spec->file, file);
	return 0;
}

struct reader {
	const struct extra_opts_spec *spec;
	const struct option *longopts;
	char ***args;
	int *nargs;
	bool seen;
};

static const struct option *option_named(const struct option *o, const char *name)
{
	for (; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static int append(struct reader *r, const char *key, const char *value, char *why, size_t wlen)
{
	size_t len = strlen(key) + strlen(value) + 4;
	char **grown = realloc(*r->args, (size_t)(*r->nargs + 2) * sizeof(char *));
	char *s = malloc(len);

	if (grown)
		*r->args = grown;
	if (!grown || !s) {
		free(s);
		snprintf(why, wlen, "out of memory");
		return -1;
	}
	snprintf(s, len, value[0] ? "--%s=%s" : "--%s", key, value);
	(*r->args)[(*r->nargs)++] = s;
	(*r->args)[*r->nargs] = NULL;
	return 0;
}

/* Checks one key of the section asked for against the program's options before taking it. */
static int on_key(void *ctx, const char *section, const char *key, const char *value, char *why,
                  size_t wlen)
{
	struct reader *r = ctx;
	const struct option *o;

	if (strcmp(section, r->spec->section) != 0)
		return 0;
	r->seen = true; /* a section of comments only is no error: nothing is set */
	if (!key)
		return 0;
	o = option_named(r->longopts, key);
	if (!o)
		snprintf(why, wlen, "'%s' is not an option of this program", key);
	else if (o->val == 'h' || o->val == 'V')
		snprintf(why, wlen, "'%s' is not a setting: a file cannot ask for it", key);
	else if (o->has_arg == required_argument && !value[0])
		snprintf(why, wlen, "'%s' needs a value", key);
	else if (o->has_arg == no_argument && value[0])
		snprintf(why, wlen, "'%s' is a flag: write '%s =' with no value", key, key);
	else
		return append(r, key, value, why, wlen);
	return -1;
}

/*
 * Appends spec's section to *args as "--key=value" ("--key" for a flag),
 * each key checked against longopts. Returns 0, or -1 with err naming the file.
 */
static int read_section(const struct extra_opts_spec *spec, const struct option *longopts,
                        char ***args, int *nargs, char *err, size_t errlen)
{
	struct reader r = {spec, longopts, args, nargs, false};
	FILE *f = conffile_open(spec->file, err, errlen);
	char why[512];
	int rc;

	if (!f)
		return -1;
	rc = inifile_read(f, on_key, &r, why, sizeof(why));
	fclose(f);
	if (rc > 0)
		snprintf(err, errlen, "config %s, line %d: %s", spec->file, rc, why);
	else if (rc < 0)
		snprintf(err, errlen, "config %s: %s", spec->file, why);
	else if (!r.seen)
		snprintf(err, errlen, "config %s: no section [%s]", spec->file, spec->section);
	return rc == 0 && r.seen ? 0 : -1;
}

static void free_args(char **args, int n)
{
	for (int i = 1; i < n; i++)
		free(args[i]);
	free(args);
}

static bool is_flag(const char *a)
{
	return strncmp(a, FLAG, strlen(FLAG)) == 0 &&
	       (a[strlen(FLAG)] == '\0' || a[strlen(FLAG)] == '=');
}

int extra_opts_expand(int argc, char **argv, const struct option *longopts,
                      const char *section_default, const char *file_default, int *argc_out,
                      char ***argv_out, char *err, size_t errlen)
{
	struct extra_opts_spec spec;
	char **out = calloc(2, sizeof(char *));
	int n = 1, i, end;
	bool any = false;

	if (!out)
		goto oom;
	for (end = 1; end < argc && strcmp(argv[end], "--") != 0; end++)
		;
	out[0] = argv[0];
	for (i = 1; i < end; i++) {
		const char *a = argv[i];
		if (!is_flag(a))
			continue;
		a += strlen(FLAG) + (a[strlen(FLAG)] == '=');
		any = true;
		if (extra_opts_spec_parse(a, section_default, file_default, &spec, err, errlen) ||
		    read_section(&spec, longopts, &out, &n, err, errlen)) {
			free_args(out, n);
			return -1;
		}
	}
	if (!any) {
		free(out);
		*argc_out = argc;
		*argv_out = argv;
		return 0;
	}
	char **all = realloc(out, (size_t)(n + argc + 1) * sizeof(char *));
	if (!all) {
		free_args(out, n);
		goto oom;
	}
	for (i = 1; i < argc; i++)
		if (i >= end || !is_flag(argv[i]))
			all[n++] = argv[i];
	all[n] = NULL;
	*argc_out = n;
	*argv_out = all;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

void extra_opts_free(char **args, int argc, char **argv)
{
	if (!args || args == argv)
		return;
	for (size_t i = 1; args[i]; i++) {
		bool from_argv = false;
		for (int k = 1; k < argc && !from_argv; k++)
			from_argv = args[i] == argv[k];
		if (!from_argv)
			free(args[i]);
	}
	free(args);
}
