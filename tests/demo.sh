#!/bin/bash
# make demo tells the same story every day: CRITICAL, CRITICAL, WARNING, OK.
. "$top_srcdir/tests/lib.sh"

OUT=$(TMPDIR=$T sh "$top_srcdir/examples/demo.sh" "$top_srcdir" "$top_builddir" 2>&1)
is "$?" 0 "the demo runs"
is "$(printf '%s\n' "$OUT" | sed -n 's/^(exit status \([0-9]\))$/\1/p' | tr '\n' ' ')" "2 2 1 0 " \
	"its checks exit CRITICAL, CRITICAL, WARNING, OK"
like "$OUT" "CCMC_UND CRITICAL - 3 .und files: Import 1 (oldest 2h14m), Export 2 (oldest 3h7m) | " \
	"the first check names both folders with stable ages"
like "$OUT" $'\nExport/MSG000F0E.UND 239 B, age 3h7m\nExport/Msg000F10.und 243 B, age 1h5m' \
	"and lists the files oldest first"
like "$OUT" "CCMC_UND WARNING - 3 .und files" "age thresholds make it a WARNING"
like "$OUT" "CCMC_UND OK - no .und files | " "and it is OK once the files are gone"
ls -d "$T"/ccmc-demo.* 2>/dev/null | grep -q . && leftover=1 || leftover=0
is "$leftover" 0 "the demo leaves no temp dir behind"

done_testing
