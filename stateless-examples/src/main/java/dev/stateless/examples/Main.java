package dev.stateless.examples;

/** Placeholder. */
public final class Main {
  private Main() {}

  /**
   * Entry point.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    System.out.println("stateless");
  }
}
