#!/bin/sh
# make demo: the whole story on a temporary copy of examples/ccmcdata. The
# connector simulator delivers, a message is rejected, delivery stalls,
# check_ccmc_und goes CRITICAL, ccmc_und_remediate heals it, and the check
# is OK again. With the SNMP subagent built and snmpd installed, snmpwalk
# shows the same before and after.
# Usage: demo.sh SRCDIR BUILDDIR
# With CCMC_DEMO_RECORD=FILE, the plugin's perfdata is appended to FILE once a
# second ("EPOCH label=value ..."), and the handler's run as "EPOCH mark
# begin|end" lines: examples/graph.sh draws them. CCMC_DEMO_POLL sets the
# simulator's poll interval (0.2 s), so a recording can take its time.
set -eu
src=$1
build=$2
plugin="$build/plugin/check_ccmc_und"
handler="$build/eventhandler/ccmc_und_remediate"
sim="$build/examples/ccmc-sim/ccmc-sim"
subagent="$build/snmp-subagent/ccmc_und_subagent"
work=$(mktemp -d "${TMPDIR:-/tmp}/ccmc-demo.XXXXXX")
store="$work/Ccmcdata"
pids=""
poll=${CCMC_DEMO_POLL:-0.2}
case $poll in
'' | *[!0-9.]* | *.*.* | .*) echo "demo: CCMC_DEMO_POLL '$poll' is not a number of seconds" >&2; exit 2 ;;
esac
record=${CCMC_DEMO_RECORD:-}

# Every process the demo started, by pid; the simulator by its own stop.
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	"$sim" -R "$store" stop >/dev/null 2>&1 || true
	for _ in $(seq 50); do "$sim" -R "$store" status >/dev/null 2>&1 || break; sleep 0.1; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say() { printf '\n== %s\n' "$*"; }
show() {
	printf '$ %s\n' "$*" | sed "s|$work|\$DEMO|g; s|$build/[a-z/-]*/||g"
	rc=0
	"$@" >"$work/out" 2>&1 || rc=$?
	sed "s|$work|\$DEMO|g" "$work/out"
	printf '(exit status %d)\n' "$rc"
}
# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
	n=$(($1 * 10))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || { echo "demo: gave up waiting for: $*" >&2; exit 1; }
		sleep 0.1
	done
}
delivered() { grep -c ' delivered ' "$store/ccmc-sim.log" 2>/dev/null || true; }
delivered_at_least() { [ "$(delivered)" -ge "$1" ]; }
simc() { show "$sim" -R "$store" --poll "$poll" "$@"; }

cp -R "$src/examples/ccmcdata" "$store"
chmod -R u+w "$store"
find "$store" -type f -exec touch {} +
mkdir -m 700 "$work/state" "$work/quarantine"
# The handler's settings: the simulator stands in for MSExchangeCCMC.
cat >"$work/remediate.conf" <<EOF
store       = $store
quarantine  = $work/quarantine
state-dir   = $work/state
stop-cmd    = '$sim' -R '$store' stop
start-cmd   = '$sim' -R '$store' --poll $poll start
status-cmd  = '$sim' -R '$store' status
stop-timeout  = 5s
start-timeout = 5s
EOF
chmod 600 "$work/remediate.conf"

# The SNMP part runs only where it can: the subagent built and snmpd installed.
snmp=no
PATH=$PATH:/usr/sbin
if [ -x "$subagent" ] && command -v snmpd >/dev/null && command -v snmpwalk >/dev/null; then
	snmp=yes
	port=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1")->sockport')
	mkdir -p "$work/agentx" "$work/persist"
	printf 'rocommunity public 127.0.0.1\nmaster agentx\nagentXSocket %s/agentx/master\n' "$work" >"$work/snmpd.conf"
	SNMP_PERSISTENT_DIR="$work/persist" snmpd -f -C -c "$work/snmpd.conf" -I -smux \
		-Lf "$work/snmpd.log" "udp:127.0.0.1:$port" &
	pids="$pids $!"
	wait_for 10 test -S "$work/agentx/master"
	MIBS= "$subagent" -R "$store" -x "$work/agentx/master" -f --interval 2 -t 1 2>/dev/null &
	pids="$pids $!"
