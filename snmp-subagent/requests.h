/* The subagent's side of net-snmp: GET and GETNEXT from the agent's table, and notifications. */
#ifndef CCMC_REQUESTS_H
#define CCMC_REQUESTS_H

#include "agent.h"

/* Serves the MIB tree at the agent's base OID from a->table. */
void agent_register_tree(struct agent *a);

/* Sends ccmcUndStateChange for folder i of v, which went from was to its state in v. */
void agent_notify_change(const struct agent *a, const struct agent_values *v, size_t i,
                         enum state was);

#endif
