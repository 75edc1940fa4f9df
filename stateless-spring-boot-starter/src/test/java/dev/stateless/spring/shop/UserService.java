package dev.stateless.spring.shop;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** Caches through Spring's annotations; counts how often each method body runs. */
@Service
public class UserService {
  private final AtomicInteger loads = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  /** How often a cached method's body ran (a method: the bean is a proxy). */
  public AtomicInteger loads() {
    return loads;
  }

  @Cacheable("users")
  public String name(long id) {
    loads.incrementAndGet();
    return "user-" + id;
  }

  @CachePut(cacheNames = "users", key = "#id")
  public String rename(long id, String name) {
    return name;
  }

  @CacheEvict("users")
  public void forget(long id) {}

  @CacheEvict(cacheNames = "users", allEntries = true)
  public void forgetAll() {}

  @Cacheable("products")
  public Product product(long id) {
    loads.incrementAndGet();
    return new Product("p" + id, 100 * id);
  }

  @Cacheable("stock")
  public Long stock(long id) {
    loads.incrementAndGet();
    return id;
  }

  /** Makes {@link #slowProduct} wait, once running, until the latch is open. */
  public void gate(CountDownLatch gate) {
    this.gate = gate;
  }

  /** A load that waits at the gate: concurrent callers must share it. */
  @Cacheable(cacheNames = "products", sync = true)
  public Product slowProduct(long id) throws InterruptedException {
    loads.incrementAndGet();
    if (!gate.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gate not opened");
    }
    return new Product("slow" + id, id);
  }

  /** A load that fails with a checked exception. */
  @Cacheable(cacheNames = "products", sync = true)
  public Product missingProduct(long id) throws IOException {
    loads.incrementAndGet();
    throw new IOException("no product " + id);
  }

  /** Writes into the users' keys through the sessions cache, which only borrows them. */
  @CachePut(cacheNames = "sessions", key = "'user:' + #id")
  public String hijack(long id) {
    return "hijacked";
  }
}
