#!/bin/sh
# check_production_template.sh -- render nginx/production.conf.template with
# throwaway certificates, check it with "nginx -t", then run it on free high
# ports and probe it with curl. TAP output.
#
# Worker pools during the run (all on 127.0.0.1):
#   xueji_parent,
#   xueji_auth      a fake FastCGI worker that echoes its parameters as JSON
#   xueji_psb,
#   xueji_school    two fake workers that read a request and hang up
#   xueji_exchange  a closed port (nginx answers 502)
# The fake workers need python3; without it those probes are skipped and the
# parent, PSB and school pools also point at the closed port.
#
# Environment: NGINX  nginx binary (default /usr/sbin/nginx)
#              srcdir source tree (default: two levels above this script);
#                     only read, everything is written to a mktemp dir.
#              XJ_KEEP_TMP=1 keeps the temporary directory for inspection.

set -u

PLAN=85
NGINX=${NGINX:-/usr/sbin/nginx}

# ---- locate the source tree -------------------------------------------
top=
for d in "${srcdir:-}" "${srcdir:-.}/.." "${srcdir:-.}/../.." \
    "$(dirname "$0")/../.."; do
	if [ -n "$d" ] && [ -f "$d/nginx/production.conf.template" ]; then
		top=$(cd "$d" && pwd)
		break
	fi
done
if [ -z "$top" ]; then
	echo "1..0 # SKIP nginx/production.conf.template not found"
	exit 0
fi
for tool in "$NGINX" openssl curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool not found"
		exit 0
	fi
done
template=$top/nginx/production.conf.template
params=$top/nginx/fastcgi_xueji_params
if command -v python3 >/dev/null 2>&1; then have_py=1; else have_py=0; fi

# ---- TAP helpers -----------------------------------------------------------
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# check DESCRIPTION COMMAND...: ok if the command succeeds
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else nok "$desc"; fi
}
# pycheck DESCRIPTION COMMAND...: like check, skipped without python3
pycheck() {
	if [ $have_py -eq 1 ]; then check "$@"; else skip "$1" "no python3"; fi
}
diag() { sed 's/^/# /' "$@" 2>/dev/null; }

# ---- temporary directory and cleanup ---------------------------------------
tmp=$(mktemp -d) || {
	echo "1..0 # SKIP cannot create a temporary directory"
	exit 0
}
nginx_pid=
fake_pid=