fi
# snmp TOOL OBJECT [FLAGS...]: a net-snmp client on the demo's agent, with the project's MIB.
snmp() {
	tool=$1 object=$2
	shift 2
	MIBS= "$tool" -v2c -c public -M "$src/mibs:$src/mibs/base:/usr/share/snmp/mibs" \
		-m CCMC-UND-MIB "$@" "127.0.0.1:$port" "$object"
}
walk() {
	printf '$ snmpwalk -v2c -c public 127.0.0.1:%s CCMC-UND-MIB::ccmcUndScalars\n' "$port"
	snmp snmpwalk CCMC-UND-MIB::ccmcUndScalars | grep -E 'ccmcUnd(State|TotalCount|OldestAge)\.0'
}
state_is() {
	snmp snmpget CCMC-UND-MIB::ccmcUndState.0 -Oqv 2>/dev/null | grep -qx "$1"
}

# The recorder: one sample a second, whatever the story is doing.
mark() { [ -z "$record" ] || printf '%s mark %s\n' "$(date +%s)" "$1" >>"$record"; }
if [ -n "$record" ]; then
	(
		last=
		while :; do
			now=$(date +%s)
			if [ "$now" != "$last" ]; then
				perf=$("$plugin" -R "$store" | sed -n '1s/^[^|]*| *//p')
				printf '%s %s\n' "$now" "$perf" >>"$record"
				last=$now
			fi
			sleep 0.1
		done
	) &
	pids="$pids $!"
fi

say "1. Start the connector (a simulator, ccmc-sim) on a copy of examples/ccmcdata."
simc start
say "2. Messages flow: the queued ones and three new ones are delivered."
wait_for 10 delivered_at_least 3
simc send 3
wait_for 10 delivered_at_least 6
sed 's/^[^ ]* /  /' "$store/ccmc-sim.log"
say "3. The cc:Mail import cycle rejects a message: a .und file appears in Import."
simc reject Import
cp "$store"/Import/*.und "$work/injected.und"
say "4. Delivery stalls, silently: two new messages wait through five polls, and the log says nothing."
before=$(delivered)
simc send 2
"$sim" -R "$store" --poll "$poll" wait-polls 5
printf '  delivered before: %s, after five polls: %s; waiting in Export: %s\n' "$before" "$(delivered)" \
	"$(ls "$store/Export" | grep -c '\.ccm$')"
if [ "$snmp" = yes ]; then
	wait_for 15 state_is critical
	say "   The SNMP subagent sees it too:"
	walk
fi
say "5. check_ccmc_und goes CRITICAL:"
show "$plugin" -R "$store"
say "6. Nagios runs the event handler, ccmc_und_remediate: stop, quarantine, start."
mark begin
show "$handler" -f "$work/remediate.conf" CRITICAL HARD 3
mark end
say "7. check_ccmc_und is OK again, and delivery resumes:"
show "$plugin" -R "$store"
wait_for 10 delivered_at_least $((before + 2))
tail -n 2 "$store/ccmc-sim.log" | sed 's/^[^ ]* /  /'
if [ "$snmp" = yes ]; then
	wait_for 15 state_is ok
	say "   And over SNMP:"
	walk
fi
# A recording goes on for a few polls, to show delivery running again.
[ -z "$record" ] || "$sim" -R "$store" --poll "$poll" wait-polls 4
say "8. The .und file is in the quarantine, byte for byte, with a manifest:"
q=$(find "$work/quarantine" -type f -iname '*.und')
m=$(find "$work/quarantine" -type f -name 'manifest.tsv')
printf '  %s\n' "$q" "$m" | sed "s|$work|\$DEMO|g"
if cmp -s "$q" "$work/injected.und"; then echo "  identical to the file that was rejected"; else
	echo "  DIFFERS from the file that was rejected"; exit 1; fi
sed 's/^/  /' "$m"
