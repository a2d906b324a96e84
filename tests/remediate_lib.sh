# Shared by the event handler tests: a store, a fake connector, a quarantine,
# a state dir, and checks that no .und file was lost or doubled.
# shellcheck shell=bash
. "$top_srcdir/tests/lib.sh"

HANDLER="$top_builddir/eventhandler/ccmc_und_remediate"
FAKE="$top_srcdir/tests/fake_connector"

# fresh [QUARANTINE]: a new store S with Import, Export and Submit, a
# running connector in C, quarantine Q (default $T/q) and state dir SD.
fresh() {
	rm -rf "$T/s" "$T/c" "$T/st" "$T/q"
	[ -n "${Q:-}" ] && [ "$Q" != "$T/q" ] && rm -rf "${Q:?}"/*
	S=$(store s)
	C="$T/c"
	mkdir "$C"
	echo running >"$C/state"
	Q=${1:-$T/q}
	SD="$T/st"
	ORIG="$T/orig.sha"
	: >"$ORIG"
}

# und FOLDER NAME: a .und file with unique content; its hash is remembered.
und() {
	printf 'NDR for %s/%s %s\n' "$1" "$2" "$RANDOM$RANDOM" >"$S/$1/$2"
	head -c $((RANDOM % 3000)) /dev/urandom >>"$S/$1/$2"
	sha256sum <"$S/$1/$2" | cut -d' ' -f1 >>"$ORIG"
}

# The options naming the store (or the folders in the array FOLDERS, when
# set), quarantine, state dir and fake connector (FAKE, or tests/fakesvc
# when SILENT_CONNECTOR is set).
handler_opts() {
	local f=$FAKE
	[ -n "${SILENT_CONNECTOR:-}" ] && f="$top_builddir/tests/fakesvc"
	local where=(-R "$S")
	[ -n "${FOLDERS[*]:-}" ] && where=("${FOLDERS[@]}")
	HOPTS=("${where[@]}" -Q "$Q" --state-dir "$SD"
		--stop-cmd "'$f' '$C' stop" --start-cmd "'$f' '$C' start"
		--status-cmd "'$f' '$C' status")
}

# handler ARGS...: runs the handler; sets OUT, RC and FIRST.
handler() {
	handler_opts
	OUT=$("$HANDLER" "${HOPTS[@]}" "$@" 2>&1)
	RC=$?
	FIRST=${OUT%%$'\n'*}
}

# The hashes of every .und file, with or without a ~N suffix, in the store
# and the quarantine, one per line, sorted.
present() {
	find "$S/Import" "$S/Export" "$Q" -type f \( -iname '*.und' -o -iname '*.und~[0-9]*' \) ! -name .und \
		-exec sha256sum {} + 2>/dev/null | cut -d' ' -f1 | sort
}

# no_loss DESC: each original .und file exists exactly once, byte-identical.
no_loss() {
	local want got
	want=$(sort "$ORIG")
	got=$(present)
	is "$got" "$want" "$1: every .und file exists exactly once, byte-identical"
}

# leftovers: temp copies anywhere in the quarantine.
leftovers() {
	find "$Q" -name '.ccmc-*.tmp' 2>/dev/null | wc -l
}

connector_state() {
	if [ -n "${SILENT_CONNECTOR:-}" ]; then
		[ -d "$C/stopped" ] && echo stopped || echo running
	else
		cat "$C/state"
	fi
}

# calls: the connector commands run so far, on one line.
calls() {
	{ tr '\n' ' ' <"$C/calls"; } 2>/dev/null | sed 's/ $//'
}

# run_folder: the one run folder in the quarantine.
run_folder() {
	find "$Q" -mindepth 1 -maxdepth 1 -type d | head -n 1
}

# manifest_sums: "sha256 path" for each manifest line, checked against the file's bytes.
manifest_check() {
	local mf bad=0 n=0 ts folder name size mtime sha path
	for mf in "$Q"/*/manifest.tsv; do
		while IFS=$'\t' read -r ts folder name size mtime sha path; do
			case $ts in '#'*) continue ;; esac
			n=$((n + 1))
			[ "$(sha256sum <"$Q/$path" | cut -d' ' -f1)" = "$sha" ] || bad=$((bad + 1))
			[ "$(stat -c %s "$Q/$path")" = "$size" ] || bad=$((bad + 1))
			grep -qx "$sha" "$ORIG" || bad=$((bad + 1))
		done <"$mf"
	done
	MANIFEST_LINES=$n
	MANIFEST_BAD=$bad
}

