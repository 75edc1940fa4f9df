package dev.stateless.core;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.ManifestFileSyntax.Entry;
import dev.stateless.core.ManifestFileSyntax.Mapping;
import dev.stateless.core.ManifestFileSyntax.Node;
import dev.stateless.core.ManifestFileSyntax.Scalar;
import dev.stateless.core.ManifestFileSyntax.Sequence;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The manifest file format ({@code docs/manifest-file.md}): what its keys mean, read into a {@link
 * Manifest} through the builders, and written back. Each value is checked as it is read by the same
 * function the builders use ({@link KeyPattern#parse}, {@link Literals}), so a bad value is the
 * same SL012 finding as in an annotation, placed at its line; the manifest rules are left to {@link
 * Manifest#validate()}.
 */
final class ManifestFile {
  private ManifestFile() {}

  private static final List<String> MANIFEST_KEYS = List.of("name", "layers", "components");

  /** A component's keys, in the order they are written; each also has its annotation's name. */
  private static final List<String> COMPONENT_KEYS =
      List.of(
          "layer",
          "owns",
          "borrows",
          "invalidates",
          "prefetch",
          "max-size",
          "ttl",
          "streaming",
          "backfill",
          "strategy",
          "value-type");

  /** Every spelling of a component key: the file's ({@code max-size}) and the builder's. */
  private static final Map<String, String> COMPONENT_SPELLINGS = componentSpellings();

  /** What the {@code @Streaming} annotation takes when no chunk size is given. */
  private static final String DEFAULT_CHUNK_SIZE = "1MB";

  private static final Map<String, String> EXAMPLES =
      Map.ofEntries(
          Map.entry("name", "name: AppCache"),
          Map.entry("layers", "layers: [client, edge, server]"),
          Map.entry("components", "components:"),
          Map.entry("layer", "layer: edge"),
          Map.entry("owns", "owns: [user:*, session:*]"),
          Map.entry("borrows", "borrows: [user:*, product:*]"),
          Map.entry("invalidates", "invalidates: [profile:*, settings:*]"),
          Map.entry("prefetch", "prefetch: popular:*"),
          Map.entry("max-size", "max-size: 50MB"),
          Map.entry("ttl", "ttl: 10m"),
          Map.entry("streaming", "streaming: 1MB"),
          Map.entry("backfill", "backfill: true"),
          Map.entry("strategy", "strategy: edge_optimized"),
          Map.entry("value-type", "value-type: java.lang.Long"));

  private static Map<String, String> componentSpellings() {
    Map<String, String> m = new HashMap<>();
    for (String key : COMPONENT_KEYS) {
      m.put(key, key);
    }
    m.put("maxSize", "max-size");
    m.put("valueType", "value-type");
    return Map.copyOf(m);
  }

  // ---- reading ----

  /** Reads a file's bytes, which must be UTF-8; a bad byte is SL012 at its line and byte. */
  static Manifest read(String source, byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new StatelessException(
          List.of(
              Diagnostics.notUtf8(
                  ManifestFileSyntax.where(source, line, at - lineStart + 1), bytes[at] & 0xFF)));
    }
    out.flip();
    return read(source, out.toString());
  }

  /** Reads a file's text. */
  static Manifest read(String source, String text) {
    List<Diagnostic> problems = new ArrayList<>();
    Mapping top = ManifestFileSyntax.read(source, text, problems);
    if (top == null && problems.isEmpty()) {
      problems.add(Diagnostics.emptyManifestFile(source + ":1"));
    }
    if (top == null || !problems.isEmpty()) {
      throw new StatelessException(problems); // values are judged once every line is read
    }
    Manifest manifest = new Reader(source, problems).manifest(top);
    if (manifest == null) {
      throw new StatelessException(problems);
    }
    return manifest;
  }

  /** The name of a manifest whose file gives none: the file's name without its extension. */
  static String defaultName(String source) {
    String file = source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
    int dot = file.lastIndexOf('.');
    String name = dot > 0 ? file.substring(0, dot) : file;
    return name.isEmpty() ? "manifest" : name;
  }

  /** Gives a tree its meaning, adding a finding for each value it refuses. */
  private static final class Reader {
    private final String source;
    private final List<Diagnostic> problems;

    Reader(String source, List<Diagnostic> problems) {
      this.source = source;
      this.problems = problems;
    }

    private String at(Node n) {
      return ManifestFileSyntax.where(source, n.line(), n.column());
    }

    /** The manifest, or null when the file declares no components (then a finding says so). */
    @Nullable Manifest manifest(Mapping top) {
      String name = defaultName(source);
      List<CacheLayer> layers = null;
      List<Component> components = new ArrayList<>();
      Map<String, String> declaredAt = new LinkedHashMap<>();
      boolean sawComponents = false;
      Map<String, Scalar> seen = new HashMap<>();
      for (Entry e : top.entries()) {
        String key = e.key().text();
        if (!MANIFEST_KEYS.contains(key)) {
          if (COMPONENT_SPELLINGS.containsKey(key)) {
            problems.add(Diagnostics.misplacedKey(at(e.key()), key, true));
          } else {
            problems.add(
                Diagnostics.unknownKey(
                    at(e.key()), key, null, MANIFEST_KEYS, suggest(key, MANIFEST_KEYS)));
          }
          continue;
        }
        if (repeated(seen, key, e.key())) {
          continue;
        }
        switch (key) {
          case "name" -> {
            Scalar s = single(e, key);
            if (s != null) {
              if (s.text().isBlank()) {
                problems.add(Diagnostics.emptyValue(at(s), key, example(key)));
              } else {
                name = s.text();
              }
            }
          }
          case "layers" -> layers = layers(e);
          default -> {
            sawComponents = true;
            components(e, components, declaredAt);
          }
        }
      }
      if (!sawComponents && problems.isEmpty()) {
        problems.add(Diagnostics.noComponents(source + ":1"));
      }
      if (!problems.isEmpty()) {
        return null;
      }
      Manifest.Builder b = Manifest.builder(name);
      if (layers != null) {
        b.layers(layers.toArray(new CacheLayer[0]));
      }
      for (Component c : components) {
        b.component(c);
      }
      declaredAt.forEach(b::declaredAt);
      return b.build();
    }

    /** Whether a key was given before in its block: then a finding says where. */
    private boolean repeated(Map<String, Scalar> seen, String key, Scalar spelling) {
      Scalar first = seen.putIfAbsent(key, spelling);
      if (first == null) {
        return false;
      }
      problems.add(
          Diagnostics.duplicateKey(at(spelling), spelling.text(), first.text(), first.line()));
      return true;
    }

    private @Nullable List<CacheLayer> layers(Entry e) {
      List<Scalar> items = list(e, "layers");
      if (items == null) {
        return null;
      }
      List<CacheLayer> layers = new ArrayList<>();
      Map<CacheLayer, Integer> lines = new EnumMap<>(CacheLayer.class);
      for (Scalar item : items) {
        CacheLayer layer = named(item, "layer", CacheLayer.values());
        if (layer != null) {
          Integer first = lines.putIfAbsent(layer, item.line());
          if (first != null) {
            problems.add(Diagnostics.duplicateLayer(at(item), item.text(), first));
          } else {
            layers.add(layer);
          }
        }
      }
      return layers;
    }

    private void components(Entry e, List<Component> out, Map<String, String> declaredAt) {
      Node value = e.value();
      if (value == null) {
        problems.add(Diagnostics.noComponents(at(e.key())));
        return;
      }
      if (!(value instanceof Mapping m)) {
        problems.add(
            Diagnostics.wrongShape(
                at(value),
                "components",
                "a block of components, one name per line",
                describe(value),
                "components:\" then \"  users:\" then \"    owns: user:*"));
        return;
      }
      for (Entry c : m.entries()) {
        String name = c.key().text();
        String where = at(c.key());
        if (name.isEmpty()) {
          problems.add(Diagnostics.emptyValue(where, "a component's name", "users:"));
          continue;
        }
        String first = declaredAt.putIfAbsent(name, where);
        if (first != null) {
          problems.add(Diagnostics.duplicateComponentAt(where, name, first));
          continue;
        }
        Component component = component(name, c);
        if (component != null) {
          out.add(component);
        }
      }
    }

    private @Nullable Component component(String name, Entry e) {
      Node value = e.value();
      if (value == null) {
        problems.add(Diagnostics.noSettings(at(e.key()), name));
        return null;
      }
      if (!(value instanceof Mapping settings)) {
        problems.add(
            Diagnostics.wrongShape(
                at(value),
                "component " + name,
                "a block of settings, one per line, indented under its name",
                describe(value),
                "owns: user:*"));
        return null;
      }
      Component.Builder c = Component.builder(name);
      Map<String, Scalar> seen = new HashMap<>();
      for (Entry s : settings.entries()) {
        String spelling = s.key().text();
        String key = COMPONENT_SPELLINGS.get(spelling);
        if (key == null) {
          if (MANIFEST_KEYS.contains(spelling)) {
            problems.add(Diagnostics.misplacedKey(at(s.key()), spelling, false));
          } else {
            problems.add(
                Diagnostics.unknownKey(
                    at(s.key()),
                    spelling,
                    name,
                    COMPONENT_KEYS,
                    suggest(spelling, COMPONENT_SPELLINGS.keySet())));
          }
          continue;
        }
        if (!repeated(seen, key, s.key())) {
          setting(c, name, key, s);
        }
      }
      return c.build();
    }

    private void setting(Component.Builder c, String component, String key, Entry e) {
      switch (key) {
        case "owns" -> patterns(e, component, key, c::owns);
        case "borrows" -> patterns(e, component, key, c::borrows);
        case "invalidates" -> patterns(e, component, key, c::invalidates);
        case "prefetch" -> patterns(e, component, key, c::prefetch);
        case "layer" -> {
          Scalar s = single(e, key);
          CacheLayer layer = s == null ? null : named(s, "layer", CacheLayer.values());
          if (layer != null) {
            c.layer(layer);
          }
        }
        case "strategy" -> {
          Scalar s = single(e, key);
          Strategy strategy = s == null ? null : named(s, "strategy", Strategy.values());
          if (strategy != null) {
            c.strategy(strategy);
          }
        }
        case "max-size" -> {
          Scalar s = single(e, key);
          if (s != null && size(s, component, key)) {
            c.maxSize(s.text());
          }
        }
        case "ttl" -> {
          Scalar s = single(e, key);
          if (s != null && duration(s, component)) {
            c.ttl(s.text());
          }
        }
        case "streaming" -> {
          Scalar s = single(e, key);
          Boolean on = s == null ? null : bool(s);
          if (Boolean.TRUE.equals(on)) {
            c.streaming(DEFAULT_CHUNK_SIZE);
          } else if (s != null && on == null && size(s, component, key)) {
            c.streaming(s.text());
          }
        }
        case "backfill" -> {
          Scalar s = single(e, key);
          Boolean on = s == null ? null : bool(s);
          if (on != null) {
            c.backfill(on);
          } else if (s != null) {
            problems.add(Diagnostics.notBoolean(at(s), key, s.text()));
          }
        }
        default -> { // value-type
          Scalar s = single(e, key);
          if (s != null && s.text().isBlank()) {
            problems.add(Diagnostics.emptyValue(at(s), key, example(key)));
          } else if (s != null) {
            c.valueType(s.text());
          }
        }
      }
    }

    /** A key's one value, or null after a finding. */
    private @Nullable Scalar single(Entry e, String key) {
      Node value = e.value();
      if (value == null) {
        problems.add(Diagnostics.missingValue(at(e.key()), key, example(key)));
        return null;
      }
      if (value instanceof Scalar s) {
        return s;
      }
      problems.add(
          Diagnostics.wrongShape(at(value), key, "one value", describe(value), example(key)));
      return null;
    }

    /** A key's values: one, or a list; null after a finding. */
    private @Nullable List<Scalar> list(Entry e, String key) {
      Node value = e.value();
      if (value == null) {
        problems.add(Diagnostics.missingValue(at(e.key()), key, example(key)));
        return null;
      }
      if (value instanceof Scalar s) {
        return List.of(s);
      }
      if (value instanceof Sequence q) {
        return q.items();
      }
      problems.add(
          Diagnostics.wrongShape(
              at(value), key, "a value or a list of values", describe(value), example(key)));
      return null;
    }

    /** Checks each pattern as {@link Component} will parse it, and hands on the good ones. */
    private void patterns(Entry e, String component, String key, Consumer<String[]> to) {
      List<Scalar> items = list(e, key);
      if (items == null) {
        return;
      }
      List<String> good = new ArrayList<>();
      for (Scalar item : items) {
        try {
          KeyPattern.parse(item.text());
          good.add(item.text());
        } catch (StatelessException bad) {
          for (Diagnostic d : bad.diagnostics()) {
            problems.add(Diagnostics.atLine(Diagnostics.inComponent(d, component, key), at(item)));
          }
        }
      }
      to.accept(good.toArray(new String[0]));
    }

    private boolean size(Scalar s, String component, String key) {
      try {
        Literals.parseSize(s.text());
        return true;
      } catch (StatelessException bad) {
        problems.add(
            Diagnostics.atLine(
                Diagnostics.inComponent(bad.diagnostics().get(0), component, key), at(s)));
        return false;
      }
    }

    private boolean duration(Scalar s, String component) {
      try {
        Literals.parseDuration(s.text());
        return true;
      } catch (StatelessException bad) {
        problems.add(
            Diagnostics.atLine(
                Diagnostics.inComponent(bad.diagnostics().get(0), component, "ttl"), at(s)));
        return false;
      }
    }

    /** YAML's booleans, unquoted: true, True, TRUE, false, False, FALSE; otherwise null. */
    private static @Nullable Boolean bool(Scalar s) {
      if (!s.plain()) {
        return null;
      }
      return switch (s.text()) {
        case "true", "True", "TRUE" -> Boolean.TRUE;
        case "false", "False", "FALSE" -> Boolean.FALSE;
        default -> null;
      };
    }

    /** A layer or strategy by name, in any case, with {@code -} or {@code _} between words. */
    private <E extends Enum<E>> @Nullable E named(Scalar s, String kind, E[] values) {
      String wanted = s.text().toUpperCase(Locale.ROOT).replace('-', '_');
      List<String> names = new ArrayList<>();
      for (E value : values) {
        if (value.name().equals(wanted)) {
          return value;
        }
        names.add(value.name().toLowerCase(Locale.ROOT));
      }
      problems.add(Diagnostics.unknownName(at(s), kind, s.text(), names));
      return null;
    }

    private static String describe(Node n) {
      if (n instanceof Scalar) {
        return "a single value";
      }
      return n instanceof Sequence ? "a list" : "a block of keys";
    }
  }

  private static String example(String key) {
    return EXAMPLES.getOrDefault(key, key + ": ...");
  }

  /**
   * The known key a misspelt one most likely means: the same letters in another case or with other
   * separators, or one at most two edits away; null when none is that close.
   */
  static @Nullable String suggest(String key, Iterable<String> known) {
    String wanted = normalize(key);
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(wanted, normalize(k));
      if (d < bestDistance) {
        best = COMPONENT_SPELLINGS.getOrDefault(k, k);
        bestDistance = d;
      }
    }
    return best;
  }

  private static String normalize(String key) {
    return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** Levenshtein distance, for keys of a few letters. */
  private static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 2 || a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  // ---- writing ----

  /** Texts YAML tools would read as something other than a string (YAML 1.1 and 1.2). */
  private static final Pattern YAML_TYPED =
      Pattern.compile(
          "(?i:true|false|yes|no|on|off|y|n|null|~|=|<<)"
              + "|[-+]?(\\.[0-9]|[0-9])[0-9_.:eE+-]*"
              + "|0[xXoObB][0-9a-fA-F_]+"
              + "|[-+]?\\.(?i:inf|nan)"
              + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*");

  /** Renders a manifest; see {@link Manifest#toFileText()}. */
  static String write(Manifest m) {
    List<Diagnostic> lost = new ArrayList<>();
    for (Diagnostic d : m.problems()) {
      if (d.rule() == Code.SL012 || d.rule() == Code.SL013) {
        lost.add(d); // a malformed literal or a second component of a name: not in the manifest
      }
    }
    if (!lost.isEmpty()) {
      throw new IllegalStateException(
          "manifest " + m.name() + " has parts it left out, which a file would lose: " + lost);
    }
    if (m.isEmpty()) {
      throw new IllegalStateException(
          "manifest " + m.name() + " has no components, which a manifest file must have");
    }
    StringBuilder out = new StringBuilder();
    out.append("# stateless manifest file (docs/manifest-file.md)\n");
    out.append("name: ").append(scalar(m.name(), false)).append('\n');
    List<String> layers = new ArrayList<>();
    for (CacheLayer l : m.layers()) {
      layers.add(l.name().toLowerCase(Locale.ROOT));
    }
    out.append("layers: [").append(String.join(", ", layers)).append("]\n");
    out.append("components:\n");
    for (Component c : m.components()) {
      out.append("  ").append(scalar(c.name(), false)).append(":\n");
      setting(out, "layer", c.layer().name().toLowerCase(Locale.ROOT));
      patterns(out, "owns", c.owns());
      patterns(out, "borrows", c.borrows());
      patterns(out, "invalidates", c.invalidates());
      patterns(out, "prefetch", c.prefetch());
      size(out, "max-size", c.maxSizeBytes());
      c.ttl().ifPresent(ttl -> setting(out, "ttl", duration(ttl)));
      size(out, "streaming", c.streamingChunkBytes());
      if (c.backfill()) {
        setting(out, "backfill", "true");
      }
      if (c.strategy() != Strategy.DEFAULT) {
        setting(out, "strategy", c.strategy().name().toLowerCase(Locale.ROOT));
      }
      c.valueTypeName().ifPresent(t -> setting(out, "value-type", scalar(t, false)));
    }
    return out.toString();
  }

  private static void setting(StringBuilder out, String key, String value) {
    out.append("    ").append(key).append(": ").append(value).append('\n');
  }

  private static void size(StringBuilder out, String key, OptionalLong bytes) {
    if (bytes.isPresent()) {
      setting(out, key, size(bytes.getAsLong()));
    }
  }

  private static void patterns(StringBuilder out, String key, List<KeyPattern> patterns) {
    if (patterns.isEmpty()) {
      return;
    }
    if (patterns.size() == 1) {
      setting(out, key, scalar(patterns.get(0).toString(), false));
      return;
    }
    List<String> items = new ArrayList<>();
    for (KeyPattern p : patterns) {
      items.add(scalar(p.toString(), true));
    }
    setting(out, key, "[" + String.join(", ", items) + "]");
  }

  /** A value as written: plain when YAML reads it back as the same string, else double-quoted. */
  static String scalar(String text, boolean inList) {
    return isPlain(text, inList) ? text : ManifestFileSyntax.doubleQuoted(text);
  }

  private static boolean isPlain(String text, boolean inList) {
    if (text.isEmpty()
        || text.isBlank()
        || !text.strip().equals(text)
        || "-?:,[]{}#&*!|>'\"%@`".indexOf(text.charAt(0)) >= 0
        || text.contains(": ")
        || text.contains(" #")
        || text.endsWith(":")
        || YAML_TYPED.matcher(text).matches()
        || Literals.unpairedSurrogate(text) >= 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\uFEFF' || (inList && ",[]{}?".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** A size literal: the largest unit that divides the size. */
  static String size(long bytes) {
    String[] units = {"TB", "GB", "MB", "KB"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (4 - i));
      if (bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return bytes + "B";
  }

  /** A duration literal, largest unit first ({@code 1h30m}); literals hold whole milliseconds. */
  static String duration(Duration d) {
    long seconds = d.getSeconds();
    long[] amounts = {
      seconds / 86_400,
      seconds % 86_400 / 3_600,
      seconds % 3_600 / 60,
      seconds % 60,
      d.getNano() / 1_000_000
    };
    String[] units = {"d", "h", "m", "s", "ms"};
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < units.length; i++) {
      if (amounts[i] != 0) {
        out.append(amounts[i]).append(units[i]);
      }
    }
    return out.length() == 0 ? "1ms" : out.toString();
  }
}