# stop_pid PID: TERM, wait up to 5 s, then KILL
stop_pid() {
	if kill -0 "$1" 2>/dev/null; then
		kill -TERM "$1" 2>/dev/null
		i=0
		while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
	! kill -0 "$1" 2>/dev/null
}
stop_nginx() {
	[ -n "$nginx_pid" ] || return 0
	stop_pid "$nginx_pid" || return 1
	nginx_pid=
}
stop_fake() {
	[ -n "$fake_pid" ] || return 0
	stop_pid "$fake_pid" || return 1
	fake_pid=
}
cleanup() {
	stop_nginx
	stop_fake
	if [ "${XJ_KEEP_TMP:-0}" = 1 ]; then
		echo "# kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..$PLAN"

# ---- throwaway PKI ---------------------------------------------------------
pki=$tmp/pki
mkdir "$pki"
cat >"$pki/openssl.cnf" <<'CNF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:xueji.test, DNS:exchange.xueji.test
[ client_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
CNF
ossl() { openssl "$@" >>"$pki/openssl.log" 2>&1; }
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
make_pki() {
	# public server certificate (self-signed)
	ossl req -config "$pki/openssl.cnf" -x509 $ec -days 2 \
	    -subj /CN=xueji.test -extensions server_ext \
	    -keyout "$pki/server.key" -out "$pki/server.crt" &&
	# the "ministry" CA and a client certificate it issued
	ossl req -config "$pki/openssl.cnf" -x509 $ec -days 2 \
	    -subj "/O=Test Ministry/CN=Test Ministry CA" -extensions ca_ext \
	    -keyout "$pki/ca.key" -out "$pki/ca.crt" &&
	ossl req -config "$pki/openssl.cnf" -new $ec \
	    -subj "/O=Test Ministry/CN=exchange client" \
	    -keyout "$pki/client.key" -out "$pki/client.csr" &&
	ossl x509 -req -in "$pki/client.csr" -CA "$pki/ca.crt" \
	    -CAkey "$pki/ca.key" -set_serial 2 -days 2 \
	    -extfile "$pki/openssl.cnf" -extensions client_ext \
	    -out "$pki/client.crt" &&
	# a client certificate from a CA nginx does not know
	ossl req -config "$pki/openssl.cnf" -x509 $ec -days 2 \
	    -subj /CN=rogue -extensions client_ext \
	    -keyout "$pki/rogue.key" -out "$pki/rogue.crt" &&
	chmod 600 "$pki"/*.key
}
check "throwaway server, CA and client certificates generated" make_pki ||
	diag "$pki/openssl.log"

# ---- static checks of the template -----------------------------------------
# directives only: comments may (and do) name what must not be used
directives() { sed -e 's/#.*//' "$template"; }
check "template never uses non_idempotent" \
	sh -c '! grep -n "non_idempotent"' <<DIRECTIVES
$(directives)
DIRECTIVES
check "fastcgi_next_upstream is exactly 'error timeout' (or off), 2 tries" \
	sh -c 'd=$(cat)
	    printf "%s\n" "$d" | grep -qE "^[[:space:]]*fastcgi_next_upstream[[:space:]]+error[[:space:]]+timeout;" &&
	    ! printf "%s\n" "$d" | grep -E "^[[:space:]]*fastcgi_next_upstream[[:space:]]" | grep -vqE "[[:space:]](error[[:space:]]+timeout|off);" &&
	    printf "%s\n" "$d" | grep -qE "^[[:space:]]*fastcgi_next_upstream_tries[[:space:]]+2;"' <<DIRECTIVES
$(directives)
DIRECTIVES
check "PSB location: fastcgi_next_upstream off, 128k bodies kept in memory" \
	sh -c 'b=$(sed -n "/location \/callback\/psb\/v1\/ {/,/}/p")
	    printf "%s\n" "$b" | grep -qE "^[[:space:]]*fastcgi_next_upstream[[:space:]]+off;" &&
	    printf "%s\n" "$b" | grep -qE "^[[:space:]]*client_max_body_size[[:space:]]+128k;" &&
	    printf "%s\n" "$b" | grep -qE "^[[:space:]]*client_body_buffer_size[[:space:]]+128k;"' <<DIRECTIVES
$(directives)
DIRECTIVES
check "template has no upstream keepalive and no fastcgi_keep_conn on" \
	sh -c '! grep -nE "^[[:space:]]*(keepalive[[:space:]]|fastcgi_keep_conn[[:space:]]+on)"' <<DIRECTIVES
$(directives)
DIRECTIVES
check "HSTS with includeSubDomains on every server (L10)" \
	sh -c 'n=$(grep -c "Strict-Transport-Security" ) ; [ "$n" -ge 2 ]' <<DIRECTIVES
$(directives | grep "add_header Strict-Transport-Security \"max-age=[0-9]*; includeSubDomains\" always;")
DIRECTIVES
check "no HSTS header without includeSubDomains" \
	sh -c '! grep "Strict-Transport-Security" | grep -v includeSubDomains' <<DIRECTIVES
$(directives)
DIRECTIVES
check "school API location is rate limited (M3)" \
	sh -c 'sed -n "/location \/api\/school\/v1\/ {/,/}/p" | grep -qE "^[[:space:]]*limit_req[[:space:]]+zone=xj_school[[:space:]]"' <<DIRECTIVES
$(directives)
DIRECTIVES
check "staff sign-in and password change: the school and the sign-in zone (M3)" \
	sh -c 'b=$(sed -n "/location ~ \^\/api\/school\/v1\/(?:session|account\/password)\$ {/,/}/p")
	    printf "%s\n" "$b" | grep -qE "^[[:space:]]*limit_req[[:space:]]+zone=xj_school[[:space:]]" &&
	    printf "%s\n" "$b" | grep -qE "^[[:space:]]*limit_req[[:space:]]+zone=xj_staff_login[[:space:]]"' <<DIRECTIVES
$(directives)
DIRECTIVES
check "SMS codes, sign-up and reset: the parent and the code zone" \
	sh -c 'b=$(sed -n "/location ~ \^\/api\/parent\/v1\/(?:sms-codes|accounts|password-reset)\$ {/,/}/p")
	    printf "%s\n" "$b" | grep -qE "^[[:space:]]*limit_req[[:space:]]+zone=xj_parent[[:space:]]" &&
	    printf "%s\n" "$b" | grep -qE "^[[:space:]]*limit_req[[:space:]]+zone=xj_parent_code[[:space:]]"' <<DIRECTIVES
$(directives)
DIRECTIVES
# issue 15 D3: the dev configuration every test runs is the deployed one
# where a worker's failure or slowness shows: the same FastCGI directives
# at http level, and the same max_fails/fail_timeout on its servers
fcgi_rules() {
	sed -n '1,/^[[:space:]]*server[[:space:]]*{/p' "$1" |
	    grep -E '^[[:space:]]*fastcgi_(keep_conn|next_upstream|next_upstream_tries|next_upstream_timeout|connect_timeout|send_timeout|read_timeout|request_buffering|buffering|buffer_size|buffers|busy_buffers_size|intercept_errors)[[:space:]]' |
	    sed 's/[[:space:]]\+/ /g; s/^ //' | sort
}
check "D3: dev.conf.in has the template's FastCGI directives, value for value" \
	sh -c '[ "$(cat "$1")" = "$(cat "$2")" ] || { diff "$1" "$2" | sed "s/^/# /"; exit 1; }' - \
	"$(fcgi_rules "$template" > "$tmp/fcgi.prod"; echo "$tmp/fcgi.prod")" \
	"$(fcgi_rules "$top/nginx/dev.conf.in" > "$tmp/fcgi.dev"; echo "$tmp/fcgi.dev")"
check "D3: the test stacks' worker servers fail over like the template's (max_fails=3 fail_timeout=10s)" \
	grep -q 'max_fails=3 fail_timeout=10s' "$top/scripts/stack.py"
check "access log format has no query string or body" \
	sh -c '! sed -n "/log_format/,/;\$/p" "$1" | grep -nE "\\\$(request_uri|query_string|args|request_body|request[^_]|http_referer)"' - "$template"
check "fastcgi_xueji_params passes every parameter the worker reads" \
	sh -c 'for p in REQUEST_METHOD DOCUMENT_URI REQUEST_URI QUERY_STRING CONTENT_TYPE CONTENT_LENGTH REMOTE_ADDR SERVER_PROTOCOL HTTPS REQUEST_ID; do grep -qE "^fastcgi_param[[:space:]]+$p[[:space:]]" "$1" || { echo "# missing $p"; exit 1; }; done' - "$params"

# ---- fake FastCGI workers ----------------------------------------------------
cat >"$tmp/fakefcgi.py" <<'PY'
# fakefcgi.py LOG READY MODE:PORT... -- minimal FastCGI responders.
# "echo" answers 200 with the request's parameters as JSON; "drop" reads the
# whole request and closes the connection without an answer. Every request
# received is appended to LOG as one JSON line.
import json, os, socket, struct, sys, threading

log_path, ready_path = sys.argv[1], sys.argv[2]
lock = threading.Lock()

def recv_exact(c, n):
    b = b""
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b

def nv_pairs(data):
    out, i = {}, 0
    def length():
        nonlocal i
        if data[i] < 128:
            i += 1
            return data[i - 1]
        i += 4
        return struct.unpack(">I", data[i - 4:i])[0] & 0x7fffffff
    while i < len(data):
        nl = length()
        vl = length()
        out[data[i:i + nl].decode("latin-1")] = \
            data[i + nl:i + nl + vl].decode("utf-8", "replace")
        i += nl + vl
    return out

def record(rtype, rid, content):
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBx", 1, rtype, rid, len(content), pad) + \
        content + b"\0" * pad

def serve(c, mode, port):
    try:
        params, body, rid = b"", b"", 1
        while True:
            _, rtype, rid, clen, plen = struct.unpack(">BBHHBx", recv_exact(c, 8))
            content = recv_exact(c, clen) if clen else b""
            if plen:
                recv_exact(c, plen)
            if rtype == 4:
                params += content
            elif rtype == 5:
                if not content:
                    break
                body += content
        p = nv_pairs(params)
        with lock, open(log_path, "a") as f:
            f.write(json.dumps({"port": port, "mode": mode, "params": p,
                                "body_len": len(body)}) + "\n")
        if mode == "drop":
            return
        out = json.dumps({"params": p, "body_len": len(body)}).encode()
        data = ("Status: 200 OK\r\n"
                "Content-Type: application/json; charset=utf-8\r\n"
                "X-Request-Id: %s\r\nX-Content-Type-Options: nosniff\r\n"
                "Cache-Control: no-store\r\n\r\n"
                % p.get("REQUEST_ID", "")).encode() + out
        msg = b"".join(record(6, rid, data[k:k + 32768])
                       for k in range(0, len(data), 32768))
        msg += record(6, rid, b"") + record(3, rid, struct.pack(">IBxxx", 0, 0))
        c.sendall(msg)
    except (EOFError, OSError):
        pass
    finally:
        c.close()

def accept_loop(s, mode, port):
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, mode, port), daemon=True).start()

socks = []
for arg in sys.argv[3:]:
    mode, port = arg.split(":")
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(port)))
    s.listen(64)
    socks.append((s, mode, int(port)))
