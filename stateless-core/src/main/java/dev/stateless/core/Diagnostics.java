package dev.stateless.core;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The one factory of findings: every message and help line of every rule is written here. */
final class Diagnostics {
  private Diagnostics() {}

  private static Diagnostic error(
      Code code,
      String message,
      String help,
      List<String> notes,
      List<String> components,
      List<String> patterns) {
    return new Diagnostic(
        code, Diagnostic.Severity.ERROR, message, help, notes, components, patterns);
  }

  static Diagnostic asWarning(Diagnostic d) {
    return new Diagnostic(
        d.rule(),
        Diagnostic.Severity.WARNING,
        d.message()
            .replaceFirst("^write", "possible write")
            .replaceFirst("^plain", "possible plain"),
        d.help(),
        append(d.notes(), "some keys this expression can produce keep the rule, others break it"),
        d.components(),
        d.patterns());
  }

  private static List<String> append(List<String> list, String more) {
    List<String> out = new ArrayList<>(list);
    out.add(more);
    return out;
  }

  private static String q(Object o) {
    return "\"" + o + "\"";
  }

  private static String describe(KeyShape key) {
    return key.isExact() ? "key " + q(key.exactKey()) : "key " + key;
  }

  // ---- SL012 / SL013: inputs ----

  static Diagnostic malformed(String kind, String text, String problem, String help) {
    return error(
        Code.SL012,
        "malformed " + kind + " " + q(text) + ": " + problem,
        help,
        List.of(),
        List.of(),
        List.of(text));
  }

  static Diagnostic unpairedSurrogate(String kind, String text, int at) {
    String printable = Literals.printable(text);
    return error(
        Code.SL012,
        "malformed "
            + kind
            + " "
            + q(printable)
            + ": "
            + Literals.describeUnpaired(text, at)
            + ", which has no UTF-8 encoding",
        "keys, patterns and globs are UTF-8 text in Redis, where half a surrogate pair would become"
            + " \"?\" and name another key: build the text from whole code points (never cut a"
            + " String between the two chars of a pair, such as an emoji)",
        List.of(),
        List.of(),
        List.of(printable));
  }

  static Diagnostic nonPositiveTtl(java.time.Duration ttl, String where) {
    return error(
        Code.SL012,
        "malformed TTL " + ttl + " (" + where + "): a time to live must be positive",
        "pass a positive Duration, e.g. Duration.ofSeconds(30); for no expiry give no TTL, and to"
            + " remove a key at once use del(key)",
        List.of(),
        List.of(),
        List.of());
  }

  /** SL012 for a pattern past the length limit; the message quotes only its start. */
  static Diagnostic patternTooLong(String text, int limit) {
    int shown = Math.min(40, text.length());
    if (shown > 0 && Character.isHighSurrogate(text.charAt(shown - 1))) {
      shown--; // never split a character
    }
    return error(
        Code.SL012,
        "malformed key pattern "
            + q(text.substring(0, shown) + "...")
            + ": "
            + text.length()
            + " characters, longer than the limit of "
            + limit,
        "name keys by a short prefix and holes, e.g. \"user:{id}:*\"; to drop one long key, call"
            + " del(key)",
        List.of(),
        List.of(),
        List.of(text));
  }

  static Diagnostic inComponent(Diagnostic d, String component, String where) {
    return new Diagnostic(
        d.rule(),
        d.severity(),
        d.message() + " (" + where + " of component " + q(component) + ")",
        d.help(),
        d.notes(),
        List.of(component),
        d.patterns());
  }

  static Diagnostic inCode(Diagnostic d, String codeName, String attribute) {
    return new Diagnostic(
        d.rule(),
        d.severity(),
        d.message() + " (" + attribute + " of " + codeName + ")",
        d.help(),
        d.notes(),
        d.components(),
        d.patterns());
  }

