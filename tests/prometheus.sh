#!/bin/bash
# Prometheus through snmp_exporter, all real and on loopback: Debian's snmpd
# with the subagent on a private store, prometheus-snmp-exporter reading the
# shipped snmp.yml, and a prometheus server loading the shipped rules with
# the shipped scrape job (only its addresses and intervals changed, through
# a YAML parser). A .und file makes the stall alert pending then firing, and
# ccmc_und_remediate makes it resolve; a subagent that goes away makes the
# unreachable alert pending.
. "$top_srcdir/tests/lib.sh"

SUB="$top_builddir/snmp-subagent/ccmc_und_subagent"
[ -x "$SUB" ] || { echo "Bail out! the subagent was not built (install libsnmp-dev, re-run configure)"; exit 1; }
PATH=$PATH:/usr/sbin
for p in snmpd prometheus prometheus-snmp-exporter python3; do
	command -v "$p" >/dev/null ||
		{ echo "Bail out! $p is missing (apt-get install snmpd prometheus prometheus-snmp-exporter)"; exit 1; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "Bail out! python3-yaml is missing"; exit 1; }
SRC=$(cd "$top_srcdir" && pwd)
EX="$SRC/examples/prometheus"
HANDLER="$top_builddir/eventhandler/ccmc_und_remediate"
SIMBIN="$top_builddir/examples/ccmc-sim/ccmc-sim"

SNMPPORT=$(loopback_port udp)
EXPORTER=127.0.0.1:$(loopback_port tcp)
PROM=127.0.0.1:$(loopback_port tcp)

PIDS=()
stop_all() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	"$SIMBIN" -R "$S" stop >/dev/null 2>&1
	[ -n "${KEEP:-}" ] && cp -r "$T" /tmp/prometheus-debug
	cleanup
}
trap stop_all EXIT

# GET URL: the body, or nothing when the server does not answer 200.
GET() {
	python3 - "$1" <<'PY'
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
except Exception as e:
    sys.exit(1)
PY
}
# alert_state NAME: pending or firing, from Prometheus' API; nothing when inactive.
alert_state() {
	local body
	body=$(GET "http://$PROM/api/v1/alerts") || return 1
	printf '%s' "$body" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["data"]["alerts"]:
    if a["labels"]["alertname"] == sys.argv[1]:
        print(a["state"])' "$1"
}
alert_is() { [ "$(alert_state "$1")" = "$2" ]; }
alert_gone() { [ -z "$(alert_state "$1")" ] && GET "http://$PROM/api/v1/alerts" >/dev/null; }
# query EXPR: the value of the first series, from Prometheus' API.
query() {
	GET "http://$PROM/api/v1/query?query=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1")" |
		python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}
query_is() { [ "$(query "$1")" = "$2" ]; }

# --- snmpd, the subagent, the connector simulator -----------------------------------------------
S=$(store s)
mkdir -p "$T/agentx" "$T/persist" "$T/q" "$T/state"
chmod 700 "$T/agentx" "$T/q" "$T/state"
printf 'rocommunity public 127.0.0.1\nmaster agentx\nagentXSocket %s/agentx/master\n' "$T" >"$T/snmpd.conf"
SNMP_PERSISTENT_DIR="$T/persist" snmpd -f -C -c "$T/snmpd.conf" -I -smux -Lf "$T/snmpd.log" \
	"udp:127.0.0.1:$SNMPPORT" &
SNMPD=$!
PIDS+=("$SNMPD")
until_ok 10 test -S "$T/agentx/master"
ok $? "snmpd is up on 127.0.0.1:$SNMPPORT"
MIBS= "$SUB" -R "$S" -x "$T/agentx/master" -f --interval 2 -t 1 >"$T/sub.log" 2>&1 &
SUBPID=$!
PIDS+=("$SUBPID")
SIM=("$SIMBIN" -R "$S" --poll 0.2)
"${SIM[@]}" start >/dev/null
ok $? "the connector simulator runs on the store"

# --- the exporter with the shipped module ----------------------------------------------------------
prometheus-snmp-exporter --config.file="$EX/snmp.yml" --web.listen-address="$EXPORTER" \
	>"$T/exporter.log" 2>&1 &
PIDS+=("$!")
SCRAPE="http://$EXPORTER/snmp?module=ccmc_und&target=127.0.0.1:$SNMPPORT"
has_import_row() { GET "$SCRAPE" | grep -q '^ccmcUndFolderCount{ccmcUndFolderIndex="1",ccmcUndFolderName="Import"} 0$'; }
until_ok 20 has_import_row
ok $? "the exporter serves Import's count by folder name (ccmcUndFolderName=\"Import\")"
body=$(GET "$SCRAPE")
missing=""
for name in $(sed -n 's/^  - name: //p' "$EX/snmp.yml"); do
	printf '%s\n' "$body" | grep -q "^$name[{ ]" || missing="$missing $name"
