package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lazy product walk of issue 12 answers exactly as the eager subset construction it replaced
 * ({@link SubsetConstructionOracle}), and in the same order, which decides the finding reported
 * among equally serious ones.
 */
class KeyAutomatonTest {
  private static final int ROUNDS = 3000;

  /** Short literals that overlap each other, so the automata's sets hold several states. */
  private static final String[] PIECES = {"a", "b", "ab", "aab", "ba", ":", "a:", ":b", "x*", "?"};

  @Test
  void signatures_randomShapesAndPatterns_sameAsSubsetConstruction_inTheSameOrder() {
    RandomKeys r = new RandomKeys();
    for (int round = 0; round < ROUNDS; round++) {
      KeyShape shape =
          switch (r.random.nextInt(3)) {
            case 0 -> r.shape();
            case 1 -> KeyShape.of(pattern(r));
            default -> shape(r);
          };
      List<KeyPattern> patterns = new ArrayList<>();
      for (int i = r.random.nextInt(5); i > 0; i--) {
        patterns.add(r.random.nextBoolean() ? r.pattern() : pattern(r));
      }
      assertThat(new ArrayList<BitSet>(KeyAutomaton.signatures(shape, patterns)))
          .as(r.describe() + ": " + shape + " against " + patterns)
          .containsExactlyElementsOf(SubsetConstructionOracle.signatures(shape, patterns));
    }
  }

  @Test
  void signatures_afterTextHoles_keepEveryCombination() {
    // A text hole makes the states before it redundant; what may follow it still counts.
    KeyShape shape =
        KeyShape.builder()
            .literal("a")
            .hole(KeyShape.Hole.TEXT)
            .literal("ab")
            .hole(KeyShape.Hole.TEXT)
            .literal(":b")
            .build();
    List<KeyPattern> patterns =
        List.of(KeyPattern.parse("a:*"), KeyPattern.parse("{x}:b"), KeyPattern.parse("aab:b"));
    // "aab:b", "a:ab:b", "axab:b", "aab:x:b"; no key has one colon and starts with "a:"
    assertThat(new ArrayList<BitSet>(KeyAutomaton.signatures(shape, patterns)))
        .containsExactly(bits(1, 2), bits(0), bits(1), bits())
        .containsExactlyElementsOf(SubsetConstructionOracle.signatures(shape, patterns));
  }

  private static BitSet bits(int... indexes) {
    BitSet b = new BitSet();
    for (int i : indexes) {
      b.set(i);
    }
    return b;
  }

  /** A shape of up to 8 overlapping pieces and holes of every kind. */
  private static KeyShape shape(RandomKeys r) {
    KeyShape.Builder b = KeyShape.builder();
    for (int i = 1 + r.random.nextInt(8); i > 0; i--) {
      int pick = r.random.nextInt(6);
      if (pick < 3) {
        b.literal(PIECES[r.random.nextInt(PIECES.length)]);
      } else {
        b.hole(KeyShape.Hole.values()[pick - 3]);
      }
    }
    return b.build();
  }

  /** A pattern of up to 5 segments of overlapping literals and holes, maybe ending in {@code *}. */
  private static KeyPattern pattern(RandomKeys r) {
    StringBuilder text = new StringBuilder();
    int segments = r.random.nextInt(6);
    for (int i = 0; i < segments; i++) {
      if (i > 0) {
        text.append(':');
      }
      if (r.random.nextInt(3) == 0) {
        text.append("{h}");
      } else {
        String piece = PIECES[r.random.nextInt(PIECES.length)].replace(":", "");
        text.append(RandomKeys.escape(piece.isEmpty() ? "b" : piece));
      }
    }
    if (segments == 0 || r.random.nextInt(3) == 0) {
      text.append(segments > 0 ? ":*" : "*");
    }
    return KeyPattern.parse(text.toString());
  }
}
