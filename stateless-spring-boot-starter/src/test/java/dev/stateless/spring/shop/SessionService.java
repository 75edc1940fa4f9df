package dev.stateless.spring.shop;

import dev.stateless.StatelessCache;
import dev.stateless.annotation.CacheAccess;
import org.springframework.cache.annotation.CachePut;
import org.springframework.stereotype.Service;

/** Methods whose {@code @CacheAccess} rights the starter's advisor binds to their calls. */
@Service
public class SessionService {
  private final StatelessCache cache;

  public SessionService(StatelessCache cache) {
    this.cache = cache;
  }

  /** Puts into the users' cache, whose keys this method only borrows: SL002. */
  @CacheAccess(owns = "session:{id}", borrows = "user:{id}")
  @CachePut(cacheNames = "users", key = "#id")
  public String renameUser(long id, String name) {
    return name;
  }

  /** A plain cache write of a key this method only borrows: SL002 at run time. */
  @CacheAccess(owns = "session:{id}", borrows = "user:{id}")
  public void writeUser(long id, String value) {
    cache.sync().set("user:" + id, value);
  }

  /** A plain cache write of a key this method owns. */
  @CacheAccess(owns = "session:{id}", borrows = "user:{id}")
  public void writeSession(long id, String value) {
    cache.sync().set("session:" + id, value);
  }

  /**
   * Puts through the sessions' cache (a component that only borrows user keys) a key this method
   * may write: it follows the users' component, and its rights are the ones judged.
   */
  @CacheAccess(follows = "users")
  @CachePut(cacheNames = "sessions", key = "'user:' + #id")
  public String putUserAsOwner(long id, String name) {
    return name;
  }
}
