#!/bin/bash
# check_ccmc_und against fixture stores built here, with ages set by touch.
. "$top_srcdir/tests/lib.sh"

# --- states and the default rule: any .und file is CRITICAL -------------------
S=$(store clean)
mkf "$S/Submit/Msg1.ccm" 30
run -R "$S"
is "$RC" 0 "an empty store is OK"
is "$FIRST" "CCMC_UND OK - no .und files | import_und=0;;0;0 import_und_age=0s;;;0 import_und_bytes=0B;;;0 import_backlog=0;;;0 import_backlog_age=0s;;;0 export_und=0;;0;0 export_und_age=0s;;;0 export_und_bytes=0B;;;0 export_backlog=0;;;0 export_backlog_age=0s;;;0 submit_backlog=1;;;0 submit_backlog_age=30s;;;0 total_und=0;;;0 total_und_age=0s;;;0 total_und_bytes=0B;;;0 total_backlog=1;;;0 total_backlog_age=30s;;;0" \
	"the OK line and its perfdata"
perf_all_parsed

S=$(store two)
mkf "$S/Import/Old1.und" $((2 * 3600 + 14 * 60 + 30)) 4096
mkf "$S/Export/New1.UND" $((5 * 60)) 100
mkf "$S/Import/Msg2.ccm" 600
run -R "$S"
is "$RC" 2 "two .und files are CRITICAL"
is "${FIRST%% | *}" "CCMC_UND CRITICAL - 2 .und files: Import 1 (oldest 2h14m), Export 1 (oldest 5m)" \
	"the summary names each folder, its count and oldest age"
like "$OUT" $'\nImport/Old1.und 4096 B, age 2h14m' "the long output lists the file, size, age"
like "$OUT" $'\nExport/New1.UND 100 B, age 5m' "in both folders"
perf_is "import_und|1|||0|0|" "import_und with the default critical 0 and min 0"
perf_is "import_und_age|8070|s|||0|" "import_und_age in seconds"
perf_is "import_und_bytes|4096|B|||0|" "import_und_bytes in bytes"
perf_is "import_backlog|1||||0|" "import_backlog"
perf_is "import_backlog_age|600|s|||0|" "import_backlog_age"
perf_is "export_und_age|300|s|||0|" "export_und_age"
perf_is "total_und|2||||0|" "total_und is the sum"
perf_is "total_und_age|8070|s|||0|" "total_und_age is the oldest"
perf_is "total_und_bytes|4196|B|||0|" "total_und_bytes is the sum"
perf_all_parsed

# Shares show the folders in any letter case.
mkdir -p "$T/case/IMPORT" "$T/case/export" "$T/case/SuBmIt"
mkf "$T/case/IMPORT/x.und" 60
run -R "$T/case"
is "$RC" 2 "IMPORT, export and SuBmIt are found in any case"
like "$FIRST" "Import 1 (oldest 1m)" "and reported under their usual names"
mkdir "$T/case/Import"
run -R "$T/case"
is "$RC" 3 "two folders differing only in case are UNKNOWN, not a guess"
like "$FIRST" "two folders match 'Import' in different case" "and say why"
unlike "$FIRST" "=U;" "no U value in the perfdata"
perf_all_parsed "Monitoring::Plugin parses every perfdata entry, the folder in doubt left out"

# --- count thresholds ---------------------------------------------------------
D="$T/counts"
mkdir "$D"
mkf "$D/a.und" 10
run -d "$D" -w 0 -c 5
is "$RC" 1 "-w 0 -c 5: one file warns"
perf_is "counts_und|1||0|5|0|" "perfdata carries -w and -c"
for i in 2 3 4 5 6; do mkf "$D/f$i.und" 10; done
run -d "$D" -w 0 -c 5
is "$RC" 2 "-w 0 -c 5: six files are critical (critical before warning)"
run -d "$D" -c 10
is "$RC" 0 "-c 10: six files are OK"
run -d "$D" -c @6:6
is "$RC" 2 "-c @6:6 alerts inside the range"
run -d "$D" -c '~:6'
is "$RC" 0 "-c ~:6 does not alert at exactly 6"
run -d "$D" -c '~:5'
is "$RC" 2 "-c ~:5 alerts at 6"
run -d "$D" -c 7:
is "$RC" 2 "-c 7: alerts below 7"
perf_is "counts_und|6|||7:|0|" "open-ended ranges pass into perfdata"

