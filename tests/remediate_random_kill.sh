#!/bin/bash
# The handler killed at random instants, as Nagios kills an event handler's
# process group at its time-out: a run in its own process group, SIGKILL to
# the whole group after a random delay, then a normal run. After each round
# every original's bytes are exactly once in the store or the quarantine,
# each quarantined file has one manifest line whose size and hash match, no
# temp copy is left and the connector runs. Same file system, across file
# systems and smb://, with names that begin with ".ccmc-". Rounds are
# bounded: ROUNDS (default 16) local, ROUNDS / 2 over smb://.
. "$top_srcdir/tests/smbd_lib.sh"
. "$top_srcdir/tests/smbstore_lib.sh"

cross_fs_dir
ROUNDS=${ROUNDS:-16}
NAMES=(a.und B.UND .ccmc-keep.und .ccmc-12345678-0.und 'sp ace.und' '50% é.und')

# populate: the files of a round in Import and Export.
populate() {
	local n
	for n in "${NAMES[@]}"; do und Import "$n"; done
	und Export "${NAMES[2]}"
	und Export x.und
}

# killed_run MAX_MS: the handler in a process group of its own, killed whole after 0 to MAX_MS ms.
killed_run() {
	local pid delay
	handler_opts
	setsid "$HANDLER" "${HOPTS[@]}" --force >/dev/null 2>&1 &
	pid=$!
	delay=$((RANDOM % $1))
	read -r -t "$(printf "%d.%03d" $((delay / 1000)) $((delay % 1000)))" <> <(:) || true
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	KILLED=$?
	KILLED_AT=$delay
}

# rounds LABEL N MAX_MS SETUP: N rounds, each killed within MAX_MS ms of its start.
rounds() {
	local label=$1 n=$2 max=$3 setup=$4 i bad=0 first="" cut=0
	for i in $(seq "$n"); do
		$setup
		killed_run "$max"
		[ "$KILLED" -eq 137 ] && cut=$((cut + 1))
		handler --force
		kill_verdict -
		if [ -n "$WHY" ]; then
			bad=$((bad + 1))
			[ -z "$first" ] && first="round $i, killed at ${KILLED_AT} ms:$WHY"
		fi
	done
	is "$bad" 0 "$label: $n rounds killed at random instants ($cut before they ended), nothing lost, doubled or left behind${first:+ ($first)}"
}

same_setup() {
	fresh
	populate
}
cross_setup() {
	fresh "$XFS/q"
	populate
}
smb_setup() {
	FOLDERS=(-R "$URL" -A "$A")
	fresh_smb
	populate
	served
}

FOLDERS=()
rounds "same fs" "$ROUNDS" 150 same_setup
rounds "across file systems" "$ROUNDS" 150 cross_setup
rounds "smb://" $((ROUNDS / 2)) 500 smb_setup

done_testing
