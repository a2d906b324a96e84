#!/usr/bin/env python3
"""A misbehaving SMB server on 127.0.0.1; tests/smb_hostile.sh runs the plugin and the handler
against it. Each scenario is a way a server can misbehave that a hostile sweep tried.

usage: fakesmb.py PORT SCENARIO
It logs anyone on (no check of the NTLMv2 answer), prints "connection" for each connection,
and answers the listing as SCENARIO says.
SMB2 scenarios (the client negotiates SMB2 first):
  ok              one entry 'a.und'
  loop            QUERY_DIRECTORY never ends: the same entry, answer after answer
  keepalive_flood after the CREATE, an endless stream of NetBIOS keep-alives, never the answer
  oplock_flood    after the CREATE, an endless stream of SMB2 frames with another message id
  names           entries named 'x\\n|y', 'a/b', 'c\\0d', '\\0hidden', lone surrogate
  deleted_session every QUERY_DIRECTORY answers NT_STATUS_USER_SESSION_DELETED
SMB1 scenarios (the client is run with -P NT1):
  nt1_ok          one entry 'a.und'
  nt1_stale       a first listing of /A in two pieces (fills the lister's buffer with
                  'staleN.und'), then /B: two pieces both at displacement 0 claiming 2x the size
  nt1_inplace     FIND_FIRST2 data in one piece (read in place) but the parameters come in
                  a second frame that overwrites the data
  nt1_drip        FIND_FIRST2 answer: pieces of 0 bytes, one a second, forever
"""
import socket, struct, sys, threading, time

PORT = int(sys.argv[1])
SC = sys.argv[2]
FT = 133000000000000000  # some time in 2022, 100 ns since 1601


def frame(b, t=0):
    return bytes([t]) + struct.pack('>I', len(b))[1:] + b


def recv_exact(c, n):
    d = b''
    while len(d) < n:
        x = c.recv(n - len(d))
        if not x:
            raise EOFError
        d += x
    return d


def recv_frame(c):
    h = recv_exact(c, 4)
    return recv_exact(c, int.from_bytes(h[1:], 'big'))


def entry(name, attrs=0x20, size=5, next_=0, raw=None):
    n = raw if raw is not None else name.encode('utf-16-le', 'surrogatepass')
    e = struct.pack('<IIQQQQQQII', 0, 0, FT, FT, FT, FT, size, 8, attrs, len(n)) + n
    return e


def entries(list_):
    out = b''
    for i, e in enumerate(list_):
        if i + 1 < len(list_):
            pad = (-len(e)) % 8
            e = e + b'\0' * pad
            e = struct.pack('<I', len(e)) + e[4:]
        out += e
    return out


def challenge():
    ti = struct.pack('<HH', 2, 8) + 'CORP'.encode('utf-16-le') + struct.pack('<HH', 0, 0)
    m = b'NTLMSSP\0' + struct.pack('<I', 2) + struct.pack('<HHI', 0, 0, 56) + struct.pack('<I', 0xa2898205)
    m += b'\x11' * 8 + b'\0' * 8 + struct.pack('<HHI', len(ti), len(ti), 56) + b'\0' * 8
    return m + ti

# ---------------------------------------------------------------- SMB2


def h2(req, status=0, cmd=None, mid=None, flags=1, tree=1, session=0x1234):
    rcmd = struct.unpack_from('<H', req, 12)[0] if cmd is None else cmd
    rmid = struct.unpack_from('<Q', req, 24)[0] if mid is None else mid
    return (b'\xfeSMB' + struct.pack('<HHIHHIIQ', 64, 1, status, rcmd, 64, flags, 0, rmid) +
            struct.pack('<IIQ', 0xfeff, tree, session) + b'\0' * 16)


