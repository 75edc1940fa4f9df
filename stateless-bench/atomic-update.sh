#!/usr/bin/env bash
# atomicUpdate throughput under contention (1, 2 and 8 threads on one counter), in-process and on a
# local redis-server started here. Prints JMH's table.
#   mvn -B -q install -DskipTests && bash stateless-bench/atomic-update.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=stateless-bench/target/benchmarks.jar
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
trap 'kill "$(cat "$DIR/redis.pid")" 2>/dev/null; rm -rf "$DIR"' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.05; done
echo "# $(redis-server --version | cut -d' ' -f1-3), $(nproc) cores, $(java -version 2>&1 | head -1)"
for t in 1 2 8; do
  java -jar "$JAR" AtomicUpdateBenchmark -t "$t" -jvmArgsAppend "-Dstateless.redis=redis://127.0.0.1:$PORT" \
    -rf text -rff "$DIR/t$t.txt" >/dev/null
  sed "s/^/threads=$t  /" "$DIR/t$t.txt" | grep -v '^threads=[0-9]*  $'
done
