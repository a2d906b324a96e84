# Shared by the shell tests: TAP output, fixtures and a plugin runner.
# shellcheck shell=bash
set -u

TAP_N=0
TAP_FAILED=0
PLUGIN="$top_builddir/plugin/check_ccmc_und"

ok() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

is() {
	[ "$1" = "$2" ]
	local r=$?
	ok $r "$3"
	[ $r -eq 0 ] || printf '#   got: %s\n#  want: %s\n' "$1" "$2"
}

like() {
	case "$1" in
	*"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; printf '#   got: %s\n#  want: ...%s...\n' "$1" "$2" ;;
	esac
}

unlike() {
	case "$1" in
	*"$2"*) ok 1 "$3"; printf '#   got: %s\n#  unwanted: %s\n' "$1" "$2" ;;
	*) ok 0 "$3" ;;
	esac
}

# until_ok SECONDS COMMAND...: runs COMMAND every 0.05 s until it succeeds;
# 1 if time runs out. A condition to wait for, never a fixed sleep.
until_ok() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		read -r -t 0.05 <> <(:) || true
	done
}

# skip WHY: one test that cannot run in this build, counted and shown as SKIP.
skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP $1"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

T=$(mktemp -d /tmp/ccmc-test.XXXXXX)
chmod 755 "$T"
cleanup() {
	chmod -R u+rwx "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
NOW=$(date +%s)

# loopback_port tcp|udp: a port on 127.0.0.1 that nothing uses now.
loopback_port() {
	"$PERL" -MIO::Socket::INET -e 'my %o = $ARGV[0] eq "udp" ? (Proto => "udp") : (Listen => 1);
		print IO::Socket::INET->new(%o, LocalAddr => "127.0.0.1")->sockport' "$1"
}

# accepts PORT: something accepts TCP connections on 127.0.0.1:PORT.
accepts() { "$PERL" -MIO::Socket::INET -e 'exit !IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]")' "$1"; }

# mkf PATH AGE_SECONDS [SIZE]: a file of SIZE zero bytes, modified AGE ago.
mkf() {
	head -c "${3:-0}" /dev/zero >"$1"
	touch -d "@$((NOW - $2))" "$1"
}

# store NAME: an empty connector store with Import, Export and Submit.
store() {
	mkdir -p "$T/$1/Import" "$T/$1/Export" "$T/$1/Submit"
	echo "$T/$1"
}

# run ARGS...: runs the plugin at the fixed time NOW; sets OUT, RC, FIRST, PERF.
run() {
	OUT=$("$PLUGIN" --now "$NOW" "$@" 2>"$T/run.stderr")
	RC=$?
	FIRST=${OUT%%$'\n'*}
	PERF=$(printf '%s\n' "$FIRST" | "$PERL" "$top_srcdir/tests/perfdata.pl")
}

# perf_is 'label|value|uom|warn|crit|min|max' DESC: Monitoring::Plugin read that entry.
perf_is() {
	if printf '%s\n' "$PERF" | grep -qxF -- "$1"; then
		ok 0 "$2"
	else
		ok 1 "$2"
		printf '#   want: %s\n' "$1"
		printf '%s\n' "$PERF" | sed 's/^/#    got: /'
	fi
}

# perf_all_parsed DESC: Monitoring::Plugin accepted every entry of the perfdata.
# perf_counts: sets RAW (entries in the text) and PARSED (entries Monitoring::Plugin read).
perf_counts() {
	RAW=$(printf '%s\n' "$PERF" | sed -n 's/^raw //p')
	PARSED=$(printf '%s\n' "$PERF" | grep -vc '^raw ')
}

perf_all_parsed() {
	perf_counts
	is "$PARSED" "$RAW" "${1:-Monitoring::Plugin parses every perfdata entry}"
}

# nagios_common_objects: what every Nagios test site has: a 24x7 time period, a command that
# always succeeds, and a contact that is never notified.
nagios_common_objects() {
	cat <<'EOF'
define timeperiod {
    timeperiod_name         24x7
    alias                   always
    sunday                  00:00-24:00
    monday                  00:00-24:00
    tuesday                 00:00-24:00
    wednesday               00:00-24:00
    thursday                00:00-24:00
    friday                  00:00-24:00
    saturday                00:00-24:00
}
define command {
    command_name            always-true
    command_line            /bin/true
}
define contact {
    contact_name                    nobody-here
    alias                           no one
    service_notification_period     24x7
    host_notification_period        24x7
    service_notification_options    n
    host_notification_options       n
    service_notification_commands   always-true
    host_notification_commands      always-true
}
EOF
}

# nagios_main_cfg DIR: the main settings of a test Nagios whose files all live in DIR
# (DIR/rw and DIR/spool must exist), run as nagios, checking every second of the clock.
nagios_main_cfg() {
	cat <<EOF
log_file=$1/nagios.log
status_file=$1/status.dat
status_update_interval=1
object_cache_file=$1/objects.cache
temp_file=$1/nagios.tmp
lock_file=$1/nagios.pid
command_file=$1/rw/nagios.cmd
query_socket=$1/rw/nagios.qh
check_result_path=$1/spool
nagios_user=nagios
nagios_group=nagios
interval_length=1
retain_state_information=0
service_inter_check_delay_method=n
host_inter_check_delay_method=n
use_syslog=0
log_service_retries=1
check_workers=1
EOF
}
