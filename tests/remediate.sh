#!/bin/bash
# The event handler against a fake connector: the decision, dry-run, moves on
# one and across file systems, odd entries, collisions, config files, the
# lock, the flap limit and a connector that will not stop or start.
. "$top_srcdir/tests/remediate_lib.sh"

# --- arguments ---------------------------------------------------------------------------
fresh
und Import a.und
for args in "CRITICAL HURT 1" "BROKEN HARD 1" "CRITICAL HARD x" "CRITICAL HARD 0" "CRITICAL HARD" ""; do
	# shellcheck disable=SC2086
	handler $args
	is "$RC" 2 "'$args' is a usage error (exit 2)"
done
handler CRITICAL HURT 1
like "$FIRST" "unknown state type 'HURT'" "the error names the bad state type"
handler CRITICAL HARD 2x
like "$FIRST" "attempt '2x' is not a whole number" "the error names the bad attempt"
handler_opts
OUT=$("$HANDLER" "${HOPTS[@]}" --stop-cmd "net rpc service stop X" CRITICAL HARD 1)
is "$?" 2 "a relative command path is a usage error"
like "$OUT" "stop-cmd: the program must be an absolute path" "the error says why"
OUT=$("$HANDLER" "${HOPTS[@]}" --stop-cmd "'/bin/x" CRITICAL HARD 1)
like "$OUT" "stop-cmd: a ' quote is not closed" "an unclosed quote is refused"
OUT=$("$HANDLER" "${HOPTS[@]}" -Q relative CRITICAL HARD 1)
like "$OUT" "quarantine: 'relative' is not an absolute path" "a relative quarantine is refused"
OUT=$("$HANDLER" "${HOPTS[@]}" --deadline 5s CRITICAL HARD 1)
like "$OUT" "deadline must be longer than the stop and start time-outs" \
	"a deadline shorter than both time-outs is refused"
OUT=$("$HANDLER" "${HOPTS[@]}" --max-runs 0 CRITICAL HARD 1)
like "$OUT" "max-runs: '0' is not a whole number from 1 to 64" "--max-runs 0 is refused"
OUT=$("$HANDLER" "${HOPTS[@]}" --bogus CRITICAL HARD 1)
is "$?" 2 "an unknown option is a usage error"
# The package's remediate.conf as shipped: Nagios runs the handler at every state change before
# a site sets it up, and logs what it prints.
OUT=$("$HANDLER" -f "$top_srcdir/debian/remediate.conf" CRITICAL HARD 3 2>"$T/err")
is "$?" 2 "the shipped remediate.conf, not yet set up: exit 2"
is "$OUT" "ccmc_und_remediate: not set up: no store, folder or connector command is given (see ccmc_und_remediate.conf(5) and $top_srcdir/debian/remediate.conf); nothing touched" \
	"... one line that says so"
is "$(cat "$T/err")" "" "... and no usage text"
ok "$([ ! -e "$C/calls" ] && [ -e "$S/Import/a.und" ] && [ ! -e "$Q" ] && echo 0 || echo 1)" \
	"no bad invocation ran a command, moved a file or made the quarantine"

# --- the decision --------------------------------------------------------------------------
decide() {
	fresh
	und Import a.und
	handler "$@"
	if [ -e "$Q" ] && [ -n "$(find "$Q" -name a.und)" ]; then echo acted; else echo "nothing ($FIRST)"; fi
}
for c in "OK HARD 1" "WARNING HARD 3" "UNKNOWN HARD 3" "CRITICAL SOFT 1" "CRITICAL SOFT 2" \
	"ok soft 1" "WARNING SOFT 3"; do
	# shellcheck disable=SC2086
	r=$(decide $c)
	like "$r" "nothing (NOTHING TO DO:" "$c: nothing to do"