# --- age thresholds -----------------------------------------------------------
D="$T/ages"
mkdir "$D"
mkf "$D/a.und" 600
run -d "$D" -c '~:' -W 30m -C 2h
is "$RC" 0 "a 10m old file is within -W 30m"
perf_is "ages_und_age|600|s|1800|7200|0|" "durations are seconds in perfdata"
mkf "$D/a.und" 3600
run -d "$D" -c '~:' -W 30m -C 2h
is "$RC" 1 "a 1h old file warns with -W 30m"
mkf "$D/a.und" 10800
run -d "$D" -c '~:' -W 30m -C 2h
is "$RC" 2 "a 3h old file is critical with -C 2h"
run -d "$D" -c '~:' -C @1h:4h
is "$RC" 2 "-C @1h:4h alerts on 3h"
run -d "$D" -c '~:' -C @1h30m:2h
is "$RC" 0 "-C @1h30m:2h does not alert on 3h"
mkf "$D/a.und" 7200
run -d "$D" -c '~:' -C 2h
is "$RC" 0 "an age of exactly 2h is inside -C 2h (inclusive)"
rm "$D/a.und"
run -d "$D" -c '~:' -C 1h:
is "$RC" 0 "age thresholds do not apply to an empty folder"

# --- backlog ------------------------------------------------------------------
S=$(store backlog)
mkf "$S/Submit/m1.ccm" 7200
run -R "$S" --backlog-age-warning 1h
is "$RC" 1 "a 2h old message in Submit warns with --backlog-age-warning 1h"
is "${FIRST%% | *}" "CCMC_UND WARNING - no .und files; backlog Submit 1 (oldest 2h)" \
	"the summary shows the alerting backlog"
run -R "$S" --backlog-age-critical 1h
is "$RC" 2 "and is critical with --backlog-age-critical 1h"
for i in $(seq 1 11); do mkf "$S/Import/q$i.CCM" 5; done
run -R "$S" --backlog-critical 10
is "$RC" 2 "eleven messages in Import are critical with --backlog-critical 10"
perf_is "import_backlog|11|||10|0|" "with the threshold in perfdata"
run -R "$S" --backlog-warning 20 --backlog-critical 30
is "$RC" 0 "and OK under higher thresholds"
run -R "$S" --no-backlog
is "$RC" 0 "--no-backlog ignores messages"
unlike "$FIRST" "backlog" "and has no backlog perfdata"
run -R "$S" --no-backlog --backlog-warning 1
is "$RC" 3 "--no-backlog with a backlog threshold is a usage error"
# Regression: a store without Submit was UNKNOWN under --no-backlog, though
# Submit is watched for the backlog only.
mkdir -p "$T/nosubmit/Import" "$T/nosubmit/Export"
run -R "$T/nosubmit" --no-backlog
is "$RC" 0 "--no-backlog: a store without Submit is OK (Submit is not opened)"
unlike "$OUT" "Submit" "and Submit is not mentioned"
run -R "$T/nosubmit"
is "$RC" 3 "with the backlog on, the missing Submit is UNKNOWN"

# --- --extra-opts: options from an ini file section ---------------------------
S=$(store extra)
mkf "$S/Import/a.und" 7200
mkf "$S/Import/b.und" 60
INI="$T/ccmc-und.ini"
cat >"$INI" <<EOF
; folders and thresholds shared with the subagent
[ccmc_und]
store = $S
critical = 2
age-warning = 1h

[check_ccmc_und]
list = 1
EOF
chmod 644 "$INI"
run --extra-opts="ccmc_und@$INI"
is "$RC" 1 "--extra-opts: the section's store and thresholds are used (WARNING on age)"
perf_is "import_und|2|||2|0|" "--extra-opts: -c from the file is in perfdata"
run --extra-opts="ccmc_und@$INI" -c 0
is "$RC" 2 "--extra-opts: a single-valued option on the command line wins"
run --extra-opts="ccmc_und@$INI" --extra-opts="@$INI" -v
is "$(grep -c '\.und .* age ' <<<"$OUT")" 1 "--extra-opts twice: the program's own section too (--list 1)"
run --extra-opts="nope@$INI"
is "$RC" 3 "--extra-opts: a missing section is UNKNOWN"
like "$FIRST" "CCMC_UND UNKNOWN - config $INI: no section [nope]" "and says which"
run --extra-opts="@$T/none.ini" -d "$T"
is "$RC" 3 "--extra-opts: a missing file is UNKNOWN"
like "$FIRST" "none.ini: No such file or directory" "and says why"
printf '[s]\ncritcal = 1\n' >"$T/typo.ini"
run --extra-opts="s@$T/typo.ini" -d "$T"
like "$FIRST" "line 2: 'critcal' is not an option of this program" "--extra-opts: a misspelt key is named with its line"
printf '[s]\nnow = x\n' >"$T/bad.ini"
run --extra-opts="s@$T/bad.ini" -d "$T"
like "$FIRST" "UNKNOWN - --now 'x'" "--extra-opts: a bad value from the file is checked like the command line's"
chmod 666 "$INI"
run --extra-opts="ccmc_und@$INI"
like "$FIRST" "refused: it must be a regular file owned by root" "--extra-opts: a file others can write is refused"
chmod 644 "$INI"

