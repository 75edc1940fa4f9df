package dev.stateless.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checker's options, read once: the plugin's arguments ({@code -Xplugin:"stateless
 * stateless.strict"}) or the processor's {@code -A} options ({@code -Astateless.strict}).
 */
final class CheckerOptions {
  /** {@code stateless.strict}: report possible breaks and unannotated code as warnings. */
  static final String STRICT = "stateless.strict";

  /** {@code stateless.manifest=a.b.AppCache[,c.d.Other]}: the manifest classes to check against. */
  static final String MANIFEST = "stateless.manifest";

  /** Every option's name. */
  static final Set<String> NAMES = Set.of(STRICT, MANIFEST);

  final boolean strict;
  final List<String> manifests;

  /** The plugin's arguments that name no option, reported as SL012 when checking starts. */
  final List<String> unknown;

  private CheckerOptions(boolean strict, List<String> manifests, List<String> unknown) {
    this.strict = strict;
    this.manifests = List.copyOf(manifests);
    this.unknown = List.copyOf(unknown);
  }

  /** The processor's options: javac passes it only the names it supports. */
  static CheckerOptions of(Map<String, ? extends @Nullable String> options) {
    return of(options, List.of());
  }

  static CheckerOptions of(Map<String, ? extends @Nullable String> options, List<String> unknown) {
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
    return new CheckerOptions(strict, names, unknown);
  }
}
