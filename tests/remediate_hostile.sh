#!/bin/bash
# The handler tried as an attacker and a careless admin would: hostile names,
# commands that outlive their time-out or cannot be killed, a stop still
# pending, a status answer in another language, huge sparse files, a writer
# that never stops, a clock set back, an untrusted quarantine. Each block
# fails on the handler before it learned the behaviour it checks.
. "$top_srcdir/tests/remediate_lib.sh"

need_root_strace
cross_fs_dir

# elapsed_ms COMMAND...: runs COMMAND (the handler), keeping OUT, RC and FIRST; sets MS.
timed_handler() {
	local t0
	t0=$(date +%s%N)
	handler "$@"
	MS=$((($(date +%s%N) - t0) / 1000000))
}

# gone PATTERN: no process's command line holds PATTERN (a function: a "bash -c" around pgrep
# would hold it itself).
gone() { ! pgrep -f "$1" >/dev/null; }

# journal_open_runs: ids that began and did not end.
journal_open_runs() {
	awk -F'\t' '$3 == "begin" { b[$2] = 1 } $3 == "end" { delete b[$2] } END { for (i in b) print i }' \
		"$SD/journal.tsv" | grep -v '^00000000$' | sort
}

# --- a .und file named like a temp copy survives its run's recovery ----------------------------
for mode in same cross; do
	q="$T/q"
	[ $mode = cross ] && q="$XFS/q"
	fresh "$q"
	und Import a.und
	und Import .ccmc-keep.und
	und Export .ccmc-12345678-0.und
	touch "$C/ignore-start"
	handler --start-timeout 2s --force
	is "$RC" 3 "$mode fs, a connector that does not start: exit 3 ($FIRST)"
	rm "$C/ignore-start"
	handler --force
	is "$RC" 0 "$mode fs: the next run finishes the unfinished one ($FIRST)"
	like "$FIRST" "0 unfinished copies removed" "$mode fs: recovery removed no copy"
	no_loss "$mode fs, names that begin with .ccmc-"
	manifest_check
	is "$MANIFEST_LINES/$MANIFEST_BAD" "3/0" "$mode fs: each has its manifest line"
done

# --- a wrapper's stop outlives its time-out: its whole process group is killed ------------------
fresh
und Import a.und
marker="sleep 3.$RANDOM"
HANDLER_STOP="/bin/sh -c \"{ $marker; '$FAKE' '$C' stop; } | cat >/dev/null\""
handler_opts
OUT=$("$HANDLER" "${HOPTS[@]}" --stop-cmd "$HANDLER_STOP" --stop-timeout 1s CRITICAL HARD 1 2>&1)
RC=$?
like "$OUT" "the stop command did not return within 1s" "a wrapper past its time-out: said so"
stray() { pgrep -f "$marker" >/dev/null; }
ok "$(stray && echo 1 || echo 0)" "a wrapper past its time-out: nothing it started runs on"
until_ok 10 gone "$marker"
is "$(connector_state)" running "a wrapper past its time-out: the connector still runs once its children would have acted"
no_loss "a wrapper past its time-out"

# --- a stop after the start, before the run is closed: started again ----------------------------
fresh
und Import a.und
echo 2 >"$C/restop-after"
handler CRITICAL HARD 1
is "$RC" 0 "stopped again after the start: exit 0 ($FIRST)"
is "$(calls)" "status stop status start status status start status" \
	"stopped again after the start: the confirmation finds it and starts it again"
is "$(connector_state)" running "stopped again after the start: it runs when the run is closed"
is "$(journal_open_runs)" "" "stopped again after the start: the run is closed"

# --- a privileged stop that cannot be killed: the run still ends within --deadline --------------
install -o root -m 4755 "$top_builddir/tests/unkillable" "$T/unkillable"
if ! id nobody >/dev/null 2>&1; then
	skip "no user nobody: the unkillable stop needs an unprivileged caller"
