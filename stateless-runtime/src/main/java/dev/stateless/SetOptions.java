package dev.stateless;

import dev.stateless.core.Literals;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of one {@code set}: a time to live and a condition ({@code NX} / {@code XX} in Redis
 * terms). Immutable; each method returns a new instance.
 *
 * <pre>{@code
 * cache.set("session:42", token, SetOptions.ttl(Duration.ofMinutes(30)));
 * cache.set("lock:job", owner, SetOptions.ttl(Duration.ofSeconds(10)).ifAbsent());
 * }</pre>
 */
public final class SetOptions {
  /** When a conditional write applies. */
  public enum Condition {
    /** Always (a plain {@code SET}). */
    ALWAYS,
    /** Only when the key holds no value ({@code NX}). */
    IF_ABSENT,
    /** Only when the key holds a value ({@code XX}). */
    IF_PRESENT
  }

  private static final SetOptions NONE = new SetOptions(null, Condition.ALWAYS);

  private final @Nullable Duration ttl;
  private final Condition condition;

  private SetOptions(@Nullable Duration ttl, Condition condition) {
    this.ttl = ttl;
    this.condition = condition;
  }

  /**
   * Returns options with no TTL (the component's {@code @Ttl} applies, if any) and no condition.
   *
   * @return the default options
   */
  public static SetOptions none() {
    return NONE;
  }

  /**
   * Returns options that expire the entry after {@code ttl}, overriding the component's
   * {@code @Ttl}. A TTL too long for a {@code long} of nanoseconds (about 292 years, such as {@code
   * Duration.ofSeconds(Long.MAX_VALUE)}) is kept as that, as Caffeine does: the entry does not
   * expire in practice (in-process layers count 100 years or more as no expiry).
   *
   * @param ttl the time to live, positive
   * @return the options
   * @throws dev.stateless.core.StatelessException SL012 if {@code ttl} is zero or negative (for no
   *     expiry, give no TTL)
   * @throws NullPointerException if {@code ttl} is null
   */
  public static SetOptions ttl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    return new SetOptions(Literals.checkTtl(ttl, "ttl of SetOptions.ttl(ttl)"), Condition.ALWAYS);
  }

  /**
   * Returns these options with a time to live; see {@link #ttl(Duration)}.
   *
   * @param ttl the time to live, positive
   * @return new options
   * @throws dev.stateless.core.StatelessException SL012 if {@code ttl} is zero or negative
   * @throws NullPointerException if {@code ttl} is null
   */
  public SetOptions withTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    return new SetOptions(Literals.checkTtl(ttl, "ttl of SetOptions.withTtl(ttl)"), condition);
  }

  /**
   * Returns these options, writing only when the key is absent (Redis {@code NX}).
   *
   * @return new options
   */
  public SetOptions ifAbsent() {
    return new SetOptions(ttl, Condition.IF_ABSENT);
  }

  /**
   * Returns these options, writing only when the key is present (Redis {@code XX}).
   *
   * @return new options
   */
  public SetOptions ifPresent() {
    return new SetOptions(ttl, Condition.IF_PRESENT);
  }

  /**
   * Returns the time to live, or {@code null} when the component's default applies.
   *
   * @return the TTL or {@code null}
   */
  public @Nullable Duration ttl() {
    return ttl;
  }

  /**
   * Returns when the write applies.
   *
   * @return {@link Condition#ALWAYS}, {@link Condition#IF_ABSENT} or {@link Condition#IF_PRESENT}
   */
  public Condition condition() {
    return condition;
  }

  @Override
  public String toString() {
    return "SetOptions{ttl=" + ttl + ", condition=" + condition + "}";
  }
}
