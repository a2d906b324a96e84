#!/bin/bash
# CCMC-UND-MIB: clean at smilint's strictest level, and readable by net-snmp.
. "$top_srcdir/tests/lib.sh"

MIBDIR="$top_srcdir/mibs"
command -v smilint >/dev/null || { echo "Bail out! smilint is missing (apt-get install smitools)"; exit 1; }
command -v snmptranslate >/dev/null || { echo "Bail out! snmptranslate is missing (apt-get install snmp)"; exit 1; }

# The system's module paths first (a leading ':'), then the project's and net-snmp's.
lint=$(SMIPATH=":$MIBDIR:$MIBDIR/base:/usr/share/snmp/mibs" smilint -l 6 -s "$MIBDIR/CCMC-UND-MIB.txt" 2>&1)
is "$lint" "" "smilint -l 6 finds nothing in CCMC-UND-MIB"

# A fault planted in a copy is found: the lint is real.
sed 's/ccmcUndScanErrors OBJECT-TYPE/ccmcUndScanErrors OBJECT-TYPE\n    UNITS "x"\n    UNITS "y"/' \
	"$MIBDIR/CCMC-UND-MIB.txt" >"$T/CCMC-UND-MIB.txt"
lint=$(SMIPATH=":$T:$MIBDIR/base:/usr/share/snmp/mibs" smilint -l 6 -s "$T/CCMC-UND-MIB.txt" 2>&1)
ok "$([ -n "$lint" ] && echo 0 || echo 1)" "smilint reports a broken copy"

# stderr is dropped: a first run prints "Created directory: /var/lib/snmp/..." there.
tr() { MIBS= snmptranslate -M "$MIBDIR:$MIBDIR/base:/usr/share/snmp/mibs" -m CCMC-UND-MIB "$@" 2>/dev/null; }
is "$(tr -On CCMC-UND-MIB::ccmcUndState)" ".1.3.6.1.4.1.8072.9999.9999.212788.1.1.1" \
	"the module sits under netSnmpPlaypen (experimental), arc 212788"
is "$(tr -On CCMC-UND-MIB::ccmcUndFolderLastReadAge)" ".1.3.6.1.4.1.8072.9999.9999.212788.1.2.1.14" \
	"the folder table's last column"
is "$(tr -On CCMC-UND-MIB::ccmcUndStateChange)" ".1.3.6.1.4.1.8072.9999.9999.212788.0.1" \
	"the notification, under arc 0 so that SNMPv1 traps map back"
objects=$(tr -Tp -IR ccmcUndObjects | grep -c -- '+-- -R--')
is "$objects" 29 "29 read-only objects: 16 scalars and 13 columns"
like "$(sed -n '/ccmcUndMIB MODULE-IDENTITY/,/REVISION/p' "$MIBDIR/CCMC-UND-MIB.txt")" "EXPERIMENTAL" \
	"the module says it is experimental"

done_testing
