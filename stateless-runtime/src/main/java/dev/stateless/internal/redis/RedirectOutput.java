package dev.stateless.internal.redis;

import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A command's output that also notes where Redis Cluster redirected the command ({@code MOVED} or
 * {@code ASK}): Lettuce's cluster connection follows a redirection by sending the same command
 * again to the node named, and clears the error first, so the reply alone does not tell which node
 * applied a write. {@link ReplicaAcks} must know: its WAIT goes to that node's connection.
 */
final class RedirectOutput<T> extends CommandOutput<String, byte[], T> {
  private final CommandOutput<String, byte[], T> delegate;

  /** The last redirection's target, {@code host:port}; null: none. */
  private volatile @Nullable String redirectedTo;

  RedirectOutput(CommandOutput<String, byte[], T> delegate) {
    super(RedisConnection.CODEC, null);
    this.delegate = delegate;
  }

  /** The node the command was last redirected to, {@code host:port}; null: it was not. */
  @Nullable String redirectedTo() {
    return redirectedTo;
  }

  private void noteRedirection(@Nullable String error) {
    // "MOVED 3999 127.0.0.1:6381" or "ASK 3999 127.0.0.1:6381"
    if (error != null && (error.startsWith("MOVED ") || error.startsWith("ASK "))) {
      int space = error.lastIndexOf(' ');
      redirectedTo = error.substring(space + 1);
    }
  }

  @Override
  public T get() {
    return delegate.get();
  }

  @Override
  public void set(ByteBuffer bytes) {
    delegate.set(bytes);
  }

  @Override
  public void setSingle(ByteBuffer bytes) {
    delegate.setSingle(bytes);
  }

  @Override
  public void setBigNumber(ByteBuffer bytes) {
    delegate.setBigNumber(bytes);
  }

  @Override
  public void set(long integer) {
    delegate.set(integer);
  }

  @Override
  public void set(double number) {
    delegate.set(number);
  }

  @Override
  public void set(boolean value) {
    delegate.set(value);
  }

  @Override
  public void setError(ByteBuffer error) {
    String text =
        error == null ? null : StandardCharsets.UTF_8.decode(error.duplicate()).toString();
    noteRedirection(text);
    delegate.setError(error);
  }

  @Override
  public void setError(String error) {
    noteRedirection(error);
    delegate.setError(error);
  }

  @Override
  public boolean hasError() {
    return delegate.hasError();
  }

  @Override
  public String getError() {
    return delegate.getError();
  }

  @Override
  public void complete(int depth) {
    delegate.complete(depth);
  }

  @Override
  public void multi(int count) {
    delegate.multi(count);
  }

  @Override
  public void multiArray(int count) {
    delegate.multiArray(count);
  }

  @Override
  public void multiPush(int count) {
    delegate.multiPush(count);
  }

  @Override
  public void multiMap(int count) {
    delegate.multiMap(count);
  }

  @Override
  public void multiSet(int count) {
    delegate.multiSet(count);
  }
}
