#!/usr/bin/env bash
# The edge node against redis-server under redis-benchmark, in one run (issue 15's benchmark):
# `redis-benchmark -t set,get -n N -c 50 -q` at -P 1 and -P 16 against
#   redis    a redis-server,
#   node     the node on its embedded (in-process) server layer,
#   node+up  the node with --upstream to a second redis-server (writes go through to it),
# each started by this script on free loopback ports and stopped by pid. The targets take turns
# within each round (the machine's noise falls on all of them alike); a first round of N/10 warms
# the node's JIT and is not reported. Prints, per round, requests/s and p99 latency (ms) from
# redis-benchmark's --csv, and each node's ratio to redis-server of the same test, depth and round.
#   mvn -B -q -pl stateless-edge -am package -DskipTests && bash stateless-bench/edge-node.sh
# Environment: N (requests per test, default 1000000), ROUNDS (default 2), JAR (default
# stateless-edge/target/stateless-edge.jar), JAVA_OPTS (for the node's JVM).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-stateless-edge/target/stateless-edge.jar}
N=${N:-1000000}
ROUNDS=${ROUNDS:-2}
JAVA_OPTS=${JAVA_OPTS:-}
[ -f "$JAR" ] || { echo "$JAR is missing: build it first (see the top of $0)" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "redis-benchmark is missing: apt-get install redis-server" >&2; exit 1; }
DIR=$(mktemp -d)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$DIR"
}
trap cleanup EXIT

read -r REDIS UPSTREAM NODE NODE_UP < <(python3 -c 'import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')

wait_for() {
  local port=$1
  for _ in $(seq 600); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "nothing answers on port $port; logs in $DIR" >&2
  cat "$DIR"/*.log >&2 || true
  exit 1
}

start_redis() {
  local port=$1
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --dir "$DIR" --logfile "$DIR/redis-$port.log" &
  PIDS+=($!)
  wait_for "$port"
}

start_node() {
  local port=$1
  shift
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --port "$port" "$@" >"$DIR/node-$port.log" 2>&1 &
  PIDS+=($!)
  wait_for "$port"
}

start_redis "$REDIS"
start_redis "$UPSTREAM"
start_node "$NODE"
start_node "$NODE_UP" --upstream "redis://127.0.0.1:$UPSTREAM"

# bench <port> <depth> <n>: "test rps p99" lines, from redis-benchmark's CSV
bench() {
  redis-benchmark -p "$1" -t set,get -n "$3" -c 50 -P "$2" --csv \
    | python3 -c 'import csv, sys
rows = list(csv.reader(sys.stdin))
head = rows[0]
for r in rows[1:]:
    d = dict(zip(head, r))
    print(d["test"], d["rps"], d["p99_latency_ms"])'
}

ratio() {
  python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}x")' "$1" "$2"
}

echo "# $(nproc) cores, $(uname -m), $(redis-server --version | cut -d' ' -f3), $(java -version 2>&1 | head -1)"
echo "# redis-benchmark -t set,get -n $N -c 50 -P 1|16; redis=$REDIS node=$NODE node+up=$NODE_UP (upstream $UPSTREAM)"
for depth in 1 16; do
  for port in "$NODE" "$NODE_UP"; do bench "$port" "$depth" $((N / 10)) >/dev/null; done
done
printf '%-5s %-4s %-5s %12s %9s %12s %9s %7s %12s %9s %7s\n' \
  round test depth "redis rps" "p99 ms" "node rps" "p99 ms" ratio "node+up rps" "p99 ms" ratio
for round in $(seq "$ROUNDS"); do
  for depth in 1 16; do
    declare -A RPS=() P99=()
    for target in redis node node+up; do
      case $target in
        redis) port=$REDIS ;;
        node) port=$NODE ;;
        node+up) port=$NODE_UP ;;
      esac
      while read -r test rps p99; do
        RPS[$target.$test]=$rps
        P99[$target.$test]=$p99
      done < <(bench "$port" "$depth" "$N")
    done
    for test in SET GET; do
      r=${RPS[redis.$test]}
      printf '%-5s %-4s %-5s %12s %9s %12s %9s %7s %12s %9s %7s\n' "$round" "$test" "-P$depth" \
        "$r" "${P99[redis.$test]}" \
        "${RPS[node.$test]}" "${P99[node.$test]}" \
        "$(ratio "${RPS[node.$test]}" "$r")" \
        "${RPS[node+up.$test]}" "${P99[node+up.$test]}" \
        "$(ratio "${RPS[node+up.$test]}" "$r")"
    done
    unset RPS P99
  done
done
