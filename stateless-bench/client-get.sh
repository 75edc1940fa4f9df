#!/usr/bin/env bash
# ClientGetBenchmark before vs after, in one run: builds revision BEFORE (default 4bbce5e) in a
# temporary git worktree and this checkout (uncommitted changes included) the same way, copies
# both shaded benchmarks.jar aside, then runs their ClientGetBenchmark alternately (before, after,
# before, after, ...; -f 1). Prints each row's ops/us per jar and, per jar, the ratios of every SDK
# row to every raw-Caffeine row; a row one jar lacks shows as "-". Nothing is installed into ~/.m2.
#   bash stateless-bench/client-get.sh
#   BEFORE=main T=2 ROUNDS=3 bash stateless-bench/client-get.sh
# BEFORE (a git revision), T (threads, default 1), ROUNDS (default 2), WI and I (JMH warmup and
# measurement iterations of 1 s, default 3 and 5) can be set in the environment. The machine's
# other load shows in every number: compare the ratios, which are taken minutes apart at most.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${BEFORE:-4bbce5e}
T=${T:-1}
ROUNDS=${ROUNDS:-2}
WI=${WI:-3}
I=${I:-5}

die() { echo "client-get.sh: $*" >&2; exit 1; }
for tool in git mvn java awk; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH"
done
for n in T ROUNDS WI I; do
  [[ ${!n} =~ ^[0-9]+$ && ${!n} -gt 0 ]] || die "$n must be a positive integer, not '${!n}'"
done
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "$(pwd) is not a git checkout"
BEFORE_SHA=$(git rev-parse --verify --quiet "$BEFORE^{commit}") ||
  die "BEFORE=$BEFORE is not a commit in this repository"
AFTER_LABEL=$(git rev-parse --short HEAD)
[[ -z $(git status --porcelain --untracked-files=no) ]] || AFTER_LABEL="$AFTER_LABEL+uncommitted"

