package dev.stateless.core;

import static dev.stateless.core.ManifestFiles.assertSameBehaviour;
import static dev.stateless.core.ManifestFiles.content;
import static dev.stateless.core.ManifestFiles.onlyFinding;
import static dev.stateless.core.ManifestFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestFileTest {

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ManifestFileTest.class.getResource("/manifests/" + name).toURI());
  }

  private static Diagnostic literalFinding(Runnable parse) {
    try {
      parse.run();
    } catch (StatelessException e) {
      return e.diagnostics().get(0);
    }
    throw new AssertionError("expected SL012");
  }

  // ---- the seeds, as files ----

  @ParameterizedTest
  @CsvSource({
    "seed-000-core.yaml, AppCache",
    "seed-000-layers.yaml, LayeredCache",
    "seed-003-borrow-checker.yaml, BorrowCheckerCache",
  })
  void parse_seedManifestFile_behavesAsTheAnnotatedManifest(String file, String type)
      throws Exception {
    Manifest fromFile = Manifest.parse(resource(file));
    Manifest fromClass = Manifest.from(Class.forName(ManifestTest.class.getName() + "$" + type));
    assertThat(fromFile.name()).isEqualTo(type);
    assertThat(fromFile.validate()).isEmpty();
    assertSameBehaviour(
        fromFile,
        fromClass,
        "user:1",
        "user:1:prefs",
        "product:9",
        "products:9",
        "local:x",
        "edge:x",
        "global:x",
        "video:1",
        "popular:1",
        "content:x",
        "settings:1",
        "order:1");
  }

  @Test
  void parse_borrowCheckerSeed_readsEveryAttributeAsTheBuilderDoes() throws Exception {
    Manifest m = Manifest.parse(resource("seed-003-borrow-checker.yaml"));
    Manifest built =
        Manifest.builder("BorrowCheckerCache")
            .component(
                Component.builder("userData")
                    .layer(CacheLayer.CLIENT)
                    .owns("user:*")
                    .invalidates("profile:*", "settings:*")
                    .build())
            .component(Component.builder("profiles").owns("profile:*").build())
            .component(Component.builder("settings").owns("settings:*").ttl("10m").build())
            .component(
                Component.builder("productCache")
                    .layer(CacheLayer.EDGE)
                    .owns("products:*")
                    .maxSize("50MB")
                    .build())
            .component(
                Component.builder("videoCache")
                    .layer(CacheLayer.EDGE)
                    .streaming("1MB")
                    .owns("video:*")
                    .build())
            .component(
                Component.builder("dataCache")
                    .prefetch("popular:*")
                    .backfill(true)
                    .owns("popular:*")
                    .build())
            .component(
                Component.builder("contentCache")
                    .layer(CacheLayer.EDGE)
                    .owns("content:*")
                    .strategy(Strategy.EDGE_OPTIMIZED)
                    .build())
            .build();
    assertSameBehaviour(m, built, "user:1", "video:1");
    assertThat(m.component("settings").orElseThrow().ttl()).contains(Duration.ofMinutes(10));
    assertThat(m.component("videoCache").orElseThrow().streamingChunkBytes()).hasValue(1L << 20);
  }

  @Test
  void validate_conflictSeedFile_isSL001WithTheLinesOfBothComponents() throws Exception {
    Path file = resource("seed-000-conflict.yaml");
    List<Diagnostic> d = Manifest.parse(file).validate();
    assertThat(d).extracting(Diagnostic::code).containsExactly("SL001");
    assertThat(d.get(0).message())
        .isEqualTo(
            "pattern \"user:profile\" of component \"profiles\" overlaps \"user:*\", owned by"
                + " \"users\"");
    assertThat(d.get(0).notes())
        .contains(
            "component \"profiles\" is declared here (" + file + ":6:3)",
            "component \"users\" is declared here (" + file + ":4:3)");
  }

  // ---- every key, every way to write it ----

  private static final String EVERY_KEY =
      String.join(
          "\n",
          "# every key of the format",
          "name: Shop",
          "layers: [client, edge, server]",
          "components:",
          "  products:",
          "    layer: edge",
          "    owns: [\"product:{id}\", 'product:{id}:reviews']",
          "    max-size: 50MB",
          "    ttl: 1h30m",
          "    backfill: true",
          "    strategy: edge-optimized",
          "    value-type: com.example.Product",
          "  stock:",
          "    owns: stock:{id}",
          "    valueType: java.lang.Long   # the builder's spelling works too",
          "    maxSize: 1KB",
          "  videos:",
          "    layer: EDGE",
          "    owns:",
          "    - video:*",
          "    streaming: true",
          "  catalog:",
          "    borrows:",
          "      - product:*",
          "      - stock:*",
          "    invalidates: []",
          "    prefetch: product:featured",
          "    backfill: false",
          "    strategy: GLOBAL_CONSISTENT",
          "  escapes:",
          "    owns: [\"esc:\\\\*\", 'esc:a\\*b', \"esc:x\\\\?\"]",
          "");

  @Test
  void parse_everyKey_setsWhatTheBuilderSets() {
    Manifest m = Manifest.parse("shop.yaml", EVERY_KEY);
    Manifest built =
        Manifest.builder("Shop")
            .component(
                Component.builder("products")
                    .layer(CacheLayer.EDGE)
                    .owns("product:{id}", "product:{id}:reviews")
                    .maxSize("50MB")
                    .ttl("1h30m")
                    .backfill(true)
                    .strategy(Strategy.EDGE_OPTIMIZED)
                    .valueType("com.example.Product")
                    .build())
            .component(
                Component.builder("stock")
                    .owns("stock:{id}")
                    .valueType("java.lang.Long")
                    .maxSize("1KB")
                    .build())
            .component(
                Component.builder("videos")
                    .layer(CacheLayer.EDGE)
                    .owns("video:*")
                    .streaming("1MB")
                    .build())
            .component(
                Component.builder("catalog")
                    .borrows("product:*", "stock:*")
                    .prefetch("product:featured")
                    .strategy(Strategy.GLOBAL_CONSISTENT)
                    .build())
            .component(
                Component.builder("escapes").owns("esc:\\*", "esc:a\\*b", "esc:x\\?").build())
            .build();
    assertThat(m.name()).isEqualTo("Shop");
    assertSameBehaviour(m, built, "product:1", "product:1:reviews", "esc:*", "esc:a*b", "esc:x?");
    assertThat(m.validate()).isEmpty();
  }

  @Test
  void parse_crlfByteOrderMarkAndDocumentStart_areRead() {
    String text =
        "\uFEFF---\r\ncomponents:\r\n\t# a comment line may hold a tab\r\n  users:\r\n"
            + "    owns: user:*\r\n";
    Manifest m = Manifest.parse("win.yaml", text);
    assertThat(m.ownerOf("user:1").map(Component::name)).contains("users");
  }

  @Test
  void parse_withoutName_isNamedAfterTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("edge-node.yaml");
    Files.writeString(file, "components:\n  users:\n    owns: user:*\n");
    Manifest m = Manifest.parse(file);
    assertThat(m.name()).isEqualTo("edge-node");
    assertThat(m.layers()).containsExactly(CacheLayer.CLIENT, CacheLayer.EDGE, CacheLayer.SERVER);
    assertThat(m.component("users").orElseThrow().layer()).isEqualTo(CacheLayer.SERVER);
  }

  @Test
  void parse_fourSpaceIndentationAndIndentlessLists_areRead() {
    String text =
        "layers:\n- edge\n- server\ncomponents:\n    users:\n        owns:\n        - user:*\n";
    Manifest m = Manifest.parse("ops.yaml", text);
    assertThat(m.layers()).containsExactly(CacheLayer.EDGE, CacheLayer.SERVER);
    assertThat(m.component("users").orElseThrow().owns())
        .containsExactly(KeyPattern.parse("user:*"));
  }

  @Test
  void validate_rulesOfAFile_areTheRulesOfTheBuilder() {
    String text =
        String.join(
            "\n",
            "layers: [edge, server]",
            "components:",
            "  local:",
            "    layer: client",
            "    owns: local:*",
            "  reader:",
            "    borrows: order:*",
            "  typed:",
            "    value-type: java.lang.String",
            "    borrows: local:*",
            "");
    Manifest m = Manifest.parse("rules.yaml", text);
    Manifest built =
        Manifest.builder()
            .layers(CacheLayer.EDGE, CacheLayer.SERVER)
            .component(Component.builder("local").layer(CacheLayer.CLIENT).owns("local:*").build())
            .component(Component.builder("reader").borrows("order:*").build())
            .component(
                Component.builder("typed").valueType("java.lang.String").borrows("local:*").build())
            .build();
    assertSameBehaviour(m, built);
    List<Diagnostic> d = m.validate();
    assertThat(d).extracting(Diagnostic::code).containsExactly("SL014", "SL005", "SL007");
    assertThat(d.get(0).notes())
        .containsExactly("component \"typed\" is declared here (rules.yaml:8:3)");
    assertThat(d.get(2).notes()).contains("component \"local\" is declared here (rules.yaml:3:3)");
  }

  // ---- toFileText ----

  @ParameterizedTest
  @CsvSource({"AppCache", "LayeredCache", "BorrowCheckerCache", "Conflict", "Cycle", "NoClient"})
  void toFileText_ofAnAnnotatedManifest_parsesBackToTheSameManifest(String type) throws Exception {
    Manifest m = Manifest.from(Class.forName(ManifestTest.class.getName() + "$" + type));
    String text = m.toFileText();
    Manifest back = Manifest.parse(type + ".yaml", text);
    assertThat(back.name()).isEqualTo(type);
    assertSameBehaviour(back, m, "user:1", "profile:1", "local:1", "feed:1");
  }

  @Test
  void toFileText_writesTheDocumentedForm() {
    Manifest m =
        Manifest.builder("AppCache")
            .layers(CacheLayer.EDGE, CacheLayer.SERVER)
            .component(
                Component.builder("users")
                    .owns("user:{id}", "user:{id}:posts")
                    .invalidates("feed:*")
                    .ttl("90m")
                    .maxSize("2048KB")
                    .backfill(true)
                    .valueType("java.lang.String")
                    .build())
            .component(
                Component.builder("feeds")
                    .layer(CacheLayer.EDGE)
                    .owns("feed:*")
                    .streaming("512KB")
                    .strategy(Strategy.EDGE_OPTIMIZED)
                    .build())
            .component(Component.builder("odd name").owns("*").borrows("123").build())
            .build();
    assertThat(m.toFileText())
        .isEqualTo(
            String.join(
                "\n",
                "# stateless manifest file (docs/manifest-file.md)",
                "name: AppCache",
                "layers: [edge, server]",
                "components:",
                "  users:",
                "    layer: server",
                "    owns: [\"user:{id}\", \"user:{id}:posts\"]",
                "    invalidates: feed:*",
                "    max-size: 2MB",
                "    ttl: 1h30m",
                "    backfill: true",
                "    value-type: java.lang.String",
                "  feeds:",
                "    layer: edge",
                "    owns: feed:*",
                "    streaming: 512KB",
                "    strategy: edge_optimized",
                "  odd name:",
                "    layer: server",
                "    owns: \"*\"",
                "    borrows: \"123\"",
                ""));
  }

  @Test
  void toFileText_ofAnEmptyOrMalformedManifest_throws() {
    assertThatThrownBy(() -> Manifest.empty().toFileText())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no components");
    Manifest bad =
        Manifest.builder().component(Component.builder("c").owns("a:*:b").build()).build();
    assertThatThrownBy(bad::toFileText)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SL012");
  }

  // ---- refusals: SL012 with file:line:column and a help line ----

  @Test
  void parse_emptyFile_isSL012AtLine1() {
    for (String text : new String[] {"", "\n\n", "# only a comment\n   \n", "---\n"}) {
      Diagnostic d = onlyFinding(text);
      assertThat(d.code()).isEqualTo("SL012");
      assertThat(d.message()).isEqualTo("app.yaml:1: the manifest file is empty");
      assertThat(d.help()).contains("components:").contains("owns: user:*");
    }
  }

  @Test
  void parse_noComponents_isSL012() {
    Diagnostic d = onlyFinding("name: x\nlayers: [edge]\n");
    assertThat(d.message()).isEqualTo("app.yaml:1: the manifest file declares no components");
    Diagnostic empty = onlyFinding("components:\n");
    assertThat(empty.message()).isEqualTo("app.yaml:1:1: the manifest file declares no components");
  }

  @Test
  void parse_unknownKey_isSL012SuggestingTheNearestKey() {
    Diagnostic d = onlyFinding("components:\n  users:\n    owns: user:*\n    max_size: 5MB\n");
    assertThat(d.code()).isEqualTo("SL012");
    assertThat(d.message())
        .isEqualTo("app.yaml:4:5: unknown key \"max_size\" in component \"users\"");
    assertThat(d.help())
        .startsWith("did you mean \"max-size\"? a component's keys are layer, owns, borrows,")
        .endsWith("strategy, value-type");
    Diagnostic top = onlyFinding("nmae: x\ncomponents:\n  users:\n    owns: user:*\n");
    assertThat(top.message()).isEqualTo("app.yaml:1:1: unknown key \"nmae\" in the manifest");
    assertThat(top.help())
        .isEqualTo("did you mean \"name\"? the manifest's keys are name, layers, components");
    Diagnostic far = onlyFinding("components:\n  users:\n    colour: red\n");
    assertThat(far.help()).startsWith("a component's keys are layer, owns");
  }

  @Test
  void parse_keyAtTheWrongLevel_isSL012SayingWhere() {
    Diagnostic d = onlyFinding("owns: user:*\ncomponents:\n  users:\n    owns: user:*\n");
    assertThat(d.message())
        .isEqualTo("app.yaml:1:1: \"owns\" is a component's key, at the top level of the manifest");
    assertThat(d.help()).contains("indent it under a component's name");
    Diagnostic in = onlyFinding("components:\n  users:\n    owns: user:*\n    layers: [edge]\n");
    assertThat(in.message())
        .isEqualTo("app.yaml:4:5: \"layers\" is a key of the manifest, inside a component");
  }

  @Test
  void parse_duplicateComponent_isSL013AtTheSecondNamingTheFirst() {
    Diagnostic d =
        onlyFinding("components:\n  users:\n    owns: user:*\n  users:\n    owns: member:*\n");
    assertThat(d.code()).isEqualTo("SL013");
    assertThat(d.message()).isEqualTo("app.yaml:4:3: component \"users\" is defined twice");
    assertThat(d.notes())
        .containsExactly("component \"users\" is first declared here (app.yaml:2:3)");
    assertThat(d.help()).isEqualTo("give each component its own name");
  }

  @Test
  void parse_duplicateKey_isSL012NamingTheFirstLine() {
    Diagnostic d =
        onlyFinding("components:\n  users:\n    owns: user:*\n    ttl: 1m\n    owns: member:*\n");
    assertThat(d.message()).isEqualTo("app.yaml:5:5: \"owns\" is given twice (first on line 3)");
    assertThat(d.help()).contains("owns: [user:*, session:*]");
    Diagnostic spelt =
        onlyFinding(
            "components:\n  users:\n    owns: user:*\n    maxSize: 1MB\n    max-size: 2MB\n");
    assertThat(spelt.message())
        .isEqualTo("app.yaml:5:5: \"max-size\" is given twice (first on line 4 as \"maxSize\")");
    Diagnostic top = onlyFinding("name: a\nname: b\ncomponents:\n  users:\n    owns: user:*\n");
    assertThat(top.message()).isEqualTo("app.yaml:2:1: \"name\" is given twice (first on line 1)");
  }

  @Test
  void parse_badIndentation_isSL012() {
    Diagnostic d = onlyFinding("components:\n  users:\n    owns: user:*\n     ttl: 1m\n");
    assertThat(d.message())
        .isEqualTo("app.yaml:4:6: indented 5 spaces where the keys of this block are indented 4");
    assertThat(d.help()).contains("indent the line like the keys above it (4)");
    Diagnostic between = onlyFinding("components:\n  users:\n    owns: user:*\n   ttl: 1m\n");
    assertThat(between.message())
        .isEqualTo("app.yaml:4:4: indented 3 spaces where the keys of this block are indented 2");
    Diagnostic top = onlyFinding("  components:\n    users:\n      owns: user:*\n");
    assertThat(top.message()).isEqualTo("app.yaml:1:1: the first key is indented 2 spaces");
  }

  @Test
  void parse_tabs_areSL012() {
    Diagnostic indent = onlyFinding("components:\n\tusers:\n    owns: user:*\n");
    assertThat(indent.message()).isEqualTo("app.yaml:2:1: tab in the indentation");
    assertThat(indent.help()).startsWith("indent with spaces");
    Diagnostic inside = onlyFinding("components:\n  users:\n    owns:\tuser:*\n");
    assertThat(inside.message()).isEqualTo("app.yaml:3:10: tab character");
  }

  @Test
  void parse_valueOfTheWrongShape_isSL012() {
    Diagnostic list = onlyFinding("components:\n  users:\n    owns: user:*\n    ttl: [1m, 2m]\n");
    assertThat(list.message()).isEqualTo("app.yaml:4:10: \"ttl\" takes one value, not a list");
    assertThat(list.help()).isEqualTo("write \"ttl: 10m\"");
    Diagnostic block = onlyFinding("components:\n  users:\n    owns:\n      user: x\n");
    assertThat(block.message())
        .isEqualTo("app.yaml:4:7: \"owns\" takes a value or a list of values, not a block of keys");
    Diagnostic components = onlyFinding("components: [users]\n");
    assertThat(components.message())
        .isEqualTo(
            "app.yaml:1:13: \"components\" takes a block of components, one name per line, not a"
                + " list");
    Diagnostic settings = onlyFinding("components:\n  users: user:*\n");
    assertThat(settings.message())
        .startsWith("app.yaml:2:10: \"component users\" takes a block of settings");
    Diagnostic none = onlyFinding("components:\n  users:\n  orders:\n    owns: order:*\n");
    assertThat(none.message()).isEqualTo("app.yaml:2:3: component \"users\" has no settings");
    Diagnostic missing = onlyFinding("components:\n  users:\n    owns: user:*\n    ttl:\n");
    assertThat(missing.message()).isEqualTo("app.yaml:4:5: \"ttl\" has no value");
    assertThat(missing.help()).contains("ttl: 10m");
  }

  @Test
  void parse_notABoolean_isSL012() {
    Diagnostic d = onlyFinding("components:\n  users:\n    owns: user:*\n    backfill: yes\n");
    assertThat(d.message())
        .isEqualTo("app.yaml:4:15: \"backfill\" takes true or false, not \"yes\"");
    Diagnostic quoted =
        onlyFinding("components:\n  users:\n    owns: user:*\n    backfill: \"true\"\n");
    assertThat(quoted.message()).contains("takes true or false");
  }

  @Test
  void parse_badSizeOrTtlLiteral_isTheLiteralsFindingAtItsLine() {
    Diagnostic size = onlyFinding("components:\n  c:\n    owns: c:*\n    max-size: 50 MB\n");
    Diagnostic expected = literalFinding(() -> Literals.parseSize("50 MB"));
    assertThat(size.code()).isEqualTo("SL012");
    assertThat(size.message())
        .isEqualTo("app.yaml:4:15: " + expected.message() + " (max-size of component \"c\")")
        .isEqualTo(
            "app.yaml:4:15: malformed size literal \"50 MB\": unknown unit \" MB\" (max-size of"
                + " component \"c\")");
    assertThat(size.help()).isEqualTo(expected.help());
    Diagnostic ttl = onlyFinding("components:\n  c:\n    owns: c:*\n    ttl: 10x\n");
    Diagnostic expectedTtl = literalFinding(() -> Literals.parseDuration("10x"));
    assertThat(ttl.message())
        .isEqualTo("app.yaml:4:10: " + expectedTtl.message() + " (ttl of component \"c\")");
    assertThat(ttl.help()).isEqualTo(expectedTtl.help());
    Diagnostic chunk = onlyFinding("components:\n  c:\n    owns: c:*\n    streaming: 0MB\n");
    assertThat(chunk.message())
        .isEqualTo(
            "app.yaml:4:16: malformed size literal \"0MB\": a size must be at least 1 byte"
                + " (streaming of component \"c\")");
  }

  @Test
  void parse_malformedPattern_isKeyPatternsFindingAtItsItem() {
    Diagnostic d = onlyFinding("components:\n  c:\n    owns: [c:*, user:*:posts]\n");
    Diagnostic expected = literalFinding(() -> KeyPattern.parse("user:*:posts"));
    assertThat(d.message())
        .isEqualTo("app.yaml:3:17: " + expected.message() + " (owns of component \"c\")");
    assertThat(d.help()).isEqualTo(expected.help());
    assertThat(d.patterns()).containsExactly("user:*:posts");
    assertThat(d.components()).containsExactly("c");
    Diagnostic block =
        onlyFinding("components:\n  c:\n    owns: c:*\n    borrows:\n      - 'a::b'\n");
    assertThat(block.message())
        .startsWith("app.yaml:5:9: malformed key pattern \"a::b\": empty segment at index 2");
  }

  @Test
  void parse_unknownLayerOrStrategy_isSL012ListingTheValidNames() {
    Diagnostic layer = onlyFinding("components:\n  c:\n    owns: c:*\n    layer: browser\n");
    assertThat(layer.message()).isEqualTo("app.yaml:4:12: unknown layer \"browser\"");
    assertThat(layer.help()).isEqualTo("use one of client, edge, server");
    Diagnostic strategy =
        onlyFinding("components:\n  c:\n    owns: c:*\n    strategy: offline_first\n");
    assertThat(strategy.message()).isEqualTo("app.yaml:4:15: unknown strategy \"offline_first\"");
    assertThat(strategy.help())
        .isEqualTo(
            "use one of default, client_first, edge_optimized, global_consistent,"
                + " redis_compatible");
    Diagnostic layers = onlyFinding("layers: [edge, edge]\ncomponents:\n  c:\n    owns: c:*\n");
    assertThat(layers.message())
        .isEqualTo("app.yaml:1:16: layer \"edge\" is listed twice (first on line 1)");
  }

  @Test
  void parse_yamlSyntaxOutsideTheSubset_isSL012AskingForQuotes() {
    Diagnostic star = onlyFinding("components:\n  all:\n    owns: *\n");
    assertThat(star.message())
        .isEqualTo("app.yaml:3:11: the value \"*\" starts with \"*\", which is a YAML alias");
    assertThat(star.help()).startsWith("quote the value: \"*\"");
    Diagnostic hole = onlyFinding("components:\n  ids:\n    owns: {id}:x\n");
    assertThat(hole.message()).contains("a YAML mapping written on one line");
    assertThat(hole.help()).startsWith("quote the value: \"{id}:x\"");
    Diagnostic inList = onlyFinding("components:\n  users:\n    owns: [user:{id}, x:*]\n");
    assertThat(inList.message()).isEqualTo("app.yaml:3:17: \"{\" in the list item \"user:{id}\"");
    assertThat(inList.help())
        .startsWith("quote items that hold { } [ ] or ? in a [a, b] list: \"user:{id}\"");
    Diagnostic colon = onlyFinding("components:\n  users:\n    owns: a: b\n");
    assertThat(colon.message()).contains("holds \": \"");
    assertThat(colon.help()).isEqualTo("quote the value: \"a: b\"");
    Diagnostic noSpace = onlyFinding("components:\n  users:\n    owns:user:*\n");
    assertThat(noSpace.message())
        .isEqualTo("app.yaml:3:5: expected \"key: value\", found \"owns:user:*\"");
  }

  @Test
  void parse_quotingMistakes_areSL012() {
    Diagnostic escape = onlyFinding("components:\n  c:\n    owns: \"c:\\*\"\n");
    assertThat(escape.message())
        .isEqualTo("app.yaml:3:14: \"\\*\" is not an escape of a double-quoted value");
    assertThat(escape.help()).contains("\"user:\\\\*\"").contains("'user:\\*'");
    Diagnostic unclosed = onlyFinding("components:\n  c:\n    owns: 'c:*\n");
    assertThat(unclosed.message()).isEqualTo("app.yaml:3:11: the quoted value is not closed");
    Diagnostic list = onlyFinding("components:\n  c:\n    owns: [c:*, d:*\n");
    assertThat(list.message()).isEqualTo("app.yaml:3:11: the list is not closed with \"]\"");
    Diagnostic after = onlyFinding("components:\n  c:\n    owns: \"c:*\" d:*\n");
    assertThat(after.message())
        .isEqualTo("app.yaml:3:17: unexpected \"d:*\" after the value \"c:*\"");
    Diagnostic comma = onlyFinding("components:\n  c:\n    owns: [c:*, ]\n");
    assertThat(comma.message()).isEqualTo("app.yaml:3:17: a list item with no value");
  }

  @Test
  void parse_listItemWithoutKey_orSecondDocument_isSL012() {
    Diagnostic item = onlyFinding("components:\n  c:\n    owns: c:*\n    - d:*\n");
    assertThat(item.message())
        .isEqualTo("app.yaml:4:5: a list item (\"- ...\") where a key was expected");
    Diagnostic doc =
        onlyFinding("components:\n  c:\n    owns: c:*\n---\ncomponents:\n  d:\n    owns: d:*\n");
    assertThat(doc.message()).isEqualTo("app.yaml:4:1: a second YAML document (\"---\")");
    Diagnostic control = onlyFinding("components:\n  c:\n    owns: c:\u0007\n");
    assertThat(control.message()).isEqualTo("app.yaml:3:13: control character U+0007");
  }

  @Test
  void parse_severalBadLines_reportsEachInLineOrder() {
    String text =
        String.join(
            "\n",
            "components:",
            "  users:",
            "    owns: user:*:x",
            "    ttl: forever",
            "    layer: cloud",
            "  users:",
            "    owns: u:*",
            "");
    StatelessException e = refused(text);
    assertThat(e.diagnostics())
        .extracting(d -> d.message().substring(0, d.message().indexOf(": ")))
        .containsExactly("app.yaml:3:11", "app.yaml:4:10", "app.yaml:5:12", "app.yaml:6:3");
    assertThat(e.diagnostics())
        .extracting(Diagnostic::code)
        .containsExactly("SL012", "SL012", "SL012", "SL013");
    assertThat(e.code()).isEqualTo("SL012");
    assertThat(e.getMessage()).startsWith("4 problems:\nerror[SL012]: app.yaml:3:11: ");
  }

  @Test
  void parse_fileThatIsNotUtf8_isSL012AtTheByte(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    byte[] text =
        "components:\n  caf\u00e9:\n    owns: c:*\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(file, text);
    assertThatThrownBy(() -> Manifest.parse(file))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e -> {
              assertThat(e.code()).isEqualTo("SL012");
              assertThat(e.diagnostics().get(0).message())
                  .isEqualTo(file + ":2:6: the file is not UTF-8 text (byte 0xE9)");
            });
  }

  // ---- the documentation ----

  @Test
  void docs_completeExample_parsesToWhatItDescribes() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "manifest-file.md"));
    String example = block(doc, "<!-- manifest-file:complete -->");
    Manifest m = Manifest.parse("app.yaml", example);
    assertThat(m.validate()).isEmpty();
    assertThat(m.components()).hasSizeGreaterThanOrEqualTo(5);
    // Every key of the format appears in the complete example.
    for (String key :
        List.of(
            "name:",
            "layers:",
            "components:",
            "layer:",
            "owns:",
            "borrows:",
            "invalidates:",
            "prefetch:",
            "max-size:",
            "ttl:",
            "streaming:",
            "backfill:",
            "strategy:",
            "value-type:")) {
      assertThat(example).contains(key);
    }
    assertThat(content(Manifest.parse("app.yaml", m.toFileText()))).isEqualTo(content(m));
  }

  @Test
  void docs_errorExample_isWhatParseSays() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "manifest-file.md"));
    String bad = block(doc, "<!-- manifest-file:errors -->");
    String said = block(doc, "<!-- manifest-file:errors-output -->");
    StatelessException e = refused(bad);
    String rendered =
        e.diagnostics().stream().map(Diagnostic::render).collect(Collectors.joining("\n\n"));
    assertThat(said.strip()).isEqualTo(rendered.replace("app.yaml", "app.yaml"));
  }

  /** The fenced block after a marker comment in a markdown text. */
  private static String block(String doc, String marker) {
    int at = doc.indexOf(marker);
    assertThat(at).as(marker).isNotNegative();
    int open = doc.indexOf("```", at);
    int start = doc.indexOf('\n', open) + 1;
    int end = doc.indexOf("```", start);
    return doc.substring(start, end);
  }
}
