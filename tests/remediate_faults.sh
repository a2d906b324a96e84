#!/bin/bash
# The handler under real faults: sources it may not read or remove, a full
# quarantine, the deadline, and SIGKILL at every write, rename, unlink and
# sync call of a run, each followed by a normal run that must finish it.
. "$top_srcdir/tests/remediate_lib.sh"

need_root_strace

cross_fs_dir
XQ="$XFS/q"

# --- a source that is busy (EBUSY, as a file open on a share) -------------------------------
busy_setup() { fresh "$1"; und Import a.und; und Import b.und; und Import c.und; }
busy_setup "$T/q"
traced "$F_RENAME" CRITICAL HARD 1
busy_setup "$T/q"
n=$(call_index '"b.und"')
injected "renameat2:error=EBUSY:when=$n" CRITICAL HARD 1
is "$RC" 1 "same fs, EBUSY on one rename: exit 1 (partial)"
like "$FIRST" "PARTIAL: moved 2 of 3 .und files (Import 2)" "same fs, EBUSY: the others moved"
like "$FIRST" "; 1 left in place; connector restarted in" "same fs, EBUSY: the summary counts it"
like "$OUT" "left in place: $S/Import/b.und (rename: Device or resource busy)" "same fs, EBUSY: the file is named"
ok "$([ -f "$S/Import/b.und" ] && echo 0 || echo 1)" "same fs, EBUSY: b.und is still in Import"
no_loss "same fs, EBUSY"
is "$(connector_state)" running "same fs, EBUSY: the connector runs"

busy_setup "$XQ"
traced "$F_UNLINK" CRITICAL HARD 1
busy_setup "$XQ"
n=$(call_index '"b.und"')
injected "unlinkat:error=EBUSY:when=$n" CRITICAL HARD 1
is "$RC" 1 "cross fs, EBUSY on one unlink: exit 1 (partial)"
like "$OUT" "left in place: $S/Import/b.und (unlink: Device or resource busy)" "cross fs, EBUSY: the file is named"
ok "$([ -f "$S/Import/b.und" ] && [ -z "$(find "$Q" -name 'b.und*')" ] && echo 0 || echo 1)" \
	"cross fs, EBUSY: b.und stays and its copy is removed"
no_loss "cross fs, EBUSY"
is "$(leftovers)" 0 "cross fs, EBUSY: no temp copy is left"

# --- sources that may not be read or removed -------------------------------------------------
fresh
und Import a.und
und Import locked.und
und Export c.und
chattr +i "$S/Import/locked.und"
handler CRITICAL HARD 1
is "$RC" 1 "an immutable source (EPERM on rename): exit 1"
like "$OUT" "left in place: $S/Import/locked.und (rename: Operation not permitted)" "EPERM: the file is named"
no_loss "EPERM"
chattr -i "$S/Import/locked.und"

fresh
und Import a.und
und Import secret.und
und Export c.und
chmod 000 "$S/Import/secret.und"
chown -R nobody "$S" "$C"
mkdir -m 700 "$Q" "$SD" && chown nobody "$Q" "$SD"
chown root "$S/Import/secret.und"
handler_opts
OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1)
RC=$?
is "$RC" 1 "as nobody, an unreadable source: exit 1"
like "$OUT" "PARTIAL: moved 2 of 3 .und files (Import 1, Export 1)" "EACCES: the readable ones moved"
like "$OUT" "left in place: $S/Import/secret.und (open: Permission denied)" "EACCES: the unreadable one is named"
ok "$([ -f "$S/Import/secret.und" ] && echo 0 || echo 1)" "EACCES: it is still in Import"
no_loss "EACCES"

# --- a lock left by a run by hand as root ----------------------------------------------------------
# The state directory is the user's, but root's run left its lock there: the run is refused
# before anything is stopped, and the message says whose the file is and what to do.
fresh
und Import a.und
chown -R nobody "$S" "$C"
mkdir -m 700 "$Q" "$SD" && chown nobody "$Q" "$SD"
: >"$SD/lock"
chmod 600 "$SD/lock"
handler_opts
OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1)
RC=$?
is "$RC" 3 "root's lock in the state directory: exit 3"
like "$OUT" "$SD/lock: Permission denied: it belongs to uid 0 (a run by hand as another user?)" \
	"... the lock's owner is named"
