#!/bin/bash
# The subagent under Debian's real snmpd (master agent, on loopback, a random
# port, its AgentX socket in a temp dir), read with snmpget/snmpwalk/snmptable,
# compared with the plugin, watched by snmptrapd and by check_snmp.
. "$top_srcdir/tests/lib.sh"

SUB="$top_builddir/snmp-subagent/ccmc_und_subagent"
[ -x "$SUB" ] || { echo "Bail out! the subagent was not built (install libsnmp-dev, re-run configure)"; exit 1; }
for p in snmpd snmptrapd snmpget snmpwalk snmptable snmpset; do
	command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] ||
		{ echo "Bail out! $p is missing (apt-get install snmpd snmptrapd snmp)"; exit 1; }
done
CHECK_SNMP=/usr/lib/nagios/plugins/check_snmp
[ -x "$CHECK_SNMP" ] || { echo "Bail out! check_snmp is missing (apt-get install monitoring-plugins-standard)"; exit 1; }
PATH=$PATH:/usr/sbin
export MIBS=
MIBOPTS=(-M "$top_srcdir/mibs:$top_srcdir/mibs/base:/usr/share/snmp/mibs" -m CCMC-UND-MIB)
BASE=.1.3.6.1.4.1.8072.9999.9999.212788

free_port() {
	"$PERL" -MIO::Socket::INET -e 'print IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1")->sockport'
}
PORT=$(free_port)
TRAPPORT=$(free_port)
KEEP=${KEEP:-}
mkdir -p "$T/agentx" "$T/persist"
chmod 700 "$T/agentx"
cat >"$T/snmpd.conf" <<CONF
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
master agentx
agentXSocket $T/agentx/master
agentXPerms 0660 0750
trap2sink 127.0.0.1:$TRAPPORT public
CONF
printf 'disableAuthorization yes\n' >"$T/snmptrapd.conf"

PIDS=()
stop_all() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "$KEEP" ] && cp -r "$T" /tmp/snmp-debug
	cleanup
}
trap stop_all EXIT

start_snmpd() {
	SNMP_PERSISTENT_DIR="$T/persist" snmpd -f -C -c "$T/snmpd.conf" -I -smux -Lf "$T/snmpd.log" \
		"udp:127.0.0.1:$PORT" &
	SNMPD=$!
	PIDS+=("$SNMPD")
}


