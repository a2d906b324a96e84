#!/bin/bash
# ccmc-sim behaves like the connector of article Q212788: it delivers, it
# stalls silently on a .und file, a restart delivers a few and stalls again,
# and it answers start, stop and status like an LSB service.
. "$top_srcdir/tests/lib.sh"

SIMBIN="$top_builddir/examples/ccmc-sim/ccmc-sim"
S=$(store s)
sim() { "$SIMBIN" -R "$S" --poll 0.05 "$@"; }
delivered() { grep -c ' delivered ' "$S/ccmc-sim.log" 2>/dev/null; }
delivered_at_least() { [ "$(delivered)" -ge "$1" ]; }
stopped() { ! sim status; }
stop_all() {
	local p
	p=$(cat "$S/ccmc-sim.pid" 2>/dev/null)
	[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
	cleanup
}
trap stop_all EXIT

out=$(sim status)
is "$?/$out" "3/stopped" "status before start: 'stopped', exit 3"
out=$(sim start)
is "$?/$out" "0/started" "start: exit 0 once the daemon holds its pidfile"
out=$(sim status)
is "$?/$out" "0/running" "status: 'running', exit 0"
pid=$(cat "$S/ccmc-sim.pid")
is "$(ps -o ppid= -p "$pid" | tr -d ' ')" 1 "the daemon is detached (reparented to init)"
out=$(sim start)
is "$?/$out" "0/running" "start when running: exit 0, nothing started twice"

sim send 4
until_ok 10 delivered_at_least 4
ok $? "it delivers new messages from Export to delivered/"
is "$(ls "$S/delivered" | grep -c '\.ccm$')" 4 "all four are in delivered/"
like "$(cat "$S/ccmc-sim.log")" " delivered Export/Msg" "and each delivery is logged"

und=$(sim reject Import)
is "$?" 0 "reject: exit 0"
like "$und" "$S/Import/Msg" "reject prints the .und file it wrote in Import"
like "$(cat "$und")" "Non-delivery report" "the .und file holds a non-delivery report"
like "$(cat "$und")" "recipient not found" "with a reason"
lines=$(wc -l <"$S/ccmc-sim.log")
sim send 3
sim wait-polls 5
is "$(delivered)" 4 "stalled: nothing delivered through five polls while the .und file is there"
is "$(wc -l <"$S/ccmc-sim.log")" "$lines" "and nothing logged (the article's symptom)"
is "$(ls "$S/Export" | grep -c '\.ccm$')" 3 "the three messages wait in Export"

# Case does not matter on the Windows side: an .UND in Export stalls it too.
mv "$und" "$S/Export/OTHER.UND"
sim wait-polls 2
is "$(delivered)" 4 "an .UND in Export stalls it as well"

out=$(sim stop)
is "$?/$out" "0/stop pending" "stop returns at once, before the service has stopped (as net rpc does)"
until_ok 10 stopped
ok $? "status turns to stopped"
like "$(tail -n 1 "$S/ccmc-sim.log")" " stopped" "the stop is logged"

# A restart with the .und file still there: a couple of messages, then silence.
sim --burst 2 start >/dev/null
until_ok 10 delivered_at_least 6
ok $? "a restart delivers a few messages (the burst, 2)"
sim wait-polls 5
is "$(delivered)" 6 "and stalls again: the third waits"
sim stop >/dev/null
until_ok 10 stopped

# Without the .und file the rest flows.
rm "$S/Export/OTHER.UND"
sim start >/dev/null
until_ok 10 delivered_at_least 7
ok $? "with the .und file gone, the held message is delivered after a start"

# CCMC_SIM_REJECT_EVERY=3: every third message becomes a .und file.
R=$(store r)
CCMC_SIM_REJECT_EVERY=3 "$SIMBIN" -R "$R" --poll 0.05 start >/dev/null
"$SIMBIN" -R "$R" send 2
rdelivered() { [ "$(grep -c ' delivered ' "$R/ccmc-sim.log")" -ge 2 ]; }
until_ok 10 rdelivered
"$SIMBIN" -R "$R" send 2
"$SIMBIN" -R "$R" --poll 0.05 wait-polls 3
is "$(find "$R/Export" -name '*.und' | wc -l)" 1 "CCMC_SIM_REJECT_EVERY=3: the third message became a .und file"
like "$(cat "$R"/Export/*.und)" "Non-delivery report" "with a non-delivery report appended"
is "$(grep -c ' delivered ' "$R/ccmc-sim.log")" 2 "and it stalls: the fourth is not delivered"
"$SIMBIN" -R "$R" stop >/dev/null

# Bad input: clear errors.
out=$("$SIMBIN" -R "$S" reject Submit 2>&1)
is "$?" 1 "reject into Submit is refused"
like "$out" "the folder is Import or Export" "and says why"
out=$(CCMC_SIM_REJECT_EVERY=x "$SIMBIN" -R "$S" status 2>&1)
like "$out" "CCMC_SIM_REJECT_EVERY 'x'" "a bad CCMC_SIM_REJECT_EVERY is named"
out=$("$SIMBIN" -R "$S" --poll 0 status 2>&1)
like "$out" "--poll '0'" "a bad --poll is named"
"$SIMBIN" -R "$S" 2>/dev/null
is "$?" 2 "no command: usage, exit 2"

done_testing
