package dev.stateless.examples.checked;

import dev.stateless.RequestScope;
import dev.stateless.StatelessCache;
import dev.stateless.annotation.CacheAccess;
import dev.stateless.annotation.Lifetime;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Cache code the checker proves at compile time. Change {@code publish}'s {@code follows} to {@code
 * borrows = "product:*"} and the build stops with {@code error[SL002]} at the key.
 */
public final class CatalogService {
  private static final String PRODUCT = "product:";

  private final StatelessCache cache;

  /**
   * Creates the service.
   *
   * @param cache a cache built from {@link ShopCache}
   */
  public CatalogService(StatelessCache cache) {
    this.cache = cache;
  }

  private static String productKey(int id) {
    return PRODUCT + id;
  }

  /**
   * Writes a product, as the component that owns products.
   *
   * @param id the product id
   * @param name its name
   */
  @CacheAccess(follows = "catalog")
  public void publish(int id, String name) {
    cache.sync().set(productKey(id), name);
  }

  /**
   * Reads a product: borrowing is enough.
   *
   * @param id the product id
   * @return its name, or null
   */
  @CacheAccess(borrows = "product:*")
  public @Nullable Object show(int id) {
    return cache.sync().get(String.format("product:%d", id));
  }

  /**
   * Counts an item into a cart: read-modify-write needs ownership.
   *
   * @param cart the cart id
   * @return the new count
   */
  @CacheAccess(owns = "cart:{id}")
  public long addToCart(UUID cart) {
    Long n = cache.sync().atomicUpdate("cart:" + cart, (Long v) -> v == null ? 1L : v + 1);
    return Objects.requireNonNull(n, "the update never deletes the count");
  }

  /**
   * Handles a request whose temporaries die with it.
   *
   * @param request the request number
   * @return whether the temporary was visible inside the request
   */
  @CacheAccess(lifetime = Lifetime.REQUEST)
  public boolean handle(int request) {
    String key = "req:" + request;
    try (RequestScope scope = cache.requestScope()) {
      scope.setScoped(key, "working").join();
      return cache.sync().get(key) != null;
    }
  }
}