get() { snmpget -v2c -c public -Oqv -t 1 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
# scanned_at OID: the subagent mounted there answers, and its first scan has completed
# (Import's message is no longer "no scan has completed yet").
scanned_at() {
	local m
	m=$(get "$1.1.2.1.12.1")
	[ -n "$m" ] || return 1
	! printf '%s' "$m" | grep -q "No Such\|no scan has completed\|Timeout"
}
answers() { scanned_at "$BASE"; }

# A store: Import with two old .und files, Export with a backlog, Submit empty.
S=$(store s)
mkf "$S/Import/a.und" 7200 300
mkf "$S/Import/B.UND" 600 50
mkf "$S/Export/m1.ccm" 5400 10
mkf "$S/Export/m2.ccm" 60 10

snmptrapd -f -C -c "$T/snmptrapd.conf" -Lf "$T/traps.log" -On "udp:127.0.0.1:$TRAPPORT" &
PIDS+=("$!")
start_snmpd
until_ok 10 test -S "$T/agentx/master"
ok $? "snmpd is up with its AgentX socket in the temp dir"
"$SUB" -R "$S" -x "$T/agentx/master" -f --interval 2 -t 1 --ping-interval 1 -C 3h \
	>"$T/sub.log" 2>&1 &
SUBPID=$!
PIDS+=("$SUBPID")
until_ok 10 answers
ok $? "the subagent registers and answers through snmpd"

# A second subagent on the same tree: snmpd refuses its registration, and it must
# say so and exit rather than run on answering nothing.
out=$(timeout 20 "$SUB" -R "$S" -x "$T/agentx/master" -f --interval 2 -t 1 2>&1)
is "$?" 1 "a second subagent on the same base OID exits 1"
like "$out" "the master refused to register $BASE: another agent serves it" "and says why"
answers
ok $? "the first one still answers"

# --- the same numbers as the plugin ---------------------------------------------------------
"$PLUGIN" -R "$S" -C 3h >"$T/plugin.out"
prc=$?
PERF=$(head -n 1 "$T/plugin.out" | "$PERL" "$top_srcdir/tests/perfdata.pl")
pv() { printf '%s\n' "$PERF" | awk -F'|' -v l="$1" '$1 == l { print $2 }'; }
is "$(get "$BASE.1.1.1.0")" "$prc" "ccmcUndState equals the plugin's exit status ($prc)"
is "$(get "$BASE.1.1.2.0")" "$(pv total_und)" "ccmcUndTotalCount equals total_und"
row=1
for f in import export submit; do
	is "$(get "$BASE.1.2.1.8.$row")" "$(pv "${f}_backlog")" "$f: backlog equals ${f}_backlog"
	pairs=("9:${f}_backlog_age")
	if [ $f = submit ]; then
		is "$(get "$BASE.1.2.1.4.$row")/$(pv submit_und)" "0/" "submit: watched for the backlog only, count 0 (no submit_und)"
	else
		is "$(get "$BASE.1.2.1.4.$row")" "$(pv "${f}_und")" "$f: count equals ${f}_und"
		is "$(get "$BASE.1.2.1.7.$row")" "$(pv "${f}_und_bytes")" "$f: bytes equal ${f}_und_bytes"
		pairs+=("5:${f}_und_age")
	fi
	for pair in "${pairs[@]}"; do
		a=$(get "$BASE.1.2.1.${pair%%:*}.$row") b=$(pv "${pair#*:}")
		ok "$([ -n "$a" ] && [ -n "$b" ] && [ $((a - b)) -le 3 ] && [ $((b - a)) -le 3 ] && echo 0 || echo 1)" \
			"$f: ${pair#*:} agrees within the 2 s between scans ($a, $b)"
	done
	row=$((row + 1))
done

# --- the same states as the plugin over more trees, each served at its own --base-oid ----------
E=$(store empty)
O=$(store oldbacklog)
mkf "$O/Submit/old.ccm" 7200 10
M="$T/missing"
mkdir -p "$M/Import" "$M/Submit" # no Export
arc=212800
for tree in "$E" "$O --backlog-age-warning 1h" "$M --missing warning" "$M" "$S -c 5 -W 30m"; do
	read -r dir extra <<<"$tree"
	# shellcheck disable=SC2086
	"$SUB" -R "$dir" $extra -x "$T/agentx/master" -f --interval 5 -t 2 \
		--base-oid ".1.3.6.1.4.1.8072.9999.9999.$arc" >>"$T/trees.log" 2>&1 &
	PIDS+=("$!")
	# shellcheck disable=SC2086
	"$PLUGIN" -R "$dir" $extra >/dev/null
	want=$?
	until_ok 10 scanned_at ".1.3.6.1.4.1.8072.9999.9999.$arc"
	is "$(get ".1.3.6.1.4.1.8072.9999.9999.$arc.1.1.1.0")" "$want" \
		"same state as the plugin for -R ${dir##*/} $extra ($want)"
	arc=$((arc + 1))
done

# The shared config file: one --extra-opts section read by both programs.
INI="$T/ccmc-und.ini"
printf '[ccmc_und]\nstore = %s\ncritical = 5\nage-warning = 30m\n' "$S" >"$INI"
chmod 644 "$INI"
"$SUB" --extra-opts="ccmc_und@$INI" -x "$T/agentx/master" -f --interval 5 -t 2 \
	--base-oid ".1.3.6.1.4.1.8072.9999.9999.$arc" >"$T/xo.log" 2>&1 &
XPID=$!
PIDS+=("$XPID")
"$PLUGIN" --extra-opts="ccmc_und@$INI" >/dev/null
want=$?
until_ok 10 scanned_at ".1.3.6.1.4.1.8072.9999.9999.$arc"
is "$(get ".1.3.6.1.4.1.8072.9999.9999.$arc.1.1.1.0")/$want" "1/1" \
	"--extra-opts: the subagent and the plugin read one section and agree (warning)"
is "$(get ".1.3.6.1.4.1.8072.9999.9999.$arc.1.1.8.0")" "\"5\"" "--extra-opts: the file's -c is the subagent's threshold"
out=$("$SUB" --extra-opts="nope@$INI" -x "$T/agentx/master" -f 2>&1)
is "$?" 2 "--extra-opts: the subagent refuses a missing section (exit 2)"
like "$out" "no section [nope]" "and says which"

# A folder whose name holds |, a newline, ESC and a byte that is not UTF-8:
# the MIB's DisplayStrings get the same escaping as the plugin's output.
oarc=212900
HN="$T/odd/pi|pe"$'\n'"x"$'\e'"[2J"$'\xff'
mkdir -p "$HN"
"$SUB" -d "$HN" -x "$T/agentx/master" -f --interval 5 -t 2 \
	--base-oid ".1.3.6.1.4.1.8072.9999.9999.$oarc" >"$T/odd.log" 2>&1 &
PIDS+=("$!")
until_ok 10 scanned_at ".1.3.6.1.4.1.8072.9999.9999.$oarc"
name=$(get ".1.3.6.1.4.1.8072.9999.9999.$oarc.1.2.1.2.1")
path=$(get ".1.3.6.1.4.1.8072.9999.9999.$oarc.1.2.1.3.1")
like "$name" 'pi?pe?x?[2J' "a hostile folder name: |, the newline and ESC are ? in ccmcUndFolderName"
like "$name" 'xFF' "... the byte 0xFF is written \\xFF"
like "$path" "$T/odd/pi?pe?x?[2J" "... and in ccmcUndFolderPath"
is "$(printf '%s\n' "$name" "$path" | wc -l)" 2 "... neither splits a line"

# SIGHUP reads the file again: new thresholds take effect with a new scan.
XB=".1.3.6.1.4.1.8072.9999.9999.$arc"
printf '[ccmc_und]\nstore = %s\ncritical = 0\n' "$S" >"$INI"
kill -HUP "$XPID"
reloaded_critical() { [ "$(get "$XB.1.1.1.0")" = 2 ] && [ "$(get "$XB.1.1.8.0")" = '"0"' ]; }
until_ok 10 reloaded_critical
ok $? "SIGHUP: the new -c 0 from the file is in force (state critical, threshold \"0\")"
like "$(cat "$T/xo.log")" "reloaded: 3 folders" "SIGHUP: the reload is logged"
# A broken file is refused; the agent keeps its settings and keeps answering.
printf '[ccmc_und]\nstore = %s\ncritcal = 5\n' "$S" >"$INI"
kill -HUP "$XPID"
refused() { grep -q "reload refused" "$T/xo.log"; }
until_ok 10 refused
ok $? "SIGHUP with a broken file: refused, and logged ($(grep -o "reload refused.*" "$T/xo.log" | head -c 90))"
is "$(get "$XB.1.1.8.0")/$(kill -0 "$XPID" && echo up)" '"0"/up' "the old settings stay, and the agent runs on"
# Keys that would end a program, read again by a reload: refused, never obeyed.
for key in help version; do
	printf '[ccmc_und]\nstore = %s\ncritical = 0\n%s =\n' "$S" "$key" >"$INI"
	n=$(grep -c "reload refused" "$T/xo.log")
	kill -HUP "$XPID"
	refused_again() { [ "$(grep -c "reload refused" "$T/xo.log")" -gt "$n" ]; }
	until_ok 10 refused_again
	ok $? "SIGHUP with '$key =' in the file: the reload is refused and logged"
	is "$(kill -0 "$XPID" 2>/dev/null && echo up)/$(get "$XB.1.1.8.0")" 'up/"0"' \
		"SIGHUP with '$key =': the agent runs on with its settings"
done
# A reload that names one more folder keeps what the others served: Import, unreadable across
# the reload, keeps its last good count, stale, instead of starting again from 0.
mkdir -p "$T/extra"
S2=$(store hup)
mkf "$S2/Import/a.und" 600 10
mkf "$S2/Import/b.und" 60 10
printf '[ccmc_und]\nstore = %s\ncritical = 0\n' "$S2" >"$INI"
kill -HUP "$XPID"
xb_import_read() { get "$XB.1.2.1.3.1" | grep -qF "$S2/Import" && [ "$(get "$XB.1.2.1.4.1")" = 2 ]; }
until_ok 15 xb_import_read
mv "$S2/Import" "$S2/Import.hup"
xb_import_failed() { [ "$(get "$XB.1.2.1.11.1")" = 1 ]; }
until_ok 15 xb_import_failed
printf '[ccmc_und]\nstore = %s\ncritical = 0\ndir = %s\n' "$S2" "$T/extra" >"$INI"
kill -HUP "$XPID"
four_rows() { get "$XB.1.2.1.3.4" | grep -qF "$T/extra"; }
until_ok 15 four_rows
ok $? "SIGHUP adding a folder: a fourth row"
is "$(get "$XB.1.2.1.4.1")/$(get "$XB.1.2.1.13.1")/$(get "$XB.1.1.2.0")" "2/1/2" \
	"... Import, still unreadable, keeps its last good count (2), stale, and the total keeps it"
# Other folders: the rows follow them.
printf '[ccmc_und]\nstore = %s\n' "$E" >"$INI"
kill -HUP "$XPID"
rows_follow() { get "$XB.1.2.1.3.1" | grep -qF "$E/Import" && [ "$(get "$XB.1.1.1.0")" = 0 ]; }
until_ok 10 rows_follow
ok $? "SIGHUP with another store: the rows show its folders, and its state (ok)"

# --- the MIB's names, a walk and a table ------------------------------------------------------
walk=$(snmpwalk -v2c -c public "${MIBOPTS[@]}" "127.0.0.1:$PORT" CCMC-UND-MIB::ccmcUndMIB 2>&1)
like "$walk" "CCMC-UND-MIB::ccmcUndFolderName.1 = STRING: Import" "snmpwalk names the objects with the MIB"
is "$(printf '%s\n' "$walk" | grep -c '^CCMC-UND-MIB::')" 55 "the walk returns 16 scalars and 3 rows of 13 columns"
unlike "$walk" "Wrong Type" "every value has the type the MIB gives it"
tab=$(snmptable -v2c -c public -Cf , "${MIBOPTS[@]}" "127.0.0.1:$PORT" CCMC-UND-MIB::ccmcUndFolderTable 2>&1)
printf '%s\n' "$tab" | grep -qE "^Import,$S/Import,2,72[0-9][0-9] seconds,6[0-9][0-9] seconds,350 bytes,0,"
ok $? "snmptable reads the folder table (Import: 2 files, oldest 2 h, newest 10 min, 350 bytes)"
like "$tab" "critical,noError," "snmptable shows the state as its name"

# --- read-only ---------------------------------------------------------------------------------
out=$(snmpset -v2c -c private -t 1 -r 0 "127.0.0.1:$PORT" "$BASE.1.1.2.0" u 5 2>&1)
like "$out" "notWritable" "a SET is refused (notWritable)"
is "$(get "$BASE.1.1.2.0")" 2 "and changes nothing"

# --- check_snmp, an independent client -----------------------------------------------------------
"$CHECK_SNMP" -H 127.0.0.1 -p "$PORT" -C public -o "$BASE.1.1.1.0" -w 0:0 -c 0:1 >"$T/cs.out"
is "$?" "$prc" "check_snmp on ccmcUndState returns the plugin's state ($(head -c 60 "$T/cs.out"))"

# --- a state change: exactly one notification ----------------------------------------------------
traps_now() { grep -c "OID: $BASE.0.1" "$T/traps.log" 2>/dev/null; }
has_trap() { [ "$(traps_now)" -ge 1 ]; }
scan_time_is_not() { [ "$(get "$BASE.1.1.4.0")" != "$1" ]; }
is "$(traps_now)" 0 "no notification while nothing changes"
mkf "$S/Export/new.und" 10 5
until_ok 10 has_trap
ok $? "a new .und file in Export brings a ccmcUndStateChange to snmptrapd"
# Two more scans must not repeat it.
scans=$(get "$BASE.1.1.4.0")
until_ok 10 scan_time_is_not "$scans"
scans=$(get "$BASE.1.1.4.0")
until_ok 10 scan_time_is_not "$scans"
is "$(traps_now)" 1 "exactly one notification for the change, after two more scans"
like "$(cat "$T/traps.log")" "$BASE.1.2.1.2.2 = STRING: \"Export\"" "the notification names the folder"
like "$(cat "$T/traps.log")" "$BASE.1.3.1.2 = INTEGER: 0" "... and its previous state (ok)"
like "$(cat "$T/traps.log")" "$BASE.1.2.1.10.2 = INTEGER: 2" "... and its new state (critical)"

# --- a folder that cannot be read: unknown, its counts kept and marked stale ----------------------
# One rule for every failure (the MIB's DESCRIPTIONs): a drop to 0 would read as a fix on a graph.
is "$(get "$BASE.1.2.1.13.1")/$(get "$BASE.1.1.16.0")" "2/2" \
	"a folder the last scan read is not stale, nor are the totals (ccmcUndFolderStale, ccmcUndCountsStale false)"
total=$(get "$BASE.1.1.2.0")
mv "$S/Import" "$S/Import.away"
import_failed() { [ "$(get "$BASE.1.2.1.11.1")" = 1 ]; }
until_ok 10 import_failed
ok $? "Import moved away: the next scan flags it (ccmcUndFolderErrorFlag error)"
is "$(get "$BASE.1.2.1.10.1")" 3 "its state is unknown"
is "$(get "$BASE.1.2.1.4.1")/$(get "$BASE.1.2.1.7.1")" "2/350" \
	"its count and bytes stay those of its last good read (2 files, 350 bytes), not 0"
is "$(get "$BASE.1.2.1.13.1")" 1 "and are marked stale (ccmcUndFolderStale true)"
is "$(get "$BASE.1.1.2.0")" "$total" "the total does not drop ($total)"
is "$(get "$BASE.1.1.16.0")" 1 "ccmcUndCountsStale is true"
is "$(get "$BASE.1.2.1.13.2")" 2 "Export, read by the same scans, is not stale"
aged() { [ "$(get "$BASE.1.2.1.14.1")" -ge 5 ] && [ "$(get "$BASE.1.1.15.0")" -ge 5 ]; }
until_ok 20 aged
ok $? "as scans keep failing, Import's last read and the last good scan age (now $(get "$BASE.1.2.1.14.1") s, $(get "$BASE.1.1.15.0") s)"
export_age=$(get "$BASE.1.2.1.14.2")
ok "$([ "$export_age" -le 3 ]; echo $?)" "Export's last read stays within a scan interval ($export_age s, --interval 2)"
mv "$S/Import.away" "$S/Import"
fresh() { [ "$(get "$BASE.1.2.1.13.1")" = 2 ] && [ "$(get "$BASE.1.1.15.0")" -le 3 ]; }
until_ok 10 fresh
ok $? "Import back: the next scan reads it, not stale, the last good scan within an interval"
is "$(get "$BASE.1.2.1.11.1")/$(get "$BASE.1.1.16.0")" "0/2" "no error flag, the totals not stale"

# --- a scan that hangs: its process is stopped, as a stat on a lost share stops it --------------
H=$(store hung)
"$top_builddir/tests/mkfiles" -u 5 "$H/Import" 100000
HB=.1.3.6.1.4.1.8072.9999.9999.212789
"$SUB" -R "$H" -x "$T/agentx/master" -f --interval 3 -t 1 --base-oid "$HB" >"$T/hung.log" 2>&1 &
HPID=$!
PIDS+=("$HPID")
# Catch a scan process (it lives tens of ms on 100k entries) and stop it.
stopped=
end=$((SECONDS + 20))
while [ -z "$stopped" ] && [ "$SECONDS" -lt "$end" ]; do
	for c in $(pgrep -P "$HPID"); do kill -STOP "$c" 2>/dev/null && stopped=$c; done
done
ok "$([ -n "$stopped" ] && echo 0 || echo 1)" "a scan process was caught and stopped (pid ${stopped:-none})"
hung_unknown() { [ "$(get "$HB.1.1.1.0")" = 3 ] && get "$HB.1.2.1.12.1" | grep -q "timed out"; }
until_ok 10 hung_unknown
ok $? "the stuck scan is abandoned: state unknown, the error message says the scan timed out"
like "$(get "$HB.1.2.1.12.1")" "scan timed out after 1s" "the message gives the time-out"
t0=$(date +%s%N)
v=$(get "$HB.1.1.6.0")
ms=$((($(date +%s%N) - t0) / 1000000))
ok "$([ -n "$v" ] && [ "$v" -ge 1 ] && [ "$ms" -lt 1000 ] && echo 0 || echo 1)" \
	"a GET meanwhile is answered at once (${ms} ms, by snmpget), and counts the scan error ($v)"
gone_stopped() { ! kill -0 "$stopped" 2>/dev/null || [ "$(ps -o stat= -p "$stopped" | cut -c1)" = Z ]; }
until_ok 5 gone_stopped
ok $? "the abandoned scan process is killed"
recovered() { [ "$(get "$HB.1.1.1.0")" != 3 ]; }
until_ok 10 recovered
ok $? "the next scan, not stopped, brings the state back ($(get "$HB.1.1.1.0"))"

# --- valgrind: a second subagent under memcheck takes 10,000 GETs and the master restart below ----
VB=.1.3.6.1.4.1.8072.9999.9999.212791
VG=
if readelf -d "$SUB" | grep -q 'libasan'; then
	skip "valgrind: this is an ASan build; LeakSanitizer checks the subagent's exit instead"
else
	command -v valgrind >/dev/null || { echo "Bail out! valgrind is missing (apt-get install valgrind)"; exit 1; }
	printf '[vg]\nstore = %s\n' "$S" >"$T/vg.ini"
	chmod 644 "$T/vg.ini"
	valgrind --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --child-silent-after-fork=yes \
		--log-file="$T/valgrind.log" \
		"$SUB" --extra-opts="vg@$T/vg.ini" -x "$T/agentx/master" -f --interval 2 -t 1 --ping-interval 1 --base-oid "$VB" \
		>"$T/vg-sub.log" 2>&1 &
	VG=$!
	PIDS+=("$VG")
	until_ok 60 scanned_at "$VB"
	ok $? "a subagent under valgrind registers and completes a scan"
fi

# --- 10,000 GETs from one client (under --enable-asan, LeakSanitizer checks the exit below) -----
LOOP="$top_builddir/bench/snmpget_loop"
out=$("$LOOP" "127.0.0.1:$PORT" public "$BASE.1.2.1.4.1" 10000 2>&1)
ok $? "10,000 sequential GETs all answered (median and p99 ms: $(printf '%s' "$out" | tr '\t' ' '))"
if [ -n "$VG" ]; then
	out=$("$LOOP" "127.0.0.1:$PORT" public "$VB.1.2.1.4.1" 10000 2>&1)
	ok $? "under valgrind: 10,000 sequential GETs all answered ($(printf '%s' "$out" | tr '\t' ' '))"
	# Two reloads, one refused, so their frees run under memcheck too.
	printf '[vg]\nstore = %s\ncritical = 9\n' "$S" >"$T/vg.ini"
	kill -HUP "$VG"
	vg_reloaded() { [ "$(get "$VB.1.1.8.0")" = '"9"' ]; }
	until_ok 30 vg_reloaded
	ok $? "under valgrind: a SIGHUP reload takes effect"
	printf '[vg]\nstore = %s\nnope = 1\n' "$S" >"$T/vg.ini"
	kill -HUP "$VG"
	vg_refused() { grep -q "reload refused" "$T/vg-sub.log"; }
	until_ok 30 vg_refused
	ok $? "under valgrind: a broken file is refused"
fi

# --- the master restarts ---------------------------------------------------------------------------
kill "$SNMPD"
wait "$SNMPD" 2>/dev/null
start_snmpd
t0=$SECONDS
until_ok 15 answers
ok $? "after snmpd restarts, the subagent answers again (in $((SECONDS - t0)) s, ping interval 1 s)"
if [ -n "$VG" ]; then
	vg_answers() { scanned_at "$VB"; }
	until_ok 30 vg_answers
	ok $? "under valgrind: the subagent answers again after the restart"
	kill -TERM "$VG"
	wait "$VG"
	vrc=$?
	is "$vrc" 0 "under valgrind: SIGTERM, exit 0 (99 would be a memory error or a leak)"
	like "$(cat "$T/valgrind.log")" "HEAP SUMMARY" "valgrind: the leak check ran at exit"
	like "$(cat "$T/valgrind.log")" "ERROR SUMMARY: 0 errors" "valgrind: no invalid read, write or jump"
	lost=$(grep -E "definitely lost|indirectly lost" "$T/valgrind.log" | grep -v ": 0 bytes" | head -2)
	is "$lost" "" "valgrind: nothing definitely or indirectly lost"
	[ "$vrc" = 0 ] || sed 's/^/# /' "$T/valgrind.log" | head -60
fi

# --- a daemon with a pidfile; one instance per pidfile --------------------------------------------
"$SUB" -R "$S" -x "$T/agentx/master" --base-oid .1.3.6.1.4.1.8072.9999.9999.212790 -p "$T/sub.pid" \
	--interval 5 -t 2
is "$?" 0 "without -f the subagent detaches (the starting process exits 0)"
until_ok 10 test -s "$T/sub.pid"
dpid=$(cat "$T/sub.pid" 2>/dev/null)
ok "$([ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null && [ "$(ps -o ppid= -p "$dpid" | tr -d ' ')" = 1 ] && echo 0 || echo 1)" \
	"the pidfile names the running daemon, reparented to init ($dpid)"
daemon_answers() { scanned_at .1.3.6.1.4.1.8072.9999.9999.212790 && get .1.3.6.1.4.1.8072.9999.9999.212790.1.1.2.0 | grep -qx 3; }
until_ok 10 daemon_answers
ok $? "the daemon answers through snmpd (3 .und files)"
out=$("$SUB" -R "$S" -x "$T/agentx/master" -f -p "$T/sub.pid" --interval 5 -t 2 2>&1)
is "$?/$out" "1/ccmc_und_subagent: another instance holds $T/sub.pid" "a second instance on the same pidfile exits 1"
kill -TERM "$dpid"
gone() { ! kill -0 "$dpid" 2>/dev/null; }
until_ok 10 gone
ok $? "the daemon stops on SIGTERM"

# --- SIGTERM -----------------------------------------------------------------------------------------
kill -TERM "$SUBPID"
wait "$SUBPID"
is "$?" 0 "SIGTERM: the subagent exits 0"
like "$(cat "$T/sub.log")" "stopping" "SIGTERM: it says it is stopping"

done_testing
