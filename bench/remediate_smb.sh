#!/bin/bash
# make bench, part 5: the handler on an smb:// store (issue 13). 1,000 .und
# files of 1-64 KiB move from a private smbd's share on loopback to a local
# quarantine, against what a person would do with Samba's tools: smbclient
# 'mget *.und' into a folder, sync, and smbclient 'del *.und' (the same data
# moved and made durable, without the verification), alternating, as ratios
# of medians, with Samba's defaults (SMB3) and SMB1 only (NT1). Only the
# move is timed: the share is refilled and synced before each run.
# Usage: remediate_smb.sh BUILDDIR   (BENCH_SMB_MOVE_RUNS, default 5)
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_SMB_MOVE_RUNS:-5}
files=1000
handler="$build/eventhandler/ccmc_und_remediate"
export CCMC_UND_SMB_HELPER="$build/smb/ccmc_und_smb"
[ "$(id -u)" -eq 0 ] || { echo "bench/remediate_smb.sh: needs root to run smbd" >&2; exit 1; }
[ -x "$CCMC_UND_SMB_HELPER" ] || { echo "bench/remediate_smb.sh: no SMB helper (configure --with-smbclient)" >&2; exit 1; }
SMBC=$(command -v smbclient)
W=$(mktemp -d /var/tmp/ccmc-bench-smbmove.XXXXXX)
chmod 755 "$W"
pids=()
cleanup() { for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done; rm -rf "$W"; }
trap cleanup EXIT
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

# shellcheck source=../tests/smbd_lib.sh
. "$src/tests/smbd_lib.sh"
id exadmin >/dev/null 2>&1 || useradd -M exadmin
P1=$(smbd_port)
P2=$(smbd_port)
for s in "s1 $P1" "s2 $P2 server max protocol = NT1"; do
	read -r dir p extra <<<"$s"
	smbd_start "$W/$dir" "$p" "$extra" || { echo "bench/remediate_smb.sh: smbd did not start" >&2; exit 1; }
	pids+=("$(cat "$W/$dir/pid/smbd.pid")")
done
printf 'username = exadmin\npassword = Secr3t!\n' >"$W/auth"
chmod 600 "$W/auth"
mkdir -p "$W/template" "$W/c"
"$build/bench/mkund" "$W/template" "$files" 42 >/dev/null
bytes=$(du -sb "$W/template" | cut -f1)

# refill DIR: the share's Import holds the template again, on disk, the quarantine is empty.
refill() {
	rm -rf "$W/$1/share/store" "$W/q" "$W/st" "$W/got"
	mkdir -p "$W/$1/share/store/Export" "$W/got"
	cp -a "$W/template" "$W/$1/share/store/Import"
	chown -R exadmin "$W/$1/share/store"
	echo running >"$W/c/state"
	sync
}
# handler_run PORT PROTO: the handler's whole run, the connector a local stand-in.
handler_run() {
	local pl=()
	[ "$2" != - ] && pl=(--smb-protocol="$2")
	"$handler" -d "smb://127.0.0.1:$1/c\$/store/Import" -A "$W/auth" "${pl[@]}" -Q "$W/q" \
		--state-dir "$W/st" --stop-cmd "$src/tests/fake_connector $W/c stop" \
		--start-cmd "$src/tests/fake_connector $W/c start" \
		--status-cmd "$src/tests/fake_connector $W/c status" --force >"$W/out"
}
# tools_run PORT PROTO: mget, sync, del.
tools_run() {
	local m=()
	[ "$2" != - ] && m=(-m "$2" --option="client min protocol=$2")
	(cd "$W/got" && "$SMBC" "//127.0.0.1/c\$" -p "$1" -A "$W/auth" "${m[@]}" \
		-c 'cd store/Import; prompt off; mget *.und' >/dev/null 2>&1) &&
		sync &&
		"$SMBC" "//127.0.0.1/c\$" -p "$1" -A "$W/auth" "${m[@]}" -c 'cd store/Import; del *.und' >/dev/null 2>&1
}
moved_all() { [ -z "$(find "$W/$1/share/store/Import" -type f)" ] && [ "$(find "$2" -type f -name '*.und' | wc -l)" -eq "$files" ]; }

for s in "s1 $P1 - smb3" "s2 $P2 NT1 nt1"; do
	read -r dir p proto tag <<<"$s"
	: >"$W/h_$tag"
	: >"$W/t_$tag"
	for _ in $(seq "$runs"); do
		refill "$dir"
		t0=$(date +%s%N)
		handler_run "$p" "$proto"
		ms "$t0" >>"$W/h_$tag"
		moved_all "$dir" "$W/q" || { echo "bench/remediate_smb.sh: the handler did not move every file: $(head -c 300 "$W/out")" >&2; exit 1; }
		refill "$dir"
		t0=$(date +%s%N)
		tools_run "$p" "$proto"
		ms "$t0" >>"$W/t_$tag"
		moved_all "$dir" "$W/got" || { echo "bench/remediate_smb.sh: smbclient did not move every file" >&2; exit 1; }
	done
done

echo
echo "### The handler on an smb:// store: $files .und files of 1-64 KiB ($((bytes / 1024)) KiB), loopback smbd (Samba $(smbd -V | awk '{ print $2 }'))"
echo
echo "$runs rounds, alternating; medians in ms of the whole run. Tools: smbclient 'mget *.und',"
echo "sync, smbclient 'del *.und'."
echo
echo "| server | ccmc_und_remediate | mget + sync + del | handler / tools |"
echo "| --- | --- | --- | --- |"
for tag in smb3 nt1; do
	h=$(median <"$W/h_$tag") t=$(median <"$W/t_$tag")
	name=$([ $tag = smb3 ] && echo "Samba's defaults (SMB3)" || echo "SMB1 only (\`--smb-protocol=NT1\`)")
	echo "| $name | $h | $t | $(ratio "$h" "$t") |"
done
echo
echo "Target: handler / tools ≤ 1.3."
