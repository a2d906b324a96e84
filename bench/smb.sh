#!/bin/bash
# make bench, part 4: smb:// stores on a private smbd on loopback (Samba's
# defaults, and one that speaks only SMB1), against the floor of a listing
# over SMB (smbclient -c ls of the same folder) and against a listing with a
# stat per file (bench/smbstat), in the same run, alternating, as ratios of
# medians; peak RSS from 1k to 100k entries, SMB3 and NT1, and the bytes an
# entry costs; the subagent's kept logon against a logon per scan; and what
# the helper's start costs. Needs root (smbd, a user for the share).
# Usage: smb.sh BUILDDIR   (BENCH_SMB_RUNS, default 11)
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_SMB_RUNS:-11}
timeit="$build/bench/timeit"
plugin="$build/plugin/check_ccmc_und"
helper="$build/smb/ccmc_und_smb"
export CCMC_UND_SMB_HELPER="$helper"
[ "$(id -u)" -eq 0 ] || { echo "bench/smb.sh: needs root to run smbd" >&2; exit 1; }
[ -x "$helper" ] || { echo "bench/smb.sh: no SMB helper (configure --with-smbclient)" >&2; exit 1; }
W=$(mktemp -d /var/tmp/ccmc-bench-smb.XXXXXX)
chmod 755 "$W" # smbd reads the share as the share's user
pids=()
cleanup() { for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done; rm -rf "$W"; }
trap cleanup EXIT
port() { smbd_port; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
col() { awk -F'\t' -v l="$2" -v c="$3" '$1 == l { print $c }' "$1"; }

# shellcheck source=../tests/smbd_lib.sh
. "$src/tests/smbd_lib.sh"
server() { # DIR PORT EXTRA
	smbd_start "$@" || { echo "bench/smb.sh: smbd did not start" >&2; exit 1; }
	pids+=("$(cat "$1/pid/smbd.pid")")
}

id exadmin >/dev/null 2>&1 || useradd -M exadmin
P1=$(port)
P2=$(port)
# Both servers serve the same folder: the SMB1 one through a link to the share's root.
mkdir -p "$W/s1/share" "$W/s2"
ln -s "$W/s1/share" "$W/s2/share"
server "$W/s1" "$P1" ""
server "$W/s2" "$P2" "server max protocol = NT1"
printf 'username = exadmin\npassword = Secr3t!\n' >"$W/auth"
chmod 600 "$W/auth"
for n in 1000 10000 100000; do
	"$build/tests/mkfiles" "$W/s1/share/f$n" "$n" >/dev/null
done

# listing RUNS PORT LABEL PROTO-ARGS...: plugin, smbclient ls, smbstat on f10000 of server PORT.
listing() {
	local p=$1 tag=$2 proto=$3 smbc=() pl=()
	[ "$proto" != - ] && smbc=(-m "$proto" --option="client min protocol=$proto") && pl=(--smb-protocol="$proto")
	"$timeit" "$runs" \
		plugin "$plugin" -d "smb://127.0.0.1:$p/c\$/f10000" -A "$W/auth" "${pl[@]}" -w 1000000 -c 1000000 :: \
		ls "$(command -v smbclient)" "//127.0.0.1/c\$" -p "$p" -A "$W/auth" "${smbc[@]}" -c "cd f10000; ls" :: \
		stat "$build/bench/smbstat" "$W/auth" "$proto" "smb://127.0.0.1:$p/c\$/f10000" >"$W/t_$tag"
}
# Each command must list the folder, or its time means nothing.
for pp in "$P1 -" "$P2 NT1"; do
	read -r p proto <<<"$pp"
	pl=() smbc=()
	[ "$proto" != - ] && pl=(--smb-protocol="$proto") && smbc=(-m "$proto" --option="client min protocol=$proto")
	"$plugin" -d "smb://127.0.0.1:$p/c\$/f10000" -A "$W/auth" "${pl[@]}" -w 1000000 -c 1000000 |
		grep -q "^CCMC_UND OK - 500 .und files" ||
		{ echo "bench/smb.sh: the plugin could not list the folder on port $p" >&2; exit 1; }
	"$build/bench/smbstat" "$W/auth" "$proto" "smb://127.0.0.1:$p/c\$/f10000" | grep -q "^10000 files" ||
		{ echo "bench/smb.sh: smbstat could not stat the files on port $p" >&2; exit 1; }
	[ "$(smbclient "//127.0.0.1/c\$" -p "$p" -A "$W/auth" "${smbc[@]}" -c "cd f10000; ls" 2>/dev/null | grep -c ' A \| N ')" -ge 10000 ] ||
		{ echo "bench/smb.sh: smbclient could not list the folder on port $p" >&2; exit 1; }
done
listing "$P1" smb3 -
listing "$P2" nt1 NT1

# Peak RSS: the plugin (with its probe child) and the helper alone, by folder size, SMB3 and NT1.
for n in 1000 10000 100000; do
	"$timeit" 3 plugin "$plugin" -d "smb://127.0.0.1:$P1/c\$/f$n" -A "$W/auth" -w 1000000 -c 1000000 :: \
		helper "$helper" -A "$W/auth" d "smb://127.0.0.1:$P1/c\$/f$n" :: \
		plugin_nt1 "$plugin" -d "smb://127.0.0.1:$P2/c\$/f$n" -A "$W/auth" --smb-protocol=NT1 -w 1000000 -c 1000000 :: \
		helper_nt1 "$helper" -A "$W/auth" -P NT1 d "smb://127.0.0.1:$P2/c\$/f$n" >"$W/r_$n"
done

# The subagent's kept logon against a logon per scan: 20 scans each of f1000.
"$timeit" 3 kept /usr/bin/perl "$src/tests/smbdrive.pl" 20 0 /bin/true "$helper" -S -A "$W/auth" d "smb://127.0.0.1:$P1/c\$/f1000" :: \
	logon /bin/sh -c 'for i in $(seq 20); do "$0" -A "$1" d "$2" >/dev/null; done' "$helper" "$W/auth" "smb://127.0.0.1:$P1/c\$/f1000" >"$W/t_keep"

# What starting the helper costs (it exits at once on a usage error, libsmbclient and its
# libraries loaded), and a local check, which runs no helper.
mkdir -p "$W/local/Import"
"$timeit" 21 helper_exec /bin/sh -c '"$0" 2>/dev/null; exit 0' "$helper" :: \
	local_check "$plugin" -d "$W/local/Import" >"$W/t_load"

echo
echo "### smb:// stores: 10,000 entries in one folder, loopback smbd (Samba $(smbd -V | awk '{ print $2 }'))"
echo
echo "$runs rounds, alternating; medians in ms. \`ls\` is \`smbclient -c 'cd f10000; ls'\`, the floor"
echo "of a listing over SMB; \`stat\` is bench/smbstat, a listing and an \`smbc_stat\` per file."
echo
echo "| server | check_ccmc_und | smbclient ls | listing + stat per file | plugin / ls | stat / plugin |"
echo "| --- | --- | --- | --- | --- | --- |"
for tag in smb3 nt1; do
	pl=$(col "$W/t_$tag" plugin 2) ls=$(col "$W/t_$tag" ls 2) st=$(col "$W/t_$tag" stat 2)
	name=$([ $tag = smb3 ] && echo "Samba's defaults (SMB3)" || echo "SMB1 only (\`--smb-protocol=NT1\`)")
	echo "| $name | $pl | $ls | $st | $(ratio "$pl" "$ls") | $(ratio "$st" "$pl") |"
done
echo
echo "Targets: plugin / ls ≤ 1.3; stat / plugin ≥ 5."
echo
echo "Peak RSS (KB; maximum resident set of the process and the children it waited for):"
echo
echo "| entries | check_ccmc_und (with its probe and helper), SMB3 | the helper alone, SMB3 | check_ccmc_und, NT1 | the helper alone, NT1 |"
echo "| --- | --- | --- | --- | --- |"
for n in 1000 10000 100000; do
	echo "| $n | $(col "$W/r_$n" plugin 5) | $(col "$W/r_$n" helper 5) | $(col "$W/r_$n" plugin_nt1 5) | $(col "$W/r_$n" helper_nt1 5) |"
done
echo
per() { awk -v a="$(col "$W/r_1000" "$1" 5)" -v b="$(col "$W/r_100000" "$1" 5)" 'BEGIN { printf "%.0f", (b - a) * 1024 / 99000 }'; }
echo "The helper's growth from 1,000 to 100,000 entries: $(per helper) B an entry over SMB3,"
echo "$(per helper_nt1) B over SMB1 (libsmbclient's opendir holds the whole listing). Bound: 512 B."
echo
k=$(col "$W/t_keep" kept 2) l=$(col "$W/t_keep" logon 2)
echo "20 scans of a 1,000-entry folder: one logon kept (the subagent's serving helper) $k ms,"
echo "a logon and a helper per scan $l ms: $(ratio "$l" "$k") ×."
echo
he=$(col "$W/t_load" helper_exec 2) lc=$(col "$W/t_load" local_check 2)
echo "The helper's exec, libsmbclient loaded, $he ms; a local check, which runs no helper, $lc ms"
echo "(median of 21)."
