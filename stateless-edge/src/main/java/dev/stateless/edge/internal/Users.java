package dev.stateless.edge.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Who may connect: the {@code default} user (with {@code requirepass}, or open without one) and one
 * user per manifest component given a password, whose connections act with that component's rights
 * ({@code AUTH <component> <password>}), as a Redis ACL user's key permissions.
 *
 * @param passwords each component user's password
 */
public record Users(Map<String, String> passwords) {
  /** Redis's default user. */
  public static final String DEFAULT = "default";

  /** No component users. */
  public static final Users NONE = new Users(Map.of());

  /**
   * @throws IllegalArgumentException for an empty password, or a user named {@code default}
   */
  public Users {
    passwords = Map.copyOf(new TreeMap<>(passwords));
    for (Map.Entry<String, String> e : passwords.entrySet()) {
      if (e.getKey().equals(DEFAULT)) {
        throw new IllegalArgumentException(
            "user 'default' is Redis's own: its password is --requirepass");
      }
      if (e.getValue().isEmpty()) {
        throw new IllegalArgumentException("user '" + e.getKey() + "' has an empty password");
      }
    }
  }

  /**
   * The user a {@code user}/{@code password} pair authenticates, or null: {@code default} with the
   * {@code requirepass} (any password when there is none), or a component user with its password.
   * The passwords are compared in constant time.
   */
  @Nullable String authenticate(byte[] user, byte[] password, @Nullable String requirepass) {
    String name = new String(user, StandardCharsets.UTF_8);
    if (name.equals(DEFAULT)) {
      return requirepass == null || matches(password, requirepass) ? DEFAULT : null;
    }
    String required = passwords.get(name);
    return required != null && matches(password, required) ? name : null;
  }

  private static boolean matches(byte[] password, String required) {
    return MessageDigest.isEqual(password, required.getBytes(StandardCharsets.UTF_8));
  }
}
