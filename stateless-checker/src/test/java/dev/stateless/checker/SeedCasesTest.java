package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.stateless.checker.CheckedSources.assertNoDiagnostics;
import static dev.stateless.checker.CheckedSources.compile;
import static dev.stateless.checker.CheckedSources.manifest;
import static dev.stateless.checker.CheckedSources.manifestWithout;
import static dev.stateless.checker.CheckedSources.service;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The twelve "required cases" of issue 5: the seeds' examples (seed 003) in Java, each compiled
 * with the checker, asserting the code and the line of every finding, and the legal half of each
 * case compiling with no diagnostic.
 */
class SeedCasesTest {

  @Test
  void seedManifest_keepsEveryManifestRule() {
    assertNoDiagnostics(compile(manifest()));
  }

  /** Case 1: single owner for each cache pattern. */
  @Nested
  class OverlappingOwnership {
    @Test
    void owns_patternInsideAnotherOwnersPattern_isSL001OnTheLaterComponent() {
      JavaFileObject m =
          manifest(
              "@CacheManifest",
              "  @Owns(\"user:*\") Object users;",
              "  @Owns(\"user:profile\") Object profiles;");
      Compilation c = compile(m);
      assertThat(c).failed();
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL001]: pattern \"user:profile\" of component \"profiles\" overlaps"
                  + " \"user:*\", owned by \"users\"")
          .inFile(m)
          .onLineContaining("Object profiles");
    }

    @Test
    void owns_overlap_noteOnTheOtherOwnersDeclaration() {
      JavaFileObject m =
          manifest(
              "@CacheManifest",
              "  @Owns(\"user:*\") Object users;",
              "  @Owns(\"user:profile\") Object profiles;");
      Compilation c = compile(m);
      assertThat(c)
          .hadNoteContaining("\"users\" is declared here")
          .inFile(m)
          .onLineContaining("Object users");
      assertThat(c)
          .hadErrorContaining("= note: \"users\" is declared here (AppCache.java:7)")
          .inFile(m)
          .onLineContaining("Object profiles");
    }

    @Test
    void owns_disjointShapes_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(
                  "@CacheManifest",
                  "  @Owns(\"user:{id}\") Object users;",
                  "  @Owns(\"user:{id}:profile\") Object profiles;")));
    }
  }

  /** Case 2: borrowed data is read-only. */
  @Nested
  class BorrowedWrite {
    final JavaFileObject borrower =
        service(
            "ProductService",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void updateProduct(String data) {",
            "    cache.get(\"product:1\");",
            "    cache.set(\"product:1\", data);",
            "  }");

    @Test
    void write_toBorrowedPattern_isSL002() {
      JavaFileObject m = manifest();
      Compilation c = compile(m, borrower);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining("error[SL002]: write to borrowed pattern \"product:*\"")
          .inFile(borrower)
          .onLineContaining("cache.set(");
    }

    @Test
    void write_toBorrowedPattern_notesTheOwnerAndTheBorrow() {
      JavaFileObject m = manifest();
      Compilation c = compile(m, borrower);
      assertThat(c)
          .hadNoteContaining("component \"catalog\" is declared here")
          .inFile(m)
          .onLineContaining("Object catalog");
      assertThat(c)
          .hadNoteContaining("ProductService.updateProduct declares its rights here")
          .inFile(borrower)
          .onLineContaining("@CacheAccess(borrows");
      assertThat(c).hadErrorContaining("= help: borrowed data is read-only");
    }

    @Test
    void write_byTheOwner_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "ProductService",
                  "  @CacheAccess(owns = \"product:*\")",
                  "  void updateProduct(String data) {",
                  "    cache.set(\"product:1\", data);",
                  "  }",
                  "  @CacheAccess(follows = \"catalog\")",
                  "  void updateFollowing(String data) {",
                  "    cache.set(\"product:1\", data);",
                  "  }")));
    }
  }

  /** Case 3: cache thrashing, user data is client-primary. */
  @Nested
  class Thrashing {
    @Test
    void write_fromServerLayer_toClientPrimaryData_isSL004() {
      JavaFileObject backend =
          service(
              "Backend",
              "  @CacheAccess(follows = \"userData\")",
              "  void backendCache(String data) {",
              "    cache.layer(CacheLayer.SERVER).set(\"user:123\", data);",
              "  }");
      JavaFileObject m = manifest();
      Compilation c = compile(m, backend);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL004]: write to key \"user:123\" through the SERVER layer, but its owner"
                  + " \"userData\" lives on CLIENT")
          .inFile(backend)
          .onLineContaining("set(\"user:123\"");
      assertThat(c)
          .hadNoteContaining("component \"userData\" is declared here")
          .inFile(m)
          .onLineContaining("Object userData");
    }

    @Test
    void write_fromClientLayerOrRouted_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Frontend",
                  "  @CacheAccess(follows = \"userData\")",
                  "  void frontendCache(String data) {",
                  "    cache.layer(CacheLayer.CLIENT).set(\"user:123\", data);",
                  "    cache.set(\"user:123\", data);",
                  "  }")));
    }
  }

  /** Case 4: redundant caching, the catalog is edge-primary. */
  @Nested
  class Redundancy {
    @Test
    void write_ofEdgeData_throughClientLayer_byBorrower_isSL004() {
      JavaFileObject reader =
          service(
              "ProductReader",
              "  @CacheAccess(borrows = \"products:*\")",
              "  void readProducts(Object catalog) {",
              "    cache.layer(CacheLayer.CLIENT).set(\"products:all\", catalog);",
              "  }");
      Compilation c = compile(manifest(), reader);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining("error[SL004]")
          .inFile(reader)
          .onLineContaining("set(\"products:all\"");
      assertThat(c).hadErrorContaining("its owner \"productCache\" lives on EDGE");
    }

    @Test
    void read_byBorrower_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "ProductReader",
                  "  @CacheAccess(borrows = \"products:*\")",
                  "  Object readProducts() {",
                  "    return cache.sync().get(\"products:all\");",
                  "  }")));
    }
  }

  /** Case 5: writes invalidate declared dependents, which must have owners. */
  @Nested
  class Dependents {
    final JavaFileObject updater =
        service(
            "UserService",
            "  @CacheAccess(owns = \"user:*\", invalidates = {\"profile:*\", \"settings:*\"})",
            "  void updateUser(int id, Object user) {",
            "    cache.set(String.format(\"user:%d\", id), user);",
            "  }");

    @Test
    void invalidates_ownedDependents_compiles() {
      assertNoDiagnostics(compile(manifest(), updater));
    }

    @Test
    void invalidates_patternNobodyOwns_isSL005() {
      Compilation c = compile(manifestWithout("settings"), updater);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL005]: invalidates \"settings:*\" of UserService.updateUser is owned by no"
                  + " component")
          .inFile(updater)
          .onLineContaining("invalidates = {");
    }
  }

  /** Case 5, borrowing: a borrowed pattern must have an owner too. */
  @Test
  void borrows_patternNobodyOwns_isSL005() {
    JavaFileObject reader =
        service(
            "Reader",
            "  @CacheAccess(borrows = \"nobody:*\")",
            "  void read() {",
            "    cache.get(\"nobody:1\");",
            "  }");
    Compilation c = compile(manifest(), reader);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL005]: borrows \"nobody:*\" of Reader.read is owned by no component")
        .inFile(reader)
        .onLineContaining("@CacheAccess(borrows");
  }

  /** Case 6: network bandwidth waste, videos are streamed. */
  @Nested
  class Streaming {
    @Test
    void plainGet_ofStreamingData_isSL009() {
      JavaFileObject player =
          service(
              "Player",
              "  @CacheAccess(follows = \"videoCache\")",
              "  void playVideo() {",
              "    cache.get(\"video:123\");",
              "  }");
      Compilation c = compile(manifest(), player);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL009]: plain read of key \"video:123\", which belongs to streaming"
                  + " component \"videoCache\"")
          .inFile(player)
          .onLineContaining("cache.get(");
    }

    @Test
    void stream_ofStreamingData_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Player",
                  "  @CacheAccess(follows = \"videoCache\")",
                  "  void playVideo() {",
                  "    cache.stream(\"video:123\");",
                  "    cache.sync().stream(\"video:124\");",
                  "  }")));
    }
  }

  /** Case 7: cold start, prefetched patterns must have owners. */
  @Nested
  class Prefetch {
    @Test
    void prefetch_ofOwnedPattern_withBackfill_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Warmer",
                  "  @CacheAccess(follows = \"dataCache\")",
                  "  void initCache() {",
                  "    cache.get(\"popular:1\");",
                  "  }")));
    }

    @Test
    void prefetch_ofUnownedPattern_isSL005() {
      JavaFileObject m =
          manifest(
              "@CacheManifest",
              "  @Owns(\"user:*\") Object userData;",
              "  @Prefetch(\"trending:*\") @Backfill @Owns(\"popular:*\") Object dataCache;");
      Compilation c = compile(m);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL005]: @Prefetch \"trending:*\" of component \"dataCache\" is owned by no"
                  + " component")
          .inFile(m)
          .onLineContaining("Object dataCache");
    }
  }

  /** Case 8: lifetimes, scoped and session entries. */
  @Nested
  class Lifetimes {
    @Test
    void setScoped_outsideRequestLifetime_isSL010() {
      JavaFileObject handler =
          service(
              "Handler",
              "  @CacheAccess",
              "  void handleRequest(Object data) {",
              "    try (RequestScope scope = cache.requestScope()) {",
              "      scope.setScoped(\"req:123\", data);",
              "    }",
              "  }");
      Compilation c = compile(manifest(), handler);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL010]: scoped entry key \"req:123\" outside a REQUEST lifetime")
          .inFile(handler)
          .onLineContaining("scope.setScoped(");
    }

    @Test
    void setScoped_inRequestLifetime_withTryWithResources_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Handler",
                  "  @CacheAccess(lifetime = Lifetime.REQUEST)",
                  "  void handleRequest(Object data) {",
                  "    try (RequestScope scope = cache.requestScope()) {",
                  "      scope.setScoped(\"req:123\", data);",
                  "    }",
                  "  }")));
    }

    @Test
    void set_inSessionLifetime_withoutCleanup_isSL010() {
      JavaFileObject session =
          service(
              "Sessions",
              "  @CacheAccess(owns = \"session:*\", lifetime = Lifetime.SESSION)",
              "  void handleSession(Object data) {",
              "    cache.set(\"session:123\", data);",
              "  }");
      Compilation c = compile(manifest(), session);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL010]: session entry key \"session:123\" written without a cleanup")
          .inFile(session)
          .onLineContaining("cache.set(");
    }

    @Test
    void set_inSessionLifetime_withCleanup_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Sessions",
                  "  @CacheAccess(owns = \"session:*\", lifetime = Lifetime.SESSION)",
                  "  void handleSession(Object data, Runnable cleanupFn) {",
                  "    cache.set(\"session:123\", data).withCleanup(cleanupFn);",
                  "  }")));
    }

    @Test
    void set_throughSessionView_withoutCleanup_isSL010() {
      JavaFileObject session =
          service(
              "Sessions",
              "  @CacheAccess(owns = \"session:*\")",
              "  void handleSession(Object data) {",
              "    try (StatelessCache s = cache.session()) {",
              "      s.set(\"session:123\", data);",
              "      s.set(\"session:124\", data).withCleanup(() -> {});",
              "    }",
              "  }");
      Compilation c = compile(manifest(), session);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining("error[SL010]")
          .inFile(session)
          .onLineContaining("s.set(\"session:123\"");
    }
  }

  /** Case 9: cross-layer race conditions, read-modify-write needs exclusive access. */
  @Nested
  class AtomicUpdate {
    @Test
    void atomicUpdate_withExclusive_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Users",
                  "  @CacheAccess(exclusive = \"user:*\")",
                  "  void updateUser() {",
                  "    cache.<String>atomicUpdate(\"user:123\", u -> u == null ? \"new\" : u);",
                  "  }")));
    }

    @Test
    void atomicUpdate_withOwnership_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Users",
                  "  @CacheAccess(owns = \"user:*\")",
                  "  void updateUser() {",
                  "    cache.<String>atomicUpdate(\"user:123\", u -> u == null ? \"new\" : u);",
                  "  }")));
    }

    @Test
    void atomicUpdate_withOnlyBorrows_isSL011() {
      JavaFileObject users =
          service(
              "Users",
              "  @CacheAccess(borrows = \"user:*\")",
              "  void updateUser() {",
              "    cache.<String>atomicUpdate(\"user:123\", u -> u == null ? \"new\" : u);",
              "  }");
      Compilation c = compile(manifest(), users);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL011]: atomicUpdate of key \"user:123\" without exclusive access or"
                  + " ownership")
          .inFile(users)
          .onLineContaining("atomicUpdate(");
    }
  }

  /** Case 10: strategy rules. */
  @Nested
  class Strategies {
    final JavaFileObject offline =
        service(
            "Offline",
            "  @CacheAccess(strategy = Strategy.CLIENT_FIRST)",
            "  void offlineCapable() {}",
            "  @CacheAccess(strategy = Strategy.GLOBAL_CONSISTENT)",
            "  void realTimeHelper() {}");

    @Test
    void globalConsistent_callingClientFirst_isSL008() {
      JavaFileObject realTime =
          service(
              "RealTime",
              "  Offline offline;",
              "  @CacheAccess(strategy = Strategy.GLOBAL_CONSISTENT)",
              "  void realTime() {",
              "    offline.offlineCapable();",
              "  }");
      Compilation c = compile(manifest(), offline, realTime);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL008]: RealTime.realTime (GLOBAL_CONSISTENT) calls Offline.offlineCapable"
                  + " (CLIENT_FIRST)")
          .inFile(realTime)
          .onLineContaining("offline.offlineCapable()");
      assertThat(c)
          .hadNoteContaining("Offline.offlineCapable is CLIENT_FIRST here")
          .inFile(offline)
          .onLineContaining("Strategy.CLIENT_FIRST");
    }

    @Test
    void clientFirst_callingGlobalConsistent_isSL008() {
      JavaFileObject caller =
          service(
              "Caller",
              "  Offline offline;",
              "  @CacheAccess(strategy = Strategy.CLIENT_FIRST)",
              "  void offlineFirst() {",
              "    offline.realTimeHelper();",
              "  }");
      Compilation c = compile(manifest(), offline, caller);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining("error[SL008]")
          .inFile(caller)
          .onLineContaining("offline.realTimeHelper()");
    }

    @Test
    void globalConsistent_callingFollowerOfClientFirstComponent_isSL008() {
      JavaFileObject code =
          service(
              "RealTime",
              "  @CacheAccess(follows = \"drafts\")",
              "  void saveDraft() {}",
              "  @CacheAccess(strategy = Strategy.GLOBAL_CONSISTENT)",
              "  void realTime() {",
              "    saveDraft();",
              "  }");
      Compilation c = compile(manifest(), code);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL008]: RealTime.realTime (GLOBAL_CONSISTENT) calls RealTime.saveDraft"
                  + " (CLIENT_FIRST)")
          .inFile(code)
          .onLineContaining("saveDraft();");
    }

    @Test
    void globalConsistent_writingWithClientFirstStrategy_isSL008() {
      JavaFileObject code =
          service(
              "RealTime",
              "  @CacheAccess(follows = \"accounts\")",
              "  void realTime(Object v) {",
              "    cache.setWithStrategy(\"account:1\", v, Strategy.CLIENT_FIRST);",
              "  }");
      Compilation c = compile(manifest(), code);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL008]: RealTime.realTime (GLOBAL_CONSISTENT) calls a CLIENT_FIRST write")
          .inFile(code)
          .onLineContaining("setWithStrategy(");
    }

    @Test
    void sameStrategies_calling_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              offline,
              service(
                  "RealTime",
                  "  Offline offline;",
                  "  @CacheAccess(strategy = Strategy.GLOBAL_CONSISTENT)",
                  "  void realTime() {",
                  "    offline.realTimeHelper();",
                  "  }",
                  "  @CacheAccess(strategy = Strategy.CLIENT_FIRST)",
                  "  void offlineToo() {",
                  "    offline.offlineCapable();",
                  "  }")));
    }

    @Test
    void clientFirstComponent_inManifestWithoutClient_isSL007() {
      JavaFileObject m =
          manifest(
              "@CacheManifest(layers = {CacheLayer.EDGE, CacheLayer.SERVER})",
              "  @Owns(\"user:*\") Object userData;",
              "  @UseStrategy(Strategy.CLIENT_FIRST) @Owns(\"draft:*\") Object drafts;");
      Compilation c = compile(m);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL007]: component \"drafts\" needs the CLIENT layer, which the application"
                  + " lacks")
          .inFile(m)
          .onLineContaining("Object drafts");
    }

    @Test
    void clientFirstCode_inManifestWithoutClient_isSL007() {
      JavaFileObject m =
          manifest(
              "@CacheManifest(layers = {CacheLayer.EDGE, CacheLayer.SERVER})",
              "  @Owns(\"user:*\") Object userData;");
      JavaFileObject code =
          service(
              "Offline",
              "  @CacheAccess(owns = \"user:*\", strategy = Strategy.CLIENT_FIRST)",
              "  void offlineCapable() {}");
      Compilation c = compile(m, code);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL007]: strategy CLIENT_FIRST of Offline.offlineCapable needs the CLIENT"
                  + " layer")
          .inFile(code)
          .onLineContaining("strategy = Strategy.CLIENT_FIRST");
    }

    @Test
    void clientFirst_inManifestWithClient_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Offline",
                  "  @CacheAccess(owns = \"user:*\", strategy = Strategy.CLIENT_FIRST)",
                  "  void offlineCapable() {}")));
    }
  }

  /** Case 11: atomic batches are checked write by write. */
  @Nested
  class AtomicBatch {
    @Test
    void atomicBatch_inOwner_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(),
              service(
                  "Users",
                  "  @CacheAccess(owns = \"user:*\")",
                  "  void save(Object d1, Object d2) {",
                  "    cache.atomicBatch(tx -> {",
                  "      tx.set(\"user:123\", d1);",
                  "      tx.set(\"user:123:prefs\", d2);",
                  "    });",
                  "  }")));
    }

    @Test
    void atomicBatch_inBorrower_isSL002AtEachTxSet() {
      JavaFileObject users =
          service(
              "Users",
              "  @CacheAccess(borrows = \"user:*\")",
              "  void save(Object d1, Object d2) {",
              "    cache.atomicBatch(tx -> {",
              "      tx.set(\"user:123\", d1);",
              "      tx.set(\"user:123:prefs\", d2);",
              "    });",
              "  }");
      Compilation c = compile(manifest(), users);
      assertThat(c).hadErrorCount(2);
      assertThat(c)
          .hadErrorContaining(
              "error[SL002]: write to borrowed pattern \"user:*\" (key \"user:123\")")
          .inFile(users)
          .onLineContaining("tx.set(\"user:123\",");
      assertThat(c)
          .hadErrorContaining(
              "error[SL002]: write to borrowed pattern \"user:*\" (key \"user:123:prefs\")")
          .inFile(users)
          .onLineContaining("tx.set(\"user:123:prefs\"");
    }
  }

  /** Case 12: invalidation must not loop. */
  @Nested
  class InvalidationCycle {
    @Test
    void invalidates_twoComponentsInACycle_isSL006NamingTheCycle() {
      JavaFileObject m =
          manifest(
              "@CacheManifest",
              "  @Owns(\"order:*\") @Invalidates(\"cart:*\") Object orders;",
              "  @Owns(\"cart:*\") @Invalidates(\"order:*\") Object carts;");
      Compilation c = compile(m);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL006]: invalidation cycle: \"orders\" -> \"carts\" -> \"orders\"")
          .inFile(m)
          .onLineContaining("Object orders");
      assertThat(c)
          .hadNoteContaining("\"carts\" is part of the cycle")
          .inFile(m)
          .onLineContaining("Object carts");
    }

    @Test
    void invalidates_threeComponentsInACycle_namesEveryMember() {
      JavaFileObject m =
          manifest(
              "@CacheManifest",
              "  @Owns(\"a:*\") @Invalidates(\"b:*\") Object first;",
              "  @Owns(\"b:*\") @Invalidates(\"c:*\") Object second;",
              "  @Owns(\"c:*\") @Invalidates(\"a:*\") Object third;");
      Compilation c = compile(m);
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "invalidation cycle: \"first\" -> \"second\" -> \"third\" -> \"first\"")
          .inFile(m)
          .onLineContaining("Object first");
      assertThat(c)
          .hadNoteContaining("\"second\" is part of the cycle")
          .inFile(m)
          .onLineContaining("Object second");
      assertThat(c)
          .hadNoteContaining("\"third\" is part of the cycle")
          .inFile(m)
          .onLineContaining("Object third");
    }

    @Test
    void invalidates_chainWithoutCycle_compiles() {
      assertNoDiagnostics(
          compile(
              manifest(
                  "@CacheManifest",
                  "  @Owns(\"order:*\") @Invalidates(\"cart:*\") Object orders;",
                  "  @Owns(\"cart:*\") @Invalidates(\"total:*\") Object carts;",
                  "  @Owns(\"total:*\") Object totals;")));
    }
  }
}
