package dev.stateless;

import dev.stateless.core.Code;
import dev.stateless.core.Diagnostic;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A value that cannot be encoded, or bytes that are no value of the type asked for. Code {@code
 * SL105}. The cache throws it naming the key and the component; a {@link ValueCodec} throws it
 * (with {@link #ValueCodecException(String, Throwable)}) to say what went wrong, and the cache adds
 * the key.
 */
public class ValueCodecException extends InvalidStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception a codec throws.
   *
   * @param problem what is wrong with the value or the bytes
   * @param cause the underlying failure, or {@code null}
   */
  public ValueCodecException(String problem, @Nullable Throwable cause) {
    this(
        Diagnostic.error(
            Code.SL105,
            problem,
            "check that the key holds what its component's @ValueType says, written by a codec"
                + " that can read it back",
            List.of()),
        cause);
  }

  /**
   * Creates the exception for one diagnostic (the cache's, naming the key).
   *
   * @param diagnostic what failed, with its code and help line
   * @param cause the underlying failure, or {@code null}
   */
  public ValueCodecException(Diagnostic diagnostic, @Nullable Throwable cause) {
    super(diagnostic, cause);
  }
}
