package app;

/** Key constants shared by services: compile-time constants of another class. */
final class Keys {
  static final String USER_PREFIX = "user:";
  static final String FEATURED_USER = USER_PREFIX + "featured";
  static final String POSTS_SUFFIX = ":posts";

  private Keys() {}
}