elif ! setpriv --reuid=nobody --regid=nogroup --clear-groups "$T/unkillable" 0 2>/dev/null; then
	skip "$T is mounted nosuid: the unkillable stop cannot become root"
else
	fresh
	und Import a.und
	chown -R nobody "$S" "$C"
	mkdir -m 700 "$Q" "$SD" && chown nobody "$Q" "$SD"
	handler_opts
	t0=$(date +%s%N)
	OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$HANDLER" "${HOPTS[@]}" \
		--stop-cmd "$T/unkillable 15 '$FAKE' '$C' stop" --stop-timeout 2s --start-timeout 2s \
		--deadline 6s CRITICAL HARD 1 2>&1)
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	ok $((MS < 6500 ? 0 : 1)) "an unkillable stop: the run ends within --deadline 6s (took ${MS} ms)"
	like "$OUT" "did not return within 2s and could not be killed" "an unkillable stop: said so"
	is "$(journal_open_runs | wc -l)" 1 "an unkillable stop: its run stays open in the journal"
	rm -f "$S/Import/a.und"
	sed -i '$d' "$ORIG"
	: >"$C/calls"
	OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1 2>&1)
	like "$(calls)" "status" "an unkillable stop: the next run asks the connector's status first ($OUT)"
	pkill -KILL -f "$T/unkillable" 2>/dev/null
	until_ok 10 gone "$T/unkillable"
fi

# --- a stop still pending at --stop-timeout: the start waits for it to settle -------------------
fresh
und Import a.und
echo 9 >"$C/stop-polls"
handler --stop-timeout 1s CRITICAL HARD 1
is "$RC" 3 "a stop still pending: exit 3 ($FIRST)"
like "$FIRST" "not confirmed stopped within 1s (status: pending" "a stop still pending: said so"
like "$FIRST" "connector started again" "a stop still pending: the connector was started once it settled"
is "$(connector_state)" running "a stop still pending: the connector runs"
no_loss "a stop still pending"

# --- after a kill between stop and start, an answer with no state word does not skip the start ---
fresh
und Import a.und
touch "$C/kill-caller"
handler CRITICAL HARD 1
is "$RC" 137 "killed between stop and start: the run was killed"
rm "$C/kill-caller"
is "$(connector_state)" stopped "killed between stop and start: the connector is stopped"
printf 'STATUS : 1 BEENDET\n' >"$C/status-says"
: >"$C/calls"
handler OK HARD 1
like "$(calls)" "start" "a localized status after a kill: the next run starts the connector ($FIRST)"
rm "$C/status-says"
is "$(connector_state)" running "a localized status after a kill: the connector runs"
printf 'STATUS : 4 GESTARTET\n' >"$C/status-says"
handler -v --stop-timeout 1s CRITICAL HARD 1
like "$OUT" "holds no state word the handler knows; its exit code was read as running" \
	"a status answer with no known word: the run says so"
rm "$C/status-says"

# --- a huge sparse .und on the same file system does not hold runs past --deadline ---------------
fresh
und Import a.und
truncate -s 1T "$S/Import/huge.und"
timed_handler --deadline 6s --stop-timeout 1s --start-timeout 1s CRITICAL HARD 1
ok $((MS < 6500 ? 0 : 1)) "a 1 TiB sparse file: the run ends within --deadline 6s (took ${MS} ms)"
is "$RC" 1 "a 1 TiB sparse file: exit 1 ($FIRST)"
like "$OUT" "huge.und (its hash was not finished within the deadline" "a 1 TiB sparse file: named"
is "$(journal_open_runs | wc -l)" 1 "a 1 TiB sparse file: its run stays open"
und Import b.und
timed_handler --deadline 6s --stop-timeout 1s --start-timeout 1s CRITICAL HARD 1
ok $((MS < 6500 ? 0 : 1)) "the next run too ends within --deadline (took ${MS} ms)"
like "$FIRST" "REMEDIATED: moved 1 .und file (Import 1)" "the next run still moves its own file ($FIRST)"
ok "$([ ! -e "$S/Import/b.und" ]; echo $?)" "the next run's file left Import"
rm -f "$(find "$Q" -name huge.und)"

