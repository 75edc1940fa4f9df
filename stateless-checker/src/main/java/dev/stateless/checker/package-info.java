/**
 * The compile-time borrow checker: {@link dev.stateless.checker.StatelessPlugin}, a javac plugin
 * that javac finds and starts by itself, and {@link dev.stateless.checker.StatelessProcessor}, the
 * same checker as an annotation processor for builds that name it. Everything else in this package
 * is internal to them.
 */
@NullMarked
package dev.stateless.checker;

import org.jspecify.annotations.NullMarked;
