#!/bin/bash
# Debian 12's own `net rpc service` against a real svcctl server: Debian 11's
# smbd (Samba 4.13, the last that runs `svcctl list` scripts), in a chroot
# that debootstrap builds from the Debian archive apt already uses, forced to
# SMB1 as an NT4 host would be. The command lines of
# examples/remediate/samba.conf (host and auth file substituted) must stop,
# start and report the service, and the handler, run with them, remediates.
# Then the whole fix over SMB with examples/remediate/exchange-net-rpc.conf:
# the service's scripts drive ccmc-sim, the store is on the same server's
# share, the handler moves the files with no mount, and the check goes OK.
# Building the chroot takes about 2 minutes; past 5, or without the archive,
# this test says SKIP with the reason. It is kept in CCMC_SVCCTL_CHROOT
# (default /var/cache/ccmc-und-tests/bullseye) for the next run: CI runs the
# suite three times.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/smbd_lib.sh"
. "$top_srcdir/tests/chroot_lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (debootstrap, chroot, mount)"
NET=$(command -v net) || { echo "Bail out! Samba's net is missing (apt-get install samba-common-bin)"; exit 1; }
HANDLER="$top_builddir/eventhandler/ccmc_und_remediate"
PLUGIN="$top_builddir/plugin/check_ccmc_und"
EXAMPLE="$top_srcdir/examples/remediate/samba.conf"
SMB_EXAMPLE="$top_srcdir/examples/remediate/exchange-net-rpc.conf"
export CCMC_UND_SMB_HELPER="$top_builddir/smb/ccmc_und_smb"
CH_STORE=/srv/c/exchsrvr/ccmcdata

R=${CCMC_SVCCTL_CHROOT:-/var/cache/ccmc-und-tests/bullseye}
MOUNTED=
SMBPID=
stop_all() {
	pkill -f "ccmc-sim -R $CH_STORE" 2>/dev/null
	[ -n "$SMBPID" ] && pkill -P "$SMBPID" 2>/dev/null
	[ -n "$SMBPID" ] && kill "$SMBPID" 2>/dev/null
	[ -n "$MOUNTED" ] && { umount "$MOUNTED" || umount -l "$MOUNTED"; }
	# Never remove a tree that still holds a mount of /proc.
	if [ -n "$MOUNTED" ] && mountpoint -q "$MOUNTED"; then
		echo "# $MOUNTED is still mounted: $T is left in place" >&2
		return
	fi
	cleanup
}
trap stop_all EXIT

# A chroot is used only once debootstrap has finished it: it is built aside and moved into place.
if [ ! -e "$R/.ccmc-complete" ]; then
	command -v debootstrap >/dev/null || skip_all "debootstrap is not installed (apt-get install debootstrap)"
	t0=$SECONDS
	mkdir -p "$(dirname "$R")"
	rm -rf "$R.new"
	if ! timeout 300 debootstrap --variant=minbase --include=samba,samba-common-bin bullseye "$R.new" \
		"$(mirror)" >"$T/debootstrap.log" 2>&1; then
		rm -rf "$R.new"
		skip_all "no Debian 11 chroot from $(mirror) within 5 minutes: $(tail -n 1 "$T/debootstrap.log")"
	fi
	touch "$R.new/.ccmc-complete"
	rm -rf "$R"
	mv "$R.new" "$R"
	echo "# the chroot took $((SECONDS - t0)) s to build"
fi

PORT=$(smbd_port)
# The stand-in MSExchangeCCMC: svcctl runs it with start, stop or status (exit 0: running).
mkdir -p "$R/var/lib/fakesvc" "$R/usr/lib/x86_64-linux-gnu/samba/svcctl"
echo running >"$R/var/lib/fakesvc/state"
: >"$R/var/lib/fakesvc/log"
cat >"$R/usr/lib/x86_64-linux-gnu/samba/svcctl/MSExchangeCCMC" <<'EOF'
#!/bin/sh
d=/var/lib/fakesvc
echo "$1" >>$d/log
case $1 in
start) echo running >$d/state ;;
stop) echo stopped >$d/state ;;
status) [ "$(cat $d/state)" = running ] ;;
*) exit 1 ;;
esac
EOF
chmod 755 "$R/usr/lib/x86_64-linux-gnu/samba/svcctl/MSExchangeCCMC"
cat >"$R/etc/samba/smb.conf" <<EOF
[global]
  netbios name = EXCH55
  workgroup = CORP
  server role = standalone server
  smb ports = $PORT
  interfaces = 127.0.0.1
  bind interfaces only = yes
  server min protocol = NT1
  server max protocol = NT1
  svcctl list = MSExchangeCCMC
  load printers = no
  disable spoolss = yes
