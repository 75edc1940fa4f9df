package dev.stateless.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit lifecycle of an extension that runs servers ({@link RedisServerExtension}, {@link
 * RedisClusterExtension}): registered on a {@code static} field, {@link #start()} before the first
 * test of the class and before each test (which brings back what an earlier test stopped), {@link
 * #close()} after the last; registered on an instance field, {@link #start()} before and {@link
 * #close()} after every test.
 */
abstract class ScopedServerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private boolean classScoped;
  private boolean perTest;

  /** Starts what is not running; called before the class and before each test. */
  public abstract void start();

  /** Stops everything and deletes its files; called after the class, or after each test. */
  public abstract void close();

  @Override
  public void beforeAll(ExtensionContext context) {
    synchronized (this) {
      classScoped = true;
    }
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    synchronized (this) {
      classScoped = false;
    }
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    synchronized (this) {
      if (!classScoped) {
        // No beforeAll: registered on an instance field, one start per test.
        perTest = true;
      }
    }
    // Per class: restarts what an earlier test left stopped.
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    synchronized (this) {
      if (perTest) {
        perTest = false;
        close();
      }
    }
  }
}
