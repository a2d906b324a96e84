#!/bin/bash
# Every range in a grid, at every value, judged by the C ranges and by
# Monitoring::Plugin::Range (Debian's libmonitoring-plugin-perl): they must agree.
. "$top_srcdir/tests/lib.sh"

"$PERL" -MMonitoring::Plugin::Range -e 1 2>/dev/null ||
	{ echo "Bail out! Monitoring::Plugin::Range is missing (apt-get install libmonitoring-plugin-perl)"; exit 1; }

ranges=(0 1 5 10 -1 ':5' '~:' '~:0' '~:10' '~:-3' '0:' '10:' '-5:' '10:20' '-5:5' '5:5'
	'-10:-5' '20:10' '@0' '@10' '@10:' '@~:10' '@10:20' '@-5:5' '@5:5' '@~:' '@:5'
	'' '@' ':' '~' 'abc' '5:x' '1:2:3' '@@5' '+5' '~:~' '5-')
values=(-100 -11 -10 -6 -5 -4 -3 -1 0 1 4 5 6 9 10 11 19 20 21 100)

for r in "${ranges[@]}"; do
	[ -n "$r" ] || continue # the empty range is checked below: a line cannot carry it
	for v in "${values[@]}"; do printf '%s %s\n' "$r" "$v"; done
done >"$T/grid"

"$top_builddir/tests/range_eval" <"$T/grid" >"$T/c"
"$PERL" "$top_srcdir/tests/range_grid.pl" <"$T/grid" >"$T/perl"
is "$(wc -l <"$T/c")" "$(wc -l <"$T/grid")" "the C side judged every pair"
is "$(wc -l <"$T/perl")" "$(wc -l <"$T/grid")" "the Perl side judged every pair"

paste -d ' ' "$T/grid" "$T/c" "$T/perl" >"$T/both"
for r in "${ranges[@]}"; do
	[ -n "$r" ] || continue
	diffs=$(awk -v r="$r" '"" $1 == "" r && $3 != $4 { printf "%s=%s/%s ", $2, $3, $4 }' "$T/both")
	ok $([ -z "$diffs" ]; echo $?) "range '$r' agrees with Monitoring::Plugin at ${#values[@]} values"
	[ -z "$diffs" ] || echo "#   value=C/Perl: $diffs"
done
alerts=$(grep -c ' alert alert$' "$T/both")
quiet=$(grep -c ' ok ok$' "$T/both")
errors=$(grep -c ' error error$' "$T/both")
ok $((alerts > 100 && quiet > 100 && errors > 100 ? 0 : 1)) \
	"the grid exercises alerts ($alerts), quiet values ($quiet) and errors ($errors)"

perl_empty=$("$PERL" -MMonitoring::Plugin::Range -e \
	'$SIG{__WARN__}=sub{}; print defined(Monitoring::Plugin::Range->parse_range_string("")) ? "ok" : "error"')
is "$perl_empty" error "Monitoring::Plugin refuses the empty range"
OUT=$("$PLUGIN" -d "$T" -c '' 2>&1)
is "$?" 3 "and so does the plugin"

done_testing
