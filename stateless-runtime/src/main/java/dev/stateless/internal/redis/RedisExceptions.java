package dev.stateless.internal.redis;

import dev.stateless.CacheNetworkException;
import dev.stateless.CacheTimeoutException;
import dev.stateless.CapacityException;
import dev.stateless.InvalidStateException;
import dev.stateless.StaleDataException;
import dev.stateless.VersionConflictException;
import dev.stateless.core.Code;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.Errors;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Maps Lettuce's failures (and Redis's error replies) to the runtime's coded exceptions, made by
 * {@link Errors}: the one place that knows what a Redis failure means to a caller.
 *
 * <ul>
 *   <li>a command timeout: SL101 ({@link Errors#timedOut});
 *   <li>an {@code OOM} reply: SL102 ({@link Errors#storeFull});
 *   <li>{@code LOADING}, {@code BUSY}, {@code READONLY}, {@code MASTERDOWN}, {@code TRYAGAIN}: the
 *       server is there but cannot serve, like being away: SL100 ({@link Errors#unreachable});
 *   <li>an edge node's reply with our code ({@code -NOPERM SL002 ...}): that code, as the runtime
 *       raises it here;
 *   <li>any other error reply (including {@code NOSCRIPT} when it reaches a caller): SL105 ({@link
 *       Errors#storeRefused});
 *   <li>a connection failure, or any other Lettuce or I/O failure: SL100;
 *   <li>a command cancelled or refused because the store closed: {@link Errors#closed}.
 * </ul>
 */
public final class RedisExceptions {
  private RedisExceptions() {}

  /** Reply codes of a server that is there but cannot serve right now. */
  private static final List<String> UNAVAILABLE =
      List.of("LOADING", "BUSY", "READONLY", "MASTERDOWN", "TRYAGAIN");

  /**
   * Translates a Lettuce failure into our typed, coded exception; ours pass through.
   *
   * @param store the store's description, for the message
   * @param timeout the store's command timeout, for the message of a timeout
   */
  public static RuntimeException fromLettuce(
      String store, Duration timeout, @Nullable Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof StatelessException ours) {
      return ours;
    }
    if (t instanceof CancellationException || t instanceof RejectedExecutionException) {
      return Errors.closed(); // Lettuce cancels what is queued when the cache closes
    }
    if (t instanceof RedisCommandTimeoutException) {
      return Errors.timedOut(store, timeout, t);
    }
    if (t instanceof RedisCommandExecutionException) {
      String m = String.valueOf(t.getMessage());
      RuntimeException coded = coded(store, m, t);
      if (coded != null) {
        return coded;
      }
      if (replyCode(m, "OOM")) {
        return Errors.storeFull(store, t);
      }
      if (UNAVAILABLE.stream().anyMatch(code -> replyCode(m, code))) {
        return Errors.unreachable(store, t); // the server is there but cannot serve: like away
      }
      return Errors.storeRefused(store, t);
    }
    if (t instanceof RedisConnectionException
        || t instanceof RedisException
        || t instanceof IOException) {
      return Errors.unreachable(store, t);
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new IllegalStateException(t);
  }

  /**
   * An error reply of an edge node: Redis's error class, then our code ({@code -NOPERM SL002 ...}).
   */
  private static final Pattern CODED_REPLY =
      Pattern.compile("^[A-Z]+ (SL[0-9]{3}) (.*?)(?:; help: (.*))?$", Pattern.DOTALL);

  /**
   * The coded exception an edge node's error reply carries ({@code -NOPERM SL002 write to borrowed
   * pattern ...; help: ...}), of the same type the runtime raises for that code here; null for a
   * reply without one (Redis's own).
   */
  private static @Nullable RuntimeException coded(String store, String reply, Throwable cause) {
    Matcher m = CODED_REPLY.matcher(reply);
    if (!m.matches()) {
      return null;
    }
    Code code;
    try {
      code = Code.valueOf(m.group(1));
    } catch (IllegalArgumentException unknown) {
      return null; // a code this runtime does not know: Redis's refusal, as any other
    }
    String help = m.group(3) != null ? m.group(3) : "see the edge node's log and docs/edge.md";
    Diagnostic d = Diagnostic.error(code, m.group(2) + " (from " + store + ")", help, List.of());
    return switch (code) {
      case SL100 -> new CacheNetworkException(d, cause);
      case SL101 -> new CacheTimeoutException(d, cause);
      case SL102 -> new CapacityException(d, cause);
      case SL103 -> new VersionConflictException(d, cause);
      case SL104 -> new StaleDataException(d, cause);
      case SL105 -> new InvalidStateException(d, cause);
      default -> new StatelessException(List.of(d), cause);
    };
  }

  /** Whether a failure is Redis's NOSCRIPT reply: the script is not loaded (EVAL it instead). */
  static boolean isNoScript(Throwable t) {
    return String.valueOf(t.getMessage()).startsWith("NOSCRIPT");
  }

  /**
   * Whether a Redis error reply carries a code: first ("OOM ..."), or, from a command inside a
   * script, after a dash (Redis 6.2 wraps it: "ERR Error running script ...: -OOM ...").
   */
  private static boolean replyCode(String message, String code) {
    return message.startsWith(code + " ") || message.contains("-" + code + " ");
  }
}
