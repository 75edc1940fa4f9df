package dev.stateless.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link KeyAutomaton} as it was before issue 12, kept as the reference the lazy walk must agree
 * with, order of the combinations included: an eager subset construction over the whole alphabet
 * (every literal character, plus one for all others), then a breadth-first walk of the product.
 * Exact, but quadratic in space and up to cubic in time: only for short shapes.
 */
final class SubsetConstructionOracle {
  private static final int CHAR = 0;
  private static final int NOT_COLON = 1;
  private static final int ANY = 2;

  private SubsetConstructionOracle() {}

  /** One step of a linear expression: a character, or a class repeated once-or-more / any times. */
  private static final class Step {
    final int kind;
    final char c;
    final boolean repeat;
    final boolean optional;

    Step(int kind, char c, boolean repeat, boolean optional) {
      this.kind = kind;
      this.c = c;
      this.repeat = repeat;
      this.optional = optional;
    }
  }

  static Set<BitSet> signatures(KeyShape shape, List<KeyPattern> patterns) {
    List<Step> shapeSteps = steps(shape);
    List<List<Step>> patternSteps = new ArrayList<>();
    for (KeyPattern p : patterns) {
      patternSteps.add(steps(KeyShape.of(p)));
    }
    // The alphabet: every literal character, ':' and one atom standing for all others.
    Map<Character, Integer> atoms = new HashMap<>();
    atoms.put(':', 0);
    collectAtoms(shapeSteps, atoms);
    for (List<Step> s : patternSteps) {
      collectAtoms(s, atoms);
    }
    int atomCount = atoms.size() + 1;
    Dfa shapeDfa = new Dfa(shapeSteps, atoms, atomCount);
    Dfa[] patternDfas = new Dfa[patterns.size()];
    for (int i = 0; i < patternDfas.length; i++) {
      patternDfas[i] = new Dfa(patternSteps.get(i), atoms, atomCount);
    }

    Set<BitSet> result = new LinkedHashSet<>();
    int[] start = new int[patternDfas.length + 1];
    Set<Tuple> seen = new HashSet<>();
    ArrayDeque<int[]> queue = new ArrayDeque<>();
    seen.add(new Tuple(start));
    queue.add(start);
    while (!queue.isEmpty()) {
      int[] state = queue.poll();
      if (shapeDfa.accepting(state[0])) {
        BitSet signature = new BitSet(patternDfas.length);
        for (int i = 0; i < patternDfas.length; i++) {
          if (state[i + 1] >= 0 && patternDfas[i].accepting(state[i + 1])) {
            signature.set(i);
          }
        }
        result.add(signature);
      }
      for (int atom = 0; atom < atomCount; atom++) {
        int nextShape = shapeDfa.next(state[0], atom);
        if (nextShape < 0) {
          continue;
        }
        int[] next = new int[state.length];
        next[0] = nextShape;
        for (int i = 0; i < patternDfas.length; i++) {
          next[i + 1] = state[i + 1] < 0 ? -1 : patternDfas[i].next(state[i + 1], atom);
        }
        if (seen.add(new Tuple(next))) {
          queue.add(next);
        }
      }
    }
    return result;
  }

  private static List<Step> steps(KeyShape shape) {
    List<Step> steps = new ArrayList<>();
    for (Object part : shape.parts()) {
      if (part instanceof String text) {
        for (int i = 0; i < text.length(); i++) {
          steps.add(new Step(CHAR, text.charAt(i), false, false));
        }
      } else if (part == KeyShape.Hole.SEGMENT) {
        steps.add(new Step(NOT_COLON, '\0', true, false));
      } else if (part == KeyShape.Hole.TEXT) {
        steps.add(new Step(ANY, '\0', true, true));
      } else {
        steps.add(new Step(ANY, '\0', true, false));
      }
    }
    return steps;
  }

  private static void collectAtoms(List<Step> steps, Map<Character, Integer> atoms) {
    for (Step s : steps) {
      if (s.kind == CHAR) {
        atoms.putIfAbsent(s.c, atoms.size());
      }
    }
  }

  /**
   * A deterministic automaton built by subset construction from the linear expression: NFA state
   * {@code i} means "the first {@code i} steps are done".
   */
  private static final class Dfa {
    private final List<int[]> transitions = new ArrayList<>();
    private final List<Boolean> accepting = new ArrayList<>();

    Dfa(List<Step> steps, Map<Character, Integer> atoms, int atomCount) {
      int n = steps.size();
      Map<BitSet, Integer> ids = new HashMap<>();
      List<BitSet> sets = new ArrayList<>();
      BitSet first = closure(bit(0), steps);
      ids.put(first, 0);
      sets.add(first);
      for (int id = 0; id < sets.size(); id++) {
        BitSet current = sets.get(id);
        int[] row = new int[atomCount];
        for (int atom = 0; atom < atomCount; atom++) {
          BitSet next = new BitSet(n + 1);
          for (int s = current.nextSetBit(0); s >= 0; s = current.nextSetBit(s + 1)) {
            if (s < n && accepts(steps.get(s), atom, atoms)) {
              next.set(s + 1);
              if (steps.get(s).repeat) {
                next.set(s); // stay inside the repetition; s+1 is also reachable
              }
            }
          }
          if (next.isEmpty()) {
            row[atom] = -1;
            continue;
          }
          next = closure(next, steps);
          Integer known = ids.get(next);
          if (known == null) {
            known = sets.size();
            ids.put(next, known);
            sets.add(next);
          }
          row[atom] = known;
        }
        transitions.add(row);
        accepting.add(current.get(n));
      }
    }

    /**
     * Being at step {@code s} of a repeated step means one or more have been consumed; we model the
     * repetition as: before step s, consume one to reach s+1, or consume one and stay at s. An
     * optional step can be skipped.
     */
    private static BitSet closure(BitSet set, List<Step> steps) {
      BitSet result = (BitSet) set.clone();
      for (int s = result.nextSetBit(0); s >= 0; s = result.nextSetBit(s + 1)) {
        if (s < steps.size() && steps.get(s).optional) {
          result.set(s + 1);
        }
      }
      return result;
    }

    private static boolean accepts(Step step, int atom, Map<Character, Integer> atoms) {
      return switch (step.kind) {
        // collectAtoms gave every literal character of every step an atom
        case CHAR -> Objects.requireNonNull(atoms.get(step.c)) == atom;
        case NOT_COLON -> atom != 0;
        default -> true;
      };
    }

    private static BitSet bit(int i) {
      BitSet b = new BitSet();
      b.set(i);
      return b;
    }

    boolean accepting(int state) {
      return accepting.get(state);
    }

    int next(int state, int atom) {
      return transitions.get(state)[atom];
    }
  }

  private static final class Tuple {
    final int[] states;
    final int hash;

    Tuple(int[] states) {
      this.states = states;
      this.hash = Arrays.hashCode(states);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tuple tuple && Arrays.equals(tuple.states, states);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
