#!/bin/bash
# Icinga 2 distributed, as large sites run it: a master and an
# agent, two real icinga2 daemons on loopback, each with its own folders and
# port and a certificate made with `icinga2 pki`, as the nagios user. The
# master schedules the check with command_endpoint set to the agent, which
# alone reaches the store (examples/icinga2/distributed/). A rejected message
# turns the service CRITICAL on the master; the event command runs on the
# agent, restarts the simulator, and the master sees OK again.
. "$top_srcdir/tests/e2e_lib.sh"

ICINGA=/usr/sbin/icinga2
[ -x "$ICINGA" ] || { echo "Bail out! icinga2 is missing (apt-get install icinga2)"; exit 1; }
EX="$top_srcdir/examples/icinga2"
free_port() { perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1")->sockport'; }
PM=$(free_port)
PA=$(free_port)

# node DIR: an instance's folders and its icinga2 arguments in ARGS_<name>.
node_dirs() { mkdir -p "$1/etc/zones.d" "$1/lib/certs" "$1/log/compat" "$1/cache" "$1/spool" "$1/run/cmd"; }
node_args() {
	printf '%s\n' -c "$1/etc/icinga2.conf" -DConfigDir="$1/etc" -DZonesDir="$1/etc/zones.d" -DDataDir="$1/lib" -DLogDir="$1/log" \
		-DCacheDir="$1/cache" -DSpoolDir="$1/spool" -DInitRunDir="$1/run" -DRunAsUser=nagios -DRunAsGroup=nagios
}
M="$T/master"
A="$T/agent"
node_dirs "$M"
node_dirs "$A"
mapfile -t MARGS < <(node_args "$M")
mapfile -t AARGS < <(node_args "$A")

# --- certificates from one CA, with icinga2 pki (which runs as nagios) ------------------------------
chown -R nagios: "$M" "$A"
"$ICINGA" pki new-ca -DDataDir="$M/lib" >"$T/pki.log" 2>&1
for n in icinga-master:"$M" ccmc-agent:"$A"; do
	name=${n%%:*} dir=${n#*:}
	"$ICINGA" pki new-cert --cn "$name" --key "$dir/lib/certs/$name.key" --csr "$dir/lib/$name.csr" >>"$T/pki.log" 2>&1
	"$ICINGA" pki sign-csr --csr "$dir/lib/$name.csr" --cert "$dir/lib/certs/$name.crt" -DDataDir="$M/lib" >>"$T/pki.log" 2>&1
	cp "$M/lib/ca/ca.crt" "$dir/lib/certs/ca.crt"
done
[ -s "$M/lib/certs/icinga-master.crt" ] || sed 's/^/# /' "$T/pki.log"
ok "$([ -s "$M/lib/certs/icinga-master.crt" ] && [ -s "$A/lib/certs/ccmc-agent.crt" ]; echo $?)" \
	"icinga2 pki: a CA, and a certificate for each node"

# --- the configurations: the example zones and service, paths and addresses moved ------------------
for d in "$M" "$A"; do
	sed "s|192.0.2.20|127.0.0.1|; s|port = 5665|port = $PA|" "$EX/distributed/zones.conf" >"$d/etc/zones.conf"
	sed "s|/etc/ccmc-und/|$T/etc/|g" "$EX/ccmc_und.conf" >"$d/etc/ccmc_und.conf"
	sed "s|/etc/ccmc-und/|$T/etc/|g" "$EX/ccmc_und_remediate.conf" >"$d/etc/ccmc_und_remediate.conf"
done
sed "s|\"hostalive\"|\"dummy\"|; s|smb://exchange1/c\\\$\\\$/exchsrvr/ccmcdata|$S|; s|_interval = 1m|_interval = 1s|;
	/ccmc_und_authentication_file/d" "$EX/distributed/services.conf" >"$T/services.conf"
grep -qF "$S" "$T/services.conf" || echo "Bail out! the example's store was not replaced"
# In zones.d/master/, as on a real master: its objects then belong to the master's zone.
mkdir -p "$M/etc/zones.d/master"
mv "$T/services.conf" "$M/etc/zones.d/master/services.conf"
common() {
	cat <<EOF
const PluginDir = "$L"
include <itl>
object FileLogger "main" {
	path = LogDir + "/icinga2.log"
	severity = "notice"
}
include "zones.conf"
include "ccmc_und.conf"
include "ccmc_und_remediate.conf"
EOF
}
{
	printf 'const NodeName = "icinga-master"\nconst ZoneName = "master"\n'
	common
	cat <<EOF
object ApiListener "api" {
	bind_host = "127.0.0.1"
	bind_port = $PM
}
object CheckerComponent "checker" { }
object CompatLogger "compat" {
	log_dir = LogDir + "/compat"
}
EOF
} >"$M/etc/icinga2.conf"
{
	printf 'const NodeName = "ccmc-agent"\nconst ZoneName = "ccmc-agent"\n'
	common
	cat <<EOF
object ApiListener "api" {
	bind_host = "127.0.0.1"
	bind_port = $PA
	accept_commands = true
}
EOF
} >"$A/etc/icinga2.conf"
e2e_own "$M" "$A"

# The shipped files as shipped, on a master of their own: no address, path or port moved.
V="$T/shipped"
node_dirs "$V"
mkdir -p "$V/etc/zones.d/master"
cp "$EX/distributed/zones.conf" "$EX/ccmc_und.conf" "$EX/ccmc_und_remediate.conf" "$V/etc/"
cp "$EX/distributed/services.conf" "$V/etc/zones.d/master/"
{
	printf 'const NodeName = "icinga-master"\nconst ZoneName = "master"\n'
	common
	echo 'include <plugins>' # hostalive, as on a stock master
} >"$V/etc/icinga2.conf"
e2e_own "$V"
mapfile -t VARGS < <(node_args "$V")
out=$("$ICINGA" daemon -C "${VARGS[@]}" 2>&1)
rc=$?
is "$rc" 0 "icinga2 daemon -C accepts examples/icinga2/distributed and the commands as shipped"
[ "$rc" = 0 ] || printf '%s\n' "$out" | grep -iE -A3 "critical|error" | sed 's/^/# /'

out=$("$ICINGA" daemon -C "${MARGS[@]}" 2>&1)
rc=$?
is "$rc" 0 "icinga2 daemon -C accepts the master: examples/icinga2/distributed with the ITL-style commands"
[ "$rc" = 0 ] || printf '%s\n' "$out" | grep -iE -A3 "critical|error" | sed 's/^/# /'
[ "$rc" = 0 ] || { done_testing; exit 1; }
like "$out" "1 Service." "... one service, with command_endpoint"
out=$("$ICINGA" daemon -C "${AARGS[@]}" 2>&1)
is "$?" 0 "icinga2 daemon -C accepts the agent"

# --- both daemons, and the loop ---------------------------------------------------------------------
PIDS=()
stop_nodes() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	e2e_stop ""
}
trap stop_nodes EXIT
LOG="$M/log/compat/icinga.log"
logged() { grep -qF "$1" "$LOG" 2>/dev/null; }

e2e_start_sim
"$ICINGA" daemon "${AARGS[@]}" >"$A/stdout" 2>&1 &
PIDS+=($!)
"$ICINGA" daemon "${MARGS[@]}" >"$M/stdout" 2>&1 &
PIDS+=($!)
until_ok 60 logged "SERVICE ALERT: $SVC;OK;HARD;1;CCMC_UND OK - no .und files"
ok $? "the master's service is OK, its check run on the agent"
# The agent ran the plugin itself: its log names the command it executed.
agent_ran() { grep -q "check_ccmc_und" "$A/log/icinga2.log"; }
until_ok 10 agent_ran
ok $? "the agent's log shows the plugin it ran for the master"

e2e_reject
until_ok 60 logged "SERVICE ALERT: $SVC;CRITICAL;HARD;"
ok $? "the master: CRITICAL, HARD, from the agent's check"
until_ok 30 restarted
ok $? "the event command ran on the agent: the simulator was restarted ($(starts) starts)"
agent_handled() { grep -q "ccmc_und_remediate" "$A/log/icinga2.log"; }
ok "$(agent_handled; echo $?)" "the agent's log shows the event command it ran"
until_ok 60 logged "SERVICE ALERT: $SVC;OK;HARD;"
ok $? "the master: OK again"
e2e_healed

done_testing
