/**
 * The stateless manifest annotations: {@link dev.stateless.annotation.CacheManifest} and its
 * component annotations, {@link dev.stateless.annotation.CacheAccess} for code, and their enums.
 * This artifact has no dependencies; it is all an application puts on its compile classpath besides
 * the checker.
 */
package dev.stateless.annotation;
