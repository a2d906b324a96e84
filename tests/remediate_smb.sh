#!/bin/bash
# The handler on an smb:// store: a private smbd on loopback
# serves the store, the quarantine is local. Each quarantined file is
# byte-identical to its original and its manifest hash is the original's;
# a file the server will not delete, or that changes while it is read,
# stays; a kill at any local write, rename, unlink or sync, or at any
# request to the server, is finished by the next run; a server killed or
# stopped mid-copy ends the moving and the connector is started again.
. "$top_srcdir/tests/smbstore_lib.sh"

# --- a plain run: every file moved, byte-identical, with the original's hash ---------------------
fresh_smb
und Import a.und
und Import B.UND
und Import 'fifty% off #1 &more é.und'
und Export d.und
und Export e.Und
served
handler CRITICAL HARD 1
is "$RC" 0 "smb://: exit 0"
like "$FIRST" "REMEDIATED: moved 5 .und files (Import 3, Export 2) to $Q/" "smb://: the summary counts both folders"
no_loss "smb://"
is "$(count_in "$S")" 0 "smb://: the store holds no .und file"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "5/0" "smb://: five manifest lines, each hash the original's and the copy's"
is "$(cut -f2 "$(run_folder)/manifest.tsv" | grep -c "^$URL/Import\$")" 3 "smb://: the manifest's folder is the server's URL"
ok "$([ -f "$(run_folder)/smb/127.0.0.1:$PORT/c\$/store/Import/fifty% off #1 &more é.und" ]; echo $?)" \
	"smb://: a name with %, #, & and é keeps its name in the quarantine"
is "$(calls)" "status stop status start status status" "smb://: the connector was stopped and started, and confirmed before the run was closed"
is "$(tail -n 1 "$SD/journal.tsv" | cut -f3,4)" "end	done" "smb://: the journal says the run ended"
is "$(leftovers)" 0 "smb://: no temp copy is left"
mt=$(find "$(run_folder)" -name a.und -printf '%T@')
is "${mt%%.*}" "$(grep -m1 'a.und' "$(run_folder)/manifest.tsv" | cut -f5 | xargs -I{} date -d {} +%s)" \
	"smb://: the copy keeps the server's write time"

