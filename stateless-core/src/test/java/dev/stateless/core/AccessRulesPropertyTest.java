package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shape's verdict must agree with the verdicts of the keys it stands for: an error only when
 * every key breaks a rule, nothing only when no key does; keys that an empty text hole gives and no
 * component owns are left out of the verdict (AccessRules' class comment).
 */
class AccessRulesPropertyTest {

  @Test
  void shapeVerdict_agreesWithEveryKeyOfTheShape() {
    RandomKeys r = new RandomKeys();
    for (int round = 0; round < 400; round++) {
      Manifest.Builder mb = Manifest.builder();
      for (int c = 0; c < 1 + r.random.nextInt(4); c++) {
        mb.component(Component.builder("c" + c).owns(r.patternText()).build());
      }
      Manifest m = mb.build();
      Rights.Builder rb = Rights.builder(m);
      for (int g = 0; g < r.random.nextInt(3); g++) {
        if (r.random.nextBoolean()) {
          rb.owns(r.patternText());
        } else {
          rb.borrows(r.patternText());
        }
      }
      if (r.random.nextInt(4) == 0) {
        rb.actsForAllOwners();
      }
      Rights rights = rb.build();
      for (int s = 0; s < 10; s++) {
        KeyShape shape = r.shape();
        List<Diagnostic> verdict = AccessRules.checkWrite(rights, shape, null);
        String why = r.describe() + ": " + shape + " by " + rights + " in\n" + m + "\n" + verdict;
        for (int k = 0; k < 30; k++) {
          String key = r.keyOf(shape);
          if (r.lastKeyHasEmptyText && m.ownerOf(key).isEmpty()) {
            continue; // left out of the shape's verdict, judged exactly at run time
          }
          List<Diagnostic> exact = AccessRules.checkWrite(rights, KeyShape.exact(key), null);
          if (verdict.isEmpty()) {
            assertThat(exact).as(why + "\nkey " + key).isEmpty();
          } else if (verdict.get(0).isError()) {
            assertThat(exact).as(why + "\nkey " + key).isNotEmpty();
          }
        }
      }
    }
  }
}
