#!/bin/bash
# smb:// against a server that misbehaves (tests/fakesmb.py): keep-alive and
# foreign-message floods, a listing that never ends, answers that drip, that
# overlap or hold names no Windows server could send, a logon the server ends.
# Whatever libsmbclient makes of them (today it refuses most at the logon),
# the plugin must answer within -t + 1 s, UNKNOWN with one status line, and
# never OK; the handler must touch nothing and end within its deadline.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/smbd_lib.sh"

HELPER="$top_builddir/smb/ccmc_und_smb"
HANDLER="$top_builddir/eventhandler/ccmc_und_remediate"
[ -x "$HELPER" ] || skip_all "built without --with-smbclient (no smb/ccmc_und_smb)"
command -v python3 >/dev/null || skip_all "no python3 for the fake server (Debian's samba brings it)"
export CCMC_UND_SMB_HELPER="$HELPER"
A="$T/auth"
printf 'username = exadmin\npassword = Secr3t!\n' >"$A"
chmod 600 "$A"
FP=
trap '[ -n "$FP" ] && kill "$FP" 2>/dev/null; cleanup' EXIT

# fake SCENARIO: the fake server on a free port ($FPORT).
fake() {
	[ -n "$FP" ] && kill "$FP" 2>/dev/null && wait "$FP" 2>/dev/null
	FPORT=$(smbd_port)
	python3 "$top_srcdir/tests/fakesmb.py" "$FPORT" "$1" >"$T/fake.log" 2>&1 &
	FP=$!
	smbd_answers "$FPORT" || { echo "Bail out! the fake server did not start"; exit 1; }
}

# timed COMMAND...: OUT, RC and MS (its wall time).
timed() {
	local t0
	t0=$(date +%s%N)
	OUT=$(timeout 20 "$@" 2>&1)
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
}

for sc in ok keepalive_flood oplock_flood loop names deleted_session nt1_ok nt1_stale nt1_inplace nt1_drip; do
	proto=()
	case $sc in nt1_*) proto=(--smb-protocol=NT1) ;; esac
	fake "$sc"
	timed "$PLUGIN" -A "$A" "${proto[@]}" -d "smb://127.0.0.1:$FPORT/c\$/Import" -t 2
	ok "$([ "$RC" -eq 3 ] && [ "$MS" -le 3000 ]; echo $?)" \
		"$sc: the plugin is UNKNOWN within -t + 1 s (exit $RC, $MS ms: $(printf '%s' "$OUT" | head -n 1 | cut -c1-100))"
	is "$(printf '%s\n' "$OUT" | grep -c '^CCMC_UND')" 1 "$sc: with one status line"
done

# The handler against such a server: nothing touched, within --deadline.
fake loop
mkdir -p "$T/c" "$T/q"
chmod 700 "$T/q"
echo running >"$T/c/state"
F="$top_srcdir/tests/fake_connector"
timed "$HANDLER" -R "smb://127.0.0.1:$FPORT/c\$/store" -A "$A" -Q "$T/q" --state-dir "$T/st" \
	--stop-cmd "$F $T/c stop" --start-cmd "$F $T/c start" --status-cmd "$F $T/c status" \
	--deadline 6s --stop-timeout 1s --start-timeout 1s --force
is "$RC" 3 "the handler against a hostile server: exit 3 ($(printf '%s' "$OUT" | head -n 1 | cut -c1-120))"
like "$OUT" "nothing touched" "... nothing touched"
ok "$([ "$MS" -le 6500 ]; echo $?)" "... within --deadline 6s ($MS ms)"
is "$(cat "$T/c/state")" running "... and the connector runs"

done_testing