for s, mode, port in socks:
    threading.Thread(target=accept_loop, args=(s, mode, port), daemon=True).start()
with open(ready_path, "w") as f:
    f.write(str(os.getpid()))
threading.Event().wait()
PY
fake_log=$tmp/fake.log
: >"$fake_log"

start_fake() {
	[ $have_py -eq 1 ] || return 0
	rm -f "$tmp/fake.ready"
	python3 "$tmp/fakefcgi.py" "$fake_log" "$tmp/fake.ready" \
	    "echo:$echo_port" "drop:$drop1_port" "drop:$drop2_port" \
	    2>"$tmp/fake.err" &
	fake_pid=$!
	i=0
	while [ $i -lt 50 ]; do
		[ -s "$tmp/fake.ready" ] && return 0
		kill -0 "$fake_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	stop_fake
	return 1
}

# ---- rendering -------------------------------------------------------------
if id -u www-data >/dev/null 2>&1; then nginx_user=www-data; else nginx_user=nobody; fi
# Workers run as $nginx_user when we are root: let them read the static
# root; keys stay 0600 in $pki (only the master reads them).
chmod 755 "$tmp"
chmod 700 "$pki"
mkdir -p "$tmp/www/school" "$tmp/var"
echo '<!doctype html><title>parent</title>' >"$tmp/www/index.html"
echo '<!doctype html><title>school</title>' >"$tmp/www/school/index.html"
chmod -R a+rX "$tmp/www"

conf=$tmp/nginx.conf
render() {
	if [ $have_py -eq 1 ]; then
		parent=127.0.0.1:$echo_port
		psb1=127.0.0.1:$drop1_port
		psb2=127.0.0.1:$drop2_port
	else
		parent=127.0.0.1:$dead_port
		psb1=$parent
		psb2=$parent
	fi
	sed -e "s|@NGINX_USER@|$nginx_user|g" \
	    -e "s|@PID_FILE@|$tmp/nginx.pid|g" \
	    -e "s|@ERROR_LOG@|$tmp/error.log|g" \
	    -e "s|@ACCESS_LOG@|$tmp/access.log|g" \
	    -e "s|@TEMP_DIR@|$tmp/var|g" \
	    -e "s|@SERVER_NAME@|xueji.test|g" \
	    -e "s|@EXCHANGE_SERVER_NAME@|exchange.xueji.test|g" \
	    -e "s|@HTTP_PORT@|$http_port|g" \
	    -e "s|@HTTPS_PORT@|$https_port|g" \
	    -e "s|@EXCHANGE_PORT@|$exchange_port|g" \
	    -e "s|@PSB_PORT@|$psb_port|g" \
	    -e "s|@PSB_CA@|$pki/ca.crt|g" \
	    -e "s|@TLS_CERT@|$pki/server.crt|g" \
	    -e "s|@TLS_KEY@|$pki/server.key|g" \
	    -e "s|@MINISTRY_CA@|$pki/ca.crt|g" \
	    -e "s|@LB_CIDR@|127.0.0.1/32|g" \
	    -e "s|@PSB_GATEWAY_CIDR@|192.0.2.0/24|g" \
	    -e "s|@STATIC_ROOT@|$tmp/www|g" \
	    -e "s|@FASTCGI_PARAMS@|$params|g" \
	    -e "s|@PARENT_HOST_[0-9]@|$parent|g" \
	    -e "s|@AUTH_HOST_[0-9]@|$parent|g" \
	    -e "s|@SCHOOL_HOST_1@|$psb1|g" \
	    -e "s|@SCHOOL_HOST_2@|$psb2|g" \
	    -e "s|@EXCHANGE_HOST_[0-9]@|127.0.0.1:$dead_port|g" \
	    -e "s|@PSB_HOST_1@|$psb1|g" \
	    -e "s|@PSB_HOST_2@|$psb2|g" \
	    "$template" >"$conf"
}