def smb2(c, first):
    state = {'queries': 0, 'creates': 0}
    req = first
    while True:
        cmd = struct.unpack_from('<H', req, 12)[0]
        if cmd == 0:  # negotiate
            dial = struct.unpack_from('<H', req, 64 + 36)[0]
            body = struct.pack('<HHHH', 65, 1, 0x202, 0) + b'\x22' * 16 + struct.pack('<IIII', 0, 65536, 65536, 65536)
            body += struct.pack('<QQHHI', FT, 0, 128, 0, 0)
            c.sendall(frame(h2(req) + body))
        elif cmd == 1:  # session setup
            secoff, seclen = struct.unpack_from('<HH', req, 64 + 12)
            blob = req[secoff:secoff + seclen]
            if struct.unpack_from('<I', blob, 8)[0] == 1:
                ch = challenge()
                c.sendall(frame(h2(req, 0xC0000016) + struct.pack('<HHHH', 9, 0, 72, len(ch)) + ch))
            else:
                c.sendall(frame(h2(req) + struct.pack('<HHHH', 9, 0, 0, 0)))
        elif cmd == 3:
            c.sendall(frame(h2(req) + struct.pack('<HBBIII', 16, 1, 0, 0, 0, 0x1f01ff)))
        elif cmd == 5:  # create
            state['creates'] += 1
            body = struct.pack('<HBBI', 89, 0, 0, 1) + struct.pack('<QQQQQQII', FT, FT, FT, FT, 0, 0, 0x10, 0)
            body += struct.pack('<QQ', 7, 7) + struct.pack('<II', 0, 0)
            if SC in ('keepalive_flood', 'oplock_flood'):
                c.sendall(frame(h2(req) + body))
                req = recv_frame(c)  # the query
                mid = struct.unpack_from('<Q', req, 24)[0]
                if SC == 'keepalive_flood':
                    chunk = b'\x85\0\0\0' * 16384
                else:
                    ob = h2(req, 0, cmd=18, mid=0xffffffffffffffff) + struct.pack('<HBBI', 24, 1, 0, 0) + b'\0' * 16
                    chunk = frame(ob) * 512
                print('flooding', flush=True)
                while True:
                    c.sendall(chunk)
            c.sendall(frame(h2(req) + body))
        elif cmd == 14:  # query directory
            state['queries'] += 1
            first_q = req[64 + 3] & 1
            if SC == 'deleted_session':
                c.sendall(frame(h2(req, 0xC0000203) + struct.pack('<HBB', 9, 0, 0)))
            elif SC == 'loop' or first_q:
                if SC == 'names':
                    buf = entries([entry('x\n|y'), entry('a/b'), entry('evil.und\nCCMC_UND OK - fake | x=1'), entry('a/../b.und'), entry('', raw='c.und\0.x'.encode('utf-16-le')), entry('', raw='c\0d'.encode('utf-16-le')),
                                   entry('', raw='\0hidden'.encode('utf-16-le')),
                                   entry('', raw=b'\x00\xd8z\x00'), entry('ok.und')])
                else:
                    buf = entries([entry('a.und')])
                c.sendall(frame(h2(req) + struct.pack('<HHI', 9, 72, len(buf)) + buf))
            else:
                c.sendall(frame(h2(req, 0x80000006) + struct.pack('<HHI', 9, 0, 0) + b'\0'))
        elif cmd == 6:
            c.sendall(frame(h2(req) + struct.pack('<HHI', 60, 0, 0) + b'\0' * 52))
        elif cmd == 13:
            c.sendall(frame(h2(req) + struct.pack('<HH', 4, 0)))
        else:
            c.sendall(frame(h2(req, 0xC00000BB) + struct.pack('<HBB', 9, 0, 0)))
        req = recv_frame(c)

# ---------------------------------------------------------------- SMB1


def h1(req, status=0, uid=None, tid=None):
    cmd = req[4]
    tid_ = struct.unpack_from('<H', req, 24)[0] if tid is None else tid
    uid_ = struct.unpack_from('<H', req, 28)[0] if uid is None else uid
    return (b'\xffSMB' + bytes([cmd]) + struct.pack('<IBH', status, 0x98, 0xc801) + b'\0' * 12 +
            struct.pack('<HHHH', tid_, struct.unpack_from('<H', req, 26)[0], uid_,
                        struct.unpack_from('<H', req, 30)[0]))


def t2piece(req, tpar, tdata, par, pdisp, data, ddisp, status=0):
    # header 32 + wc 1 + 20 + bc 2 = 55; params at 56, data after, aligned to 4
    po = 56
    do = (po + len(par) + 3) & ~3
    words = struct.pack('<HHHHHHHHHBB', tpar, tdata, 0, len(par), po, pdisp, len(data), do if data else 0, ddisp, 0, 0)
    bc = do - 55 + len(data) if data else po - 55 + len(par)
    body = bytes([10]) + words + struct.pack('<H', bc)
    pkt = h1(req, status) + body + b'\0'
    pkt += par
    if data:
        pkt += b'\0' * (do - len(pkt)) + data
    return frame(pkt)


