package dev.stateless.core;

/**
 * Every rule of stateless, by its stable code. The checker reports these codes as javac errors and
 * the runtime raises them in {@link StatelessException}s; {@code docs/diagnostics.md} shows a
 * failing example and the fix for each. This enum is the one list of codes: {@code SL0xx} are the
 * ownership rules (checked by both), {@code SL1xx} are failures only the runtime meets.
 */
public enum Code {
  /** Two components own overlapping key patterns. */
  SL001("overlapping ownership"),
  /** A write to a key the code only borrows. */
  SL002("write to a borrowed pattern"),
  /** A write to a key no component owns, or one the code does not own. */
  SL003("write to an unowned key"),
  /** Writing an owner's data through a layer other than the owner's primary layer. */
  SL004("layer violation"),
  /** Borrowing, invalidating or prefetching a pattern no component owns. */
  SL005("borrow of an unowned pattern"),
  /** Components whose invalidation dependents lead back to themselves. */
  SL006("circular invalidation dependency"),
  /** A component, strategy or layer view needs a layer the application does not have. */
  SL007("unreachable layer"),
  /** Strategies that cannot work together. */
  SL008("incompatible strategies"),
  /** Plain get/set on a streaming component's key. */
  SL009("plain access to streaming data"),
  /** A scoped entry outside a request lifetime, or a session entry without cleanup. */
  SL010("entry outlives its scope"),
  /** {@code atomicUpdate} without exclusive access or ownership. */
  SL011("atomic update without exclusive access"),
  /**
   * A malformed key pattern, key, glob, size literal, duration literal or TTL: empty, not
   * well-formed UTF-16 (so with no exact UTF-8 encoding), or not positive. Also a line of a
   * manifest file that is not the format ({@link Manifest#parse(java.nio.file.Path)}).
   */
  SL012("malformed literal"),
  /**
   * A component name the manifest does not have, a name defined twice (in a builder or a manifest
   * file), or a class that is no manifest.
   */
  SL013("unknown component"),
  /**
   * A value of another type than its owner's {@code @ValueType}, or a {@code @ValueType} on a
   * component that owns nothing.
   */
  SL014("value of the wrong type"),
  /** The runtime could not reach a store (Redis down, connection reset). */
  SL100("network failure"),
  /** A store did not answer within the configured timeout. */
  SL101("timeout"),
  /** A value larger than its component's {@code @MaxSize}, or a store out of memory. */
  SL102("capacity limit"),
  /** A read-modify-write lost to a concurrent writer more often than it may retry. */
  SL103("version conflict"),
  /** Data that cannot be proven fresh was asked for where only fresh data may be served. */
  SL104("stale data"),
  /** An operation on a closed cache, or a value the codec cannot encode or decode. */
  SL105("invalid state");

  private final String title;

  Code(String title) {
    this.title = title;
  }

  /**
   * Returns the rule's short title, as used in {@code docs/diagnostics.md}.
   *
   * @return the title, such as {@code "overlapping ownership"}
   */
  public String title() {
    return title;
  }
}