DIR=$(mktemp -d)
WT="$DIR/before"
cleanup() {
  if [[ -d $WT ]] && ! git worktree remove --force "$WT" >/dev/null 2>&1; then
    rm -rf "$WT"
    git worktree prune || echo "client-get.sh: remove the worktree $WT with git worktree prune" >&2
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Builds the bench of the checkout in $1 and copies its jar to $2.
build() {
  local src=$1 dest=$2 log="$DIR/build-$(basename "$2" .jar).log"
  if ! (cd "$src" && mvn -B -q -pl stateless-bench -am package -DskipTests \
    -Dspotless.check.skip=true >"$log" 2>&1); then
    tail -n 30 "$log" >&2
    die "the build of $src failed (log above)"
  fi
  [[ -f $src/stateless-bench/target/benchmarks.jar ]] ||
    die "the build of $src made no stateless-bench/target/benchmarks.jar"
  cp "$src/stateless-bench/target/benchmarks.jar" "$dest"
  java -jar "$dest" -l >"$DIR/list.txt" 2>&1 || die "java -jar $dest -l failed"
  grep -q '\.ClientGetBenchmark\.' "$DIR/list.txt" ||
    die "$src's benchmarks.jar has no ClientGetBenchmark"
}

echo "# building before ($BEFORE, ${BEFORE_SHA:0:7}) in a temporary worktree" >&2
git worktree add --quiet --detach "$WT" "$BEFORE_SHA" || die "git worktree add $WT $BEFORE failed"
build "$WT" "$DIR/before.jar"
echo "# building after (this checkout, $AFTER_LABEL)" >&2
build . "$DIR/after.jar"

echo "# before ${BEFORE_SHA:0:7} ($(git log -1 --format=%s "$BEFORE_SHA" | cut -c1-60)), after $AFTER_LABEL"
echo "# $(nproc) cores, $(java -version 2>&1 | head -1), threads=$T, rounds=$ROUNDS, -wi $WI -i $I (1 s each), load:$(uptime | sed 's/.*load average://')"
: >"$DIR/results.txt"
for round in $(seq "$ROUNDS"); do
  for side in before after; do
    echo "# round $round: $side" >&2
    csv="$DIR/$side-$round.csv"
    if ! java -jar "$DIR/$side.jar" ClientGetBenchmark -t "$T" -f 1 -wi "$WI" -i "$I" \
      -rf csv -rff "$csv" >"$DIR/$side-$round.log" 2>&1; then
      tail -n 30 "$DIR/$side-$round.log" >&2
      die "the $side jar's ClientGetBenchmark failed in round $round (log above)"
    fi
    [[ -s $csv ]] || die "the $side jar wrote no results in round $round"
    # "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: impl"
    awk -F, -v side="$side" -v round="$round" '
      { sub(/\r$/, "") } # JMH ends its CSV lines with CRLF
      NR == 1 {
        for (i = 1; i <= NF; i++) {
          h = $i; gsub(/"/, "", h)
          if (h == "Score") s = i
          if (h == "Param: impl") p = i
        }
        if (!s || !p) { print "no Score or Param: impl column" > "/dev/stderr"; exit 1 }
        next
      }
      { gsub(/"/, ""); print side, round, $p, $s }' "$csv" >>"$DIR/results.txt" ||
      die "cannot parse $side's results of round $round"
  done
done

awk -v rounds="$ROUNDS" '
  function fmt(x) { return x == "" ? "-" : sprintf("%.3f", x) }
  {
    side = $1; r = $2; impl = $3
    if (!(impl in seen)) { seen[impl] = 1; order[++n] = impl }
    score[side, r, impl] = $4
    sum[side, impl] += $4; cnt[side, impl]++
  }
  END {
    # Raw Caffeine rows first, then the SDK rows, each in the order first seen.
    m = 0
    for (i = 1; i <= n; i++) if (order[i] ~ /^CAFFEINE_/) rows[++m] = order[i]
    for (i = 1; i <= n; i++) if (order[i] !~ /^CAFFEINE_/) rows[++m] = order[i]
    printf "\n%-24s", "ops/us"
    for (s = 1; s <= 2; s++) {
      side = s == 1 ? "before" : "after"
      for (r = 1; r <= rounds; r++) printf " %9s", side " r" r
      printf " %11s", side " mean"
    }
    printf " %13s\n", "after/before"
    for (i = 1; i <= m; i++) {
      impl = rows[i]
      printf "%-24s", impl
      for (s = 1; s <= 2; s++) {
        side = s == 1 ? "before" : "after"
        for (r = 1; r <= rounds; r++) printf " %9s", fmt(score[side, r, impl])
        mean[side, impl] = cnt[side, impl] ? sum[side, impl] / cnt[side, impl] : ""
        printf " %11s", fmt(mean[side, impl])
      }
      b = mean["before", impl]; a = mean["after", impl]
      printf " %13s\n", (a != "" && b != "" && b > 0) ? sprintf("%.2fx", a / b) : "-"
    }
    printf "\nSDK / raw Caffeine (ratio of the means; per-round ratios in brackets)\n"
    for (s = 1; s <= 2; s++) {
      side = s == 1 ? "before" : "after"
      for (i = 1; i <= m; i++) {
        sdk = rows[i]
        if (sdk ~ /^CAFFEINE_/ || mean[side, sdk] == "") continue
        for (j = 1; j <= m; j++) {
          raw = rows[j]
          if (raw !~ /^CAFFEINE_/ || mean[side, raw] == "" || mean[side, raw] <= 0) continue
          per = ""
          for (r = 1; r <= rounds; r++) {
            x = score[side, r, sdk]; y = score[side, r, raw]
            per = per (r > 1 ? " " : "") ((x != "" && y > 0) ? sprintf("%.2f", x / y) : "-")
          }
          printf "%-6s  %-22s / %-17s  %.2f  [%s]\n", side, sdk, raw, mean[side, sdk] / mean[side, raw], per
        }
      }
    }
  }' "$DIR/results.txt"
