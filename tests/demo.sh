#!/bin/bash
# make demo tells the whole story: delivery, a reject, a silent stall,
# CRITICAL, the handler, OK, delivery again, the file safe in quarantine.
. "$top_srcdir/tests/lib.sh"

OUT=$(TMPDIR=$T sh "$top_srcdir/examples/demo.sh" "$top_srcdir" "$top_builddir" 2>&1)
is "$?" 0 "the demo runs"
is "$(printf '%s\n' "$OUT" | grep -c '^== [1-8]\. ')" 8 "it tells the eight steps"
like "$OUT" "$(printf '  delivered Import/Msg0001A3.ccm\n  delivered Import/Msg0001A4.ccm\n  delivered Export/Msg000F12.ccm')" \
	"2: the bundled messages are delivered, in order"
like "$OUT" "$(printf '$ ccmc-sim -R $DEMO/Ccmcdata --poll 0.2 reject Import\n$DEMO/Ccmcdata/Import/Msg')" \
	"3: the reject leaves a .und file in Import"
like "$OUT" "delivered before: 6, after five polls: 6; waiting in Export: 2" \
	"4: nothing is delivered through five polls while the .und file is there"
checks=$(printf '%s\n' "$OUT" | awk '/^\$ check_ccmc_und /{c=1; next} c && /^\(exit status/{print $3; c=0}' | tr -d ')\n')
is "$checks" "20" "5, 7: the check exits CRITICAL, then OK"
like "$OUT" "CCMC_UND CRITICAL - 1 .und file: Import 1 (oldest " "5: the CRITICAL names the folder"
like "$OUT" "$(printf 'REMEDIATED: moved 1 .und file (Import 1) to $DEMO/quarantine/')" \
	"6: the handler's real output: it moved the file"
like "$OUT" "; connector restarted in " "6: and restarted the simulator"
like "$OUT" "CCMC_UND OK - no .und files | " "7: the check is OK again"
resumed=$(printf '%s\n' "$OUT" | sed -n '/^== 7\./,/^== 8\./p' | grep -c '^  delivered Export/')
is "$resumed" 2 "7: the two held messages are delivered after the restart"
like "$OUT" "identical to the file that was rejected" "8: the quarantined file is byte-identical"
like "$OUT" "$(printf '/Ccmcdata/Import\tMsg')" "8: the manifest has its line, naming the exact folder"
if [ -x "$top_builddir/snmp-subagent/ccmc_und_subagent" ]; then
	states=$(printf '%s\n' "$OUT" | sed -n 's/^CCMC-UND-MIB::ccmcUndState.0 = INTEGER: //p' | tr '\n' ' ')
	is "$states" "critical(2) ok(0) " "snmpwalk shows the subagent critical, then ok"
fi
ls -d "$T"/ccmc-demo.* 2>/dev/null | grep -q . && leftover=1 || leftover=0
is "$leftover" 0 "the demo leaves no temp dir behind"
left=$(ps -eo args | grep -F "$T/ccmc-demo." | grep -vc grep)
is "$left" 0 "and no process it started"

done_testing
