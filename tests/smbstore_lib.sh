# The handler's SMB tests share this: a private smbd on loopback serving the
# store as c$ to exadmin, its auth file, and fresh_smb, which makes a new
# store there. PORT and SMBD_EXTRA (one more [global] line) may be set first.
# shellcheck shell=bash
. "$top_srcdir/tests/remediate_lib.sh"
. "$top_srcdir/tests/smbd_lib.sh"

HELPER="$top_builddir/smb/ccmc_und_smb"
[ -x "$HELPER" ] || skip_all "built without --with-smbclient (no smb/ccmc_und_smb)"
need_root_strace
export CCMC_UND_SMB_HELPER="$HELPER"

SMBDIR="$T/smbd"
PORT=${PORT:-$(smbd_port)}
serve() { smbd_start "$SMBDIR" "$PORT" "${SMBD_EXTRA:-}" || { echo "Bail out! smbd did not start on port $PORT"; exit 1; }; }
stop_server() { smbd_stop "$SMBDIR"; }
# The kill tests may kill a helper as it starts, before it removes its private folder (a few
# ms): those folders, made during this test, are removed at its end.
find /tmp -maxdepth 1 -name 'ccmc-und-smb.*' | sort >"$T/private.before"
cleanup_smb() {
	find /tmp -maxdepth 1 -name 'ccmc-und-smb.*' | sort | comm -13 "$T/private.before" - | xargs -r rm -rf
	stop_server
	cleanup_all
}
trap cleanup_smb EXIT
mkdir -p "$SMBDIR/share"
chmod 755 "$T" "$SMBDIR" "$SMBDIR/share"
serve
A="$T/auth"
printf 'username = exadmin\npassword = Secr3t!\ndomain = CORP\n' >"$A"
chmod 600 "$A"
URL="smb://127.0.0.1:$PORT/c\$/store"
FOLDERS=(-R "$URL" -A "$A")

# fresh_smb [QUARANTINE]: a new store on the share, and everything fresh() makes.
fresh_smb() {
	fresh "$@"
	rm -rf "$SMBDIR/share/store"
	mkdir -p "$SMBDIR/share/store"/{Import,Export,Submit}
	S="$SMBDIR/share/store"
}
# served: the share's user owns the store, as the handler's account may write there.
served() { chown -R exadmin "$S"; }
smbc() { smbclient "//127.0.0.1/c\$" -p "$PORT" -A "$A" -c "$1" >/dev/null 2>&1; }
count_in() { find "$1" -type f \( -iname '*.und' -o -iname '*.und~[0-9]*' \) | wc -l; }
