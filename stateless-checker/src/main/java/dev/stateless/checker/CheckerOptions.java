package dev.stateless.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The processor's {@code -A} options, read once. */
final class CheckerOptions {
  /** {@code -Astateless.strict}: report possible breaks and unannotated code as warnings. */
  static final String STRICT = "stateless.strict";

  /**
   * {@code -Astateless.manifest=a.b.AppCache[,c.d.Other]}: the manifest classes to check against.
   */
  static final String MANIFEST = "stateless.manifest";

  final boolean strict;
  final List<String> manifests;

  private CheckerOptions(boolean strict, List<String> manifests) {
    this.strict = strict;
    this.manifests = List.copyOf(manifests);
  }

  static CheckerOptions of(Map<String, ? extends @Nullable String> options) {
    boolean strict = false;
    if (options.containsKey(STRICT)) {
      String v = options.get(STRICT);
      strict = v == null || v.isEmpty() || !v.trim().equalsIgnoreCase("false");
    }
    List<String> names = new ArrayList<>();
    String m = options.get(MANIFEST);
    if (m != null) {
      for (String n : m.split(",", -1)) { // empty names (trailing ones too) are skipped below
        if (!n.trim().isEmpty()) {
          names.add(n.trim());
        }
      }
    }
    return new CheckerOptions(strict, names);
  }
}
