package dev.stateless;

import dev.stateless.annotation.Borrows;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Invalidates;
import dev.stateless.annotation.Layer;
import dev.stateless.annotation.MaxSize;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Streaming;
import dev.stateless.annotation.Ttl;

/** Streaming components on the server layer (Redis or in-process) and on the edge. */
@CacheManifest
final class StreamingManifest {
  static final int BLOB_CHUNK = 4096;
  static final int SMALL_CHUNK = 1024;

  @Streaming(chunkSize = "4KB")
  @Owns("blob:*")
  @Invalidates("summary:*")
  Object blobs;

  @Streaming(chunkSize = "1KB")
  @MaxSize("10KB")
  @Owns("capped:*")
  Object capped;

  @Streaming(chunkSize = "1KB")
  @Ttl("30s")
  @Owns("clip:*")
  Object clips;

  @Layer(CacheLayer.EDGE)
  @Streaming(chunkSize = "1KB")
  @Owns("video:*")
  Object videos;

  @Streaming(chunkSize = "1MB")
  @Owns("movie:*")
  Object movies;

  @Owns("summary:*")
  Object summaries;

  @Owns("doc:*")
  Object docs;

  @Borrows({"blob:*", "doc:*"})
  Object viewer;

  private StreamingManifest() {}
}
