/*
 * Times N sequential SNMPv2c GETs of one OID from one long-lived client,
 * so that the figure is the agent's, not a tool's start-up (about 8 ms for
 * snmpget). Prints the median and 99th percentile in milliseconds.
 * Usage: snmpget_loop HOST:PORT COMMUNITY OID N
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netsnmp.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	netsnmp_session s, *ss;
	oid name[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;
	long n;
	double *t;

	if (argc != 5 || (n = atol(argv[4])) <= 0) {
		fprintf(stderr, "usage: snmpget_loop HOST:PORT COMMUNITY OID N\n");
		return 2;
	}
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	init_snmp("snmpget_loop");
	snmp_sess_init(&s);
	s.peername = argv[1];
	s.version = SNMP_VERSION_2c;
	s.community = (u_char *)argv[2];
	s.community_len = strlen(argv[2]);
	s.timeout = 5000000;
	if (!(ss = snmp_open(&s)) || !read_objid(argv[3], name, &len)) {
		fprintf(stderr, "snmpget_loop: cannot open the session or read the OID\n");
		return 1;
	}
	t = calloc((size_t)n, sizeof(*t));
	for (long i = 0; i < n; i++) {
		netsnmp_pdu *req = snmp_pdu_create(SNMP_MSG_GET), *resp = NULL;
		snmp_add_null_var(req, name, len);
		double t0 = now_ms();
		int st = snmp_synch_response(ss, req, &resp);
		t[i] = now_ms() - t0;
		if (st != STAT_SUCCESS || !resp || resp->errstat != SNMP_ERR_NOERROR ||
		    resp->variables->type == SNMP_NOSUCHOBJECT ||
		    resp->variables->type == SNMP_NOSUCHINSTANCE) {
			fprintf(stderr, "snmpget_loop: GET %ld failed\n", i);
			return 1;
		}
		snmp_free_pdu(resp);
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%.3f\t%.3f\n", t[n / 2], t[(n * 99) / 100]);
	snmp_close(ss);
	free(t);
	return 0;
}