def smb1(c, req):
    nlist = 0
    while True:
        cmd = req[4]
        if cmd == 0x72:
            words = struct.pack('<HBHHIIIIQHB', 0, 3, 50, 1, 16644, 65536, 0, 0x8000d0fc & 0xffffffff | 0x80000000, 0, 0, 0)
            c.sendall(frame(h1(req) + bytes([17]) + words + struct.pack('<H', 16) + b'\x33' * 16))
        elif cmd == 0x73:
            bl = struct.unpack_from('<H', req, 32 + 1 + 14)[0]
            blob = req[32 + 27 + 2: 32 + 27 + 2 + bl]
            if b'NTLMSSP\0\x01' in req:
                ch = challenge()
                c.sendall(frame(h1(req, 0xC0000016, uid=100) + bytes([4]) + struct.pack('<BBHHH', 0xff, 0, 0, 0, len(ch)) +
                                struct.pack('<H', len(ch)) + ch))
            else:
                c.sendall(frame(h1(req, 0, uid=100) + bytes([4]) + struct.pack('<BBHHH', 0xff, 0, 0, 0, 0) + struct.pack('<H', 0)))
        elif cmd == 0x75:
            c.sendall(frame(h1(req, 0, tid=7) + bytes([3]) + struct.pack('<BBHH', 0xff, 0, 0, 1) + struct.pack('<H', 3) + b'A:\0'))
        elif cmd == 0x2b:
            c.sendall(frame(h1(req) + bytes([1]) + struct.pack('<H', 1) + struct.pack('<H', 1) + b'\0'))
        elif cmd == 0x32:
            sub = struct.unpack_from('<H', req, 32 + 29)[0]
            if sub == 1:
                nlist += 1
                par = struct.pack('<HHHHH', 5, 1, 1, 0, 0)
                if SC == 'nt1_ok':
                    d = entries([entry('a.und')])
                    c.sendall(t2piece(req, 10, len(d), par, 0, d, 0))
                elif SC == 'nt1_stale' and nlist == 1:
                    d = entries([entry('stale%d.und' % i) for i in range(40)])
                    half = len(d) // 2
                    c.sendall(t2piece(req, 10, len(d), par, 0, d[:half], 0))
                    c.sendall(t2piece(req, 10, len(d), b'', 10, d[half:], half))
                elif SC == 'nt1_stale':
                    d = entries([entry('b.und')])
                    # two pieces of the same bytes, at displacement 0, 'adding up' to 2x
                    total = 2 * 176  # the stale half starts on an entry of the first listing (88 bytes each)
                    d = d + b'\0' * (total // 2 - len(d))
                    d = struct.pack('<I', total // 2) + d[4:]  # next entry at the second half
                    c.sendall(t2piece(req, 10, total, par, 0, d, 0))
                    c.sendall(t2piece(req, 10, total, b'', 10, d, 0))
                elif SC == 'nt1_inplace':
                    d = entries([entry('a.und')])
                    c.sendall(t2piece(req, 10, len(d), b'', 0, d, 0))
                    c.sendall(t2piece(req, 10, len(d), par, 0, b'', 0))
                elif SC == 'nt1_drip':
                    d = entries([entry('a.und')])
                    c.sendall(t2piece(req, 10, len(d) + 8, par, 0, d, 0))
                    while True:
                        time.sleep(1)
                        c.sendall(t2piece(req, 10, len(d) + 8, b'', 10, b'', 0))
            else:
                c.sendall(frame(h1(req, 0xC0000034) + bytes([0]) + struct.pack('<H', 0)))
        else:
            c.sendall(frame(h1(req, 0xC00000BB) + bytes([0]) + struct.pack('<H', 0)))
        req = recv_frame(c)


def serve(c):
    try:
        req = recv_frame(c)
        if req[:4] == b'\xfeSMB':
            smb2(c, req)
        else:
            smb1(c, req)
    except (EOFError, ConnectionError, BrokenPipeError):
        pass
    finally:
        c.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', PORT))
s.listen(8)
while True:
    c, _ = s.accept()
    print("connection", flush=True)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