  static Diagnostic valueTypeWithoutOwnership(String component, String typeName) {
    return error(
        Code.SL014,
        "component " + q(component) + " declares @ValueType " + typeName + " but owns nothing",
        "declare the type on the component that owns the pattern; a borrower reads the owner's"
            + " type",
        List.of(),
        List.of(component),
        List.of());
  }

  static Diagnostic wrongValueType(String key, String component, String declared, String actual) {
    return error(
        Code.SL014,
        "value of type "
            + actual
            + " for "
            + q(key)
            + ", whose owner "
            + q(component)
            + " holds values of type "
            + declared,
        "write a " + declared + ", or change the @ValueType of " + q(component),
        List.of(),
        List.of(component),
        List.of());
  }

  static Diagnostic notAManifest(String className) {
    return error(
        Code.SL013,
        "class " + className + " is not a cache manifest",
        "annotate it with @CacheManifest, or build one with Manifest.builder()",
        List.of(),
        List.of(),
        List.of());
  }

  static Diagnostic unknownComponent(String name, Manifest manifest) {
    String known =
        manifest.components().stream().map(c -> q(c.name())).collect(Collectors.joining(", "));
    return error(
        Code.SL013,
        "no component named " + q(name) + " in manifest " + manifest.name(),
        known.isEmpty()
            ? "the manifest has no components yet: add a field for " + q(name)
            : "use the name of a component field: " + known,
        List.of(),
        List.of(name),
        List.of());
  }

  static Diagnostic duplicateComponent(String name) {
    return error(
        Code.SL013,
        "component " + q(name) + " is defined twice",
        "give each component its own name",
        List.of(),
        List.of(name),
        List.of());
  }

  // ---- manifest rules ----

  static Diagnostic overlappingOwnership(
      Component c, KeyPattern p, Component other, KeyPattern otherPattern) {
    return error(
        Code.SL001,
        "pattern "
            + q(p)
            + " of component "
            + q(c.name())
            + " overlaps "
            + q(otherPattern)
            + ", owned by "
            + q(other.name()),
        "give every key one owner: remove "
            + q(p)
            + " from @Owns of "
            + q(c.name())
            + " (it may @Borrows it), or narrow the patterns so that no key matches both",
        List.of(
            q(other.name()) + " owns " + q(otherPattern),
            "both match the key " + q(KeyPattern.sharedKey(p, otherPattern))),
        List.of(c.name(), other.name()),
        List.of(p.toString(), otherPattern.toString()));
  }

  static Diagnostic unownedPattern(
      String subject, @Nullable String component, String where, KeyPattern p) {
    return error(
        Code.SL005,
        where + " " + q(p) + " of " + subject + " is owned by no component",
        "add a component that owns it (@Owns(" + q(p) + ")), or remove it from " + where,
        List.of("no @Owns pattern of the manifest shares a key with " + q(p)),
        component == null ? List.of() : List.of(component),
        List.of(p.toString()));
  }

  static Diagnostic invalidationCycle(List<Component> cycle, List<String> notes) {
    return error(
        Code.SL006,
        "invalidation cycle: "
            + cycle.stream().map(c -> q(c.name())).collect(Collectors.joining(" -> ")),
        "break the cycle: remove one of these @Invalidates, or merge the components",
        notes,
        cycle.subList(0, cycle.size() - 1).stream()
            .map(Component::name)
            .collect(Collectors.toList()),
        List.of());
  }

  static Diagnostic componentLayerMissing(Component c, CacheLayer needed, Set<CacheLayer> layers) {
    String why =
        c.layer() == needed
            ? "it lives on " + needed
            : "its strategy " + c.strategy() + " needs " + needed;
    return error(
        Code.SL007,
        "component " + q(c.name()) + " needs the " + needed + " layer, which the application lacks",
        "add "
            + needed
            + " to @CacheManifest(layers = ...), or change the component's "
            + (c.layer() == needed ? "@Layer" : "@UseStrategy"),
        List.of(why, "the application's layers are " + layers),
        List.of(c.name()),
        List.of());
  }

