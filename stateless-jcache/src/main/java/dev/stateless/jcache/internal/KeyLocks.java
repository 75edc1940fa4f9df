package dev.stateless.jcache.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks by store key: a JCache compound operation (put-if-absent, replace, invoke) is
 * atomic among this process's callers.
 */
final class KeyLocks {
  private final ReentrantLock[] stripes = new ReentrantLock[64];

  KeyLocks() {
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  ReentrantLock of(String storeKey) {
    return stripes[index(storeKey)];
  }

  /** The locks of several keys, each once, in one order for all callers (no deadlock). */
  List<ReentrantLock> of(Collection<String> storeKeys) {
    TreeSet<Integer> indexes = new TreeSet<>();
    for (String key : storeKeys) {
      indexes.add(index(key));
    }
    List<ReentrantLock> locks = new ArrayList<>(indexes.size());
    for (int index : indexes) {
      locks.add(stripes[index]);
    }
    return locks;
  }

  private int index(String storeKey) {
    return (storeKey.hashCode() & 0x7fffffff) % stripes.length;
  }
}
