# A private Samba smbd on loopback, for tests/smb.sh and bench/smb.sh: its
# own configuration, databases and logs under one folder, so that nothing in
# /etc/samba or /var/lib/samba is read or written. Sourced; needs perl.
# shellcheck shell=bash

# smbd_port: a free TCP port on 127.0.0.1.
smbd_port() {
	perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1")->sockport'
}

# smbd_answers PORT: something accepts connections there, within 10 s.
smbd_answers() {
	perl -MIO::Socket::INET -MTime::HiRes=sleep -e '
		for (1 .. 200) { exit 0 if IO::Socket::INET->new("127.0.0.1:$ARGV[0]"); sleep 0.05 }
		exit 1' "$1"
}

# smbd_start DIR PORT [GLOBAL-LINE]: serves DIR/share as c$ (case-insensitive, writable)
# to user exadmin (password Secr3t!), with one extra [global] line such as
# "server max protocol = NT1". Its pid is then in DIR/pid/smbd.pid.
smbd_start() {
	local s=$1 port=$2
	id exadmin >/dev/null 2>&1 || useradd -M exadmin
	mkdir -p "$s"/{private,lock,state,cache,pid,ncalrpc,log} "$s/share"
	cat >"$s/smb.conf" <<EOF
[global]
  netbios name = EXCH55
  workgroup = CORP
  server role = standalone server
  smb ports = $port
  interfaces = 127.0.0.1
  bind interfaces only = yes
  private dir = $s/private
  lock directory = $s/lock
  state directory = $s/state
  cache directory = $s/cache
  pid directory = $s/pid
  ncalrpc dir = $s/ncalrpc
  log file = $s/log/%m.log
  passdb backend = tdbsam:$s/private/passdb.tdb
  server min protocol = NT1
  ${3:-}
  load printers = no
  disable spoolss = yes
[c\$]
  path = $s/share
  read only = no
  case sensitive = no
EOF
	printf 'Secr3t!\nSecr3t!\n' | smbpasswd -c "$s/smb.conf" -s -a exadmin >/dev/null &&
		"$(command -v smbd || echo /usr/sbin/smbd)" -D -s "$s/smb.conf" && smbd_answers "$port"
}

# smbd_stop DIR: stops that server and the children serving its connections.
smbd_stop() {
	local p
	p=$(cat "$1/pid/smbd.pid" 2>/dev/null) || return 0
	kill -CONT "$p" 2>/dev/null
	pkill -P "$p" 2>/dev/null
	kill "$p" 2>/dev/null
}
