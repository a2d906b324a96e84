#!/bin/bash
# The built packages in a clean Debian 12 (debootstrap, minbase), in both
# install orders: ours first and nagios4-core after, then nagios4-core first
# and ours after. In each, the README's post-install checklist is followed
# (a store named in ccmc-und.ini's [ccmc_und], a store and the connector's
# commands in the shipped remediate.conf; nothing else by hand), and:
#   - the plugin, as nagios, is CRITICAL on a .und file;
#   - the handler, as nagios, with the shipped remediate.conf, moves it into
#     the quarantine the package made, and the plugin is OK again;
#   - the subagent's unit command lines, as its user: the condition passes
#     with only [ccmc_und] set, and the daemon runs.
# Usage (as root, run by .ci/run after make deb): tests/install_chroot.sh DEBDIR
# The base tree is kept in CCMC_INSTALL_CHROOT (default
# /var/cache/ccmc-und-tests/bookworm) for the next run. Without the archive
# it says SKIP with the reason.
set -u
DEBS=$(cd "${1:?usage: install_chroot.sh DEBDIR}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
BASE=${CCMC_INSTALL_CHROOT:-/var/cache/ccmc-und-tests/bookworm}
W=$(mktemp -d /var/tmp/ccmc-install.XXXXXX)
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
unlike() { case $1 in *"$2"*) ok 1 "$3"; printf "#   got: %s\n# unwanted: %s\n" "$1" "$2" ;; *) ok 0 "$3" ;; esac; }
like() { case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; printf '#   got: %s\n#  want: ...%s...\n' "$1" "$2" ;; esac; }
R=
unmount() { [ -n "$R" ] || return 0; umount "$R/dev" "$R/proc" 2>/dev/null || umount -l "$R/dev" "$R/proc" 2>/dev/null; }
finish() {
	unmount
	# Never remove a tree that still holds a mount.
	if grep -qF " $W/" /proc/self/mountinfo; then echo "# $W is still mounted: left in place" >&2; else rm -rf "$W"; fi
}
trap finish EXIT
. "$SRC/tests/chroot_lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (debootstrap, chroot, mount)"; exit 0; }
ls "$DEBS"/*.deb >/dev/null 2>&1 || { echo "Bail out! no .deb in $DEBS"; exit 1; }

if [ ! -e "$BASE/.ccmc-complete" ]; then
	command -v debootstrap >/dev/null || { echo "1..0 # SKIP debootstrap is not installed"; exit 0; }
	t0=$SECONDS
	mkdir -p "$(dirname "$BASE")"
	rm -rf "$BASE.new"
	if ! timeout 400 debootstrap --variant=minbase bookworm "$BASE.new" "$(mirror)" >"$W/debootstrap.log" 2>&1; then
		rm -rf "$BASE.new"
		echo "1..0 # SKIP no Debian 12 tree from $(mirror): $(tail -n 1 "$W/debootstrap.log")"
		exit 0
	fi
	# Packages configure, no service starts: a chroot has no init.
	printf '#!/bin/sh\nexit 101\n' >"$BASE.new/usr/sbin/policy-rc.d"
	chmod 755 "$BASE.new/usr/sbin/policy-rc.d"
	touch "$BASE.new/.ccmc-complete"
	rm -rf "$BASE"
	mv "$BASE.new" "$BASE"
	echo "# the bookworm tree took $((SECONDS - t0)) s to build"
fi

# inroot COMMAND...: runs in the tree with a clean environment.
inroot() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
# as USER COMMAND...: as that user with its groups (those of /etc/group, as a fresh login has).
as() { local u=$1; shift; inroot setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }
apt_in() { inroot apt-get install -y -qq -o Dpkg::Use-Pty=0 "$@" >>"$W/apt.log" 2>&1; }
# The tree's paths, listed from outside: no shell runs in the tree to expand them.
ours() {
	local debs=()
	for d in "$R"/tmp/debs/*.deb; do debs+=("/tmp/debs/${d##*/}"); done
	apt_in "${debs[@]}"
}
theirs() { apt_in --no-install-recommends nagios4-core; }

