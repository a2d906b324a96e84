#!/bin/bash
# The documentation says what the program does, and the plugin ships as promised.
. "$top_srcdir/tests/lib.sh"

README="$top_srcdir/README.md"

# check_manual PROGRAM MANPAGE MIN_OPTIONS: the man page documents what the program's --help
# offers (the README is a user's overview and points there).
check_manual() {
	local prog=$1 man=$2 min=$3 help usage_opts man_opts help_long o missing_man= lint
	help=$("$prog" --help)
	# Options named in the usage text, and in the man page's SYNOPSIS.
	usage_opts=$(printf '%s\n' "$help" | sed -n '/^Usage:/,/^$/p' | grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u)
	man_opts=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$man" | grep -oE 'Fl -?[a-zA-Z][a-z-]*' |
		sed 's/^Fl /-/' | sort -u)
	is "$(echo $man_opts)" "$(echo $usage_opts)" "${man##*/}: SYNOPSIS names the same options as the usage"
	# Every option in --help is described in the man page.
	help_long=$(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	for o in $help_long; do
		grep -qE "Fl -${o#--}( |$)" "$man" || missing_man="$missing_man $o"
	done
	is "$missing_man" "" "${man##*/}: every long option is in the man page"
	ok $([ "$(printf '%s\n' "$help_long" | wc -l)" -ge "$min" ]; echo $?) "${prog##*/}: the help names $min or more long options"
	grep -q '^\.Sh EXIT STATUS' "$man"
	ok $? "${man##*/} has an EXIT STATUS section"
}

lint_manual() {
	if command -v mandoc >/dev/null; then
		lint=$(mandoc -Tlint -Wwarning "$1" 2>&1)
		is "$lint" "" "mandoc -Tlint finds nothing in ${1##*/}"
	else
		ok 1 "mandoc is installed (apt-get install mandoc)"
	fi
}

check_manual "$PLUGIN" "$top_srcdir/man/check_ccmc_und.1" 20
HANDLER="$top_builddir/eventhandler/ccmc_und_remediate"
check_manual "$HANDLER" "$top_srcdir/man/ccmc_und_remediate.8" 15
SUBAGENT="$top_builddir/snmp-subagent/ccmc_und_subagent"
[ -x "$SUBAGENT" ] && check_manual "$SUBAGENT" "$top_srcdir/man/ccmc_und_subagent.8" 20
for m in check_ccmc_und.1 ccmc_und_remediate.8 ccmc_und_remediate.conf.5 ccmc-und.ini.5 ccmc_und_subagent.8; do
	lint_manual "$top_srcdir/man/$m"
done

# Every setting the config file takes is documented in its section-5 page,
# and each is a long option of the handler.
CONF5="$top_srcdir/man/ccmc_und_remediate.conf.5"
keys=$(grep -oE '^\.It Cm [a-z-]+( , Cm [a-z-]+)*' "$CONF5" | grep -oE '[a-z][a-z-]+$|Cm [a-z-]+' |
	sed 's/^Cm //' | sort -u)
hhelp=$("$HANDLER" --help)
not_opts=
for k in $keys; do printf '%s\n' "$hhelp" | grep -qF -- "--$k" || not_opts="$not_opts $k"; done
is "$not_opts" "" "every key in ccmc_und_remediate.conf(5) is a handler option"
is "$(echo $keys | wc -w)" 17 "ccmc_und_remediate.conf(5) documents 17 keys"
T2="$T/conf"
for k in $keys; do
	case $k in
	store | dir | quarantine | state-dir) v=/srv/x ;;
	*-cmd) v=/bin/true ;;
	*-timeout | window) v=1s ;;
	deadline) v=30s ;;
	authentication-file) v="$T/auth" ;;
	smb-protocol) v=NT1 ;;
	use-kerberos | quarantine-require-mount) v= ;;
	*) v=2 ;;
	esac
	printf '%s = %s\n' "$k" "$v"
done >"$T2"
printf 'username = x\npassword = y\n' >"$T/auth"
chmod 600 "$T/auth"
chmod 600 "$T2"
out=$("$HANDLER" -f "$T2" -n OK HARD 1 2>&1)
is "$out" "DRY RUN: nothing to do: state is OK, not CRITICAL" "the handler accepts every documented key"

# The example ini file is read without a config error by both programs.
EXINI="$T/example.ini"
install -m 644 "$top_srcdir/examples/ccmc-und.ini" "$EXINI"
out=$("$PLUGIN" --extra-opts="ccmc_und@$EXINI" --extra-opts="@$EXINI")
like "$out" "/mnt/exch/Ccmcdata" "examples/ccmc-und.ini: the plugin reads its two sections (and looks at the store)"
unlike "$out" "config " "examples/ccmc-und.ini: without a config error"
if [ -x "$SUBAGENT" ]; then
	"$SUBAGENT" --extra-opts="ccmc_und@$EXINI" --extra-opts="@$EXINI" -h >/dev/null
	is "$?" 0 "examples/ccmc-und.ini: the subagent reads its two sections"
fi

# The README's Quick start is the two commands, and names the example data.
grep -qF './bootstrap && make demo' "$README"
ok $? "README: ./bootstrap && make demo"
grep -qF './bootstrap && make check' "$README"
ok $? "README: ./bootstrap && make check"
ok "$([ "$(wc -l <"$README")" -le 300 ]; echo $?)" "README: a user's README, at most 300 lines ($(wc -l <"$README"))"
# Every man page the README lists exists, and every one that exists is listed.
for m in "$top_srcdir"/man/*.[0-9]; do
	grep -qF "(man/${m##*/})" "$README" || echo "# not in the README: ${m##*/}"
done | grep -q . && ok 1 "README: lists every man page" || ok 0 "README: lists every man page"

# The plugin links libc only (and the sanitizer runtimes in a sanitizer build).
needed=$(readelf -d "$PLUGIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	grep -vE '^lib(asan|ubsan)\.so' | sort | tr '\n' ' ')
case "$needed" in
"" | "libc.so.6 ") ok 0 "the plugin links libc only (${needed:-statically})" ;;
*) ok 1 "the plugin links libc only"; echo "#   NEEDED: $needed" ;;
esac
readelf -d "$PLUGIN" | grep -q 'libnetsnmp'
ok $((! $?)) "and never net-snmp"

# The handler never runs a shell: none of libc's shell-running or PATH-searching calls is linked.
shellish=$(nm -D --undefined-only "$HANDLER" | grep -owE 'system|popen|execvp|execvpe|execlp|posix_spawnp|wordexp' | sort -u | tr '\n' ' ')
is "$shellish" "" "the handler links no system, popen, execvp, execlp, posix_spawnp or wordexp"
nm -D --undefined-only "$HANDLER" | grep -qw execve
ok $? "... and does link execve, so the list above was read from real symbols"

# The version comes from configure.ac; debian/changelog must say the same.
ac=$(sed -n 's/^AC_INIT(\[ccmc-und\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
deb=$(sed -n '1s/^ccmc-und (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
is "$deb" "$ac" "debian/changelog's version is configure.ac's ($ac)"

done_testing
