package dev.stateless.core;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The manifest rules, applied by {@link Manifest#validate()}. */
final class ManifestRules {
  private ManifestRules() {}

  static List<Diagnostic> validate(Manifest m) {
    List<Diagnostic> out = new ArrayList<>(m.problems());
    Map<Component, Integer> order = new HashMap<>();
    for (Component c : m.components()) {
      order.put(c, order.size());
    }
    OwnerIndex index = m.index();

    // SL001: report on the later declaration, naming the earlier owner.
    for (Component c : m.components()) {
      for (KeyPattern p : c.owns()) {
        for (OwnerIndex.Entry e : index.overlapping(p)) {
          // every owner in the index is one of the manifest's components, all in order
          if (Objects.requireNonNull(order.get(e.owner)) < Objects.requireNonNull(order.get(c))) {
            out.add(Diagnostics.overlappingOwnership(c, p, e.owner, e.pattern));
          }
        }
      }
    }

    // SL005: every borrowed, invalidated or prefetched pattern must share keys with an owner.
    for (Component c : m.components()) {
      unowned(index, c, "@Borrows", c.borrows(), out);
      unowned(index, c, "@Invalidates", c.invalidates(), out);
      unowned(index, c, "@Prefetch", c.prefetch(), out);
    }

    // SL006: a component's dependents must not lead back to it.
    out.addAll(cycles(m, index));

    // SL007 / SL008: layers and strategies.
    for (Component c : m.components()) {
      for (CacheLayer needed : Strategies.layersNeeded(c.layer(), c.strategy())) {
        if (!m.layers().contains(needed)) {
          out.add(Diagnostics.componentLayerMissing(c, needed, m.layers()));
        }
      }
      if (c.strategy() == Strategy.GLOBAL_CONSISTENT && c.layer() != CacheLayer.SERVER) {
        out.add(Diagnostics.globalConsistentOffServer(c));
      }
    }
    return out;
  }

  private static void unowned(
      OwnerIndex index,
      Component c,
      String where,
      List<KeyPattern> patterns,
      List<Diagnostic> out) {
    for (KeyPattern p : patterns) {
      if (index.overlapping(p).isEmpty()) {
        out.add(Diagnostics.unownedPattern("component \"" + c.name() + "\"", c.name(), where, p));
      }
    }
  }

  /** Finds each strongly connected group of two or more components and names one cycle in it. */
  private static List<Diagnostic> cycles(Manifest m, OwnerIndex index) {
    Map<Component, Map<Component, KeyPattern>> edges = new LinkedHashMap<>();
    for (Component c : m.components()) {
      Map<Component, KeyPattern> targets = new LinkedHashMap<>();
      for (KeyPattern p : c.invalidates()) {
        for (OwnerIndex.Entry e : index.overlapping(p)) {
          if (e.owner != c) {
            targets.putIfAbsent(e.owner, p);
          }
        }
      }
      edges.put(c, targets);
    }
    List<Diagnostic> out = new ArrayList<>();
    Set<Component> reported = new LinkedHashSet<>();
    for (Component start : m.components()) {
      if (reported.contains(start)) {
        continue;
      }
      List<Component> cycle = shortestCycle(start, edges);
      if (cycle == null) {
        continue;
      }
      reported.addAll(cycle);
      List<String> notes = new ArrayList<>();
      for (int i = 0; i + 1 < cycle.size(); i++) {
        Component from = cycle.get(i);
        Component to = cycle.get(i + 1);
        notes.add(
            "\""
                + from.name()
                + "\" invalidates \""
                + Objects.requireNonNull(edges.get(from)).get(to) // edges has every component
                + "\", owned by \""
                + to.name()
                + "\"");
      }
      out.add(Diagnostics.invalidationCycle(cycle, notes));
    }
    return out;
  }

  /** Breadth-first search back to {@code start}; returns start..start, or null if no cycle. */
  private static @Nullable List<Component> shortestCycle(
      Component start, Map<Component, Map<Component, KeyPattern>> edges) {
    Map<Component, Component> parent = new HashMap<>();
    ArrayDeque<Component> queue = new ArrayDeque<>();
    queue.add(start);
    while (!queue.isEmpty()) {
      Component at = queue.poll();
      // edges has every component, and the queue holds only components
      for (Component next : Objects.requireNonNull(edges.get(at)).keySet()) {
        if (next == start) {
          List<Component> path = new ArrayList<>();
          path.add(start);
          for (Component c = at; c != start; c = parent.get(c)) {
            path.add(1, c);
          }
          path.add(start);
          return path;
        }
        if (!parent.containsKey(next)) {
          parent.put(next, at);
          queue.add(next);
        }
      }
    }
    return null;
  }
}
