#!/bin/bash
# The same loop under Debian's real Icinga 2, run as the nagios user: the
# example CheckCommand, EventCommand and apply rule (paths moved into a temp
# dir, intervals from 1m to 1s), the simulator as the connector.
. "$top_srcdir/tests/lib.sh"

ICINGA=/usr/sbin/icinga2
[ -x "$ICINGA" ] || { echo "Bail out! icinga2 is missing (apt-get install icinga2)"; exit 1; }
[ "$(id -u)" = 0 ] || skip_all "needs root, to run Icinga 2 and the connector as the nagios user"
id nagios >/dev/null 2>&1 || { echo "Bail out! no nagios user (icinga2 creates it)"; exit 1; }
SVC="exchange1;ccmc-und"

L="$T/libexec"
D="$T/i"
mkdir -p "$L/eventhandlers" "$T/etc" "$D/etc/zones.d" "$D/lib" "$D/log/compat" "$D/cache" \
	"$D/spool" "$D/run/cmd" "$T/state" "$T/q"
cp "$PLUGIN" "$L/check_ccmc_und"
cp "$top_builddir/eventhandler/ccmc_und_remediate" "$L/eventhandlers/"
cp "$top_builddir/examples/ccmc-sim/ccmc-sim" "$L/ccmc-sim"
S=$(store store)
SIM=("$L/ccmc-sim" -R "$S" --poll 0.2)
fstype=$(findmnt -n -o FSTYPE --target "$S")

cat >"$T/etc/remediate.conf" <<EOF
store       = $S
quarantine  = $T/q
state-dir   = $T/state
stop-cmd    = $L/ccmc-sim -R $S stop
start-cmd   = $L/ccmc-sim -R $S --poll 0.2 start
status-cmd  = $L/ccmc-sim -R $S status
stop-timeout  = 5s
start-timeout = 5s
EOF
chgrp nagios "$T/etc/remediate.conf"
chmod 640 "$T/etc/remediate.conf"

for f in ccmc_und.conf ccmc_und_remediate.conf ccmc_und_service.conf; do
	sed "s|/etc/ccmc-und/|$T/etc/|g; s|_interval = 1m|_interval = 1s|" \
		"$top_srcdir/examples/icinga2/$f" >"$D/etc/$f"
done
cat >"$D/etc/icinga2.conf" <<EOF
include <itl>
const PluginDir = "$L"
object CheckerComponent "checker" { }
object FileLogger "main" {
	path = LogDir + "/icinga2.log"
	severity = "information"
}
object CompatLogger "compat" {
	log_dir = LogDir + "/compat"
}
object Host "exchange1" {
	check_command = "dummy"
	check_interval = 1s
	vars.ccmc_store = "$S"
	vars.ccmc_und = { ccmc_und_fstype = "$fstype" }
}
include "ccmc_und.conf"
include "ccmc_und_remediate.conf"
include "ccmc_und_service.conf"
EOF
chown -R nagios:nagios "$D" "$T/state" "$T/q" "$S"
chmod 700 "$T/state" "$T/q"
ICINGA_ARGS=(-c "$D/etc/icinga2.conf" -DConfigDir="$D/etc" -DZonesDir="$D/etc/zones.d"
	-DDataDir="$D/lib" -DLogDir="$D/log" -DCacheDir="$D/cache" -DSpoolDir="$D/spool"
	-DInitRunDir="$D/run" -DRunAsUser=nagios -DRunAsGroup=nagios)

# --- the examples pass icinga2 daemon -C ------------------------------------------------------
out=$("$ICINGA" daemon -C "${ICINGA_ARGS[@]}" 2>&1)
rc=$?
is "$rc" 0 "icinga2 daemon -C accepts the three example files"
[ "$rc" = 0 ] || printf '%s\n' "$out" | grep -iE "critical|error" | sed 's/^/# /'
like "$out" "1 Service." "icinga2 -C: the apply rule makes one service"
like "$out" "1 EventCommand." "icinga2 -C: the EventCommand"

# --- the loop ----------------------------------------------------------------------------------
IPID=
stop_all() {
	[ -n "$IPID" ] && kill -TERM "$IPID" 2>/dev/null && wait "$IPID" 2>/dev/null
	local p
	p=$(cat "$S/ccmc-sim.pid" 2>/dev/null)
	[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
	[ -n "${KEEP:-}" ] && cp -r "$T" /tmp/icinga-debug
	cleanup
}
trap stop_all EXIT

as_nagios() { setpriv --reuid=nagios --regid=nagios --init-groups -- "$@"; }
delivered() { grep -c ' delivered ' "$S/ccmc-sim.log" 2>/dev/null; }
delivered_at_least() { [ "$(delivered)" -ge "$1" ]; }
LOG="$D/log/compat/icinga.log"
logged() { grep -qF "$1" "$LOG"; }
starts() { grep -c ' started ' "$S/ccmc-sim.log"; }
restarted() { [ "$(starts)" -ge 2 ]; }

as_nagios "${SIM[@]}" start >/dev/null
is "$?" 0 "the simulator starts as nagios"
as_nagios "${SIM[@]}" send 3
until_ok 10 delivered_at_least 3
ok $? "the simulator delivers messages"

"$ICINGA" daemon "${ICINGA_ARGS[@]}" >"$D/stdout" 2>&1 &
IPID=$!
# Icinga runs the event command once at start (OK HARD 1): the handler does nothing.
until_ok 60 logged "SERVICE EVENT HANDLER: $SVC;OK;HARD;1;ccmc_und_remediate"
ok $? "Icinga runs the check; the service is OK"

und=$(as_nagios "${SIM[@]}" reject Import)
cp "$und" "$T/injected.und"
as_nagios "${SIM[@]}" send 2
before=$(delivered)
as_nagios "${SIM[@]}" wait-polls 3
is "$(delivered)" "$before" "while the .und file is there, nothing is delivered"

until_ok 60 logged "SERVICE ALERT: $SVC;CRITICAL;HARD;"
ok $? "Icinga: the service goes CRITICAL, HARD"
like "$(grep -F "SERVICE ALERT: $SVC;CRITICAL;HARD;" "$LOG")" "CCMC_UND CRITICAL - 1 .und file: Import 1" \
	"with the plugin's output"
until_ok 30 logged "SERVICE EVENT HANDLER: $SVC;CRITICAL;HARD;"
ok $? "Icinga: the event command runs ccmc_und_remediate on HARD"
until_ok 30 restarted
ok $? "the handler restarted the simulator ($(starts) starts in its log)"
until_ok 60 logged "SERVICE ALERT: $SVC;OK;HARD;"
ok $? "Icinga: the service returns to OK"
until_ok 30 delivered_at_least $((before + 2))
ok $? "delivery resumes: the two held messages are delivered"

q=$(find "$T/q" -type f -iname '*.und')
is "$(printf '%s\n' "$q" | grep -c .)" 1 "one .und file in the quarantine"
cmp -s "$q" "$T/injected.und"
ok $? "the quarantined file is byte-identical to the one injected"
is "$(stat -c %U "$q")" nagios "and owned by nagios, who moved it"
is "$(find "$S/Import" "$S/Export" -iname '*.und' | wc -l)" 0 "no .und file is left in the store"

done_testing
