#!/usr/bin/env bash
# Several SPCP Live processes on one PostgreSQL database, behind HAProxy with sticky sessions
# (README.md, "Several processes"):
#
#   scripts/cluster.sh --processes 2 --port 8080 --database-url 'postgresql+psycopg://spcp:PASSWORD@db-host/spcp'
#
# starts `spcp serve` on 127.0.0.1:8081 ... 8080+N (only the proxy reaches them), all on the same database and
# the same data folder (the secret that signs browser cookies and NiceGUI's per-browser storage are shared),
# and HAProxy (Debian: apt-get install haproxy) on --host:--port in front, configured from deploy/haproxy.cfg.
# The PIDs go to <data dir>/cluster/pids; a process that ends is started again (at most 5 times); Ctrl-C, the
# end of this script or of HAProxy stops them all (by those PIDs). Logs: <data dir>/cluster/*.log. Links for
# the organizer and the boards:
#   SPCP_DATABASE_URL=... .venv/bin/spcp event links --data-dir <data dir>
set -euo pipefail
cd "$(dirname "$0")/.."

processes=2
port=8080
host=0.0.0.0
database_url=${SPCP_DATABASE_URL:-}
data_dir=${SPCP_DATA_DIR:-sessions/data}
public_url=${SPCP_PUBLIC_URL:-}
spcp=.venv/bin/spcp
python=.venv/bin/python
MAX_RESTARTS=5

usage() {
  cat <<'EOF'
Usage: scripts/cluster.sh --database-url URL [--processes N] [--port PORT] [--host ADDRESS]
                          [--data-dir FOLDER] [--public-url URL]
  --database-url  PostgreSQL, e.g. postgresql+psycopg://spcp:PASSWORD@db-host/spcp (or $SPCP_DATABASE_URL)
  --processes     how many `spcp serve` processes (default 2), on ports PORT+1 ... PORT+N of 127.0.0.1
  --port          where HAProxy listens, the address phones use (default 8080)
  --host          HAProxy's listening address (default 0.0.0.0: phones on the Wi-Fi; 127.0.0.1: this machine)
  --data-dir      the data folder all processes share (default sessions/data, or $SPCP_DATA_DIR)
  --public-url    the address printed in links and QR codes (default http://<LAN address>:PORT)
EOF
}

fail() { echo "cluster.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --processes) processes=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --host) host=${2:?}; shift 2 ;;
    --database-url) database_url=${2:?}; shift 2 ;;
    --data-dir) data_dir=${2:?}; shift 2 ;;
    --public-url) public_url=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown option: $1" ;;
  esac
done

[[ "$processes" =~ ^[1-9][0-9]?$ ]] || fail "--processes must be a number from 1 to 99, not '$processes'"
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ $((port + processes)) -le 65535 ] \
  || fail "--port must leave room for $processes more ports below 65536, not '$port'"
# the changes between processes travel over PostgreSQL's LISTEN/NOTIFY: one SQLite file has no such channel
[[ "$database_url" == postgresql* ]] || fail "--database-url must be a PostgreSQL URL (postgresql+psycopg://...)"
((BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1))) || fail "needs bash 5.1 or newer"
[ -x "$spcp" ] || fail "$spcp is missing: run scripts/install.sh first (with the postgres extra)"
haproxy=$(command -v haproxy || command -v /usr/sbin/haproxy || true)
[ -n "$haproxy" ] || fail "haproxy is not installed (Debian: sudo apt-get install haproxy)"

if [ -z "$public_url" ]; then
  case "$host" in
    0.0.0.0|::) public_url="http://$("$python" -c 'from spcp.links import lan_address; print(lan_address())'):$port" ;;
    *) public_url="http://$host:$port" ;;
  esac
fi

mkdir -p -m 700 "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
run_dir="$data_dir/cluster"
mkdir -p -m 700 "$run_dir"
export SPCP_DATABASE_URL="$database_url" SPCP_DATA_DIR="$data_dir" SPCP_PUBLIC_URL="$public_url"
export SPCP_HOST=127.0.0.1 SPCP_TRUSTED_PROXIES=127.0.0.1  # the phone's address comes from HAProxy's header
export PYTHONUNBUFFERED=1