done
r=$(decide OK HARD 1)
like "$r" "NOTHING TO DO: state is OK, not CRITICAL" "the reason names the state"
r=$(decide CRITICAL SOFT 2)
like "$r" "NOTHING TO DO: SOFT attempt 2 is before attempt 3" "the reason names the attempt"
for c in "CRITICAL SOFT 3" "CRITICAL SOFT 4" "CRITICAL HARD 1" "critical hard 3"; do
	# shellcheck disable=SC2086
	is "$(decide $c)" acted "$c: acts"
done
is "$(decide --soft-attempt 2 CRITICAL SOFT 2)" acted "--soft-attempt 2: acts on SOFT attempt 2"
is "$(decide --soft-attempt 5 CRITICAL SOFT 4)" "nothing (NOTHING TO DO: SOFT attempt 4 is before attempt 5)" \
	"--soft-attempt 5: waits at SOFT attempt 4"
is "$(decide --force)" acted "--force with no state acts"
is "$(decide --force OK HARD 1)" acted "--force acts on OK"
fresh
und Import a.und
handler OK HARD 1
is "$RC" 0 "nothing to do exits 0"
ok "$([ ! -e "$C/calls" ] && echo 0 || echo 1)" "nothing to do runs no connector command"

# --- dry run -------------------------------------------------------------------------------
fresh
und Import a.und
und Export b.UND
handler -n CRITICAL HARD 1
is "$RC" 0 "dry run exits 0"
like "$FIRST" "DRY RUN: would move 2 .und files" "dry run: the summary counts the files"
like "$OUT" "would run: $FAKE $C stop" "dry run: shows the stop command"
like "$OUT" "would move $S/Import/a.und" "dry run: shows each file"
like "$OUT" "would move $S/Export/b.UND" "dry run: in any letter case"
like "$OUT" "would run: $FAKE $C start" "dry run: shows the start command"
ok "$([ ! -e "$C/calls" ] && [ ! -e "$Q" ] && [ ! -e "$SD" ] && echo 0 || echo 1)" \
	"dry run: ran no command, made no quarantine and no state dir"
no_loss "dry run"
is "$(find "$S/Import" "$S/Export" -type f | wc -l)" 2 "dry run: the files are where they were"

# --- same file system ------------------------------------------------------------------------
fresh
und Import a.und
und Import B.UND
und Import c.Und
und Export d.und
echo msg >"$S/Import/m.ccm"
echo msg >"$S/Submit/s.und"
printf x >"$S/Import/keep.und.tmp"
printf x >"$S/Import/.und"
handler CRITICAL HARD 1
is "$RC" 0 "same fs: exit 0"
R=$(run_folder)
is "$FIRST" "REMEDIATED: moved 4 .und files (Import 3, Export 1) to $R; connector restarted in 1s" \
	"same fs: the summary line"
no_loss "same fs"
is "$(find "$S/Import" "$S/Export" -iname '*.und' ! -name .und | wc -l)" 0 "same fs: no .und file is left in Import or Export"
ok "$([ -e "$S/Import/m.ccm" ] && [ -e "$S/Submit/s.und" ] && [ -e "$S/Import/keep.und.tmp" ] &&
	[ -e "$S/Import/.und" ] && echo 0 || echo 1)" "same fs: .ccm, Submit, x.und.tmp and .und are not touched"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "4/0" "same fs: 4 manifest lines, each hash and size matching the original bytes"
is "$(find "$R" -type d -exec stat -c %a {} + | sort -u)" 700 "same fs: the run folder and its subfolders are mode 0700"
ok "$([ -f "$R$S/Import/a.und" ] && [ -f "$R$S/Export/d.und" ] && echo 0 || echo 1)" \
	"same fs: the run folder mirrors each source folder's whole path"
like "$R" "$Q/$(date -u +%Y%m%d)T" "same fs: the run folder is named by UTC time"
is "$(calls)" "status stop status start status status" "same fs: status, stop, confirm, start, confirm, and confirm again before the run is closed"
is "$(connector_state)" running "same fs: the connector runs"
is "$(head -n 1 "$R/manifest.tsv")" "$(printf '# time\tfolder\tname\tsize\tmtime\tsha256\tquarantine')" \
	"the manifest has a header line"
