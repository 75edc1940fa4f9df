package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;

/**
 * Many threads calling at once, for the {@code get(key, loader)} tests: each caller's result or
 * failure is kept, and a loader can wait until every other caller is blocked inside its call, so
 * the load is shared by callers that are truly concurrent, not ones that came after it.
 */
final class Stampede {
  private final int callers;
  private final List<Thread> threads = new ArrayList<>();
  private final Object[] results;
  private final Throwable[] failures;
  private final boolean[] entered;
  private final CountDownLatch go = new CountDownLatch(1);

  Stampede(int callers) {
    this.callers = callers;
    this.results = new Object[callers];
    this.failures = new Throwable[callers];
    this.entered = new boolean[callers];
  }

  /** Starts every caller at once, each running {@code call} with its number, and waits for all. */
  Stampede run(IntFunction<Object> call) throws InterruptedException {
    for (int i = 0; i < callers; i++) {
      int n = i;
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  synchronized (entered) {
                    entered[n] = true;
                  }
                  results[n] = call.apply(n);
                } catch (Throwable e) {
                  failures[n] = unwrap(e);
                }
              },
              "stampede-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(60).toMillis());
      assertThat(t.isAlive()).as(t.getName() + " still running").isFalse();
    }
    return this;
  }

  /**
   * From inside a loader: returns once every other caller has entered its call and is blocked (in
   * it: waiting for this load) or done.
   */
  void awaitOthersBlocked() {
    Thread me = Thread.currentThread();
    Await.until(
        "every other caller blocked in its call",
        Duration.ofSeconds(30),
        () -> {
          synchronized (entered) {
            for (int i = 0; i < callers; i++) {
              Thread t = threads.get(i);
              Thread.State s = t.getState();
              if (t != me
                  && (!entered[i]
                      || !(s == Thread.State.WAITING
                          || s == Thread.State.TIMED_WAITING
                          || s == Thread.State.TERMINATED))) {
                return false;
              }
            }
            return true;
          }
        });
  }

  List<Object> results() {
    return Arrays.asList(results);
  }

  List<Throwable> failures() {
    return Arrays.asList(failures);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
