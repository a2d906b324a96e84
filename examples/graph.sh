#!/bin/sh
# make graph: the story of make demo as a time series. The demo runs with its
# recorder on (the plugin's perfdata once a second, and the handler's run
# marked), the samples go into an RRD, and rrdtool draws per folder the .und
# count, the oldest .und file's age and the backlog of messages, with the
# handler's run as a rule. rrdtool because it is what Nagios sites graph
# perfdata with (PNP4Nagios, Cacti, Munin), Debian ships it, and it draws
# from its own stored series with no server.
# Usage: graph.sh SRCDIR BUILDDIR OUT.png
# Prints rrdtool's answer: the image's size, then the greatest value of each
# series drawn ("import_und 1" ...).
set -eu
src=$1
build=$2
out=$3
case $out in /*) ;; *) out=$PWD/$out ;; esac
command -v rrdtool >/dev/null || { echo "graph.sh: rrdtool is missing (apt-get install rrdtool)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ccmc-graph.XXXXXX")
demo=
# The demo stops its own processes when it is stopped; a kill of this script stops it too.
finish() {
	if [ -n "$demo" ]; then kill "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap finish EXIT
trap 'exit 1' INT TERM HUP
labels="import_und export_und import_und_age export_und_age import_backlog export_backlog submit_backlog"

# Two-second polls: the stall lasts long enough to be seen at one sample a second.
CCMC_DEMO_RECORD="$work/record" CCMC_DEMO_POLL=2 \
	sh "$src/examples/demo.sh" "$src" "$build" >"$work/demo.out" 2>&1 &
demo=$!
rc=0
wait "$demo" || rc=$?
demo=
if [ "$rc" != 0 ]; then
	cat "$work/demo.out" >&2
	echo "graph.sh: the demo failed" >&2
	exit 1
fi
# rrdtool reads ':' in a DEF as a separator: the RRD is named from inside $work.
cd "$work"

# One update per sample, "EPOCH:v:v:...", in the order of $labels; U for a label left out.
awk -v labels="$labels" '
	$2 == "mark" { next }
	{
		n = split(labels, want, " ")
		delete v
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			split(kv[2], f, ";")
			sub(/[a-zA-Z]+$/, "", f[1])
			v[kv[1]] = f[1]
		}
		line = $1
		for (i = 1; i <= n; i++) line = line ":" ((want[i] in v) ? v[want[i]] : "U")
		print line
	}' record >updates
first=$(head -n 1 updates | cut -d: -f1)
last=$(tail -n 1 updates | cut -d: -f1)
begin=$(awk '$2 == "mark" && $3 == "begin" { print $1; exit }' record)
end=$(awk '$2 == "mark" && $3 == "end" { print $1; exit }' record)
[ -n "$first" ] && [ -n "$begin" ] && [ -n "$end" ] || { echo "graph.sh: the recording is incomplete" >&2; exit 1; }

ds=""
for l in $labels; do ds="$ds DS:$l:GAUGE:5:0:U"; done
# shellcheck disable=SC2086
rrdtool create demo.rrd --start $((first - 1)) --step 1 $ds RRA:LAST:0.5:1:3600
xargs rrdtool update demo.rrd <updates

# Ages are drawn against the right axis, scaled so that the oldest fits the counts' height.
scale=$(awk -F: -v labels="$labels" 'BEGIN { n = split(labels, l, " ") }
	{ for (i = 1; i <= n; i++) if (l[i] ~ /_und_age$/ && $(i + 1) != "U" && $(i + 1) + 0 > m) m = $(i + 1) + 0 }
	END { s = int((m + 3) / 4); print s < 1 ? 1 : s }' updates)
rrd=demo.rrd
rrdtool graph "$out" --imgformat PNG --full-size-mode --width 900 --height 420 \
	--start "$((first - 1))" --end "$last" --lower-limit 0 --rigid --alt-autoscale-max --y-grid 1:1 \
	--title "make demo: a .und file stalls the connector; ccmc_und_remediate clears it" \
	--vertical-label "files" --right-axis "$scale:0" --right-axis-label "seconds" \
	--color BACK#ffffff --color CANVAS#ffffff --font DEFAULT:9: \
	"DEF:iu=$rrd:import_und:LAST" "DEF:eu=$rrd:export_und:LAST" \
	"DEF:ia=$rrd:import_und_age:LAST" "DEF:ea=$rrd:export_und_age:LAST" \
	"DEF:ib=$rrd:import_backlog:LAST" "DEF:eb=$rrd:export_backlog:LAST" \
	"DEF:sb=$rrd:submit_backlog:LAST" \
	"CDEF:ias=ia,$scale,/" "CDEF:eas=ea,$scale,/" \
	"CDEF:run=iu,POP,TIME,$begin,GE,TIME,$((end + 1)),LE,*,INF,UNKN,IF" \
	"AREA:sb#c6dbef:Submit backlog (.ccm)" "AREA:eb#6baed6:Export backlog:STACK" \
	"AREA:ib#2171b5:Import backlog\\n:STACK" \
	"AREA:run#ffcc0070:ccmc_und_remediate ran (stop, quarantine, start)\\n" \
	"LINE3:iu#d7301f:Import .und files" "LINE3:eu#fc8d59:Export .und files\\n:dashes" \
	"LINE2:ias#7f0000:oldest .und in Import (seconds, right)" \
	"LINE2:eas#b35806:oldest .und in Export (seconds, right)\\n:dashes" \
	"VRULE:$begin#000000" \
	"PRINT:iu:MAX:import_und %.0lf" "PRINT:eu:MAX:export_und %.0lf" \
	"PRINT:ia:MAX:import_und_age %.0lf" "PRINT:eb:MAX:export_backlog %.0lf" \
	"PRINT:ib:MAX:import_backlog %.0lf" "PRINT:sb:MAX:submit_backlog %.0lf"
