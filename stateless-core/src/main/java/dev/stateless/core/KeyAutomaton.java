package dev.stateless.core;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exact questions about sets of keys: which combinations of patterns the keys of a shape can match.
 * Shapes and patterns are regular languages over characters, each a linear automaton (one state per
 * character or hole). One breadth-first walk of their product answers the question, run on the sets
 * of states the keys reach (subset construction), built lazily: only the sets a walk reaches exist,
 * and from each set only the characters its states name (plus {@code :} and one character standing
 * for all the others) are tried.
 *
 * <p>The work is linear in the length of a pattern's shape ({@link KeyShape#of}, the runtime's
 * case), because {@code :} ends each of its holes, and stays so with text holes, each of which
 * makes every state before it redundant; only many segment holes within one segment ({@code "x" +
 * id + "x" + id...} in source code) let the sets grow. The eager construction before issue 12
 * needed space quadratic in the length, and time cubic for patterns of many distinct characters.
 */
final class KeyAutomaton {
  private static final byte CHAR = 0;
  private static final byte SEGMENT = 1;
  private static final byte TEXT = 2;
  private static final byte NON_EMPTY_TEXT = 3;

  /** The symbol for every character that no state of a product state names, and not {@code :}. */
  private static final int OTHER = -1;

  private static final int[] NONE = {};

  private KeyAutomaton() {}

  static Set<BitSet> signatures(KeyShape shape, List<KeyPattern> patterns) {
    int count = patterns.size() + 1;
    Nfa[] nfas = new Nfa[count];
    nfas[0] = new Nfa(shape);
    for (int i = 1; i < count; i++) {
      nfas[i] = patterns.get(i - 1).automaton();
    }
    int[][] atoms = numberAtoms(nfas);

    // A product state is one set of states per automaton, the shape's first; an empty set is a
    // pattern no key of this walk can match any more. The states seen, in order of discovery, are
    // the walk's queue.
    Set<BitSet> result = new LinkedHashSet<>();
    int[][] sets = new int[count][];
    for (int i = 0; i < count; i++) {
      sets[i] = nfas[i].start();
    }
    ProductStates seen = new ProductStates();
    seen.add(sets);
    int[][] next = new int[count][];
    int at = 0;
    while (at < seen.end()) {
      at = seen.unpack(at, sets);
      if (nfas[0].accepting(sets[0])) {
        BitSet signature = new BitSet(count - 1);
        for (int i = 1; i < count; i++) {
          if (nfas[i].accepting(sets[i])) {
            signature.set(i - 1);
          }
        }
        result.add(signature);
      }
      for (int symbol : symbols(nfas, atoms, sets)) {
        next[0] = nfas[0].step(sets[0], symbol);
        if (next[0].length == 0) {
          continue;
        }
        for (int i = 1; i < count; i++) {
          next[i] = nfas[i].step(sets[i], symbol);
        }
        seen.add(next);
      }
    }
    return result;
  }

  /**
   * Orders the characters: {@code :} first, then every literal character by its first appearance,
   * shape before patterns. The walk tries a state's characters in this order, so it finds the
   * combinations in the same order whatever characters it skips. Returns, per automaton and state,
   * the atom index of the state's character (automata are shared, so the numbering of one question
   * is kept apart from them).
   */
  private static int[][] numberAtoms(Nfa[] nfas) {
    Map<Character, Integer> numbers = new HashMap<>();
    numbers.put(':', 0);
    int[][] atoms = new int[nfas.length][];
    for (int i = 0; i < nfas.length; i++) {
      Nfa nfa = nfas[i];
      atoms[i] = new int[nfa.length];
      for (int s = 0; s < nfa.length; s++) {
        if (nfa.kinds[s] == CHAR) {
          Integer atom = numbers.putIfAbsent(nfa.chars[s], numbers.size());
          atoms[i][s] = atom != null ? atom : numbers.size() - 1;
        }
      }
    }
    return atoms;
  }

