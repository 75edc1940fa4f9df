/**
 * Spring Boot support for stateless: {@link dev.stateless.spring.StatelessAutoConfiguration} builds
 * a {@link dev.stateless.StatelessCache} bean from {@code stateless.*} properties ({@link
 * dev.stateless.spring.StatelessProperties}) and exposes the manifest's components as Spring caches
 * ({@link dev.stateless.spring.StatelessCacheManager}). See {@code docs/spring.md}.
 */
@NullMarked
package dev.stateless.spring;

import org.jspecify.annotations.NullMarked;