  static Diagnostic globalConsistentOffServer(Component c) {
    return error(
        Code.SL008,
        "component "
            + q(c.name())
            + " is GLOBAL_CONSISTENT but lives on "
            + c.layer()
            + ", not SERVER",
        "move it to the server layer (@Layer(CacheLayer.SERVER)) or choose another strategy",
        List.of("GLOBAL_CONSISTENT data is never served from a copy that may be stale"),
        List.of(c.name()),
        List.of());
  }

  // ---- access rules ----

  static Diagnostic layerViewMissing(Rights rights, CacheLayer via, Set<CacheLayer> layers) {
    return error(
        Code.SL007,
        "layer view " + via + " used by " + rights.name() + " is not a layer of this application",
        "use one of " + layers + ", or add " + via + " to @CacheManifest(layers = ...)",
        List.of("the application's layers are " + layers),
        List.of(),
        List.of());
  }

  static Diagnostic strategyLayerMissing(
      Rights rights, Strategy strategy, CacheLayer needed, Manifest manifest) {
    return error(
        Code.SL007,
        "strategy " + strategy + " of " + rights.name() + " needs the " + needed + " layer",
        "add " + needed + " to @CacheManifest(layers = ...), or choose another strategy",
        List.of("the application's layers are " + manifest.layers()),
        List.of(),
        List.of());
  }

  static Diagnostic globalConsistentFollowsOffServer(Rights rights) {
    Component c = rights.follows().orElseThrow();
    return error(
        Code.SL008,
        rights.name()
            + " is GLOBAL_CONSISTENT but follows "
            + q(c.name())
            + ", which lives on "
            + c.layer(),
        "follow a SERVER component, or drop strategy = GLOBAL_CONSISTENT",
        List.of(),
        List.of(c.name()),
        List.of());
  }

  static Diagnostic incompatibleCall(Rights caller, String callee, Strategy calleeStrategy) {
    return error(
        Code.SL008,
        caller.name()
            + " ("
            + caller.strategy()
            + ") calls "
            + callee
            + " ("
            + calleeStrategy
            + ")",
        "GLOBAL_CONSISTENT and CLIENT_FIRST cannot be mixed: move the call out, or give both the"
            + " same strategy",
        List.of(
            "CLIENT_FIRST writes reach the owner later; GLOBAL_CONSISTENT code must never see that"),
        List.of(),
        List.of());
  }

  static Diagnostic scopedOutsideRequest(Rights rights, KeyShape key) {
    return error(
        Code.SL010,
        "scoped entry " + describe(key) + " outside a REQUEST lifetime",
        "annotate "
            + rights.name()
            + " with @CacheAccess(lifetime = Lifetime.REQUEST) and open"
            + " the scope in try-with-resources",
        List.of(rights.name() + " has lifetime " + rights.lifetime()),
        List.of(),
        List.of());
  }

  static Diagnostic scopeNeverClosed(Rights rights) {
    return error(
        Code.SL010,
        "request scope opened by " + rights.name() + " is never closed: its scoped entries leak",
        "open it in try-with-resources: try (RequestScope scope = cache.requestScope()) { ... }",
        List.of("a scope deletes its entries when it is closed, and only then"),
        List.of(),
        List.of());
  }

  static Diagnostic sessionWithoutCleanup(Rights rights, KeyShape key) {
    return error(
        Code.SL010,
        "session entry " + describe(key) + " written without a cleanup",
        "chain .withCleanup(fn) on the set, so the entry is removed when the session ends",
        List.of(rights.name() + " has lifetime SESSION"),
        List.of(),
        List.of());
  }

  static Diagnostic plainAccessToStreaming(
      Rights rights, Operation operation, KeyShape key, OwnerIndex.Entry owner) {
    boolean write = operation.isWrite();
    return error(
        Code.SL009,
        "plain "
            + (write ? "write of " : "read of ")
            + describe(key)
            + ", which belongs to streaming component "
            + q(owner.owner.name()),
        write
            ? "write it in chunks with setStream(key, inputStream)"
            : "read it in chunks with stream(key)",
        List.of(
            q(owner.owner.name())
                + " is @Streaming with chunks of "
                + owner.owner.streamingChunkBytes().orElse(0)
                + " bytes"),
        List.of(owner.owner.name()),
        List.of(owner.pattern.toString()));
  }