is "$(calls)" "" "... and the connector was not touched"
no_loss "root's lock"

# --- a full quarantine ---------------------------------------------------------------------------
tmpfs_at "$T/small" 256k && MOUNTS+=("$T/small")
fresh "$T/small/q"
for i in 1 2 3; do und Import "big$i.und"; head -c 100000 /dev/urandom >>"$S/Import/big$i.und"; done
sha256sum "$S"/Import/* | cut -d' ' -f1 >"$ORIG"
handler CRITICAL HARD 1
is "$RC" 3 "a quarantine too small for the files: exit 3"
like "$FIRST" "FAILED: the quarantine has" "a small quarantine: refused before anything is stopped"
ok "$([ ! -e "$C/calls" ] || ! grep -q stop "$C/calls"; echo $?)" "a small quarantine: the connector was not stopped"
no_loss "a small quarantine"
is "$(find "$S/Import" -name 'big*' | wc -l)" 3 "a small quarantine: every source is in place"

# A real ENOSPC mid-batch: a tmpfs with room for the bytes but only eight inodes (its root,
# the run folder, the manifest, the four folders mirroring $S/Import and one copy), which the space check does not count.
tmpfs_at "$T/few" "1m,nr_inodes=8" && MOUNTS+=("$T/few")
fresh "$T/few/q"
rmdir "$T/few/q" 2>/dev/null
Q="$T/few"
for i in 1 2 3; do und Import "i$i.und"; done
handler CRITICAL HARD 1
is "$RC" 3 "a tmpfs out of inodes: exit 3"
like "$FIRST" "FAILED: moved 0 of 3 .und files to" "out of inodes: nothing was moved"
like "$FIRST" "quarantine create failed: No space left on device" "out of inodes: the summary names the real ENOSPC"
is "$(find "$S/Import" -name 'i*.und' | wc -l)" 3 "out of inodes: every source is untouched"
no_loss "out of inodes"
is "$(leftovers)" 0 "out of inodes: the copy already made is removed"
is "$(connector_state)" running "out of inodes: the connector runs"
Q="$T/q"

# The lock must be on local disk: a state dir that statfs reports as CIFS is refused.
fresh
und Import a.und
injected "fstatfs:poke_exit=@arg2=424d53ff00000000" CRITICAL HARD 1
is "$RC" 3 "a state dir on CIFS: exit 3"
like "$FIRST" "FAILED: state directory $SD is on a network file system; nothing touched" \
	"a state dir on CIFS is refused before anything is touched"
ok "$([ ! -e "$C/calls" ] && [ -e "$S/Import/a.und" ] && echo 0 || echo 1)" "a state dir on CIFS: no command ran"

enospc_setup() { fresh "$XQ"; for i in 1 2 3 4; do und Import "n$i.und"; done; }
enospc_setup
traced "$F_WRITE" CRITICAL HARD 1
n=$(calls_of | grep -n '\.ccmc-' | sed -n 3p | cut -d: -f1)
enospc_setup
injected "write:error=ENOSPC:when=$n" CRITICAL HARD 1
is "$RC" 3 "ENOSPC on the third copy: exit 3"
like "$FIRST" "FAILED: moved 0 of 4 .und files to" "ENOSPC: nothing was moved"
like "$FIRST" "quarantine write failed: No space left on device" "ENOSPC: the summary names the error"
is "$(find "$S/Import" -name 'n*.und' | wc -l)" 4 "ENOSPC: every source is untouched"
no_loss "ENOSPC"
is "$(leftovers)" 0 "ENOSPC: the copies already made are removed"
is "$(connector_state)" running "ENOSPC: the connector runs"

fresh "$XQ"
for i in 1 2 3; do und Import "e$i.und"; done
injected "syncfs:error=EIO" CRITICAL HARD 1
is "$RC" 3 "EIO on the quarantine's sync: exit 3"
like "$FIRST" "quarantine sync failed: Input/output error" "EIO: the summary names the error"
is "$(find "$S/Import" -name 'e*.und' | wc -l)" 3 "EIO: every source is untouched"
is "$(leftovers)" 0 "EIO: no temp copy is left"

# --- SIGTERM mid-move (Icinga 2 sends it before SIGKILL): moving stops, the connector runs ---
term_setup() { fresh "$1"; for i in 1 2 3 4; do und Import "t$i.und"; done; }
term_setup "$T/q"
traced "$F_RENAME" CRITICAL HARD 1
term_setup "$T/q"
n=$(call_index '"t2.und"')
injected "renameat2:signal=SIGTERM:when=$n" CRITICAL HARD 1
is "$RC" 1 "same fs, SIGTERM at t2.und's rename (call $n): exit 1 (partial)"
k=$(find "$Q" -name 't*.und' | wc -l)
is "$k" "$n" "same fs, SIGTERM: the file in hand is finished, no new one started"
like "$FIRST" "PARTIAL: moved $k of 4 .und files (Import $k)" "same fs, SIGTERM: the summary counts them"
like "$FIRST" "; stopped by SIGTERM or SIGINT, $((4 - k)) left for the next run; connector restarted in" \
	"same fs, SIGTERM: the summary says so, and the connector was started"
is "$(connector_state)" running "same fs, SIGTERM: the connector runs"
no_loss "same fs, SIGTERM"
handler CRITICAL HARD 1
like "$FIRST" "REMEDIATED: moved $((4 - k)) .und file" "same fs, SIGTERM: the next run moves the rest"
no_loss "same fs, SIGTERM, then a run"

term_setup "$XQ"
traced "$F_WRITE" CRITICAL HARD 1
n=$(calls_of | grep -n '\.ccmc-' | sed -n 2p | cut -d: -f1)
term_setup "$XQ"
injected "write:signal=SIGTERM:when=$n" CRITICAL HARD 1
is "$RC" 1 "cross fs, SIGTERM at the second copy: exit 1 (partial)"
like "$FIRST" "PARTIAL: moved 2 of 4 .und files (Import 2)" "cross fs, SIGTERM: the two copies made are verified and finished"
is "$(connector_state)" running "cross fs, SIGTERM: the connector runs"
is "$(leftovers)" 0 "cross fs, SIGTERM: no temp copy is left"
no_loss "cross fs, SIGTERM"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "2/0" "cross fs, SIGTERM: the manifest has the two, each matching its bytes"

# Before the stop, a SIGTERM leaves everything as it was.
fresh
und Import a.und
injected "fstatfs:signal=SIGTERM" CRITICAL HARD 1
is "$RC" 3 "SIGTERM before the stop: exit 3"
like "$FIRST" "FAILED: SIGTERM or SIGINT before the connector was stopped; nothing touched" \
	"SIGTERM before the stop: nothing touched"
ok "$([ ! -e "$C/calls" ] || ! grep -q stop "$C/calls"; echo $?)" "SIGTERM before the stop: the connector was not stopped"

# --- a hung share: the store is looked at in a child first, so nothing is stopped ----------
fresh
und Import a.und
handler_opts
rm -f "$T/hung.out" "$T/hung.rc"
mkfifo "$T/hung.out"
# strace holds the handler's exit until the delayed stat ends, so its answer is read as it
# is written, from a FIFO, and its status afterwards from a file.
"$STRACE" -f -qq -o /dev/null -P "$S/Import" -e trace=%fstat -e inject=%fstat:delay_enter=20000000 \
	bash -c 'out=$1 rc=$2; shift 2; "$@" >"$out" 2>&1; echo $? >"$rc.tmp"; mv "$rc.tmp" "$rc"' \
	_ "$T/hung.out" "$T/hung.rc" "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1 2>/dev/null &
spid=$!
exec 3<"$T/hung.out"
# The stat is delayed 20 s and the store's time-out is 5 s: a line within 12 s can only
# come from a handler that walked away from the hung call.
IFS= read -r -t 12 -u 3 FIRST
ok $? "a hung share: the handler answered within 12 s"
exec 3<&-
for _ in $(seq 600); do [ -e "$T/hung.rc" ] && break; read -r -t 0.05 <> <(:) || true; done
RC=$(cat "$T/hung.rc" 2>/dev/null)
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
is "$RC" 3 "a hung share: exit 3"
like "$FIRST" "FAILED: the store did not answer within 5s (scanning $S/Import; hung share?); nothing touched" \
	"a hung share: the summary names the folder and the step"
ok "$([ ! -e "$C/calls" ] || ! grep -q stop "$C/calls"; echo $?)" "a hung share: the connector was not stopped"
no_loss "a hung share"

# --- the deadline ------------------------------------------------------------------------------
fresh
for i in $(seq 20); do und Import "d$i.und"; done
injected "renameat2:delay_enter=400000" --deadline 4s --stop-timeout 1s --start-timeout 1s CRITICAL HARD 1
is "$RC" 1 "the deadline: exit 1 (partial)"
moved=$(printf '%s\n' "$FIRST" | sed -n 's/^PARTIAL: moved \([0-9]*\) of 20 .*/\1/p')
left=$(printf '%s\n' "$FIRST" | sed -n 's/.*deadline reached, \([0-9]*\) left for the next run.*/\1/p')
ok "$([ -n "$moved" ] && [ "$moved" -gt 0 ] && [ "$moved" -lt 20 ] && [ $((moved + left)) -eq 20 ] && echo 0 || echo 1)" \
	"the deadline: some moved, the rest left for the next run ($FIRST)"
