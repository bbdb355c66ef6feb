#!/usr/bin/env bash
# TCP throughput through the suite (cli -> broker -> connector -> app, all on loopback), over the broker's TCP data
# channel (ztna connect --transport tcp) and over gRPC tunnel streams (the default transport), vs direct loopback and
# vs an HAProxy TCP relay (Debian package haproxy, mode tcp, one hop), measured in the same run with iperf3 (Debian
# package iperf3). Prints markdown rows for docs/BENCHMARKS.md.
#   bench/tunnel-throughput.sh [seconds-per-run] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
ROUNDS="${2:-3}"
IPERF_PORT=5299
LOCAL_PORT=15299
DATA_PORT=15298
HAPROXY_PORT=15399
WORK="$(mktemp -d)"
command -v iperf3 >/dev/null || { echo "iperf3 is required: apt-get install -y iperf3" >&2; exit 1; }
command -v haproxy >/dev/null || { echo "haproxy is required: apt-get install -y haproxy" >&2; exit 1; }
[[ -f e2e/target/ztna-dev.jar ]] || ./mvnw -q -B -DskipTests install

cleanup() {
  [[ -n "${CONNECT_PID:-}" ]] && kill "$CONNECT_PID" 2>/dev/null || true
  [[ -n "${CONNECT_TCP_PID:-}" ]] && kill "$CONNECT_TCP_PID" 2>/dev/null || true
  [[ -n "${STACK_PID:-}" ]] && kill "$STACK_PID" 2>/dev/null && wait "$STACK_PID" 2>/dev/null || true
  [[ -n "${IPERF_PID:-}" ]] && kill "$IPERF_PID" 2>/dev/null || true
  [[ -n "${HAPROXY_PID:-}" ]] && kill "$HAPROXY_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

iperf3 -s -p "$IPERF_PORT" >/dev/null 2>&1 & IPERF_PID=$!
cat > "$WORK/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 5s
  timeout client 1m
  timeout server 1m
listen relay
  bind 127.0.0.1:$HAPROXY_PORT
  server app 127.0.0.1:$IPERF_PORT
CFG
haproxy -f "$WORK/haproxy.cfg" -db > "$WORK/haproxy.log" 2>&1 & HAPROXY_PID=$!
ZTNA_DEV_APPS="iperf=127.0.0.1:$IPERF_PORT" java -jar e2e/target/ztna-dev.jar up > "$WORK/stack.log" 2>&1 & STACK_PID=$!
for _ in $(seq 1 180); do grep -q "ZTNA suite is up" "$WORK/stack.log" && break; sleep 1; done
grep -q "ZTNA suite is up" "$WORK/stack.log" || { cat "$WORK/stack.log" >&2; exit 1; }

export ZTNA_CONFIG_DIR="$WORK/cli"
echo alice-demo-password | java -jar cli/target/ztna.jar login alice --totp "$(java -jar e2e/target/ztna-dev.jar totp alice)" >/dev/null
for _ in $(seq 1 60); do java -jar cli/target/ztna.jar apps 2>/dev/null | grep -q iperf && break; sleep 1; done
java -jar cli/target/ztna.jar connect iperf --local-port "$LOCAL_PORT" > "$WORK/connect.log" 2>&1 & CONNECT_PID=$!
java -jar cli/target/ztna.jar connect iperf --local-port "$DATA_PORT" --transport tcp > "$WORK/connect-tcp.log" 2>&1 & CONNECT_TCP_PID=$!
for _ in $(seq 1 30); do grep -q Forwarding "$WORK/connect.log" && grep -q Forwarding "$WORK/connect-tcp.log" && break; sleep 1; done

gbps() { sleep 1; iperf3 -c 127.0.0.1 -p "$1" -t "$SECONDS_PER_RUN" -P "$2" -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9)'; }
median() { python3 -c 'import statistics,sys; print("%.2f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "| TCP throughput (median of $ROUNDS x ${SECONDS_PER_RUN}s) | suite, TCP data channel | suite, gRPC tunnel | direct loopback | HAProxy TCP relay | data channel / direct | gRPC / direct | data channel / HAProxy |"
echo "|---|---|---|---|---|---|---|---|"
ratio() { python3 -c "print('%.3f' % ($1/$2))"; }
for streams in 1 8; do
  direct=(); data=(); tunnel=(); relay=()
  for _ in $(seq 1 "$ROUNDS"); do   # interleaved, so drift on a noisy machine hits all alike
    direct+=("$(gbps "$IPERF_PORT" "$streams")")
    data+=("$(gbps "$DATA_PORT" "$streams")")
    tunnel+=("$(gbps "$LOCAL_PORT" "$streams")")
    relay+=("$(gbps "$HAPROXY_PORT" "$streams")")
  done
  d=$(median "${direct[@]}"); c=$(median "${data[@]}"); t=$(median "${tunnel[@]}"); h=$(median "${relay[@]}")
  echo "| $streams stream(s) | $c Gbit/s | $t Gbit/s | $d Gbit/s | $h Gbit/s | $(ratio "$c" "$d")x | $(ratio "$t" "$d")x | $(ratio "$c" "$h")x |"
  echo "  (runs: direct ${direct[*]}; data channel ${data[*]}; gRPC ${tunnel[*]}; HAProxy ${relay[*]})" >&2
done
