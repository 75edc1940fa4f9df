package dev.stateless.examples;

// readme:shop-example:begin
import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.ValueCodec;
import dev.stateless.annotation.*;
import dev.stateless.core.StatelessException;
import dev.stateless.redis.RedisAdapter;
import java.io.PrintStream;
import java.math.BigDecimal;

public final class ShopExample {
  /** What the shop caches: each key pattern has one owner. */
  @CacheManifest
  static final class ShopCache {
    @Owns("product:{id}")
    @ValueType
    Product products; // typed: a record, JSON in Redis, a Product read back

    @Owns("stock:{id}")
    @ValueType
    Long stock; // typed: decimal text in Redis, so INCR works from any client

    @Owns("note:*")
    Object notes; // untyped: no @ValueType, any value (read from Redis: text)

    @Borrows("product:{id}")
    Object analytics; // reads products, may not write them
  }

  public record Product(String sku, String name, BigDecimal price) {}

  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    try (StatelessCache cache =
        StatelessCache.builder()
            .manifest(ShopCache.class)
            .server(Stores.inProcess()) // the embedded default; Stores.redis("redis://host:6379")
            .codec(ValueCodec.json()) // the default: records and POJOs as JSON (Jackson)
            .build()) {
      SyncCache shop = cache.sync();

      Product teapot = new Product("42", "Teapot", new BigDecimal("19.90"));
      shop.set("product:42", teapot);
      Product read = shop.get("product:42", Product.class);
      out.println("product:42 = " + read + ", equals written: " + teapot.equals(read));

      shop.set("stock:42", 10L);
      out.println("stock:42 after a sale = " + shop.increment("stock:42", -1));

      shop.set("note:42", "handle with care");
      out.println("note:42 = " + shop.get("note:42"));

      RedisAdapter redis = new RedisAdapter(cache); // Redis command names over the same cache
      out.println("INCR stock:42 = " + redis.incr("stock:42").join());

      try {
        shop.set("stock:42", "plenty"); // a String where the owner declared Long
      } catch (StatelessException e) {
        out.println(e.code() + " " + e.help());
      }
      try {
        cache.component("analytics").sync().set("product:42", teapot); // only borrowed
      } catch (StatelessException e) {
        out.println(e.code() + " " + e.help());
      }
    }
  }
}
// readme:shop-example:end