like "$FIRST" "connector restarted in" "the deadline: the connector is started"
is "$(connector_state)" running "the deadline: the connector runs"
handler CRITICAL HARD 1
like "$FIRST" "REMEDIATED: moved $left .und files" "the next run moves the rest"
no_loss "the deadline"

# --- SIGKILL at every call ----------------------------------------------------------------------
crash_setup() {
	fresh "$1"
	und Import a.und
	und Import B.UND
	und Import c.und
	und Export d.und
	und Export e.und
}
# --- same fs: the connector is started before the renamed files are hashed ------------------
fresh
for i in 1 2 3; do und Import "h$i.und"; done
SILENT_CONNECTOR=1 handler_opts
"$STRACE" -f -qq -y -s 256 -o "$T/trace" -e trace=execve,write "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1 >"$T/out" 2>&1
is "$?" 0 "hash after the start: the run succeeds"
start_at=$(sed -E 's/^[0-9]+ +//' "$T/trace" | grep -n -m 1 '^execve(.*"start"\]' | cut -d: -f1)
line_at=$(sed -E 's/^[0-9]+ +//' "$T/trace" | grep -n -m 1 '^write([0-9]*<[^>]*manifest.tsv>, ".*h[123]\.und' | cut -d: -f1)
ok "$([ -n "$start_at" ] && [ -n "$line_at" ] && [ "$start_at" -lt "$line_at" ]; echo $?)" \
	"same fs: the connector's start (trace line ${start_at:-none}) comes before the first manifest line (${line_at:-none})"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "3/0" "hash after the start: every moved file has its line, matching its bytes"

