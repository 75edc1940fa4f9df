package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

  /** The seeds' borrow-checker manifest, built without annotations. */
  private static final Manifest SEED =
      Manifest.builder("Seed")
          .component(
              Component.builder("userData")
                  .layer(CacheLayer.CLIENT)
                  .owns("user:*")
                  .invalidates("profile:*", "settings:*")
                  .build())
          .component(Component.builder("profiles").owns("profile:*").build())
          .component(Component.builder("settings").owns("settings:*").build())
          .component(
              Component.builder("productCache")
                  .layer(CacheLayer.EDGE)
                  .owns("products:*", "product:*")
                  .maxSize("50MB")
                  .build())
          .component(
              Component.builder("videoCache")
                  .layer(CacheLayer.EDGE)
                  .streaming("1MB")
                  .owns("video:*")
                  .build())
          .component(Component.builder("posts").owns("post:{id}:body").build())
          .build();

  private static Rights.Builder code() {
    return Rights.builder(SEED).name("method m");
  }

  private static KeyShape key(String k) {
    return KeyShape.exact(k);
  }

  private static List<String> codes(List<Diagnostic> d) {
    return d.stream().map(x -> x.severity() + " " + x.code()).collect(Collectors.toList());
  }

  @Test
  void seedIsValid() {
    assertThat(SEED.validate()).isEmpty();
  }

  @Test
  void checkWrite_borrowedKey_isSL002() {
    Rights borrower = code().borrows("product:*").build();
    List<Diagnostic> d = AccessRules.checkWrite(borrower, key("product:1"), null);
    assertThat(codes(d)).containsExactly("ERROR SL002");
    assertThat(d.get(0).message())
        .isEqualTo("write to borrowed pattern \"product:*\" (key \"product:1\")");
    assertThat(d.get(0).notes())
        .containsExactly(
            "method m borrows \"product:*\"", "\"product:*\" is owned by \"productCache\"");
    assertThat(d.get(0).help()).contains("follows = \"productCache\"");
  }

  @Test
  void checkWrite_shapeEntirelyInsideBorrowedPattern_isSL002Error() {
    Rights borrower = code().borrows("product:*").build();
    KeyShape shape =
        KeyShape.builder().literal("product:").hole(KeyShape.Hole.TEXT).literal(":x").build();
    assertThat(codes(AccessRules.checkWrite(borrower, shape, null))).containsExactly("ERROR SL002");
  }

  @Test
  void checkRead_borrowedKey_isAllowed() {
    Rights borrower = code().borrows("products:*").build();
    assertThat(AccessRules.checkRead(borrower, key("products:all"), null)).isEmpty();
    assertThat(AccessRules.checkRead(borrower, key("products:all"), CacheLayer.EDGE)).isEmpty();
  }

  @Test
  void checkWrite_ownedDynamicIds_areAllowed() {
    Rights owner = code().owns("user:*").build();
    assertThat(AccessRules.checkWrite(owner, KeyShape.template("user:{}"), null)).isEmpty();
    assertThat(AccessRules.checkWrite(owner, KeyShape.prefix("user:"), null))
        .as("a String id: \"user:\" itself has no owner, but only an empty id gives it")
        .isEmpty();
    Rights posts = code().owns("post:{id}:body").build();
    assertThat(AccessRules.checkWrite(posts, KeyShape.template("post:{}:body"), null)).isEmpty();
  }

  @Test
  void checkWrite_stringHoleThatMayLeaveThePattern_isOnlyAWarning() {
    Rights posts = code().owns("post:{id}:body").build();
    KeyShape shape =
        KeyShape.builder().literal("post:").hole(KeyShape.Hole.TEXT).literal(":body").build();
    List<Diagnostic> d = AccessRules.checkWrite(posts, shape, null);
    assertThat(codes(d)).containsExactly("WARNING SL003");
    assertThat(d.get(0).message()).startsWith("possible write to key post:{..}:body");
  }

  @Test
  void checkWrite_mostSpecificGrantDecides() {
    Rights mixed = code().owns("user:*").borrows("user:{id}:posts").build();
    assertThat(AccessRules.checkWrite(mixed, key("user:1"), null)).isEmpty();
    assertThat(AccessRules.checkWrite(mixed, key("user:1:prefs"), null)).isEmpty();
    assertThat(codes(AccessRules.checkWrite(mixed, key("user:1:posts"), null)))
        .containsExactly("ERROR SL002");
  }

  @Test
  void checkWrite_keyOwnedByAnotherComponent_isSL003() {
    Rights users = code().owns("user:*").build();
    List<Diagnostic> d = AccessRules.checkWrite(users, key("profile:1"), null);
    assertThat(codes(d)).containsExactly("ERROR SL003");
    assertThat(d.get(0).message())
        .isEqualTo("write to key \"profile:1\", which method m does not own");
    assertThat(d.get(0).components()).containsExactly("profiles");
  }

  @Test
  void checkWrite_keyNobodyOwns_dependsOnDeclaredRights() {
    Rights declares = code().owns("user:*").build();
    assertThat(codes(AccessRules.checkWrite(declares, key("tmp:1"), null)))
        .containsExactly("ERROR SL003");
    Rights declaresNothing = code().lifetime(Lifetime.NONE).build();
    assertThat(AccessRules.checkWrite(declaresNothing, key("tmp:1"), null)).isEmpty();
    assertThat(codes(AccessRules.checkWrite(declaresNothing, key("user:1"), null)))
        .containsExactly("ERROR SL003");
  }

  @Test
  void allOwners_strictWithManifest_lenientWithout() {
    Rights cache = Rights.ofAllOwners(SEED);
    assertThat(AccessRules.checkWrite(cache, key("user:1"), null)).isEmpty();
    assertThat(AccessRules.checkWrite(cache, key("product:1"), null)).isEmpty();
    List<Diagnostic> d = AccessRules.checkWrite(cache, key("tmp:1"), null);
    assertThat(codes(d)).containsExactly("ERROR SL003");
    assertThat(d.get(0).message()).isEqualTo("write to key \"tmp:1\", which no component owns");
    assertThat(d.get(0).help()).contains("REDIS_COMPATIBLE");
    assertThat(codes(AccessRules.checkWrite(cache, KeyShape.unknown(), null)))
        .as("an unknown key may be a plain write of streaming data, the most serious possibility")
        .containsExactly("WARNING SL009");
    assertThat(codes(AccessRules.checkWrite(cache, KeyShape.prefix("tmp:"), null)))
        .containsExactly("ERROR SL003");
    assertThat(codes(AccessRules.checkWrite(cache, KeyShape.prefix("u"), null)))
        .as("user:... is owned, u... otherwise is not")
        .containsExactly("WARNING SL003");

    Rights redisCompatible =
        Rights.builder(SEED).actsForAllOwners().unownedKeysAllowed(true).build();
    assertThat(AccessRules.checkWrite(redisCompatible, key("tmp:1"), null)).isEmpty();
    Rights plain = Rights.ofAllOwners(Manifest.empty());
    assertThat(AccessRules.checkWrite(plain, key("anything"), null)).isEmpty();
    assertThat(AccessRules.checkWrite(plain, KeyShape.unknown(), CacheLayer.EDGE)).isEmpty();
    assertThat(AccessRules.checkAtomicUpdate(plain, key("counter"))).isEmpty();
  }

  @Test
  void checkWrite_followerThroughAnotherLayer_isSL004() {
    // Seed 003 §1 (thrashing): userData is client-primary; backend.set("user:123") is refused.
    Rights follower = code().follows("userData").build();
    assertThat(AccessRules.checkWrite(follower, key("user:123"), null)).isEmpty();
    assertThat(AccessRules.checkWrite(follower, key("user:123"), CacheLayer.CLIENT)).isEmpty();
    List<Diagnostic> d = AccessRules.checkWrite(follower, key("user:123"), CacheLayer.SERVER);
    assertThat(codes(d)).containsExactly("ERROR SL004");
    assertThat(d.get(0).message())
        .isEqualTo(
            "write to key \"user:123\" through the SERVER layer, but its owner \"userData\" lives"
                + " on CLIENT");
  }

  @Test
  void checkWrite_borrowerCopyingEdgeDataToClient_isSL004() {
    // Seed 003 §2 (redundancy): a borrower may read products, never copy them into the client.
    Rights reader = code().borrows("products:*").build();
    assertThat(codes(AccessRules.checkWrite(reader, key("products:all"), CacheLayer.CLIENT)))
        .containsExactly("ERROR SL004");
    assertThat(codes(AccessRules.checkWrite(reader, key("products:all"), CacheLayer.EDGE)))
        .containsExactly("ERROR SL002");
  }

  @Test
  void check_layerTheApplicationLacks_isSL007() {
    Manifest noEdge =
        Manifest.builder()
            .layers(CacheLayer.CLIENT, CacheLayer.SERVER)
            .component(Component.builder("c").owns("c:*").build())
            .build();
    Rights r = Rights.builder(noEdge).owns("c:*").build();
    assertThat(codes(AccessRules.checkRead(r, key("c:1"), CacheLayer.EDGE)))
        .containsExactly("ERROR SL007");
    assertThat(codes(AccessRules.checkStrategy(r, Strategy.EDGE_OPTIMIZED)))
        .containsExactly("ERROR SL007");
    assertThat(AccessRules.checkStrategy(r, Strategy.CLIENT_FIRST)).isEmpty();
    Rights offline = Rights.builder(noEdge).strategy(Strategy.EDGE_OPTIMIZED).build();
    assertThat(codes(AccessRules.checkDeclaration(offline))).containsExactly("ERROR SL007");
  }

  @Test
  void checkCall_globalConsistentAndClientFirst_isSL008BothWays() {
    Rights realTime = code().strategy(Strategy.GLOBAL_CONSISTENT).build();
    Rights offline =
        Rights.builder(SEED).name("offlineCapable").strategy(Strategy.CLIENT_FIRST).build();
    Rights plain = code().build();
    List<Diagnostic> d = AccessRules.checkCall(realTime, offline);
    assertThat(codes(d)).containsExactly("ERROR SL008");
    assertThat(d.get(0).message())
        .isEqualTo("method m (GLOBAL_CONSISTENT) calls offlineCapable (CLIENT_FIRST)");
    assertThat(codes(AccessRules.checkCall(offline, realTime))).containsExactly("ERROR SL008");
    assertThat(AccessRules.checkCall(realTime, plain)).isEmpty();
    assertThat(AccessRules.checkCall(offline, offline)).isEmpty();
    assertThat(codes(AccessRules.checkStrategy(realTime, Strategy.CLIENT_FIRST)))
        .containsExactly("ERROR SL008");
  }

  @Test
  void checkDeclaration_globalConsistentFollowingClientComponent_isSL008() {
    Rights r = code().follows("userData").strategy(Strategy.GLOBAL_CONSISTENT).build();
    assertThat(codes(AccessRules.checkDeclaration(r))).containsExactly("ERROR SL008");
  }

  @Test
  void plainAccessToStreamingData_isSL009_streamingAccessIsNot() {
    // Seed 003 §4: video is streamed, never moved whole.
    Rights follower = code().follows("videoCache").build();
    List<Diagnostic> d = AccessRules.checkRead(follower, key("video:123"), null);
    assertThat(codes(d)).containsExactly("ERROR SL009");
    assertThat(d.get(0).help()).isEqualTo("read it in chunks with stream(key)");
    assertThat(codes(AccessRules.checkWrite(follower, key("video:123"), null)))
        .containsExactly("ERROR SL009");
    assertThat(AccessRules.checkStreamingAccess(follower, key("video:123"), false)).isEmpty();
    assertThat(AccessRules.checkStreamingAccess(follower, key("video:123"), true)).isEmpty();
    Rights reader = code().borrows("video:*").build();
    assertThat(codes(AccessRules.checkStreamingAccess(reader, key("video:1"), true)))
        .containsExactly("ERROR SL002");
    assertThat(AccessRules.check(follower, Operation.DELETE, key("video:1"), null)).isEmpty();
  }

  @Test
  void scopedWrite_needsRequestLifetime_SL010() {
    Rights none = code().build();
    List<Diagnostic> d = AccessRules.check(none, Operation.SCOPED_WRITE, key("req:123"), null);
    assertThat(codes(d)).containsExactly("ERROR SL010");
    assertThat(d.get(0).message())
        .isEqualTo("scoped entry key \"req:123\" outside a REQUEST lifetime");
    Rights request = code().lifetime(Lifetime.REQUEST).build();
    assertThat(AccessRules.check(request, Operation.SCOPED_WRITE, key("req:123"), null)).isEmpty();
    assertThat(codes(AccessRules.check(request, Operation.SCOPED_WRITE, key("user:1"), null)))
        .as("the scope owns its temporaries, not other components' keys")
        .containsExactly("ERROR SL003");
  }

  @Test
  void sessionWrite_needsCleanup_SL010() {
    Rights session = code().lifetime(Lifetime.SESSION).build();
    assertThat(codes(AccessRules.checkWrite(session, key("session:123"), null)))
        .containsExactly("ERROR SL010");
    assertThat(AccessRules.check(session, Operation.WRITE_WITH_CLEANUP, key("session:123"), null))
        .isEmpty();
  }

  @Test
  void atomicUpdate_needsOwnershipOrExclusive_SL011() {
    // Seed 003 §7.
    assertThat(AccessRules.checkAtomicUpdate(code().exclusive("user:*").build(), key("user:123")))
        .isEmpty();
    assertThat(AccessRules.checkAtomicUpdate(code().owns("user:*").build(), key("user:123")))
        .isEmpty();
    List<Diagnostic> d =
        AccessRules.checkAtomicUpdate(code().borrows("user:*").build(), key("user:123"));
    assertThat(codes(d)).containsExactly("ERROR SL011");
    assertThat(d.get(0).help()).contains("exclusive = \"user:*\"");
    assertThat(codes(AccessRules.checkAtomicUpdate(code().build(), key("tmp:1"))))
        .containsExactly("ERROR SL011");
  }

  @Test
  void exclusive_grantsWrites() {
    assertThat(AccessRules.checkWrite(code().exclusive("user:*").build(), key("user:1"), null))
        .isEmpty();
  }

  @Test
  void invalidatePattern_byBorrower_isSL002_byOwner_isAllowed() {
    KeyShape pattern = KeyShape.of(KeyPattern.parse("user:123:*"));
    assertThat(
            codes(
                AccessRules.check(
                    code().borrows("user:*").build(), Operation.INVALIDATE, pattern, null)))
        .containsExactly("ERROR SL002");
    assertThat(
            AccessRules.check(code().owns("user:*").build(), Operation.INVALIDATE, pattern, null))
        .isEmpty();
  }

  @Test
  void droppingDeclaredDependents_isAllowed_butNotOtherKeysOfTheirOwner() {
    Rights r = code().owns("user:*").invalidates("profile:*").build();
    assertThat(
            AccessRules.check(
                r, Operation.INVALIDATE, KeyShape.of(KeyPattern.parse("profile:42:*")), null))
        .isEmpty();
    assertThat(AccessRules.check(r, Operation.DELETE, key("profile:42"), null)).isEmpty();
    assertThat(AccessRules.check(r, Operation.DELETE, KeyShape.template("profile:{}"), null))
        .isEmpty();
    assertThat(codes(AccessRules.check(r, Operation.WRITE, key("profile:42"), null)))
        .containsExactly("ERROR SL003");
    assertThat(codes(AccessRules.check(r, Operation.DELETE, key("settings:42"), null)))
        .containsExactly("ERROR SL003");
  }

  @Test
  void unknownKeyWrittenByABorrower_isSL002_notBlamedOnStreaming() {
    List<Diagnostic> d =
        AccessRules.checkWrite(code().borrows("product:*").build(), KeyShape.unknown(), null);
    // Issue 18: not blamed on the one borrowed pattern either, which the key may not be in.
    assertThat(codes(d)).containsExactly("ERROR SL003");
    assertThat(d.get(0).message())
        .isEqualTo("write to key {..}, none of whose keys method m may write");
    // An exact key still gets the most specific rule.
    assertThat(
            codes(AccessRules.checkWrite(code().borrows("video:*").build(), key("video:1"), null)))
        .containsExactly("ERROR SL009");
  }

  @Test
  void choiceOfKeys_isAnErrorOnlyWhenEveryChoiceBreaksTheRule() {
    Rights borrower = code().borrows("product:*").owns("user:*").build();
    KeyShape bothBorrowed =
        KeyShape.anyOf(KeyShape.template("product:{}"), KeyShape.exact("product:all"));
    assertThat(codes(AccessRules.checkWrite(borrower, bothBorrowed, null)))
        .containsExactly("ERROR SL002");
    KeyShape oneOwned = KeyShape.anyOf(KeyShape.template("product:{}"), KeyShape.exact("user:1"));
    assertThat(codes(AccessRules.checkWrite(borrower, oneOwned, null)))
        .containsExactly("WARNING SL002");
    assertThat(
            AccessRules.checkWrite(
                borrower, KeyShape.anyOf(key("user:1"), KeyShape.template("user:{}")), null))
        .isEmpty();
  }

  @Test
  void choiceOfKeys_concatDistributes_andManyChoicesWidenToTheirCommonPrefix() {
    KeyShape choice = KeyShape.anyOf(key("user:"), key("product:"));
    KeyShape keys = choice.concat(KeyShape.template("{}:x"));
    assertThat(keys.mayMatch(KeyPattern.parse("user:{id}:x"))).isTrue();
    assertThat(keys.mayMatch(KeyPattern.parse("product:{id}:x"))).isTrue();
    assertThat(keys.alwaysMatches(KeyPattern.parse("user:*"))).isFalse();
    assertThat(keys.isExact()).isFalse();
    KeyShape many = key("k:0");
    for (int i = 1; i < 40; i++) {
      many = KeyShape.anyOf(many, key("k:" + i));
    }
    assertThat(many.alwaysMatches(KeyPattern.parse("k:*"))).isFalse(); // "k:" + any text
    assertThat(many.mayMatch(KeyPattern.parse("k:{id}"))).isTrue();
    assertThat(KeyShape.anyOf(key("a"), key("a"))).isEqualTo(key("a"));
  }

  @Test
  void checkDeclaration_dependentsMustBeOwned_SL005() {
    // Seed 003 §3: owns user:*, invalidates profile:* and settings:*.
    Rights ok = code().owns("user:*").invalidates("profile:*", "settings:*").build();
    assertThat(AccessRules.checkDeclaration(ok)).isEmpty();
    Manifest noSettings =
        Manifest.builder()
            .component(Component.builder("users").owns("user:*").build())
            .component(Component.builder("profiles").owns("profile:*").build())
            .build();
    Rights missing =
        Rights.builder(noSettings)
            .name("updateUser")
            .owns("user:*")
            .invalidates("profile:*", "settings:*")
            .borrows("order:*")
            .build();
    List<Diagnostic> d = AccessRules.checkDeclaration(missing);
    assertThat(codes(d)).containsExactly("ERROR SL005", "ERROR SL005");
    assertThat(d).flatExtracting(Diagnostic::patterns).containsExactly("order:*", "settings:*");
  }

  @Test
  void checkDeclaration_badPatternAndUnknownFollows_areSL012AndSL013() {
    Rights r = code().owns("user:*:x").follows("nobody").build();
    assertThat(codes(AccessRules.checkDeclaration(r)))
        .containsExactly("ERROR SL013", "ERROR SL012");
  }

  @Test
  void componentRights_enforceTheComponentsOwnRights() {
    Rights profiles = SEED.rightsOf("profiles");
    assertThat(AccessRules.checkWrite(profiles, key("profile:1"), null)).isEmpty();
    assertThat(codes(AccessRules.checkWrite(profiles, key("user:1"), null)))
        .containsExactly("ERROR SL003");
    assertThat(codes(AccessRules.checkWrite(profiles, key("tmp:1"), null)))
        .containsExactly("ERROR SL003");
  }

  @Test
  void atomicBatchWrites_areJudgedLikeWrites() {
    // Seed 000 §4: tx.set("user:123", ..); tx.set("user:123:prefs", ..).
    Rights owner = code().owns("user:*").build();
    Rights borrower = code().borrows("user:*").build();
    for (String k : new String[] {"user:123", "user:123:prefs"}) {
      assertThat(AccessRules.checkWrite(owner, key(k), null)).isEmpty();
      assertThat(codes(AccessRules.checkWrite(borrower, key(k), null)))
          .containsExactly("ERROR SL002");
    }
  }
}
