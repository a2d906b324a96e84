#!/bin/bash
# The documentation says what the program does, and the plugin ships as promised.
. "$top_srcdir/tests/lib.sh"

MAN="$top_srcdir/man/check_ccmc_und.1"
README="$top_srcdir/README.md"
HELP=$("$PLUGIN" --help)

# Options named in the usage text, and in the man page's SYNOPSIS.
usage_opts=$(printf '%s\n' "$HELP" | sed -n '/^Usage:/,/^$/p' | grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u)
man_opts=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$MAN" | grep -oE 'Fl -?[a-zA-Z][a-z-]*' |
	sed 's/^Fl /-/' | sort -u)
is "$(echo $man_opts)" "$(echo $usage_opts)" "the man page SYNOPSIS names the same options as the usage"

# Every option in --help is described in the man page's OPTIONS and in the README.
help_long=$(printf '%s\n' "$HELP" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
missing_man= missing_readme=
for o in $help_long; do
	grep -qE "Fl -${o#--}( |$)" "$MAN" || missing_man="$missing_man $o"
	grep -qF -- "$o" "$README" || missing_readme="$missing_readme $o"
done
is "$missing_man" "" "every long option is in the man page"
is "$missing_readme" "" "every long option is in the README"
ok $([ "$(printf '%s\n' "$help_long" | wc -l)" -ge 20 ]; echo $?) "the help names 20 or more long options"

grep -q '^\.Sh EXIT STATUS' "$MAN"
ok $? "the man page has an EXIT STATUS section"
if command -v mandoc >/dev/null; then
	lint=$(mandoc -Tlint -Wwarning "$MAN" 2>&1)
	is "$lint" "" "mandoc -Tlint finds nothing in the man page"
else
	ok 1 "mandoc is installed (apt-get install mandoc)"
fi

# The README's Quick start is the two commands, and names the example data.
grep -qF './bootstrap && make demo' "$README"
ok $? "README: ./bootstrap && make demo"
grep -qF './bootstrap && make check' "$README"
ok $? "README: ./bootstrap && make check"

# The plugin links libc only (and the sanitizer runtimes in a sanitizer build).
needed=$(readelf -d "$PLUGIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	grep -vE '^lib(asan|ubsan)\.so' | sort | tr '\n' ' ')
case "$needed" in
"" | "libc.so.6 ") ok 0 "the plugin links libc only (${needed:-statically})" ;;
*) ok 1 "the plugin links libc only"; echo "#   NEEDED: $needed" ;;
esac
readelf -d "$PLUGIN" | grep -q 'libnetsnmp'
ok $((! $?)) "and never net-snmp"

done_testing
