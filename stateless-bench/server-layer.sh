#!/usr/bin/env bash
# Server layer throughput: GET/SET through the SDK (3 layers, and SERVER only) and through raw
# Lettuce, next to redis-benchmark -P 16 against the same Redis, in one run: first against a
# standalone redis-server, then against a Redis Cluster of 3 masters and 3 replicas on free loopback
# ports (Stores.redis and Lettuce given every node as a seed, redis-benchmark --cluster), both
# started and stopped by this script. Prints ops/s and each one's ratio to redis-benchmark. After
# the SET runs, two lines of Redis's own cost per write, summed over the masters, with ratios:
# usec from INFO commandstats (CONFIG RESETSTAT before each run) and CPU time (INFO cpu, user +
# system), per write: of SET for redis-benchmark and raw Lettuce, and of EVALSHA for the SDK divided
# by the writes the load made (the SDK applies the sets of one flush, shard and owner in one script;
# a script's usec includes the commands it calls, and the CPU line everything Redis did meanwhile,
# the SDK's invalidation reader included). usec is wall-clock time inside the command: on a busy
# machine it counts the time Redis waited for a core.
#   mvn -B -q -pl stateless-bench -am package -DskipTests && bash stateless-bench/server-layer.sh
# Environment: N (requests per test, default 1000000), ROUNDS (default 3), ONLY=standalone or
# ONLY=cluster to run one of the two sections (default both), JAR (the benchmarks jar, default
# stateless-bench/target/benchmarks.jar: another build's, to compare two builds), QUERY (appended to
# the SDK's URI, e.g. QUERY='?replicas=0' to compare acknowledgement on the master's reply).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-stateless-bench/target/benchmarks.jar}
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
QUERY=${QUERY:-}
ONLY=${ONLY:-}
case "$ONLY" in
  "" | standalone | cluster) ;;
  *) echo "ONLY must be standalone or cluster, not '$ONLY'" >&2; exit 2 ;;