# --- explicit folders ---------------------------------------------------------
mkdir -p "$T/a/Import" "$T/b/Import" "$T/c/Total"
mkf "$T/b/Import/z.und" 60
run -d "$T/a/Import" -d "$T/b/Import/" -d "$T/c/Total"
is "$RC" 2 "-d is repeatable"
perf_is "import_und|0|||0|0|" "the first folder is import"
perf_is "import_2_und|1|||0|0|" "a second folder of the same name is import_2"
perf_is "total_2_und|0|||0|0|" "a folder named Total does not clash with the totals"
perf_all_parsed

# Labels stay unique in their first 19 characters (an RRD limit), long names too.
mkdir -p "$T/l1/Very long folder name one" "$T/l2/Very long folder name one" "$T/l3/Very long folder name two"
run -d "$T/l1/Very long folder name one" -d "$T/l2/Very long folder name one" \
	-d "$T/l3/Very long folder name two" -R "$S"
labels=$(printf '%s\n' "${FIRST#*| }" | tr ' ' '\n' | sed 's/=.*//')
is "$(printf '%s\n' "$labels" | cut -c1-19 | sort | uniq -d)" "" \
	"all $(printf '%s\n' "$labels" | wc -l) perfdata labels differ in their first 19 characters"
perf_all_parsed

# --- missing folders ----------------------------------------------------------
mkdir -p "$T/half/Import" "$T/half/Submit"
run -R "$T/half"
is "$RC" 3 "a missing Export is UNKNOWN by default"
like "$FIRST" "Export: $T/half/Export: No such file or directory" "naming the path and the error"
unlike "$FIRST" "export_und" "its labels are left out (no U, which stops Perl's and Icinga's parsers)"
unlike "$FIRST" "total_und" "... and so are the .und totals, which sum it"
like "$FIRST" "submit_backlog=0;;;0" "a folder that was read keeps its labels"
perf_all_parsed "Monitoring::Plugin parses every perfdata entry, the missing folder left out"
# Names that can be listed but not measured (a folder readable, not searchable, for the user the
# check runs as): no fresh count to give, so no perfdata for that folder or the totals it sums.
mkdir -p "$T/nox/Import" "$T/nox/Export" "$T/nox/Submit"
: >"$T/nox/Import/a.und"
: >"$T/nox/Import/b.und"
chmod -R a+rX "$T/nox"
chmod 0444 "$T/nox/Import"
OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$PLUGIN" -R "$T/nox")
RC=$?
FIRST=${OUT%%$'\n'*}
like "$RC $FIRST" "3 CCMC_UND UNKNOWN - Import: 2 entries named *.und or *.ccm could not be looked at" \
	"names listed but not measured: UNKNOWN, and says why"
unlike "$FIRST" "import_und" "... no import_* perfdata: no count was measured"
unlike "$FIRST" "total_und" "... nor the totals that sum Import"
chmod 0755 "$T/nox/Import"
mkdir -p "$T/nosub/Import" "$T/nosub/Export"
: >"$T/nosub/Import/a.und"
run -R "$T/nosub"
like "$FIRST" "total_und=1;;;0" "Submit missing: total_und still sums Import and Export (it holds no .und)"
unlike "$FIRST" "total_backlog=" "... while total_backlog, which sums Submit too, is left out"
run -R "$T/half" --missing=critical
is "$RC" 2 "--missing=critical"
run -R "$T/half" --missing=warning
is "$RC" 1 "--missing=warning"
run -R "$T/half" --missing=ok
is "$RC" 0 "--missing=ok"
mkf "$T/half/Import/a.und" 5
run -R "$T/half" --missing=unknown
is "$RC" 2 "a .und file outweighs an UNKNOWN folder"
run -R "$T/nonexistent"
is "$RC" 3 "a missing store is UNKNOWN"
is "${FIRST%% | *}" "CCMC_UND UNKNOWN - Import, Export, Submit: $T/nonexistent: No such file or directory" \
	"one clause for one cause"