# The README's post-install checklist, for a local store at /srv/ccmcdata and a stand-in
# connector: the keys a site sets, in the files the packages shipped.
checklist() {
	mkdir -p "$R/srv/ccmcdata/Import" "$R/srv/ccmcdata/Export" "$R/srv/ccmcdata/Submit" "$R/var/lib/fakeconn"
	install -m 755 "$SRC/tests/fake_connector" "$R/usr/local/bin/fake_connector"
	echo running >"$R/var/lib/fakeconn/state"
	inroot chown -R nagios:ccmc-und /srv/ccmcdata /var/lib/fakeconn
	inroot chmod -R g+rwX /srv/ccmcdata
	sed -i 's|^; store  *= /mnt/exch/Ccmcdata|store = /srv/ccmcdata|' "$R/etc/ccmc-und/ccmc-und.ini" "$R/etc/ccmc-und/remediate.conf"
	for verb in stop start status; do
		sed -i "s|^; $verb-cmd .*|$verb-cmd = /usr/local/bin/fake_connector /var/lib/fakeconn $verb|" "$R/etc/ccmc-und/remediate.conf"
	done
}

one_order() {
	local name=$1 first=$2 second=$3 out rc
	R="$W/$name"
	cp -a "$BASE" "$R"
	mount -t proc proc "$R/proc"
	mount --bind /dev "$R/dev"
	mkdir -p "$R/tmp/debs"
	cp "$DEBS"/*.deb "$R/tmp/debs/"
	rm -f "$R"/tmp/debs/*-dbgsym_*.deb
	inroot apt-get update -qq >>"$W/apt.log" 2>&1
	$first
	ok $? "$name: the first install"
	# An admin's run by hand as root between the two installs leaves root's lock behind.
	[ -d "$R/var/lib/ccmc-und" ] && install -m 0600 /dev/null "$R/var/lib/ccmc-und/lock"
	$second
	ok $? "$name: the second install"
	[ "$failed" -eq 0 ] || tail -n 20 "$W/apt.log" | sed 's/^/# /'
	out=$(inroot stat -c '%U %a' /var/lib/ccmc-und /var/spool/ccmc-und/quarantine | tr '\n' ' ')
	like "$out" "nagios 700 nagios 700" "$name: the state folder and the quarantine are nagios's, 0700 ($out)"
	out=$(inroot find /var/lib/ccmc-und -mindepth 1 ! -user nagios)
	ok "$([ -z "$out" ]; echo $?)" "$name: and the lock a run by hand as root left there${out:+ (left: $out)}"
	like "$(inroot id -nG nagios)" "ccmc-und" "$name: nagios is in the group ccmc-und"
	checklist
	printf 'NDR\n' >"$R/srv/ccmcdata/Import/stuck.und"
	inroot chown nagios:ccmc-und /srv/ccmcdata/Import/stuck.und
	out=$(as nagios /usr/lib/nagios/plugins/check_ccmc_und --extra-opts=ccmc_und@/etc/ccmc-und/ccmc-und.ini)
	rc=$?
	like "$rc $out" "2 CCMC_UND CRITICAL - 1 .und file: Import 1" "$name: the plugin as nagios, from the ini: CRITICAL"
	out=$(as nagios /usr/lib/nagios/plugins/eventhandlers/ccmc_und_remediate -f /etc/ccmc-und/remediate.conf CRITICAL HARD 3)
	rc=$?
	like "$rc $out" "0 REMEDIATED: moved 1 .und file (Import 1)" "$name: the handler as nagios, with the shipped remediate.conf, remediates"
	ok "$(find "$R/var/spool/ccmc-und/quarantine" -name stuck.und -type f | grep -q .; echo $?)" \
		"$name: ... into the quarantine the package made"
	out=$(as nagios /usr/lib/nagios/plugins/check_ccmc_und --extra-opts=ccmc_und@/etc/ccmc-und/ccmc-und.ini)
	like "$?:$out" "0:CCMC_UND OK - no .und files" "$name: ... and the plugin is OK again"
	like "$(cat "$R/var/lib/fakeconn/state")" "running" "$name: ... with the connector running"
	# The subagent's unit, its own command lines, as its user, with only [ccmc_und] set.
	local unit="$R/lib/systemd/system/ccmc-und-subagent.service" user group
	user=$(sed -n 's/^User=//p' "$unit")
	group=$(sed -n 's/^SupplementaryGroups=//p' "$unit")
	sed -n 's/^ExecCondition=//p' "$unit" | xargs chroot "$R" setpriv --reuid="$user" --regid="$user" --groups="$group" >/dev/null 2>&1
	ok $? "$name: the unit's ExecCondition passes with only [ccmc_und] set (as $user)"
	sed -n 's/^ExecStart=//p' "$unit" | xargs chroot "$R" setpriv --reuid="$user" --regid="$user" --groups="$group" \
		>"$W/$name.sub.log" 2>&1 &
	local pid=$! alive=1
	for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; grep -q "started" "$W/$name.sub.log" && { alive=0; break; }; sleep 0.1; done
	ok "$alive" "$name: the unit's ExecStart runs, as $user ($(grep -o 'ccmc_und_subagent [^,]* started[^,]*' "$W/$name.sub.log" | head -n 1))"
	pkill -f "ccmc_und_subagent -f --extra-opts" 2>/dev/null
	wait "$pid" 2>/dev/null
	unmount
	R=
}

# The unit under a real systemd: the first tree, booted with systemd-nspawn on a network of its
# own (its loopback is not the host's), with snmpd from the archive and its stock config. A probe
# unit reads the subagent's state through snmpd with the stock community, records what systemd
# says of the unit, and powers the container off.
booted() {
	R="$W/ours-first"
	mount -t proc proc "$R/proc"
	mount --bind /dev "$R/dev"
	apt_in --no-install-recommends systemd systemd-sysv snmp
	ok $? "booted: systemd and snmp installed in the tree"
	unmount
	printf 'NDR\n' >"$R/srv/ccmcdata/Export/later.und"
	chroot "$R" chown nagios:ccmc-und /srv/ccmcdata/Export/later.und
	cat >"$R/usr/local/bin/probe" <<'EOF'
#!/bin/sh
for _ in $(seq 150); do
	v=$(snmpget -v2c -c public -Oqv -t 1 -r 0 127.0.0.1 .1.3.6.1.4.1.8072.9999.9999.212788.1.1.1.0 2>&1)
	[ "$v" = 2 ] && break
	sleep 0.2
done
{
	echo "state=$v"
	systemctl show -p ActiveState -p NRestarts ccmc-und-subagent
	journalctl -b -u ccmc-und-subagent --no-pager -o cat | tail -n 5
} >/probe.out 2>&1
# A broken ini: the condition fails (255) and the unit must end failed, not restart for ever
# (systemd 252 does not restart after a failed condition; the start limit stops it if one does).
printf '[ccmc_und]\nstore = /srv/ccmcdata\nbogus-key = 1\n' >/etc/ccmc-und/ccmc-und.ini
systemctl restart ccmc-und-subagent
for _ in $(seq 100); do
	[ "$(systemctl show -p ActiveState --value ccmc-und-subagent)" = failed ] && break
	sleep 0.2
done
# Then it stays failed through three restart delays (RestartSec=5): any restart shows.
flips=0
for _ in $(seq 80); do
	[ "$(systemctl show -p ActiveState --value ccmc-und-subagent)" = failed ] || flips=$((flips + 1))
	sleep 0.2
done
echo "broken: $(systemctl show -p ActiveState --value ccmc-und-subagent) flips=$flips" \
	"$(journalctl -b -u ccmc-und-subagent --no-pager -o cat | grep -c 'bogus-key')" >>/probe.out
systemctl poweroff
EOF
	chmod 755 "$R/usr/local/bin/probe"
	printf '[Unit]\nAfter=multi-user.target\n[Service]\nType=oneshot\nExecStart=/usr/local/bin/probe\n[Install]\nWantedBy=multi-user.target\n' \
		>"$R/etc/systemd/system/probe.service"
	chroot "$R" systemctl enable probe.service >/dev/null 2>&1
	rm -f "$R/usr/sbin/policy-rc.d" "$R/probe.out"
	timeout 180 systemd-nspawn -D "$R" --register=no --keep-unit --private-network -b -q </dev/null >"$W/boot.log" 2>&1
	local out
	out=$(cat "$R/probe.out" 2>/dev/null)
	[ -n "$out" ] || tail -n 20 "$W/boot.log" | sed 's/^/# /'
	like "$out" "state=2" "booted: the hardened unit, started by systemd, serves the stock snmpd: critical"
	like "$out" "ActiveState=active" "booted: ... the unit is active"
	like "$out" "NRestarts=0" "booted: ... and never restarted"
	like "$out" "AgentX master at /var/agentx/master" "booted: ... and logged which master socket it uses"
	like "$out" "broken: failed flips=0" \
		"booted: a broken ini leaves the unit failed (no endless restart), the reason in the journal"
	unlike "$out" "broken: failed flips=0 0" "booted: ... where the bad key is named"
	R=
}

# Icinga 2 from the archive, its stock configuration, the ITL commands the package installed,
# and what the README tells an Icinga admin to add, as shipped and as written: the example
# service from the package's doc folder, and the README's host block.
icinga_validates() {
	R="$W/nagios-first"
	mount -t proc proc "$R/proc"
	mount --bind /dev "$R/dev"
	apt_in --no-install-recommends icinga2-bin icinga2-common
	ok $? "icinga: icinga2 installed after the packages"
	cp "$R/usr/share/doc/monitoring-plugins-ccmc-und/examples/icinga2/ccmc_und_service.conf" "$R/etc/icinga2/conf.d/"
	awk '/^## Icinga 2/ { s = 1 } s && /^```/ { if (b) exit; b = 1; next } b { print }' "$SRC/README.md" \
		>"$R/etc/icinga2/conf.d/readme-host.conf"
	local out rc
	out=$(inroot icinga2 daemon -C 2>&1)
	rc=$?
	ok "$rc" "icinga: icinga2 daemon -C accepts the stock config, the package's ITL commands, the shipped service and the README's host"
	[ "$rc" = 0 ] || printf '%s\n' "$out" | grep -iE -A3 "critical|error" | sed 's/^/# /'
	out=$(inroot icinga2 object list --type Service --name 'exchange1!ccmc-und' 2>&1)
	like "$out" "Object 'exchange1!ccmc-und' of type 'Service'" "icinga: ... which make the service ccmc-und on the README's host"
	unmount
	R=
}

# A symlink planted where the quarantine goes: the package's set-up (run again as the triggers
# run it) must not give its target to nagios, and says so.
postinst_refuses_symlink() {
	R="$W/nagios-first"
	mount -t proc proc "$R/proc"
	mount --bind /dev "$R/dev"
	mkdir -p "$R/srv/shared"
	rm -rf "$R/var/spool/ccmc-und/quarantine"
	ln -s /srv/shared "$R/var/spool/ccmc-und/quarantine"
	local out
	out=$(inroot /var/lib/dpkg/info/monitoring-plugins-ccmc-und.postinst triggered /usr/sbin/nagios4 2>&1)
	like "$out" "/var/spool/ccmc-und/quarantine is not a directory; left as it is" \
		"postinst: a symlink where the quarantine goes is left, and said so"
	like "$(inroot stat -c '%U %a' /srv/shared)" "root 755" "postinst: ... its target stays root's, 0755"
	unmount
	R=
}

one_order ours-first ours theirs
one_order nagios-first theirs ours
postinst_refuses_symlink
icinga_validates
if command -v systemd-nspawn >/dev/null; then
	booted
else
	echo "# SKIP booted: systemd-nspawn is not installed (apt-get install systemd-container)"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
