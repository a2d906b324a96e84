#!/bin/bash
# The handler on an smb:// store against what a careless admin and a real
# Windows server do: a .und file named like a temp copy, and a file that an
# antivirus or backup agent holds open, so that its delete stays pending and
# the server answers a later look at it with an error that is not "gone".
. "$top_srcdir/tests/smbd_lib.sh"

# Samba's Python client, which holds the file open, always dials port 445: the
# server listens there too when it is free.
PORT=$(smbd_port)
HOLD_WHY=""
if perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new("127.0.0.1:445") ? 0 : 1)'; then
	HOLD_WHY="127.0.0.1:445 is taken, so no second client can hold a file open"
elif ! /usr/bin/python3 -c 'import samba.samba3.libsmb_samba_internal' 2>/dev/null; then
	HOLD_WHY="python3-samba is missing (apt-get install python3-samba)"
else
	SMBD_EXTRA="smb ports = $PORT 445"
fi
. "$top_srcdir/tests/smbstore_lib.sh"

# --- a .und file named like a temp copy survives its run's recovery ----------------------------
fresh_smb
und Import a.und
und Import .ccmc-keep.und
und Export .ccmc-12345678-0.und
served
touch "$C/ignore-start"
handler --start-timeout 2s --force
is "$RC" 3 "smb://, a connector that does not start: exit 3 ($FIRST)"
rm "$C/ignore-start"
handler --force
is "$RC" 0 "smb://: the next run finishes the unfinished one ($FIRST)"
like "$FIRST" "0 unfinished copies removed" "smb://: recovery removed no copy"
no_loss "smb://, names that begin with .ccmc-"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "3/0" "smb://: each has its manifest line"

# --- a delete left pending by an agent holding the file: the replay keeps the copy --------------
# held_setup: a store with one file of fixed bytes, so that the runs' writes count alike.
held_setup() {
	fresh_smb
	printf 'NDR held open by an antivirus agent\n' >"$S/Import/a.und"
	sha256sum <"$S/Import/a.und" | cut -d' ' -f1 >"$ORIG"
	served
}
if [ -z "$HOLD_WHY" ]; then
	held_setup
	traced "$F_WRITE" CRITICAL HARD 1
	n=$(call_index 'manifest.tsv>, "2')
	held_setup
	mkfifo "$T/hold.in"
	/usr/bin/python3 "$top_srcdir/tests/smbhold.py" "$A" 'c$' 'store\Import\a.und' \
		<"$T/hold.in" >"$T/hold.out" 2>&1 &
	holder=$!
	exec 8>"$T/hold.in"
	until_ok 20 grep -qx held "$T/hold.out"
	ok $? "an agent holds Import/a.und open, letting others delete it ($(cat "$T/hold.out"))"
	injected "write:signal=SIGKILL:when=$n" CRITICAL HARD 1
	is "$RC" 137 "the run is killed after the server accepted the delete, before the manifest line"
	ok "$([ -e "$S/Import/a.und" ]; echo $?)" "the original is still there, its delete pending"
	handler CRITICAL HARD 1
	like "$FIRST" "could not yet finish interrupted run" \
		"a replayed delete whose check the server refuses (delete pending): the run stays open ($FIRST)"
	is "$(find "$Q" -name a.und | wc -l)" 1 "... and the copy is kept"
	exec 8>&-
	wait "$holder"
	until_ok 10 test ! -e "$S/Import/a.und"
	ok $? "the agent lets go: the pending delete removes the original"
	handler CRITICAL HARD 1
	like "$FIRST" "finished interrupted run" "the next replay finds it gone and finishes the run ($FIRST)"
	no_loss "a delete left pending"
	manifest_check
	is "$MANIFEST_LINES/$MANIFEST_BAD" "1/0" "the kept copy has its manifest line"
else
	skip "a delete left pending: $HOLD_WHY"
fi

done_testing