like "$(cat "$SD/journal.tsv")" "$(printf 'begin\t%s' "$R")" "the journal records the run's folder"
like "$(tail -n 1 "$SD/journal.tsv")" "$(printf 'end\tdone')" "the journal ends the run"
is "$(stat -c %a "$SD" "$SD/journal.tsv" "$SD/lock" | tr '\n' ' ')" "700 600 600 " \
	"the state dir is 0700, its files 0600"

# A connector that takes several polls to stop, as Samba's net returns early.
fresh
und Import a.und
echo 3 >"$C/stop-polls"
handler CRITICAL HARD 1
is "$RC" 0 "a slow stop: exit 0"
is "$(calls)" "status stop status status status status start status status" \
	"a slow stop: polls status until it says stopped"
no_loss "a slow stop"

# --- across file systems ------------------------------------------------------------------
cross_fs_dir
fresh "$XFS/q"
for i in 1 2 3 4 5; do und Import "x$i.und"; done
und Export y.UND
touch -d @1500000000 "$S/Import/x1.und"
handler CRITICAL HARD 1
is "$RC" 0 "cross fs: exit 0"
R=$(run_folder)
is "$FIRST" "REMEDIATED: moved 6 .und files (Import 5, Export 1) to $R; connector restarted in 1s" \
	"cross fs: the summary line"
no_loss "cross fs"
is "$(leftovers)" 0 "cross fs: no temp copy is left"
manifest_check
is "$MANIFEST_LINES/$MANIFEST_BAD" "6/0" "cross fs: 6 manifest lines, each hash and size matching the original bytes"
is "$(stat -c %Y "$R$S/Import/x1.und")" 1500000000 "cross fs: the copy keeps the original mtime"
like "$(grep x1.und "$R/manifest.tsv")" "2017-07-14T02:40:00Z" "cross fs: the manifest gives the mtime in UTC"
is "$(stat -c %a "$R$S/Import/x2.und")" 600 "cross fs: copies are mode 0600"
fresh "$XFS/q"
und Import v.und
handler -v CRITICAL HARD 1
like "$OUT" "manifest: $(run_folder)/manifest.tsv; 0 renamed, 1 copied and verified" "-v says where the manifest is and how files moved"
Q="$T/q"

# --- entries that are not regular files -----------------------------------------------------
fresh
und Import real.und
echo secret >"$T/target"
ln -s "$T/target" "$S/Import/link.und"
mkfifo "$S/Import/pipe.und"
mkdir "$S/Import/dir.und"
ln -s "$S/Import" "$S/Export/loop.und"
handler CRITICAL HARD 1
is "$RC" 0 "odd entries: exit 0"
like "$FIRST" "moved 1 .und file (" "odd entries: only the regular file moves"
ok "$([ -L "$S/Import/link.und" ] && [ -p "$S/Import/pipe.und" ] && [ -d "$S/Import/dir.und" ] &&
	[ -L "$S/Export/loop.und" ] && echo 0 || echo 1)" "odd entries: symlinks, FIFO and directory stay in place"
is "$(cat "$T/target")" secret "odd entries: a symlink's target is not touched"
is "$(find "$Q" -name 'link.und' -o -name 'pipe.und' -o -name 'dir.und' | wc -l)" 0 \
	"odd entries: none reached the quarantine"

# --- name collisions: two folders named Import -----------------------------------------------
fresh
mkdir -p "$T/a/Import" "$T/b/Import"
rm -rf "$T/a/Import/"* "$T/b/Import/"*
printf 'first' >"$T/a/Import/x.und"
printf 'second' >"$T/b/Import/x.und"
handler_opts
OUT=$("$HANDLER" "${HOPTS[@]}" -d "$T/a/Import" -d "$T/b/Import" CRITICAL HARD 1)
is "$?" 0 "collision: exit 0"
R=$(run_folder)
is "$(cat "$R$T/a/Import/x.und")/$(cat "$R$T/b/Import/x.und")" "first/second" \
	"two folders named Import: each has its own quarantine folder, nothing overwritten"
