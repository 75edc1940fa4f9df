#!/usr/bin/env bash
# The borrow checker's compile-time overhead (issue 5, "Measure"): a generated project of 1,000
# classes (half with @CacheAccess methods) compiled with -proc:none, with a no-op processor and
# with stateless-checker on the processor path, alternating, median of RUNS (default 5), in this
# JVM after WARMUP rounds and in a fresh javac per compile. Prints every run (wall and CPU time),
# the medians and the ratios (goal: with checker / -proc:none < 1.10x).
#   bash stateless-bench/checker-overhead.sh                # MODE=in-process|fork|both (default)
#   bash stateless-bench/checker-overhead.sh --profile 3    # then where the checker's time goes
# Further options go to dev.stateless.bench.CheckerOverhead (a later --processorpath replaces the
# built checker's, e.g. to compare another build). Builds what it needs with the reactor, never
# mvn install. Run it on a quiet machine: other load shows in every wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -pl stateless-bench -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime
jar_of() { tr ':' '\n' < stateless-bench/target/classpath.txt | grep "/$1/target/$1-[^/]*\.jar$"; }
PROCESSORPATH="$(jar_of stateless-checker):$(jar_of stateless-core):$(jar_of stateless-annotations)"
CLASSPATH_="$(jar_of stateless-runtime):$(cat stateless-runtime/target/classpath.txt)"
echo "# $(uptime | sed 's/^ *//')"
# Only the bench's own classes: javac must load the checker from the processor path, as a build does.
java -Xms2g -Xmx2g -cp stateless-bench/target/classes dev.stateless.bench.CheckerOverhead \
  --classpath "$CLASSPATH_" --processorpath "$PROCESSORPATH" \
  --mode "${MODE:-both}" --runs "${RUNS:-5}" --warmup "${WARMUP:-3}" --classes "${CLASSES:-1000}" \
  --work stateless-bench/target/checker-overhead "$@"