rand16() {
	r=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
	echo "${r:-$$}"
}
# nothing listens on 127.0.0.1:$1 (curl: "couldn't connect" is exit 7)
port_closed() {
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" >/dev/null 2>&1
	[ $? -eq 7 ]
}
pick_ports() {
	while :; do
		base=$((20000 + $(rand16) % 40000))
		http_port=$base
		https_port=$((base + 1))
		exchange_port=$((base + 2))
		dead_port=$((base + 3))
		echo_port=$((base + 4))
		drop1_port=$((base + 5))
		drop2_port=$((base + 6))
		psb_port=$((base + 7))
		p=$base
		while [ $p -le $((base + 7)) ] && port_closed $p; do
			p=$((p + 1))
		done
		[ $p -gt $((base + 7)) ] && return 0
	done
}

pick_ports
render
check "every placeholder replaced" \
	sh -c '! grep -nE "@[A-Z][A-Z0-9_]*@" "$1"' - "$conf" ||
	grep -nE '@[A-Z][A-Z0-9_]*@' "$conf" | diag

"$NGINX" -t -q -c "$conf" -p "$tmp/" >"$tmp/nginx-t.out" 2>&1
rc=$?
check "nginx -t accepts the rendered configuration" [ $rc -eq 0 ] ||
	diag "$tmp/nginx-t.out"

# ---- start the fake workers and nginx (new ports if one was taken) ---------
start_nginx() {
	rm -f "$tmp/nginx.pid"
	"$NGINX" -c "$conf" -p "$tmp/" -g 'daemon off;' \
	    >"$tmp/nginx.out" 2>&1 &
	nginx_pid=$!
	i=0
	while [ $i -lt 100 ]; do
		[ -s "$tmp/nginx.pid" ] && return 0
		kill -0 "$nginx_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	stop_nginx
	return 1
}
started=0
tries=0
while [ $tries -lt 5 ]; do
	tries=$((tries + 1))
	if ! start_fake; then
		pick_ports
		render
		continue
	fi
	if start_nginx; then
		started=1
		break
	fi
	stop_fake
	grep -q 'in use' "$tmp/nginx.out" "$tmp/error.log" 2>/dev/null || break
	# another process took a port between pick_ports and nginx's bind:
	# keep the attempt's log for reading, and start the next one clean,
	# or its [emerg] bind() line would fail the last check
	cat "$tmp/error.log" >>"$tmp/error-tries.log" 2>/dev/null
	: >"$tmp/error.log"
	pick_ports
	render
done
check "fake workers and nginx start from the rendered configuration" \
	[ $started -eq 1 ] || {
	diag "$tmp/fake.err"
	diag "$tmp/nginx.out"
	diag "$tmp/error.log"
}
# what a request that reaches the parent pool gets back
if [ $have_py -eq 1 ]; then reach=200; else reach=502; fi

# ---- probes ----------------------------------------------------------------
# req NAME CURL-ARGS...: headers in $tmp/NAME.h, body in $tmp/NAME.b; prints
# the status code (000 when there was no HTTP answer)
req() {
	name=$1
	shift
	curl -sS -k --max-time 15 -D "$tmp/$name.h" -o "$tmp/$name.b" \
	    -w '%{http_code}' "$@" 2>"$tmp/$name.err"
	true
}
pub() { echo "--resolve xueji.test:$https_port:127.0.0.1 https://xueji.test:$https_port$1"; }
psbp() { echo "--resolve xueji.test:$psb_port:127.0.0.1 https://xueji.test:$psb_port$1"; }
exch() { echo "--resolve exchange.xueji.test:$exchange_port:127.0.0.1 https://exchange.xueji.test:$exchange_port$1"; }
# hdr NAME HEADER: value of the last such header
hdr() {
	tr -d '\r' <"$tmp/$1.h" 2>/dev/null | grep -i "^$2:" | tail -n 1 |
	    sed 's/^[^:]*:[[:space:]]*//'
}
# is_status NAME WANT GOT
is_status() {
	[ "$3" = "$2" ] && return 0
	echo "# $1: status $3, expected $2"
	diag "$tmp/$1.err"
	diag "$tmp/$1.b"
	return 1
}
# json_error NAME CODE: the body is the worker's error format with CODE and
# the request id nginx sent as X-Request-Id; the Content-Type is JSON
json_error() {
	rid=$(hdr "$1" X-Request-Id)
	ct=$(hdr "$1" Content-Type)
	case $ct in
	application/json*) ;;
	*) echo "# $1: Content-Type '$ct'"; return 1 ;;
	esac
	if [ $have_py -eq 1 ]; then
		python3 - "$tmp/$1.b" "$2" "$rid" <<'PY' || { diag "$tmp/$1.b"; return 1; }
