#!/bin/bash
# The Prometheus examples as shipped: promtool accepts the config and the
# rules, the rules pass their own unit tests (a stall, its remediation and
# recovery), snmp.yml is what the generator makes of generator.yml and the
# MIB, and it has a metric for every object the subagent serves.
. "$top_srcdir/tests/lib.sh"

for p in promtool prometheus-snmp-generator snmptranslate; do
	command -v "$p" >/dev/null ||
		{ echo "Bail out! $p is missing (apt-get install prometheus prometheus-snmp-exporter snmp)"; exit 1; }
done
SRC=$(cd "$top_srcdir" && pwd)
EX="$SRC/examples/prometheus"

out=$(promtool check config "$EX/prometheus.yml" 2>&1)
ok $? "promtool check config accepts prometheus.yml as shipped"
like "$out" "1 rule files found" "... and it loads the rule file beside it"
out=$(promtool check rules "$EX/ccmc-und.rules.yml" 2>&1)
ok $? "promtool check rules accepts ccmc-und.rules.yml"
like "$out" "6 rules found" "... six alerts"
out=$(cd "$SRC/tests/prometheus" && promtool test rules rules_test.yml 2>&1)
ok $? "promtool test rules: stall, remediation, recovery and each other alert"
[ "$TAP_FAILED" = 0 ] || printf '%s\n' "$out" | sed 's/^/# /' | head -40

# The generator reads every MIB in its path: only NET-SNMP-MIB from the system's,
# whose others import MIBs Debian does not ship.
mkdir -p "$T/gen/mibs"
cp /usr/share/snmp/mibs/NET-SNMP-MIB.txt "$T/gen/mibs/"
cp "$EX/generator.yml" "$T/gen/"
out=$(cd "$T/gen" && MIBDIRS="$SRC/mibs:$SRC/mibs/base:$T/gen/mibs" \
	prometheus-snmp-generator --fail-on-parse-errors generate 2>&1)
ok $? "the generator makes snmp.yml from generator.yml and mibs/ with no parse error"
cmp -s "$T/gen/snmp.yml" "$EX/snmp.yml"
ok $? "... and it is the snmp.yml shipped (regenerate it so after a MIB change)"
[ -f "$T/gen/snmp.yml" ] && diff "$EX/snmp.yml" "$T/gen/snmp.yml" | head -20 | sed 's/^/# /'

# Every scalar and column the subagent serves, by MIB name and OID.
objects=$(MIBS= snmptranslate -M "$top_srcdir/mibs:$top_srcdir/mibs/base:/usr/share/snmp/mibs" \
	-m CCMC-UND-MIB -Tz 2>/dev/null |
	awk -F'\t+' '$1 ~ /^"ccmcUnd/ && ($2 ~ /\.212788\.1\.1\.[0-9]+"$/ || $2 ~ /\.212788\.1\.2\.1\.[0-9]+"$/) {
		gsub(/"/, ""); print $1 " " $2 }')
n=0 missing=""
while read -r name oid; do
	n=$((n + 1))
	grep -qxF "  - name: $name" "$EX/snmp.yml" && grep -qxF "    oid: $oid" "$EX/snmp.yml" ||
		missing="$missing $name"
done <<<"$objects"
is "$n" 30 "the MIB has 16 scalars and 14 columns"
is "$missing" " ccmcUndFolderIndex" \
	"snmp.yml has a metric of each one's MIB name and OID, but the not-accessible index"
like "$(grep -A3 '  - name: ccmcUndFolderBytes' "$EX/snmp.yml")" "type: gauge" \
	"ccmcUndFolderBytes is a gauge: it falls when files leave"
like "$(grep -A12 '  - name: ccmcUndFolderCount$' "$EX/snmp.yml")" "labelname: ccmcUndFolderName" \
	"a folder's rows carry its name as a label"

done_testing
