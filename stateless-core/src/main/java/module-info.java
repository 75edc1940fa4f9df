/**
 * The model shared by the checker and the runtime: key patterns, key shapes, the manifest of
 * owners, the access rules and their diagnostics.
 */
module dev.stateless.core {
  requires transitive dev.stateless.annotations;

  exports dev.stateless.core;
}