is "$(cut -f2,7 "$R/manifest.tsv" | grep -c "^$T/\(a\|b\)/Import	$(basename "$R")$T/\(a\|b\)/Import/x.und\$")" 2 \
	"two folders named Import: the manifest names each one's exact folder"
like "$OUT" "(${T}/a/Import 1, ${T}/b/Import 1)" "two folders named Import: the summary names them by path"
rm -rf "$T/a" "$T/b"

# --- the quarantine may not lie inside the store ------------------------------------------
fresh
und Import a.und
handler_opts
OUT=$("$HANDLER" "${HOPTS[@]}" -Q "$S/Quarantine" CRITICAL HARD 1)
is "$?" 2 "a quarantine in the store is refused (exit 2)"
like "$OUT" "the quarantine lies inside the store" "the error says why"
OUT=$("$HANDLER" "${HOPTS[@]}" -Q "$S/Import/q" CRITICAL HARD 1)
like "$OUT" "the quarantine lies inside the store" "a quarantine inside Import is refused"
ok "$([ -e "$S/Import/a.und" ] && [ ! -e "$C/calls" ] && echo 0 || echo 1)" \
	"a refused quarantine: nothing ran, nothing moved"

# --- nothing to move ------------------------------------------------------------------------
fresh
handler CRITICAL HARD 1
is "$FIRST" "NOTHING TO DO: no .und files" "no .und files: nothing to do"
ok "$([ ! -e "$C/calls" ] && echo 0 || echo 1)" "no .und files: the connector is not touched"

# --- the connector ---------------------------------------------------------------------------
fresh
und Import a.und
touch "$C/ignore-stop"
handler --stop-timeout 1s --start-timeout 1s --deadline 5s CRITICAL HARD 1
is "$RC" 3 "a connector that does not stop: exit 3"
like "$FIRST" "FAILED: connector not confirmed stopped within 1s (status: running: MSExchangeCCMC service is running.); no file touched; connector started again" \
	"a connector that does not stop: the summary says so"
no_loss "a connector that does not stop"
is "$(find "$S/Import" -name a.und | wc -l)" 1 "a connector that does not stop: the file stays"

fresh
und Import a.und
touch "$C/hang-stop"
handler --stop-timeout 1s --start-timeout 1s --deadline 5s CRITICAL HARD 1
is "$RC" 3 "a stop command that hangs: exit 3"
like "$FIRST" "FAILED: connector the stop command did not return within 1s; no file touched" "a stop command that hangs is killed at its time-out, and said so"
is "$(find "$S/Import" -name a.und | wc -l)" 1 "a stop command that hangs: the file stays"

fresh
und Import a.und
touch "$C/ignore-start"
handler --stop-timeout 1s --start-timeout 1s --deadline 5s CRITICAL HARD 1
is "$RC" 3 "a connector that does not start: exit 3"
like "$FIRST" "connector did not start: not confirmed running within 1s (status: stopped" \
	"a connector that does not start: the summary says so"
no_loss "a connector that does not start"
rm "$C/ignore-start"
handler OK HARD 1
is "$RC" 0 "the next run, even with nothing to do, exits 0"
like "$FIRST" "NOTHING TO DO: state is OK, not CRITICAL; finished interrupted run" \
	"the next run finishes the interrupted one"
like "$FIRST" "(connector started," "the next run starts the connector the last one stopped"
is "$(connector_state)" running "the connector runs again"

fresh
und Import a.und
echo stopped >"$C/state"
handler CRITICAL HARD 1
is "$RC" 0 "a connector stopped by a person: exit 0"
like "$FIRST" "connector was stopped before and is left stopped" "a connector stopped by a person stays stopped"
is "$(calls)" "status" "a connector stopped by a person: only status is run"
is "$(connector_state)" stopped "a connector stopped by a person: still stopped"

