/**
 * The stateless runtime: {@link dev.stateless.StatelessCache}, built over one store per layer,
 * routes every call to its owner's layer, enforces the manifest's rights for keys the compiler
 * cannot see and invalidates copies and dependents on every owner write.
 */
@NullMarked
package dev.stateless;

import org.jspecify.annotations.NullMarked;
