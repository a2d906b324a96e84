#!/bin/bash
# make graph draws make demo's story with rrdtool: a real PNG of the size
# asked, drawn from series that hold the stall (a .und file in Import, aging,
# messages held in Export) and the handler's run; and the copy shown in the
# README is such an image.
. "$top_srcdir/tests/lib.sh"

for p in rrdtool file; do
	command -v "$p" >/dev/null || { echo "Bail out! $p is missing (apt-get install rrdtool file)"; exit 1; }
done

# A temp dir with ':' in its name, which rrdtool would read as a separator.
W="$T/tmp:dir"
mkdir "$W"
out=$(TMPDIR=$W sh "$top_srcdir/examples/graph.sh" "$top_srcdir" "$top_builddir" "$T/demo.png" 2>&1)
is "$?" 0 "graph.sh runs the demo with its recorder and draws it"
is "$(printf '%s\n' "$out" | head -n 1)" 900x420 "rrdtool drew a 900x420 image"
like "$(file -b "$T/demo.png")" "PNG image data, 900 x 420" "the file is a PNG of that size"
is "$([ "$(stat -c %s "$T/demo.png")" -gt 20000 ] && echo big)" big "and not a blank one (over 20 kB)"
value() { printf '%s\n' "$out" | sed -n "s/^$1 //p"; }
is "$(value import_und)" 1 "the series hold the .und file in Import"
ok "$([ "$(value import_und_age)" -ge 4 ] && echo 0 || echo 1)" \
	"... and its age, in seconds, growing through the stall ($(value import_und_age) s)"
ok "$([ "$(value export_backlog)" -ge 2 ] && echo 0 || echo 1)" \
	"... and the messages held in Export ($(value export_backlog))"
is "$(value export_und)" 0 "no .und file in Export"
like "$(file -b "$top_srcdir/docs/demo-graph.png")" "PNG image data, 900 x 420" \
	"docs/demo-graph.png, which the README shows, is such an image (make graph remakes it)"
grep -q '(docs/demo-graph.png)' "$top_srcdir/README.md"
ok $? "the README shows it"
is "$(ls -A "$W")" "" "graph.sh and the demo leave no temp dir behind"

# Stopped while the demo runs: the demo and its processes stop, and nothing is left.
K="$T/killed"
mkdir "$K"
TMPDIR=$K sh "$top_srcdir/examples/graph.sh" "$top_srcdir" "$top_builddir" "$T/killed.png" \
	>/dev/null 2>&1 &
G=$!
recording() { ls "$K"/ccmc-graph.*/record >/dev/null 2>&1; }
until_ok 30 recording
ok $? "graph.sh's demo is recording"
kill -TERM "$G"
wait "$G"
is "$?" 1 "graph.sh, stopped by SIGTERM, exits 1"
is "$(ls -A "$K")" "" "... and leaves no temp dir"
left=$(ps -eo args | grep -F "$K/" | grep -vc grep)
is "$left" 0 "... and no process of the demo's"
ok "$([ ! -e "$T/killed.png" ] && echo 0 || echo 1)" "... and no image"

done_testing