  /**
   * The characters worth trying from a product state, in atom order: {@code :}, every character a
   * state names, and {@link #OTHER} (which stands for all the rest: they lead to the same product
   * state) in the place of the first atom that is none of those.
   */
  private static int[] symbols(Nfa[] nfas, int[][] atoms, int[][] sets) {
    int named = 1;
    for (int i = 0; i < nfas.length; i++) {
      named += sets[i].length;
    }
    long[] ordered = new long[named]; // atom index << 16 | character
    int n = 0;
    ordered[n++] = ':';
    for (int i = 0; i < nfas.length; i++) {
      Nfa nfa = nfas[i];
      for (int s : sets[i]) {
        if (s < nfa.length && nfa.kinds[s] == CHAR) {
          ordered[n++] = (long) atoms[i][s] << 16 | nfa.chars[s];
        }
      }
    }
    Arrays.sort(ordered, 0, n);
    int[] out = new int[n + 1];
    int m = 0;
    long gap = 0; // the first atom index not named: every index below it is
    boolean otherDone = false;
    for (int k = 0; k < n; k++) {
      if (k > 0 && ordered[k] == ordered[k - 1]) {
        continue;
      }
      long atom = ordered[k] >>> 16;
      if (!otherDone && atom > gap) {
        out[m++] = OTHER;
        otherDone = true;
      }
      if (atom == gap) {
        gap++;
      }
      out[m++] = (int) (ordered[k] & 0xFFFF);
    }
    if (!otherDone) {
      out[m++] = OTHER;
    }
    return m == out.length ? out : Arrays.copyOf(out, m);
  }

  /**
   * The linear automaton of a shape: state {@code i} means "the first {@code i} steps are done",
   * state {@code length} accepts. A step is one literal character or one hole; a hole repeats (it
   * takes one or more characters, a {@link KeyShape.Hole#TEXT} hole also none). Sets of states are
   * sorted arrays. Immutable: a pattern's is built once ({@link KeyPattern#automaton()}).
   */
  static final class Nfa {
    final byte[] kinds;
    final char[] chars;
    final int length;

    Nfa(KeyShape shape) {
      int n = 0;
      for (Object part : shape.parts()) {
        n += part instanceof String text ? text.length() : 1;
      }
      kinds = new byte[n];
      chars = new char[n];
      length = n;
      int s = 0;
      for (Object part : shape.parts()) {
        if (part instanceof String text) {
          for (int i = 0; i < text.length(); i++) {
            kinds[s] = CHAR;
            chars[s++] = text.charAt(i);
          }
        } else {
          kinds[s++] =
              part == KeyShape.Hole.SEGMENT
                  ? SEGMENT
                  : part == KeyShape.Hole.TEXT ? TEXT : NON_EMPTY_TEXT;
        }
      }
    }

    int[] start() {
      return normalize(new int[] {0}, 1);
    }

    boolean accepting(int[] set) {
      return set.length > 0 && set[set.length - 1] == length;
    }

    /** The set after one character ({@link #OTHER}: one no state of the set names). */
    int[] step(int[] set, int symbol) {
      if (set.length == 0) {
        return NONE;
      }
      if (set.length == 1 && set[0] < length && kinds[set[0]] == CHAR) {
        // The common case, inside a literal: one state, one character to match.
        int s = set[0];
        if (chars[s] != symbol) {
          return NONE;
        }
        return s + 1 < length && kinds[s + 1] == TEXT
            ? normalize(new int[] {s + 1}, 1)
            : new int[] {s + 1};
      }
      int[] out = new int[set.length * 2];
      int m = 0;
      for (int s : set) {
        if (s < length && accepts(s, symbol)) {
          if (kinds[s] != CHAR && (m == 0 || out[m - 1] != s)) {
            out[m++] = s; // stay inside the hole; s+1 is also reachable
          }
          out[m++] = s + 1;
        }
      }
      return normalize(out, m);
    }

