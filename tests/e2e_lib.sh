# Shared by the Nagios and Icinga 2 end-to-end tests: the installed layout,
# the simulator as the connector, the handler's settings, and the checks on
# the simulator's log. Everything runs as the nagios user.
# shellcheck shell=bash
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root, to run the server and the connector as the nagios user"
id nagios >/dev/null 2>&1 || { echo "Bail out! no nagios user (nagios4-core and icinga2 create it)"; exit 1; }
SVC="exchange1;ccmc-und"

# The programs as make install lays them out under the plugin folder, copied
# so that the nagios user can run them wherever the build tree is.
L="$T/libexec"
mkdir -p "$L/eventhandlers" "$T/etc" "$T/state" "$T/q"
cp "$PLUGIN" "$L/check_ccmc_und"
cp "$top_builddir/eventhandler/ccmc_und_remediate" "$L/eventhandlers/"
cp "$top_builddir/examples/ccmc-sim/ccmc-sim" "$L/ccmc-sim"
S=$(store store)
SIM=("$L/ccmc-sim" -R "$S" --poll 0.2)

# The handler's settings, root-owned and readable by the nagios group only.
cat >"$T/etc/remediate.conf" <<CONF
store       = $S
quarantine  = $T/q
state-dir   = $T/state
stop-cmd    = $L/ccmc-sim -R $S stop
start-cmd   = $L/ccmc-sim -R $S --poll 0.2 start
status-cmd  = $L/ccmc-sim -R $S status
stop-timeout  = 5s
start-timeout = 5s
CONF
chgrp nagios "$T/etc/remediate.conf"
chmod 640 "$T/etc/remediate.conf"

# e2e_own DIR...: hands the server's folders, the store, quarantine and state dir to nagios.
e2e_own() {
	chown -R nagios:nagios "$@" "$T/state" "$T/q" "$S"
	chmod 700 "$T/state" "$T/q"
}

# e2e_stop PID: stops the server and the simulator (by the pid in its pidfile).
e2e_stop() {
	[ -n "$1" ] && kill -TERM "$1" 2>/dev/null && wait "$1" 2>/dev/null
	local p
	p=$(cat "$S/ccmc-sim.pid" 2>/dev/null)
	[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
	[ -n "${KEEP:-}" ] && cp -r "$T" "/tmp/e2e-debug.$$"
	cleanup
}

as_nagios() { setpriv --reuid=nagios --regid=nagios --init-groups -- "$@"; }
delivered() { grep -c ' delivered ' "$S/ccmc-sim.log" 2>/dev/null; }
delivered_at_least() { [ "$(delivered)" -ge "$1" ]; }
starts() { grep -c ' started ' "$S/ccmc-sim.log"; }
restarted() { [ "$(starts)" -ge 2 ]; }

# e2e_start_sim: the simulator runs as nagios and delivers three messages.
e2e_start_sim() {
	as_nagios "${SIM[@]}" start >/dev/null
	is "$?" 0 "the simulator starts as nagios"
	as_nagios "${SIM[@]}" send 3
	until_ok 10 delivered_at_least 3
	ok $? "the simulator delivers messages"
}

# e2e_reject: a rejected message in Import, and two new messages that must wait.
# Sets BEFORE, the deliveries so far.
e2e_reject() {
	local und
	und=$(as_nagios "${SIM[@]}" reject Import)
	cp "$und" "$T/injected.und"
	as_nagios "${SIM[@]}" send 2
	BEFORE=$(delivered)
	as_nagios "${SIM[@]}" wait-polls 3
	is "$(delivered)" "$BEFORE" "while the .und file is there, nothing is delivered"
}

# e2e_healed: after the handler ran, the two held messages flow and the file is safe.
e2e_healed() {
	local q
	until_ok 30 delivered_at_least $((BEFORE + 2))
	ok $? "delivery resumes: the two held messages are delivered"
	q=$(find "$T/q" -type f -iname '*.und')
	is "$(printf '%s\n' "$q" | grep -c .)" 1 "one .und file in the quarantine"
	cmp -s "$q" "$T/injected.und"
	ok $? "the quarantined file is byte-identical to the one injected"
	is "$(stat -c %U "$q")" nagios "and owned by nagios, who moved it"
	is "$(find "$S/Import" "$S/Export" -iname '*.und' | wc -l)" 0 "no .und file is left in the store"
}
