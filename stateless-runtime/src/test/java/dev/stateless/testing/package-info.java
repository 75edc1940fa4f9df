/** Test harness: a real redis-server per test class. */
package dev.stateless.testing;
