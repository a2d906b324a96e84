#!/bin/bash
# Regressions of check_ccmc_und found from outside (hostile sweeps): one
# block per finding, each failing on the code before its fix.
. "$top_srcdir/tests/lib.sh"

# first_line_only: the output is one status line (no newline split it), with no | but the perfdata's.
pipes_in_status() { printf '%s\n' "${FIRST%% | *}" | tr -cd '|' | wc -c; }

# --- folder names reach the output escaped ----------------------------------------------
mkdir -p "$T/x/pi|pe" "$T/x/new"$'\n'"line" "$T/x/bad"$'\xff' "$T/x/esc"$'\e'"[2J"
mkf "$T/x/pi|pe/a.und" 60
run -d "$T/x/pi|pe"
is "$RC" 2 "a .und file in folder 'pi|pe' is CRITICAL"
like "$FIRST" "CCMC_UND CRITICAL - 1 .und file: pi?pe 1 (oldest 1m)" "the | in the folder name shows as ?"
is "$(pipes_in_status)" 0 "no | in the status text before the perfdata"
perf_is "pi_pe_und|1|||0|0|" "Monitoring::Plugin reads the perfdata, label pi_pe"
mkf "$T/x/new"$'\n'"line/b.und" 60
run -d "$T/x/new"$'\n'"line" -v
like "$FIRST" "new?line 1 (oldest 1m)" "a newline in a folder name shows as ?"
is "$(printf '%s\n' "$OUT" | grep -c '^line')" 0 "... and starts no line of its own"
run -d "$T/x/bad"$'\xff' -d "$T/x/esc"$'\e'"[2J" -v
printf '%s' "$OUT" | iconv -f UTF-8 -t UTF-8 >/dev/null
ok $? "a byte 0xFF in a folder name leaves the output valid UTF-8"
like "$OUT" 'bad\xFF' "... written \\xFF"
unlike "$OUT" $'\e' "no escape code reaches the output"
long=$(printf 'é%.0s' $(seq 40))
mkdir -p "$T/x/$long"
mkf "$T/x/$long/c.und" 60
run -d "$T/x/$long"
like "$FIRST" "$long 1 (oldest 1m)" "an 80-byte UTF-8 folder name is shown whole, not cut in a character"

# --- ini lines longer than inih's buffer, indented keys, line numbers ---------------------
mkdir -p "$T/s6/Import" "$T/s6/Export" "$T/s6/Submit"
mkf "$T/s6/Import/a.und" 60
{
	echo "[ccmc_und]"
	echo "store = $T/s6"
	printf '; %s critical = ~:\n' "$(head -c 300 /dev/zero | tr '\0' 'x')"
} >"$T/long.ini"
chmod 600 "$T/long.ini"
run --extra-opts="ccmc_und@$T/long.ini"
is "$RC" 2 "a 300-byte comment ending in 'critical = ~:' stays a comment: the .und file is CRITICAL"
{
	echo "[ccmc_und]"
	echo "store = $T/s6"
	printf '; %s critical = ~:\n' "$(head -c 9000 /dev/zero | tr '\0' 'x')"
} >"$T/huge.ini"
chmod 600 "$T/huge.ini"
run --extra-opts="ccmc_und@$T/huge.ini"
is "$RC" 3 "a line longer than 8191 bytes: UNKNOWN"
like "$FIRST" "config $T/huge.ini, line 3: the line is longer than 8191 bytes" "... naming the file and line"
printf '[ccmc_und]\nstore = %s\n    critical = 5\n' "$T/s6" >"$T/indent.ini"
chmod 600 "$T/indent.ini"
run --extra-opts="ccmc_und@$T/indent.ini"
is "$RC" 0 "an indented 'critical = 5' is a key: 1 file is OK under it"
printf '[ccmc_und]\nstore = %s\n\n\n; four\nbogus = 1\n' "$T/s6" >"$T/lines.ini"
chmod 600 "$T/lines.ini"
run --extra-opts="ccmc_und@$T/lines.ini"
like "$FIRST" "config $T/lines.ini, line 6: 'bogus' is not an option" "the error names the file's own line"

