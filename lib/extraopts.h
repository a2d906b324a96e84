/*
 * --extra-opts=[SECTION][@FILE], as the Monitoring Plugins define it: the
 * keys of one section of an ini file become long options, placed before
 * the command line's. Each program then parses them with its own getopt
 * table, so a file and a command line can never be read two ways, and a
 * single-valued option given on the command line wins over the file.
 */
#ifndef CCMC_EXTRAOPTS_H
#define CCMC_EXTRAOPTS_H

#include <getopt.h>
#include <stddef.h>

struct extra_opts_spec {
	char section[128];
	char file[4096];
};

/*
 * Splits the argument of --extra-opts ("", "SECTION", "@FILE",
 * "SECTION@FILE") with the defaults for the parts left out. Returns 0, or
 * -1 with a message in err.
 */
int extra_opts_spec_parse(const char *arg, const char *section_default, const char *file_default,
                          struct extra_opts_spec *spec, char *err, size_t errlen);

/*
 * Rewrites argv: every --extra-opts[=SPEC] before "--" is replaced by the
 * options it names, and all of those go first, after argv[0]. *argv_out
 * is argv itself when there is no --extra-opts, else a new array that
 * lives as long as the program. Returns 0, or -1 with a message in err.
 */
int extra_opts_expand(int argc, char **argv, const struct option *longopts,
                      const char *section_default, const char *file_default, int *argc_out,
                      char ***argv_out, char *err, size_t errlen);

/*
 * Frees what extra_opts_expand() made of argv: the strings read from files
 * and the array, unless it is argv itself.
 */
void extra_opts_free(char **args, int argc, char **argv);

#endif
