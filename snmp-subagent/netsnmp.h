/*
 * net-snmp's headers, for programs built with this project's config.h:
 * net-snmp's own config header defines the same autoconf names, so ours
 * are dropped first. Read PACKAGE_VERSION before including this.
 */
#ifndef CCMC_NETSNMP_H
#define CCMC_NETSNMP_H

#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#endif
