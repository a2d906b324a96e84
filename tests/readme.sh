#!/bin/bash
# The README's first Quick start command, read from the README and run as
# written in a fresh clone of the committed HEAD, must tell make demo's
# story: CRITICAL, the handler, then OK. (CI runs the second command.)
. "$top_srcdir/tests/lib.sh"

README="$top_srcdir/README.md"
command -v git >/dev/null || { echo "Bail out! git is missing"; exit 1; }
# A dist tarball unpacked inside a checkout (make distcheck) is not the checkout.
top=$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)
[ -n "$top" ] && [ "$top" -ef "$top_srcdir" ] ||
	skip_all "$top_srcdir is not a git checkout (a dist tarball): nothing to clone"

# The first line of the first code block under "## Quick start", without its comment.
cmd=$(awk '/^## Quick start/ { q = 1; next } q && /^## / { exit }
	q && /^```/ { if (b) exit; b = 1; next } b { print; exit }' "$README" | sed 's/[[:space:]]*#.*$//')
is "$cmd" "./bootstrap && make demo" "the README's first Quick start command is the demo"

git clone -q "$top_srcdir" "$T/clone" 2>"$T/clone.err"
ok $? "a fresh clone of HEAD ($(git -C "$top_srcdir" rev-parse --short HEAD))"
# Run exactly what the README says, with the shell a reader would use.
(cd "$T/clone" && TMPDIR="$T" sh -c "$cmd") >"$T/out" 2>&1
rc=$?
is "$rc" 0 "'$cmd' succeeds in the clone"
[ "$rc" = 0 ] || tail -n 30 "$T/out" | sed 's/^/# /'
OUT=$(cat "$T/out")
like "$OUT" "CCMC_UND CRITICAL - 1 .und file: Import 1" "make demo shows the CRITICAL"
like "$OUT" "REMEDIATED: moved 1 .und file (Import 1)" "then the handler's remediation"
like "$OUT" "CCMC_UND OK - no .und files" "then OK"
order=$(printf '%s\n' "$OUT" | grep -oE 'CCMC_UND (CRITICAL|OK)|REMEDIATED' | tr '\n' ' ')
is "$order" "CCMC_UND CRITICAL REMEDIATED CCMC_UND OK " "in that order"
like "$OUT" "identical to the file that was rejected" "and the quarantined file is intact"

done_testing
