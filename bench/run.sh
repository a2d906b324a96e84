#!/bin/bash
# make bench: the plugin against the floor program and GNU find, in one run,
# alternating, as ratios of medians. Results go to stdout as Markdown.
# Usage: run.sh BUILDDIR   (BENCH_DIR: where fixtures go, default /var/tmp;
#                           BENCH_RUNS: rounds, default 11; BENCH_BIG: entries for RSS, default 1000000)
set -euo pipefail
build=$1
plugin="$build/plugin/check_ccmc_und"
floor="$build/bench/floor"
timeit="$build/bench/timeit"
mkfiles="$build/tests/mkfiles"
runs=${BENCH_RUNS:-11}
big=${BENCH_BIG:-1000000}
find=$(command -v find)
W=$(mktemp -d "${BENCH_DIR:-/var/tmp}/ccmc-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

median() { awk -F'\t' -v l="$2" '$1 == l { print $2 }' "$1"; }
rss() { awk -F'\t' -v l="$2" '$1 == l { print $5 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "## make bench, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r)"
echo "Fixtures in $(findmnt -n -o FSTYPE --target "$W") at ${BENCH_DIR:-/var/tmp}; warm cache; $runs rounds, alternating; medians."

# --- 1. 200k entries: Import and Export of 100k each, 5% .und ----------------------
"$mkfiles" -u 5 "$W/Import" 100000
"$mkfiles" -u 5 "$W/Export" 100000
"$plugin" -d "$W/Import" -d "$W/Export" >/dev/null || true # warm the cache
"$timeit" "$runs" \
	plugin "$plugin" -d "$W/Import" -d "$W/Export" --no-backlog :: \
	floor "$floor" "$W/Import" "$W/Export" :: \
	find "$find" "$W/Import" "$W/Export" -maxdepth 1 -iname '*.und' -type f -printf '%T@ %s\n' :: \
	plugin_backlog "$plugin" -d "$W/Import" -d "$W/Export" :: \
	floor_ccm "$floor" -c "$W/Import" "$W/Export" >"$W/t1"
p=$(median "$W/t1" plugin) f=$(median "$W/t1" floor) fi=$(median "$W/t1" find)
pb=$(median "$W/t1" plugin_backlog) fc=$(median "$W/t1" floor_ccm)
echo
echo "### 200,000 entries (2 × 100k, 5% .und)"
echo
echo "| command | median ms |"
echo "| --- | --- |"
echo "| check_ccmc_und --no-backlog (stats the 10k .und) | $p |"
echo "| floor: getdents64 1 MiB + fstatat on .und | $f |"
echo "| find -maxdepth 1 -iname '*.und' -type f -printf | $fi |"
echo "| check_ccmc_und, default (also stats the 190k .ccm) | $pb |"
echo "| floor -c: also fstatat on .ccm | $fc |"
echo
echo "| ratio | value | target |"
echo "| --- | --- | --- |"
echo "| plugin / floor, same work (.und only) | $(ratio "$p" "$f") | ≤ 1.2 |"
echo "| find / plugin (.und only) | $(ratio "$fi" "$p") | ≥ 2.5 |"
echo "| plugin / floor -c, same work (.und + .ccm) | $(ratio "$pb" "$fc") | ≤ 1.2 |"
echo "| find / plugin default (plugin does 20× the stats) | $(ratio "$fi" "$pb") | |"

# --- 2. empty folders: the whole process, start-up included -------------------------
mkdir "$W/e1" "$W/e2"
spawn="$build/bench/spawncost"
"$timeit" $((runs * 5)) \
	plugin "$plugin" -d "$W/e1" -d "$W/e2" :: \
	dynamic "$build/bench/check_ccmc_und_dynamic" -d "$W/e1" -d "$W/e2" :: \
	floor "$floor" "$W/e1" "$W/e2" :: \
	none "$spawn" none :: fork "$spawn" fork :: clonevm "$spawn" clonevm >"$W/t2"
p=$(median "$W/t2" plugin) f=$(median "$W/t2" floor) pd=$(median "$W/t2" dynamic)
linked=$(file -b "$plugin" | grep -o 'statically linked' || echo 'dynamically linked')
sn=$(median "$W/t2" none) sf=$(median "$W/t2" fork) sc=$(median "$W/t2" clonevm)
echo
echo "### Empty folders, whole process ($((runs * 5)) rounds)"
echo
echo "| command | median ms |"
echo "| --- | --- |"
echo "| check_ccmc_und -d e1 -d e2, as built ($linked) | $p |"
echo "| the same plugin linked dynamically | $pd |"
echo "| floor e1 e2 (dynamically linked) | $f |"
echo "| ratio plugin as built / floor (target ≤ 1.5) | $(ratio "$p" "$f") |"
echo "| ratio dynamic plugin / floor | $(ratio "$pd" "$f") |"
echo
echo "What the scan's child process costs (bench/spawncost, same run):"
echo
echo "| program | median ms |"
echo "| --- | --- |"
echo "| exits at once | $sn |"
echo "| fork() and wait | $sf |"
echo "| clone(CLONE_VM) and wait | $sc |"

# --- 3. memory: peak RSS at 1k and at $big entries ----------------------------------
"$mkfiles" -u 5 "$W/small" 1000
"$mkfiles" -u 5 "$W/big" "$big"
"$timeit" 3 small "$plugin" -d "$W/small" --list 1000 :: big "$plugin" -d "$W/big" --list 1000 >"$W/t3"
s=$(rss "$W/t3" small) b=$(rss "$W/t3" big)
echo
echo "### Peak RSS (plugin and its scan process, --list 1000)"
echo
echo "| entries | peak RSS KiB |"
echo "| --- | --- |"
echo "| 1,000 | $s |"
echo "| $big | $b |"
echo "| growth (target ≤ 1024 KiB) | $((b - s)) |"
