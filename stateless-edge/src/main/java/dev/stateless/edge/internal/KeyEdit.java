package dev.stateless.edge.internal;

import dev.stateless.SetOptions;
import org.jspecify.annotations.Nullable;

/**
 * What a command does to one key's value, defined once for both ways it runs: alone, as one {@code
 * atomicUpdate} of the node's cache (no lost update), or inside {@code EXEC} on the transaction's
 * keys.
 *
 * @param key the key
 * @param ttl the expiry the new value takes: {@code null} keeps the key's, {@link
 *     SetOptions#none()} none (the owner's {@code @Ttl}, if any), or a TTL
 * @param change the new value and the reply, from the value found
 */
record KeyEdit(String key, @Nullable SetOptions ttl, Change change) {

  /** The new value and the reply, from the value found. */
  @FunctionalInterface
  interface Change {
    /**
     * Computes the outcome.
     *
     * @param old the value, {@code null} when absent
     * @return what to write and answer
     * @throws ReplyException when the value does not suit the command (an error reply, and no
     *     write)
     */
    Outcome apply(byte @Nullable [] old);
  }

  /**
   * What an edit writes and answers.
   *
   * @param value the new value, {@code null} to delete
   * @param unchanged nothing is written (value and expiry stay)
   * @param reply the reply
   */
  @SuppressWarnings("ArrayRecordComponent") // a carrier from the function to its caller
  record Outcome(byte @Nullable [] value, boolean unchanged, Reply reply) {
    static Outcome write(byte @Nullable [] value, Reply reply) {
      return new Outcome(value, false, reply);
    }

    static Outcome keep(Reply reply) {
      return new Outcome(null, true, reply);
    }
  }
}