import json, sys
body, code, rid = sys.argv[1:4]
e = json.load(open(body, encoding="utf-8"))["error"]
assert e["code"] == code, e["code"]
assert e["message"] and e["message_en"], e
assert "field" in e and e["field"] is None, e
assert len(rid) == 32 and e["request_id"] == rid, (e["request_id"], rid)
PY
	else
		[ -n "$rid" ] &&
		    grep -q "\"code\":\"$2\"" "$tmp/$1.b" &&
		    grep -q "\"request_id\":\"$rid\"" "$tmp/$1.b" && return 0
		diag "$tmp/$1.b"
		return 1
	fi
}
has_hdr() { # NAME HEADER PATTERN (grep -E on the value)
	v=$(hdr "$1" "$2")
	printf '%s\n' "$v" | grep -qE "$3" && return 0
	echo "# $1: $2: '$v'"
	return 1
}
hdr_count() { # NAME HEADER: how many times it was sent
	tr -d '\r' <"$tmp/$1.h" 2>/dev/null | grep -ci "^$2:"
}
fake_count() { wc -l <"$fake_log" | tr -d ' '; }

blob() { dd if=/dev/zero bs=1024 count="$1" 2>/dev/null | tr '\0' a; }
blob 60 >"$tmp/60k"
blob 70 >"$tmp/70k"
blob 1024 >"$tmp/1m"
blob 5120 >"$tmp/5m"
blob 9216 >"$tmp/9m"
secret=110101199003074321

# -- school pool failing (workers hang up): nginx's 502 as JSON. The first
#    request reaches both workers (a GET is retried once; checked below
#    with the PSB pool); after that max_fails takes them out for a while.
s0=$(fake_count)
s=$(req s502 $(pub "/api/school/v1/x?idno=$secret"))
s1=$(fake_count)
s502_status=$s
check "school API with its pool failing: 502" is_status s502 502 "$s"
check "502 body is JSON upstream_unavailable with the request id" \
	json_error s502 upstream_unavailable
check "502 has Retry-After" has_hdr s502 Retry-After '^[0-9]+$'
check "502 has X-Request-Id, HSTS, nosniff, X-Frame-Options DENY, no-referrer" \
	sh -c 'for h in "X-Request-Id:^[0-9a-f]{32}\$" "Strict-Transport-Security:max-age=" "X-Content-Type-Options:^nosniff\$" "X-Frame-Options:^DENY\$" "Referrer-Policy:^no-referrer\$"; do
		v=$(tr -d "\r" <"$1" | grep -i "^${h%%:*}:" | tail -n 1 | sed "s/^[^:]*:[[:space:]]*//")
		printf "%s\n" "$v" | grep -qE "${h#*:}" || { echo "# ${h%%:*}: $v"; exit 1; }
	done' - "$tmp/s502.h"
check "API answer carries the API Content-Security-Policy" \
	has_hdr s502 Content-Security-Policy "default-src 'none'"
check "Server header does not reveal the nginx version" \
	sh -c '! tr -d "\r" <"$1" | grep -iE "^server:.*[0-9]"' - "$tmp/s502.h"

# -- access log: JSON with request id and path, no query string
sleep 0.2
check "access log line is JSON with request_id, path, status, timings, upstream" \
	sh -c 'rid=$(tr -d "\r" <"$2" | grep -i "^x-request-id:" | sed "s/^[^:]*:[[:space:]]*//")
	line=$(grep "\"request_id\":\"$rid\"" "$1" | tail -n 1)
	[ -n "$rid" ] && [ -n "$line" ] || exit 1
	for k in status request_time upstream_response_time upstream_addr; do
		printf "%s\n" "$line" | grep -q "\"$k\":" || { echo "# no $k: $line"; exit 1; }
	done
	printf "%s\n" "$line" | grep -q "\"path\":\"/api/school/v1/x\"" || { echo "# $line"; exit 1; }
	if command -v python3 >/dev/null 2>&1; then
		printf "%s\n" "$line" | python3 -c "import json,sys; json.loads(sys.stdin.read())" || exit 1
	fi' - "$tmp/access.log" "$tmp/s502.h"
check "access log holds no query string" \
	sh -c '! grep -q "$2" "$1"' - "$tmp/access.log" "$secret"

# -- the parent pool (echo worker): parameters and headers
s=$(req echo -X POST -H 'Content-Type: application/json' -H 'X-Forwarded-For: 192.0.2.9' \
	-H 'Proxy: http://evil.example/' -H 'X-Request-Id: client-chosen-id' \
	--data-binary '{}' $(pub '/api/parent/v1/echo?a=1'))
