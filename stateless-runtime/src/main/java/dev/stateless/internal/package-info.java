/**
 * Internal: may change without notice. The engine behind {@link dev.stateless.StatelessCache}:
 * routing, copies and their generation fence, reads, writes, invalidation, warm-up, the offline
 * queue, atomic operations and the in-process store. Not part of the API; no compatibility is kept.
 */
@NullMarked
package dev.stateless.internal;

import org.jspecify.annotations.NullMarked;
