package dev.stateless.core;

import static dev.stateless.core.ManifestFiles.content;
import static dev.stateless.core.ManifestFiles.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Seeded random round trips of manifest files, and a fuzz of mutated lines. The seed comes from
 * {@code -Dstateless.seed=N} when given, else from the clock; every failure prints it.
 */
class ManifestFilePropertyTest {
  private static final int ROUNDS = 500;
  private static final int MUTANTS = 2500;

  private static final String[] NAMES = {
    "AppCache",
    "shop cache",
    "x: y",
    "#hash",
    "123",
    "true",
    "caf\u00e9",
    "quote\"d",
    "back\\slash",
    "'single'",
    " spaced ",
    "line\nbreak",
    "tab\there",
    "- dash",
    "*star",
    "{x}",
    "trailing:",
    "emoji \uD83D\uDE00",
    "a, b",
    "[list]",
    "null",
    "~"
  };

  private static final String[] COMPONENTS = {
    "users",
    "productCache",
    "user data",
    "a:b",
    "-dash",
    "*star",
    "{x}",
    "42",
    "true",
    "\u043a\u043b\u044e\u0447",
    "with #hash",
    "quote\"",
    "x: y",
    "trailing:",
    "it's",
    "back\\slash",
    "dotted.name",
    "snake_case",
    "kebab-case",
    "?q"
  };

  private static final String[] VALUE_TYPES = {
    "java.lang.Long",
    "com.example.Product",
    "java.util.Map<java.lang.String, java.lang.Long>",
    "com.example.Outer$Inner",
    "byte[]",
    "42",
    "a: b"
  };

  private static final String[] UNITS = {"B", "KB", "MB", "GB", "kb", "MiB", "TB"};

  // ---- random manifests, through the builders ----

  private static Manifest randomManifest(RandomKeys r) {
    Random random = r.random;
    Manifest.Builder m = Manifest.builder(pick(random, NAMES));
    if (random.nextInt(3) == 0) {
      List<CacheLayer> layers = new ArrayList<>(Arrays.asList(CacheLayer.values()));
      Collections.shuffle(layers, random);
      m.layers(layers.subList(0, random.nextInt(4)).toArray(new CacheLayer[0]));
    }
    List<String> names = new ArrayList<>(Arrays.asList(COMPONENTS));
    Collections.shuffle(names, random);
    int count = 1 + random.nextInt(5);
    for (int i = 0; i < count; i++) {
      m.component(randomComponent(r, names.get(i)));
    }
    return m.build();
  }

  private static Component randomComponent(RandomKeys r, String name) {
    Random random = r.random;
    Component.Builder c = Component.builder(name);
    c.layer(pick(random, CacheLayer.values()));
    c.owns(patterns(r));
    if (random.nextInt(3) == 0) {
      c.borrows(patterns(r));
    }
    if (random.nextInt(3) == 0) {
      c.invalidates(patterns(r));
    }
    if (random.nextInt(4) == 0) {
      c.prefetch(patterns(r));
    }
    if (random.nextInt(3) == 0) {
      c.maxSize(sizeLiteral(random));
    }
    if (random.nextInt(3) == 0) {
      c.ttl(durationLiteral(random));
    }
    if (random.nextInt(4) == 0) {
      c.streaming(random.nextBoolean() ? "1MB" : sizeLiteral(random));
    }
    if (random.nextInt(3) == 0) {
      c.backfill(random.nextBoolean());
    }
    if (random.nextInt(3) == 0) {
      c.strategy(pick(random, Strategy.values()));
    }
    if (random.nextInt(4) == 0) {
      c.valueType(pick(random, VALUE_TYPES));
    }
    return c.build();
  }