# --- one run at a time ----------------------------------------------------------------------
fresh
und Import a.und
echo 1000 >"$C/stop-polls"
handler_opts
"$HANDLER" "${HOPTS[@]}" --stop-timeout 3s --start-timeout 1s --deadline 10s CRITICAL HARD 1 >"$T/first.out" &
first=$!
for _ in $(seq 200); do grep -q stop "$C/calls" 2>/dev/null && break; read -r -t 0.05 <> <(:) || true; done
handler CRITICAL HARD 1
is "$RC" 0 "a second run while one holds the lock: exit 0"
like "$FIRST" "NOTHING TO DO: another run is in progress (lock $SD/lock)" "the second run says another is in progress"
wait "$first"
is "$?" 3 "the first run carried on (and found the connector would not stop)"

# --- the flap limit ------------------------------------------------------------------------
fresh
for i in 1 2 3; do
	und Import "f$i.und"
	handler --max-runs 2 CRITICAL HARD 1
	r[$i]="$RC ${FIRST%%:*}"
done
is "${r[1]}|${r[2]}" "0 REMEDIATED|0 REMEDIATED" "flap limit: the first two runs act"
is "${r[3]}" "3 REFUSED" "flap limit: the third within the window is refused (exit 3)"
like "$FIRST" "REFUSED: 2 remediations in the last 1h (limit 2); the connector needs a person" \
	"flap limit: the message says a person is needed"
is "$(grep -c stop "$C/calls")" 2 "flap limit: the refused run did not stop the connector"
is "$(find "$S/Import" -name f3.und | wc -l)" 1 "flap limit: the refused run moved nothing"
fresh
mkdir -p "$SD"
old=$(($(date +%s) - 7200))
for i in 1 2 3 4 5; do printf '%s\tdeadbee%s\tbegin\t\n%s\tdeadbee%s\tend\tdone\n' "$old" "$i" "$old" "$i"; done >"$SD/journal.tsv"
chmod 700 "$SD"
und Import a.und
handler CRITICAL HARD 1
is "${FIRST%%:*}" REMEDIATED "flap limit: runs older than the window do not count"

# --- config file ----------------------------------------------------------------------------
fresh
und Import a.und
cat >"$T/conf" <<CONF
# ccmc_und_remediate.conf
store = $S
quarantine = $T/elsewhere
state-dir = $SD
stop-cmd = '$FAKE' '$C' stop
start-cmd = '$FAKE' '$C' start
status-cmd = '$FAKE' '$C' status
stop-timeout = 5s
CONF
chmod 600 "$T/conf"
OUT=$("$HANDLER" -f "$T/conf" -Q "$Q" CRITICAL HARD 1)
is "$?" 0 "config: a run from a config file exits 0"
ok "$([ -n "$(find "$Q" -name a.und)" ] && [ ! -e "$T/elsewhere" ] && echo 0 || echo 1)" \
	"config: -Q on the command line overrides the file"
chmod 620 "$T/conf"
OUT=$("$HANDLER" -f "$T/conf" CRITICAL HARD 1)
is "$?" 2 "config: a group-writable file is refused (exit 2)"
like "$OUT" "refused: it must be a regular file owned by root or uid" "config: the error says why"
chmod 600 "$T/conf"
chown nobody "$T/conf"
OUT=$("$HANDLER" -f "$T/conf" CRITICAL HARD 1)
like "$OUT" "refused" "config: a file owned by another user is refused"
chown "$(id -u)" "$T/conf"
printf 'stop-comand = /bin/true\n' >>"$T/conf"
OUT=$("$HANDLER" -f "$T/conf" CRITICAL HARD 1)
like "$OUT" "line 9: unknown setting 'stop-comand'" "config: an unknown key is refused with its line"
printf '[section]\nstore = /srv\n' >"$T/conf2"
chmod 600 "$T/conf2"
OUT=$("$HANDLER" -f "$T/conf2" CRITICAL HARD 1)
like "$OUT" "line 1: sections are not used ('[section]')" "config: a section header is refused, at its line"
printf '[]\nstore = /srv\n' >"$T/conf3"
chmod 600 "$T/conf3"
OUT=$("$HANDLER" -f "$T/conf3" CRITICAL HARD 1)
is "$?:$OUT" "2:ccmc_und_remediate: config $T/conf3, line 1: sections are not used ('[]')" \
	"config: an empty section header is refused too (exit 2), not a crash"