# The connector here makes none of the traced calls, so that the handler's
# threads can be traced (-f) and every call counted is the handler's.
SILENT_CONNECTOR=1
KILLS=0
FAMS=""
for mode in same cross; do
	q="$T/q"
	[ $mode = cross ] && q="$XQ"
	for fam in write rename unlink sync; do
		case $fam in
		write) set=$F_WRITE ;; rename) set=$F_RENAME ;; unlink) set=$F_UNLINK ;; sync) set=$F_SYNC ;;
		esac
		crash_setup "$q"
		traced "$set" CRITICAL HARD 1
		# strace counts each system call of a set on its own, so each is killed in turn.
		for sc in $(calls_of | grep -oE '^[a-z0-9_]+' | sort -u); do
			calls_n=$(calls_of "$sc" | wc -l)
			for n in $(seq "$calls_n"); do
				crash_setup "$q"
				injected "$sc:signal=SIGKILL:when=$n" CRITICAL HARD 1
				killed=$RC
				handler CRITICAL HARD 1
				kill_verdict "$killed"
				why=$WHY
				[ -z "$why" ]
				ok $? "$mode fs, SIGKILL at $sc call $n of $calls_n: the next run leaves every file once, each quarantined one in the manifest, and the connector running"
				[ -z "$why" ] || echo "#  $why"
				KILLS=$((KILLS + 1))
			done
			FAMS="$FAMS $mode/$sc"
		done
	done
done
echo "# $KILLS kill points:$FAMS"
for want in same/write same/renameat2 same/fsync same/fdatasync cross/write cross/renameat2 \
	cross/unlinkat cross/fsync cross/fdatasync cross/syncfs; do
	like "$FAMS " " $want " "kill points include every $want call"
done

done_testing
