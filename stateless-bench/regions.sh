#!/usr/bin/env bash
# Regions under a simulated WAN (issue 19's benchmark): p50/p99/p999 of get and set per strategy
# and per serving layer, next to the seeds' targets (local < 1 ms, edge < 10 ms, server < 50 ms)
# and next to the same workload with no edge layer (the SDK node talks to Redis directly). A
# redis-server started by this script on a free loopback port is the server layer; RegionsLoad
# runs two edge nodes (regions a and b) and the SDK node of region a in one JVM, every link through
# a LatencyProxy (one-way: SDK node -> own edge 2-5 ms, -> other region's edge 40-60 ms, -> Redis
# 30-50 ms; edge node -> Redis 20-40 ms). Prints a Markdown table and writes a latency CDF per
# strategy to docs/regions-cdf-<strategy>.svg.
#   mvn -B -q -pl stateless-bench -am package -DskipTests && bash stateless-bench/regions.sh
# Environment: SAMPLES (operations per series, default 4000), THREADS (default 16), OUT (the SVGs'
# directory, default docs), JAR (default stateless-bench/target/benchmarks.jar).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-stateless-bench/target/benchmarks.jar}
SAMPLES=${SAMPLES:-4000}
THREADS=${THREADS:-16}
OUT=${OUT:-docs}
[ -f "$JAR" ] || { echo "$JAR is missing: build it first (see the top of $0)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 1; }
DIR=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --dir "$DIR" --logfile "$DIR/redis.log" &
PID=$!
for _ in $(seq 600); do
  redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
  sleep 0.05
done
echo "cpus usable $(nproc) of $(grep -c ^processor /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), $(redis-server --version | cut -d' ' -f3)"
java ${JAVA_OPTS:-} -cp "$JAR" dev.stateless.bench.RegionsLoad "$PORT" "$SAMPLES" "$THREADS" "$OUT"