# --- a symlink in Import's place is not a missing folder ----------------------------------
mkdir -p "$T/s8/Export" "$T/s8/Submit" "$T/elsewhere"
mkf "$T/elsewhere/x.und" 60
ln -s "$T/elsewhere" "$T/s8/Import"
run -R "$T/s8" --missing ok
is "$RC" 3 "Import replaced by a symlink, with --missing ok: UNKNOWN"
like "$FIRST" "Import: $T/s8/Import: not a folder (a symlink or a file stands in its place)" "... saying why"
rm "$T/s8/Import"
run -R "$T/s8" --missing ok
is "$RC" 0 "a truly missing Import still takes --missing"

# --- names that cannot be stat()ed: the summary says why -----------------------------------
mkdir -p "$T/s9/Import"
mkf "$T/s9/Import/a.und" 60
chmod 644 "$T/s9/Import"
chmod 755 "$T/s9"
OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$PLUGIN" --now "$NOW" -d "$T/s9/Import")
RC=$?
FIRST=${OUT%%$'\n'*}
is "$RC" 3 "a folder readable but not searchable: UNKNOWN"
unlike "$FIRST" "no .und files" "the summary does not claim there are none"
like "$FIRST" "Import: 1 entry named *.und or *.ccm could not be looked at (Permission denied)" "it says why"
chmod 755 "$T/s9/Import"

# --- a folder named twice is refused ---------------------------------------------------
mkdir -p "$T/s10/Import" "$T/s10/Export" "$T/s10/Submit"
mkf "$T/s10/Import/a.und" 60
run -R "$T/s10" -d "$T/s10/import/"
is "$RC" 3 "-R STORE with -d STORE/import: UNKNOWN"
like "$FIRST" "folder $T/s10/import is given twice" "... named"
run -R "$T/s10" -R "$T/s10/."
is "$RC" 3 "a store given twice: UNKNOWN"
ln -s "$T/s10/Import" "$T/imp-link"
run -R "$T/s10" -d "$T/imp-link"
like "$FIRST" "CRITICAL - 1 .und file: Import 1" "the same folder through a symlink is counted once"
like "$FIRST" "imp-link: $T/imp-link: the same folder as $T/s10/Import, given twice" "... and named as a twin"
unlike "$FIRST" "imp_link_und" "... and it has no perfdata, not a second count"
run -d "$T/s10/Import/."
like "$FIRST" "CRITICAL - 1 .und file: Import 1" "-d DIR/. is DIR, named Import"

# --- D: papercuts -----------------------------------------------------------------------------
"$PLUGIN" --bogus >"$T/o" 2>"$T/e"
is "$?" 3 "D: a usage error is UNKNOWN"
is "$(wc -l <"$T/o")" 1 "D: ... with one line on stdout"
unlike "$(cat "$T/o")" "|" "D: ... holding no |, which Nagios would read as perfdata"
like "$(cat "$T/e")" "Usage: check_ccmc_und" "D: the usage text goes to stderr"
for f in "" "," "cifs," ",cifs" "cifs,,smb3"; do
	run -R "$T/s10" --fstype "$f"
	is "$RC" 3 "D: --fstype '$f' is refused"
done
like "$FIRST" "--fstype 'cifs,,smb3': give one or more types" "D: ... saying why"
mkdir -p "$T/fut"
mkf "$T/fut/a.und" -3600
run -d "$T/fut"
like "$OUT" "note: fut: 1 file dated in the future (clock skew with the Exchange host?); its age counts as 0" \
	"D: '1 file dated in the future', singular"
# --max-output: long output goes first, then the folders' perfdata; the totals stay.
args=()
for i in $(seq 32); do
	mkdir -p "$T/many/f$i"
	mkf "$T/many/f$i/a$i.und" 60
	args+=(-d "$T/many/f$i")
done
run "${args[@]}" --max-output 1024
ok "$([ "${#OUT}" -le 1024 ] && echo 0 || echo 1)" "D: 32 folders at --max-output 1024: within the cap"
like "$FIRST" "total_und=32;;;0" "D: ... the totals' perfdata is kept"
like "$FIRST" "f1_und=1;;0;0" "D: ... then the first folders'"
like "$OUT" "not shown; raise --max-output" "D: ... and the output says what was left out"
unlike "$OUT" $'\nf1/a1.und' "D: ... the long output went first"
perf_all_parsed "D: Monitoring::Plugin parses every entry kept"

done_testing
