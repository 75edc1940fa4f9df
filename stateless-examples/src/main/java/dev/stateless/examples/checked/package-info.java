/**
 * Code compiled under the borrow checker: this module puts {@code stateless-checker} on its
 * annotation processor path, so every call in {@link dev.stateless.examples.checked.CatalogService}
 * is proved against {@link dev.stateless.examples.checked.ShopCache} by javac.
 */
package dev.stateless.examples.checked;
