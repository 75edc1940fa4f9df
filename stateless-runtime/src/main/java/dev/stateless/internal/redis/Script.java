package dev.stateless.internal.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script as sent to Redis: run with EVALSHA by its SHA-1, and with EVAL (which loads it) on
 * NOSCRIPT. {@link RedisScripts} loads them.
 *
 * @param name the name of its resource, without {@code .lua}
 * @param text the text sent to Redis
 * @param sha the SHA-1 hex of the text, as SCRIPT LOAD answers it
 */
record Script(String name, String text, String sha) {

  static Script of(String name, String text) {
    return new Script(name, text, sha1(text));
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + sha + ")";
  }
}
