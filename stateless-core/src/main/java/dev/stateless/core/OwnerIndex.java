package dev.stateless.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds the most specific owned pattern matching a key in time proportional to the key's length,
 * whatever the number of patterns.
 *
 * <p>The patterns form a trie over segments, with one edge per literal and one for a hole. A key
 * can follow a literal edge and a hole edge at once, so the walk runs on sets of trie nodes: a
 * deterministic automaton built lazily, one state per set actually reached, with a transition
 * cached only for segments that are literals somewhere in the set (all other segments share one
 * transition, so random ids in keys do not grow the cache). Each segment of the key costs one or a
 * few hash lookups.
 */
final class OwnerIndex {

  /** An owned pattern, its owner, and its place in the most-specific-first order. */
  static final class Entry {
    final KeyPattern pattern;
    final Component owner;
    final int rank;

    Entry(KeyPattern pattern, Component owner, int rank) {
      this.pattern = pattern;
      this.owner = owner;
      this.rank = rank;
    }
  }

  private static final class Node {
    final int id;
    final Map<String, Node> literals = new HashMap<>();
    @Nullable Node hole;
    @Nullable Entry terminal;
    @Nullable Entry wildcard;
    final List<Entry> terminals = new ArrayList<>(1);
    final List<Entry> wildcards = new ArrayList<>(1);

    Node(int id) {
      this.id = id;
    }
  }

  /**
   * A set of trie nodes. Its literal transitions (the union of its nodes' literal labels) are laid
   * out when the state is created: one label in two fields, several in an open-addressing table of
   * hashes and labels; the target of a label is resolved on first use, or up front by {@link
   * #expand}. A segment that is no label takes {@link #other()}: the holes.
   */
  private final class State {
    final Node[] nodes;
    final @Nullable Entry terminal;
    final @Nullable Entry wildcard;

    /** The only label, when the nodes have exactly one literal child label. */
    final @Nullable String onlyLabel;

    @Nullable State onlyTarget;

    /**
     * With two or more labels: String hash per slot, and labels / targets per slot (null in a free
     * slot, or a target not resolved yet); with fewer, empty.
     */
    final int[] hashes;

    final @Nullable String[] labels;
    final @Nullable State[] targets;
    final int mask;
    volatile @Nullable State other;

    State(Node[] nodes) {
      this.nodes = nodes;
      Entry t = null;
      Entry w = null;
      Set<String> all = new LinkedHashSet<>();
      for (Node n : nodes) {
        t = better(t, n.terminal);
        w = better(w, n.wildcard);
        all.addAll(n.literals.keySet());
      }
      this.terminal = t;
      this.wildcard = w;
      if (all.size() < 2) {
        onlyLabel = all.isEmpty() ? null : all.iterator().next();
        hashes = NO_HASHES;
        labels = NO_LABELS;
        targets = NO_TARGETS;
        mask = 0;
        return;
      }
      onlyLabel = null;
      int capacity = Integer.highestOneBit(all.size() * 2 + 1) << 1;
      hashes = new int[capacity];
      labels = new String[capacity];
      targets = new State[capacity];
      mask = capacity - 1;
      for (String label : all) {
        int slot = label.hashCode() & mask;
        while (labels[slot] != null) {
          slot = (slot + 1) & mask;
        }
        labels[slot] = label;
        hashes[slot] = label.hashCode();
      }
    }

    /** The state after the segment {@code key[from, to)}, whose String hash is {@code hash}. */
    State next(String key, int from, int to, int hash) {
      int length = to - from;
      if (onlyLabel != null) {
        if (onlyLabel.hashCode() == hash
            && onlyLabel.length() == length
            && key.regionMatches(from, onlyLabel, 0, length)) {
          State target = onlyTarget;
          if (target == null) {
            target = literalTarget(onlyLabel);
            onlyTarget = target; // a benign race: intern returns one instance per node set
          }
          return target;
        }
      } else if (labels.length != 0) {
        String label;
        for (int slot = hash & mask; (label = labels[slot]) != null; slot = (slot + 1) & mask) {
          if (hashes[slot] == hash
              && label.length() == length
              && key.regionMatches(from, label, 0, length)) {
            State target = targets[slot];
            if (target == null) {
              target = literalTarget(label);
              targets[slot] = target; // a benign race, as above
            }
            return target;
          }
        }
      }
      return other();
    }

    private State literalTarget(String label) {
      List<Node> next = new ArrayList<>();
      for (Node n : nodes) {
        Node child = n.literals.get(label);
        if (child != null) {
          next.add(child);
        }
      }
      for (Node n : nodes) {
        if (n.hole != null) {
          next.add(n.hole);
        }
      }
      return intern(next);
    }

    private State other() {
      State o = other;
      if (o == null) {
        List<Node> holes = new ArrayList<>();
        for (Node n : nodes) {
          if (n.hole != null) {
            holes.add(n.hole);
          }
        }
        o = intern(holes);
        other = o;
      }
      return o;
    }
  }

  private static final int[] NO_HASHES = {};
  private static final @Nullable String[] NO_LABELS = {};
  private static final @Nullable State[] NO_TARGETS = {};

  private final Node top;
  private final State root;
  private final State dead;
  private final ConcurrentHashMap<List<Integer>, State> states = new ConcurrentHashMap<>();
  private final List<Entry> entries;

