package dev.stateless.jcache.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import javax.cache.CacheException;

/**
 * Keys and values as bytes (Java serialization), read back with the manager's class loader: what
 * makes the caches store-by-value, and what Redis holds.
 */
final class Serializer {
  private final ClassLoader classLoader;

  Serializer(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  byte[] toBytes(Object object) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    } catch (IOException e) {
      // As the reference implementation: a value that cannot be copied is the caller's mistake.
      throw new IllegalArgumentException(
          "cannot store " + object.getClass().getName() + " by value: " + e, e);
    }
    return bytes.toByteArray();
  }

  Object fromBytes(byte[] bytes) {
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new CacheException("cannot read a stored value back: " + e, e);
    }
  }

  private final class LoaderObjectInputStream extends ObjectInputStream {
    LoaderObjectInputStream(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