[c\$]
  path = /srv/c
  read only = no
EOF
rm -rf "$R/srv/c"
mkdir -p "$R$CH_STORE"/{Import,Export,Submit}
mount --bind /proc "$R/proc" && MOUNTED="$R/proc"
chroot "$R" sh -c "printf 'Secr3t!\nSecr3t!\n' | smbpasswd -s -a root" >/dev/null
id ccmcro >/dev/null 2>&1 || chroot "$R" useradd -M ccmcro 2>/dev/null
chroot "$R" sh -c "id ccmcro >/dev/null 2>&1 || useradd -M ccmcro; printf 'Ro-pass1\nRo-pass1\n' | smbpasswd -s -a ccmcro" >/dev/null
rm -f "$R/run/samba/smbd.pid"
chroot "$R" smbd -D
smbd_answers "$PORT"
ok $? "Debian 11's smbd serves svcctl, SMB1 only, on 127.0.0.1:$PORT"
SMBPID=$(cat "$R/run/samba/smbd.pid" 2>/dev/null)

A="$T/net-auth"
printf 'username = root\npassword = Secr3t!\ndomain = CORP\n' >"$A"
chmod 600 "$A"
# localize FILE: an example, with the test's host, port, auth file and folders.
localize() {
	sed "s|-S exchange1|-S 127.0.0.1 -p $PORT|; s|/etc/ccmc-und/net-auth|$A|; s|smb://exchange1/|smb://127.0.0.1:$PORT/|;
		s|^quarantine .*|quarantine = $T/q2|; s|^state-dir .*|state-dir = $T/st2|" "$1"
}
# line KEY: the example's command line for KEY, host and auth file substituted.
line() {
	localize "$EXAMPLE" | sed -n "s/^$1 *= *//p"
}
# as_example KEY: runs that line, its words split as the handler splits them ('...' quotes),
# by xargs, never by a shell.
as_example() { line "$1" | xargs sh -c 'exec "$@" 2>&1' sh; }
service_state() { cat "$R/var/lib/fakesvc/state"; }

# --- the defect: Debian 12's net refuses SMB1 unless told ------------------------------------------
OUT=$("$NET" rpc service status MSExchangeCCMC -S 127.0.0.1 -p "$PORT" -A "$A" 2>&1)
RC=$?
ok "$([ "$RC" -ne 0 ]; echo $?)" "without --option='client min protocol=NT1', net rpc fails against SMB1 ($RC)"
like "$OUT" "NT_STATUS_CONNECTION_DISCONNECTED" "... with NT_STATUS_CONNECTION_DISCONNECTED, as the example says"

# --- the example's own three lines ---------------------------------------------------------------
OUT=$(as_example status-cmd)
is "$?" 0 "the example's status-cmd: exit 0"
like "$OUT" "MSExchangeCCMC service is running." "the example's status-cmd: running"
OUT=$(as_example stop-cmd)
is "$?" 0 "the example's stop-cmd: exit 0"
is "$(service_state)" stopped "the example's stop-cmd stopped the service"
like "$(as_example status-cmd)" "MSExchangeCCMC service is stopped." "the example's status-cmd: stopped"
OUT=$(as_example start-cmd)
is "$?" 0 "the example's start-cmd: exit 0"
like "$OUT" "Successfully started service: MSExchangeCCMC" "the example's start-cmd: started"
is "$(service_state)" running "the service runs again"

# --- the handler with the example's lines ----------------------------------------------------------
S=$(store store)
printf 'NDR for a message\n' >"$S/Import/x.und"
sum=$(sha256sum <"$S/Import/x.und")
conf="$T/remediate.conf"
{
	printf 'store = %s\nquarantine = %s/q\nstate-dir = %s/st\n' "$S" "$T" "$T"
	for k in stop-cmd start-cmd status-cmd; do printf '%s = %s\n' "$k" "$(line "$k")"; done
	printf 'stop-timeout = 10s\nstart-timeout = 10s\n'
} >"$conf"
chmod 600 "$conf"
: >"$R/var/lib/fakesvc/log"
OUT=$("$HANDLER" -f "$conf" CRITICAL HARD 1 2>&1)
RC=$?
is "$RC" 0 "the handler with the example's net lines: exit 0"
like "$OUT" "REMEDIATED: moved 1 .und file" "the handler moved the file"
like "$OUT" "connector restarted in" "the handler stopped and restarted the service"
is "$(grep -E '^(start|stop)$' "$R/var/lib/fakesvc/log" | tr '\n' ' ')" "stop start " \
	"the service saw one stop, then one start"