OUT=$("$HANDLER" -f "$T/missing" CRITICAL HARD 1)
like "$OUT" "config $T/missing: No such file or directory" "config: a missing file is named"

# --- a clean environment ---------------------------------------------------------------------
fresh
und Import a.und
cat >"$T/envdump" <<SH
#!/bin/bash
env | sort >"$C/env.\$1"
for f in 3 4 5 6 7 8 9; do [ -e /proc/\$\$/fd/\$f ] && echo -n "\$f "; done >"$C/fds.\$1"
exec '$FAKE' '$C' "\$1"
SH
chmod 755 "$T/envdump"
handler_opts
SECRET=leak "$HANDLER" -R "$S" -Q "$Q" --state-dir "$SD" --stop-cmd "$T/envdump stop" \
	--start-cmd "$T/envdump start" --status-cmd "$T/envdump status" CRITICAL HARD 1 7>/dev/null >/dev/null
is "$(cat "$C/env.stop" | grep -v '^_=' | grep -v '^PWD=\|^SHLVL=\|^OLDPWD=')" \
	"$(printf 'LC_ALL=C\nPATH=/usr/sbin:/usr/bin:/sbin:/bin')" "commands see only PATH and LC_ALL"
is "$(cat "$C/fds.stop")" "" "commands inherit none of the handler's descriptors, nor fd 7 from its caller"

# --- progress on a terminal, and never elsewhere -------------------------------------------
fresh
und Import a.und
und Export b.und
handler_opts
OUT=$(script -qec "$(printf '%q ' "$HANDLER" "${HOPTS[@]}" --force)" /dev/null)
like "$OUT" "2/2 files, 0.0 MiB" "--force on a terminal shows progress (files done / total, MiB, rate)"
like "$OUT" "MiB/s" "the progress line gives the rate"
fresh
und Import a.und
handler --force
unlike "$OUT" "MiB/s" "--force into a pipe shows no progress"
is "${FIRST%%:*}" REMEDIATED "--force into a pipe: the summary is the first line"

# --- syslog: a private /dev/log in a mount namespace, read by Perl -----------------------------
fresh
und Import a.und
handler_opts
: >"$T/syslog"
# The listener binds /dev/log before it forks, so the handler never runs before it,
# and stops at a marker sent after the handler.
unshare -m bash -c '
	log=$1; shift
	mount --make-rprivate / && mount -t tmpfs ccmc-dev /dev && mknod -m 666 /dev/null c 1 3 || exit 99
	pid=$(perl -MIO::Socket::UNIX -MSocket -e '"'"'
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "/dev/log") or die "$!";
		my $pid = fork() // die; if ($pid) { print "$pid\n"; exit 0 }
		close STDOUT; open my $o, ">>", $ARGV[0] or die; select $o; $| = 1;
		while (defined $s->recv(my $m, 8192)) { print "$m\n"; last if $m =~ /ccmc-test-done/ }'"'"' "$log")
	"$@" >/dev/null
	# Datagrams arrive in order: once the marker is read, so is everything before it.
	logger -u /dev/log ccmc-test-done
	for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill "$pid" 2>/dev/null' _ "$T/syslog" "$HANDLER" "${HOPTS[@]}" CRITICAL HARD 1
R=$(run_folder)
like "$(cat "$T/syslog")" "<29>" "syslog: facility daemon, level notice"
like "$(cat "$T/syslog")" "ccmc_und_remediate[" "syslog: ident ccmc_und_remediate with the pid"
like "$(cat "$T/syslog")" "REMEDIATED: moved 1 .und file (Import 1) to $R" "syslog: the summary line"

done_testing
