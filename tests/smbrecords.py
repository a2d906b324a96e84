#!/usr/bin/env python3
"""Prints the SMB helper's records (lib/smbwire.h), read on stdin, one line each, for tests."""
import struct
import sys

d = sys.stdin.buffer.read()
o = 0
while o < len(d):
    t = chr(d[o])
    o += 1
    if t == 'O':
        e, n = struct.unpack_from('<iH', d, o)
        o += 6
        print('O', e, d[o:o + n].decode(errors='replace'))
        o += n
    elif t == 'E':
        k, s, m, n = struct.unpack_from('<BqqH', d, o)
        o += 19
        print('E', k, 0 if k == 2 else s, m, d[o:o + n].decode('utf-8', 'backslashreplace'))
        o += n
    elif t == 'D':
        print('D', struct.unpack_from('<i', d, o)[0])
        o += 4
    elif t == 'Z':
        print('Z')
    else:
        print(t, d[o:])
        break
