/** The JCache provider's engine; internal: may change without notice. */
@NullMarked
package dev.stateless.jcache.internal;

import org.jspecify.annotations.NullMarked;