pycheck "parent API reaches its pool (200 from the echo worker)" is_status echo 200 "$s"
echo_params() {
	python3 - "$tmp/echo.b" "$(hdr echo X-Request-Id)" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["params"]
want = {
    "REQUEST_METHOD": "POST",
    "DOCUMENT_URI": "/api/parent/v1/echo",
    "REQUEST_URI": "/api/parent/v1/echo?a=1",
    "QUERY_STRING": "a=1",
    "CONTENT_TYPE": "application/json",
    "CONTENT_LENGTH": "2",
    "REMOTE_ADDR": "192.0.2.9",   # realip from the trusted LB's header
    "SERVER_PROTOCOL": "HTTP/2.0",
    "HTTPS": "on",
    "REQUEST_ID": sys.argv[2],     # nginx's id, not the client's
}
bad = {k: (p.get(k), v) for k, v in want.items() if p.get(k) != v}
if p.get("HTTP_PROXY"):            # httpoxy: a client's "Proxy:" header
    bad["HTTP_PROXY"] = (p["HTTP_PROXY"], "absent or empty")
if len(sys.argv[2]) != 32 or bad:
    print("# got, wanted:", bad)
    sys.exit(1)
PY
}
pycheck "worker gets the parameters of fastcgi_xueji_params (realip, REQUEST_ID, HTTPS)" echo_params
pycheck "worker's X-Request-Id and nosniff are not sent twice" \
	sh -c '[ "$(tr -d "\r" <"$1" | grep -ci "^x-request-id:")" = 1 ] &&
	    [ "$(tr -d "\r" <"$1" | grep -ci "^x-content-type-options:")" = 1 ] &&
	    tr -d "\r" <"$1" | grep -qi "^cache-control: no-store"' - "$tmp/echo.h"

s=$(req form $(pub /api/parent/v1/registrations/26-110105-0000001-X/form))
req notform $(pub /api/parent/v1/registrations/26-110105-0000001-X) >/dev/null
pycheck "the printable form gets no API CSP from nginx (the worker sends its own)" \
	sh -c '[ "$1" = 200 ] && [ "$(tr -d "\r" <"$2" | grep -ci "^content-security-policy:")" = 0 ] &&
	    tr -d "\r" <"$3" | grep -qi "^content-security-policy: default-src .none."' \
	- "$s" "$tmp/form.h" "$tmp/notform.h"
s=$(req notice $(pub /api/parent/v1/registrations/26-110105-0000001-X/notice))
pycheck "the admission notice gets no API CSP from nginx (the worker sends its own)" \
	sh -c '[ "$1" = 200 ] && [ "$(tr -d "\r" <"$2" | grep -ci "^content-security-policy:")" = 0 ]' \
	- "$s" "$tmp/notice.h"
# the school pool is down in this harness (its answers are nginx's 502
# page): the map rows themselves are checked
check "the printable certificate and the admission notice get no API CSP from nginx (the worker sends its own)" \
	sh -c 'grep -qF "\"~^/api/school/v1/status-certificates/[^/]+/print\$\"  \"\";" "$1" &&
	    grep -qF "\"~^/api/school/v1/admissions/[^/]+/notice\$\"  \"\";" "$1"' - "$template"

# -- bodies: 64k limit on JSON APIs, kept in memory
s=$(req p60k -X POST -H 'Content-Type: application/json' --data-binary "@$tmp/60k" $(pub /api/parent/v1/x))
check "60 KiB POST to the parent API passes the size limit ($reach)" is_status p60k $reach "$s"
check "no request body was written to a temporary file" \
	sh -c '! grep -q "buffered to a temporary file" "$1"' - "$tmp/error.log"
s=$(req p70k -X POST -H 'Content-Type: application/json' --data-binary "@$tmp/70k" $(pub /api/parent/v1/x))
check "70 KiB POST to the parent API over HTTP/2: 413" is_status p70k 413 "$s"
check "HTTP/2 413 body is JSON body_too_large" json_error p70k body_too_large
s=$(req s70k --http1.1 -X POST -H 'Content-Type: application/json' --data-binary "@$tmp/70k" $(pub /api/school/v1/x))
check "70 KiB POST to the school API over HTTP/1.1: 413" is_status s70k 413 "$s"
check "HTTP/1.1 413 body is JSON body_too_large" json_error s70k body_too_large

# -- routing
s=$(req nf $(pub /api/nope))
check "unknown /api/ path: 404" is_status nf 404 "$s"
check "404 body is JSON not_found" json_error nf not_found
s=$(req pubex $(pub /api/exchange/v1/x))
check "exchange API is not served on the public port (404)" is_status pubex 404 "$s"
s=$(req hz $(pub /healthz))
check "/healthz goes to a pool (502 with the school pool failing)" is_status hz 502 "$s"
s=$(req ref $(pub /api/ref/v1/ethnicities))
check "/api/ref/v1/ goes to a pool (502 with the school pool failing)" is_status ref 502 "$s"

# -- PSB callbacks: their own port with mutual TLS (review L6), gateway
#    range only (realip trusts the LB's X-Forwarded-For).
s=$(req psbpub -X POST -H 'X-Forwarded-For: 192.0.2.7' --data-binary '{}' $(pub /callback/psb/v1/results))
check "PSB callbacks are not served on the public port (404)" is_status psbpub 404 "$s"
s=$(req psbnc -X POST -H 'X-Forwarded-For: 192.0.2.7' --data-binary '{}' $(psbp /callback/psb/v1/results))
check "PSB port without a client certificate: 400" is_status psbnc 400 "$s"
s=$(req psbrog -X POST -H 'X-Forwarded-For: 192.0.2.7' --data-binary '{}' \
	--cert "$pki/rogue.crt" --key "$pki/rogue.key" $(psbp /callback/psb/v1/results))
