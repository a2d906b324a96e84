#!/bin/bash
# The SMB helper's own lister (smb/smbls.c) against a server that misbehaves (tests/fakesmb.py),
# one block per defect a hostile sweep found: every answer comes within -t, a listing holds
# nothing of an earlier one, a name no Windows server could send is refused, and a connection
# whose logon the server ended is made again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/smbd_lib.sh"

HELPER="$top_builddir/smb/ccmc_und_smb"
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

# helper ARGS...: the helper's records as text in $REC, its exit code in $HRC, its time in $MS.
helper() {
	local t0
	t0=$(date +%s%N)
	timeout 20 "$HELPER" -A "$A" -t 2000 "$@" >"$T/rec" 2>"$T/rec.err"
	HRC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	REC=$(python3 "$top_srcdir/tests/smbrecords.py" <"$T/rec")
}

# D1: a server that keeps the socket readable (keep-alives, or answers to other requests) is
# still cut at the deadline: the check was made only when the socket had nothing to read.
for sc in keepalive_flood oplock_flood; do
	fake "$sc"
	helper d "smb://127.0.0.1:$FPORT/c\$/Import"
	ok "$([ "$HRC" -eq 0 ] && [ "$MS" -le 3000 ]; echo $?)" "$sc: the helper ends within -t + 1 s ($MS ms, exit $HRC)"
	like "$REC" "O 110 smb://" "$sc: the folder is said to have timed out (ETIMEDOUT)"
done

# D1/D2: a listing that never ends, and SMB1 pieces of nothing, one a second.
fake loop
helper d "smb://127.0.0.1:$FPORT/c\$/Import"
ok "$([ "$HRC" -eq 0 ] && [ "$MS" -le 3000 ]; echo $?)" "an endless listing: cut within -t + 1 s ($MS ms)"
is "$(printf '%s\n' "$REC" | tail -n 1)" "D 110" "an endless listing: its end says ETIMEDOUT"
fake nt1_drip
helper -P NT1 d "smb://127.0.0.1:$FPORT/c\$/Import"
ok "$([ "$MS" -le 3000 ]; echo $?)" "SMB1 answer pieces of nothing: cut within -t + 1 s ($MS ms)"
like "$REC" "O 71 smb://" "SMB1 answer pieces of nothing: refused (EPROTO)"

# D2: SMB1 pieces that overlap must not pass the last listing's bytes off as this one's, and
# data in one piece with the parameters in the next must not be lost.
fake nt1_stale
helper -P NT1 d "smb://127.0.0.1:$FPORT/c\$/A" d "smb://127.0.0.1:$FPORT/c\$/B"
is "$(printf '%s\n' "$REC" | grep -c '^E .* stale')" 40 "overlapping SMB1 pieces: folder A's 40 entries listed"
is "$(printf '%s\n' "$REC" | tail -n 1)" "O 71 smb://127.0.0.1:$FPORT/c\$/B" \
	"overlapping SMB1 pieces: folder B refused (EPROTO), none of A's entries shown as B's"
fake nt1_inplace
helper -P NT1 d "smb://127.0.0.1:$FPORT/c\$/Import"
is "$(printf '%s\n' "$REC" | grep '^E' | cut -d' ' -f2,3,5)" "0 5 a.und" "SMB1 data before its parameters: the entry is kept"

# L1: a name with a NUL, '/' or '\' inside is no Windows name: the listing is refused, not cut.
fake names
helper d "smb://127.0.0.1:$FPORT/c\$/Import"
is "$(printf '%s\n' "$REC" | grep -c ' c\.und$')" 0 "a name with a NUL inside is not cut down to c.und"
is "$(printf '%s\n' "$REC" | tail -n 1)" "D 71" "names no server could hold: the listing is refused (EPROTO)"
run -A "$A" -d "smb://127.0.0.1:$FPORT/c\$/Import" -t 5
is "$RC" 3 "names no server could hold: the plugin is UNKNOWN"
is "$(printf '%s\n' "$OUT" | grep -c '^CCMC_UND')" 1 "... with one status line"

# D3: a kept connection whose logon the server ended is made again at the next scan.
fake deleted_session
before=$(grep -c '^connection' "$T/fake.log") # fake's own probe of the port
printf 'scan\nscan\nscan\n' | timeout 20 "$HELPER" -S -A "$A" -t 2000 d "smb://127.0.0.1:$FPORT/c\$/Import" >/dev/null
is "$(($(grep -c '^connection' "$T/fake.log") - before))" 3 "the logon ended by the server: each scan connects again"

done_testing
