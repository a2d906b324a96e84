#!/bin/bash
# Faults made real with strace: a hung share, vanishing files, I/O errors, a
# crashed scan, and a folder the plugin may not read.
. "$top_srcdir/tests/lib.sh"

# LeakSanitizer cannot run under ptrace; the other tests check for leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

[ -n "${STRACE:-}" ] && [ -x "$STRACE" ] ||
	{ echo "Bail out! strace is missing (apt-get install strace)"; exit 1; }

# hung EXPECT_STATUS DESC STRACE_ARGS... -- PLUGIN_ARGS...: runs the plugin
# under strace with a 20 s delay injected, and checks it answers first.
hung() {
	local want=$1 desc=$2 sargs=() pid st line rest rc
	shift 2
	while [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	rm -f "$T/out" "$T/status"
	mkfifo "$T/out"
	"$STRACE" -f -qq -o /dev/null "${sargs[@]}" \
		bash -c '"$0" "$@" >"$OUTFIFO"; echo $? >"$STATUS.tmp"; mv "$STATUS.tmp" "$STATUS"' \
		"$PLUGIN" "$@" </dev/null >/dev/null 2>&1 &
	pid=$!
	export OUTFIFO STATUS
	exec 3<"$T/out"
	# The delay is 20 s and the plugin's timeout 1 s: an answer within 10 s
	# can only come from a plugin that walked away from the hung call.
	IFS= read -r -t 10 -u 3 line
	rc=$?
	IFS= read -r -t 10 -d '' -u 3 rest
	st=$?
	exec 3<&-
	ok $((rc == 0 ? 0 : 1)) "$desc: the plugin answered within 10 s"
	ok $((st == 1 ? 0 : 1)) "$desc: its output reached EOF (no child holds the pipe)"
	for _ in $(seq 100); do [ -e "$T/status" ] && break; read -r -t 0.1 <> <(:) || true; done
	is "$(cat "$T/status" 2>/dev/null)" "$want" "$desc: exit status $want"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	HUNG=$line
}
OUTFIFO="$T/out"
STATUS="$T/status"
export OUTFIFO STATUS

# --- a stat() (newfstatat, in the %fstat class) that hangs, as on a lost share ------------------------------------
D="$T/hung"
mkdir "$D"
mkf "$D/a.und" 60
hung 3 "hung stat" -P "$D" -e trace=%fstat -e inject=%fstat:delay_enter=20000000 -- -d "$D" -t 1
is "$HUNG" "CCMC_UND UNKNOWN - timed out after 1s scanning $D (hung share?)" \
	"hung stat: UNKNOWN, naming the step and the folder"
hung 2 "--timeout-state critical" -P "$D" -e trace=%fstat -e inject=%fstat:delay_enter=20000000 \
	-- -d "$D" -t 1 --timeout-state critical
like "$HUNG" "CCMC_UND CRITICAL - timed out after 1s scanning $D" "--timeout-state critical is CRITICAL"

# --- the mount table cannot be read: said so, UNKNOWN, never "missing" or "No such file" ------------
M=$(store mountless)
out=$("$STRACE" -f -qq -o /dev/null -P /proc/self/mountinfo -e trace=openat -e inject=openat:error=EMFILE \
	"$PLUGIN" -R "$M" --fstype cifs --missing ok)
rc=$?
like "$rc $out" "3 CCMC_UND UNKNOWN - Import, Export, Submit: $M: cannot tell which mount it is on: /proc/self/mountinfo: Too many open files" \
	"mountinfo unreadable: UNKNOWN (not --missing ok), saying the mount lookup failed"

S=$(store hungstore)
hung 3 "hung open" -P "$S" -e trace=openat -e inject=openat:delay_enter=20000000 -- -R "$S" -t 1
is "$HUNG" "CCMC_UND UNKNOWN - timed out after 1s opening $S/Import (hung share?)" \
	"hung open: the message names the folder being opened"
hung 3 "hung mount check" -P "$S" -e trace=%file -e inject=%file:delay_enter=20000000 \
	-- -R "$S" -t 1 --fstype cifs
is "$HUNG" "CCMC_UND UNKNOWN - timed out after 1s checking the mount of $S (hung share?)" \
	"hung mount check: named too"

# --- a share costs round trips: the store root is opened and listed once ----------
S=$(store once)
n=$("$STRACE" -f -qq -e trace=openat,getdents64 -P "$S" "$PLUGIN" -R "$S" 2>&1 >/dev/null |
	grep -c -e "openat(AT_FDCWD, \"$S\"" -e 'getdents64(' )
# -P sees calls on the root only: one open and one listing (a read and its
# end). Opening it per folder would make 3 + 3 x 2.
is "$n" 3 "the store root is opened once and listed once for its three folders"

# --- a file that vanishes between the listing and its stat (the first fstat is the folder's own) -
D="$T/vanish"
mkdir "$D"
for f in a b c; do mkf "$D/$f.und" 60; done
OUT=$("$STRACE" -f -qq -o /dev/null -P "$D" -e trace=%fstat -e inject=%fstat:error=ENOENT:when=2 \
	"$PLUGIN" --now "$NOW" -d "$D" -vvv)
RC=$?
is "$RC" 2 "a vanished file: the others still count"
like "$OUT" "2 .und files: vanish 2" "two of three are counted"
like "$OUT" "1 vanished" "the vanished one is ignored, and counted only at -vvv"
unlike "$OUT" "note:" "no note or error for it"

# --- I/O errors -----------------------------------------------------------------
D="$T/eio"
mkdir "$D"
mkf "$D/a.und" 60
OUT=$("$STRACE" -f -qq -o /dev/null -P "$D" -e trace=%fstat -e inject=%fstat:error=EIO \
	"$PLUGIN" --now "$NOW" -d "$D")
is "$?" 3 "a .und file that cannot be stat()ed makes the count UNKNOWN"
like "$OUT" "note: eio: 1 matching entry could not be read: Input/output error" "and says why"
like "${OUT%%$'\n'*}" "UNKNOWN - eio: 1 entry named *.und or *.ccm could not be looked at (Input/output error)" \
	"the summary says why, too"
OUT=$("$STRACE" -f -qq -o /dev/null -P "$D" -e trace=getdents64 -e inject=getdents64:error=EIO \
	"$PLUGIN" --now "$NOW" -d "$D" --missing ok)
is "$?" 3 "a folder that cannot be listed is UNKNOWN, even with --missing ok"
like "$OUT" "CCMC_UND UNKNOWN - eio: $D: Input/output error" "naming the error"

# --- the scan process dies --------------------------------------------------------
OUT=$("$STRACE" -f -qq -o /dev/null -e trace=getdents64 -e inject=getdents64:signal=SIGKILL \
	"$PLUGIN" --now "$NOW" -d "$D")
is "$?" 3 "a scan process killed mid-scan is UNKNOWN"
is "$OUT" "CCMC_UND UNKNOWN - the scan process failed (signal 9)" "and says how it died"

# --- a folder the plugin may not read ---------------------------------------------
S=$(store perms)
mkf "$S/Export/x.und" 60
chmod 000 "$S/Import"
chmod -R a+rX "$S/Export" "$S/Submit"
if [ "$(id -u)" -eq 0 ]; then
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	as_user() { "$@"; }
fi
OUT=$(as_user "$PLUGIN" --now "$NOW" -R "$S")
is "$?" 2 "an unreadable Import does not hide the .und file in Export"
like "$OUT" "Import: $S/Import: Permission denied" "and the denial is reported"
rm "$S/Export/x.und"
OUT=$(as_user "$PLUGIN" --now "$NOW" -R "$S" --missing critical)
is "$?" 3 "an unreadable folder is UNKNOWN, not missing"
chmod 755 "$S/Import"

done_testing