is "$(service_state)" running "the service runs after the handler"
is "$(sha256sum <"$(find "$T/q" -name x.und)")" "$sum" "the quarantined file is byte-identical"

# --- a user without the right to control services -------------------------------------------------
printf 'NDR again\n' >"$S/Import/y.und"
printf 'username = ccmcro\npassword = Ro-pass1\ndomain = CORP\n' >"$T/ro-auth"
chmod 600 "$T/ro-auth"
sed "s|$A|$T/ro-auth|g" "$conf" >"$T/ro.conf"
chmod 600 "$T/ro.conf"
OUT=$(line stop-cmd | sed "s|$A|$T/ro-auth|" | xargs sh -c 'exec "$@" 2>&1' sh)
like "$OUT" "WERR_ACCESS_DENIED" "a user without admin rights: net says WERR_ACCESS_DENIED"
OUT=$("$HANDLER" -f "$T/ro.conf" CRITICAL HARD 1 2>&1)
RC=$?
is "$RC" 3 "the handler as that user: exit 3"
like "$OUT" "FAILED" "the handler as that user: FAILED, said so"
ok "$([ -f "$S/Import/y.und" ]; echo $?)" "the handler as that user: the file is still in Import"
is "$(service_state)" running "the handler as that user: the service still runs"

# --- the whole fix over SMB: examples/remediate/exchange-net-rpc.conf, the service is ccmc-sim ------
if [ -x "$CCMC_UND_SMB_HELPER" ]; then
	cp "$top_builddir/tests/ccmc-sim-static" "$R/usr/local/bin/ccmc-sim"
	cat >"$R/usr/lib/x86_64-linux-gnu/samba/svcctl/MSExchangeCCMC" <<EOF
#!/bin/sh
exec /usr/local/bin/ccmc-sim -R $CH_STORE --poll 0.2 "\$1"
EOF
	sim() { chroot "$R" /usr/local/bin/ccmc-sim -R "$CH_STORE" "$@"; }
	sim start >/dev/null
	sim send 4 >/dev/null
	sim reject Import >/dev/null
	und_sum=$(sha256sum <"$(find "$R$CH_STORE/Import" -iname '*.und')")
	URL="smb://127.0.0.1:$PORT/c\$/exchsrvr/ccmcdata"
	OUT=$("$PLUGIN" -R "$URL" -A "$A" --smb-protocol NT1 2>&1)
	is "$?" 2 "over SMB1, the check sees the stalled connector: CRITICAL"
	like "$OUT" "CCMC_UND CRITICAL - 1 .und file: Import 1" "... one .und file in Import"
	delivered() { find "$R$CH_STORE/delivered" -type f 2>/dev/null | wc -l; }
	before=$(delivered)
	localize "$SMB_EXAMPLE" >"$T/smb.conf"
	chmod 600 "$T/smb.conf"
	OUT=$("$HANDLER" -f "$T/smb.conf" CRITICAL HARD 1 2>&1)
	is "$?" 0 "the handler with exchange-net-rpc.conf: exit 0"
	like "$OUT" "REMEDIATED: moved 1 .und file (Import 1) to $T/q2/" "... moved the file over SMB, no mount"
	like "$OUT" "connector restarted in" "... stopped and started the service with net rpc"
	is "$(grep -oE 'stopped|started' "$R$CH_STORE/ccmc-sim.log" | tail -n 2 | tr '\n' ' ')" "stopped started " \
		"ccmc-sim was stopped, then started"
	is "$(sha256sum <"$(find "$T/q2" -iname '*.und')")" "$und_sum" "the quarantined file is byte-identical"
	is "$(find "$R$CH_STORE" -iname '*.und' | wc -l)" 0 "no .und file is left on the share"
	OUT=$("$PLUGIN" -R "$URL" -A "$A" --smb-protocol NT1 2>&1)
	is "$?" 0 "the check over SMB1 goes OK"
	like "$(sim status)" running "ccmc-sim runs"
	sim wait-polls 3 >/dev/null
	ok "$([ "$(delivered)" -gt "$before" ]; echo $?)" "ccmc-sim delivers again ($before, then $(delivered) messages)"
else
	skip "the whole fix over SMB: built without --with-smbclient"
fi

done_testing
