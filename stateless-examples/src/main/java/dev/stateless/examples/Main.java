package dev.stateless.examples;

import dev.stateless.StatelessCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Manifest;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import dev.stateless.examples.checked.CatalogService;
import dev.stateless.examples.checked.ShopCache;
import java.io.PrintStream;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The README's main job: loads the seeds' manifests, prints each ownership map and what the
 * manifest rules find, judges the seeds' code examples with the access rules, then runs the seeds'
 * flows on a real {@code StatelessCache} ({@code STATELESS_REDIS_URL} puts its server layer in
 * Redis).
 */
public final class Main {
  private Main() {}

  /**
   * Runs the example.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    run(System.out, System.getenv("STATELESS_REDIS_URL"));
  }

  static void run(PrintStream out, @Nullable String redisUrl) {
    judgeSeeds(out);
    out.println();
    new RuntimeDemo(out, redisUrl == null || redisUrl.isBlank() ? null : redisUrl).run();
    out.println();
    checked(out);
  }

  /** Runs the code that javac's borrow checker proved while this module compiled. */
  static void checked(PrintStream out) {
    out.println("== compiled under the borrow checker: CatalogService against ShopCache");
    try (StatelessCache cache = StatelessCache.builder().manifest(ShopCache.class).build()) {
      CatalogService service = new CatalogService(cache);
      service.publish(7, "lamp");
      out.println("  publish(7) as the owner, show(7) as a borrower: " + service.show(7));
      UUID cart = UUID.nameUUIDFromBytes(new byte[] {1});
      service.addToCart(cart);
      out.println("  addToCart twice (atomicUpdate, owns cart:{id}): " + service.addToCart(cart));
      out.println(
          "  handle(1) in a request scope: visible inside "
              + service.handle(1)
              + ", gone after "
              + (cache.sync().get("req:1") == null));
    }
  }

  static void judgeSeeds(PrintStream out) {
    for (Class<?> type :
        List.of(
            SeedManifests.AppCache.class,
            SeedManifests.LayeredCache.class,
            SeedManifests.BorrowCheckerCache.class,
            SeedManifests.ConflictingCache.class)) {
      Manifest manifest = Manifest.from(type);
      out.println("== manifest " + manifest);
      report(out, manifest.validate(), "manifest is sound");
      out.println();
    }

    Manifest m = Manifest.from(SeedManifests.BorrowCheckerCache.class);
    out.println("== the seeds' code, judged against " + m.name());
    KeyShape userKey = KeyShape.template("user:{}");
    judge(
        out,
        "update_user: owns user:*, set(\"user:\" + id)",
        AccessRules.checkWrite(rights(m, "update_user").owns("user:*").build(), userKey, null));
    judge(
        out,
        "update_product: borrows products:*, set(\"products:1\")",
        AccessRules.checkWrite(
            rights(m, "update_product").borrows("products:*").build(),
            KeyShape.exact("products:1"),
            null));
    judge(
        out,
        "backend_cache: follows userData, backend.set(\"user:123\")",
        AccessRules.checkWrite(
            rights(m, "backend_cache").follows("userData").build(),
            KeyShape.exact("user:123"),
            CacheLayer.SERVER));
    Rights reader = rights(m, "read_products").borrows("products:*").build();
    judge(
        out,
        "read_products: borrows products:*, get(\"products:all\")",
        AccessRules.checkRead(reader, KeyShape.exact("products:all"), null));
    judge(
        out,
        "read_products: client.set(\"products:all\", catalog)",
        AccessRules.checkWrite(reader, KeyShape.exact("products:all"), CacheLayer.CLIENT));
    Rights player = rights(m, "play_video").follows("videoCache").build();
    judge(
        out,
        "play_video: get(\"video:123\")",
        AccessRules.checkRead(player, KeyShape.exact("video:123"), null));
    judge(
        out,
        "play_video: stream(\"video:123\")",
        AccessRules.checkStreamingAccess(player, KeyShape.exact("video:123"), false));
    judge(
        out,
        "handle_request: lifetime request, set_scoped(\"req:123\")",
        AccessRules.check(
            rights(m, "handle_request").lifetime(Lifetime.REQUEST).build(),
            Operation.SCOPED_WRITE,
            KeyShape.exact("req:123"),
            null));
    judge(
        out,
        "no lifetime: set_scoped(\"req:123\")",
        AccessRules.check(
            rights(m, "handle").build(), Operation.SCOPED_WRITE, KeyShape.exact("req:123"), null));
    judge(
        out,
        "handle_session: lifetime session, set(\"session:123\") without cleanup",
        AccessRules.checkWrite(
            rights(m, "handle_session").lifetime(Lifetime.SESSION).build(),
            KeyShape.exact("session:123"),
            null));
    judge(
        out,
        "update_user: exclusive user:*, atomic_update(\"user:123\")",
        AccessRules.checkAtomicUpdate(
            rights(m, "update_user").exclusive("user:*").build(), KeyShape.exact("user:123")));
    judge(
        out,
        "read_user: borrows user:*, atomic_update(\"user:123\")",
        AccessRules.checkAtomicUpdate(
            rights(m, "read_user").borrows("user:*").build(), KeyShape.exact("user:123")));
    judge(
        out,
        "real_time calls offline_first",
        AccessRules.checkCall(
            rights(m, "real_time").strategy(Strategy.GLOBAL_CONSISTENT).build(),
            rights(m, "offline_first").strategy(Strategy.CLIENT_FIRST).build()));
  }

  private static Rights.Builder rights(Manifest m, String name) {
    return Rights.builder(m).name(name);
  }

  private static void judge(PrintStream out, String what, List<Diagnostic> diagnostics) {
    out.println("-- " + what);
    report(out, diagnostics, "allowed");
  }

  private static void report(PrintStream out, List<Diagnostic> diagnostics, String fine) {
    if (diagnostics.isEmpty()) {
      out.println("ok: " + fine);
    }
    for (Diagnostic d : diagnostics) {
      out.println(d.render());
    }
  }
}
