package dev.stateless.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the project {@link CheckerOverhead} compiles: one {@code @CacheManifest} class ({@code
 * gen.app.AppCache}, 33 components), a class of key constants, and {@code classes} classes in 20
 * packages. Half are services whose methods carry {@code @CacheAccess} and call the cache (owners,
 * borrowers and followers; keys from literals, {@code +}, {@code String.format}, {@code formatted},
 * constants, key-builder methods; {@code atomicUpdate}, {@code atomicBatch}, layer views, request
 * scopes, streams); the other half are model classes of similar size without stateless annotations,
 * some calling the cache unannotated. Every access is legal, so the project compiles with no
 * diagnostic at all, with or without the checker.
 *
 * <pre>
 * java -cp ... dev.stateless.bench.CheckerOverheadGenerator /tmp/project 1000
 * </pre>
 */
public final class CheckerOverheadGenerator {
  /** One kind of service, with the model class it works on. */
  private static final class Domain {
    final String pkg;
    final String service;
    final String model;

    Domain(String pkg, String service, String model) {
      this.pkg = pkg;
      this.service = service;
      this.model = model;
    }
  }

  private static final List<Domain> DOMAINS =
      List.of(
          new Domain("users", "UserRepository", "UserRecord"),
          new Domain("orders", "OrderService", "OrderRecord"),
          new Domain("catalog", "CatalogReader", "ProductRecord"),
          new Domain("pricing", "ProductWriter", "PriceRecord"),
          new Domain("inventory", "StockService", "StockRecord"),
          new Domain("carts", "CartService", "CartRecord"),
          new Domain("media", "MediaService", "MediaRecord"),
          new Domain("sessions", "SessionService", "SessionRecord"),
          new Domain("reviews", "ReviewService", "ReviewRecord"),
          new Domain("config", "ConfigReader", "SettingRecord"));

  private final Path root;

  private CheckerOverheadGenerator(Path root) {
    this.root = root;
  }

  /**
   * Writes the project.
   *
   * @param args the directory to write the sources into (its {@code gen} tree is replaced), and
   *     optionally the number of classes (default 1000; a multiple of 20)
   * @throws IOException if a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    int classes = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    List<Path> files = generate(Path.of(args[0]), classes);
    System.out.println("wrote " + files.size() + " files under " + args[0]);
  }

  /**
   * Writes the project under {@code dir} (replacing {@code dir/gen}).
   *
   * @param dir the source root
   * @param classes the number of generated classes besides the manifest and the key constants: a
   *     positive multiple of 20, half services and half models
   * @return every source file written
   * @throws IOException if a file cannot be written
   */
  public static List<Path> generate(Path dir, int classes) throws IOException {
    if (classes <= 0 || classes % (2 * DOMAINS.size()) != 0) {
      throw new IllegalArgumentException(
          "classes must be a positive multiple of " + 2 * DOMAINS.size() + ", was " + classes);
    }
    CheckerOverhead.deleteTree(dir.resolve("gen"));
    CheckerOverheadGenerator g = new CheckerOverheadGenerator(dir);
    List<Path> files = new ArrayList<>();
    files.add(g.write("gen.app", "AppCache", MANIFEST));
    files.add(g.write("gen.app", "Keys", KEYS));
    int perDomain = classes / 2 / DOMAINS.size();
    for (int d = 0; d < DOMAINS.size(); d++) {
      Domain domain = DOMAINS.get(d);
      for (int k = 0; k < perDomain; k++) {
        int n = d * perDomain + k;
        files.add(g.model(domain, n));
        files.add(g.service(domain, d, n));
      }
    }
    return files;
  }

  /**
   * The source of one class that breaks SL002 (a borrower of {@code product:*} writing a product),
   * to prove the checker runs.
   *
   * @param dir the source root of a generated project
   * @return the file written
   * @throws IOException if it cannot be written
   */
  static Path writeBrokenClass(Path dir) throws IOException {
    return new CheckerOverheadGenerator(dir).write("gen.app.catalog", "BrokenWriter", BROKEN);
  }

