package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Manifest#ownerOf} against a brute-force scan, over random manifests and keys. */
class OwnerLookupPropertyTest {

  @Test
  void ownerOf_agreesWithBruteForceScan() {
    RandomKeys r = new RandomKeys();
    for (int round = 0; round < 300; round++) {
      Manifest.Builder b = Manifest.builder();
      int components = 1 + r.random.nextInt(8);
      for (int c = 0; c < components; c++) {
        Component.Builder cb = Component.builder("c" + c);
        int patterns = 1 + r.random.nextInt(4);
        for (int k = 0; k < patterns; k++) {
          cb.owns(r.patternText()); // overlaps allowed: the most specific owner must still win
        }
        b.component(cb.build());
      }
      Manifest m = b.build();
      List<KeyPattern> all = new ArrayList<>();
      m.components().forEach(c -> all.addAll(c.owns()));
      for (int k = 0; k < 200; k++) {
        String key =
            r.random.nextBoolean() ? r.key() : r.keyOf(all.get(r.random.nextInt(all.size())));
        assertThat(m.owningPattern(key))
            .as(r.describe() + ": key " + key + " in\n" + m)
            .isEqualTo(bruteForce(m, key).map(c -> c.pattern));
        assertThat(m.ownerOf(key).map(Component::name))
            .as(r.describe() + ": key " + key + " in\n" + m)
            .isEqualTo(bruteForce(m, key).map(c -> c.owner.name()));
      }
    }
  }

  /** The most specific matching pattern; among equal patterns, the first declared. */
  private static Optional<OwnerIndex.Entry> bruteForce(Manifest m, String key) {
    OwnerIndex.Entry best = null;
    for (Component c : m.components()) {
      for (KeyPattern p : c.owns()) {
        if (p.matches(key)
            && (best == null || KeyPattern.mostSpecificFirst().compare(p, best.pattern) < 0)) {
          best = new OwnerIndex.Entry(p, c, 0);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  @Test
  void overlapping_agreesWithPairwiseOverlaps() {
    RandomKeys r = new RandomKeys();
    for (int round = 0; round < 300; round++) {
      Component.Builder cb = Component.builder("c");
      for (int k = 0; k < 1 + r.random.nextInt(12); k++) {
        cb.owns(r.patternText());
      }
      Manifest m = Manifest.builder().component(cb.build()).build();
      KeyPattern probe = r.pattern();
      List<KeyPattern> expected = new ArrayList<>();
      for (KeyPattern p : m.components().get(0).owns()) {
        if (p.overlaps(probe)) {
          expected.add(p);
        }
      }
      List<KeyPattern> actual = new ArrayList<>();
      m.index().overlapping(probe).forEach(e -> actual.add(e.pattern));
      assertThat(actual)
          .as(r.describe() + ": probe " + probe + " in " + m)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
