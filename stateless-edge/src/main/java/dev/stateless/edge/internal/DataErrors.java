package dev.stateless.edge.internal;

import dev.stateless.core.Diagnostic;
import dev.stateless.core.StatelessException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error reply of a failed data command: the runtime's coded failure inside Redis's error
 * classes. A write outside the connection's rights is {@code -NOPERM SL002 ...} (as Redis answers a
 * key its ACL user may not touch); every other coded failure {@code -ERR SL100 ...}; the message is
 * the diagnostic's, then its help.
 */
final class DataErrors {
  private static final Logger log = LoggerFactory.getLogger(DataErrors.class);

  /** The ownership rules: what Redis calls a permission. */
  private static final Set<String> PERMISSION = Set.of("SL002", "SL003", "SL004", "SL005", "SL011");

  private DataErrors() {}

  static Reply of(Throwable failure) {
    while (failure instanceof java.util.concurrent.CompletionException
        && failure.getCause() != null) {
      failure = failure.getCause();
    }
    if (failure instanceof ReplyException e) {
      return e.reply(); // a command's own error, raised where it read the value (an atomicUpdate)
    }
    if (failure instanceof StatelessException e && !e.diagnostics().isEmpty()) {
      Diagnostic d = e.diagnostics().get(0);
      String kind = PERMISSION.contains(d.code()) ? "NOPERM" : "ERR";
      return Reply.error(kind + " " + d.code() + " " + d.message() + "; help: " + d.help());
    }
    log.warn("A data command failed with an uncoded error", failure);
    return Reply.error("ERR internal error: " + failure);
  }
}