# --- a file written to while it is moved: reported, and its line waits until it keeps still ------
fresh
und Import a.und
# Large (sparse) enough that its hash takes a while, so the writer surely writes meanwhile.
truncate -s 256M "$S/Import/w.und"
bash -c 'exec 3>>"$1"; while :; do printf x >&3; done' _ "$S/Import/w.und" &
writer=$!
until_ok 10 test "$(stat -c %s "$S/Import/w.und")" -gt 268435456
handler CRITICAL HARD 1
kill "$writer"
wait "$writer" 2>/dev/null
is "$RC" 1 "a file written to while moved: exit 1 ($FIRST)"
like "$FIRST" "1 written to while being moved: is the connector really stopped?" "a file written to while moved: said so"
is "$(journal_open_runs | wc -l)" 1 "a file written to while moved: the run stays open for its line"
sha256sum <"$(find "$Q" -name w.und)" | cut -d' ' -f1 >>"$ORIG"
handler OK HARD 1
is "$(journal_open_runs | wc -l)" 0 "once it keeps still, the next run writes its line and closes the run"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "2/0" "each file's line holds its final size and hash"
no_loss "a file written to while moved"

# --- begins dated in the future (a clock set back) count as now, and are rewritten so -----------
fresh
und Import a.und
mkdir -m 700 "$SD"
for id in aaaaaaa1 aaaaaaa2; do
	printf '%s\t%s\tbegin\t%s\n%s\t%s\tend\tdone\n' $((NOW + 86400)) $id "$Q/x" $((NOW + 86400)) $id
done >"$SD/journal.tsv"
handler --max-runs 3 CRITICAL HARD 1
is "$RC" 0 "two begins a day ahead, --max-runs 3: the run acts ($FIRST)"
is "$(awk -F'\t' -v now="$(date +%s)" '$3 == "begin" && $1 > now' "$SD/journal.tsv" | wc -l)" 0 \
	"no begin in the journal is later than now afterwards"
und Import b.und
handler --max-runs 3 CRITICAL HARD 1
like "$FIRST" "REFUSED: 3 remediations in the last 1h" "the runs of the future count as now, toward --max-runs"

# --- a journal full of unfinished runs: no ninth run begins ------------------------------------
fresh
und Import a.und
mkdir -m 700 "$SD" "$Q"
for i in 1 2 3 4 5 6 7 8; do
	rf="$Q/20260101T00000${i}Z-bbbbbbb$i"
	mkdir -p "$rf$S/Import"
	truncate -s 1T "$rf$S/Import/big$i.und"
	printf '%s\tbbbbbbb%s\tbegin\t%s\n' "$NOW" "$i" "$rf"
