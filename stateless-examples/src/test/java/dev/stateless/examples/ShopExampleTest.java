package dev.stateless.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it in your project" example: {@link ShopExample} runs on the embedded defaults
 * and prints what it read, and the README's copy of it is the same code.
 */
class ShopExampleTest {
  private static final Path EXAMPLE =
      Path.of("src/test/java/dev/stateless/examples/ShopExample.java");
  private static final Path README = Path.of("../README.md");
  private static final String BEGIN = "// readme:shop-example:begin";
  private static final String END = "// readme:shop-example:end";

  /** The README's block: the fenced {@code java} block right after this HTML comment. */
  private static final Pattern README_BLOCK =
      Pattern.compile(
          "<!-- readme:shop-example: stateless-examples/src/test/java/dev/stateless/examples/"
              + "ShopExample\\.java -->\\s*```java\\n(.*?)\\n```",
          Pattern.DOTALL);

  /** What the README says the example prints: the fenced {@code text} block after this comment. */
  private static final Pattern README_OUTPUT =
      Pattern.compile(
          "<!-- readme:shop-example-output -->\\s*```text\\n(.*?)\\n```", Pattern.DOTALL);

  private static List<String> run() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ShopExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void run_readsBackWhatItWrote_countsStock_andPrintsTheRefusalsCodes() {
    List<String> out = run();
    assertThat(out).hasSize(6);
    assertThat(out.get(0))
        .isEqualTo("product:42 = Product[sku=42, name=Teapot, price=19.90], equals written: true");
    assertThat(out.get(1)).isEqualTo("stock:42 after a sale = 9");
    assertThat(out.get(2)).isEqualTo("note:42 = handle with care");
    assertThat(out.get(3)).isEqualTo("INCR stock:42 = 10");
    assertThat(out.get(4)).startsWith("SL014 ").hasSizeGreaterThan("SL014 ".length());
    assertThat(out.get(5)).startsWith("SL002 ").hasSizeGreaterThan("SL002 ".length());
  }

  @Test
  void readme_showsTheExampleAsTheTestSourceHasIt() throws IOException {
    String source = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
    int begin = source.indexOf(BEGIN);
    int end = source.indexOf(END);
    assertThat(begin).as("%s in %s", BEGIN, EXAMPLE).isNotNegative();
    assertThat(end).as("%s in %s", END, EXAMPLE).isGreaterThan(begin);
    String region = source.substring(begin + BEGIN.length(), end);

    String readme = Files.readString(README, StandardCharsets.UTF_8);
    Matcher block = README_BLOCK.matcher(readme);
    assertThat(block.find())
        .as("README.md has the example's marker comment followed by a ```java block")
        .isTrue();

    assertThat(normalized(block.group(1)))
        .as("README.md's example block vs %s between its markers (whitespace normalized)", EXAMPLE)
        .isEqualTo(normalized(region));
  }

  @Test
  void readme_showsWhatTheExamplePrints() throws IOException {
    Matcher block = README_OUTPUT.matcher(Files.readString(README, StandardCharsets.UTF_8));
    assertThat(block.find())
        .as("README.md has the output's marker comment followed by a ```text block")
        .isTrue();
    assertThat(block.group(1).lines().toList()).isEqualTo(run());
  }

  @Test
  void normalized_keepsEveryTokenAndDropsOnlyLayout() {
    assertThat(normalized("  a(b,\n    c);\r\n\tx ")).isEqualTo("a(b, c); x");
    assertThat(normalized("a(b, c)")).isNotEqualTo(normalized("a(b, d)"));
  }

  /** Runs of whitespace (indentation, line breaks) become one space; nothing else changes. */
  private static String normalized(String code) {
    return code.strip().replaceAll("\\s+", " ");
  }
}
