#!/bin/bash
# The whole loop under Debian's real Nagios 4, run as the unprivileged
# nagios user: the example objects (paths moved into a temp dir), the
# simulator as the connector. A rejected message must turn the service
# CRITICAL, run the event handler, restart the simulator, bring the service
# back to OK and let delivery resume, with the .und file safe, byte for byte.
. "$top_srcdir/tests/e2e_lib.sh"

NAGIOS=/usr/sbin/nagios4
[ -x "$NAGIOS" ] || { echo "Bail out! nagios4 is missing (apt-get install nagios4-core)"; exit 1; }
mkdir -p "$T/n/rw" "$T/n/spool"
printf '[ccmc_und]\nstore = %s\n' "$S" >"$T/etc/ccmc-und.ini"
chmod 644 "$T/etc/ccmc-und.ini"

# What a site has already: a time period, a contact, the generic-service
# template Debian's sample config defines, and the hosts.
{
	nagios_common_objects
	cat <<'EOF'
define service {
    name                    generic-service
    register                0
    check_period            24x7
    notification_period     24x7
    notifications_enabled   0
    contacts                nobody-here
    max_check_attempts      3
    check_interval          1
    retry_interval          1
}
define host {
    host_name               exchange1
    alias                   Exchange 5.5 with the connector for Lotus cc:Mail
    address                 127.0.0.1
    check_command           always-true
    max_check_attempts      1
    check_period            24x7
    notification_period     24x7
    contacts                nobody-here
}
define host {
    host_name               ccmc-gw
    alias                   the host that mounts the store
    address                 127.0.0.1
    check_command           always-true
    max_check_attempts      1
    check_period            24x7
    notification_period     24x7
    contacts                nobody-here
}
EOF
} >"$T/n/site.cfg"
for f in ccmc_und.cfg ccmc_und_nrpe.cfg; do
	sed "s|/etc/ccmc-und/|$T/etc/|g" "$top_srcdir/examples/nagios/$f" >"$T/n/$f"
done
printf '$USER1$=%s\n' "$L" >"$T/n/resource.cfg"

# nagios.cfg OBJECT_FILES...: a main config with every path in the temp dir.
nagios_cfg() {
	local f
	for f in "$@"; do printf 'cfg_file=%s/n/%s\n' "$T" "$f"; done
	printf 'resource_file=%s/n/resource.cfg\n' "$T"
	nagios_main_cfg "$T/n"
	printf 'log_event_handlers=1\nenable_event_handlers=1\nevent_handler_timeout=30\n'
}
nagios_cfg site.cfg ccmc_und.cfg ccmc_und_nrpe.cfg >"$T/n/verify.cfg"
nagios_cfg site.cfg ccmc_und.cfg >"$T/n/nagios.cfg"
e2e_own "$T/n"

# --- the example objects pass nagios4 -v ---------------------------------------------------
out=$("$NAGIOS" -v "$T/n/verify.cfg" 2>&1)
rc=$?
is "$rc" 0 "nagios4 -v accepts examples/nagios/ccmc_und.cfg and ccmc_und_nrpe.cfg"
[ "$rc" = 0 ] || printf '%s\n' "$out" | grep -iE "error|warning" | sed 's/^/# /'
like "$out" "Total Errors:   0" "nagios4 -v: no errors"
like "$out" "Checked 2 services." "nagios4 -v: both example services"

# --- the loop ----------------------------------------------------------------------------------
NPID=
trap 'e2e_stop "$NPID"' EXIT

logged() { grep -qF "$1" "$T/n/nagios.log"; }
# service_state N: status.dat has the service checked and in state N.
service_state() {
	awk -v want="$1" '/^servicestatus \{/ { s = 1; d = ""; c = ""; st = "" }
		s && /^\tservice_description=ccmc-und$/ { d = 1 }
		s && /^\thas_been_checked=1$/ { c = 1 }
		s && /^\tcurrent_state=/ { st = substr($0, index($0, "=") + 1) }
		s && /^\t\}$/ { if (d && c && st == want) found = 1; s = 0 }
		END { exit !found }' "$T/n/status.dat"
}

e2e_start_sim

"$NAGIOS" "$T/n/nagios.cfg" >"$T/n/stdout" 2>&1 &
NPID=$!
until_ok 30 service_state 0
ok $? "Nagios runs the check and the service is OK"
ps -o user= -p "$(cat "$T/n/nagios.pid" 2>/dev/null || echo "$NPID")" | grep -q nagios
ok $? "Nagios runs as the nagios user"

e2e_reject

until_ok 60 logged "SERVICE ALERT: $SVC;CRITICAL;HARD;3;CCMC_UND CRITICAL - 1 .und file: Import 1"
ok $? "Nagios: the service goes CRITICAL, HARD on attempt 3"
until_ok 30 logged "SERVICE EVENT HANDLER: $SVC;CRITICAL;HARD;3;ccmc_und_remediate"
ok $? "Nagios: SERVICE EVENT HANDLER runs ccmc_und_remediate"
is "$(grep -c "SERVICE EVENT HANDLER: $SVC;CRITICAL;SOFT" "$T/n/nagios.log")" 2 \
	"Nagios also ran it on the two SOFT attempts, where it did nothing"
until_ok 30 restarted
ok $? "the handler restarted the simulator ($(starts) starts in its log)"
until_ok 60 logged "SERVICE ALERT: $SVC;OK;HARD;3;CCMC_UND OK - no .und files"
ok $? "Nagios: the service returns to OK"
e2e_healed
unlike "$(cat "$T/n/nagios.log")" "Warning: Event handler command" "no event handler time-out or error in the log"

done_testing