pids=()        # pids[i]: process appI (1-based)
proxy_pid=""
restarts=()
write_pids() {  # name, PID and address of each, replaced in one step
  { for i in "${!pids[@]}"; do echo "app$i ${pids[$i]} 127.0.0.1:$((port + i))"; done
    [ -z "$proxy_pid" ] || echo "haproxy $proxy_pid $bind"; } > "$run_dir/pids.tmp"
  mv "$run_dir/pids.tmp" "$run_dir/pids"
}
stop_all() {
  trap - EXIT INT TERM
  local all=("${pids[@]}" $proxy_pid)
  [ ${#all[@]} -gt 0 ] || exit 0
  echo "Stopping ${#all[@]} process(es): ${all[*]}"
  kill -TERM "${all[@]}" 2>/dev/null || true
  for pid in "${all[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$run_dir/pids"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

start_app() {  # $1: which process (1-based); its log is appended to
  "$spcp" serve --port "$((port + $1))" >> "$run_dir/app$1.log" 2>&1 &
  pids[$1]=$!
  write_pids
}

wait_until_up() {  # $1 PID, $2 URL: up to 60 s
  for _ in $(seq 300); do
    kill -0 "$1" 2>/dev/null || fail "process $1 exited while starting: see $run_dir"
    "$python" - "$2" <<'EOF' && return 0
import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
except OSError:
    sys.exit(1)
EOF
    sleep 0.2
  done
  fail "no answer from $2 within 60 s: see $run_dir"
}

# one at first: on an empty database it runs the migrations, creates the demo event and the cookie secret
# once; the others then find them
bind="$host:$port"; [[ "$host" == *:* ]] && bind="[$host]:$port"
servers=""
for i in $(seq "$processes"); do
  : > "$run_dir/app$i.log"
  start_app "$i"
  servers+="    server app$i 127.0.0.1:$((port + i)) check cookie app$i"$'\n'
  [ "$i" -gt 1 ] || wait_until_up "${pids[1]}" "http://127.0.0.1:$((port + 1))/favicon.ico"
done
for i in $(seq 2 "$processes"); do
  wait_until_up "${pids[$i]}" "http://127.0.0.1:$((port + i))/favicon.ico"
done

# deploy/haproxy.cfg with the address after `bind` and the server lines in place of the @SERVERS@ line
awk -v bind="$bind" -v servers="$servers" '
  $0 == "    bind @BIND@" { print "    bind " bind; next }
  $0 == "@SERVERS@" { printf "%s", servers; next }
  { print }' deploy/haproxy.cfg > "$run_dir/haproxy.cfg"
"$haproxy" -c -q -f "$run_dir/haproxy.cfg" || fail "HAProxy refused $run_dir/haproxy.cfg"
"$haproxy" -db -f "$run_dir/haproxy.cfg" > "$run_dir/haproxy.log" 2>&1 &
proxy_pid=$!
write_pids
case "$host" in 0.0.0.0|::) check_host=127.0.0.1 ;; *:*) check_host="[$host]" ;; *) check_host=$host ;; esac
wait_until_up "$proxy_pid" "http://$check_host:$port/favicon.ico"

echo "SPCP Live: $public_url  ($processes processes behind HAProxy on $bind; PIDs in $run_dir/pids, logs in $run_dir)"
echo "Sign-in links: SPCP_DATABASE_URL=... $spcp event links --data-dir $data_dir"
echo "Ctrl-C stops them all."

# A process that ends is started again (HAProxy meanwhile sends its browsers to the others, which read their
# sign-ins from the shared data folder), at most MAX_RESTARTS times each; if HAProxy ends, everything stops.
set +e
while true; do
  ended=""
  wait -n -p ended "${pids[@]}" "$proxy_pid"
  status=$?
  [ -n "$ended" ] || exit 1
  if [ "$ended" = "$proxy_pid" ]; then
    echo "HAProxy ended (status $status): stopping the processes. See $run_dir/haproxy.log" >&2
    exit 1
  fi
  for i in "${!pids[@]}"; do [ "${pids[$i]}" != "$ended" ] || break; done
  restarts[$i]=$((${restarts[$i]:-0} + 1))
  if [ "${restarts[$i]}" -gt "$MAX_RESTARTS" ]; then
    echo "app$i ended $MAX_RESTARTS times: stopping everything. See $run_dir/app$i.log" >&2
    exit 1
  fi
  echo "app$i (PID $ended) ended with status $status: starting it again (restart ${restarts[$i]} of $MAX_RESTARTS)." >&2
  sleep 1  # not in a tight loop if it fails at once
  start_app "$i"
done
