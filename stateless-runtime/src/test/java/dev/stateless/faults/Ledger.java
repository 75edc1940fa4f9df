package dev.stateless.faults;

import dev.stateless.core.StatelessException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One scenario's bookkeeping: every call (how long it took, how it ended), every write of a value
 * (unique values, one writer per key, so a key's writes are ordered), every counter increment; and
 * the moments the scenario marks (the SAVE, the kill). From these and what Redis holds after
 * recovery it counts lost and duplicated writes; the stale reads are counted by whoever reads the
 * nodes ({@link TwoNodeLoad#verify}).
 *
 * <p>Thread-safe.
 */
final class Ledger {
  /** How a write reaches Redis. */
  enum Kind {
    /** An owner write: acknowledged once Redis applied it. */
    OWNER,
    /** A {@code CLIENT_FIRST} write: acknowledged once in the durable queue, drained later. */
    CLIENT_FIRST
  }

  /** How a call ended. */
  enum Status {
    PENDING,
    ACKED,
    FAILED,
    HUNG
  }

  /** One write of a unique value. */
  static final class Write {
    final String key;
    final String value;
    final Kind kind;
    final long issued = System.nanoTime();
    volatile Status status = Status.PENDING;
    volatile long ended;

    /** Reported as a conflict though no other node wrote the key: discarded, so lost. */
    volatile boolean discarded;

    Write(String key, String value, Kind kind) {
      this.key = key;
      this.value = value;
      this.kind = kind;
    }

    boolean acked() {
      return status == Status.ACKED;
    }

    @Override
    public String toString() {
      return key + "=" + value + " (" + kind + ", " + status + ")";
    }
  }

  /** One counter: its acknowledged increments, and those that failed (applied or not). */
  static final class Counter {
    final String key;
    final int epoch;
    final LongAdder acked = new LongAdder();
    final LongAdder uncertain = new LongAdder();

    Counter(String key, int epoch) {
      this.key = key;
      this.epoch = epoch;
    }
  }

  /** What a call gave: its value, or its failure, or nothing (it hung). */
  record Result<T>(@Nullable T value, @Nullable Throwable failure, boolean hung) {
    boolean ok() {
      return failure == null && !hung;
    }
  }

  final String fault;
  final Duration timeout;
  private final long pastTimeoutNanos;
  private final long hangNanos;

  final LongAdder operations = new LongAdder();
  final LongAdder pastTimeout = new LongAdder();
  final LongAdder hangs = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder uncoded = new LongAdder();
  private final Map<String, LongAdder> failuresByCode = new ConcurrentHashMap<>();
  private final List<String> samples = new CopyOnWriteArrayList<>();
  private final Map<String, List<Write>> writes = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Long> marks = new ConcurrentHashMap<>();
  private final List<String> details = new CopyOnWriteArrayList<>();
  private final long started = System.nanoTime();

  /**
   * @param timeout the command timeout the nodes are configured with
   * @param slack how much later than {@code timeout} a call may end before it counts as past it
   * @param margin how much later than {@code timeout} a call that has not ended counts as hung
   */
  Ledger(String fault, Duration timeout, Duration slack, Duration margin) {
    this.fault = fault;
    this.timeout = timeout;
    this.pastTimeoutNanos = timeout.plus(slack).toNanos();
    this.hangNanos = timeout.plus(margin).toNanos();
  }

  /**
   * The table row of a scenario that counts only stale reads (its writes are not tallied for loss
   * or duplication): its figures so far, timed from {@code start} (a {@link System#nanoTime}).
   */
  FaultTable.Row staleOnlyRow(long stale, long start, String notes) {
    return new FaultTable.Row(
        fault,
        operations.sum(),
        stale,
        0,
        0,
        hangs.sum(),
        pastTimeout.sum(),
        failed.sum(),
        uncoded.sum(),
        0,
        Duration.ofNanos(System.nanoTime() - start),
        notes);
  }

  /** Records that the scenario reached {@code name} now (a SAVE, a kill). */
  void mark(String name) {
    marks.put(name, System.nanoTime());
  }

  /** When the scenario reached {@code name}; {@code Long.MAX_VALUE} if it never did. */
  long at(String name) {
    return marks.getOrDefault(name, Long.MAX_VALUE);
  }

  /** A finding to report with the figures (the first few of each kind are kept). */
  void detail(String text) {
    if (details.size() < 40) {
      details.add(text);
    }
  }

  List<String> details() {
    return List.copyOf(details);
  }

  /**
   * Makes one call and waits for it no longer than the timeout and the margin: its latency, how it
   * ended (a failure must be a coded {@link StatelessException}), and whether it hung.
   */
  <T> Result<T> call(String what, Supplier<CompletableFuture<T>> call) {
    operations.increment();
    long start = System.nanoTime();
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (v, t) -> {
          if (System.nanoTime() - start > pastTimeoutNanos) {
            pastTimeout.increment();
          }
          if (t != null) {
            failure(what, t);
          }
        });
    try {
      return new Result<>(f.get(hangNanos, TimeUnit.NANOSECONDS), null, false);
    } catch (TimeoutException e) {
      hangs.increment();
      sample("hang: " + what + " did not complete within " + Duration.ofNanos(hangNanos));
      return new Result<>(null, null, true);
    } catch (ExecutionException e) {
      return new Result<>(null, e.getCause() != null ? e.getCause() : e, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result<>(null, e, false);
    }
  }

  private void failure(String what, Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    failed.increment();
    if (c instanceof StatelessException s) {
      failuresByCode.computeIfAbsent(s.code(), k -> new LongAdder()).increment();
    } else {
      uncoded.increment();
      sample("uncoded failure of " + what + ": " + c);
    }
  }

  private void sample(String text) {
    if (samples.size() < 10) {
      samples.add(text);
    }
  }

  /** A write of {@code value}, recorded with how it ended. */
  Result<?> write(String key, String value, Kind kind, Supplier<CompletableFuture<?>> call) {
    Write w = new Write(key, value, kind);
    writes.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(w);
    Result<?> r = call(kind + " set " + key, call::get);
    w.ended = System.nanoTime();
    w.status = r.hung() ? Status.HUNG : r.ok() ? Status.ACKED : Status.FAILED;
    return r;
  }

  /**
   * An increment of counter {@code key} by one, in epoch {@code epoch}. A failure is uncertain (it
   * may have been applied) unless the command was never sent: refused while disconnected.
   */
  Result<?> increment(String key, int epoch, Supplier<CompletableFuture<?>> call) {
    Counter c = counters.computeIfAbsent(key, k -> new Counter(k, epoch));
    Result<?> r = call("increment " + key, call::get);
    if (r.ok()) {
      c.acked.increment();
    } else if (!neverSent(r.failure())) {
      c.uncertain.increment();
    }
    return r;
  }

  /**
   * Whether a failure says the command was refused before it was sent: Lettuce's {@code
   * DisconnectedBehavior.REJECT_COMMANDS} ("Currently not connected. Commands are rejected."), or a
   * Sentinel store's during a failover ("... Commands are rejected until the new master is reached
   * ..."), found in the cause chain of the coded exception.
   */
  private static boolean neverSent(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("Commands are rejected")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** How many writes {@code which} accepts. */
  long writes(Predicate<Write> which) {
    long n = 0;
    for (List<Write> ws : writes.values()) {
      synchronized (ws) {
        for (Write w : ws) {
          n += which.test(w) ? 1 : 0;
        }
      }
    }
    return n;
  }

  /** Every key written. */
  Set<String> keys() {
    return new HashSet<>(writes.keySet());
  }

  List<Counter> counters() {
    return List.copyOf(counters.values());
  }

  long uncertain() {
    return counters.values().stream().mapToLong(c -> c.uncertain.sum()).sum();
  }

  /**
   * Acknowledged {@code CLIENT_FIRST} writes of {@code node} that the drain discarded as conflicts
   * though no other node wrote their key (a conflict is legitimate only if one did): each is lost.
   * They are marked, so {@link #lostWrites} does not count them again.
   */
  long discardedByConflicts(String node, List<dev.stateless.OfflineConflict> conflicts) {
    long lost = 0;
    for (dev.stateless.OfflineConflict c : conflicts) {
      List<Write> ws = writes.get(c.key());
      if (ws == null) {
        continue;
      }
      synchronized (ws) {
        boolean otherWriter = ws.stream().anyMatch(w -> !w.value.startsWith(node + "-"));
        for (Write w : ws) {
          if (!otherWriter && w.acked() && !w.discarded && w.value.equals(c.localValue())) {
            w.discarded = true;
            lost++;
          }
        }
      }
    }
    return lost;
  }

  /**
   * Lost writes: per key, the last acknowledged write that had to survive ({@code mustSurvive}: by
   * the fault's durability, e.g. not a write an empty restart was entitled to forget) must be what
   * Redis holds, unless a write issued after it (acknowledged or not: a failed write may have been
   * applied) is. Each key whose {@code truth} is neither counts one.
   */
  long lostWrites(Map<String, @Nullable String> truth, Predicate<Write> mustSurvive) {
    return lostWrites(truth, mustSurvive, "lost");
  }

  /**
   * As {@link #lostWrites(Map, Predicate)}, each finding labelled {@code label}: for writes a fault
   * was entitled to lose, counted for the report rather than against the suite's promise.
   */
  long lostWrites(Map<String, @Nullable String> truth, Predicate<Write> mustSurvive, String label) {
    long lost = 0;
    for (Map.Entry<String, List<Write>> e : new TreeMap<>(writes).entrySet()) {
      List<Write> ws;
      synchronized (e.getValue()) {
        ws = new ArrayList<>(e.getValue());
      }
      int last = -1;
      for (int i = 0; i < ws.size(); i++) {
        if (ws.get(i).acked() && mustSurvive.test(ws.get(i))) {
          last = i;
        }
      }
      if (last < 0 || ws.get(last).discarded) {
        continue; // nothing had to survive, or counted as discarded already
      }
      String held = truth.get(e.getKey());
      boolean allowed = false;
      for (int i = last; i < ws.size(); i++) {
        allowed |= Objects.equals(ws.get(i).value, held);
      }
      if (!allowed) {
        lost++;
        detail(
            label
                + ": "
                + ws.get(last)
                + " acknowledged "
                + millisSinceStart(ws.get(last).ended)
                + ", Redis holds "
                + held
                + (last + 1 < ws.size() ? " (" + (ws.size() - last - 1) + " later writes)" : ""));
      }
    }
    return lost;
  }

  /**
   * Lost and duplicated increments of the counters whose epoch {@code checked} accepts: Redis's
   * value {@code finals} must be at least the acknowledged increments (else the difference is lost)
   * and at most those plus the uncertain ones (else the excess was applied twice).
   */
  long[] counterFigures(Map<String, Long> finals, IntPredicate checked) {
    long lost = 0;
    long duplicated = 0;
    for (Counter c : counters.values()) {
      if (!checked.test(c.epoch)) {
        continue;
      }
      long v = finals.getOrDefault(c.key, 0L);
      long acked = c.acked.sum();
      long uncertain = c.uncertain.sum();
      if (v < acked) {
        lost += acked - v;
        detail("lost increments: " + c.key + " holds " + v + ", " + acked + " acknowledged");
      }
      if (v > acked + uncertain) {
        duplicated += v - acked - uncertain;
        detail(
            "duplicated increments: "
                + c.key
                + " holds "
                + v
                + ", "
                + acked
                + " acknowledged + "
                + uncertain
                + " uncertain");
      }
    }
    return new long[] {lost, duplicated};
  }

  /** The marks in the order reached, in milliseconds since the scenario started. */
  String marks() {
    StringBuilder out = new StringBuilder();
    marks.entrySet().stream()
        .sorted(Map.Entry.comparingByValue())
        .forEach(
            e ->
                out.append(out.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(" at ")
                    .append(sinceStart(e.getValue()))
                    .append(" ms"));
    return out.toString();
  }

  /** The failures by code and the first uncoded failures and hangs, for the notes. */
  String failures() {
    StringBuilder out = new StringBuilder(new TreeMap<>(failuresByCode).toString());
    for (String s : samples) {
      out.append("; ").append(s);
    }
    return out.toString();
  }

  private String millisSinceStart(long nanos) {
    return "at " + TimeUnit.NANOSECONDS.toMillis(nanos - started) + " ms";
  }

  /** When {@code nanos} was, in milliseconds since the scenario started (for details). */
  long sinceStart(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos - started);
  }
}
