/*
 * The handler's command line: one table names every option, its getopt
 * form and the setting it sets (the key of ccmc_und_remediate.conf(5),
 * which is the long name), so that the command line and the config file
 * cannot drift apart.
 */
#ifndef CCMC_OPTIONS_H
#define CCMC_OPTIONS_H

#include "run.h"

/*
 * Reads -f FILE first, then the rest over it, then the trigger and the
 * commands. Returns true to run; false with the exit code in *code after
 * printing the help (0), the version (0) or the usage error (2).
 */
bool options_parse(int argc, char **argv, struct run *r, int *code);

#endif