done >"$SD/journal.tsv"
handler --deadline 6s --stop-timeout 1s --start-timeout 1s CRITICAL HARD 1
is "$RC" 3 "eight unfinished runs: exit 3 ($FIRST)"
like "$FIRST" "REFUSED: 8 interrupted runs are still unfinished" "eight unfinished runs: a ninth is refused, with the reason"
ok "$(grep -qx stop "$C/calls" 2>/dev/null && echo 1 || echo 0)" "eight unfinished runs: the connector was not stopped"
is "$(journal_open_runs | wc -l)" 8 "eight unfinished runs: none was dropped"
rm -rf "${Q:?}"/*

# --- an untrusted quarantine is refused before the stop ----------------------------------------
fresh
und Import a.und
mkdir -m 1777 "$T/shared"
mkdir -m 777 "$T/evil"
chown nobody "$T/evil"
ln -s "$T/evil" "$T/shared/q"
chown -h nobody "$T/shared/q"
Q="$T/shared/q"
handler CRITICAL HARD 1
is "$RC" 2 "a quarantine symlinked to another user's open folder: exit 2"
like "$FIRST" "quarantine $T/shared/q: $T/evil is owned by another user" "... refused, saying why"
ok "$([ ! -e "$C/calls" ] || ! grep -qx stop "$C/calls"; echo $?)" "... before the stop"
rm "$T/shared/q"
mkdir -m 777 "$T/shared/q"
handler CRITICAL HARD 1
like "$FIRST" "$T/shared/q is writable by others (mode 0777)" "a quarantine others can write: refused"
chmod 700 "$T/shared/q"
chown nobody "$T/shared/q"
handler CRITICAL HARD 1
like "$FIRST" "$T/shared/q is owned by another user" "a quarantine of another user: refused"
chown root "$T/shared/q"
handler CRITICAL HARD 1
is "$RC" 0 "a quarantine of ours under a sticky shared folder: accepted ($FIRST)"
no_loss "a trusted quarantine"
chmod 777 "$T/evil"
mkdir -m 777 "$T/open"
mkdir -m 700 "$T/open/q"
Q="$T/open/q"
und Import c.und
handler CRITICAL HARD 1
like "$FIRST" "$T/open is writable by others (mode 0777)" "a quarantine under a folder anyone can rename: refused"

# --- what a hostile sweep found after the cases above were fixed --------------------------------
# A quarantine that keeps whole seconds only (ext4 with 128-byte inodes): a copy's time is the
# source's cut to the second, and recovery must still know an unfinished move.
if truncate -s 64M "$T/sec.img" && mkfs.ext4 -qF -I 128 "$T/sec.img" 2>/dev/null &&
	mkdir -p "$T/sec" && mount -o loop "$T/sec.img" "$T/sec" 2>/dev/null; then
	MOUNTS+=("$T/sec")
	chmod 700 "$T/sec"
	fresh "$T/sec/q"
	for n in a b c; do und Import "$n.und"; done
	injected "unlinkat:signal=SIGKILL:when=1" --force
	is "$RC" 137 "whole-second quarantine: the run is killed before its first source unlink"
	handler --force
	is "$RC" 0 "whole-second quarantine: the next run finishes ($FIRST)"
	like "$FIRST" "3 unfinished copies removed" "whole-second quarantine: the unfinished copies are known as such"
	no_loss "whole-second quarantine"
	manifest_check
	is "$MANIFEST_LINES/$MANIFEST_BAD" "3/0" "whole-second quarantine: one line each"
else
	skip "no loop device for a file system that keeps whole seconds"
fi

# A stop command whose child leaves its process group (setsid) and stops the connector later.
fresh
und Import a.und
marker="sleep 2.$RANDOM"
printf '#!/bin/bash\n%q %q stop\nsetsid -f bash -c %q </dev/null >/dev/null 2>&1\n' \
	"$FAKE" "$C" "$marker; '$FAKE' '$C' stop" >"$T/latestop.sh"
chmod 755 "$T/latestop.sh"
handler --stop-cmd "$T/latestop.sh" CRITICAL HARD 1
is "$RC" 0 "a stop whose child leaves its group: the run moves ($FIRST)"
until_ok 10 gone "$marker"
is "$(connector_state)" running "a stop whose child leaves its group: the child is killed, the connector runs"
no_loss "a stop whose child leaves its group"

# wmic's "Started" over "FALSE" after a kill: no plain "running", so the start is not skipped.
fresh
und Import a.und
touch "$C/kill-caller"
handler CRITICAL HARD 1
rm "$C/kill-caller"
printf 'Started\r\nFALSE\r\n' >"$C/status-says"
: >"$C/calls"
handler OK HARD 1
like "$(calls)" "start" "a table's header over FALSE after a kill: the start is not skipped"
rm "$C/status-says"

# A store folder whose name has a temp copy's shape, mirrored in the run folder, is walked.
fresh
D="$T/odd/.ccmc-aaaaaaaa-1.tmp"
mkdir -p "$D"
printf 'NDR in an odd folder\n' >"$D/a.und"
sha256sum <"$D/a.und" | cut -d' ' -f1 >"$ORIG"
echo start >"$C/kill-caller"
FOLDERS=(-d "$D")
handler --force
rm "$C/kill-caller"
handler --force
like "$FIRST" "1 manifest line restored" "a mirror folder named like a temp copy: recovery walks it ($FIRST)"
is "$(find "$Q" -name a.und | wc -l)" 1 "... and its file stays, with its line"
FOLDERS=()

# A run folder out of reach (its quarantine's disk not mounted) keeps its run open.
fresh
for i in 1 2 3; do und Import "$i.und"; done
echo start >"$C/kill-caller"
handler --force
rm "$C/kill-caller"
mv "$Q" "$Q.away"
handler --force
like "$FIRST" "could not yet finish interrupted run" "a run folder out of reach: its run stays open ($FIRST)"
like "$FIRST" "cannot be opened" "... saying why"
rm -rf "${Q:?}"
mv "$Q.away" "$Q"
handler --force
like "$FIRST" "3 manifest lines restored" "the disk back: the next run writes the lines"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "3/0" "the disk back: each file has its line"

# A second handler with another state directory, on the same quarantine, waits its turn.
fresh
und Import a.und
mkdir -m 700 "$Q"
handler_opts
OUT=$(flock "$Q" "$HANDLER" "${HOPTS[@]}" --state-dir "$T/st2" --force 2>&1)
like "$OUT" "NOTHING TO DO: another run is using the quarantine" "a quarantine in use by another run: nothing done"
ok "$([ -e "$S/Import/a.und" ]; echo $?)" "... and its file stays"

# An entry swapped for a symlink between the listing and the move is named, never followed.
fresh
und Import a.und
und Import b.und
printf '#!/bin/bash\n%q %q stop\nmv %q %q\nln -s /etc/passwd %q\n' "$FAKE" "$C" \
	"$S/Import/b.und" "$T/b.saved" "$S/Import/b.und" >"$T/swapstop.sh"
chmod 755 "$T/swapstop.sh"
handler --stop-cmd "$T/swapstop.sh" CRITICAL HARD 1
like "$OUT" "left in place: $S/Import/b.und (no longer a regular file" "a symlink swapped in: named"
rm "$S/Import/b.und"
mv "$T/b.saved" "$S/Import/b.und"
no_loss "a symlink swapped in"

# --- what the second hostile sweep found ---------------------------------------------------------
# A stop whose detached child has a detached child of its own, and so on: every level is killed.
fresh
und Import a.und
marker="sleep 4.$RANDOM"
inner=$(printf '%q %q stop' "$FAKE" "$C")
printf '#!/bin/bash\n%q %q stop\nsetsid -f bash -c %q </dev/null >/dev/null 2>&1\nsleep 0.2\n' "$FAKE" "$C" \
	"setsid bash -c \"setsid bash -c '$marker; $inner' & sleep 30\" & sleep 30" >"$T/chainstop.sh"
chmod 755 "$T/chainstop.sh"
handler --stop-cmd "$T/chainstop.sh" CRITICAL HARD 1
is "$RC" 0 "a stop with nested detached children: the run moves ($FIRST)"
until_ok 10 gone "$marker"
ok $? "... every level of them is gone"
is "$(connector_state)" running "... and the connector runs"

# Strays of a stop that cannot be killed: the run still starts the connector within --deadline.
if id nobody >/dev/null 2>&1 && setpriv --reuid=nobody --regid=nogroup --clear-groups "$T/unkillable" 0 2>/dev/null; then
	fresh
	und Import a.und
	chown -R nobody "$S" "$C"
	mkdir -m 700 "$Q" "$SD" && chown nobody "$Q" "$SD"
	printf '#!/bin/bash\n%q %q stop\nfor i in 1 2 3 4 5 6 7 8; do setsid -f %q 20 </dev/null >/dev/null 2>&1; done\n' \
		"$FAKE" "$C" "$T/unkillable" >"$T/straystop.sh"
	chmod 755 "$T/straystop.sh"
	handler_opts
	t0=$(date +%s%N)
	OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$HANDLER" "${HOPTS[@]}" \
		--stop-cmd "$T/straystop.sh" --stop-timeout 2s --start-timeout 2s --deadline 6s CRITICAL HARD 1 2>&1)
	MS=$((($(date +%s%N) - t0) / 1000000))
	ok $((MS < 6500 ? 0 : 1)) "eight unkillable strays of a stop: the run ends within --deadline 6s (took ${MS} ms)"
	like "$(calls)" "start" "... the connector is started"
	is "$(connector_state)" running "... and runs"
	pkill -KILL -f "$T/unkillable 20" 2>/dev/null
	until_ok 10 gone "$T/unkillable 20"
else
	skip "unkillable strays: no user nobody, or $T is mounted nosuid"
fi

# A status answer of NRPE's transport (exit 3, no state word) is no stopped connector.
fresh
und Import a.und
printf 'CHECK_NRPE: Receive header underflow - only 0 bytes received (4 expected).\n' >"$C/status-says"
echo 3 >"$C/status-exit"
handler CRITICAL HARD 1
is "$RC" 3 "NRPE's transport error as the status: exit 3 ($FIRST)"
like "$FIRST" "nothing touched" "... nothing touched"
ok "$([ -e "$S/Import/a.und" ]; echo $?)" "... the file stays"
rm "$C/status-says" "$C/status-exit"

# A new file with the same name and bytes, within the same second, after a finished move: kept.
fresh "$XFS/q"
for i in 1 2 3; do
	und Import "f$i.und"
	touch -d @1700000000 "$S/Import/f$i.und"
done
injected "unlinkat:signal=SIGKILL:when=2" CRITICAL HARD 1
is "$RC" 137 "same bytes again: the run is killed after its first source unlink"
moved=$(for i in 1 2 3; do [ -e "$S/Import/f$i.und" ] || echo "f$i.und"; done | head -n 1)
cp "$(find "$Q" -name "$moved")" "$S/Import/$moved"
touch -d @1700000000.5 "$S/Import/$moved"
sha256sum <"$S/Import/$moved" | cut -d' ' -f1 >>"$ORIG"
handler OK HARD 1
is "$(find "$Q" -name "$moved" | wc -l)" 1 "same bytes again, half a second later: the finished copy stays"
handler CRITICAL HARD 1
no_loss "same bytes again"

# An ignored SIGCHLD, inherited, does not break the run's waits.
fresh
und Import a.und
handler_opts
OUT=$(perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1 2>&1)
like "$OUT" "REMEDIATED: moved 1 .und file" "started with SIGCHLD ignored: the run moves"

# --- polish ------------------------------------------------------------------------------------
fresh
und Import a.und
mkdir "$S/IMPORT"
handler CRITICAL HARD 1
like "$FIRST" "two folders match 'Import' in different case" "Import and IMPORT: said in the plugin's words"
rmdir "$S/IMPORT"
# A folder on the root file system, as an unmounted disk's mount point is.
rootfs_dir=""
for d in "$T" /var/tmp /root; do
	[ "$(findmnt -n -o TARGET -T "$d" 2>/dev/null)" = / ] && rootfs_dir=$(mktemp -d "$d/ccmc-q.XXXXXX") && break
done
if [ -n "$rootfs_dir" ]; then
	EXTRA_CLEAN+=("$rootfs_dir")
	Q="$rootfs_dir/q"
	handler --quarantine-require-mount CRITICAL HARD 1
	is "$RC" 3 "--quarantine-require-mount, on the root file system: exit 3"
	like "$FIRST" "is on the root file system, not a mount: is its disk mounted?" "... said why"
	ok "$([ ! -e "$Q" ]; echo $?)" "... and nothing was made there"
else
	skip "no writable folder on the root file system for --quarantine-require-mount"
fi
Q="$XFS/q2"
handler --quarantine-require-mount CRITICAL HARD 1
is "$RC" 0 "--quarantine-require-mount, on a mount: it moves ($FIRST)"

done_testing
