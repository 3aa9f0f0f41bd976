"""fcgi.py -- a minimal FastCGI client, to talk to a worker without nginx
(graceful-stop and inherited-socket tests need to hold a request open)."""
import socket
import struct

BEGIN, ABORT, END, PARAMS, STDIN, STDOUT, STDERR = 1, 2, 3, 4, 5, 6, 7


def record(rtype, content, rid=1):
    return struct.pack("!BBHHBx", 1, rtype, rid, len(content), 0) + content


def _nv(k, v):
    k, v = k.encode(), v.encode()
    def ln(n):
        return struct.pack("!B", n) if n < 128 else struct.pack("!I", n | 0x80000000)
    return ln(len(k)) + ln(len(v)) + k + v


def params_bytes(params):
    return b"".join(_nv(k, v) for k, v in params.items())


def begin(sock):
    sock.sendall(record(BEGIN, struct.pack("!HB5x", 1, 0)))


def send_params(sock, params, terminate=True):
    body = params_bytes(params)
    if body:
        sock.sendall(record(PARAMS, body))
    if terminate:
        sock.sendall(record(PARAMS, b""))


def send_stdin(sock, data=b""):
    if data:
        sock.sendall(record(STDIN, data))
    sock.sendall(record(STDIN, b""))


def read_response(sock):
    """Read until END_REQUEST; returns the STDOUT bytes (headers + body)."""
    out = b""
    buf = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack("!BBHHB", buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            content = buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == STDOUT:
                out += content
            elif rtype == END:
                return out
    return out


def request(path_or_sock, method="GET", uri="/healthz", body=b""):
    if isinstance(path_or_sock, socket.socket):
        s = path_or_sock
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path_or_sock)
    try:
        begin(s)
        send_params(s, {"REQUEST_METHOD": method, "DOCUMENT_URI": uri,
                        "CONTENT_LENGTH": str(len(body))})
        send_stdin(s, body)
        return read_response(s)
    finally:
        s.close()
