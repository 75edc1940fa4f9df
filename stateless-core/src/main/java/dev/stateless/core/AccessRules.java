package dev.stateless.core;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The access rules, as plain functions that the compile-time checker and the runtime both call:
 * SL002 (write to a borrowed key), SL003 (write to a key the code does not own, or no one owns),
 * SL004 (write through another layer than the owner's), SL007 (a layer or strategy the application
 * lacks), SL008 (clashing strategies), SL009 (plain access to streaming data), SL010 (lifetimes)
 * and SL011 ({@code atomicUpdate} without exclusive access), plus SL005 for declarations.
 *
 * <h2>Keys known only in part</h2>
 *
 * A {@link KeyShape} stands for every key an expression can produce. A call is judged on all of
 * them:
 *
 * <ul>
 *   <li>an {@link Diagnostic.Severity#ERROR ERROR} when <em>every</em> key the shape can produce
 *       breaks a rule: {@code "product:" + id} written by code that borrows {@code product:*};
 *   <li>a {@link Diagnostic.Severity#WARNING WARNING} when <em>some</em> keys break a rule and
 *       others do not: {@code "user:" + name} (a {@code String} that may contain {@code :}) written
 *       by code that owns {@code user:{id}} but only borrows {@code user:{id}:posts}; or a key
 *       nothing is known about;
 *   <li>nothing when every key keeps the rules: {@code "user:" + id + ":posts"} with an {@code int}
 *       id against an owned {@code user:{id}:posts}.
 * </ul>
 *
 * Keys that only an <em>empty</em> text hole produces, and that no component owns, are left out of
 * the judgement: {@code "video:" + id} with a {@code String id} is judged on the keys {@code
 * video:{+}}, not on {@code "video:"}, which nobody owns and no caller means. So an empty hole
 * neither turns a certain break into a possible one nor makes a correct write a possible {@code
 * SL003}; the runtime still judges the exact key {@code "video:"} if it is ever written.
 *
 * <p>A certain break is named by what its keys break: when some keys are borrowed and others not
 * owned (or borrowed from different patterns), the finding is {@code SL003} with a note for each,
 * never one pattern the key may not be in.
 *
 * <p>A warning is not an error because a false positive is as bad as a miss: the checker shows
 * warnings only in strict mode. With an exact key (the runtime's case) every finding is an error.
 */
public final class AccessRules {
  private AccessRules() {}

  /**
   * Checks an operation on a key against the code's rights.
   *
   * @param rights what the code may do
   * @param operation what the call does
   * @param key the key, or the keys it may be
   * @param via the layer the call targets ({@code cache.layer(EDGE).set(..)}), or {@code null} for
   *     a routed call
   * @return at most one finding; empty when the call keeps the rules
   */
  public static List<Diagnostic> check(
      Rights rights, Operation operation, KeyShape key, @Nullable CacheLayer via) {
    Objects.requireNonNull(rights, "rights");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(key, "key");
    Manifest manifest = rights.manifest();
    if (via != null) {
      List<Diagnostic> missing = checkLayerView(rights, via);
      if (!missing.isEmpty()) {
        return missing;
      }
    }
    if (operation == Operation.SCOPED_WRITE && rights.lifetime() != Lifetime.REQUEST) {
      return List.of(Diagnostics.scopedOutsideRequest(rights, key));
    }
    if (operation == Operation.WRITE && rights.lifetime() == Lifetime.SESSION) {
      return List.of(Diagnostics.sessionWithoutCleanup(rights, key));
    }
    if ((operation == Operation.DELETE || operation == Operation.INVALIDATE)
        && dropsDependents(rights, key)) {
      return List.of(); // code declared invalidates = "profile:*" may drop profile keys itself
    }
    if (key.isExact()) {
      String k = key.exactKey();
      Diagnostic d =
          judge(rights, operation, key, via, rights.grantFor(k), manifest.index().lookup(k));
      return d == null ? List.of() : List.of(d);
    }
    return judgeShape(rights, operation, key, via);
  }

  /**
   * Checks a layer view ({@code cache.layer(EDGE)}): the layer must be one of the application's
   * (SL007).
   *
   * @param rights what the code may do
   * @param via the layer the view targets
   * @return at most one finding
   */
  public static List<Diagnostic> checkLayerView(Rights rights, CacheLayer via) {
    Objects.requireNonNull(via, "via");
    Set<CacheLayer> layers = rights.manifest().layers();
    return layers.contains(via)
        ? List.of()
        : List.of(Diagnostics.layerViewMissing(rights, via, layers));
  }

  /**
   * Checks a request scope's end: a scope that is certainly never closed leaves its scoped entries
   * behind (SL010).
   *
   * @param rights the code that opens the scope
   * @param closed whether the code closes the scope (or may hand it to code that does)
   * @return at most one finding
   */
  public static List<Diagnostic> checkScopeClosed(Rights rights, boolean closed) {
    return closed ? List.of() : List.of(Diagnostics.scopeNeverClosed(rights));
  }

  /**
   * Checks a plain read ({@code get}).
   *
   * @param rights what the code may do
   * @param key the key
   * @param via the targeted layer, or {@code null}
   * @return at most one finding
   */
  public static List<Diagnostic> checkRead(Rights rights, KeyShape key, @Nullable CacheLayer via) {
    return check(rights, Operation.READ, key, via);
  }

  /**
   * Checks a plain write ({@code set}, without a cleanup callback).
   *
   * @param rights what the code may do
   * @param key the key
   * @param via the targeted layer, or {@code null}
   * @return at most one finding
   */
  public static List<Diagnostic> checkWrite(Rights rights, KeyShape key, @Nullable CacheLayer via) {
    return check(rights, Operation.WRITE, key, via);
  }

  /**
   * Checks a written value's type against its owner's {@code @ValueType} (SL014): the runtime asks
   * with the value's class, the checker with the argument's static type.
   *
   * @param key the key, or a description of it
   * @param owner the key's owner, or {@code null} when nobody owns it (then any value goes)
   * @param actualTypeName the value's type
   * @param assignable whether a value of that type is one of the declared type
   * @return at most one finding
   */
  public static List<Diagnostic> checkValueType(
      String key, @Nullable Component owner, String actualTypeName, boolean assignable) {
    if (owner == null || assignable || owner.valueTypeName().isEmpty()) {
      return List.of();
    }
    return List.of(
        Diagnostics.wrongValueType(key, owner.name(), owner.valueTypeName().get(), actualTypeName));
  }

  /**
   * Checks the type a value is read as ({@code get(key, Type.class)}, a cast of {@code get(key)})
   * against its owner's {@code @ValueType} (SL014): an error when no value of the declared type can
   * be of the asked type. The runtime asks with classes before it reads, the checker with static
   * types.
   *
   * @param key the key, or a description of it
   * @param owner the key's owner, or {@code null} when nobody owns it (then any type goes)
   * @param askedTypeName the type the caller reads the value as
   * @param possible whether a value of the declared type may be of the asked type
   * @return at most one finding
   */
  public static List<Diagnostic> checkReadType(
      String key, @Nullable Component owner, String askedTypeName, boolean possible) {
    if (owner == null || possible || owner.valueTypeName().isEmpty()) {
      return List.of();
    }
    return List.of(
        Diagnostics.wrongReadType(key, owner.name(), owner.valueTypeName().get(), askedTypeName));
  }

  /**
   * Checks an {@code atomicUpdate}: it needs ownership or exclusive access (SL011).
   *
   * @param rights what the code may do
   * @param key the key
   * @return at most one finding
   */
  public static List<Diagnostic> checkAtomicUpdate(Rights rights, KeyShape key) {
    return check(rights, Operation.ATOMIC_UPDATE, key, null);
  }

  /**
   * Checks a chunked read or write ({@code stream} / {@code setStream}).
   *
   * @param rights what the code may do
   * @param key the key
   * @param write whether the call writes
   * @return at most one finding
   */
  public static List<Diagnostic> checkStreamingAccess(Rights rights, KeyShape key, boolean write) {
    return check(rights, write ? Operation.STREAM_WRITE : Operation.STREAM_READ, key, null);
  }

  /**
   * Checks the code's own declaration: SL012 (malformed pattern), SL013 (unknown followed
   * component), SL005 (borrowing or invalidating a pattern no component owns), SL007 (a strategy
   * needing a layer the application lacks) and SL008 ({@code GLOBAL_CONSISTENT} code following a
   * component off the server layer).
   *
   * @param rights the declaration
   * @return every finding
   */
  public static List<Diagnostic> checkDeclaration(Rights rights) {
    List<Diagnostic> out = new ArrayList<>(rights.problems());
    Manifest manifest = rights.manifest();
    if (!manifest.isEmpty()) {
      unowned(rights, "borrows", rights.borrows(), out);
      unowned(rights, "invalidates", rights.invalidates(), out);
    }
    CacheLayer needed = Strategies.layerNeeded(rights.strategy());
    if (needed != null && !manifest.layers().contains(needed)) {
      out.add(Diagnostics.strategyLayerMissing(rights, rights.strategy(), needed, manifest));
    }
    if (rights.strategy() == Strategy.GLOBAL_CONSISTENT
        && rights.layer().isPresent()
        && rights.layer().get() != CacheLayer.SERVER) {
      out.add(Diagnostics.globalConsistentFollowsOffServer(rights));
    }
    return out;
  }

  private static void unowned(
      Rights rights, String attribute, List<KeyPattern> patterns, List<Diagnostic> out) {
    Component followed = rights.follows().orElse(null);
    for (KeyPattern p : patterns) {
      if (followed != null
          && (followed.borrows().contains(p) || followed.invalidates().contains(p))) {
        continue; // the manifest rules report the component's own declarations
      }
      if (rights.manifest().index().overlapping(p).isEmpty()) {
        out.add(Diagnostics.unownedPattern(rights.name(), null, attribute, p));
      }
    }
  }

  /**
   * Checks a call from code with one strategy into code with another: {@code GLOBAL_CONSISTENT}
   * code may not call {@code CLIENT_FIRST} code, nor the reverse (SL008).
   *
   * @param caller the calling code
   * @param callee the called code
   * @return at most one finding
   */
  public static List<Diagnostic> checkCall(Rights caller, Rights callee) {
    if (!Strategies.compatible(caller.strategy(), callee.strategy())) {
      return List.of(Diagnostics.incompatibleCall(caller, callee.name(), callee.strategy()));
    }
    return List.of();
  }

  /**
   * Checks an explicit strategy on a call ({@code setWithStrategy}): the strategy's layer must
   * exist (SL007) and must not clash with the calling code's strategy (SL008).
   *
   * @param caller the calling code
   * @param requested the strategy the call asks for
   * @return at most one finding
   */
  public static List<Diagnostic> checkStrategy(Rights caller, Strategy requested) {
    CacheLayer needed = Strategies.layerNeeded(requested);
    if (needed != null && !caller.manifest().layers().contains(needed)) {
      return List.of(
          Diagnostics.strategyLayerMissing(caller, requested, needed, caller.manifest()));
    }
    if (!Strategies.compatible(caller.strategy(), requested)) {
      return List.of(Diagnostics.incompatibleCall(caller, "a " + requested + " write", requested));
    }
    return List.of();
  }

  /** Whether every key of the shape is a dependent the code declares it drops. */
  private static boolean dropsDependents(Rights rights, KeyShape key) {
    for (KeyPattern p : rights.invalidates()) {
      if (key.alwaysMatches(p)) {
        return true;
      }
    }
    return false;
  }

  /** Judges every kind of key the shape can produce; see the class comment. */
  private static List<Diagnostic> judgeShape(
      Rights rights, Operation operation, KeyShape key, @Nullable CacheLayer via) {
    List<Rights.Grant> grants = rights.grants();
    List<OwnerIndex.Entry> owners =
        new ArrayList<>(rights.manifest().index().overlapping(approximate(key)));
    List<KeyPattern> patterns = new ArrayList<>(grants.size() + owners.size());
    grants.forEach(g -> patterns.add(g.pattern));
    owners.forEach(e -> patterns.add(e.pattern));
    Set<BitSet> signatures = key.signatures(patterns);
    // Keys that only an empty text hole produces, and that no component owns, are left out: see
    // the class comment. The keys without empty holes are walked only when an unowned kind of key
    // is met.
    boolean mayBeEmpty = key.hasTextHole();
    Set<BitSet> nonEmpty = null;
    Diagnostic first = null;
    Diagnostic firstOffStreaming = null;
    List<Diagnostic> all = new ArrayList<>();
    int broken = 0;
    int judged = 0;
    for (BitSet s : signatures) {
      int g = s.nextSetBit(0);
      Rights.Grant grant = g >= 0 && g < grants.size() ? grants.get(g) : null;
      OwnerIndex.Entry owner = null;
      for (int i = s.nextSetBit(grants.size()); i >= 0; i = s.nextSetBit(i + 1)) {
        OwnerIndex.Entry e = owners.get(i - grants.size());
        if (owner == null || e.rank < owner.rank) {
          owner = e;
        }
      }
      if (owner == null && mayBeEmpty) {
        if (nonEmpty == null) {
          nonEmpty = key.withNonEmptyText().signatures(patterns);
        }
        if (!nonEmpty.contains(s)) {
          continue; // only an empty text hole gives such keys, and nobody owns them
        }
      }
      judged++;
      Diagnostic d = judge(rights, operation, key, via, grant, owner);
      if (d != null) {
        broken++;
        all.add(d);
        if (first == null || priority(d.rule()) < priority(first.rule())) {
          first = d;
        }
        if (d.rule() != Code.SL009
            && (firstOffStreaming == null
                || priority(d.rule()) < priority(firstOffStreaming.rule()))) {
          firstOffStreaming = d;
        }
      }
    }
    if (first == null) {
      return List.of();
    }
    if (broken < judged) {
      return List.of(Diagnostics.asWarning(first)); // "possible": the most serious possibility
    }
    // Certain: a key only some of whose values reach streaming data is named by what all break.
    Diagnostic certain = firstOffStreaming != null ? firstOffStreaming : first;
    return List.of(namingWhatIsKnown(rights, key, certain, all));
  }

  /**
   * A certain break whose keys break different rules, or the same rule at different patterns, is
   * not named after one of them (that would name a pattern the key may well not be in): a write
   * whose every key is borrowed or not owned is SL003, naming each possibility in a note.
   */
  private static Diagnostic namingWhatIsKnown(
      Rights rights, KeyShape key, Diagnostic certain, List<Diagnostic> all) {
    Set<String> kinds = new LinkedHashSet<>();
    List<Diagnostic> ownership = new ArrayList<>();
    for (Diagnostic d : all) {
      if (d.rule() == Code.SL009) {
        continue; // as above: streaming data that some keys reach does not name the break
      }
      if (d.rule() != Code.SL002 && d.rule() != Code.SL003) {
        return certain;
      }
      kinds.add(d.rule() + " " + d.patterns());
      ownership.add(d);
    }
    return kinds.size() < 2 ? certain : Diagnostics.noKeyWritable(rights, key, ownership);
  }

  /** A pattern whose keys include every key of the shape that can have an owner. */
  private static KeyPattern approximate(KeyShape key) {
    String prefix = key.literalPrefix();
    int lastColon = prefix.lastIndexOf(':');
    List<String> segments =
        lastColon < 0 ? List.of() : List.of(prefix.substring(0, lastColon).split(":", -1));
    return KeyPattern.wildcardAfter(segments);
  }

  /** Which finding a shape reports when its keys break several rules: the most serious. */
  private static int priority(Code code) {
    return switch (code) {
      case SL009 -> 0;
      case SL004 -> 1;
      case SL011 -> 2;
      case SL002 -> 3;
      default -> 4;
    };
  }

  /** The rules for one kind of key: the code's most specific grant and the key's owner. */
  private static @Nullable Diagnostic judge(
      Rights rights,
      Operation operation,
      KeyShape key,
      @Nullable CacheLayer via,
      Rights.@Nullable Grant grant,
      OwnerIndex.@Nullable Entry owner) {
    if (owner != null && owner.owner.isStreaming() && operation.isPlainValueAccess()) {
      return Diagnostics.plainAccessToStreaming(rights, operation, key, owner);
    }
    if (!operation.isWrite()) {
      return null;
    }
    if (via != null && owner != null && via != owner.owner.layer()) {
      return Diagnostics.layerViolation(rights, key, via, owner);
    }
    Rights.Kind kind;
    if (rights.actsForAllOwners()) {
      kind = owner != null ? Rights.Kind.OWN : null;
    } else {
      kind = grant == null ? null : grant.kind;
    }
    if (operation == Operation.ATOMIC_UPDATE) {
      if (kind == Rights.Kind.OWN || kind == Rights.Kind.EXCLUSIVE) {
        return null;
      }
      if (kind == null && owner == null && rights.actsForAllOwners()) {
        return rights.unownedKeysAllowed() ? null : Diagnostics.unownedKey(rights, key);
      }
      return Diagnostics.atomicWithoutExclusive(rights, key, grant, owner);
    }
    if (kind == Rights.Kind.BORROW) {
      // BORROW comes only from a grant: code acting for all owners has OWN or nothing.
      return Diagnostics.borrowedWrite(rights, key, Objects.requireNonNull(grant).pattern, owner);
    }
    if (kind != null) {
      return null;
    }
    if (owner != null) {
      return Diagnostics.notOwnedByCode(rights, key, owner);
    }
    if (operation == Operation.SCOPED_WRITE || rights.unownedKeysAllowed()) {
      return null; // a request scope owns its temporaries; plain Redis-like code owns everything
    }
    return Diagnostics.unownedKey(rights, key);
  }
}
