package dev.stateless.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit lifecycle of an extension that runs processes ({@link RedisServerExtension}, {@link
 * RedisSentinelExtension}): registered on a {@code static} field, it starts them before the class's
 * first test and closes them after its last one, and calls {@link #start()} again before each test
 * (which restarts what the subclass restarts); on an instance field, it starts them before and
 * closes them after every test.
 */
abstract class ScopedExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private boolean classScoped;
  private boolean perTest;

  /** Starts what is not running; does nothing if everything is. */
  public abstract void start();

  /** Stops everything and deletes what was made for it. */
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
        perTest = true; // no beforeAll: registered on an instance field, started per test
      }
    }
    start(); // per class: again, for what an earlier test stopped
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