    private boolean accepts(int s, int symbol) {
      return switch (kinds[s]) {
        case CHAR -> chars[s] == symbol;
        case SEGMENT -> symbol != ':';
        default -> true;
      };
    }

    /**
     * Adds the states reachable without a character (past {@code TEXT} holes, which may be empty)
     * and drops the states before the last text hole in the set: whatever keys they lead to, the
     * text hole leads to as well, so the set stands for the same keys and stays small.
     */
    private int[] normalize(int[] in, int count) {
      if (count == 0) {
        return NONE;
      }
      int[] out = new int[count + 4];
      int m = 0;
      for (int i = 0; i < count; i++) {
        int s = in[i];
        if (m > 0 && s <= out[m - 1]) {
          continue; // the input is sorted: s is inside the run added last
        }
        while (true) {
          if (m == out.length) {
            out = Arrays.copyOf(out, m * 2);
          }
          out[m++] = s;
          if (s < length && kinds[s] == TEXT) {
            s++;
          } else {
            break;
          }
        }
      }
      int from = 0;
      for (int j = m - 1; j >= 0; j--) {
        int s = out[j];
        if (s < length && (kinds[s] == TEXT || kinds[s] == NON_EMPTY_TEXT)) {
          from = j;
          break;
        }
      }
      return from == 0 && m == out.length ? out : Arrays.copyOfRange(out, from, m);
    }
  }

  /**
   * The product states seen, each packed once into one array in order of discovery (its length,
   * then each set's size and states), found again through an open-addressing table of offsets: a
   * few ints per state and no object, since a long pattern has a product state per character.
   */
  private static final class ProductStates {
    private int[] pool = new int[256];
    private int end;

    /** Offset + 1 of a state in {@link #pool}, or 0 for a free slot; at most half full. */
    private int[] slots = new int[64];

    private int size;

    /** The offset past the last state: the walk is done when it reaches it. */
    int end() {
      return end;
    }

    /** Adds the product state unless it was seen already. */
    void add(int[][] sets) {
      int length = 1 + sets.length;
      for (int[] set : sets) {
        length += set.length;
      }
      if (end + length > pool.length) {
        pool = Arrays.copyOf(pool, Math.max(pool.length * 2, end + length));
      }
      int k = end;
      pool[k++] = length;
      for (int[] set : sets) {
        pool[k++] = set.length;
        System.arraycopy(set, 0, pool, k, set.length);
        k += set.length;
      }
      int mask = slots.length - 1;
      for (int slot = hash(end) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
        if (Arrays.equals(
            pool, slots[slot] - 1, slots[slot] - 1 + pool[slots[slot] - 1], pool, end, k)) {
          return; // seen: the copy past the end is dropped
        }
      }
      insert(end);
      end = k;
      if (++size * 2 > slots.length) {
        int[] old = slots;
        slots = new int[old.length * 2];
        for (int offset : old) {
          if (offset != 0) {
            insert(offset - 1);
          }
        }
      }
    }

    private void insert(int offset) {
      int mask = slots.length - 1;
      int slot = hash(offset) & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = offset + 1;
    }

    private int hash(int offset) {
      int h = 1;
      for (int k = offset; k < offset + pool[offset]; k++) {
        h = 31 * h + pool[k];
      }
      h *= 0x9E3779B9; // spread: linear probing needs varied low bits
      return h ^ (h >>> 16);
    }

    /** Reads the state at an offset into {@code into}; returns the offset of the next state. */
    int unpack(int offset, int[][] into) {
      int k = offset + 1;
      for (int i = 0; i < into.length; i++) {
        int n = pool[k++];
        into[i] = n == 0 ? NONE : Arrays.copyOfRange(pool, k, k + n);
        k += n;
      }
      return k;
    }
  }
}