  static Diagnostic layerViolation(
      Rights rights, KeyShape key, CacheLayer via, OwnerIndex.Entry owner) {
    Component c = owner.owner;
    return error(
        Code.SL004,
        "write to "
            + describe(key)
            + " through the "
            + via
            + " layer, but its owner "
            + q(c.name())
            + " lives on "
            + c.layer(),
        "write through the owner's layer: drop .layer("
            + via
            + ") so the write is routed, or use"
            + " .layer("
            + c.layer()
            + ")",
        List.of(q(owner.pattern) + " is owned by " + q(c.name()) + " on " + c.layer()),
        List.of(c.name()),
        List.of(owner.pattern.toString()));
  }

  static Diagnostic borrowedWrite(
      Rights rights, KeyShape key, KeyPattern borrowed, OwnerIndex.@Nullable Entry owner) {
    List<String> notes = new ArrayList<>();
    notes.add(rights.name() + " borrows " + q(borrowed));
    if (owner != null) {
      notes.add(q(owner.pattern) + " is owned by " + q(owner.owner.name()));
    }
    return error(
        Code.SL002,
        "write to borrowed pattern " + q(borrowed) + " (" + describe(key) + ")",
        "borrowed data is read-only: move the write into code that owns it"
            + (owner == null ? "" : " (@CacheAccess(follows = " + q(owner.owner.name()) + "))")
            + ", or declare owns = "
            + q(borrowed)
            + " if this code is its owner",
        notes,
        owner == null ? List.of() : List.of(owner.owner.name()),
        owner == null
            ? List.of(borrowed.toString())
            : List.of(borrowed.toString(), owner.pattern.toString()));
  }

  static Diagnostic notOwnedByCode(Rights rights, KeyShape key, OwnerIndex.Entry owner) {
    return error(
        Code.SL003,
        "write to " + describe(key) + ", which " + rights.name() + " does not own",
        "declare it: @CacheAccess(owns = "
            + q(owner.pattern)
            + ") or follows = "
            + q(owner.owner.name())
            + ", or move the write into its owner's code",
        List.of(q(owner.pattern) + " is owned by " + q(owner.owner.name())),
        List.of(owner.owner.name()),
        List.of(owner.pattern.toString()));
  }

  static Diagnostic unownedKey(Rights rights, KeyShape key) {
    return error(
        Code.SL003,
        "write to " + describe(key) + ", which no component owns",
        "add a component that owns it to the manifest (@Owns), declare owns on "
            + rights.name()
            + ", or use Strategy.REDIS_COMPATIBLE for code that has no manifest yet",
        List.of(),
        List.of(),
        List.of());
  }

  static Diagnostic atomicWithoutExclusive(
      Rights rights, KeyShape key, Rights.@Nullable Grant grant, OwnerIndex.@Nullable Entry owner) {
    String pattern =
        owner != null ? owner.pattern.toString() : grant != null ? grant.pattern.toString() : null;
    List<String> notes = new ArrayList<>();
    if (grant != null) {
      notes.add(rights.name() + " only borrows " + q(grant.pattern));
    }
    if (owner != null) {
      notes.add(q(owner.pattern) + " is owned by " + q(owner.owner.name()));
    }
    return error(
        Code.SL011,
        "atomicUpdate of " + describe(key) + " without exclusive access or ownership",
        "declare @CacheAccess(exclusive = "
            + q(pattern == null ? "..." : pattern)
            + ") or owns it, so no other writer can interleave",
        notes,
        owner == null ? List.of() : List.of(owner.owner.name()),
        pattern == null ? List.of() : List.of(pattern));
  }
}
