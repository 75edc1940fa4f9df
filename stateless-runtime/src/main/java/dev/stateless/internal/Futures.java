package dev.stateless.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waiting for futures the way the blocking API does: the operation's own exception, unwrapped. */
public final class Futures {
  private static final Logger LOG = LoggerFactory.getLogger(Futures.class);

  private Futures() {}

  /**
   * Runs {@code action} when {@code future} completes, as {@code future.whenComplete(action)} does
   * for a callback whose own future nobody reads: the action handles the outcome, and should it
   * throw, that is logged rather than lost.
   *
   * @param future the future
   * @param action what to do with its value or failure
   * @param <T> its value's type
   */
  public static <T> void whenDone(
      CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> action) {
    future
        .handle(
            (v, t) -> {
              action.accept(v, t);
              return null;
            })
        .exceptionally(
            t -> {
              LOG.warn("a completion callback failed", t);
              return null;
            });
  }

  /**
   * A best-effort command whose outcome nobody waits for (a close, a lock release with a lease):
   * its failure is only logged, at DEBUG.
   *
   * @param future the command's future
   * @param what the command, for the log
   */
  public static void bestEffort(CompletionStage<?> future, String what) {
    future.exceptionally(
        t -> {
          LOG.debug("{} failed (best effort)", what, t);
          return null;
        });
  }

  /**
   * {@code future.handle(fn).thenCompose(f -> f)} without the future of a future in between: the
   * same completion, thread and failure wrapping.
   *
   * @param future the future
   * @param fn the next step, given its value or failure
   * @param <T> its value's type
   * @param <U> the next step's value's type
   * @return the next step's outcome
   */
  public static <T, U> CompletableFuture<U> handleCompose(
      CompletableFuture<T> future,
      BiFunction<? super T, Throwable, ? extends CompletionStage<U>> fn) {
    return future.handle(Outcome<T>::new).thenCompose(o -> fn.apply(o.value(), o.failure()));
  }

  /**
   * {@code CompletableFuture.supplyAsync(step, executor).thenCompose(f -> f)} without the future of
   * a future in between: the same threads and failure wrapping, and a rejection still thrown here.
   *
   * @param step the step, run on {@code executor}
   * @param executor where it runs
   * @param <U> its value's type
   * @return the step's outcome
   */
  public static <U> CompletableFuture<U> composeAsync(
      Supplier<? extends CompletionStage<U>> step, Executor executor) {
    return CompletableFuture.supplyAsync(() -> new Stage<U>(step.get()), executor)
        .thenCompose(Stage::stage);
  }

  /** A completed future's value or failure, as {@code handle} sees them. */
  private record Outcome<T>(T value, Throwable failure) {}

  /** A stage to compose, boxed so no future holds a future. */
  private record Stage<U>(CompletionStage<U> stage) {}

  /**
   * Waits for a future and rethrows its failure as thrown by the operation.
   *
   * @param future the future
   * @param <T> its value's type
   * @return its value
   */
  public static <T extends @Nullable Object> T join(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new CompletionException(cause);
    }
  }
}
