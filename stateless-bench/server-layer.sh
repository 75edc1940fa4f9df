#!/usr/bin/env bash
# Server layer throughput: GET/SET through the SDK against a local redis-server, next to
# redis-benchmark -P 16 against the same server, in one run. Prints ops/s and SDK/redis-benchmark.
#   mvn -B -q install -DskipTests && bash stateless-bench/server-layer.sh
# N (requests per test, default 1000000) and ROUNDS (default 3) can be set in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=stateless-bench/target/benchmarks.jar
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
trap 'kill "$(cat "$DIR/redis.pid")" 2>/dev/null; rm -rf "$DIR"' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.05; done
URI="redis://127.0.0.1:$PORT"
echo "# $(redis-server --version | cut -d' ' -f1-3), $(nproc) cores, $(java -version 2>&1 | head -1)"
for round in $(seq "$ROUNDS"); do
  for op in set get; do
    rb=$(redis-benchmark -p "$PORT" -t "$op" -P 16 -n "$N" -q | tr '\r' '\n' | awk -F'[: ]+' '/requests per second/ {print $2}')
    sdk=$(java -cp "$JAR" dev.stateless.bench.ServerLayerLoad "$URI" "$op" "$N" 800 | awk '{print $2}')
    sdk_only=$(java -cp "$JAR" dev.stateless.bench.ServerLayerLoad "$URI" "$op" "$N" 800 server-only | awk '{print $2}')
    lettuce=$(java -cp "$JAR" dev.stateless.bench.ServerLayerLoad "$URI" "$op" "$N" 800 lettuce | awk '{print $2}')
    awk -v r="$round" -v op="$op" -v rb="$rb" -v sdk="$sdk" -v so="$sdk_only" -v le="$lettuce" 'BEGIN {
      printf "round %s %-3s redis-benchmark -P16 %8.0f/s | raw Lettuce %8.0f/s (%.2fx) | SDK 3 layers %8.0f/s (%.2fx) | SDK server only %8.0f/s (%.2fx)\n",
        r, toupper(op), rb, le, le / rb, sdk, sdk / rb, so, so / rb }'
  done
done
