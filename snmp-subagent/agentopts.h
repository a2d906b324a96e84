/*
 * The subagent's command line and --extra-opts files: the options, the help,
 * and --check-config's verdict. A reload parses again with agentopts_parse,
 * which never ends the daemon.
 */
#ifndef CCMC_AGENTOPTS_H
#define CCMC_AGENTOPTS_H

#include "agent.h"

#include <stdbool.h>
#include <stddef.h>

/* The defaults, before any option. */
void agentopts_default(struct agent_opts *o);

/*
 * Parses the command line, with its --extra-opts files, into o. Returns 0,
 * or -1 with the reason in err: at start-up that is a usage error, on a
 * reload the old settings stay.
 */
int agentopts_parse(int argc, char **argv, struct agent_opts *o, char *err, size_t errlen);

/*
 * At start-up: parses into o, and returns true to run; false with the exit
 * code in *code after --help, --version or --check-config (0, 1 or 255).
 * A usage error exits 2 from here.
 */
bool agentopts_start(int argc, char **argv, struct agent_opts *o, int *code);

#endif
