package dev.stateless.core;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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

  static Diagnostic wrongReadType(String key, String component, String declared, String asked) {
    return error(
        Code.SL014,
        "read of "
            + q(key)
            + " as "
            + asked
            + ", whose owner "
            + q(component)
            + " holds values of type "
            + declared,
        "read it as a "
            + declared
            + " (or a supertype), or change the @ValueType of "
            + q(component),
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

  // ---- SL012 / SL013: manifest files (docs/manifest-file.md) ----

  /** A finding placed at a line of a manifest file: {@code app.yaml:4:12: message}. */
  static Diagnostic atLine(Diagnostic d, String where) {
    return new Diagnostic(
        d.rule(),
        d.severity(),
        where + ": " + d.message(),
        d.help(),
        d.notes(),
        d.components(),
        d.patterns());
  }

  private static Diagnostic badLine(String where, String problem, String help) {
    return error(Code.SL012, where + ": " + problem, help, List.of(), List.of(), List.of());
  }

  private static final String FIRST_COMPONENT =
      "declare at least one component: a line \"components:\", the component's name indented"
          + " under it (\"  users:\") and its settings indented under the name"
          + " (\"    owns: user:*\")";

  static Diagnostic emptyManifestFile(String where) {
    return badLine(where, "the manifest file is empty", FIRST_COMPONENT);
  }

  static Diagnostic noComponents(String where) {
    return badLine(where, "the manifest file declares no components", FIRST_COMPONENT);
  }

  static Diagnostic notUtf8(String where, int badByte) {
    return badLine(
        where,
        String.format(Locale.ROOT, "the file is not UTF-8 text (byte 0x%02X)", badByte),
        "save the manifest file as UTF-8");
  }

  static Diagnostic tabCharacter(String where, boolean indentation) {
    return indentation
        ? badLine(
            where,
            "tab in the indentation",
            "indent with spaces (YAML does not allow tabs), the same number for every key of a"
                + " block")
        : badLine(
            where,
            "tab character",
            "separate with spaces; in a double-quoted value write a tab as \\t");
  }

  static Diagnostic controlCharacter(String where, char c) {
    return badLine(
        where,
        String.format(Locale.ROOT, "control character U+%04X", (int) c),
        "remove it: a manifest file is printable text; in a double-quoted value write it as an"
            + " escape such as \\u0007");
  }

  static Diagnostic documentMarker(String where, String marker) {
    return badLine(
        where,
        marker.equals("---") ? "a second YAML document (\"---\")" : "a YAML document end (\"...\")",
        "keep one manifest per file; \"---\" may only open it, before the first key");
  }

  static Diagnostic topLevelIndented(String where, int spaces) {
    return badLine(
        where,
        "the first key is indented " + spaces + (spaces == 1 ? " space" : " spaces"),
        "start the top-level keys (name, layers, components) at the first column");
  }

  static Diagnostic unexpectedIndentation(String where, int found, int expected) {
    return badLine(
        where,
        "indented "
            + found
            + (found == 1 ? " space" : " spaces")
            + " where the keys of this block are indented "
            + expected,
        "indent the line like the keys above it ("
            + expected
            + "), or put it under a key that has no value on its own line; a value does not"
            + " continue on the next line");
  }

  static Diagnostic expectedKey(String where, String text) {
    return badLine(
        where,
        "expected \"key: value\", found " + q(text),
        "write the key, a colon and a space, then the value: \"ttl: 10m\"; a key alone on its"
            + " line (\"owns:\") takes the indented lines below it");
  }

  static Diagnostic unexpectedListItem(String where) {
    return badLine(
        where,
        "a list item (\"- ...\") where a key was expected",
        "put list items under a key that has no value on its line: \"owns:\", then \"- user:*\""
            + " on the next line, or write the list on one line: \"owns: [user:*, session:*]\"");
  }

  static Diagnostic emptyListItem(String where) {
    return badLine(
        where,
        "a list item with no value",
        "write a value after \"- \", or remove the line (in [a, b] lists: the extra comma)");
  }

  static Diagnostic nestedList(String where) {
    return badLine(
        where,
        "a list inside a list",
        "write the items one per line (\"- user:*\"), or all on the key's line: \"owns: [user:*,"
            + " session:*]\"");
  }

  static Diagnostic unclosedList(String where) {
    return badLine(
        where,
        "the list is not closed with \"]\"",
        "close it on the same line, or write one \"- item\" line per item under the key");
  }

  static Diagnostic flowIndicatorInItem(String where, String item, char c) {
    return badLine(
        where,
        "\"" + c + "\" in the list item " + q(item),
        "quote items that hold { } [ ] or ? in a [a, b] list: "
            + ManifestFileSyntax.doubleQuoted(item)
            + ", or write one \"- "
            + item
            + "\" line per item");
  }

  static Diagnostic unclosedQuote(String where, char quote) {
    return badLine(
        where,
        "the quoted value is not closed",
        "close it with " + quote + " on the same line: a value does not continue on the next line");
  }

  static Diagnostic badEscape(String where, String escape) {
    return badLine(
        where,
        q(escape) + " is not an escape of a double-quoted value",
        "write \\\\ for a backslash (a pattern's \\* is \"user:\\\\*\"), or use single quotes,"
            + " where a backslash is itself ('user:\\*'); the escapes are \\\\ \\\" \\/ \\t \\n"
            + " \\r \\0 \\xHH \\uHHHH \\UHHHHHHHH");
  }

  static Diagnostic textAfterValue(String where, String value, String rest) {
    return badLine(
        where,
        "unexpected " + q(rest) + " after the value " + q(value),
        "end the line after the value, or start a comment with \" #\"; a list is written [a, b]");
  }

  static Diagnostic colonInValue(String where, String value) {
    return badLine(
        where,
        "the value " + q(value) + " holds \": \" or ends with \":\", which YAML reads as a key",
        "quote the value: " + ManifestFileSyntax.doubleQuoted(value));
  }

  static Diagnostic yamlIndicator(String where, String value, char c) {
    String meaning =
        switch (c) {
          case '*' -> "a YAML alias";
          case '&' -> "a YAML anchor";
          case '!' -> "a YAML tag";
          case '|', '>' -> "a YAML block of text";
          case '{' -> "a YAML mapping written on one line";
          case '-' -> "a YAML list item";
          case '?' -> "a YAML complex key";
          case '%' -> "a YAML directive";
          default -> "YAML syntax";
        };
    return badLine(
        where,
        "the value " + q(value) + " starts with \"" + c + "\", which is " + meaning,
        "quote the value: "
            + ManifestFileSyntax.doubleQuoted(value)
            + " (patterns that start with * or a {hole} are always quoted)");
  }

  static Diagnostic unknownKey(
      String where,
      String key,
      @Nullable String component,
      List<String> known,
      @Nullable String suggestion) {
    return badLine(
        where,
        "unknown key "
            + q(key)
            + (component == null ? " in the manifest" : " in component " + q(component)),
        (suggestion == null ? "" : "did you mean " + q(suggestion) + "? ")
            + (component == null ? "the manifest's keys are " : "a component's keys are ")
            + String.join(", ", known));
  }

  static Diagnostic misplacedKey(String where, String key, boolean componentKey) {
    return componentKey
        ? badLine(
            where,
            q(key) + " is a component's key, at the top level of the manifest",
            "indent it under a component's name, below \"components:\"")
        : badLine(
            where,
            q(key) + " is a key of the manifest, inside a component",
            "move it to the top level, at the first column");
  }

  static Diagnostic duplicateKey(String where, String key, String first, int firstLine) {
    return badLine(
        where,
        q(key)
            + " is given twice (first on line "
            + firstLine
            + (first.equals(key) ? "" : " as " + q(first))
            + ")",
        "keep one; to give a key several values write a list: \"owns: [user:*, session:*]\"");
  }

  static Diagnostic duplicateComponentAt(String where, String name, String firstWhere) {
    return atLine(
        duplicateComponent(name)
            .withNotes(
                List.of("component " + q(name) + " is first declared here (" + firstWhere + ")")),
        where);
  }

  static Diagnostic missingValue(String where, String key, String example) {
    return badLine(
        where,
        q(key) + " has no value",
        "write the value after the colon (\"" + example + "\"), or remove the key");
  }

  static Diagnostic noSettings(String where, String component) {
    return badLine(
        where,
        "component " + q(component) + " has no settings",
        "indent its settings under its name, one per line: \"owns: user:*\"");
  }

  static Diagnostic wrongShape(
      String where, String key, String expected, String found, String example) {
    return badLine(where, q(key) + " takes " + expected + ", not " + found, "write " + q(example));
  }

  static Diagnostic emptyValue(String where, String key, String example) {
    return badLine(where, "the value of " + q(key) + " is empty", "write " + q(example));
  }

  static Diagnostic unknownName(String where, String kind, String text, List<String> valid) {
    return badLine(
        where, "unknown " + kind + " " + q(text), "use one of " + String.join(", ", valid));
  }

  static Diagnostic duplicateLayer(String where, String layer, int firstLine) {
    return badLine(
        where,
        "layer " + q(layer) + " is listed twice" + " (first on line " + firstLine + ")",
        "list each layer once, e.g. \"layers: [client, edge, server]\"");
  }

  static Diagnostic notBoolean(String where, String key, String text) {
    return badLine(
        where,
        q(key) + " takes true or false, not " + q(text),
        "write \"" + key + ": true\", or \"" + key + ": false\" (also what leaving it out means)");
  }

  /** The note that places a component of a manifest file, as the checker places a field. */
  static String declaredHere(String component, String where) {
    return "component " + q(component) + " is declared here (" + where + ")";
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

  /** SL003: a key whose every value is written without the right, for different reasons. */
  static Diagnostic noKeyWritable(Rights rights, KeyShape key, List<Diagnostic> reasons) {
    List<String> notes = new ArrayList<>();
    Set<String> components = new LinkedHashSet<>();
    Set<String> patterns = new LinkedHashSet<>();
    // Borrowed first, then others' keys, then nobody's: the order does not depend on the walk's.
    List<Diagnostic> ordered = new ArrayList<>(reasons);
    ordered.sort(
        Comparator.comparingInt(
                (Diagnostic d) -> d.rule() == Code.SL002 ? 0 : d.components().isEmpty() ? 2 : 1)
            .thenComparing(d -> String.join(",", d.patterns())));
    for (Diagnostic d : ordered) {
      String note;
      if (d.rule() == Code.SL002) {
        note =
            "it may be a key of "
                + q(d.patterns().get(0))
                + ", which "
                + rights.name()
                + " borrows";
      } else if (!d.components().isEmpty()) {
        note =
            "it may be a key of "
                + q(d.patterns().get(0))
                + ", owned by "
                + q(d.components().get(0));
      } else {
        note = "it may be a key no component owns";
      }
      if (!notes.contains(note)) {
        notes.add(note);
      }
      components.addAll(d.components());
      patterns.addAll(d.patterns());
    }
    return error(
        Code.SL003,
        "write to " + describe(key) + ", none of whose keys " + rights.name() + " may write",
        "build the key from constants and typed ids so that it names one pattern, and declare owns"
            + " for it on "
            + rights.name()
            + " (or move the write into its owner's code)",
        notes,
        List.copyOf(components),
        List.copyOf(patterns));
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
