#!/bin/bash
# Regressions of the event handler found from outside (hostile sweeps): one
# block per finding, each failing on the code before its fix; which sweep
# found it is in the git log.
. "$top_srcdir/tests/remediate_lib.sh"

need_root_strace
cross_fs_dir
XQ="$XFS/q"

# two_imports: /a/Import and /b/Import, each with x.und of the same bytes, as
# two connectors rejecting the same message would leave them.
two_imports() {
	fresh "$1"
	rm -rf "$T/a" "$T/b"
	mkdir -p "$T/a/Import" "$T/b/Import"
	printf 'NDR for the same message\n' >"$T/a/Import/x.und"
	cp "$T/a/Import/x.und" "$T/b/Import/x.und"
	FOLDERS=(-d "$T/a/Import" -d "$T/b/Import")
}

# in_quarantine: how many x.und copies the quarantine holds, and the
# manifest's folder column for them, sorted.
in_quarantine() {
	printf '%s %s' "$(find "$Q" -type f -name 'x.und*' | wc -l)" \
		"$(cut -f2 "$Q"/*/manifest.tsv | grep -v '^folder' | sort | tr '\n' ' ')"
}

# --- recovery never deletes a file of another folder with the same name ----------------
for mode in same cross; do
	q="$T/q"
	[ $mode = cross ] && q="$XQ"
	two_imports "$q"
	if [ $mode = same ]; then fam=renameat2; else fam=unlinkat; fi
	traced "$fam" CRITICAL HARD 1
	two_imports "$q"
	n=$(call_index "b/Import>, \"x.und\"")
	injected "$fam:signal=SIGKILL:when=$n" CRITICAL HARD 1
	is "$RC" 137 "A1 $mode fs: the first run is killed at b/Import/x.und's $fam"
	handler CRITICAL HARD 1
	is "$RC" 0 "A1 $mode fs: the next run finishes ($FIRST)"
	is "$(in_quarantine)" "2 $T/a/Import $T/b/Import " \
		"A1 $mode fs: both x.und files are quarantined, each under its own folder in the manifest"
	is "$(cmp "$(find "$Q" -path "*$T/a/Import/x.und")" "$(find "$Q" -path "*$T/b/Import/x.und")" && echo same)" \
		same "A1 $mode fs: each copy holds the message"
	is "$(find "$T/a/Import" "$T/b/Import" -type f | wc -l)" 0 "A1 $mode fs: both folders are empty"
done
FOLDERS=()

# A run killed between a copy's final rename and its source's unlink: the
# copy is undone, the source stays, and the run that finishes it moves it.
fresh "$XQ"
und Import a.und
traced "$F_UNLINK" CRITICAL HARD 1
n=$(call_index '"a.und"')
fresh "$XQ"
und Import a.und
injected "unlinkat:signal=SIGKILL:when=$n" CRITICAL HARD 1
ok "$([ -f "$S/Import/a.und" ] && [ "$(find "$Q" -name a.und | wc -l)" -eq 1 ] && echo 0 || echo 1)" \
	"A1 killed before the unlink: the source and its unrecorded copy both exist"
handler CRITICAL HARD 1
like "$FIRST" "finished interrupted run" "the next run says it finished the killed one"
like "$FIRST" "1 unfinished copy removed, the source still in place" "the copy was undone, not the source"
no_loss "A1 killed before the unlink"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "1/0" "one manifest line for the one file"

# The second sweep: a run killed after a rename and before its manifest line; then a new
# x.und with the same bytes arrives. The finished move must keep its copy.
fresh
printf 'NDR\n' >"$S/Import/x.und"
touch -d @1500000000 "$S/Import/x.und"
traced "$F_WRITE" CRITICAL HARD 1
n=$(call_index 'manifest.tsv>, "2')
fresh
printf 'NDR\n' >"$S/Import/x.und"
touch -d @1500000000 "$S/Import/x.und"
injected "write:signal=SIGKILL:when=$n" CRITICAL HARD 1
is "$RC" 137 "A1 killed at the manifest line of a finished rename"
printf 'NDR\n' >"$S/Import/x.und"
handler CRITICAL HARD 1
is "$RC" 0 "the next run finishes ($FIRST)"
like "$FIRST" "0 unfinished copies removed" "the finished move is not taken for an unfinished one"
is "$(find "$Q" -name 'x.und*' -type f | wc -l)" 2 "the old x.und and the new one are both quarantined"
manifest_check
is "$MANIFEST_LINES" 2 "each has its manifest line"

