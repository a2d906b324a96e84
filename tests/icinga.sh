#!/bin/bash
# The same loop under Debian's real Icinga 2, run as the nagios user: the
# example CheckCommand, EventCommand and apply rule (paths moved into a temp
# dir, intervals from 1m to 1s), the simulator as the connector.
. "$top_srcdir/tests/e2e_lib.sh"

ICINGA=/usr/sbin/icinga2
[ -x "$ICINGA" ] || { echo "Bail out! icinga2 is missing (apt-get install icinga2)"; exit 1; }
D="$T/i"
mkdir -p "$D/etc/zones.d" "$D/lib" "$D/log/compat" "$D/cache" "$D/spool" "$D/run/cmd"
fstype=$(findmnt -n -o FSTYPE --target "$S")

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
e2e_own "$D"
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
trap 'e2e_stop "$IPID"' EXIT

LOG="$D/log/compat/icinga.log"
logged() { grep -qF "$1" "$LOG"; }

e2e_start_sim

"$ICINGA" daemon "${ICINGA_ARGS[@]}" >"$D/stdout" 2>&1 &
IPID=$!
# Icinga runs the event command once at start (OK HARD 1): the handler does nothing.
until_ok 60 logged "SERVICE EVENT HANDLER: $SVC;OK;HARD;1;ccmc_und_remediate"
ok $? "Icinga runs the check; the service is OK"

e2e_reject

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
e2e_healed

done_testing
