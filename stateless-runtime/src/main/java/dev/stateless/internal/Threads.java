package dev.stateless.internal;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/** The runtime's thread pools: daemon threads named after their work, so none keeps a JVM up. */
public final class Threads {
  private Threads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** A pool that grows with the work and lets idle threads go. */
  public static ExecutorService cached(String name) {
    return Executors.newCachedThreadPool(named(name));
  }

  /** Whether this is one of Netty's I/O threads (Lettuce's), where nothing may block. */
  public static boolean onIoThread() {
    return Thread.currentThread() instanceof FastThreadLocalThread;
  }

  /** One thread, running tasks in order. */
  public static ExecutorService single(String name) {
    return Executors.newSingleThreadExecutor(named(name));
  }
}
