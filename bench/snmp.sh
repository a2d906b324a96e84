#!/bin/bash
# make bench, part 3: GET latency of the subagent through snmpd, against a
# scalar snmpd serves itself and against `extend` running check_ccmc_und,
# 1000 sequential GETs from one client (bench/snmpget_loop), in one run.
# Usage: snmp.sh BUILDDIR   (BENCH_DIR, default /var/tmp; BENCH_SNMP_GETS, default 1000;
#                            BENCH_SNMP_BIG, files in the big store, default 200000;
#                            1000000 for the full target, a few minutes more)
set -euo pipefail
build=$1
sub="$build/snmp-subagent/ccmc_und_subagent"
plugin="$build/plugin/check_ccmc_und"
loop="$build/bench/snmpget_loop"
mkfiles="$build/tests/mkfiles"
gets=${BENCH_SNMP_GETS:-1000}
big=${BENCH_SNMP_BIG:-200000}
W=$(mktemp -d "${BENCH_DIR:-/var/tmp}/ccmc-bench-snmp.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
PATH=$PATH:/usr/sbin
port=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1")->sockport')

# Three stores: 10 entries, 10k, and $big; 5% .und, in Import.
for n in 10 10000 "$big"; do
	mkdir -p "$W/s$n/Export" "$W/s$n/Submit"
	"$mkfiles" -u 5 "$W/s$n/Import" "$n"
done
mkdir -p "$W/agentx" "$W/persist"
cat >"$W/snmpd.conf" <<CONF
rocommunity public 127.0.0.1
master agentx
agentXSocket $W/agentx/master
extend ccmcc $plugin -R $W/s10000
extend -cacheTime -1 ccmcu $plugin -R $W/s10000
CONF
SNMP_PERSISTENT_DIR="$W/persist" snmpd -f -C -c "$W/snmpd.conf" -I -smux -Lf "$W/snmpd.log" \
	"udp:127.0.0.1:$port" &
pids+=("$!")
for _ in $(seq 100); do [ -S "$W/agentx/master" ] && break; sleep 0.1; done
arc=212788
for n in 10 10000 "$big"; do
	"$sub" -R "$W/s$n" -x "$W/agentx/master" -f --interval 30 -t 20 \
		--base-oid "1.3.6.1.4.1.8072.9999.9999.$arc" >"$W/sub$n.log" 2>&1 &
	pids+=("$!")
	eval "oid_$n=.1.3.6.1.4.1.8072.9999.9999.$arc.1.1.1.0"
	arc=$((arc + 1))
done
# Wait until every subagent has a completed scan (its last-scan time is set).
for n in 10 10000 "$big"; do
	o=$(eval echo "\$oid_$n")
	for _ in $(seq 600); do
		"$loop" "127.0.0.1:$port" public "${o%.1.1.1.0}.1.1.4.0" 1 >/dev/null 2>&1 &&
			[ "$(snmpget -v2c -c public -Oqvx "127.0.0.1:$port" "${o%.1.1.1.0}.1.1.4.0" 2>/dev/null | tr -d ' "')" != 0000000000000000 ] && break
		sleep 0.1
	done
done
# nsExtendOutput1Line."ccmcc" and ."ccmcu"
ext_c=.1.3.6.1.4.1.8072.1.3.2.3.1.1.5.99.99.109.99.99
ext_u=.1.3.6.1.4.1.8072.1.3.2.3.1.1.5.99.99.109.99.117

run() { "$loop" "127.0.0.1:$port" public "$1" "$gets"; }
: >"$W/r"
for round in 1 2 3; do
	printf 'uptime\t%s\n' "$(run .1.3.6.1.2.1.1.3.0)" >>"$W/r"
	printf 'sub10\t%s\n' "$(run "$oid_10")" >>"$W/r"
	printf 'sub10000\t%s\n' "$(run "$oid_10000")" >>"$W/r"
	printf 'subbig\t%s\n' "$(run "$(eval echo "\$oid_$big")")" >>"$W/r"
	printf 'extc\t%s\n' "$(run "$ext_c")" >>"$W/r"
	[ "$round" = 1 ] && printf 'extu\t%s\n' "$("$loop" "127.0.0.1:$port" public "$ext_u" 100)" >>"$W/r"
done
med() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$W/r" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
p99() { awk -F'\t' -v k="$1" '$1 == k { print $3 }' "$W/r" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "### SNMP GET latency, $gets sequential GETs from one client (median of 3 rounds)"
echo
echo "| what is read | median ms | p99 ms |"
echo "| --- | --- | --- |"
echo "| sysUpTime.0, served by snmpd itself | $(med uptime) | $(p99 uptime) |"
echo "| ccmcUndState.0, subagent, 10-entry store | $(med sub10) | $(p99 sub10) |"
echo "| ccmcUndState.0, subagent, 10k-entry store | $(med sub10000) | $(p99 sub10000) |"
echo "| ccmcUndState.0, subagent, $big-entry store | $(med subbig) | $(p99 subbig) |"
echo "| extend check_ccmc_und (10k entries), default cache | $(med extc) | $(p99 extc) |"
echo "| extend check_ccmc_und (10k entries), -cacheTime -1 (100 GETs, one round) | $(med extu) | $(p99 extu) |"
echo
echo "| ratio | value | target |"
echo "| --- | --- | --- |"
echo "| subagent (10 entries) / snmpd scalar | $(ratio "$(med sub10)" "$(med uptime)") | ≤ 3 |"
echo "| uncached extend / subagent (10k entries) | $(ratio "$(med extu)" "$(med sub10000)") | ≥ 10 |"
echo "| subagent $big entries / 10 entries | $(ratio "$(med subbig)" "$(med sub10)") | flat (≈ 1) |"