touch "$T/notadir"
run -d "$T/notadir"
is "$RC" 3 "a file given as a folder is UNKNOWN"
like "$FIRST" "not a folder (a symlink or a file stands in its place)" "and says so"

# --- the mount checks (an unmounted share is an empty local folder) ----------
S=$(store mnt)
fstype=$(findmnt -n -o FSTYPE --target "$S" | head -1)
target=$(findmnt -n -o TARGET --target "$S" | head -1)
run -R "$S" --fstype cifs,smb3
is "$RC" 3 "a store on $fstype fails --fstype cifs,smb3"
like "$FIRST" "$S is on $fstype (mount $target), not cifs,smb3: is the share mounted?" \
	"and names what it found"
run -R "$S" --fstype cifs --missing=critical
is "$RC" 2 "--missing=critical applies to an unmounted share"
run -R "$S" --fstype "nfs,$fstype"
is "$RC" 0 "a listed type passes"
run -R "$S" --require-mount
if [ "$target" = / ]; then
	is "$RC" 3 "--require-mount fails on the root file system"
	like "$FIRST" "is on the root file system, not a mount" "and says so"
else
	is "$RC" 0 "--require-mount passes on $target"
fi
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	M=$(mktemp -d /dev/shm/ccmc-test.XXXXXX)
	mkdir "$M/Import" "$M/Export" "$M/Submit"
	run -R "$M" --require-mount --fstype tmpfs
	is "$RC" 0 "a store on the tmpfs at /dev/shm passes --require-mount --fstype tmpfs"
	rm -rf "$M"
else
	ok 1 "/dev/shm is a writable tmpfs for the mount test"
fi

# --- entries that are not regular files, and odd names ------------------------
D="$T/odd"
mkdir "$D"
mkf "$T/outside.und" 99
ln -s "$T/outside.und" "$D/link.und"
mkdir "$D/dir.und"
mkfifo "$D/fifo.und"
mkf "$D/a.und.tmp" 5
mkf "$D/.und" 5
mkf "$D/real.und" 5
run -d "$D" -v
is "$RC" 2 "only the regular file counts (and the FIFO was never opened)"
like "$FIRST" "1 .und file: odd 1" "one file"
like "$OUT" "note: odd: 3 entries named *.und skipped, not regular files (1 symlink, 1 directory, 1 FIFO)" \
	"the skipped entries are reported"
like "$OUT" "skipped symlink: link.und" "by name with -v"
unlike "$OUT" "a.und.tmp" "a.und.tmp is no .und file"