# tmpfs_at DIR [SIZE]: mounts a private tmpfs (as root); false otherwise.
tmpfs_at() {
	mkdir -p "$1"
	[ "$(id -u)" -eq 0 ] && mount -t tmpfs -o "size=${2:-64m},mode=0700" ccmc-test "$1"
}
MOUNTS=()
cleanup_mounts() {
	local m
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
	cleanup
}
trap cleanup_mounts EXIT

# cross_fs_dir: a folder on a tmpfs, another file system than the store's.
cross_fs_dir() {
	if tmpfs_at "$T/xfs"; then
		MOUNTS+=("$T/xfs")
		XFS="$T/xfs"
	elif [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && XFS=$(mktemp -d /dev/shm/ccmc-test.XXXXXX); then
		EXTRA_CLEAN+=("$XFS")
	else
		echo "Bail out! no tmpfs for cross-file-system moves (run as root, or provide /dev/shm)"
		exit 1
	fi
}
EXTRA_CLEAN=()
cleanup_all() {
	local d
	for d in "${EXTRA_CLEAN[@]}"; do rm -rf "$d"; done
	cleanup_mounts
}
trap cleanup_all EXIT

# quarantined: the files in the quarantine but its manifests and fetched.tsv.
quarantined() {
	find "$Q" -type f ! -name manifest.tsv ! -name fetched.tsv | wc -l
}

# kill_verdict KILLED: after a run killed (exit KILLED; "-" when it may have ended first) and a
# normal run (RC, FIRST), WHY says
# what is wrong, or is empty: every file once, byte-identical, no temp copy, the connector
# running, exit 0, each quarantined file with its manifest line.
kill_verdict() {
	WHY=""
	[ "$1" = - ] || [ "$1" -eq 137 ] || WHY="$WHY the first run was not killed ($1);"
	[ "$(present)" = "$(sort "$ORIG")" ] || WHY="$WHY files lost or doubled;"
	[ "$(leftovers)" -eq 0 ] || WHY="$WHY temp copies left;"
	[ "$(connector_state)" = running ] || WHY="$WHY connector $(connector_state);"
	[ "$RC" -eq 0 ] || WHY="$WHY second run exit $RC ($FIRST);"
	manifest_check
	[ "$MANIFEST_LINES" -eq "$(quarantined)" ] && [ "$MANIFEST_BAD" -eq 0 ] ||
		WHY="$WHY manifest has $MANIFEST_LINES lines ($MANIFEST_BAD bad) for $(quarantined) files;"
}

# --- strace helpers for the fault and regression tests -------------------------------------
F_WRITE=write,pwrite64,writev
F_RENAME=rename,renameat,renameat2,link,linkat
F_UNLINK=unlink,unlinkat
F_SYNC=fsync,fdatasync,syncfs,sync

# traced FAMILY ARGS...: runs the handler under strace, tracing FAMILY with -y
# into $T/trace, and sets RC.
traced() {
	local fam=$1
	shift
	local f=()
	[ -n "${SILENT_CONNECTOR:-}" ] && f=(-f)
	handler_opts
	"$STRACE" "${f[@]}" -qq -y -o "$T/trace" -e trace="$fam" "$HANDLER" "${HOPTS[@]}" "$@" >"$T/out" 2>&1
	RC=$?
}

# calls_of [SYSCALL]: the traced calls (of SYSCALL), without strace's pid prefix.
calls_of() {
	sed -E 's/^[0-9]+ +//' "$T/trace" | grep -E "^${1:-[a-z0-9_]+}\("
}

# call_index PATTERN: the number of the first traced call matching PATTERN.
call_index() {
	calls_of | grep -n -m 1 -- "$1" | cut -d: -f1
}

# injected STRACE_INJECT ARGS...: runs the handler with one injection; sets OUT, RC, FIRST.
# With SILENT_CONNECTOR, threads and children are traced too (-f).
injected() {
	local inj=$1 f=()
	shift
	[ -n "${SILENT_CONNECTOR:-}" ] && f=(-f)
	handler_opts
	OUT=$("$STRACE" "${f[@]}" -qq -o /dev/null -e inject="$inj" "$HANDLER" "${HOPTS[@]}" "$@" 2>&1)
	RC=$?
	FIRST=${OUT%%$'\n'*}
}

# need_root_strace: the fault tests trace with strace (where LeakSanitizer cannot run) and
# mount tmpfs; they bail out, visibly, without either.
need_root_strace() {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	[ -n "${STRACE:-}" ] && [ -x "$STRACE" ] ||
		{ echo "Bail out! strace is missing (apt-get install strace)"; exit 1; }
	[ "$(id -u)" -eq 0 ] ||
		{ echo "Bail out! these tests mount tmpfs and change owners: run them as root (CI does)"; exit 1; }
}
