/* The subagent's answers to GET and GETNEXT, and its notifications, from the agent's snapshot. */
#include "config.h"

#include "requests.h"

#include "clock.h"
#include "mib.h"

#include <string.h>

#include "netsnmp.h"
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* --- requests ---------------------------------------------------------------------------- */

static void set_value(netsnmp_variable_list *vb, const struct oid_entry *e)
{
	long l = e->kind == KIND_AGE ? (long)oid_age(e, mono_ms()) : (long)e->num;
	struct counter64 c64 = {(u_long)(e->u64 >> 32), (u_long)(e->u64 & 0xffffffffu)};

	switch (e->kind) {
	case KIND_INTEGER: snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l)); break;
	case KIND_AGE:
	case KIND_GAUGE: snmp_set_var_typed_value(vb, ASN_GAUGE, &l, sizeof(l)); break;
	case KIND_COUNTER: snmp_set_var_typed_value(vb, ASN_COUNTER, &l, sizeof(l)); break;
	case KIND_COUNTER64: snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64)); break;
	case KIND_OCTETS: snmp_set_var_typed_value(vb, ASN_OCTET_STR, e->text, e->text_len); break;
	}
}

/* An OID from a request in our arcs; false when it is too long to be one of ours. */
static bool request_oid(const netsnmp_variable_list *vb, uint32_t *name, size_t *len)
{
	*len = vb->name_length < OIDTABLE_OID_MAX ? vb->name_length : OIDTABLE_OID_MAX;
	/* cppcheck reads net-snmp's types without its headers. */
	// cppcheck-suppress knownConditionTrueFalse
	for (size_t i = 0; i < *len; i++)
		name[i] = vb->name[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)vb->name[i];
	return vb->name_length <= OIDTABLE_OID_MAX;
}

static int handle(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                  netsnmp_agent_request_info *ri, netsnmp_request_info *req)
{
	const struct agent *a = reg->my_reg_void;

	(void)h;
	for (; req; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;
		uint32_t name[OIDTABLE_OID_MAX];
		size_t len;
		bool exact = request_oid(vb, name, &len);
		const struct oid_entry *e;
		if (ri->mode == MODE_GET) {
			e = exact ? oidtable_get(&a->table, name, len) : NULL;
			if (!e)
				netsnmp_set_request_error(ri, req, SNMP_NOSUCHINSTANCE);
			else
				set_value(vb, e);
		} else if (ri->mode == MODE_GETNEXT) {
			/* No next here: the varbind stays empty and the master asks the next
			 * subtree. */
			if ((e = oidtable_next(&a->table, name, len)) != NULL) {
				oid next[OIDTABLE_OID_MAX];
				for (size_t i = 0; i < e->len; i++)
					next[i] = e->name[i];
				snmp_set_var_objid(vb, next, e->len);
				set_value(vb, e);
			}
		} else {
			netsnmp_set_request_error(ri, req, SNMP_ERR_NOTWRITABLE);
		}
	}
	return SNMP_ERR_NOERROR;
}

void agent_register_tree(struct agent *a)
{
	oid base[OIDTABLE_OID_MAX];

	for (size_t i = 0; i < a->opt.base_len; i++)
		base[i] = a->opt.base[i];
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
	    "ccmcUndMIB", handle, base, a->opt.base_len, HANDLER_CAN_RONLY);
	if (reg)
		reg->my_reg_void = a;
	if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
		snmp_log(LOG_ERR, "cannot register the CCMC-UND-MIB tree\n");
}

/* --- scans and notifications --------------------------------------------------------------- */

static void append_oid(oid *dst, size_t *len, const uint32_t *arcs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[(*len)++] = arcs[i];
}

static void add_column(const struct agent *a, netsnmp_variable_list **vars, uint32_t col,
                       size_t row, u_char type, const void *val, size_t vlen)
{
	oid name[OIDTABLE_OID_MAX];
	size_t n = 0;
	uint32_t tail[5] = {MIB_OBJECTS, MIB_FOLDER_TABLE, MIB_FOLDER_ENTRY, col,
	                    (uint32_t)row + 1};

	append_oid(name, &n, a->opt.base, a->opt.base_len);
	append_oid(name, &n, tail, 5);
	snmp_varlist_add_variable(vars, name, n, type, val, vlen);
}

/* ccmcUndStateChange for folder i, which went from was to the state in v. */
void agent_notify_change(const struct agent *a, const struct agent_values *v, size_t i,
                         enum state was)
{
	netsnmp_variable_list *vars = NULL;
	oid trap[OIDTABLE_OID_MAX], prev[OIDTABLE_OID_MAX];
	size_t tn = 0, pn = 0;
	uint32_t trap_tail[2] = {MIB_NOTIFICATIONS, MIB_STATE_CHANGE},
	         prev_tail[4] = {MIB_OBJECTS, MIB_NOTIFY_OBJECTS, MIB_PREVIOUS_STATE,
	                         (uint32_t)i + 1};
	long count = v->f[i].count, age = v->f[i].oldest_age, old = was, now = v->f[i].state;

	append_oid(trap, &tn, a->opt.base, a->opt.base_len);
	append_oid(trap, &tn, trap_tail, 2);
	append_oid(prev, &pn, a->opt.base, a->opt.base_len);
	append_oid(prev, &pn, prev_tail, 4);
	/* snmpTrapOID.0, from SNMPv2-MIB */
	static const oid trap_oid_name[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
	snmp_varlist_add_variable(&vars, trap_oid_name, OID_LENGTH(trap_oid_name), ASN_OBJECT_ID,
	                          (u_char *)trap, tn * sizeof(oid));
	add_column(a, &vars, MIB_COL_NAME, i, ASN_OCTET_STR, v->f[i].name, strlen(v->f[i].name));
	add_column(a, &vars, MIB_COL_COUNT, i, ASN_GAUGE, &count, sizeof(count));
	add_column(a, &vars, MIB_COL_OLDEST_AGE, i, ASN_GAUGE, &age, sizeof(age));
	snmp_varlist_add_variable(&vars, prev, pn, ASN_INTEGER, &old, sizeof(old));
	add_column(a, &vars, MIB_COL_STATE, i, ASN_INTEGER, &now, sizeof(now));
	send_v2trap(vars);
	snmp_free_varbind(vars);
	snmp_log(LOG_NOTICE, "%s: %s -> %s\n", v->f[i].name, state_name(was),
	         state_name(v->f[i].state));
}
