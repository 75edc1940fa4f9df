package dev.stateless.internal.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lua scripts, loaded once from the {@code .lua} resources of this package. Each file starts
 * with a header comment (its KEYS, ARGV and reply), then one blank line, then the script; the
 * header is not sent to Redis. A body line {@code --#include <fragment> name=value ...} is replaced
 * by the fragment {@code fragments/<fragment>.lua} (its own header dropped too), whose {@code
 * ${name}} placeholders take the given values. Then the {@code ${UPPER_CASE}} placeholders take the
 * wire constants: the invalidation event's field names from {@link InvalidationEvent} and the
 * sequence field and tombstone time from {@link RedisKeys}, so the Lua side never spells them.
 *
 * <p>Loading fails (and with it this class) when a placeholder is unknown or a constant unused,
 * when a header is missing, or when an XADD names an event field other than through an {@code
 * ${EVENT_*}} placeholder: the events the scripts write and the ones {@link InvalidationEvent}
 * parses cannot drift apart.
 */
final class RedisScripts {
  private RedisScripts() {}

  /** What the {@code ${UPPER_CASE}} placeholders of the scripts stand for. */
  private static final Map<String, String> CONSTANTS =
      Map.of(
          "EVENT_SEQ", InvalidationEvent.SEQ,
          "EVENT_NODE", InvalidationEvent.NODE,
          "EVENT_KEY", InvalidationEvent.KEY,
          "EVENT_PATTERN", InvalidationEvent.PATTERN,
          "EVENT_QUEUED", InvalidationEvent.QUEUED,
          "EVENT_OWNER", InvalidationEvent.OWNER,
          "SEQUENCE_FIELD", RedisKeys.SEQUENCE_FIELD,
          "TOMBSTONE_MILLIS", Long.toString(RedisKeys.TOMBSTONE_MILLIS));

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_]+)}");
  private static final Pattern INCLUDE = Pattern.compile("^\\s*--#include ([a-z-]+)(?: (.*))?$");
  private static final Pattern PARAMETER = Pattern.compile("([a-z]+)=(.*?)(?=\\s+[a-z]+=|$)");
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
  private static final Pattern EVENT_FIELD = Pattern.compile("\\$\\{EVENT_[A-Z]+}");

  /** The constants some script used; all must be. */
  private static final Set<String> USED = new HashSet<>();

  static final Script SET = load("set");
  static final Script SET_MANY = load("set-many");
  static final Script DEL = load("del");
  static final Script PEXPIRE = load("pexpire");
  static final Script INCRBY = load("incrby");
  static final Script PUBLISH_PATTERN = load("publish-pattern");
  static final Script GET_WITH_TTL = load("get-with-ttl");
  static final Script GET_ALL_WITH_TTL = load("get-all-with-ttl");
  static final Script INDEX_PAGE = load("index-page");
  static final Script INDEX_SHARDS = load("index-shards");
  static final Script DROP_KEYS = load("drop-keys");
  static final Script COMPARE_AND_SET = load("compare-and-set");
  static final Script LOCK = load("lock");
  static final Script UNLOCK = load("unlock");
  static final Script BATCH = load("batch");
  static final Script STREAM_SWAP = load("stream-swap");
  static final Script STREAM_RENEW = load("stream-renew");
  static final Script STREAM_DEL = load("stream-del");
  static final Script STREAM_DROP_KEYS = load("stream-drop-keys");
  static final Script APPLY_QUEUED = load("apply-queued");

  /** Every script, in the order SCRIPT LOAD sends them on (re)connect. */
  static final List<Script> ALL =
      List.of(
          SET,
          SET_MANY,
          DEL,
          PEXPIRE,
          INCRBY,
          PUBLISH_PATTERN,
          GET_WITH_TTL,
          INDEX_PAGE,
          INDEX_SHARDS,
          DROP_KEYS,
          COMPARE_AND_SET,
          LOCK,
          UNLOCK,
          BATCH,
          GET_ALL_WITH_TTL,
          STREAM_SWAP,
          STREAM_DEL,
          STREAM_DROP_KEYS,
          STREAM_RENEW,
          APPLY_QUEUED);

  /**
   * The scripts that write a key or announce a pattern: each appends the invalidation event in the
   * same script, whatever node runs it (checked below), so other nodes' copies always hear of it.
   */
  static final List<Script> WRITES =
      List.of(
          SET,
          SET_MANY,
          DEL,
          PEXPIRE,
          INCRBY,
          PUBLISH_PATTERN,
          COMPARE_AND_SET,
          BATCH,
          STREAM_SWAP,
          STREAM_DEL,
          APPLY_QUEUED);

  static {
    Set<String> unused = new HashSet<>(CONSTANTS.keySet());
    unused.removeAll(USED);
    if (!unused.isEmpty()) {
      throw new IllegalStateException("no Lua script uses the constants " + unused);
    }
    for (Script s : WRITES) {
      if (!s.text().contains("redis.call('XADD', ")) {
        throw new IllegalStateException(s.name() + ".lua writes but appends no event");
      }
    }
  }

  /** Loads a script: header dropped, fragments included, placeholders replaced, fields checked. */
  static Script load(String name) {
    String expanded = includeFragments(name, body(name, read(name + ".lua")));
    checkEventFields(name, expanded);
    String text = substitute(name, expanded, CONSTANTS, USED);
    if (text.contains("${")) {
      throw new IllegalStateException(name + ".lua: a placeholder is left in " + text);
    }
    return Script.of(name, text);
  }

  private static String includeFragments(String name, String body) {
    StringBuilder out = new StringBuilder(body.length() * 2);
    for (String line : body.substring(0, body.length() - 1).split("\n", -1)) {
      Matcher include = INCLUDE.matcher(line);
      if (include.matches()) {
        String fragment = "fragments/" + include.group(1) + ".lua";
        Map<String, String> parameters = new LinkedHashMap<>();
        Matcher p = PARAMETER.matcher(include.group(2) == null ? "" : include.group(2));
        while (p.find()) {
          parameters.put(p.group(1), p.group(2));
        }
        Set<String> used = new HashSet<>();
        out.append(substitute(name, body(fragment, read(fragment)), parameters, used));
        if (!used.equals(parameters.keySet())) {
          throw new IllegalStateException(
              name + ".lua includes " + fragment + " with unused parameters " + parameters);
        }
      } else if (line.strip().startsWith("--")) {
        throw new IllegalStateException(
            name + ".lua: a comment belongs in the header (it would be sent): " + line);
      } else {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * Every XADD names its fields through {@code ${EVENT_*}} placeholders: each quoted word after its
   * {@code '*'} (the entry id) is one.
   */
  private static void checkEventFields(String name, String text) {
    for (String line : text.split("\n", -1)) {
      int xadd = line.indexOf("'XADD'");
      if (xadd < 0) {
        continue;
      }
      int id = line.indexOf("'*'", xadd);
      if (id < 0) {
        throw new IllegalStateException(name + ".lua: an XADD without the id '*': " + line);
      }
      Matcher q = QUOTED.matcher(line.substring(id + 3));
      while (q.find()) {
        if (!EVENT_FIELD.matcher(q.group(1)).matches()) {
          throw new IllegalStateException(
              name
                  + ".lua: the event field "
                  + q.group()
                  + " is not one of InvalidationEvent's ${EVENT_*}: "
                  + line);
        }
      }
    }
  }

  /** Replaces the placeholders whose names {@code values} has; fails on others of that case. */
  private static String substitute(
      String name, String text, Map<String, String> values, Set<String> used) {
    boolean constants = values == CONSTANTS;
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String key = m.group(1);
      boolean upper = key.equals(key.toUpperCase(Locale.ROOT));
      if (upper != constants) {
        m.appendReplacement(out, Matcher.quoteReplacement(m.group())); // the other pass's
        continue;
      }
      String value = values.get(key);
      if (value == null) {
        throw new IllegalStateException(name + ".lua: unknown placeholder " + m.group());
      }
      used.add(key);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The script after its header: the leading {@code --} lines and the blank line after them. */
  private static String body(String file, String source) {
    String text = source.replace("\r\n", "\n");
    int at = 0;
    while (text.startsWith("--", at)) {
      int end = text.indexOf('\n', at);
      if (end < 0) {
        throw new IllegalStateException(file + " has no script after its header");
      }
      at = end + 1;
    }
    if (at == 0 || !text.startsWith("\n", at) || !text.endsWith("\n")) {
      throw new IllegalStateException(
          file
              + " must be a header comment (KEYS, ARGV, reply), a blank line, then the script,"
              + " ending with a newline");
    }
    return text.substring(at + 1);
  }

  private static String read(String resource) {
    try (InputStream in = RedisScripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing Lua resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