D="$T/names"
mkdir "$D"
mkf "$D/pipe|name.und" 50
mkf "$D/new"$'\n'"line.und" 40
mkf "$D/bad"$'\xff'".und" 30
mkf "$D/tab"$'\t'"x.und" 20
run -d "$D"
is "$RC" 2 "odd names are counted"
pipes=${FIRST//[^|]/}
is "${#pipes}" 1 "the first line has exactly one '|'"
is "$(printf '%s\n' "$OUT" | wc -l)" 5 "no name breaks a line"
like "$OUT" "names/pipe?name.und 0 B" "'|' is replaced"
like "$OUT" "names/new?line.und 0 B" "a newline is replaced"
like "$OUT" 'names/bad\xFF.und 0 B' "an invalid byte is shown as \\xNN"
like "$OUT" "names/tab?x.und 0 B" "a tab is replaced"
perf_all_parsed

# --- clock skew ----------------------------------------------------------------
D="$T/skew"
mkdir "$D"
mkf "$D/future.und" -3600
run -d "$D" -c '~:' -C 1m
is "$RC" 0 "a file dated an hour ahead has age 0"
perf_is "skew_und_age|0|s||60|0|" "and reports age 0"
like "$OUT" "note: skew: 1 file dated in the future (clock skew with the Exchange host?)" \
	"the skew is noted"

# --- --list and --max-output --------------------------------------------------
D="$T/many"
mkdir "$D"
for i in $(seq -w 1 15); do mkf "$D/f$i.und" $((1000 - 10#$i)); done
run -d "$D" --list 3
is "$(printf '%s\n' "$OUT" | grep -c '^many/')" 3 "--list 3 lists three files"
like "$OUT" $'\nmany/f01.und 0 B, age 16m' "the oldest first"
like "$OUT" "many: 12 more .und files not listed (--list 3)" "and counts the rest"
run -d "$D" --list 0
is "$(printf '%s\n' "$OUT" | grep -c '^many/')" 0 "--list 0 lists none"
run -d "$D"
is "$(printf '%s\n' "$OUT" | grep -c '^many/')" 10 "the default lists ten"
"$top_builddir/tests/mkfiles" -u 100 -t "$NOW" "$T/big" 600
run -d "$T/big" --list 1000 --max-output 1024
is "$(printf '%s\n' "$OUT" | wc -c)" "$(printf '%s\n' "$OUT" | wc -c | awk '$1 <= 1024 { print $1 }')" \
	"--max-output 1024 holds for 600 files"
like "$OUT" "more lines not shown; raise --max-output" "and says what it left out"
perf_all_parsed "perfdata survives the cap whole"
run -d "$T/big" --list 1000
n=$(printf '%s\n' "$OUT" | wc -c)
ok $(( n <= 4096 && n > 3000 ? 0 : 1 )) "the default cap is 4096 bytes ($n)"

# --- a large folder -------------------------------------------------------------
"$top_builddir/tests/mkfiles" -u 5 -t "$NOW" "$T/huge" 100000
run -d "$T/huge"
is "$RC" 2 "a folder of 100k entries"
like "$FIRST" "5000 .und files: huge 5000" "has exactly 5000 .und files"
perf_is "huge_backlog|95000||||0|" "and 95000 messages"

# --- verbosity -----------------------------------------------------------------
S=$(store verbose)
mkf "$S/Import/v.und" 120
run -R "$S"
unlike "$OUT" "config:" "-v 0 has no configuration lines"
run -R "$S" -v
like "$OUT" "Import: CRITICAL, $S/Import: 1 .und (oldest 2m, newest 2m, 0 B, largest 0 B)" \
	"-v adds a line per folder"
unlike "$OUT" "config:" "but no configuration"
run -R "$S" -vv
like "$OUT" "config: count warning -, critical 0" "-vv adds the configuration"
like "$OUT" "config: missing folder UNKNOWN; timeout 10s, then UNKNOWN; fstype any" \
	"with the timeout and missing-folder handling"
run -R "$S" -vvv
like "$OUT" "scanned in" "-vvv adds timings"

# --- help, version, bad input ---------------------------------------------------
OUT=$("$PLUGIN" --help)
is "$?" 3 "--help exits 3"
like "$OUT" "Usage: check_ccmc_und {-R STORE | -d DIR" "and shows the usage"
OUT=$("$PLUGIN" -V)
is "$?" 3 "-V exits 3"
like "$OUT" "check_ccmc_und 0.1" "and shows the version"

bad() {
	local why=$1
	shift
	OUT=$("$PLUGIN" "$@" 2>/dev/null)
	RC=$?
	is "$RC" 3 "$why: UNKNOWN"
	like "${OUT%%$'\n'*}" "CCMC_UND UNKNOWN - $BADMSG" "$why: says so"
}
BADMSG="bad threshold '5m': '5m' is not a whole number"; bad "trailing junk in -w" -d "$T" -w 5m
BADMSG="bad threshold '10:5': invalid range '10:5': start is greater than end"; bad "start > end" -d "$T" -c 10:5
BADMSG="bad threshold '': invalid range ''"; bad "an empty range" -d "$T" -c ""
BADMSG="bad threshold '@'"; bad "a lone @" -d "$T" -w @
BADMSG="bad threshold 'abc'"; bad "junk" -d "$T" -w abc
BADMSG="bad threshold '5x'"; bad "a bad duration" -d "$T" -W 5x
BADMSG="bad threshold '1.5'"; bad "a decimal count" -d "$T" -c 1.5
BADMSG="bad state 'sometimes'"; bad "a bad state" -d "$T" --missing sometimes
BADMSG="bad state 'x'"; bad "a bad timeout state" -d "$T" --timeout-state x
BADMSG="-t '0': expected a whole number from 1 to 86400"; bad "-t 0" -d "$T" -t 0
BADMSG="-t '5s'"; bad "-t 5s" -d "$T" -t 5s
BADMSG="--list '1001'"; bad "--list over 1000" -d "$T" --list 1001
BADMSG="--max-output '1000'"; bad "--max-output under 1024" -d "$T" --max-output 1000
BADMSG="no folder to watch"; bad "no folder" -w 1
BADMSG="unexpected argument 'extra'"; bad "an extra argument" -d "$T" extra
BADMSG="invalid option"; bad "an unknown option" -d "$T" --bogus
BADMSG="invalid folder path ''"; bad "an empty folder path" -d ""
BADMSG="too many folders"; bad "33 folders" $(for i in $(seq 33); do printf -- '-d %s/%s ' "$T" "$i"; done)

done_testing
