#!/usr/bin/python3
"""Holds a file open on the SMB server at 127.0.0.1:445, as a Windows antivirus or backup
agent does: others may read and delete it, and a delete then stays pending until it is
closed. Samba's Python client always dials port 445. For tests.
Usage: smbhold.py AUTHFILE SHARE PATH (PATH with backslashes); prints "held" once the file
is open, and closes it at the end of its standard input."""
import sys

from samba import credentials
from samba.samba3 import libsmb_samba_internal as libsmb
from samba.samba3 import param as s3param

FILE_READ_DATA = 0x1
SHARE_READ_WRITE_DELETE = 0x7

authfile, share, path = sys.argv[1:4]
auth = dict(line.split(" = ", 1) for line in open(authfile).read().splitlines() if " = " in line)
lp = s3param.get_context()
lp.load("/dev/null")
creds = credentials.Credentials()
creds.guess(lp)
creds.set_username(auth["username"])
creds.set_password(auth["password"])
conn = libsmb.Conn("127.0.0.1", share, lp, creds)
fnum = conn.create(path, DesiredAccess=FILE_READ_DATA, ShareAccess=SHARE_READ_WRITE_DELETE)
print("held", flush=True)
sys.stdin.read()
conn.close(fnum)
