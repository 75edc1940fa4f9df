package dev.stateless.edge.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who may connect: the {@code default} user (with {@code requirepass}, or open without one) and one
 * user per manifest component given a password, whose connections act with that component's rights
 * ({@code AUTH <component> <password>}), as a Redis ACL user's key permissions. Only the SHA-256 of
 * each component user's password is kept, as Redis keeps its ACL passwords; a users file may give
 * that hash instead of the password ({@link #parseFile}).
 */
public final class Users {
  /** Redis's default user. */
  public static final String DEFAULT = "default";

  /** No component users. */
  public static final Users NONE = new Users(Map.of());

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern WORD = Pattern.compile("\\S+");

  /** A rule of Redis's ACL file that this file does not take (keys, commands, channels, ...). */
  private static final Pattern ACL_RULE =
      Pattern.compile(
          "[~%&+\\-]|allkeys$|allcommands$|allchannels$|resetkeys$|resetchannels$|nocommands$"
              + "|nopass$|resetpass$|reset$|clearselectors$|\\(");

  /** Each enabled component user's password hash; a disabled user maps to an empty array. */
  private final Map<String, byte[]> digests;

  private Users(Map<String, byte[]> digests) {
    this.digests = Collections.unmodifiableMap(new TreeMap<>(digests));
  }

  /**
   * Component users with these passwords.
   *
   * @throws IllegalArgumentException for an empty password, or a user named {@code default}
   */
  public static Users of(Map<String, String> passwords) {
    Map<String, byte[]> digests = new TreeMap<>();
    for (Map.Entry<String, String> e : passwords.entrySet()) {
      checkName(e.getKey(), "");
      if (e.getValue().isEmpty()) {
        throw new IllegalArgumentException("user '" + e.getKey() + "' has an empty password");
      }
      digests.put(e.getKey(), sha256(e.getValue().getBytes(StandardCharsets.UTF_8)));
    }
    return new Users(digests);
  }

  /**
   * These users and {@code more}'s.
   *
   * @throws IllegalArgumentException if a user is in both
   */
  public Users and(Users more) {
    Map<String, byte[]> all = new TreeMap<>(digests);
    for (Map.Entry<String, byte[]> e : more.digests.entrySet()) {
      if (all.putIfAbsent(e.getKey(), e.getValue()) != null) {
        throw new IllegalArgumentException(
            "user '" + e.getKey() + "' is given twice (--user and --users-file); keep one");
      }
    }
    return new Users(all);
  }

  /** The component users' names, enabled or not. */
  public Set<String> names() {
    return digests.keySet();
  }

  /**
   * Reads a users file, in the spirit of Redis's ACL file: one {@code user <component> on|off
   * >password|#sha256} per line; blank lines and lines starting with {@code #} are skipped. Key
   * rights come from the manifest, so ACL key and command rules ({@code ~...}, {@code +@...}) are
   * refused, not ignored.
   *
   * @throws IllegalArgumentException naming the file and line of the first bad line, with help
   */
  public static Users parseFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --users-file " + file + ": " + e, e);
    }
    Map<String, byte[]> digests = new TreeMap<>();
    for (int n = 1; n <= lines.size(); n++) {
      String line = lines.get(n - 1).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + n + ": ";
      List<String> words = new ArrayList<>();
      for (Matcher m = WORD.matcher(line); m.find(); ) {
        words.add(m.group());
      }
      if (!words.get(0).equals("user") || words.size() < 3) {
        throw bad(where, "expected a user line, found \"" + masked(line) + "\"");
      }
      String name = words.get(1);
      checkName(name, where);
      Boolean on = null;
      byte[] digest = null;
      for (String w : words.subList(2, words.size())) {
        if (w.equals("on") || w.equals("off")) {
          if (on != null) {
            throw bad(where, "user '" + name + "' is switched on or off twice");
          }
          on = w.equals("on");
        } else if (w.startsWith(">") || w.startsWith("#")) {
          if (digest != null) {
            throw bad(where, "user '" + name + "' has two passwords; one per user");
          }
          digest = secret(w, name, where);
        } else if (ACL_RULE.matcher(w).lookingAt()) {
          throw bad(
              where,
              "\""
                  + w
                  + "\" is not served: key rights come from the manifest (what the component owns"
                  + " and borrows), and every user may run every command its rights allow");
        } else {
          // Not quoted: it may be a password that lost its '>'.
          throw bad(
              where,
              "user '" + name + "' has a word that is no rule (not shown: a password needs '>')");
        }
      }
      if (on == null) {
        throw bad(where, "user '" + name + "' is neither on nor off");
      }
      if (on && digest == null) {
        throw bad(where, "user '" + name + "' is on but has no password");
      }
      if (digests.putIfAbsent(name, on ? digest : new byte[0]) != null) {
        throw bad(where, "user '" + name + "' is given twice");
      }
    }
    return new Users(digests);
  }

  private static byte[] secret(String word, String name, String where) {
    String value = word.substring(1);
    if (word.charAt(0) == '>') {
      if (value.isEmpty()) {
        throw bad(where, "user '" + name + "' has an empty password");
      }
      return sha256(value.getBytes(StandardCharsets.UTF_8));
    }
    String hex = value.toLowerCase(Locale.ROOT);
    if (!SHA256_HEX.matcher(hex).matches()) {
      throw bad(
          where,
          "user '"
              + name
              + "': #"
              + value
              + " is no SHA-256 hash (64 hexadecimal digits); make one with: printf %s"
              + " 'password' | sha256sum");
    }
    return HexFormat.of().parseHex(hex);
  }

  private static void checkName(String name, String where) {
    if (name.equals(DEFAULT)) {
      throw bad(where, "user 'default' is Redis's own: its password is --requirepass");
    }
  }

  private static IllegalArgumentException bad(String where, String problem) {
    return new IllegalArgumentException(
        where
            + problem
            + "; help: a users file has lines \"user <component> on >password\" or \"user"
            + " <component> on #<sha256 of the password>\" (or \"off\" to refuse the user), and"
            + " comments starting with #; see docs/edge.md");
  }

  /** A line as an error may quote it: passwords hidden. */
  private static String masked(String line) {
    return line.replaceAll(">\\S*", ">***");
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The user a {@code user}/{@code password} pair authenticates, or null: {@code default} with the
   * {@code requirepass} (any password when there is none), or an enabled component user with its
   * password. The passwords' hashes are compared in constant time.
   */
  @Nullable String authenticate(byte[] user, byte[] password, @Nullable String requirepass) {
    String name = new String(user, StandardCharsets.UTF_8);
    if (name.equals(DEFAULT)) {
      return requirepass == null
              || MessageDigest.isEqual(password, requirepass.getBytes(StandardCharsets.UTF_8))
          ? DEFAULT
          : null;
    }
    byte[] required = digests.get(name);
    return required != null
            && required.length > 0
            && MessageDigest.isEqual(sha256(password), required)
        ? name
        : null;
  }
}
