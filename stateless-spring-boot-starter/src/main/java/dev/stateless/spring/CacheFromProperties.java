package dev.stateless.spring;

import dev.stateless.LayerStore;
import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.core.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.util.ClassUtils;

/** Turns {@link StatelessProperties} into a {@link StatelessCache.Builder}: one property a step. */
final class CacheFromProperties {
  private CacheFromProperties() {}

  static StatelessCache.Builder builder(StatelessProperties p, @Nullable ClassLoader classLoader) {
    StatelessCache.Builder b = StatelessCache.builder();
    Manifest manifest = manifest(p.getManifest(), classLoader);
    for (Map.Entry<String, StatelessProperties.ComponentProperties> o :
        p.getComponents().entrySet()) {
      manifest =
          manifest.withOverride(o.getKey(), o.getValue().getTtl(), o.getValue().getMaxSize());
    }
    b.manifest(manifest);
    String serverUri = p.getServer().getUri();
    var certificates = p.getServer().getTrustedCertificates();
    if (serverUri != null) {
      b.server(
          store(
              "stateless.server.uri",
              () ->
                  certificates == null
                      ? Stores.redis(serverUri)
                      : Stores.redis(serverUri, certificates)));
    } else if (certificates != null) {
      throw new IllegalArgumentException(
          "stateless.server.trusted-certificates is set but stateless.server.uri is not: the"
              + " certificates are for a rediss:// server; set the URI, or remove the"
              + " certificates");
    }
    String edgeUri = p.getEdge().getUri();
    String edgeSize = p.getEdge().getMaxSize();
    if (edgeUri != null && edgeSize != null) {
      throw new IllegalArgumentException(
          "stateless.edge.uri and stateless.edge.max-size are both set: max-size bounds an"
              + " in-process edge layer, a node bounds its own; remove one");
    }
    String region = p.getEdge().getRegion();
    Map<String, List<String>> regions = p.getEdge().getRegions();
    if (region != null || !regions.isEmpty()) {
      if (region == null || regions.isEmpty()) {
        throw new IllegalArgumentException(
            region == null
                ? "stateless.edge.regions is set but stateless.edge.region is not: name this"
                    + " application's region, one of "
                    + regions.keySet()
                : "stateless.edge.region is set but stateless.edge.regions is not: give the edge"
                    + " node URIs of each region, e.g. stateless.edge.regions."
                    + region
                    + "=redis://edge-1:6380");
      }
      if (edgeUri != null || edgeSize != null) {
        throw new IllegalArgumentException(
            "stateless.edge.region(s) and stateless.edge."
                + (edgeUri != null ? "uri" : "max-size")
                + " are both set: the regions' nodes are the edge layer; remove "
                + (edgeUri != null ? "the uri (list it under its region)" : "the max-size"));
      }
      b.edge(Stores.edge(region, regions));
    } else if (edgeUri != null) {
      b.edge(store("stateless.edge.uri", () -> Stores.edge(edgeUri)));
    } else if (edgeSize != null) {
      b.edge(Stores.inProcess(edgeSize));
    }
    String clientSize = p.getClient().getMaxSize();
    if (clientSize != null) {
      b.client(Stores.inProcess(clientSize));
    }
    if (p.getStrategy() != null) {
      b.strategy(p.getStrategy());
    }
    if (p.getOfflineQueue() != null) {
      b.offlineQueue(p.getOfflineQueue());
    }
    b.ttlJitter(p.getTtlJitter());
    if (p.getNegativeCaching() != null) {
      b.negativeCaching(p.getNegativeCaching());
    }
    if (p.getCloseTimeout() != null) {
      b.closeTimeout(p.getCloseTimeout());
    }
    return b;
  }

  private static Manifest manifest(
      StatelessProperties.ManifestProperties m, @Nullable ClassLoader classLoader) {
    String className = m.getClassName();
    Resource file = m.getFile();
    if (className != null && file != null) {
      throw new IllegalArgumentException(
          "stateless.manifest.class-name and stateless.manifest.file are both set: a cache has one"
              + " manifest; remove one");
    }
    if (className != null) {
      Class<?> type;
      try {
        type = ClassUtils.forName(className, classLoader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalArgumentException(
            "stateless.manifest.class-name: no class " + className + " on the class path", e);
      }
      return Manifest.from(type);
    }
    if (file != null) {
      String text;
      try (InputStream in = file.getInputStream()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "stateless.manifest.file: cannot read " + file.getDescription(), e);
      }
      String source = file.getFilename() != null ? file.getFilename() : file.getDescription();
      return Manifest.parse(source, text);
    }
    return Manifest.empty();
  }

  /** Builds a store, naming the property in the message of a malformed URI. */
  private static LayerStore store(String property, Supplier<LayerStore> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
    }
  }
}