done
is "${missing:-none}" none "every metric of snmp.yml is in the scrape"
is "$(printf '%s\n' "$body" | grep '^ccmcUndState ')" "ccmcUndState 0" "the state is a number: 0 for ok"
like "$body" 'ccmcUndFolderPath{ccmcUndFolderIndex="1",ccmcUndFolderName="Import",ccmcUndFolderPath="'"$S"'/Import"} 1' \
	"a text object is a metric of value 1 with the text as a label"

# --- prometheus with the shipped job and rules -------------------------------------------------------
python3 - "$EX/prometheus.yml" "$T/prometheus.yml" "127.0.0.1:$SNMPPORT" "$EXPORTER" "$EX" <<'PY'
import sys, yaml
src, dst, target, exporter, ex = sys.argv[1:]
c = yaml.safe_load(open(src))
c["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
c["rule_files"] = [ex + "/" + f for f in c["rule_files"]]
(job,) = [j for j in c["scrape_configs"] if j["job_name"] == "ccmc_und"]
job["static_configs"] = [{"targets": [target]}]
for r in job["relabel_configs"]:
    if r.get("target_label") == "__address__":
        r["replacement"] = exporter
yaml.safe_dump(c, open(dst, "w"))
PY
ok $? "the test's prometheus.yml is the shipped one with local addresses and 1 s intervals"
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="$PROM" >"$T/prometheus.log" 2>&1 &
PIDS+=("$!")
until_ok 30 query_is 'ccmcUndFolderCount{ccmcUndFolderName="Import"}' 0
ok $? "Prometheus scrapes the count by folder name through the exporter"
is "$(query 'up{job="ccmc_und"}')" 1 "the job is up"
like "$(GET "http://$PROM/api/v1/rules")" '"name":"CcmcUndConnectorStalled"' "Prometheus loaded the shipped rules"

# --- a stall: pending, then firing -------------------------------------------------------------------
"${SIM[@]}" send 2
"${SIM[@]}" reject Import >/dev/null
until_ok 30 alert_is CcmcUndConnectorStalled pending
ok $? "a .und file in Import: CcmcUndConnectorStalled goes pending"
is "$(query 'ccmcUndFolderCount{ccmcUndFolderName="Import"}')" 1 "Import's count is 1"
until_ok 90 alert_is CcmcUndConnectorStalled firing
ok $? "... and firing after its minute"
if state=$(alert_state CcmcUndUnreachable); then
	is "$state" "" "CcmcUndUnreachable stays inactive"
else
	ok 1 "CcmcUndUnreachable stays inactive (Prometheus' API did not answer)"
fi

# --- Import cannot be read: its count is kept, stale, and the alert stays ---------------------
mv "$S/Import" "$S/Import.away"
until_ok 30 query_is 'ccmcUndFolderStale{ccmcUndFolderName="Import"}' 1
ok $? "Import gone: the subagent marks its count stale (1)"
until_ok 30 query_is 'ccmcUndFolderState{ccmcUndFolderName="Import"}' 3
ok $? "... its state unknown"
is "$(query 'ccmcUndFolderCount{ccmcUndFolderName="Import"}')" 1 "... its last count kept"
# Still firing at a rule evaluation two seconds after the unknown state was scraped.
t0=$(date +%s)
fired_since() {
	local t
	t=$(query 'timestamp(ALERTS{alertname="CcmcUndConnectorStalled",alertstate="firing"})')
	[ -n "$t" ] && [ "${t%.*}" -ge $((t0 + 2)) ]
}
until_ok 20 fired_since
ok $? "... and the stall alert still firing"
mv "$S/Import.away" "$S/Import"
until_ok 30 query_is 'ccmcUndFolderStale{ccmcUndFolderName="Import"}' 2
ok $? "Import back: fresh again (2)"

# --- the handler heals it: resolved --------------------------------------------------------------------
out=$("$HANDLER" -R "$S" -Q "$T/q" --state-dir "$T/state" \
	--stop-cmd "$SIMBIN -R $S stop" --start-cmd "$SIMBIN -R $S --poll 0.2 start" \
	--status-cmd "$SIMBIN -R $S status" --force 2>&1)
is "$?" 0 "ccmc_und_remediate moves the file and restarts the connector"
like "$out" "REMEDIATED: moved 1 .und file" "... and says so"
until_ok 30 alert_gone CcmcUndConnectorStalled
ok $? "the stall alert resolves"
is "$(query 'ccmcUndTotalCount{job="ccmc_und"}')" 0 "the total count is 0 again"

# --- the subagent goes: snmpd answers without the tree ------------------------------------------------
kill "$SUBPID"
wait "$SUBPID" 2>/dev/null
until_ok 30 alert_is CcmcUndUnreachable pending
ok $? "the subagent stopped: CcmcUndUnreachable goes pending while snmpd still answers"
is "$(query 'up{job="ccmc_und"}')" 1 "... the scrape itself still succeeds"

done_testing
