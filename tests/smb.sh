#!/bin/bash
# smb:// stores against Samba's smbd on loopback (two servers: Samba's
# defaults, and one that speaks only SMB1 as NT4 and Windows 2000 do),
# started here with a private configuration and stopped at the end: the
# verdict over SMB equals the local one on the same trees, and each failure
# is UNKNOWN, names the server and the step, and comes within -t + 1 s.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/smbd_lib.sh"

HELPER="$top_builddir/smb/ccmc_und_smb"
[ -x "$HELPER" ] || skip_all "built without --with-smbclient (no smb/ccmc_und_smb)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root to add the share's user and run smbd"
SMBD=$(command -v smbd || echo /usr/sbin/smbd)
export CCMC_UND_SMB_HELPER="$HELPER"
find /tmp -maxdepth 1 -name 'ccmc-und-smb.*' | sort >"$T/private.before"

free_port() { smbd_port; }

PIDS=()
stop_all() {
	for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	cleanup
}
trap stop_all EXIT

# server DIR PORT [EXTRA]: a private smbd (tests/smbd_lib.sh), stopped at the end.
server() {
	smbd_start "$@" || { echo "Bail out! smbd did not start on port $2"; exit 1; }
	PIDS+=("$(cat "$1/pid/smbd.pid")")
}

