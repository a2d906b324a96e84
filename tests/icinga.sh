#!/bin/bash
# The same loop under Debian's real Icinga 2, run as the nagios user: the
# example CheckCommand, EventCommand and apply rule (paths moved into a temp
# dir, intervals from 1m to 1s), the simulator as the connector. Icinga's
# GraphiteWriter sends the perfdata to a real carbon-cache on loopback, and
# the whisper files are read back with whisper-fetch.
. "$top_srcdir/tests/e2e_lib.sh"

ICINGA=/usr/sbin/icinga2
[ -x "$ICINGA" ] || { echo "Bail out! icinga2 is missing (apt-get install icinga2)"; exit 1; }
for p in carbon-cache whisper-fetch; do
	command -v "$p" >/dev/null ||
		{ echo "Bail out! $p is missing (apt-get install graphite-carbon python3-whisper)"; exit 1; }
done
D="$T/i"
mkdir -p "$D/etc/zones.d" "$D/lib" "$D/log/compat" "$D/cache" "$D/spool" "$D/run/cmd"
fstype=$(findmnt -n -o FSTYPE --target "$S")

# carbon-cache on loopback, every path in the temp dir, one point per second for icinga2.*.
C="$T/carbon"
mkdir -p "$C/whisper" "$C/log" "$C/run"
CARBON_PORT=$(loopback_port tcp)
cat >"$C/carbon.conf" <<EOF
[cache]
STORAGE_DIR = $C/
LOCAL_DATA_DIR = $C/whisper/
CONF_DIR = $C/
LOG_DIR = $C/log/
PID_DIR = $C/run/
USER =
ENABLE_TAGS = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $CARBON_PORT
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = 0
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = 0
WHISPER_AUTOFLUSH = True
EOF
printf '[icinga2]\npattern = ^icinga2\\.\nretentions = 1s:1h\n' >"$C/storage-schemas.conf"

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
object GraphiteWriter "graphite" {
	host = "127.0.0.1"
	port = $CARBON_PORT
	enable_send_thresholds = true
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
CPID=
trap '[ -n "$CPID" ] && kill "$CPID" 2>/dev/null && wait "$CPID" 2>/dev/null; e2e_stop "$IPID"' EXIT

carbon-cache --config="$C/carbon.conf" --pidfile="$C/run/carbon.pid" --nodaemon \
	--logfile="$C/log/console.log" start >"$C/stdout" 2>&1 &
CPID=$!
until_ok 30 accepts "$CARBON_PORT"
ok $? "carbon-cache listens on 127.0.0.1:$CARBON_PORT"

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

# --- Graphite: the perfdata in whisper -----------------------------------------------------------
W="$C/whisper/icinga2/exchange1/services/ccmc-und/ccmc_und/perfdata"
# series LABEL [FIELD]: the values whisper holds for a label's field (value, crit ...), None left out.
series() {
	whisper-fetch --from=$(($(date +%s) - 3000)) "$W/$1/${2:-value}.wsp" 2>/dev/null |
		awk '$2 != "None" { printf "%g\n", $2 }'
}
# The stall's 1s and the 0s after it, both written: carbon may hold points in memory a while.
stall_then_healed() {
	local v
	v=$(series import_und)
	[ "$(printf '%s\n' "$v" | sort -g | tail -n 1)" = 1 ] && [ "$(printf '%s\n' "$v" | tail -n 1)" = 0 ]
}
until_ok 30 stall_then_healed
ok $? "whisper holds import_und under icinga2.exchange1.services.ccmc-und.ccmc_und.perfdata: 1 through the stall, then 0"
size=$(stat -c %s "$T/injected.und")
is "$(series import_und_bytes | sort -g | tail -n 1)" "$size" \
	"import_und_bytes peaked at the file's size in bytes ($size)"
age=$(series import_und_age | sort -g | tail -n 1)
ok "$("$PERL" -e 'print $ARGV[0] > 0 && $ARGV[0] < 600 ? 0 : 1' "$age")" \
	"import_und_age peaked in seconds ($age), not ms or minutes"
missing=""
for l in import_und import_und_age import_und_bytes import_backlog import_backlog_age \
	export_und export_und_age export_und_bytes export_backlog export_backlog_age \
	submit_backlog submit_backlog_age total_und total_und_age total_und_bytes total_backlog \
	total_backlog_age; do
	[ -f "$W/$l/value.wsp" ] || missing="$missing $l"
done
is "${missing:-none}" none "a whisper file for each of the plugin's labels"
is "$(series import_und crit | tail -n 1)" 0 \
	"the thresholds go too (enable_send_thresholds): import_und.crit is 0, the article's rule"
is "$(grep -cE '^\[[^]]*\] (warning|critical)/(GraphiteWriter|PerfdataValue|PluginUtility)' \
	"$D/log/icinga2.log")" 0 "no perfdata warning in Icinga's log"

done_testing