# The second sweep: a path too long for the manifest is left in place, said so.
fresh
seg=$(printf 'd%.0s' $(seq 200))
long=$(printf 'n%.0s' $(seq 240)).und
p="$T/deep"
mkdir "$p"
# Each step relative to the last: the whole path is longer than a path may be.
p=$(cd "$p" && while [ ${#PWD} -lt 3800 ]; do mkdir "$seg" && cd "$seg" || exit 1; done &&
	mkdir Import && echo hi >"Import/$long" && pwd)
FOLDERS=(-d "$p/Import")
handler CRITICAL HARD 1
is "$RC" 1 "a quarantine path longer than PATH_MAX: exit 1 (partial)"
like "$OUT" "(its path in the quarantine would be too long: File name too long)" "... the file is named, and why"
ok "$(cd "$p/Import" && [ -f "$long" ] && echo 0 || echo 1)" "... and stays where it is"
FOLDERS=()

# --- a same-size rewrite after the copy, mtime put back, is never unlinked ---------------
fresh "$XQ"
printf 'first version of the report\n' >"$S/Import/x.und"
touch -d '@1500000000.123456789' "$S/Import/x.und"
handler_opts
"$STRACE" -qq -o /dev/null -e inject=syncfs:delay_enter=3000000 "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1 \
	>"$T/out" 2>&1 &
hpid=$!
until_ok 10 bash -c "find '$Q' -name '.ccmc-*' | grep -q ."
touch -r "$S/Import/x.und" "$T/ref"
printf 'SECOND version of the report\n' 1<>"$S/Import/x.und"
touch -r "$T/ref" "$S/Import/x.und"
wait "$hpid"
RC=$?
OUT=$(cat "$T/out")
is "$(stat -c %Y.%y "$S/Import/x.und" | cut -c1-10)" 1500000000 "the rewrite kept the mtime to the second"
is "$RC" 1 "a source rewritten after its copy: exit 1 (partial)"
like "$OUT" "left in place: $S/Import/x.und (changed since it was copied)" "the file is named, and why"
is "$(cat "$S/Import/x.und")" "SECOND version of the report" "the new bytes are still in Import"
is "$(find "$Q" -name 'x.und*' | wc -l)" 0 "its outdated copy is not kept"
is "$(leftovers)" 0 "no temp copy is left"

# swap_at_rename COMMAND...: runs the handler on Import/a.und and, while it waits at that file's
# rename (after looking at it), moves the file to $T/a.away and runs COMMAND to put another
# entry at its name. Sets RC and OUT.
swap_at_rename() {
	fresh
	und Import a.und
	cp "$S/Import/a.und" "$T/a.orig"
	traced renameat2 CRITICAL HARD 1
	local n
	n=$(call_index '"a.und"')
	fresh
	cp "$T/a.orig" "$S/Import/a.und"
	handler_opts
	"$STRACE" -qq -o /dev/null -e trace=renameat2 -e inject="renameat2:delay_enter=3000000:when=$n" \
		"$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1 >"$T/out" 2>&1 &
	spid=$!
	until_ok 10 in_rename
	mv "$S/Import/a.und" "$T/a.away"
	"$@"
	wait "$spid"
	RC=$?
	OUT=$(cat "$T/out")
}
# (316: renameat2 on x86-64, as /proc/PID/syscall shows a tracee stopped at it.)
in_rename() {
	local h
	h=$(pgrep -P "$spid") || return 1
	[ "$(cut -d' ' -f1 "/proc/$h/syscall" 2>/dev/null)" = 316 ] && [ -f "$S/Import/a.und" ]
}

# --- a symlink swapped in between the look at the file and its rename (same fs) ----------
echo secret >"$T/target"
swap_at_rename ln -s "$T/target" "$S/Import/a.und"
is "$RC" 1 "a swapped-in symlink: exit 1 (partial)"
like "$OUT" "left in place: $S/Import/a.und (replaced by another entry while being moved; that entry was put back)" \
	"the file is named, and what happened"
ok "$([ -L "$S/Import/a.und" ] && [ "$(cat "$T/target")" = secret ] && echo 0 || echo 1)" \
	"the symlink is back in Import, its target untouched"
is "$(find "$Q" -name 'a.und*' | wc -l)" 0 "nothing named a.und is in the quarantine"
manifest_check
is "$MANIFEST_LINES" 0 "no manifest line for bytes that did not move"
cmp -s "$T/a.away" "$T/a.orig"
ok $? "the original file is where the swap put it, unchanged"

# --- durations are bounded before any arithmetic -------------------------------------------
fresh
und Import a.und
for d in 106751991167w 15250284452471w 9223372036854775807 2d; do
	handler --deadline "$d" CRITICAL HARD 1
	is "$RC" 2 "--deadline $d is a usage error"
done
like "$FIRST" "deadline: '2d' is out of range: give 1s to 1d" "the error gives the range"
handler --stop-timeout 2h CRITICAL HARD 1
like "$FIRST" "stop-timeout: '2h' is out of range: give 1s to 1h" "time-outs are bounded too"
handler --window 400d CRITICAL HARD 1
is "$RC" 2 "--window 400d is a usage error"
ok "$([ ! -e "$C/calls" ] && [ -f "$S/Import/a.und" ] && echo 0 || echo 1)" "none of them ran a command"

# --- names cannot forge a line, a status or perfdata ---------------------------------------
fresh
name=$'evil\nREMEDIATED: moved 0 files.und'
printf 'x' >"$S/Import/$name"
printf 'y' >"$S/Import/"$'\xff'"pipe|bar"$'\e[31m'".und"
handler -n CRITICAL HARD 1
is "$(printf '%s\n' "$OUT" | grep -c '^REMEDIATED')" 0 "B5 dry run: a file name cannot forge a summary line"
like "$OUT" 'would move '"$S"'/Import/evil?REMEDIATED: moved 0 files.und' "B5 dry run: the newline shows as ?"
like "$OUT" '\xFFpipe?bar?[31m.und' "B5 dry run: | , ESC and a bad byte are escaped"
printf '%s' "$OUT" | iconv -f UTF-8 -t UTF-8 >/dev/null
ok $? "B5 dry run: the output is valid UTF-8"
chattr +i "$S/Import/$name"
handler CRITICAL HARD 1
chattr -i "$S/Import/$name"
is "$(printf '%s\n' "$OUT" | grep -c '^REMEDIATED')" 0 "a file left in place cannot forge a summary line"
like "$OUT" "left in place: $S/Import/evil?REMEDIATED: moved 0 files.und (rename: Operation not permitted)" \
	"the left-in-place line shows the name escaped"
# A folder with | and a newline in its name, as the handler's summary names it.
fresh
mkdir -p "$T/odd/pi|pe"$'\n'"x"
printf 'z' >"$T/odd/pi|pe"$'\n'"x/z.und"
FOLDERS=(-d "$T/odd/pi|pe"$'\n'"x")
handler CRITICAL HARD 1
is "$RC" 0 "a folder named with | and a newline is emptied"
is "$(printf '%s\n' "$OUT" | wc -l)" 1 "the summary stays one line"
unlike "$OUT" "|" "no | reaches the output"
FOLDERS=()

# --- a negated or unplaceable status never reads as stopped --------------------------------
for st in "not stopped" "not inactive"; do
	fresh
	und Import a.und
	echo "$st" >"$C/state"
	handler CRITICAL HARD 1
	is "$RC" 3 "B7 status 'service is $st.': exit 3"
	like "$FIRST" "FAILED: the status command's answer cannot be read (exit 0: MSExchangeCCMC service is $st.); nothing touched" \
		"B7 status 'service is $st.': the summary quotes the answer"
	ok "$([ -f "$S/Import/a.und" ] && [ "$(calls)" = status ] && echo 0 || echo 1)" \
		"B7 status 'service is $st.': no file moved, nothing but the status asked"
done
fresh
und Import a.und
echo "peer dead" >"$C/state"
handler CRITICAL HARD 1
unlike "$FIRST" "was stopped before" "B7 status 'peer dead': not taken for a stopped connector"
like "$(calls)" "status stop" "B7 status 'peer dead': the handler stops the connector itself"

# The second sweep: a negation or an error anywhere in the state's line is no "stopped".
for st in "not yet stopped" "isn’t stopped" "could not be stopped" "stopped (not really)"; do
	fresh
	und Import a.und
	touch "$C/ignore-stop"
	echo "$st" >"$C/state"
	handler CRITICAL HARD 1
	ok "$([ "$RC" = 3 ] && [ -f "$S/Import/a.und" ] && [ "$(calls)" = status ] && echo 0 || echo 1)" \
		"B7 status 'service is $st.': exit 3, nothing moved, nothing but the status asked ($FIRST)"
done

# --- folders are canonical; overlaps, duplicates and / are refused before anything ------
fresh
und Import a.und
handler -Q "$S/Import/q" CRITICAL HARD 1
is "$RC" 2 "a quarantine inside Import: exit 2"
ok "$([ ! -e "$S/Import/q" ] && echo 0 || echo 1)" "... and it was not created"
handler -Q / CRITICAL HARD 1
is "$RC" 2 "-Q / is refused (exit 2)"
like "$FIRST" "quarantine /: give a folder's own path, not /, . or .." "-Q / says why"
ln -s / "$T/rootlink"
handler -Q "$T/rootlink" CRITICAL HARD 1
is "$RC" 2 "a quarantine that resolves to / is refused"
FOLDERS=(-R "$S" -d "$S/Import")
handler CRITICAL HARD 1
is "$RC" 2 "-R STORE with -d STORE/Import is refused (exit 2)"
like "$FIRST" "folder $S/Import is given twice" "... as a folder given twice"
FOLDERS=(-R "$S" -R "$S/")
handler CRITICAL HARD 1
is "$RC" 2 "a store named twice is refused"
FOLDERS=(-d "$S/Import/.")
handler CRITICAL HARD 1
R=$(run_folder)
ok "$([ -f "$R$S/Import/a.und" ] && echo 0 || echo 1)" "-d STORE/Import/. quarantines into the mirror of Import, not the run folder"
fresh
und Import a.und
FOLDERS=(-d "$S/Import/sub/..")
mkdir "$S/Import/sub"
handler CRITICAL HARD 1
is "$RC" 2 "-d .../sub/.. is refused (exit 2): '..' could only be resolved through symlinks"
like "$FIRST" "give it without '..'" "... saying so"
ok "$([ ! -e "$Q" ] && [ -f "$S/Import/a.und" ] && echo 0 || echo 1)" "... before anything was made or moved"
FOLDERS=()

# --- a quarantine that cannot be made is a failure (3), not a usage error ----------------
fresh
und Import a.und
handler -Q "$T/no/such/parent/q" CRITICAL HARD 1
is "$RC" 3 "a missing parent: exit 3"
like "$FIRST" "quarantine $T/no/such/parent/q: its parent folder: No such file or directory" "... says why"
tmpfs_at "$T/ro" 1m && MOUNTS+=("$T/ro") && mount -o remount,ro "$T/ro"
handler -Q "$T/ro/q" CRITICAL HARD 1
is "$RC" 3 "a read-only file system: exit 3"
like "$FIRST" "Read-only file system" "... says why"

# --- what can be checked before the stop is checked before it ---------------------------
fresh
und Import a.und
handler --status-cmd /no/such/status CRITICAL HARD 1
is "$RC" 3 "a status command that cannot run: exit 3"
like "$FIRST" "status-cmd: /no/such/status cannot be run: No such file or directory; nothing touched" "... says why"
echo 'not a program' >"$T/notexec"
chmod 644 "$T/notexec"
handler --start-cmd "$T/notexec" CRITICAL HARD 1
like "$FIRST" "start-cmd: $T/notexec cannot be run: Permission denied" "a start command that is not executable"
fresh
und Import a.und
mkdir -p "$T/q2" && chmod 555 "$T/q2"
chattr +i "$T/q2"
handler -Q "$T/q2" CRITICAL HARD 1
chattr -i "$T/q2"
is "$RC" 3 "an existing quarantine that cannot be written: exit 3"
like "$FIRST" "quarantine $T/q2 cannot be written" "... says why"
is "$(calls)" "" "the connector was neither stopped nor started"

# The second sweep: a script whose interpreter line was saved with CRLF passes stat and
# access(X_OK) but cannot be executed; it is refused before the stop, and a start that exits
# 126 or 127 fails at once instead of polling the status.
fresh
und Import a.und
printf '#!/bin/bash\r\nexec %s "$@"\r\n' "$FAKE" >"$T/crlf.sh"
chmod 755 "$T/crlf.sh"
handler --start-cmd "$T/crlf.sh $C start" CRITICAL HARD 1
is "$RC" 3 "a start script with a CRLF interpreter line: exit 3"
like "$FIRST" "start-cmd: $T/crlf.sh cannot be run: its interpreter /bin/bash?: No such file or directory (a line end saved as CRLF?)" \
	"... refused before the stop, saying why"
is "$(calls)" "" "... the connector was not touched"

# --- options after the positional arguments ----------------------------------------------
fresh
und Import a.und
handler CRITICAL HARD 3 -n
is "$RC" 0 "'CRITICAL HARD 3 -n' is read as the dry run it asks for"
like "$FIRST" "DRY RUN: would move 1 .und file" "... and it is"

# --- D: papercuts --------------------------------------------------------------------------------
handler_opts
"$HANDLER" "${HOPTS[@]}" --bogus CRITICAL HARD 1 >"$T/o1" 2>"$T/e1"
unlike "$(cat "$T/o1")" "|" "D: a usage error writes no | to stdout"
like "$(cat "$T/e1")" "Usage:" "D: the usage text goes to stderr"
is "$(wc -l <"$T/o1")" 1 "D: stdout holds one line, the reason"
# A file that vanishes mid-run is not "left in place".
fresh
und Import a.und
und Import b.und
traced "$F_RENAME" CRITICAL HARD 1
n=$(call_index '"b.und"')
fresh
und Import a.und
und Import b.und
injected "renameat2:error=ENOENT:when=$n" CRITICAL HARD 1
is "$RC" 0 "D: a file that vanished mid-run: exit 0, nothing was left behind"
like "$FIRST" "REMEDIATED: moved 1 .und file (Import 1) to" "D: the summary counts the one moved"
like "$FIRST" "; 1 vanished before it could be moved;" "D: and says the other vanished"
unlike "$OUT" "left in place" "D: no 'left in place' for it"
fresh
und Import a.und
chattr +i "$S/Import/a.und"
handler CRITICAL HARD 1
chattr -i "$S/Import/a.und"
like "$FIRST" "PARTIAL: moved 0 of 1 .und file to" "D: 'moved 0 of 1 .und file', no '(none)'"

# --- E: a manifest line that cannot be written leaves the run unfinished --------
# The lines are written after the connector's start; an ENOSPC there must not lose them for good.
SILENT_CONNECTOR=1
fresh
for i in 1 2 3; do und Import "m$i.und"; done
handler_opts
"$STRACE" -f -qq -y -s 64 -o "$T/trace" -e trace=write "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1 >/dev/null 2>&1
n=$(sed -E 's/^[0-9]+ +//' "$T/trace" | grep '^write(' | grep -n -m 1 'manifest.tsv>, ".*m[123]\.und' | cut -d: -f1)
fresh
for i in 1 2 3; do und Import "m$i.und"; done
injected "write:error=ENOSPC:when=$n" CRITICAL HARD 1
is "$RC" 1 "E: the manifest's write fails (ENOSPC, write $n): exit 1 (partial), not 0"
like "$FIRST" "3 quarantined without a manifest line, which the next run writes" "E: the summary says so"
is "$(find "$Q" -name 'm*.und' | wc -l)/$(find "$S/Import" -name 'm*.und' | wc -l)" "3/0" \
	"E: the three files are in the quarantine, none in Import"
unlike "$OUT" "left in place:" "E: no file is said to be left in place"
unlike "$(cut -f3,4 "$SD/journal.tsv" | tail -n 1)" "end" "E: the journal leaves the run unfinished"
handler CRITICAL HARD 1
is "$RC" 0 "E: the next run exits 0 ($FIRST)"
like "$FIRST" "finished interrupted run" "E: it finishes the first run"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "3/0" "E: the three lines are written, each matching its file"
SILENT_CONNECTOR=

# --- F: a socket swapped in between the look and the rename is put back ---------
unix_socket() { "$PERL" -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => 1, Local => $ARGV[0], Listen => 1) or die "$!"' "$1"; }
swap_at_rename unix_socket "$S/Import/a.und"
is "$RC" 1 "F: a swapped-in socket: exit 1 (partial)"
like "$OUT" "left in place: $S/Import/a.und (replaced by another entry while being moved; that entry was put back)" \
	"F: the file is named, and what happened"
ok "$([ -S "$S/Import/a.und" ]; echo $?)" "F: the socket is back in Import"
is "$(find "$Q" -name 'a.und*' | wc -l)" 0 "F: nothing named a.und is in the quarantine"
manifest_check
is "$MANIFEST_LINES" 0 "F: no manifest line"
cmp -s "$T/a.away" "$T/a.orig"
ok $? "F: the original file is where the swap put it, unchanged"

done_testing
