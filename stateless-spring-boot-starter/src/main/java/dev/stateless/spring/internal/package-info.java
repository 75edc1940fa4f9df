/** The starter's wiring: internal, may change without notice. */
@NullMarked
package dev.stateless.spring.internal;

import org.jspecify.annotations.NullMarked;
