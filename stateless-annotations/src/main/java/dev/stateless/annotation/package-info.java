/**
 * The stateless manifest annotations: {@link dev.stateless.annotation.CacheManifest} and its
 * component annotations, {@link dev.stateless.annotation.CacheAccess} for code, and their enums.
 * Besides JSpecify's nullness annotations this artifact has no dependencies; it is all an
 * application puts on its compile classpath besides the checker. The package is null-marked.
 */
@NullMarked
package dev.stateless.annotation;

import org.jspecify.annotations.NullMarked;
