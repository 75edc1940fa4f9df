package dev.stateless.edge.testing;

import dev.stateless.core.Manifest;

/**
 * The manifest of the regions tests and benchmark ({@code docs/regions.md}): one component per
 * strategy, so each strategy's staleness and latency is one key prefix.
 */
public final class RegionsManifest {
  private RegionsManifest() {}

  /**
   * {@code cart:*} regional ({@code @Layer(EDGE)}); {@code user:*} server data with copies ({@code
   * EDGE_OPTIMIZED}, {@code @Backfill}); {@code ledger:*} never copied ({@code GLOBAL_CONSISTENT});
   * {@code note:*} applied locally at once and queued ({@code CLIENT_FIRST}).
   */
  public static final Manifest MANIFEST =
      Manifest.parse(
          "regions.yaml",
          """
          components:
            carts:
              owns: cart:*
              layer: edge
            users:
              owns: user:*
              backfill: true
              strategy: edge_optimized
            ledger:
              owns: ledger:*
              strategy: global_consistent
            notes:
              owns: note:*
              strategy: client_first
          """);
}
