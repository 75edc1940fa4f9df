/**
 * The model shared by the checker and the runtime: {@link dev.stateless.core.KeyPattern key
 * patterns}, the {@link dev.stateless.core.Manifest manifest} of owners, {@link
 * dev.stateless.core.KeyShape key shapes} and the {@link dev.stateless.core.AccessRules access
 * rules}, with their {@link dev.stateless.core.Diagnostic diagnostics}. Every rule lives here once.
 * No third-party dependencies besides JSpecify's annotations: the package is null-marked, and what
 * may be null is annotated {@code @Nullable}.
 */
@NullMarked
package dev.stateless.core;

import org.jspecify.annotations.NullMarked;
