#!/bin/bash
# make bench, part 2: the event handler moving 10,000 .und files of 1-64 KiB,
# against mv on one file system and cp -a + sync + rm across two, in the same
# run, alternating, as ratios of medians. On one file system the handler
# also stops and starts a stand-in connector (tests/fake_connector), and the
# connector's outage (from its stop to its start) is set against the same
# stop, status, mv and start run by hand, with the same connector.
# Usage: remediate.sh BUILDDIR   (BENCH_DIR, default /var/tmp; BENCH_MOVE_RUNS, default 5;
#                                 BENCH_MOVE_FILES, default 10000; BENCH_MOVE_CROSS=0 skips the
#                                 cross-file-system half, which spends most of its time in sync)
set -euo pipefail
build=$1
handler="$build/eventhandler/ccmc_und_remediate"
mkund="$build/bench/mkund"
runs=${BENCH_MOVE_RUNS:-5}
files=${BENCH_MOVE_FILES:-10000}
W=$(mktemp -d "${BENCH_DIR:-/var/tmp}/ccmc-bench-move.XXXXXX")
mounted=
cleanup() {
	[ -n "$mounted" ] && umount "$mounted"
	rm -rf "$W"
}
trap cleanup EXIT

# The "share": a tmpfs, another file system than the quarantine's disk.
mkdir "$W/share"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=2g ccmc-bench "$W/share"; then
	mounted="$W/share"
else
	echo "make bench: the cross-file-system part needs root to mount a tmpfs" >&2
	exit 1
fi

ms() { date +%s%N; }
elapsed() { echo $((($(ms) - $1) / 1000000)); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# fixture SRC: fresh files in SRC/Import, everything else flushed.
fixture() {
	rm -rf "$1/Import" "$W/q" "$W/state" "$W/dst"
	mkdir -p "$1"
	"$mkund" "$1/Import" "$files" 42
	mkdir "$W/dst"
	sync
}

handler_run() {
	"$handler" -d "$1/Import" -Q "$W/q" --state-dir "$W/state" --stop-cmd /bin/true \
		--start-cmd /bin/true --status-cmd "/bin/echo stopped" --force >"$W/out"
	grep -q "moved $files .und files" "$W/out" || { cat "$W/out" >&2; exit 1; }
}

# The stand-in connector writes "EPOCHREALTIME verb" per call into $W/c/times.
conn=$(cd "$(dirname "$0")/../tests" && pwd)/fake_connector
conn_reset() { rm -rf "$W/c"; mkdir "$W/c"; }
outage() { awk '$2 == "stop" { s = $1 } $2 == "start" { e = $1 } END { printf "%d\n", (e - s) * 1000 }' "$W/c/times"; }

handler_stopping() {
	conn_reset
	"$handler" -d "$1/Import" -Q "$W/q" --state-dir "$W/state" --stop-cmd "$conn $W/c stop" \
		--start-cmd "$conn $W/c start" --status-cmd "$conn $W/c status" --force >"$W/out"
	grep -q "moved $files .und files" "$W/out" || { cat "$W/out" >&2; exit 1; }
}

# What an admin would run by hand: stop, confirm, mv, start, confirm.
by_hand() {
	conn_reset
	"$conn" "$W/c" stop >/dev/null
	"$conn" "$W/c" status | grep -q stopped
	mv "$1/Import/"*.und "$W/dst/"
	"$conn" "$W/c" start >/dev/null
	"$conn" "$W/c" status | grep -q running
}

bytes=$(
	"$mkund" "$W/sizes" "$files" 42
	du -sb "$W/sizes" | cut -f1
	rm -rf "$W/sizes"
)
: >"$W/t_mv" >"$W/t_hs" >"$W/t_cp" >"$W/t_hx" >"$W/o_hand" >"$W/o_hs"
for _ in $(seq "$runs"); do
	fixture "$W/disk"
	t=$(ms); mv "$W/disk/Import/"*.und "$W/dst/"; elapsed "$t" >>"$W/t_mv"
	fixture "$W/disk"
	t=$(ms); handler_run "$W/disk"; elapsed "$t" >>"$W/t_hs"
	fixture "$W/disk"
	by_hand "$W/disk"; outage >>"$W/o_hand"
	fixture "$W/disk"
	handler_stopping "$W/disk"; outage >>"$W/o_hs"
	[ "${BENCH_MOVE_CROSS:-1}" = 0 ] && continue
	fixture "$W/share"
	t=$(ms); cp -a "$W/share/Import/"*.und "$W/dst/" && sync && rm "$W/share/Import/"*.und; elapsed "$t" >>"$W/t_cp"
	fixture "$W/share"
	t=$(ms); handler_run "$W/share"; elapsed "$t" >>"$W/t_hx"
done
mv_ms=$(median <"$W/t_mv") hs=$(median <"$W/t_hs") cp_ms=$(median <"$W/t_cp") hx=$(median <"$W/t_hx")
oh=$(median <"$W/o_hand") os=$(median <"$W/o_hs")
echo "# per round, ms: mv $(tr '\n' ' ' <"$W/t_mv")| handler $(tr '\n' ' ' <"$W/t_hs")| cp $(tr '\n' ' ' <"$W/t_cp")| handler $(tr '\n' ' ' <"$W/t_hx")" >&2
echo "# outage per round, ms: by hand $(tr '\n' ' ' <"$W/o_hand")| handler $(tr '\n' ' ' <"$W/o_hs")" >&2

echo
echo "### The event handler: $files .und files of 1-64 KiB ($((bytes / 1048576)) MiB)"
echo
echo "Disk: $(findmnt -n -o FSTYPE --target "$W") at ${BENCH_DIR:-/var/tmp}; the \"share\" is a tmpfs. $runs rounds, alternating; medians; \`sync\` before each."
echo
echo "| command | median ms |"
echo "| --- | --- |"
echo "| \`mv Import/*.und dst/\` (disk to disk; no fsync) | $mv_ms |"
echo "| ccmc_und_remediate, same file system (rename no-replace, fsync both folders; hash and manifest) | $hs |"
echo "| connector outage, by hand (stop, status, \`mv\`, start) | $oh |"
echo "| connector outage, ccmc_und_remediate (stop, status, renames, fsync, start; hashing after) | $os |"
echo "| \`cp -a share/*.und dst/ && sync && rm share/*.und\` | $cp_ms |"
echo "| ccmc_und_remediate, share to disk (copy, syncfs per batch, re-read and verify SHA-256, rename, fsync, unlink) | $hx |"
echo
echo "| ratio | value | target |"
echo "| --- | --- | --- |"
echo "| handler / mv, same file system, whole run | $(ratio "$hs" "$mv_ms") | |"
echo "| connector outage, handler / by hand, same file system | $(ratio "$os" "$oh") | ≤ 1.2 |"
echo "| handler / cp -a + sync + rm, across file systems | $(ratio "$hx" "$cp_ms") | ≤ 1.2 |"
