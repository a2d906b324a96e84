#!/bin/sh
# make demo: check_ccmc_und on a copy of the bundled connector store.
# Usage: demo.sh SRCDIR BUILDDIR
set -eu
src=$1
build=$2
plugin="$build/plugin/check_ccmc_und"
work=$(mktemp -d "${TMPDIR:-/tmp}/ccmc-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

cp -R "$src/examples/ccmcdata" "$work/Ccmcdata"
chmod -R u+w "$work/Ccmcdata"
now=$(date +%s)
grep -v '^#' "$src/examples/demo-ages.txt" | while read -r age file; do
	touch -d "@$((now - age))" "$work/Ccmcdata/$file"
done

say() { printf '\n== %s\n' "$*"; }
check() {
	printf '$ check_ccmc_und %s\n' "$*"
	rc=0
	"$plugin" "$@" || rc=$?
	printf '(exit status %d)\n' "$rc"
}

say "A connector store with two .und files in Export and one in Import."
say "The connector has stopped delivering; the plugin says so, CRITICAL:"
check -R "$work/Ccmcdata"
say "With -v, a line per folder, the backlog of .ccm messages included:"
check -R "$work/Ccmcdata" -v
say "Thresholds on age instead: warn on any file, critical once the oldest is 4 hours old:"
check -R "$work/Ccmcdata" -c '~:' -w 0 -C 4h
say "After the .und files are moved somewhere safe, the store is OK again:"
mkdir "$work/quarantine"
find "$work/Ccmcdata" -maxdepth 2 -type f -iname '*.und' -exec mv {} "$work/quarantine/" \;
check -R "$work/Ccmcdata"