# --- more files than one batch (256): each batch's deletes follow the copies asked in advance ----
fresh_smb
for i in $(seq 300); do printf 'NDR %s\n' "$i" >"$S/Import/m$i.und"; done
sha256sum "$S"/Import/* | cut -d' ' -f1 >"$ORIG"
served
handler CRITICAL HARD 1
is "$RC/${FIRST%%; connector*}" "0/REMEDIATED: moved 300 .und files (Import 300) to $(run_folder)" \
	"300 files, two batches: all moved"
no_loss "300 files"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "300/0" "300 files: 300 manifest lines, each hash the original's"

# --- nothing to do, a dry run, and refusals before anything is touched ---------------------------
fresh_smb
served
handler CRITICAL HARD 1
is "$RC/$FIRST" "0/NOTHING TO DO: no .und files" "smb://, an empty store: nothing to do"
und Import a.und
served
handler -n CRITICAL HARD 1
like "$FIRST" "DRY RUN: would move 1 .und file" "smb://, dry run: counts the file"
like "$OUT" "would move $URL/Import/a.und" "smb://, dry run: names it by its URL"
is "$(count_in "$S")" 1 "smb://, dry run: nothing touched"
printf 'username = exadmin\npassword = wrong\n' >"$T/bad.auth"
chmod 600 "$T/bad.auth"
FOLDERS=(-R "$URL" -A "$T/bad.auth")
handler CRITICAL HARD 1
is "$RC" 3 "a wrong password: exit 3"
like "$FIRST" "FAILED: " "a wrong password: FAILED"
like "$FIRST" "nothing touched" "a wrong password: nothing touched"
ok "$([ ! -e "$C/calls" ]; echo $?)" "a wrong password: the connector was not stopped"
chmod 644 "$T/bad.auth"
FOLDERS=(-R "$URL" -A "$T/bad.auth")
handler CRITICAL HARD 1
is "$RC" 2 "an auth file others can read: exit 2"
FOLDERS=(-R "$URL" -A "$A" --smb-protocol SMB3:NT1)
handler CRITICAL HARD 1
is "$RC" 2 "--smb-protocol newest first: exit 2"
FOLDERS=(-R "$URL" -A "$A")

# --- a file the server refuses to delete: copied, kept in place, reported, retried ---------------
fresh_smb
und Import a.und
und Import ro.und
served
smbc 'setmode store/Import/ro.und +r'
handler CRITICAL HARD 1
is "$RC" 1 "a read-only file: exit 1"
like "$FIRST" "PARTIAL: moved 1 of 2 .und files (Import 1)" "a read-only file: the other moved"
like "$OUT" "left in place: $URL/Import/ro.und (the server refused to delete it" "a read-only file: named, with why"
ok "$([ -f "$S/Import/ro.und" ] && [ -z "$(find "$Q" -name 'ro.und*')" ]; echo $?)" \
	"a read-only file: it stays on the share, and its copy is gone"
no_loss "a read-only file"
is "$(connector_state)" running "a read-only file: the connector runs"
handler CRITICAL HARD 1
is "$RC" 1 "still read-only, the next run: exit 1 again"
smbc 'setmode store/Import/ro.und -r'
handler CRITICAL HARD 1
is "$RC/$(count_in "$S")" "0/0" "writable again: the next run moves it"
no_loss "a read-only file, later moved"

# --- a file that changes while it is read: not deleted, moved by the next run -------------------
# run_paused ACTION ARGS...: runs the handler, stops it (SIGSTOP) once its copy of big.und has
# begun and before it ends (the helper then waits on the pipe), runs ACTION, and lets it go on.
run_paused() {
	local action=$1 hpid
	shift
	handler_opts
	"$HANDLER" "${HOPTS[@]}" "$@" >"$T/out" 2>&1 &
	hpid=$!
	"$PERL" -MFile::Find -MTime::HiRes=sleep -e '
		my ($q, $pid, $size) = @ARGV;
		for (1 .. 30000) {
			my $tmp;
			find(sub { $tmp = $File::Find::name if /^\.ccmc-.*\.tmp$/ && -s $_ }, $q) if -d $q;
			if ($tmp) {
				kill "STOP", $pid;
				exit((-s $tmp // $size) < $size ? 0 : 1);
			}
			sleep 0.001;
		}
		exit 2' "$Q" "$hpid" "$(stat -c %s "$S/Import/big.und")"
	PAUSED=$?
	$action
	kill -CONT "$hpid"
	wait "$hpid"
	RC=$?
	OUT=$(cat "$T/out")
	FIRST=${OUT%%$'\n'*}
}
big_setup() {
	fresh_smb
	und Import big.und
	head -c $((96 * 1024 * 1024)) /dev/urandom >>"$S/Import/big.und"
	sha256sum <"$S/Import/big.und" | cut -d' ' -f1 >"$ORIG"
	served
}
grow() { printf 'a retry, appended as the connector before SP3 does\n' >>"$S/Import/big.und"; }
rewrite() { printf 'XXXXXXXX' | dd of="$S/Import/big.und" bs=1 seek=4096 conv=notrunc status=none; }
for change in grow rewrite; do
	big_setup
	run_paused $change CRITICAL HARD 1
	is "$PAUSED" 0 "$change: the handler was stopped mid-copy"
	is "$RC" 1 "$change while copied: exit 1"
	like "$OUT" "left in place: $URL/Import/big.und (changed while it was copied)" "$change while copied: not deleted, and said why"
	sha256sum <"$S/Import/big.und" | cut -d' ' -f1 >"$ORIG"
	no_loss "$change while copied"
	is "$(leftovers)" 0 "$change while copied: the partial copy is removed"
	handler CRITICAL HARD 1
	is "$RC" 0 "$change while copied: the next run moves it"
	no_loss "$change while copied, then moved"
done

# --- a file replaced between its copy and its delete: both are kept --------------------------------
# The handler is stopped (SIGSTOP, by strace) at its first rename, after the copy is durable and
# recorded and before any delete; another file, of the same size and times, takes the name.
fresh_smb
printf 'NDR original\n' >"$S/Import/x.und"
sha256sum <"$S/Import/x.und" | cut -d' ' -f1 >"$ORIG"
served
handler_opts
"$STRACE" -qq -o "$T/strace.log" -e trace=renameat2 -e inject=renameat2:signal=SIGSTOP:when=1 "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1 >"$T/out" 2>&1 &
spid=$!
# Stopped by the injected SIGSTOP, as strace logs it: the process state alone ("t") is also what
# each traced call shows for a moment, and a SIGCONT sent then would be lost.
stopped() { grep -q -- "--- stopped by SIGSTOP ---" "$T/strace.log" 2>/dev/null; }
until_ok 30 stopped
ok $? "the handler stopped at its first rename"
cp -p "$S/Import/x.und" "$T/ref"
printf 'NDR impostor\n' >"$T/new.und"
touch -r "$T/ref" "$T/new.und"
chown exadmin "$T/new.und"
mv "$T/new.und" "$S/Import/x.und"
sha256sum <"$S/Import/x.und" | cut -d' ' -f1 >>"$ORIG"
pkill -CONT -P "$spid"
wait "$spid"
RC=$?
OUT=$(cat "$T/out")
is "$RC" 1 "a file replaced before its delete: exit 1"
like "$OUT" "left in place: $URL/Import/x.und (changed since it was copied; the copy is kept in the quarantine)" \
	"a file replaced before its delete: not deleted, and its copy kept"
no_loss "a file replaced before its delete"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "1/0" "the kept copy has its manifest line"
handler CRITICAL HARD 1
is "$RC" 0 "the next run moves the new file"
no_loss "a file replaced before its delete, then the next run"

# --- the server killed, or stopped past --deadline, mid-copy -------------------------------------
kill_server() { pkill -KILL -f "smbd -D -s $SMBDIR/smb.conf"; }
big_setup
run_paused kill_server CRITICAL HARD 1
is "$PAUSED" 0 "smbd killed: the handler was stopped mid-copy first"
is "$RC" 3 "smbd killed mid-copy: exit 3"
like "$FIRST" "FAILED: moved 0 of 1 .und file to $Q/" "smbd killed mid-copy: nothing moved"
like "$FIRST" "; smb://127.0.0.1:$PORT/c\$: read: " "smbd killed mid-copy: the summary names the server and the step"
is "$(connector_state)" running "smbd killed mid-copy: the connector runs"
is "$(leftovers)" 0 "smbd killed mid-copy: no temp copy is left"
no_loss "smbd killed mid-copy"
serve
handler CRITICAL HARD 1
is "$RC/$(count_in "$S")" "0/0" "smbd back: the next run moves the file"
no_loss "smbd killed, then back"

stop_server_now() { pkill -STOP -f "smbd -D -s $SMBDIR/smb.conf"; }
big_setup
t0=$(date +%s%N)
run_paused stop_server_now --deadline 8s --stop-timeout 2s --start-timeout 2s CRITICAL HARD 1
took=$((($(date +%s%N) - t0) / 1000000))
pkill -CONT -f "smbd -D -s $SMBDIR/smb.conf"
is "$PAUSED" 0 "smbd stopped: the handler was stopped mid-copy first"
# A server that stops answering and one slower than the deadline look alike: the deadline it is.
is "$RC" 1 "smbd stopped mid-copy: exit 1"
like "$FIRST" "PARTIAL: moved 0 of 1 .und file to $Q/" "smbd stopped: nothing moved"
like "$FIRST" "; deadline reached, 1 left for the next run; connector restarted in" \
	"smbd stopped: the summary says the deadline was reached, and the connector restarted"
ok "$([ "$took" -le 9000 ]; echo $?)" "smbd stopped: the run ended within --deadline + 1 s ($took ms)"
is "$(connector_state)" running "smbd stopped: the connector runs"
no_loss "smbd stopped mid-copy"
handler CRITICAL HARD 1
is "$RC/$(count_in "$S")" "0/0" "smbd going again: the next run moves the file"

# A server that hangs before anything is touched: the run gives up within its 5 s step limit.
fresh_smb
und Import a.und
served
pkill -STOP -f "smbd -D -s $SMBDIR/smb.conf"
t0=$(date +%s%N)
handler CRITICAL HARD 1
took=$((($(date +%s%N) - t0) / 1000000))
pkill -CONT -f "smbd -D -s $SMBDIR/smb.conf"
is "$RC" 3 "smbd stopped before the run: exit 3"
like "$FIRST" "nothing touched" "smbd stopped before the run: nothing touched"
ok "$([ ! -e "$C/calls" ] || ! grep -q stop "$C/calls"; echo $?)" "smbd stopped before the run: the connector was not stopped"
ok "$([ "$took" -le 7000 ]; echo $?)" "smbd stopped before the run: it gave up within 7 s ($took ms)"
no_loss "smbd stopped before the run"

# --- a delete whose answer is lost: the next run asks the server again --------------------------
fresh_smb
und Import a.und
und Import b.und
served
traced sendto CRITICAL HARD 1
n=$(calls_of sendto | grep -n '"del ' | head -n 1 | cut -d: -f1)
fresh_smb
und Import a.und
und Import b.und
served
injected "sendto:error=EPIPE:when=$n" CRITICAL HARD 1
is "$RC" 3 "the helper lost at the first delete, nothing confirmed moved: exit 3"
like "$FIRST" "copied whose removal on the server is not confirmed, which the next run settles" \
	"the helper lost: the summary says the deletes are unsettled"
like "$OUT" "copied, its removal on the server not confirmed (the next run settles it): $URL/Import/" \
	"the helper lost: the files are named"
is "$(tail -n 1 "$SD/journal.tsv" | cut -f3)" start "the helper lost: the run stays unfinished in the journal"
is "$(connector_state)" running "the helper lost: the connector runs"
handler CRITICAL HARD 1
is "$RC" 0 "the next run: exit 0"
like "$FIRST" "finished interrupted run" "the next run: it finished the interrupted run"
no_loss "a lost delete, settled by the next run"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD/$(quarantined)" "2/0/2" "a lost delete: each copy has one manifest line"

# --- the whole loop under Nagios 4, as nagios: the check and the handler both on smb:// ------------
NAGIOS=/usr/sbin/nagios4
if [ -x "$NAGIOS" ] && id nagios >/dev/null 2>&1; then
	fresh_smb
	N="$T/nag"
	L="$N/libexec"
	mkdir -p "$N/rw" "$N/spool" "$L/eventhandlers" "$N/q" "$N/state"
	cp "$top_builddir/plugin/check_ccmc_und" "$L/"
	cp "$HANDLER" "$L/eventhandlers/"
	cp "$HELPER" "$L/ccmc_und_smb"
	cp "$top_builddir/examples/ccmc-sim/ccmc-sim" "$L/"
	install -m 0640 -o root -g nagios "$A" "$N/exch55.auth"
	# The connector (ccmc-sim, as nagios) works on the share's folders; the share's user deletes.
	chmod 0777 "$S" "$S"/*
	SIM=("$L/ccmc-sim" -R "$S" --poll 0.2)
	printf '[ccmc_und]\nstore = %s\nauthentication-file = %s\n' "$URL" "$N/exch55.auth" >"$N/ccmc-und.ini"
	cat >"$N/remediate.conf" <<CONF
store               = $URL
authentication-file = $N/exch55.auth
quarantine          = $N/q
state-dir           = $N/state
stop-cmd    = $L/ccmc-sim -R $S stop
start-cmd   = $L/ccmc-sim -R $S --poll 0.2 start
status-cmd  = $L/ccmc-sim -R $S status
stop-timeout  = 5s
start-timeout = 5s
CONF
	chgrp nagios "$N/remediate.conf" "$N/ccmc-und.ini"
	chmod 640 "$N/remediate.conf" "$N/ccmc-und.ini"
	{
		nagios_common_objects
		cat <<EOF
define command {
    command_name check_ccmc_und
    command_line $L/check_ccmc_und --extra-opts=ccmc_und@$N/ccmc-und.ini -t 20
}
define command {
    command_name ccmc_und_remediate
    command_line $L/eventhandlers/ccmc_und_remediate -f $N/remediate.conf \$SERVICESTATE\$ \$SERVICESTATETYPE\$ \$SERVICEATTEMPT\$
}
define host {
    host_name exchange1
    address 127.0.0.1
    check_command always-true
    max_check_attempts 1
    check_period 24x7
    notification_period 24x7
    contacts nobody-here
}
define service {
    host_name exchange1
    service_description ccmc-und
    check_command check_ccmc_und
    check_period 24x7
    notification_period 24x7
    notifications_enabled 0
    contacts nobody-here
    max_check_attempts 1
    check_interval 1
    retry_interval 1
    event_handler ccmc_und_remediate
    event_handler_enabled 1
}
EOF
	} >"$N/objects.cfg"
	{
		printf 'cfg_file=%s/objects.cfg\n' "$N"
		nagios_main_cfg "$N"
		printf 'log_event_handlers=1\nenable_event_handlers=1\nevent_handler_timeout=30\n'
	} >"$N/nagios.cfg"
	chown -R nagios:nagios "$N/rw" "$N/spool" "$N/q" "$N/state"
	chown nagios:nagios "$N"
	chmod 700 "$N/q" "$N/state"
	as_nagios() { setpriv --reuid=nagios --regid=nagios --init-groups -- "$@"; }
	as_nagios "${SIM[@]}" start >/dev/null
	as_nagios "${SIM[@]}" send 3
	und_file=$(as_nagios "${SIM[@]}" reject Import)
	und_sum=$(sha256sum <"$und_file" | cut -d' ' -f1)
	CCMC_UND_SMB_HELPER="$L/ccmc_und_smb" "$NAGIOS" "$N/nagios.cfg" >"$N/stdout" 2>&1 &
	NPID=$!
	logged() { grep -qF "$1" "$N/nagios.log" 2>/dev/null; }
	until_ok 60 logged "SERVICE ALERT: exchange1;ccmc-und;CRITICAL;HARD;1;CCMC_UND CRITICAL - 1 .und file: Import 1"
	ok $? "Nagios, as nagios: the check over smb:// goes CRITICAL"
	until_ok 30 logged "SERVICE EVENT HANDLER: exchange1;ccmc-und;CRITICAL;HARD;1;ccmc_und_remediate"
	ok $? "Nagios runs the handler"
	until_ok 60 logged "SERVICE ALERT: exchange1;ccmc-und;OK;HARD;1;CCMC_UND OK - no .und files"
	ok $? "Nagios: OK again once the handler moved the file over smb://"
	q=$(find "$N/q" -iname '*.und')
	is "$(sha256sum <"$q" | cut -d' ' -f1)" "$und_sum" "the quarantined file is byte-identical"
	is "$(stat -c %U "$q")" nagios "the handler ran as nagios"
	ok "$([ "$(grep -c ' started ' "$S/ccmc-sim.log")" -ge 2 ]; echo $?)" "the handler restarted the connector"
	unlike "$(cat "$N/nagios.log")" "Warning: Event handler command" "no event handler time-out or error in the log"
	kill "$NPID"
	wait "$NPID" 2>/dev/null
	as_nagios "${SIM[@]}" stop >/dev/null
else
	skip "Nagios over smb://: nagios4 is not installed"
fi

# --- the sweep's findings on time: no wait goes past the deadline, the connector first ------------
smbd_pids() { pgrep -f "smbd -D -s $SMBDIR/smb.conf" | tr '\n' ' '; }
# A killed run left the connector stopped and its deletes unsettled; the server then hangs. The next
# run starts the connector before it touches the server, and ends within its deadline.
fresh_smb
for i in 1 2 3; do und Import "k$i.und"; done
served
traced sendto CRITICAL HARD 1
n=$(calls_of sendto | grep -n '"del ' | head -n 1 | cut -d: -f1)
fresh_smb
for i in 1 2 3; do und Import "k$i.und"; done
served
injected "sendto:signal=SIGKILL:when=$n" CRITICAL HARD 1
is "$RC/$(connector_state)" "137/stopped" "killed at its first delete: the connector is left stopped"
kill -STOP $(smbd_pids)
t0=$(date +%s%N)
handler --deadline 8s --stop-timeout 2s --start-timeout 2s CRITICAL HARD 1
took=$((($(date +%s%N) - t0) / 1000000))
kill -CONT $(smbd_pids)
is "$(connector_state)" running "the server hung, the next run: the connector runs again"
like "$FIRST" "the connector an interrupted run had stopped was started again" "... and the summary says so"
ok "$([ "$took" -le 9000 ]; echo $?)" "... within --deadline + 1 s ($took ms)"
# Copies whose deletes are not settled yet: every file is there, some twice until the next run.
ok "$([ -z "$(comm -23 <(sort -u "$ORIG") <(present | sort -u))" ]; echo $?)" \
	"a killed run, then a hung server: no file lost (the unsettled ones are in both places)"
handler CRITICAL HARD 1
is "$RC/$(count_in "$S")" "0/0" "the server back: the next run finishes the killed run and moves the rest"
no_loss "a killed run, a hung server, then a run"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD/$(quarantined)" "3/0/3" "... each copy with one manifest line"

# The server hangs while the deletes of 300 files are being sent: the run ends within its deadline.
fresh_smb
for i in $(seq 300); do printf 'NDR %s\n' "$i" >"$S/Import/$(printf 'a-long-name-for-message-%0120d' "$i").und"; done
sha256sum "$S"/Import/* | cut -d' ' -f1 >"$ORIG"
served
handler_opts
rm -f "$T/strace.log"
"$STRACE" -qq -o "$T/strace.log" -e trace=sendto -e inject=sendto:signal=SIGSTOP:when=$((300 + 2)) "$HANDLER" "${HOPTS[@]}" \
	--deadline 12s --stop-timeout 2s --start-timeout 2s CRITICAL HARD 1 >"$T/out" 2>&1 &
spid=$!
until_ok 60 stopped
kill -STOP $(smbd_pids)
t0=$(date +%s%N)
pkill -CONT -P "$spid"
wait "$spid"
RC=$?
took=$((($(date +%s%N) - t0) / 1000000))
kill -CONT $(smbd_pids)
FIRST=$(head -n 1 "$T/out")
ok "$([ "$RC" -eq 1 ] || [ "$RC" -eq 3 ]; echo $?)" "the server hung mid-deletes: exit 1 or 3 ($RC: ${FIRST:0:160})"
ok "$([ "$took" -le 14000 ]; echo $?)" "the server hung mid-deletes: the run ended within its deadline ($took ms after the hang)"
is "$(connector_state)" running "the server hung mid-deletes: the connector runs"
ok "$([ -z "$(comm -23 <(sort -u "$ORIG") <(present | sort -u))" ]; echo $?)" \
	"the server hung mid-deletes: no file lost (the unsettled ones are in both places)"
handler CRITICAL HARD 1
is "$RC/$(count_in "$S")" "0/0" "the server back: the next run settles and moves everything"
no_loss "the server hung mid-deletes, then a run"

# Times before 1970 are kept, to the second, in the manifest and on the copy.
fresh_smb
und Import old.und
touch -d '1960-06-01 12:00:00.9' "$S/Import/old.und"
served
handler CRITICAL HARD 1
is "$RC" 0 "a file from 1960: moved"
is "$(cut -f5 "$(run_folder)/manifest.tsv" | tail -n 1)" "1960-06-01T12:00:00Z" "a file from 1960: its manifest time"
is "$(find "$Q" -name old.und -printf '%TY-%Tm-%Td %TH:%TM:%.2TS')" "1960-06-01 12:00:00" "a file from 1960: its copy's time"

# --- SIGKILL at every write, rename, unlink and sync, and at every request to the server ---------
crash_setup() {
	fresh_smb
	und Import a.und
	und Import B.UND
	und Import c.und
	und Export d.und
	und Export e.und
	served
}
KILLS=0
FAMS=""
for set in "$F_WRITE" "$F_RENAME" "$F_UNLINK" "$F_SYNC" sendto; do
	crash_setup
	traced "$set" CRITICAL HARD 1
	for sc in $(calls_of | grep -oE '^[a-z0-9_]+' | sort -u); do
		calls_n=$(calls_of "$sc" | wc -l)
		for n in $(seq "$calls_n"); do
			crash_setup
			injected "$sc:signal=SIGKILL:when=$n" CRITICAL HARD 1
			killed=$RC
			handler CRITICAL HARD 1
			kill_verdict "$killed"
			why=$WHY
			[ "$(count_in "$S")" -eq 0 ] || why="$why $(count_in "$S") left on the share;"
			[ -z "$why" ]
			ok $? "smb://, SIGKILL at $sc call $n of $calls_n: the next run leaves every file once, each in the manifest, and the connector running"
			[ -z "$why" ] || echo "#  $why"
			KILLS=$((KILLS + 1))
		done
		FAMS="$FAMS $sc"
	done
done
echo "# $KILLS kill points:$FAMS"
for want in write renameat2 fsync fdatasync syncfs sendto; do
	like "$FAMS " " $want " "kill points include every $want call"
done

done_testing
