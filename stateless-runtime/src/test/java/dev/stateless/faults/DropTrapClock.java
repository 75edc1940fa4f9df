package dev.stateless.faults;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A node's clock (the ticker of its in-process TTLs) that, once {@link #arm armed}, makes the fill
 * race of a copy drop deterministic, with no seam in the runtime: the clock is read where an
 * in-process layer drops an entry with a TTL and where a read looks at one.
 *
 * <p>The race: {@code Copies.drop} moves the key's generation, drops the client copy, drops the
 * edge copy, and moves the generation again. A read whose generation token is taken between the two
 * moves, which finds the client empty and the edge still holding the old value, copies that value
 * into the client and passes both of its checks: the old value stays in the client.
 *
 * <p>The trap: the first clock read inside {@code Copies.drop} (the client copy's timer leaving its
 * region, after the copy itself left) starts the racing read on a new thread and waits until that
 * read has looked at the edge copy (its first clock read); the second one inside the drop (the edge
 * copy's timer leaving) waits until the racing read has returned. So the read takes its token after
 * the first move, reads the edge before its copy goes, and installs into the client before the
 * second move: exactly the interleaving of the defect. Every wait is bounded (5 s), so a runtime
 * that blocks such a read cannot deadlock the test.
 */
final class DropTrapClock extends Clock {
  private static final long WAIT_SECONDS = 5;

  private final Clock system = Clock.systemUTC();
  private volatile @Nullable Trap trap;

  /** One armed trap: the racing read and how far it got. */
  static final class Trap {
    private final Supplier<@Nullable Object> read;
    private final CountDownLatch lookedAtEdge = new CountDownLatch(1);
    final CompletableFuture<@Nullable Object> readResult = new CompletableFuture<>();
    private final AtomicInteger dropReads = new AtomicInteger();
    private volatile @Nullable Thread reader;
    private volatile @Nullable Thread dropper;

    /** Whether the drop passed both trap points: the race was staged. */
    volatile boolean sprung;

    Trap(Supplier<@Nullable Object> read) {
      this.read = read;
    }
  }

  /** Arms a trap whose racing read is {@code read}; returns it, to look at afterwards. */
  Trap arm(Supplier<@Nullable Object> read) {
    Trap t = new Trap(read);
    trap = t;
    return t;
  }

  void disarm() {
    trap = null;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    Trap t = trap;
    if (t != null) {
      onRead(t);
    }
    return system.instant();
  }

  private void onRead(Trap t) {
    Thread me = Thread.currentThread();
    if (me == t.reader) {
      t.lookedAtEdge.countDown(); // the racing read's first look: the edge copy
      return;
    }
    Thread dropper = t.dropper;
    if ((dropper != null && dropper != me) || !insideCopiesDrop()) {
      return;
    }
    int n = t.dropReads.incrementAndGet();
    if (n == 1) {
      t.dropper = me;
      Thread reader =
          new Thread(
              () -> {
                try {
                  t.readResult.complete(t.read.get());
                } catch (RuntimeException | Error e) {
                  t.readResult.completeExceptionally(e);
                }
              },
              "fault-racing-read");
      reader.setDaemon(true);
      t.reader = reader;
      reader.start();
      await(t.lookedAtEdge);
    } else if (n == 2) {
      try {
        t.readResult.get(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the read failed or is blocked: the drop goes on, the test looks at what is left
      }
      t.sprung = true;
      trap = null;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean insideCopiesDrop() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames.anyMatch(
                    f ->
                        f.getClassName().equals("dev.stateless.internal.Copies")
                            && f.getMethodName().equals("drop")));
  }
}
