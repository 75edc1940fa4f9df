/**
 * The compile-time borrow checker: {@link dev.stateless.checker.StatelessProcessor}, an annotation
 * processor javac finds by itself. Everything else in this package is internal to it.
 */
@NullMarked
package dev.stateless.checker;

import org.jspecify.annotations.NullMarked;
