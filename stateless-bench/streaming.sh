#!/usr/bin/env bash
# Streaming throughput: setStream / stream of one value (default 256 MB, 1 MB chunks) through the
# SDK into a local redis-server, next to redis-cli --pipe writing the same bytes as SETs of the
# same chunk size, in one run. Prints MB/s.
#   mvn -B -q -pl stateless-bench -am package -DskipTests && bash stateless-bench/streaming.sh
# SIZE_MB, CHUNK and ROUNDS (default 3) can be set in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=stateless-bench/target/benchmarks.jar
SIZE_MB=${SIZE_MB:-256}
CHUNK=${CHUNK:-1MB}
ROUNDS=${ROUNDS:-3}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
trap 'kill "$(cat "$DIR/redis.pid")" 2>/dev/null; rm -rf "$DIR"' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.05; done
URI="redis://127.0.0.1:$PORT"
echo "# $(redis-server --version | cut -d' ' -f1-3), $(nproc) cores, $(java -version 2>&1 | head -1), ${SIZE_MB} MB in $CHUNK chunks"
java -cp "$JAR" dev.stateless.bench.StreamingLoad resp "$DIR/value.resp" "$SIZE_MB" "$CHUNK"
for round in $(seq "$ROUNDS"); do
  redis-cli -p "$PORT" flushall >/dev/null
  cat "$DIR/value.resp" >/dev/null # page cache: the pipe reads memory, as the SDK does
  start=$(date +%s.%N)
  redis-cli -p "$PORT" --pipe <"$DIR/value.resp" >/dev/null
  end=$(date +%s.%N)
  pipe=$(awk -v s="$start" -v e="$end" -v mb="$SIZE_MB" 'BEGIN {printf "%.1f", mb / (e - s)}')
  redis-cli -p "$PORT" flushall >/dev/null
  sdk=$(java -Xmx128m -cp "$JAR" dev.stateless.bench.StreamingLoad sdk "$URI" "$SIZE_MB" "$CHUNK")
  set_mbs=$(echo "$sdk" | awk '/^setStream/ {print $2}')
  get_mbs=$(echo "$sdk" | awk '/^stream/ {print $2}')
  awk -v r="$round" -v p="$pipe" -v s="$set_mbs" -v g="$get_mbs" 'BEGIN {
    printf "round %s redis-cli --pipe %7.1f MB/s | SDK setStream (-Xmx128m) %7.1f MB/s (%.2fx) | SDK stream %7.1f MB/s\n",
      r, p, s, s / p, g }'
done