  private static String[] patterns(RandomKeys r) {
    String[] out = new String[r.random.nextInt(4)];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.patternText();
    }
    return out;
  }

  private static String sizeLiteral(Random random) {
    return (1 + random.nextInt(4096)) + pick(random, UNITS);
  }

  private static String durationLiteral(Random random) {
    String[] units = {"d", "h", "m", "s", "ms"};
    StringBuilder out = new StringBuilder();
    for (String unit : units) {
      if (random.nextInt(3) == 0) {
        out.append(1 + random.nextInt(90)).append(unit);
      }
    }
    return out.length() == 0 ? (1 + random.nextInt(1000)) + "ms" : out.toString();
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... from) {
    return from[random.nextInt(from.length)];
  }

  private static void assertSame(Manifest back, Manifest m, String why) {
    assertThat(back.name()).as(why).isEqualTo(m.name());
    assertThat(content(back)).as(why).isEqualTo(content(m));
    assertThat(messages(back.validate())).as(why).isEqualTo(messages(m.validate()));
  }

  // ---- properties ----

  @Test
  void toFileText_ofRandomBuiltManifests_parsesBackToTheSameManifest() {
    RandomKeys r = new RandomKeys();
    for (int i = 0; i < ROUNDS; i++) {
      Manifest m = randomManifest(r);
      String text = m.toFileText();
      String why = r.describe() + ", round " + i + ":\n" + text;
      Manifest back = parse("round.yaml", text, why);
      assertSame(back, m, why);
      assertThat(back.toFileText()).as(why).isEqualTo(text);
    }
  }

  @Test
  void parse_ofRandomlyStyledFiles_givesTheBuiltManifest() {
    RandomKeys r = new RandomKeys();
    for (int i = 0; i < ROUNDS; i++) {
      Manifest m = randomManifest(r);
      String text = new StyledWriter(r.random).write(m);
      String why = r.describe() + ", round " + i + ":\n" + text;
      assertSame(parse("styled.yaml", text, why), m, why);
    }
  }

  @Test
  void parse_ofMutatedFiles_throwsOnlyStatelessException() {
    RandomKeys r = new RandomKeys();
    int refused = 0;
    for (int i = 0; i < MUTANTS; i++) {
      Random random = r.random;
      String base = new StyledWriter(random).write(randomManifest(r));
      List<String> lines = new ArrayList<>(Arrays.asList(base.split("\n", -1)));
      int mutations = 1 + random.nextInt(3);
      for (int k = 0; k < mutations; k++) {
        mutate(lines, random);
      }
      String text = String.join("\n", lines);
      String why = r.describe() + ", mutant " + i + ":\n" + text;
      try {
        Manifest m = Manifest.parse("fuzz.yaml", text);
        m.validate();
        Manifest again = Manifest.parse("again.yaml", m.toFileText());
        assertThat(content(again)).as(why).isEqualTo(content(m));
      } catch (StatelessException e) {
        refused++;
        assertThat(e.diagnostics()).as(why).isNotEmpty();
        for (Diagnostic d : e.diagnostics()) {
          assertThat(d.code()).as(why).isIn("SL012", "SL013");
          assertThat(d.message()).as(why).startsWith("fuzz.yaml:");
          assertThat(d.help()).as(why).isNotBlank();
        }
      } catch (RuntimeException | Error e) {
        throw new AssertionError(why, e);
      }
    }
    assertThat(refused).as("mutants refused").isGreaterThan(MUTANTS / 4);
  }

  private static Manifest parse(String source, String text, String why) {
    try {
      return Manifest.parse(source, text);
    } catch (StatelessException e) {
      return fail(why + "\n" + e.getMessage(), e);
    }
  }

  private static final String INTERESTING =
      " \t:-[]{},#&*!|>'\"%@`\\?\u0000\u00e9\uD800\uFEFF\r0aZ";

  private static final String[] NEW_LINES = {
    "---",
    "...",
    "- x",
    "  owns:",
    "\tttl: 1m",
    "components:",
    "{a: b}",
    "key: [",
    "x: 'y",
    "    ",
    "  # comment",
    "name:",
    "      - \"{id}\"",
    "    backfill: maybe",
    "    ttl: 0s",
    "\"unclosed: x"
  };

  private static void mutate(List<String> lines, Random random) {
    if (lines.isEmpty()) {
      lines.add(pick(random, NEW_LINES));
      return;
    }
    int at = random.nextInt(lines.size());
    String line = lines.get(at);
    switch (random.nextInt(10)) {
      case 0 -> lines.remove(at);
      case 1 -> lines.add(at, line);
      case 2 -> {
        if (at + 1 < lines.size()) {
          lines.set(at, lines.get(at + 1));
          lines.set(at + 1, line);
        }
      }
      case 3 -> {
        int p = random.nextInt(line.length() + 1);
        char c = INTERESTING.charAt(random.nextInt(INTERESTING.length()));
        lines.set(at, line.substring(0, p) + c + line.substring(p));
      }
      case 4 -> {
        if (!line.isEmpty()) {
          int p = random.nextInt(line.length());
          lines.set(at, line.substring(0, p) + line.substring(p + 1));
        }
      }
      case 5 -> {
        if (!line.isEmpty()) {
          int p = random.nextInt(line.length());
          char c = INTERESTING.charAt(random.nextInt(INTERESTING.length()));
          lines.set(at, line.substring(0, p) + c + line.substring(p + 1));
        }
      }
      case 6 -> {
        int delta = random.nextInt(7) - 3;
        lines.set(
            at,
            delta > 0 ? " ".repeat(delta) + line : line.substring(Math.min(-delta, leading(line))));
      }
      case 7 -> lines.set(at, line.substring(0, random.nextInt(line.length() + 1)));
      case 8 -> lines.add(at, pick(random, NEW_LINES));
      default -> {
        if (at + 1 < lines.size()) {
          lines.set(at, line + lines.remove(at + 1).stripLeading());
        }
      }
    }
  }

  private static int leading(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  /** A test-side writer: the format's other ways of writing the same manifest, at random. */
  private static final class StyledWriter {
    private final Random random;
    private final StringBuilder out = new StringBuilder();
    private final String newline;
    private final int unit;

    StyledWriter(Random random) {
      this.random = random;
      this.newline = random.nextInt(4) == 0 ? "\r\n" : "\n";
      this.unit = 1 + random.nextInt(4);
    }

    String write(Manifest m) {
      if (random.nextBoolean()) {
        line("# a manifest");
      }
      if (random.nextInt(4) == 0) {
        line("---");
      }
      List<Runnable> top = new ArrayList<>();
      top.add(() -> line("name: " + scalar(m.name(), false) + comment()));
      if (!m.layers().equals(Manifest.builder().build().layers()) || random.nextBoolean()) {
        top.add(
            () ->
                list(
                    0,
                    "layers",
                    m.layers().stream().map(l -> enumName(l.name())).toList(),
                    Function.identity()));
      }
      top.add(() -> components(m));
      Collections.shuffle(top, random);
      top.forEach(Runnable::run);
      return out.toString();
    }

    private void components(Manifest m) {
      line("components:" + comment());
      for (Component c : m.components()) {
        if (random.nextInt(4) == 0) {
          line("");
        }
        line(" ".repeat(unit) + scalar(c.name(), false) + ":" + comment());
        List<Runnable> settings = new ArrayList<>();
        int in = 2 * unit;
        if (c.layer() != CacheLayer.SERVER || random.nextBoolean()) {
          settings.add(() -> setting(in, "layer", enumName(c.layer().name())));
        }
        patterns(settings, in, "owns", c.owns());
        patterns(settings, in, "borrows", c.borrows());
        patterns(settings, in, "invalidates", c.invalidates());
        patterns(settings, in, "prefetch", c.prefetch());
        c.maxSizeBytes()
            .ifPresent(
                b ->
                    settings.add(
                        () -> setting(in, random.nextBoolean() ? "max-size" : "maxSize", size(b))));
        c.ttl().ifPresent(t -> settings.add(() -> setting(in, "ttl", duration(t))));
        c.streamingChunkBytes()
            .ifPresent(
                b ->
                    settings.add(
                        () ->
                            setting(
                                in,
                                "streaming",
                                b == 1L << 20 && random.nextBoolean() ? "true" : size(b))));
        if (!c.isStreaming() && random.nextInt(8) == 0) {
          settings.add(() -> setting(in, "streaming", "false"));
        }
        if (c.backfill() || random.nextInt(4) == 0) {
          String word = c.backfill() ? "true" : "false";
          String spelt =
              switch (random.nextInt(3)) {
                case 0 -> word;
                case 1 -> word.toUpperCase(Locale.ROOT);
                default -> Character.toUpperCase(word.charAt(0)) + word.substring(1);
              };
          settings.add(() -> setting(in, "backfill", spelt));
        }
        if (c.strategy() != Strategy.DEFAULT || random.nextInt(4) == 0) {
          settings.add(() -> setting(in, "strategy", enumName(c.strategy().name())));
        }
        c.valueTypeName()
            .ifPresent(
                t ->
                    settings.add(
                        () ->
                            setting(
                                in,
                                random.nextBoolean() ? "value-type" : "valueType",
                                scalar(t, false))));
        if (settings.isEmpty()) {
          settings.add(() -> setting(in, "layer", enumName(c.layer().name())));
        }
        Collections.shuffle(settings, random);
        settings.forEach(Runnable::run);
      }
    }

    private void patterns(List<Runnable> settings, int in, String key, List<KeyPattern> ps) {
      if (ps.isEmpty()) {
        if (random.nextInt(6) == 0) {
          settings.add(() -> setting(in, key, "[]"));
        }
        return;
      }
      settings.add(() -> list(in, key, ps, KeyPattern::toString));
    }

    private <T> void list(int in, String key, List<T> items, Function<T, String> text) {
      String pad = " ".repeat(in);
      if (items.isEmpty()) {
        line(pad + key + ": []" + comment());
        return;
      }
      int style = random.nextInt(items.size() == 1 ? 4 : 3);
      if (style == 0) {
        List<String> written = new ArrayList<>();
        for (T item : items) {
          written.add(scalar(text.apply(item), true));
        }
        line(pad + key + ": [" + String.join(random.nextBoolean() ? ", " : ",", written) + "]");
      } else if (style == 3) {
        line(pad + key + ": " + scalar(text.apply(items.get(0)), false) + comment());
      } else {
        line(pad + key + ":" + comment());
        String itemPad = style == 1 ? pad + " ".repeat(unit) : pad;
        for (T item : items) {
          line(itemPad + "- " + scalar(text.apply(item), false) + comment());
        }
      }
    }

    private void setting(int in, String key, String value) {
      line(" ".repeat(in) + key + ": " + value + comment());
    }

    private String comment() {
      return random.nextInt(6) == 0 ? "  # note: 'x' \"y\" [z] {w}" : "";
    }

    private void line(String text) {
      out.append(text).append(newline);
    }

    private String enumName(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      return switch (random.nextInt(4)) {
        case 0 -> name;
        case 1 -> lower;
        case 2 -> lower.replace('_', '-');
        default -> Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
      };
    }

    /** Plain where the writer would write it plain (at random), else single or double quotes. */
    private String scalar(String text, boolean inList) {
      boolean plainSafe = ManifestFile.scalar(text, inList).equals(text);
      if (plainSafe && random.nextInt(4) != 0) {
        return text;
      }
      boolean singleSafe = text.chars().noneMatch(ch -> Character.isISOControl(ch));
      if (singleSafe && Literals.unpairedSurrogate(text) < 0 && random.nextBoolean()) {
        return "'" + text.replace("'", "''") + "'";
      }
      StringBuilder q = new StringBuilder("\"");
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          q.append('\\').append(c);
        } else if (c == '\n') {
          q.append("\\n");
        } else if (c == '\t') {
          q.append(random.nextBoolean() ? "\\t" : "\\x09");
        } else if (Character.isISOControl(c) || random.nextInt(20) == 0) {
          q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else if (c == '/' && random.nextBoolean()) {
          q.append("\\/");
        } else {
          q.append(c);
        }
      }
      return q.append('"').toString();
    }

    private String size(long bytes) {
      List<String> forms = new ArrayList<>();
      forms.add(bytes + "B");
      String[][] units = {{"KB", "kib"}, {"MB", "MiB"}, {"GB", "gb"}, {"TB", "TiB"}};
      for (int i = 0; i < units.length; i++) {
        long u = 1L << (10 * (i + 1));
        if (bytes % u == 0) {
          forms.add(bytes / u + pick(random, units[i]));
        }
      }
      return pick(random, forms.toArray(new String[0]));
    }

    private String duration(Duration d) {
      if (random.nextBoolean() && d.getSeconds() < 1_000_000_000L) {
        return d.toMillis() + "ms";
      }
      return ManifestFile.duration(d);
    }
  }
}