check "PSB port with a certificate from an unknown CA: 400" is_status psbrog 400 "$s"
#    The pool's two workers hang up after reading a request: a POST must
#    not be replayed on the other one, and neither may a GET here (a pull
#    leases requests), while the school pool's first GET above was retried.
s=$(req psb1 -X POST --data-binary '{}' --cert "$pki/client.crt" --key "$pki/client.key" $(psbp /callback/psb/v1/result))
check "PSB callback from outside the gateway range: 403" is_status psb1 403 "$s"
check "403 body is JSON forbidden" json_error psb1 forbidden
c0=$(fake_count)
s=$(req psb2 -X POST -H 'Content-Type: application/json' --data-binary '{}' \
	-H 'X-Forwarded-For: 192.0.2.7' --cert "$pki/client.crt" --key "$pki/client.key" $(psbp /callback/psb/v1/result))
c1=$(fake_count)
check "PSB callback from the gateway range via the LB reaches the pool (502)" \
	is_status psb2 502 "$s"
pycheck "a POST the worker dropped is not replayed on another worker (1 delivery)" \
	sh -c '[ $(($2 - $1)) -eq 1 ] || { echo "# deliveries: $(($2 - $1))"; exit 1; }' - "$c0" "$c1"
s=$(req psb3 -H 'X-Forwarded-For: 192.0.2.7' --cert "$pki/client.crt" --key "$pki/client.key" $(psbp /callback/psb/v1/requests))
c2=$(fake_count)
pycheck "a PSB pull (GET) the worker dropped is not resent to another worker (1 delivery)" \
	sh -c '[ "$3" = 502 ] && [ $(($2 - $1)) -eq 1 ] || { echo "# status $3, deliveries: $(($2 - $1))"; exit 1; }' - "$c1" "$c2" "$s"
pycheck "a GET the worker dropped is retried once on the other worker (2 deliveries)" \
	sh -c '[ "$3" = 502 ] && [ $(($2 - $1)) -eq 2 ] || { echo "# status $3, deliveries: $(($2 - $1))"; exit 1; }' - "$s0" "$s1" "$s502_status"
blob 100 >"$tmp/100k"
blob 130 >"$tmp/130k"
s=$(req psb4 -X POST -H 'Content-Type: application/json' -H 'X-Forwarded-For: 192.0.2.7' \
	--data-binary "@$tmp/100k" --cert "$pki/client.crt" --key "$pki/client.key" $(psbp /callback/psb/v1/results))
check "100 KiB POST to the PSB callbacks passes the 128k limit (502)" is_status psb4 502 "$s"
s=$(req psb5 -X POST -H 'Content-Type: application/json' -H 'X-Forwarded-For: 192.0.2.7' \
	--data-binary "@$tmp/130k" --cert "$pki/client.crt" --key "$pki/client.key" $(psbp /callback/psb/v1/results))
check "130 KiB POST to the PSB callbacks: 413" is_status psb5 413 "$s"

# -- static pages
s=$(req st $(pub /))
check "parent portal page: 200" is_status st 200 "$s"
check "static page has the page Content-Security-Policy" \
	has_hdr st Content-Security-Policy "default-src 'self'"
check "static page has no Retry-After" [ "$(hdr_count st Retry-After)" = 0 ]
s=$(req st2 $(pub /school/))
check "school portal page: 200" is_status st2 200 "$s"
check "static page has X-Frame-Options DENY and X-Request-Id" \
	sh -c 'tr -d "\r" <"$1" | grep -qi "^x-frame-options: DENY$" &&
	    tr -d "\r" <"$1" | grep -qiE "^x-request-id: [0-9a-f]{32}$"' - "$tmp/st2.h"

# -- HTTP -> HTTPS
s=$(req redir "http://127.0.0.1:$http_port/school/?a=1")
check "plain HTTP: 301" is_status redir 301 "$s"
check "redirect goes to https:// with the same path" \
	has_hdr redir Location '^https://[^/]+/school/\?a=1$'

# -- ministry exchange, mutual TLS
s=$(req ex0 $(exch /api/exchange/v1/x))
check "exchange without a client certificate: 400" is_status ex0 400 "$s"
check "that 400 is JSON client_certificate_required" json_error ex0 client_certificate_required
s=$(req ex1 --cert "$pki/rogue.crt" --key "$pki/rogue.key" $(exch /api/exchange/v1/x))
check "exchange with a certificate from an unknown CA: 400" is_status ex1 400 "$s"
check "that 400 is JSON client_certificate_invalid" json_error ex1 client_certificate_invalid
s=$(req ex2 --cert "$pki/client.crt" --key "$pki/client.key" $(exch /api/exchange/v1/x))
check "exchange with a ministry certificate reaches the pool (502)" is_status ex2 502 "$s"
ex2_json() {
	json_error ex2 upstream_unavailable && has_hdr ex2 Retry-After '^[0-9]+$'
}
check "exchange 502 is JSON upstream_unavailable with Retry-After" ex2_json
s=$(req ex3 --cert "$pki/client.crt" --key "$pki/client.key" -X POST \
	-H 'Content-Type: application/xml' --data-binary "@$tmp/1m" $(exch /api/exchange/v1/x))
check "1 MiB exchange POST passes the 4m limit (502, pool down)" is_status ex3 502 "$s"
s=$(req ex4 --cert "$pki/client.crt" --key "$pki/client.key" -X POST \
	-H 'Content-Type: application/xml' --data-binary "@$tmp/5m" $(exch /api/exchange/v1/x))
check "5 MiB exchange POST: 413" is_status ex4 413 "$s"
check "exchange 413 is JSON body_too_large" json_error ex4 body_too_large
# issue 13: the inbound messages, 8m for one message of [exchange] message_limit
s=$(req ex5 -X POST -H 'Content-Type: application/xml' --data-binary "@$tmp/1m" \
	$(exch /exchange/ministry/v1/messages))