  OwnerIndex(List<Entry> unranked) {
    List<Entry> sorted = new ArrayList<>(unranked);
    // Stable sort: equal patterns keep declaration order, so the first declared wins a tie.
    sorted.sort(Comparator.comparing(e -> e.pattern, KeyPattern.mostSpecificFirst()));
    List<Entry> ranked = new ArrayList<>(sorted.size());
    for (int i = 0; i < sorted.size(); i++) {
      ranked.add(new Entry(sorted.get(i).pattern, sorted.get(i).owner, i));
    }
    this.entries = List.copyOf(ranked);
    int[] ids = {0};
    Map<String, String> labelPool = new HashMap<>();
    Node top = new Node(ids[0]++);
    for (Entry e : ranked) {
      Node n = top;
      KeyPattern p = e.pattern;
      for (int i = 0; i < p.segmentCount(); i++) {
        String literal = p.segment(i);
        if (literal == null) {
          if (n.hole == null) {
            n.hole = new Node(ids[0]++);
          }
          n = n.hole;
        } else {
          // One String per distinct label: "user" under every tenant shares one hot instance.
          String label = labelPool.computeIfAbsent(literal, k -> k);
          n = n.literals.computeIfAbsent(label, k -> new Node(ids[0]++));
        }
      }
      if (p.endsWithWildcard()) {
        n.wildcard = better(n.wildcard, e);
        n.wildcards.add(e);
      } else {
        n.terminal = better(n.terminal, e);
        n.terminals.add(e);
      }
    }
    this.dead = new State(new Node[0]);
    this.top = top;
    this.root = intern(List.of(top));
    expand(4 * ids[0] + 1024);
  }

  /**
   * Builds the states keys can reach, breadth first, up to a budget: lookups then neither allocate
   * nor find cold, scattered states; a manifest whose node sets multiply past the budget builds the
   * rest lazily.
   */
  private void expand(int budget) {
    Set<State> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<State> queue = new ArrayDeque<>();
    queue.add(root);
    seen.add(root);
    while (!queue.isEmpty() && seen.size() < budget) {
      State s = queue.poll();
      List<State> next = new ArrayList<>();
      if (s.onlyLabel != null) {
        State target = s.literalTarget(s.onlyLabel);
        s.onlyTarget = target;
        next.add(target);
      } else {
        for (int slot = 0; slot < s.labels.length; slot++) {
          String label = s.labels[slot];
          if (label != null) {
            State target = s.literalTarget(label);
            s.targets[slot] = target;
            next.add(target);
          }
        }
      }
      next.add(s.other());
      for (State t : next) {
        if (t != dead && seen.add(t)) {
          queue.add(t);
        }
      }
    }
  }

  private State intern(List<Node> nodes) {
    if (nodes.isEmpty()) {
      return dead;
    }
    Set<Node> unique = Collections.newSetFromMap(new IdentityHashMap<>());
    unique.addAll(nodes);
    Node[] array = unique.toArray(new Node[0]);
    Arrays.sort(array, Comparator.comparingInt(n -> n.id));
    List<Integer> key = new ArrayList<>(array.length);
    for (Node n : array) {
      key.add(n.id);
    }
    return states.computeIfAbsent(List.copyOf(key), k -> new State(array));
  }

  private static @Nullable Entry better(@Nullable Entry a, @Nullable Entry b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return b.rank < a.rank ? b : a;
  }

  /** Returns the entry of the most specific pattern matching the key, or {@code null}. */
  @Nullable Entry lookup(String key) {
    int len = key.length();
    State s = root;
    Entry best = len > 0 ? s.wildcard : null;
    int pos = 0;
    while (true) {
      // One pass per segment: find its end and its String hash, with no substring.
      int hash = 0;
      int end = pos;
      char c;
      while (end < len && (c = key.charAt(end)) != ':') {
        hash = 31 * hash + c;
        end++;
      }
      if (end == pos) {
        return best; // an empty segment matches no literal and no hole
      }
      s = s.next(key, pos, end, hash);
      if (s == dead) {
        return best;
      }
      if (end == len) {
        return better(best, s.terminal);
      }
      if (end + 1 < len) {
        best = better(best, s.wildcard);
      }
      pos = end + 1;
    }
  }

  /** Returns every entry, most specific first. */
  List<Entry> entries() {
    return entries;
  }

  /**
   * Returns the entries whose patterns share at least one key with the given pattern, by walking
   * the trie along the pattern (a hole in the pattern follows every edge).
   */
  Set<Entry> overlapping(KeyPattern pattern) {
    Set<Entry> result = new LinkedHashSet<>();
    collectOverlapping(top, pattern, 0, result);
    return result;
  }

  private static void collectOverlapping(Node node, KeyPattern pattern, int i, Set<Entry> out) {
    int count = pattern.segmentCount();
    boolean more = i < count || pattern.endsWithWildcard();
    if (more) {
      out.addAll(node.wildcards); // an owned `...:*` here takes any non-empty rest of the pattern
    }
    if (i == count) {
      if (pattern.endsWithWildcard()) {
        collectBelow(node, out); // the pattern's `*` takes any deeper owned pattern
      } else {
        out.addAll(node.terminals);
      }
      return;
    }
    String literal = pattern.segment(i);
    if (literal == null) {
      for (Node child : node.literals.values()) {
        collectOverlapping(child, pattern, i + 1, out);
      }
    } else {
      Node child = node.literals.get(literal);
      if (child != null) {
        collectOverlapping(child, pattern, i + 1, out);
      }
    }
    if (node.hole != null) {
      collectOverlapping(node.hole, pattern, i + 1, out);
    }
  }

  private static void collectBelow(Node node, Set<Entry> out) {
    for (Node child : node.literals.values()) {
      collectSubtree(child, out);
    }
    if (node.hole != null) {
      collectSubtree(node.hole, out);
    }
  }

  private static void collectSubtree(Node node, Set<Entry> out) {
    out.addAll(node.terminals);
    out.addAll(node.wildcards);
    collectBelow(node, out);
  }
}