  private Path write(String pkg, String name, String body) throws IOException {
    Path file = root.resolve(pkg.replace('.', '/')).resolve(name + ".java");
    Files.createDirectories(file.getParent());
    String text = "package " + pkg + ";\n\n" + body;
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  private Path model(Domain d, int n) throws IOException {
    String body = MODEL;
    if (n % 5 == 0) {
      body = body.replace("  // PEEK\n", PEEK);
    } else {
      body = body.replace("  // PEEK\n", "");
    }
    return write(
        "gen.app." + d.pkg + ".model",
        d.model + n,
        fill(body, d, n).replace("${PREFIX}", peekPrefix(d)));
  }

  /** A key prefix whose read is legal even unannotated (a component that is not streaming). */
  private static String peekPrefix(Domain d) {
    return switch (d.pkg) {
      case "users" -> "user:";
      case "orders" -> "order:";
      case "media" -> "popular:";
      case "sessions" -> "session:";
      case "reviews" -> "review:";
      case "config" -> "config:";
      case "inventory" -> "stock:";
      case "carts" -> "cart:";
      default -> "product:";
    };
  }

  private Path service(Domain d, int kind, int n) throws IOException {
    String body = SERVICE_HEAD + SERVICES[kind] + SERVICE_TAIL;
    return write("gen.app." + d.pkg, d.service + n, fill(body, d, n));
  }

  private static String fill(String template, Domain d, int n) {
    return template
        .replace("${Service}", d.service + n)
        .replace("${Model}", d.model + n)
        .replace("${pkg}", d.pkg)
        .replace("${n}", Integer.toString(n))
        .replace("${salt}", Integer.toString(31 * n + 7))
        .replace("${lower}", d.model.toLowerCase(Locale.ROOT));
  }

  private static final String MANIFEST =
      """
      import dev.stateless.annotation.Backfill;
      import dev.stateless.annotation.Borrows;
      import dev.stateless.annotation.CacheLayer;
      import dev.stateless.annotation.CacheManifest;
      import dev.stateless.annotation.Invalidates;
      import dev.stateless.annotation.Layer;
      import dev.stateless.annotation.MaxSize;
      import dev.stateless.annotation.Owns;
      import dev.stateless.annotation.Prefetch;
      import dev.stateless.annotation.Strategy;
      import dev.stateless.annotation.Streaming;
      import dev.stateless.annotation.Ttl;
      import dev.stateless.annotation.UseStrategy;

      /** The application's cache components. */
      @CacheManifest
      public final class AppCache {
        @Owns("user:*") @Invalidates("userview:*") @Ttl("10m") Object users;
        @Layer(CacheLayer.EDGE) @Owns("userview:*") @Ttl("1m") Object userViews;
        @Owns("order:{id}") @Invalidates("orderlist:{id}") Object orders;
        @Owns("order:{id}:items") Object orderItems;
        @Owns("orderlist:{id}") @Ttl("30s") Object orderLists;
        @Layer(CacheLayer.EDGE) @Owns("product:*") @MaxSize("50MB") @Invalidates("search:products:*")
        Object products;
        @Borrows({"product:*", "price:{sku}"}) Object catalogView;
        @Owns("search:*") @Ttl("5m") Object search;
        @Owns("stock:{sku}") @UseStrategy(Strategy.GLOBAL_CONSISTENT) Object inventory;
        @Owns("price:{sku}") @Ttl("30s") Object prices;
        @Layer(CacheLayer.CLIENT) @Owns("cart:{id}") @UseStrategy(Strategy.CLIENT_FIRST) Object carts;
        @Owns("session:*") @Ttl("1h") Object sessions;
        @Layer(CacheLayer.EDGE) @Streaming(chunkSize = "1MB") @Owns("video:*") Object videos;
        @Layer(CacheLayer.EDGE) @Streaming(chunkSize = "512KB") @Owns("image:*") Object images;
        @Owns("popular:*") @Prefetch("popular:*") @Backfill Object popular;
        @Layer(CacheLayer.CLIENT) @Owns("config:*") @Ttl("10m") Object config;
        @Layer(CacheLayer.CLIENT) @Owns("flag:{name}") Object featureFlags;
        @Owns("rate:{id}") @Ttl("1s") Object rateLimits;
        @Owns("review:{id}") @Invalidates("rating:{id}") Object reviews;
        @Owns("rating:{id}") Object ratings;
        @Owns("notif:*") @MaxSize("512KB") Object notifications;
        @Owns("audit:*") Object audit;
        @Owns("tenant:{id}") Object tenants;
        @Owns("tenant:{id}:settings") Object tenantSettings;
        @Owns("shipment:{id}") Object shipments;
        @Owns("payment:{id}") @UseStrategy(Strategy.GLOBAL_CONSISTENT) Object payments;
        @Owns("invoice:{id}") Object invoices;
        @Owns("coupon:{code}") @Ttl("1h") Object coupons;
        @Layer(CacheLayer.EDGE) @Owns("reco:{user}") Object recommendations;
        @Layer(CacheLayer.EDGE) @Owns("geo:*") @Ttl("1h") Object geo;
        @Owns("counter:*") Object counters;
        @Owns("lock:{id}") @Ttl("30s") Object locks;
        @Owns({"post:{id}", "post:{id}:comments"}) @Invalidates("reco:{user}") Object posts;
      }
      """;

  private static final String KEYS =
      """
      /** Key prefixes shared by the services. */
      public final class Keys {
        public static final String USER = "user:";
        public static final String ORDER = "order:";
        public static final String PRODUCT = "product:";
        public static final String REVIEW = "review:";
        public static final String SESSION = "session:";
        public static final String CONFIG = "config:";
        public static final String ITEMS = ":items";

        private Keys() {}
      }
      """;

  private static final String MODEL =
      """
      import dev.stateless.StatelessCache;
      import java.util.ArrayList;
      import java.util.Collections;
      import java.util.LinkedHashMap;
      import java.util.List;
      import java.util.Locale;
      import java.util.Map;
      import java.util.Objects;
      import java.util.stream.Collectors;

      /** A ${lower} as the services cache it. */
      public final class ${Model} {
        private static final int SALT = ${salt};

        private final long id;
        private final String name;
        private final List<String> tags;
        private final Map<String, Integer> counters;

        public ${Model}(long id, String name, List<String> tags, Map<String, Integer> counters) {
          this.id = id;
          this.name = Objects.requireNonNull(name, "name");
          this.tags = List.copyOf(tags);
          this.counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        }

        public long id() {
          return id;
        }

        public String name() {
          return name;
        }

        public List<String> tags() {
          return tags;
        }

        public String toJson() {
          StringBuilder sb = new StringBuilder("{\\"id\\":").append(id).append(",\\"name\\":\\"");
          sb.append(name.replace("\\"", "\\\\\\"")).append("\\",\\"tags\\":[");
          for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
              sb.append(',');
            }
            sb.append('"').append(tags.get(i)).append('"');
          }
          sb.append("],\\"counters\\":{");
          boolean first = true;
          for (Map.Entry<String, Integer> e : counters.entrySet()) {
            if (!first) {
              sb.append(',');
            }
            first = false;
            sb.append('"').append(e.getKey()).append("\\":").append(e.getValue());
          }
          return sb.append("}}").toString();
        }

        public static ${Model} parse(String text) {
          String[] parts = text.split(";");
          if (parts.length < 2) {
            throw new IllegalArgumentException("not a ${lower}: " + text);
          }
          List<String> tags = new ArrayList<>();
          Map<String, Integer> counters = new LinkedHashMap<>();
          for (int i = 2; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
              tags.add(parts[i].trim());
            } else {
              counters.merge(parts[i].substring(0, eq), Integer.parseInt(parts[i].substring(eq + 1)), Integer::sum);
            }
          }
          return new ${Model}(Long.parseLong(parts[0].trim()), parts[1], tags, counters);
        }

        public int score() {
          int sum = counters.values().stream().mapToInt(Integer::intValue).sum();
          return sum * SALT + tags.size() * 17 + (int) (id % 1000);
        }

        public List<String> normalizedTags() {
          return tags.stream()
              .map(t -> t.trim().toLowerCase(Locale.ROOT))
              .filter(t -> !t.isEmpty())
              .distinct()
              .sorted()
              .collect(Collectors.toList());
        }

        public ${Model} withTag(String tag) {
          List<String> more = new ArrayList<>(tags);
          more.add(tag);
          return new ${Model}(id, name, more, counters);
        }

        public ${Model} count(String counter, int delta) {
          Map<String, Integer> more = new LinkedHashMap<>(counters);
          more.merge(counter, delta, Integer::sum);
          return new ${Model}(id, name, tags, more);
        }

        public Map<Boolean, List<String>> splitTags(int maxLength) {
          return tags.stream().collect(Collectors.partitioningBy(t -> t.length() <= maxLength));
        }

        // PEEK
        @Override
        public boolean equals(Object o) {
          if (this == o) {
            return true;
          }
          if (!(o instanceof ${Model})) {
            return false;
          }
          ${Model} other = (${Model}) o;
          return id == other.id && name.equals(other.name) && tags.equals(other.tags)
              && counters.equals(other.counters);
        }

        @Override
        public int hashCode() {
          return Objects.hash(id, name, tags, counters);
        }

        @Override
        public String toString() {
          return "${Model}{id=" + id + ", name=" + name + ", tags=" + tags + "}";
        }
      }
      """;

  /** An unannotated read (unchecked: the checker leaves code without @CacheAccess alone). */
  private static final String PEEK =
      """
        public static Object peek(StatelessCache cache, long id) {
          return cache.sync().get("${PREFIX}" + id);
        }

      """;

  private static final String SERVICE_HEAD =
      """
      import dev.stateless.CacheWrite;
      import dev.stateless.RequestScope;
      import dev.stateless.StatelessCache;
      import dev.stateless.SyncCache;
      import dev.stateless.annotation.CacheAccess;
      import dev.stateless.annotation.CacheLayer;
      import dev.stateless.annotation.Lifetime;
      import dev.stateless.annotation.Strategy;
      import gen.app.Keys;
      import gen.app.${pkg}.model.${Model};
      import java.io.ByteArrayInputStream;
      import java.io.InputStream;
      import java.time.Duration;
      import java.util.ArrayList;
      import java.util.List;
      import java.util.Locale;
      import java.util.concurrent.CompletableFuture;

      /** Caches ${lower}s. */
      public final class ${Service} {
        private static final int SHARD = ${salt} % 16;

        private final StatelessCache cache;
        private final SyncCache sync;

        public ${Service}(StatelessCache cache) {
          this.cache = cache;
          this.sync = cache.sync();
        }

        /** Not a cache access: plain work on the model. */
        public List<String> describe(List<${Model}> records) {
          List<String> out = new ArrayList<>();
          for (${Model} r : records) {
            if (r.score() % 2 == SHARD % 2) {
              out.add(r.name().toUpperCase(Locale.ROOT) + "#" + r.id());
            } else {
              out.add(String.join(",", r.normalizedTags()));
            }
          }
          return out;
        }

      """;

  private static final String SERVICE_TAIL =
      """
        private static byte[] bytes(${Model} r) {
          return r.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
      }
      """;

  /** One body per domain, in the order of {@link #DOMAINS}. */
  private static final String[] SERVICES = {
    // users: an owner of user:*, constants, a key builder, String.format, atomicUpdate.
    """
      private static String userKey(long id) {
        return Keys.USER + id;
      }

      @CacheAccess(owns = "user:*", invalidates = "userview:*")
      public CacheWrite save(${Model} r) {
        cache.set(userKey(r.id()) + ":name", r.name());
        return cache.set(userKey(r.id()), r.toJson());
      }

      @CacheAccess(owns = "user:*")
      public ${Model} load(long id) {
        Object v = sync.get(String.format("user:%d", id));
        return v == null ? null : ${Model}.parse(v.toString());
      }

      @CacheAccess(owns = "user:*")
      public CompletableFuture<Long> visit(long id) {
        return cache.<Long>atomicUpdate("user:" + id + ":visits", n -> n == null ? 1L : n + 1);
      }

      @CacheAccess(owns = "user:*")
      public boolean forget(long id) {
        sync.del(userKey(id) + ":name");
        return sync.del(userKey(id));
      }
    """,
    // orders: owns order:{id} and its items, atomicBatch, formatted, a constant suffix.
    """
      private static String itemsKey(long id) {
        return Keys.ORDER + id + Keys.ITEMS;
      }

      @CacheAccess(owns = {"order:{id}", "order:{id}:items"})
      public CompletableFuture<Void> place(${Model} r, List<String> items) {
        return cache.atomicBatch(
            tx -> {
              tx.set("order:" + r.id(), r.toJson());
              tx.set(itemsKey(r.id()), String.join(",", items));
            });
      }

      @CacheAccess(owns = {"order:{id}", "order:{id}:items"})
      public Object items(long id) {
        return sync.get("order:%d:items".formatted(id));
      }

      @CacheAccess(owns = "order:{id}", invalidates = "orderlist:{id}")
      public CompletableFuture<Boolean> cancel(long id) {
        return cache.del(Keys.ORDER + id);
      }

      @CacheAccess(borrows = "orderlist:{id}")
      public Object list(int customer) {
        return sync.get("orderlist:" + customer);
      }
    """,
    // catalog: follows a borrowing component, reads through the edge view and the sync view.
    """
      @CacheAccess(follows = "catalogView")
      public CompletableFuture<Object> product(long sku) {
        return cache.get(Keys.PRODUCT + sku);
      }

      @CacheAccess(follows = "catalogView")
      public Object price(long sku) {
        return sync.get("price:" + sku);
      }

      @CacheAccess(borrows = {"product:*", "search:*"})
      public Object searchProducts(String query) {
        Object hit = sync.get("search:products:" + query.toLowerCase(Locale.ROOT));
        return hit != null ? hit : cache.layer(CacheLayer.EDGE).sync().get("product:featured");
      }

      @CacheAccess(follows = "catalogView")
      public boolean known(long sku) {
        return cache.sync().exists(String.format("product:%d", sku));
      }
    """,
    // pricing: the product owner writes through its own (edge) layer; prices owned by code.
    """
      private static final String PRICE = "price:";

      @CacheAccess(follows = "products")
      public CacheWrite publish(${Model} r) {
        return cache.layer(CacheLayer.EDGE).set("product:" + r.id(), r.toJson());
      }

      @CacheAccess(follows = "products")
      public CompletableFuture<Boolean> retire(long sku) {
        return cache.del("product:" + sku + ":details");
      }

      @CacheAccess(owns = "price:{sku}")
      public CacheWrite reprice(long sku, long cents) {
        return cache.set(PRICE + sku, cents);
      }

      @CacheAccess(exclusive = "price:{sku}")
      public CompletableFuture<Long> discount(long sku, long cents) {
        return cache.<Long>atomicUpdate(PRICE + sku, p -> p == null ? null : Math.max(0L, p - cents));
      }
    """,
    // inventory: GLOBAL_CONSISTENT code on GLOBAL_CONSISTENT data.
    """
      @CacheAccess(owns = "stock:{sku}", strategy = Strategy.GLOBAL_CONSISTENT)
      public CacheWrite restock(long sku, int count) {
        return cache.setWithStrategy("stock:" + sku, count, Strategy.GLOBAL_CONSISTENT);
      }

      @CacheAccess(owns = "stock:{sku}", strategy = Strategy.GLOBAL_CONSISTENT)
      public CompletableFuture<Integer> take(long sku) {
        return cache.<Integer>atomicUpdate("stock:" + sku, n -> n == null || n == 0 ? 0 : n - 1);
      }

      @CacheAccess(owns = "payment:{id}", strategy = Strategy.GLOBAL_CONSISTENT)
      public CacheWrite pay(java.util.UUID payment, ${Model} r) {
        return cache.set("payment:" + payment, r.toJson());
      }

      @CacheAccess(borrows = "stock:{sku}", strategy = Strategy.GLOBAL_CONSISTENT)
      public Object level(long sku) {
        return sync.get("stock:" + sku);
      }
    """,
    // carts: follows the CLIENT_FIRST cart component, writes through the client view.
    """
      @CacheAccess(follows = "carts")
      public CacheWrite put(long cart, ${Model} r) {
        return cache.layer(CacheLayer.CLIENT).set("cart:" + cart, r.toJson());
      }

      @CacheAccess(follows = "carts")
      public Object cart(long cart) {
        return sync.get("cart:" + cart);
      }

      @CacheAccess(follows = "carts")
      public CompletableFuture<Boolean> clear(long cart) {
        return cache.del("cart:" + cart);
      }

      @CacheAccess(owns = "coupon:{code}", strategy = Strategy.CLIENT_FIRST)
      public CacheWrite coupon(int code, int percent) {
        return cache.set("coupon:" + code, percent);
      }
    """,
    // media: followers of streaming components stream; popular lists are owned.
    """
      @CacheAccess(follows = "videos")
      public CompletableFuture<Void> upload(long id, ${Model} r) {
        return cache.setStream("video:" + id, new ByteArrayInputStream(bytes(r)));
      }

      @CacheAccess(follows = "videos")
      public CompletableFuture<InputStream> play(long id) {
        return cache.stream("video:" + id);
      }

      @CacheAccess(follows = "images")
      public InputStream thumbnail(long id, int size) {
        return sync.stream(String.format("image:%d:%d", id, size));
      }

      @CacheAccess(owns = "popular:*")
      public CacheWrite rank(String list, List<Long> ids) {
        return cache.set("popular:" + list, ids.toString());
      }
    """,
    // sessions: request-scoped entries, session entries with a cleanup, rate limits.
    """
      @CacheAccess(owns = "session:*", lifetime = Lifetime.REQUEST)
      public void handle(String session, ${Model} r) {
        try (RequestScope scope = cache.requestScope()) {
          scope.setScoped("session:" + session + ":request", r.toJson());
          scope.setScoped(Keys.SESSION + session + ":user", r.id());
        }
      }

      @CacheAccess(owns = "session:*", lifetime = Lifetime.SESSION)
      public CacheWrite login(String session, long user) {
        return cache.set("session:" + session, user).withCleanup(() -> logout(session));
      }

      private void logout(String session) {
        sync.del("session:" + session + ":audit");
      }

      @CacheAccess(owns = "rate:{id}")
      public CompletableFuture<Long> hit(long client) {
        cache.expire("rate:" + client, Duration.ofSeconds(1));
        return cache.increment("rate:" + client, 1);
      }
    """,
    // reviews: an owner with a dependent, a constant prefix, formatted keys, a borrower.
    """
      @CacheAccess(owns = "review:{id}", invalidates = "rating:{id}")
      public CacheWrite review(long id, ${Model} r) {
        return cache.set(Keys.REVIEW + id, r.toJson());
      }

      @CacheAccess(owns = "rating:{id}")
      public CompletableFuture<Integer> rate(long product, int stars) {
        return cache.<Integer>atomicUpdate("rating:%d".formatted(product), s -> s == null ? stars : (s + stars) / 2);
      }

      @CacheAccess(owns = {"post:{id}", "post:{id}:comments"})
      public CacheWrite comment(long post, String text) {
        return cache.set("post:" + post + ":comments", text);
      }

      @CacheAccess(borrows = {"review:{id}", "rating:{id}"})
      public List<Object> show(long id) {
        return List.of(String.valueOf(sync.get("review:" + id)), String.valueOf(sync.get("rating:" + id)));
      }
    """,
    // config: client-layer reads, flags by enum, tenants and their settings, audit writes.
    """
      enum Flag { CHECKOUT, SEARCH, RECOMMENDATIONS }

      @CacheAccess(borrows = {"config:*", "flag:{name}"})
      public boolean enabled(Flag flag) {
        return Boolean.TRUE.equals(sync.get("flag:" + flag.name()));
      }

      @CacheAccess(borrows = "config:*")
      public Object setting(String name) {
        return sync.get(Keys.CONFIG + name);
      }

      @CacheAccess(owns = {"tenant:{id}", "tenant:{id}:settings"})
      public CacheWrite configure(int tenant, ${Model} r) {
        cache.set("tenant:" + tenant, r.name());
        return cache.set(String.join(":", "tenant", Integer.toString(tenant), "settings"), r.toJson());
      }

      @CacheAccess(owns = "audit:*")
      public CacheWrite audit(String who, String what) {
        return cache.set("audit:" + who + ":" + System.nanoTime(), what);
      }
    """,
  };

  private static final String BROKEN =
      """
      import dev.stateless.CacheWrite;
      import dev.stateless.StatelessCache;
      import dev.stateless.annotation.CacheAccess;

      /** A borrower writing what it borrows: SL002. */
      public final class BrokenWriter {
        private final StatelessCache cache;

        public BrokenWriter(StatelessCache cache) {
          this.cache = cache;
        }

        @CacheAccess(borrows = "product:*")
        public CacheWrite update(long sku, String data) {
          return cache.set("product:" + sku, data);
        }
      }
      """;
}