esac
[ -f "$JAR" ] || { echo "$JAR is missing: build it first (see the top of $0)" >&2; exit 1; }
DIR=$(mktemp -d)
# Stops every server this script started, by its pid, and waits for each to remove its pid file
# (its last act).
stop_servers() {
  local f
  for f in "$DIR"/*.pid; do
    if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || rm -f "$f"; fi
  done
  for _ in $(seq 100); do
    compgen -G "$DIR/*.pid" >/dev/null || break
    sleep 0.1
  done
}
trap 'stop_servers; rm -rf "$DIR"' EXIT

# Free loopback ports, distinct from each other: all held open until every one is chosen.
free_ports() {
  python3 -c 'import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

# Retries a command for up to 30 s.
wait_for() {
  local what=$1
  shift
  for _ in $(seq 600); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "timed out waiting for $what" >&2
  exit 1
}

# redis-server <name> <port> [options]: a daemon with no persistence, its pid in $DIR/<name>.pid.
start_server() {
  local name=$1 port=$2
  shift 2
  mkdir -p "$DIR/$name"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$DIR/$name" --pidfile "$DIR/$name.pid" --logfile "$DIR/$name/redis.log" "$@"
  wait_for "redis on port $port" redis-cli -p "$port" ping
}

# The masters among NODES: a replica counts the writes it receives and runs no script.
masters() {
  local p
  for p in "${NODES[@]}"; do
    if [ "$(redis-cli -p "$p" role | head -1)" = master ]; then echo "$p"; fi
  done
}

# The masters' CPU time so far (user + system, seconds).
cpu_seconds() {
  local p
  for p in $(masters); do redis-cli -p "$p" info cpu; done \
    | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {s += $2} END {printf "%.6f\n", s}'
}

# run <cmd> <load...>: resets every node's statistics, runs the load; then RATE is its output, US
# the masters' usec of cmd and CPU their CPU time, both per call of cmd or, when PER is set, per
# PER writes (both "n/a" when cmd ran nowhere). Warns of failed calls.
run() {
  local cmd=$1 cpu0 cpu1 p
  shift
  for p in "${NODES[@]}"; do redis-cli -p "$p" config resetstat >/dev/null; done
  cpu0=$(cpu_seconds)
  RATE=$("$@")
  cpu1=$(cpu_seconds)
  read -r US CPU < <(
    for p in $(masters); do
      redis-cli -p "$p" info commandstats | tr -d '\r' | grep "^cmdstat_$cmd:" || true
    done | awk -F'[:=,]' -v cmd="$cmd" -v cpu="$cpu1" -v cpu0="$cpu0" -v per="${PER:-}" '
      { calls += $3; usec += $5; failed += $11 }
      END {
        if (failed > 0) printf "warning: %d of %d %s calls failed\n", failed, calls, cmd > "/dev/stderr"
        n = per != "" ? per : calls
        if (calls > 0) printf "%.2f %.2f\n", usec / n, (cpu - cpu0) * 1e6 / n; else print "n/a n/a"
      }')
}

# redis-benchmark <op>: ops/s of redis-benchmark RB_ARGS.
benchmark() {
  redis-benchmark "${RB_ARGS[@]}" -t "$1" -P 16 -n "$N" -q | tr '\r' '\n' \
    | awk -F'[: ]+' '/requests per second/ {print $2}'
}

# load <op> [mode]: ops/s of ServerLayerLoad against URI, or "failed" (its output then goes to
# stderr).
load() {
  local out
  if out=$(java -cp "$JAR" dev.stateless.bench.ServerLayerLoad "$URI$QUERY" "$1" "$N" 800 ${2:+"$2"} 2>&1); then
    awk '/^(GET|SET) [0-9]+$/ {print $2}' <<<"$out"
  else
    printf 'ServerLayerLoad %s %s %s failed:\n%s\n' "$URI" "$1" "${2:-}" "$out" >&2
    echo failed
  fi
}

# ROUNDS rounds of SET and GET against URI, NODES (ports) and RB_ARGS (redis-benchmark's target),
# one load at a time.
measure() {
  local round op rb lettuce sdk sdk_only
  local -a us cpu
  for round in $(seq "$ROUNDS"); do
    for op in set get; do
      run set benchmark "$op"
      rb=$RATE us=("$US") cpu=("$CPU")
      run set load "$op" lettuce
      lettuce=$RATE us+=("$US") cpu+=("$CPU")
      # the SDK's writes in a SET load: ServerLayerLoad's 10,000 first sets, its warm-up and the
      # measured run
      if [ "$op" = set ]; then PER=$((10000 + (N < 100000 ? N : 100000) + N)); fi
      run evalsha load "$op"
      sdk=$RATE us+=("$US") cpu+=("$CPU")
      run evalsha load "$op" server-only
      sdk_only=$RATE us+=("$US") cpu+=("$CPU")
      PER=
      awk -v r="$round" -v op="$op" -v rb="$rb" -v le="$lettuce" -v sdk="$sdk" -v so="$sdk_only" '
        function rate(v) { return v ~ /^[0-9.]+$/ ? sprintf("%8.0f/s (%.2fx)", v, v / rb) : "  failed" }
        BEGIN {
          printf "round %s %-3s redis-benchmark -P16 %8.0f/s | raw Lettuce %s | SDK 3 layers %s | SDK server only %s\n",
            r, toupper(op), rb, rate(le), rate(sdk), rate(so) }'
      if [ "$op" = set ]; then
        per_write "$round" "usec" "${us[@]}"
        per_write "$round" "CPU " "${cpu[@]}"
      fi
    done
  done
}

# per_write <round> <what> <redis-benchmark> <raw Lettuce> <SDK> <SDK server only>: one line of
# Redis's microseconds per write, with ratios to redis-benchmark's.
per_write() {
  awk -v r="$1" -v what="$2" -v rb="$3" -v le="$4" -v sdk="$5" -v so="$6" '
    function us(v) { return v ~ /^[0-9.]+$/ ? sprintf("%7.2f us (%.2fx)", v, v / rb) : "    n/a" }
    BEGIN {
      printf "round %s SET Redis %s per write: redis-benchmark SET %7.2f us | raw Lettuce SET %s | SDK 3 layers EVALSHA %s | SDK server only EVALSHA %s\n",
        r, what, rb, us(le), us(sdk), us(so) }'
}

echo "# $(redis-server --version | cut -d' ' -f1-3), $(nproc) cores, $(java -version 2>&1 | head -1), N=$N"

if [ "$ONLY" != cluster ]; then
  read -r PORT < <(free_ports 1)
  start_server standalone "$PORT"
  URI="redis://127.0.0.1:$PORT" NODES=("$PORT") RB_ARGS=(-h 127.0.0.1 -p "$PORT")
  echo "## standalone: $URI"
  measure
  stop_servers
fi

if [ "$ONLY" != standalone ]; then
  # Each node's cluster bus gets a free port of its own (cluster-port), not port + 10000, which may
  # be taken or past 65535.
  read -r -a FREE < <(free_ports 12)
  PORTS=("${FREE[@]:0:6}")
  SEEDS=()
  for i in 0 1 2 3 4 5; do
    start_server "node$i" "${PORTS[$i]}" --cluster-enabled yes \
      --cluster-config-file "$DIR/node$i/nodes.conf" --cluster-node-timeout 2000 \
      --cluster-port "${FREE[$((i + 6))]}"
    SEEDS+=("127.0.0.1:${PORTS[$i]}")
  done
  redis-cli --cluster create "${SEEDS[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/create.log" 2>&1 \
    || { cat "$DIR/create.log" >&2; exit 1; }
  # cluster_state:ok comes before every node has heard which nodes are replicas: wait for both.
  for p in "${PORTS[@]}"; do
    wait_for "cluster_state:ok on port $p" sh -c "redis-cli -p $p cluster info | grep -q '^cluster_state:ok'"
    wait_for "3 masters and 3 replicas seen from port $p" sh -c "redis-cli -p $p cluster nodes \
      | awk '\$3 ~ /master/ && NF > 8 {m++} \$3 ~ /slave/ {s++} END {exit !(m == 3 && s == 3)}'"
  done
  URI="redis://$(IFS=,; echo "${SEEDS[*]}")" NODES=("${PORTS[@]}")
  mapfile -t MASTERS < <(masters)
  RB_ARGS=(--cluster -h 127.0.0.1 -p "${MASTERS[0]}")
  echo "## cluster: 3 masters, 3 replicas: $URI"
  measure
fi
