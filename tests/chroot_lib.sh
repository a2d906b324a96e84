# What the chroot tests share (tests/svcctl.sh, tests/install_chroot.sh). Sourced.
# shellcheck shell=bash

# mirror: the Debian archive apt already uses: the first URIs line of a deb822 source, or a
# one-line source; security archives left out.
mirror() {
	local m
	m=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	echo "${m:-http://deb.debian.org/debian}"
}
