package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stateless.core.StatelessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@link Stores#edge(String, Map)} accepts and refuses before connecting (nothing is started:
 * the nodes are reached when a cache is built).
 */
class RegionsConfigTest {
  private static Map<String, List<String>> regions(Object... regionAndUris) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < regionAndUris.length; i += 2) {
      @SuppressWarnings("unchecked") // the test's own pairs
      List<String> uris = (List<String>) regionAndUris[i + 1];
      out.put((String) regionAndUris[i], uris);
    }
    return out;
  }

  /** The SL012 that {@code call} throws. */
  private static StatelessException refusedWithSL012(Runnable call) {
    StatelessException e = catchThrowableOfType(StatelessException.class, call::run);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.code()).isEqualTo("SL012");
    return e;
  }

  @Test
  void edge_withRegions_isDescribedByItsRegionAndNodeCounts_withoutPasswords() {
    try (LayerStore store =
        Stores.edge(
            "eu",
            regions(
                "us", List.of("redis://127.0.0.1:7001"),
                "eu", List.of("redis://s3cret@127.0.0.1:7002", "redis://127.0.0.1:7003")))) {
      assertThat(store.isShared()).isTrue();
      assertThat(store.describe())
          .startsWith("edge nodes of region eu (2 of 3 in 2 regions)")
          .contains("127.0.0.1:7002")
          .doesNotContain("s3cret");
    }
  }

  @Test
  void edge_ownRegionNotAmongTheRegions_isSL012NamingTheRegions() {
    StatelessException e =
        refusedWithSL012(
            () -> Stores.edge("asia", regions("eu", List.of("redis://127.0.0.1:7001"))));
    assertThat(e.getMessage()).contains("region \"asia\"").contains("[eu]");
    assertThat(e.help()).contains("Stores.edge(\"eu\", Map.of(");
  }

  @Test
  void edge_aRegionWithoutNodes_isSL012() {
    StatelessException e =
        refusedWithSL012(
            () ->
                Stores.edge(
                    "eu", regions("eu", List.of("redis://127.0.0.1:7001"), "us", List.of())));
    assertThat(e.getMessage()).contains("region \"us\"").contains("has no edge node");
    assertThat(e.help()).isNotBlank();
  }

  @Test
  void edge_aMalformedNodeUri_isSL012NamingItsRegion_withoutItsPassword() {
    StatelessException e =
        refusedWithSL012(
            () ->
                Stores.edge(
                    "eu",
                    regions(
                        "eu",
                        List.of("redis://127.0.0.1:7001"),
                        "us",
                        List.of("redis://s3cret@127.0.0.1:99999"))));
    assertThat(e.getMessage())
        .contains("region \"us\"")
        .contains("malformed edge node URI")
        .doesNotContain("s3cret");
    assertThat(e.help()).contains("redis://");
  }

  @Test
  void edge_oneNodeInTwoRegions_isSL012() {
    StatelessException e =
        refusedWithSL012(
            () ->
                Stores.edge(
                    "eu",
                    regions(
                        "eu",
                        List.of("redis://127.0.0.1:7001"),
                        "us",
                        List.of("redis://127.0.0.1:7001?timeout=1s"))));
    assertThat(e.getMessage()).contains("named twice").contains("\"eu\"").contains("\"us\"");
  }

  @Test
  void documentedMessages_matchWhatStoresEdgeSays() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "diagnostics.md"));
    StatelessException unknown =
        catchThrowableOfType(
            StatelessException.class,
            () -> Stores.edge("asia", Map.of("eu", List.of("redis://edge-eu-1:6380"))));
    StatelessException empty =
        catchThrowableOfType(
            StatelessException.class,
            () ->
                Stores.edge(
                    "eu", Map.of("eu", List.of("redis://edge-eu-1:6380"), "us", List.of())));
    assertThat(doc)
        .contains(unknown.diagnostics().get(0).render())
        .contains(empty.diagnostics().get(0).render());
  }
}