like "$("$HELPER" -V)" "ccmc_und_smb $(sed -n 's/^AC_INIT(\[ccmc-und\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac") (libsmbclient 4." \
	"ccmc_und_smb -V: its version and the libsmbclient it runs with"

id exadmin >/dev/null 2>&1 || useradd -M exadmin
P1=$(free_port)
P2=$(free_port)
server "$T/s1" "$P1"
server "$T/s2" "$P2" "server max protocol = NT1"
A="$T/auth"
printf 'username = exadmin\npassword = Secr3t!\ndomain = CORP\n' >"$A"
chmod 600 "$A"
ROOT1="$T/s1/share/Exchsrvr/Ccmcdata"
URL1="smb://127.0.0.1:$P1/c\$/Exchsrvr/Ccmcdata"

# The same tree through two more servers: one that speaks only SMB1, as NT4 and Windows 2000 do,
# and one that demands signing.
P4=$(free_port)
P5=$(free_port)
mkdir -p "$T/s4" "$T/s5"
ln -s "$T/s1/share" "$T/s4/share"
ln -s "$T/s1/share" "$T/s5/share"
server "$T/s4" "$P4" "server max protocol = NT1"
server "$T/s5" "$P5" "server signing = mandatory"
VIEWS=("smb://127.0.0.1:$P1/c\$/Exchsrvr/Ccmcdata" "SMB3"
	"smb://127.0.0.1:$P4/c\$/Exchsrvr/Ccmcdata --smb-protocol=NT1" "SMB1"
	"smb://127.0.0.1:$P5/c\$/Exchsrvr/Ccmcdata" "signing demanded")

# same_as_local DESC ARGS...: the plugin over smb:// says what it says through the local path,
# through each server of VIEWS.
same_as_local() {
	local desc=$1 local_out smb_out local_rc url proto
	shift
	run "${@//@S@/$ROOT1}"
	local_out=$(printf '%s\n' "$OUT" | sed "s|$ROOT1|@S@|g")
	local_rc=$RC
	for ((v = 0; v < ${#VIEWS[@]}; v += 2)); do
		read -r url proto <<<"${VIEWS[v]}"
		run -A "$A" $proto "${@//@S@/$url}"
		smb_out=$(printf '%s\n' "$OUT" | sed "s|$url|@S@|g")
		is "$RC" "$local_rc" "$desc (${VIEWS[v + 1]}): the same exit code ($local_rc)"
		is "$smb_out" "$local_out" "$desc (${VIEWS[v + 1]}): the same summary, perfdata and long output"
	done
}

tree() { rm -rf "$T/s1/share/Exchsrvr"; mkdir -p "$ROOT1"/{Import,Export,Submit}; }

tree
same_as_local "an empty store" -R @S@
mkf "$ROOT1/Import/a.und" 7200 100
mkf "$ROOT1/Import/B.UND" 60 2000
mkf "$ROOT1/Export/c.und" 30 5
mkdir "$ROOT1/Import/dir.und"
mkf "$ROOT1/Submit/m1.ccm" 4000 10
mkf "$ROOT1/Import/m2.CCM" 100 10
mkf "$ROOT1/Import/note.txt" 99999 10
same_as_local ".und in two folders, a directory named .und, a backlog" -R @S@
same_as_local "the same, -vv" -R @S@ -vv
same_as_local "thresholds on count and age" -R @S@ -w 5 -c 10 -W 30m -C 3h --backlog-age-warning 1h
same_as_local "--list 1" -R @S@ --list 1
mkf "$ROOT1/Export/future.und" -3600 1
same_as_local "a future mtime (skew)" -R @S@ -v
same_as_local "one folder with -d" -d @S@/Import
rm -rf "$ROOT1/Export"
same_as_local "Export missing, --missing critical" -R @S@ --missing critical
tree
mv "$ROOT1/Import" "$ROOT1/IMPORT"
mkf "$ROOT1/IMPORT/x.und" 10 1
same_as_local "IMPORT in upper case" -R @S@
run -A "$A" -d "smb://127.0.0.1:$P1/c\$/EXCHSRVR/ccmcdata/import"
is "$RC" 2 "the path after the share matches in any letter case"
like "$FIRST" "1 .und file" "... and the file is found"
mkdir "$ROOT1/import"
run -A "$A" -R "$URL1"
like "$OUT" "two folders match 'Import' in different case" "Import and IMPORT both: UNKNOWN, said so"

# --- an SMB1-only server (NT4, Windows 2000) ---------------------------------------------------
mkdir -p "$T/s2/share/Exchsrvr/Ccmcdata"/{Import,Export,Submit}
mkf "$T/s2/share/Exchsrvr/Ccmcdata/Import/n.und" 600 7
URL2="smb://127.0.0.1:$P2/c\$/Exchsrvr/Ccmcdata"
run -A "$A" -R "$URL2"
is "$RC" 3 "SMB1-only server, no --smb-protocol: UNKNOWN"
like "$FIRST" "smb://127.0.0.1:$P2/c\$: cannot connect: the protocol negotiation failed: the server may need --smb-protocol=NT1" \
	"SMB1-only server: the message says to give --smb-protocol=NT1"
run -A "$A" -R "$URL2" --smb-protocol=NT1
is "$RC" 2 "SMB1-only server, --smb-protocol=NT1: CRITICAL"
like "$FIRST" "1 .und file: Import 1 (oldest 10m)" "SMB1-only server: the file is seen"
run -A "$A" -R "$URL2" --smb-protocol=NT1:SMB3
is "$RC" 2 "--smb-protocol=NT1:SMB3 reaches it too"
run -A "$A" -R "$URL2" --smb-protocol=SMB9
is "$RC" 3 "--smb-protocol=SMB9: UNKNOWN"
like "$FIRST" "--smb-protocol 'SMB9': give MIN or MIN:MAX" "a bad protocol name is a usage error"

# --- memory: libsmbclient's opendir holds the whole listing, at most 512 B an entry -------------
# (the bound of man/check_ccmc_und.1 and BENCHMARKS.md; a listing of 30,000 is exact over SMB1)
"$top_builddir/tests/mkfiles" "$T/s1/share/m100" 100 >/dev/null
"$top_builddir/tests/mkfiles" "$T/s1/share/m30000" 30000 >/dev/null
for view in "$P1 SMB3" "$P4 NT1"; do
	read -r port proto <<<"$view"
	for n in 100 30000; do
		/usr/bin/time -f %M -o "$T/rss.$n" "$PLUGIN" -A "$A" --smb-protocol="$proto" \
			-d "smb://127.0.0.1:$port/c\$/m$n" -w 100000 -c 100000 >"$T/out.$n"
	done
	like "$(head -1 "$T/out.30000")" "OK - 1500 .und files" "$proto, 30,000 entries: all listed"
	growth=$(($(tail -1 "$T/rss.30000") - $(tail -1 "$T/rss.100")))
	# ASan's redzones and quarantine hold several times what each allocation asks for.
	if readelf -d "$HELPER" | grep -q libasan; then
		skip "$proto: the helper's memory per entry is not measured in an ASan build (grew by $growth KiB)"
	else
		ok "$([ "$growth" -le $((29900 * 512 / 1024)) ]; echo $?)" \
			"$proto: peak RSS (plugin, probe and helper) grows by $growth KiB from 100 to 30,000 entries (at most 512 B an entry)"
	fi
done

# --- failures: each UNKNOWN (or --missing), naming the server and the step -------------------------
printf 'username = exadmin\npassword = wrong\n' >"$T/bad"
chmod 600 "$T/bad"
run -A "$T/bad" -R "$URL1"
is "$RC" 3 "a wrong password: UNKNOWN"
like "$FIRST" "smb://127.0.0.1:$P1/c\$: cannot connect: logon refused: a wrong user name or password" "a wrong password: the server, the step and the cause"
run -A "$A" -R "smb://127.0.0.1:$P1/nosuch/Ccmcdata"
is "$RC" 3 "a missing share: UNKNOWN"
like "$FIRST" "smb://127.0.0.1:$P1/nosuch: cannot connect: no such share" "a missing share: said so"
run -A "$A" -d "$URL1/Gone"
is "$RC" 3 "a missing folder: UNKNOWN by default"
like "$FIRST" "$URL1/Gone: No such file or directory" "a missing folder: named"
run -A "$A" -d "$URL1/Gone" --missing critical
is "$RC" 2 "a missing folder: --missing critical applies"
# A folder the share's user may not read: UNKNOWN, named, over SMB3 and SMB1 (not "missing").
mkdir -p "$ROOT1/Locked"
chmod 700 "$ROOT1/Locked"
for proto in SMB3 NT1; do
	run -A "$A" --smb-protocol="$proto" -d "$URL1/Locked" --missing ok
	like "$RC $FIRST" "3 CCMC_UND UNKNOWN - Locked: $URL1/Locked: Permission denied" \
		"$proto: a folder the user may not read: UNKNOWN, named, said why, --missing not applied"
done
rmdir "$ROOT1/Locked"
# A name no UTF-16 can hold (a lone surrogate, which NTFS allows): Samba sends it as it is, and
# libsmbclient drops the whole listing (it gives neither the name nor the status). The plugin
# must not count what is left (that would be a false OK), the handler must touch nothing, and
# both must say what to do, over SMB3 and SMB1.
mkdir -p "$ROOT1/Surr"
python3 -c 'import sys; open(sys.argv[1].encode() + b"/\xed\xa0\x80x.und", "w").write("x")' "$ROOT1/Surr"
: >"$ROOT1/Surr/plain.und"
for proto in SMB3 NT1; do
	url="smb://127.0.0.1:$P1/c\$/Exchsrvr/Ccmcdata/Surr"
	[ "$proto" = NT1 ] && url="smb://127.0.0.1:$P4/c\$/Exchsrvr/Ccmcdata/Surr"
	run -A "$A" --smb-protocol="$proto" -d "$url"
	like "$RC $FIRST" "3 CCMC_UND UNKNOWN - Surr: $url: the server's listing cannot be read: a file name in it that is not valid UTF-16" \
		"$proto: a lone surrogate in a name: UNKNOWN, not a count of the rest, and says why"
	like "$FIRST" "rename that file on the server" "$proto: ... and what to do"
done
mkdir -p "$T/hc" "$T/hq"
chmod 700 "$T/hq"
echo running >"$T/hc/state"
F="$top_srcdir/tests/fake_connector"
out=$("$top_builddir/eventhandler/ccmc_und_remediate" -d "smb://127.0.0.1:$P1/c\$/Exchsrvr/Ccmcdata/Surr" -A "$A" \
	-Q "$T/hq" --state-dir "$T/hst" --stop-cmd "$F $T/hc stop" --start-cmd "$F $T/hc start" \
	--status-cmd "$F $T/hc status" --force 2>&1)
hrc=$?
like "$hrc $out" "3 FAILED: cannot open smb://127.0.0.1:$P1/c\$/Exchsrvr/Ccmcdata/Surr: the server's listing cannot be read" \
	"the handler, on the same folder: exit 3 and why"
like "$out" "nothing touched" "... nothing touched"
is "$(find "$ROOT1/Surr" -type f | wc -l)/$(find "$T/hq" -type f | wc -l)/$(cat "$T/hc/state")" "2/0/running" \
	"... both files where they were, none in the quarantine, the connector running"
rm -rf "$ROOT1/Surr"
# An empty share root: "empty" (OK, 0), not "No such file or directory", over SMB3 and SMB1.
mkdir -p "$T/emptyshare"
printf '[empty]\n  path = %s\n  read only = yes\n' "$T/emptyshare" >>"$T/s1/smb.conf"
printf '[empty]\n  path = %s\n  read only = yes\n' "$T/emptyshare" >>"$T/s4/smb.conf"
kill -HUP "$(cat "$T/s1/pid/smbd.pid")" "$(cat "$T/s4/pid/smbd.pid")"
served() { smbclient -s "$T/s1/smb.conf" -p "$P1" -A "$A" //127.0.0.1/empty -c ls >/dev/null 2>&1; }
until_ok 10 served
for view in "$P1 SMB3" "$P4 NT1"; do
	set -- $view
	run -A "$A" --smb-protocol="$2" -d "smb://127.0.0.1:$1/empty"
	like "$RC $FIRST" "0 CCMC_UND OK - no .und files" "$2: an empty share root is empty: OK, 0 files"
done
closed=$(free_port)
run -A "$A" -R "smb://127.0.0.1:$closed/c\$/x"
is "$RC" 3 "connection refused: UNKNOWN"
like "$FIRST" "smb://127.0.0.1:$closed/c\$: cannot connect: connection refused" "connection refused: said so"
run -d "smb://exadmin:Secr3t!@127.0.0.1:$P1/c\$/x"
is "$RC" 3 "a password in the URL: UNKNOWN"
like "$FIRST" "a user name or password in the URL is not taken" "a password in the URL: refused, said why"
unlike "$OUT" "Secr3t" "a password in the URL: not repeated in the output"
chmod 644 "$A"
run -A "$A" -R "$URL1"
is "$RC" 3 "a world-readable auth file: UNKNOWN"
like "$FIRST" "auth file $A: refused" "a world-readable auth file: named, refused"
chmod 600 "$A"
chown nobody "$A"
run -A "$A" -R "$URL1"
like "$FIRST" "auth file $A: refused: it must be a regular file owned by root or uid 0" "an auth file owned by another user: refused"
chown root "$A"
printf 'user = exadmin\n' >"$T/odd"
chmod 600 "$T/odd"
run -A "$T/odd" -R "$URL1"
like "$FIRST" "auth file $T/odd, line 1" "an auth file with an unknown key: the line is named"
run -A "$A" -R "smb://127.0.0.1:$P1/c\$/../etc"
like "$FIRST" "give the path without '..'" "'..' in the URL is refused"

id exadm2 >/dev/null 2>&1 || useradd -M exadm2
printf 'Pw2-x!\nPw2-x!\n' | smbpasswd -c "$T/s1/smb.conf" -s -a exadm2 >/dev/null
smbpasswd -c "$T/s1/smb.conf" -d exadm2 >/dev/null
printf 'username = exadm2\npassword = Pw2-x!\n' >"$T/disabled"
chmod 600 "$T/disabled"
run -A "$T/disabled" -R "$URL1"
is "$RC" 3 "a disabled account: UNKNOWN"
like "$FIRST" "smb://127.0.0.1:$P1/c\$: cannot connect: logon refused" "a disabled account: the server and the step"
like "$FIRST" "a disabled account" "a disabled account: the message names it among the causes"
# Every other refusal a Samba passdb can hold, each set with Samba's own tools: the words follow
# the errno libsmbclient gives (two classes; it drops the NT status), and none is a bare strerror.
refusal() { # user, how to refuse it (a command on the user), the words expected
	local u=$1 how=$2 words=$3
	id "$u" >/dev/null 2>&1 || useradd -M "$u"
	printf 'Pw3-y!\nPw3-y!\n' | smbpasswd -c "$T/s1/smb.conf" -s -a "$u" >/dev/null
	$how "$u" >/dev/null 2>&1
	printf 'username = %s\npassword = Pw3-y!\n' "$u" >"$T/refused"
	chmod 600 "$T/refused"
	run -A "$T/refused" -R "$URL1"
	like "$RC $FIRST" "3 CCMC_UND UNKNOWN - Import, Export, Submit: smb://127.0.0.1:$P1/c\$: cannot connect: logon refused: " \
		"$u: UNKNOWN, the server, the step"
	like "$FIRST" "$words" "$u: the causes name it ($words)"
	smbclient -s "$T/s1/smb.conf" -p "$P1" -A "$T/refused" "//127.0.0.1/c\$" -c ls >"$T/smbclient.out" 2>&1
}
locked() { pdbedit -s "$T/s1/smb.conf" -c '[L]' "$1"; }
expired() { pdbedit -s "$T/s1/smb.conf" --kickoff-time=1 "$1"; }
mustchange() { net sam set pwdmustchangenow "$1" yes -s "$T/s1/smb.conf"; }
elsewhere() { net sam set workstations "$1" OTHERWS -s "$T/s1/smb.conf"; }
refusal exlock locked "the account is locked out"
like "$(cat "$T/smbclient.out")" "NT_STATUS_ACCOUNT_LOCKED_OUT" "... which the server did refuse as locked out (smbclient -A says so)"
refusal exexp expired "or expired"
like "$(cat "$T/smbclient.out")" "NT_STATUS_ACCOUNT_EXPIRED" "... which the server did refuse as expired"
refusal exmust mustchange "its password has expired or must be changed"
like "$(cat "$T/smbclient.out")" "NT_STATUS_PASSWORD_MUST_CHANGE" "... which the server did refuse as a password to change"
refusal exws elsewhere "workstation restriction"
like "$(cat "$T/smbclient.out")" "NT_STATUS_INVALID_WORKSTATION" "... which the server did refuse for the workstation"
# Kerberos: no KDC here, so the plumbing: -k reaches the helper, no password is tried after it
# (the auth file's password is right), and the library's own text on stdout is no record.
OUT=$(KRB5CCNAME=FILE:$T/no-such-ccache "$PLUGIN" -A "$A" -R "$URL1" --use-kerberos)
RC=$?
is "$RC" 3 "--use-kerberos with no ticket: UNKNOWN"
like "${OUT%%$'\n'*}" "cannot connect: logon with Kerberos failed: no valid ticket in the cache" \
	"--use-kerberos: the logon was Kerberos only, and the message says so"
# The same options from an ini section (--extra-opts).
printf '[exch55]\nstore = %s\nauthentication-file = %s\nsmb-protocol = NT1:SMB3\n' "$URL1" "$A" >"$T/ini"
chmod 600 "$T/ini"
tree
mkf "$ROOT1/Import/i.und" 60 1
run --extra-opts="exch55@$T/ini"
is "$RC" 2 "--extra-opts: store, authentication-file and smb-protocol from an ini section"
like "$FIRST" "1 .und file: Import 1" "--extra-opts over SMB: the file is seen"

# --- what hostile servers and names found: one block per finding -----------------------------------
# an NTFS name may hold 765 bytes of UTF-8; Samba's catia module makes such names (z -> U+F07A).
P3=$(free_port)
server "$T/s3" "$P3" "vfs objects = catia
  catia:mappings = 0x7a:0xf07a"
mkdir -p "$T/s3/share/C/Import"
long=$(printf 'z%.0s' $(seq 251))
mkf "$T/s3/share/C/Import/$long.und" 60 1
mkf "$T/s3/share/C/Import/$(printf 'z%.0s' $(seq 83))aa.und-zzzz.txt" 60 1
run -A "$A" -d "smb://127.0.0.1:$P3/c\$/C/Import"
is "$RC" 2 "a 757-byte name ending in .und is counted, whole"
like "$FIRST" "1 .und file" "one .und file, not the 261-byte one that only looks like one when cut"
# libsmbclient decodes %XX: '%' is refused before it can spell '..' or cut a path.
run -A "$A" -R "smb://127.0.0.1:$P1/c\$/Exchsrvr/%2e%2e/Other"
is "$RC" 3 "%2e%2e in a URL: UNKNOWN"
like "$FIRST" "'%' (give names unencoded)" "'%' is refused, and why"
run -A "$A" -d "$URL1/Import" -d "$URL1/Import%00/junk"
like "$FIRST" "'%' (give names unencoded)" "%00 is refused"
# protocol names Samba refuses, and MIN above MAX, are usage errors.
for p in SMB2_22 LANMAN1 SMB3:NT1; do
	run -A "$A" -R "$URL1" --smb-protocol=$p
	like "$RC $FIRST" "3 CCMC_UND UNKNOWN - --smb-protocol '$p': give MIN or MIN:MAX, oldest first" "--smb-protocol=$p is refused"
done
# a file where a folder should be is 'not a folder', as locally, not 'missing'.
tree
rm -r "$ROOT1/Submit"
: >"$ROOT1/Submit"
same_as_local "a file named Submit, --missing ok" -R @S@ --missing ok -v

# --- get and del, the handler's building blocks: a file moves only if it did not change --
G="$T/s1/share/g"
mkdir -p "$G"
printf 'NDR for a message\n' >"$G/a.und"
printf 'NDR, read-only\n' >"$G/ro.und"
# The share's user may write there, as the handler's account may in the connector store.
chown -R exadmin "$G"
smbclient "//127.0.0.1/c\$" -p "$P1" -A "$A" -c 'setmode g/ro.und +r' >/dev/null 2>&1
GU="smb://127.0.0.1:$P1/c\$/g"
drive() { "$PERL" "$top_srcdir/tests/smbdrive.pl" --requests "$T/got" "$HELPER" -S -A "$A" d "$GU"; }
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
out=$(printf 'get %s %s\n' "$(hex a.und)" "$GU" | drive)
read -r _ e1 size m1 c1 id1 <<<"$(printf '%s\n' "$out" | sed -n 1p)"
is "$(printf '%s\n' "$out" | sed -n 1p)" "$(printf '%s\n' "$out" | sed -n 2p)" "get: the attributes before and after the read agree"
is "$e1/$size" "0/$(stat -c %s "$G/a.und")" "get: the size is the file's"
cmp -s "$T/got" "$G/a.und"
ok $? "get: the bytes are the file's"
is "$((m1 / 1000000000))" "$(stat -c %Y "$G/a.und")" "get: the write time is the file's, in ns"
is "$id1" "$(stat -c %i "$G/a.und")" "get: over SMB2 and later, the file ID is Samba's inode"
out=$(printf 'del %s %s %s %s %s %s\ndel %s %s %s %s %s %s\n' "$size" "$m1" "$c1" "$id1" "$(hex a.und)" "$GU" "$size" "$m1" "$c1" "$id1" "$(hex a.und)" "$GU" | drive)
is "$(printf '%s\n' "$out" | grep '^[AU]' | cut -d' ' -f1,2 | tr '\n' ' ')" "A 0 U 0 A 2 " \
	"del: the check matches and the removal is done; again: the check answers ENOENT and no removal is tried"
ok "$([ ! -e "$G/a.und" ]; echo $?)" "del: the file is gone from the server"
printf 'first\n' >"$G/b.und"
chown exadmin "$G/b.und"
read -r _ _ size m c id <<<"$(printf 'get %s %s\n' "$(hex b.und)" "$GU" | drive | sed -n 1p)"
printf 'appended, as the connector before SP3 does\n' >>"$G/b.und"
out=$(printf 'del %s %s %s %s %s %s\n' "$size" "$m" "$c" "$id" "$(hex b.und)" "$GU" | drive)
like "$out" "A 116 " "del: a file appended to since it was read is not removed (ESTALE)"
ok "$([ -s "$G/b.und" ]; echo $?)" "del: the changed file is still there"
# Another file put in its place with the same size and times (Samba's change time is its write
# time, which a client can set): the file ID tells them apart.
printf 'original\n' >"$G/r.und"
chown exadmin "$G/r.und"
read -r _ _ size m c id <<<"$(printf 'get %s %s\n' "$(hex r.und)" "$GU" | drive | sed -n 1p)"
cp -p "$G/r.und" "$G/r.ref"
printf 'impostor\n' >"$G/r.new"
touch -r "$G/r.ref" "$G/r.new"
mv "$G/r.new" "$G/r.und"
out=$(printf 'del %s %s %s %s %s %s\n' "$size" "$m" "$c" "$id" "$(hex r.und)" "$GU" | drive)
like "$out" "A 116 " "del: another file of the same size and times in its place is not removed (ESTALE, by its file ID)"
read -r _ _ size m c id <<<"$(printf 'get %s %s\n' "$(hex ro.und)" "$GU" | drive | sed -n 1p)"
out=$(printf 'del %s %s %s %s %s %s\n' "$size" "$m" "$c" "$id" "$(hex ro.und)" "$GU" | drive)
ok "$(printf '%s\n' "$out" | grep '^[AU]' | cut -d' ' -f1-3 | tr '\n' ' ' | grep -Eqx 'A 0 [0-9]+ U [1-9][0-9]* 1 '; echo $?)" \
	"del: a read-only file: the check matches, the server refuses the removal, and the file is seen again unchanged ($(printf '%s' "$out" | tr '\n' ' '))"
ok "$([ -e "$G/ro.und" ]; echo $?)" "del: the read-only file is still there"
out=$( (printf 'get %s %s\n' "$(head -c 10000 /dev/zero | tr '\0' a)" "$GU"; printf 'get %s %s\n' "$(hex b.und)" "$GU") | drive)
is "$(printf '%s\n' "$out" | grep '^A' | head -n 2 | cut -d' ' -f2 | tr '\n' ' ')" "36 0 " \
	"a request longer than any URL is refused (ENAMETOOLONG) and the next one is answered"

# --- servers that stop answering: the answer still comes within -t + 1 s --------------------------
"$PERL" -MIO::Socket::INET -e '
	my $l = IO::Socket::INET->new(Listen => 5, LocalAddr => "127.0.0.1", ReuseAddr => 1) or die;
	print $l->sockport, "\n"; close STDOUT;
	my @c; while (my $c = $l->accept) { push @c, $c }' >"$T/silent.port" &
PIDS+=($!)
until_ok 10 test -s "$T/silent.port"
t0=$(date +%s%N)
run -A "$A" -R "smb://127.0.0.1:$(cat "$T/silent.port")/c\$/x" -t 2
ms=$((($(date +%s%N) - t0) / 1000000))
is "$RC" 3 "a port that accepts and never speaks: UNKNOWN"
like "$FIRST" "timed out after 2s opening smb://127.0.0.1:$(cat "$T/silent.port")/c\$/x/Import" "a silent port: the time-out, the step and the folder are said"
ok "$([ "$ms" -lt 3000 ]; echo $?)" "a silent port: answered in $ms ms (-t 2)"

kill -STOP "${PIDS[0]}"
t0=$(date +%s%N)
run -A "$A" -R "$URL1" -t 2
ms=$((($(date +%s%N) - t0) / 1000000))
kill -CONT "${PIDS[0]}"
is "$RC" 3 "a server stopped with SIGSTOP: UNKNOWN"
like "$FIRST" "smb://127.0.0.1:$P1" "a stopped server: the server is named"
ok "$([ "$ms" -lt 3000 ]; echo $?)" "a stopped server: answered in $ms ms (-t 2)"

tree
"$top_builddir/tests/mkfiles" "$ROOT1/Import" 20000 >/dev/null
newest_child() { pgrep -n -P "${PIDS[0]}"; }
before=$(newest_child || echo none)
run -A "$A" -R "$URL1" -t 3 &
rp=$!
# Once the server has a new child for this check, stop it mid-session.
served() { c=$(newest_child) && [ "$c" != "$before" ]; }
until_ok 10 served
child=$(newest_child)
t0=$(date +%s%N)
kill -STOP "$child"
wait "$rp"
ms=$((($(date +%s%N) - t0) / 1000000))
kill -CONT "$child"
ok "$([ "$ms" -lt 4000 ]; echo $?)" "a server child stopped mid-session: the check ended within -t + 1 s of the stop ($ms ms)"

# --- the subagent over SMB, under a real snmpd: one logon kept between scans -------------------------
SUB="$top_builddir/snmp-subagent/ccmc_und_subagent"
if [ -x "$SUB" ] && command -v snmpget >/dev/null && [ -x /usr/sbin/snmpd ]; then
	tree
	mkf "$ROOT1/Import/a.und" 7200 300
	mkf "$ROOT1/Import/B.UND" 600 50
	mkf "$ROOT1/Export/m1.ccm" 5400 10
	SPORT=$("$PERL" -MIO::Socket::INET -e 'print IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1")->sockport')
	mkdir -p "$T/agentx" "$T/persist"
	chmod 700 "$T/agentx"
	printf 'rocommunity public 127.0.0.1\nmaster agentx\nagentXSocket %s/agentx/master\n' "$T" >"$T/snmpd.conf"
	SNMP_PERSISTENT_DIR="$T/persist" /usr/sbin/snmpd -f -C -c "$T/snmpd.conf" -I -smux -Lf "$T/snmpd.log" \
		"udp:127.0.0.1:$SPORT" &
	PIDS+=($!)
	until_ok 10 test -S "$T/agentx/master"
	"$SUB" -R "$URL1" -A "$A" -x "$T/agentx/master" -f --interval 2 -t 1 --ping-interval 1 -C 3h \
		>"$T/sub.log" 2>&1 &
	SUBPID=$!
	PIDS+=("$SUBPID")
	BASE=.1.3.6.1.4.1.8072.9999.9999.212788
	get() { snmpget -v2c -c public -Oqv -t 1 -r 0 "127.0.0.1:$SPORT" "$@" 2>&1; }
	scanned() { m=$(get "$BASE.1.2.1.12.1") && ! printf '%s' "$m" | grep -q "No Such\|no scan has completed\|Timeout"; }
	until_ok 20 scanned
	ok $? "the subagent over smb:// registers and completes a scan"
	"$PLUGIN" -R "$URL1" -A "$A" -C 3h >"$T/plugin.out"
	prc=$?
	PERF=$(head -n 1 "$T/plugin.out" | "$PERL" "$top_srcdir/tests/perfdata.pl")
	pv() { printf '%s\n' "$PERF" | awk -F'|' -v l="$1" '$1 == l { print $2 }'; }
	is "$(get "$BASE.1.1.1.0")" "$prc" "subagent over SMB: ccmcUndState equals the plugin's exit status ($prc)"
	is "$(get "$BASE.1.1.2.0")" "$(pv total_und)" "subagent over SMB: the total equals the plugin's total_und"
	is "$(get "$BASE.1.2.1.4.1")/$(get "$BASE.1.2.1.7.1")" "$(pv import_und)/$(pv import_und_bytes)" \
		"subagent over SMB: Import's count and bytes equal the plugin's"
	is "$(get "$BASE.1.2.1.8.2")" "$(pv export_backlog)" "subagent over SMB: Export's backlog equals the plugin's"
	# The logon is kept: the same helper, and the same smbd child serving it, across scans.
	helper_pid() { pgrep -P "$SUBPID" -f "ccmc_und_smb -S"; }
	h1=$(helper_pid)
	c1=$(smbstatus -s "$T/s1/smb.conf" -p 2>/dev/null | awk '$2 == "exadmin" { print $1 }' | sort | tr '\n' ' ')
	t1=$(get "$BASE.1.1.4.0")
	later() { [ "$(get "$BASE.1.1.4.0")" != "$t1" ]; }
	until_ok 10 later && until_ok 10 later
	h2=$(helper_pid)
	c2=$(smbstatus -s "$T/s1/smb.conf" -p 2>/dev/null | awk '$2 == "exadmin" { print $1 }' | sort | tr '\n' ' ')
	ok "$([ -n "$h1" ] && [ "$h1" = "$h2" ]; echo $?)" "the subagent keeps one SMB helper across scans (pid $h1, then $h2)"
	ok "$([ -n "$c1" ] && [ "$c1" = "$c2" ]; echo $?)" "... and one logon: the same smbd session serves it (pid $c1, then $c2)"
	# The server goes away: the state is unknown; it comes back: the subagent reconnects.
	# smbd's children go on serving their connections: they are stopped too.
	pkill -P "${PIDS[0]}"
	kill "${PIDS[0]}"
	gone() { ! kill -0 "${PIDS[0]}" 2>/dev/null && [ "$(get "$BASE.1.1.1.0")" = 3 ]; }
	until_ok 15 gone
	ok $? "the server stopped: ccmcUndState goes unknown (3)"
	like "$(get "$BASE.1.2.1.12.1")" "smb://127.0.0.1:$P1" "... and the folder's message names the server"
	is "$(get "$BASE.1.2.1.4.1")/$(get "$BASE.1.2.1.13.1")" "$(pv import_und)/1" \
		"... Import's count stays its last good read, marked stale (the rule of every failure)"
	"$SMBD" -D -s "$T/s1/smb.conf"
	until_ok 10 "$PERL" -MIO::Socket::INET -e "IO::Socket::INET->new('127.0.0.1:$P1') or exit 1"
	PIDS[0]=$(cat "$T/s1/pid/smbd.pid")
	back() { [ "$(get "$BASE.1.1.1.0")" = "$prc" ]; }
	until_ok 15 back
	ok $? "the server restarted: the subagent reconnects and serves the plugin's state again"
	kill "$SUBPID"
	wait "$SUBPID" 2>/dev/null

	# The subagent itself under valgrind: 50 scans over SMB with a server restart after the
	# 25th; its kept helpers, their pipes and the pool must leak nothing.
	if readelf -d "$SUB" | grep -q libasan; then
		skip "the subagent over SMB under valgrind: this is an ASan build"
	elif command -v valgrind >/dev/null; then
		VB=.1.3.6.1.4.1.8072.9999.9999.212795
		valgrind --leak-check=full --show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --child-silent-after-fork=yes \
			--log-file="$T/vgsub.log" \
			"$SUB" -R "$URL1" -A "$A" -x "$T/agentx/master" -f --interval 2 -t 1 --ping-interval 1 -C 3h \
			--base-oid "$VB" >"$T/vgsub.out" 2>&1 &
		VGS=$!
		PIDS+=("$VGS")
		last=""
		scans=0
		next_scan() { t=$(get "$VB.1.1.4.0") && [ -n "$t" ] && [ "$t" != "$last" ] && ! printf '%s' "$t" | grep -q "No Such\|Timeout"; }
		while [ "$scans" -lt 50 ] && until_ok 20 next_scan; do
			last=$(get "$VB.1.1.4.0")
			scans=$((scans + 1))
			if [ "$scans" -eq 25 ]; then
				smbd_stop "$T/s1"
				until_ok 10 sh -c "! kill -0 ${PIDS[0]} 2>/dev/null"
				server "$T/s1" "$P1"
				PIDS[0]=$(cat "$T/s1/pid/smbd.pid")
			fi
		done
		is "$scans" 50 "the subagent under valgrind scanned 50 times over SMB, the server restarted after the 25th"
		is "$(get "$VB.1.1.1.0")" "$prc" "under valgrind: the state after the restart is the plugin's again"
		kill -TERM "$VGS"
		wait "$VGS"
		vrc=$?
		is "$vrc" 0 "under valgrind: SIGTERM, exit 0 (99 would be a memory error or a leak)"
		like "$(cat "$T/vgsub.log")" "ERROR SUMMARY: 0 errors" "under valgrind: no invalid read, write or jump"
		lost=$(grep -E "definitely lost|indirectly lost" "$T/vgsub.log" | grep -v ": 0 bytes" | head -2)
		is "$lost" "" "under valgrind: nothing definitely or indirectly lost across 50 scans"
		[ "$vrc" = 0 ] || sed 's/^/# /' "$T/vgsub.log" | head -40
	else
		skip "valgrind is not installed"
	fi
else
	skip "the subagent over SMB: no subagent or no snmpd in this build"
fi

# --- the serving helper under valgrind: 50 scans and a server restart, no leak ---------------------
if readelf -d "$HELPER" | grep -q libasan; then
	skip "the serving helper under valgrind: this is an ASan build"
	skip "the serving helper under valgrind: this is an ASan build"
	skip "the serving helper under valgrind: this is an ASan build"
elif command -v valgrind >/dev/null; then
	tree
	mkf "$ROOT1/Import/a.und" 60 1
	mkf "$ROOT1/Export/b.ccm" 60 1
	cat >"$T/restart" <<EOF
#!/bin/sh
pkill -P \$(cat "$T/s1/pid/smbd.pid"); kill \$(cat "$T/s1/pid/smbd.pid")
while kill -0 \$(cat "$T/s1/pid/smbd.pid") 2>/dev/null; do :; done
"$SMBD" -D -s "$T/s1/smb.conf"
until "$PERL" -MIO::Socket::INET -e "IO::Socket::INET->new('127.0.0.1:$P1') or exit 1"; do :; done
EOF
	chmod 755 "$T/restart"
	"$PERL" "$top_srcdir/tests/smbdrive.pl" 50 25 "$T/restart" \
		valgrind -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
		--error-exitcode=99 --log-file="$T/vg.log" \
		"$HELPER" -S -A "$A" s "$URL1" Import s "$URL1" Export s "$URL1" Submit >"$T/drive.out" 2>&1
	is "$?" 0 "valgrind: the serving helper ran 50 scans and a server restart with no error and no leak"
	is "$(grep -c 'entries 2 folders 3 fatal 0' "$T/drive.out")" 50 "every one of the 50 scans, the one after the restart too, listed the three folders"
	is "$(grep -c 'definitely lost' "$T/vg.log")" 0 "valgrind's log has no 'definitely lost'"
	PIDS[0]=$(cat "$T/s1/pid/smbd.pid")
else
	skip "valgrind is not installed"
fi

# --- Nagios 4, as the nagios user, checks the store over smb:// ------------------------------------
NAGIOS=/usr/sbin/nagios4
if [ -x "$NAGIOS" ] && id nagios >/dev/null 2>&1; then
	tree
	mkf "$ROOT1/Import/a.und" 60 1
	N="$T/nag"
	mkdir -p "$N/rw" "$N/spool" "$N/libexec"
	cp "$PLUGIN" "$N/libexec/check_ccmc_und"
	cp "$HELPER" "$N/libexec/ccmc_und_smb"
	install -m 0640 -o root -g nagios "$A" "$N/exch55.auth"
	{
		nagios_common_objects
		cat <<EOF
define command {
    command_name check_ccmc_und_smb
    command_line $N/libexec/check_ccmc_und -R '$URL1' -A $N/exch55.auth -t 10
}
define host {
    host_name exch55
    address 127.0.0.1
    check_command always-true
    max_check_attempts 1
    check_period 24x7
    notification_period 24x7
    contacts nobody-here
}
define service {
    host_name exch55
    service_description ccmc-und-smb
    check_command check_ccmc_und_smb
    check_period 24x7
    notification_period 24x7
    notifications_enabled 0
    contacts nobody-here
    max_check_attempts 1
    check_interval 1
    retry_interval 1
}
EOF
	} >"$N/objects.cfg"
	{
		printf 'cfg_file=%s/objects.cfg\n' "$N"
		nagios_main_cfg "$N"
	} >"$N/nagios.cfg"
	chown -R nagios:nagios "$N/rw" "$N/spool"
	chown nagios:nagios "$N"
	CCMC_UND_SMB_HELPER="$N/libexec/ccmc_und_smb" "$NAGIOS" "$N/nagios.cfg" >"$N/stdout" 2>&1 &
	NPID=$!
	PIDS+=("$NPID")
	logged() { grep -qF "$1" "$N/nagios.log" 2>/dev/null; }
	until_ok 60 logged "SERVICE ALERT: exch55;ccmc-und-smb;CRITICAL;HARD;1;CCMC_UND CRITICAL - 1 .und file: Import 1"
	ok $? "Nagios, as nagios, runs the check over smb:// and goes CRITICAL"
	rm "$ROOT1/Import/a.und"
	until_ok 60 logged "SERVICE ALERT: exch55;ccmc-und-smb;OK;HARD;1;CCMC_UND OK - no .und files"
	ok $? "Nagios: OK again once the file is gone"
	ps -o user= -p "$(cat "$N/nagios.pid" 2>/dev/null || echo "$NPID")" | grep -q nagios
	ok $? "Nagios ran as the nagios user"
	kill "$NPID"
	wait "$NPID" 2>/dev/null
else
	skip "Nagios over SMB: nagios4 is not installed"
fi

# --- servers that want more of the client, and a share closed under a kept connection -------------
P6=$(free_port)
P7=$(free_port)
P8=$(free_port)
for s in s6 s7 s8; do
	mkdir -p "$T/$s"
	ln -s "$T/s1/share" "$T/$s/share"
done
printf 'exadmin = j\xc3\xbcrgen\n' >"$T/umap"
server "$T/s6" "$P6" "server min protocol = SMB3_11"
server "$T/s7" "$P7" "server smb encrypt = required"
server "$T/s8" "$P8" "username map = $T/umap"
tree
mkf "$ROOT1/Import/a.und" 600 3
run -A "$A" -R "smb://127.0.0.1:$P6/c\$/Exchsrvr/Ccmcdata"
like "$RC $FIRST" "2 CCMC_UND CRITICAL - 1 .und file: Import 1" "a server that speaks only SMB 3.1.1: listed"
run -A "$A" -R "smb://127.0.0.1:$P7/c\$/Exchsrvr/Ccmcdata"
like "$RC $FIRST" "2 CCMC_UND CRITICAL - 1 .und file: Import 1" "a server that demands encryption: listed"
printf 'username = j\xc3\xbcrgen\npassword = Secr3t!\n' >"$T/auth_u"
chmod 600 "$T/auth_u"
for proto in SMB3 NT1; do
	run -A "$T/auth_u" --smb-protocol="$proto" -R "smb://127.0.0.1:$P8/c\$/Exchsrvr/Ccmcdata"
	like "$RC $FIRST" "2 CCMC_UND CRITICAL - 1 .und file: Import 1" \
		"$proto: a user name with a non-ASCII letter logs on"
done
# The share closed by the server (smbcontrol close-share, as a reload that drops it does) between
# two scans of a serving helper: the second scan connects again and lists.
for proto in SMB3 NT1; do
	{
		echo scan
		until_ok 10 test -s "$T/served"
		smbcontrol -s "$T/s1/smb.conf" smbd close-share 'c$' >/dev/null
		echo scan
	} | "$HELPER" -S -A "$A" -P "$proto" -t 5000 d "smb://127.0.0.1:$P1/c\$/Exchsrvr/Ccmcdata/Import" \
		>"$T/served"
	is "$(grep -ao 'a\.und' "$T/served" | wc -l)" 2 "$proto: a share closed under a kept connection: the next scan lists again"
	rm -f "$T/served"
done

# --- nothing written to /etc/samba, /var/lib/samba, /var/cache/samba or $HOME ----------------------
snap() { find /etc/samba /var/lib/samba /var/cache/samba "$HOME" -xdev -printf '%p %s %T@\n' 2>/dev/null | sort; }
snap >"$T/before"
tree
mkf "$ROOT1/Import/a.und" 60 1
for i in 1 2 3; do run -A "$A" -R "$URL1"; done
snap >"$T/after"
is "$(diff "$T/before" "$T/after")" "" "three checks wrote nothing in /etc/samba, /var/lib/samba, /var/cache/samba or \$HOME"
is "$(find /tmp -maxdepth 1 -name 'ccmc-und-smb.*' | sort | comm -13 "$T/private.before" -)" "" \
	"no private configuration folder of the helper's is left in /tmp"
# The helpers of the timed-out checks died with their probes (PR_SET_PDEATHSIG).
helpers_gone() { ! pgrep -f "^$HELPER " >/dev/null; }
until_ok 5 helpers_gone
ok $? "no SMB helper is left running after the time-outs"

# --- secrets: the password cannot be read back out of a running helper -----------------------------
install -o nobody -m 600 "$A" "$T/auth.nobody"
mkfifo "$T/req"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$HELPER" -S -A "$T/auth.nobody" \
	d "$URL1/Import" <"$T/req" >/dev/null 2>&1 &
hp=$!
exec 7>"$T/req"
until_ok 10 grep -q "Max core file size *0 *0" "/proc/$hp/limits"
ok $? "a running helper allows no core file (RLIMIT_CORE 0)"
is "$(stat -c %U "/proc/$hp/mem")" root "its memory is not its user's to read: it is not dumpable"
setpriv --reuid=nobody --regid=nogroup --clear-groups head -c 1 "/proc/$hp/mem" >/dev/null 2>&1
ok $((! $?)) "... so a process of the same user cannot open /proc/PID/mem"
grep -qa 'Secr3t' "/proc/$hp/cmdline" "/proc/$hp/environ"
ok $((! $?)) "the password is in neither its argv nor its environment"
exec 7>&-
wait "$hp"

done_testing