check "ministry messages without a client certificate: 400" is_status ex5 400 "$s"
s=$(req ex6 --cert "$pki/client.crt" --key "$pki/client.key" -X POST \
	-H 'Content-Type: application/xml' --data-binary "@$tmp/5m" $(exch /exchange/ministry/v1/messages))
check "5 MiB ministry message passes the 8m limit (502, pool down)" is_status ex6 502 "$s"
s=$(req ex7 --cert "$pki/client.crt" --key "$pki/client.key" -X POST \
	-H 'Content-Type: application/xml' --data-binary "@$tmp/9m" $(exch /exchange/ministry/v1/messages))
check "9 MiB ministry message: 413 body_too_large" json_error ex7 body_too_large
s=$(req pubmsg -X POST -H 'Content-Type: application/xml' --data-binary '<m/>' \
	$(pub /exchange/ministry/v1/messages))
check "ministry messages are not taken on the public port" is_status pubmsg 403 "$s"

# -- rate limits: sign-in 1r/s burst 5, counted for POST only
codes=
i=0
while [ $i -lt 12 ]; do
	s=$(req login$i -X POST -H 'Content-Type: application/json' --data-binary '{}' \
	    $(pub /api/parent/v1/session))
	codes="$codes $s"
	i=$((i + 1))
done
echo "# sign-in burst:$codes"
check "sign-in burst: the first attempts reach the pool ($reach)" \
	sh -c 'set -- $1; [ "$1" = "$2" ] && [ "$5" = "$2" ]' - "$codes $reach"
check "sign-in burst: later attempts get 429" \
	sh -c 'set -- $1; [ "${12}" = 429 ]' - "$codes"
check "429 body is JSON rate_limited" json_error login11 rate_limited
codes=
i=0
while [ $i -lt 8 ]; do
	s=$(req sess$i $(pub /api/parent/v1/session))
	codes="$codes $s"
	i=$((i + 1))
done
echo "# session reads:$codes"
check "reading the session (GET) is not limited by the sign-in zone" \
	sh -c 'case "$1" in *429*) exit 1;; esac' - "$codes"

# -- staff sign-in: its own zone, 1r/s burst 10, POST only (review M3)
codes=
i=0
while [ $i -lt 16 ]; do
	s=$(req slogin$i -X POST -H 'Content-Type: application/json' --data-binary '{}' \
	    $(pub /api/school/v1/session))
	codes="$codes $s"
	i=$((i + 1))
done
echo "# staff sign-in burst:$codes"
check "staff sign-in burst: the first attempts reach the auth pool (issue 16: the echo worker, 200)" \
	sh -c 'set -- $1; [ "$1" = 200 ] && [ "$5" = 200 ]' - "$codes"
check "staff sign-in burst: later attempts get 429" \
	sh -c 'set -- $1; [ "${16}" = 429 ]' - "$codes"
check "staff 429 body is JSON rate_limited" json_error slogin15 rate_limited
codes=
i=0
while [ $i -lt 6 ]; do
	s=$(req ssess$i $(pub /api/school/v1/session))
	codes="$codes $s"
	i=$((i + 1))
done
check "reading the staff session (GET) is not limited by the sign-in zone" \
	sh -c 'case "$1" in *429*) exit 1;; esac' - "$codes"
# -- SMS codes, sign-up, reset (issue 10, A): 10r/m burst 10 per address,
#    one zone for the three paths
codes=
i=0
while [ $i -lt 14 ]; do
	case $((i % 3)) in
	0) path=/api/parent/v1/sms-codes;;
	1) path=/api/parent/v1/accounts;;
	*) path=/api/parent/v1/password-reset;;
	esac
	s=$(req code$i -X POST -H 'Content-Type: application/json' --data-binary '{}' $(pub $path))
	codes="$codes $s"
	i=$((i + 1))
done
echo "# code burst:$codes"
check "code, sign-up and reset burst: the first requests reach the pool" \
	sh -c 'set -- $1; [ "$1" = "$2" ] && [ "$1" != 429 ]' - "$codes $reach"
check "code, sign-up and reset burst: past the burst 429 rate_limited" \
	sh -c 'set -- $1; [ "${14}" = 429 ]' - "$codes"

# ---- stop ------------------------------------------------------------------
check "nginx stops" stop_nginx
# setrlimit may be refused in a container; that is the host's business.
# nginx 1.22 with OpenSSL 3 logs some TLS errors caused by the client
# (e.g. a peer that closes mid-record) at crit (nginx/nginx#961, fixed
# upstream by PR #1267): those are the client's, shown but not counted.
# (This check failed once on a loaded machine and did not print its lines
# then; it passed on every rerun. They are printed now.)
grep '\[emerg\]\|\[alert\]\|\[crit\]' "$tmp/error.log" 2>/dev/null |
    grep -v 'setrlimit(RLIMIT_NOFILE' >"$tmp/severe-all.log"
grep -v 'SSL_\(read\|write\|do_handshake\|shutdown\)() failed .*client: ' \
    "$tmp/severe-all.log" >"$tmp/severe.log"
grep 'SSL_\(read\|write\|do_handshake\|shutdown\)() failed .*client: ' \
    "$tmp/severe-all.log" | sed 's/^/# client-side TLS error (not counted): /'
check "error log has no emerg/alert/crit lines" [ ! -s "$tmp/severe.log" ]
diag "$tmp/severe.log"

if [ $n -ne $PLAN ]; then
	echo "# ran $n tests, planned $PLAN"
	exit 1
fi
[ $failed -eq 0 ]
