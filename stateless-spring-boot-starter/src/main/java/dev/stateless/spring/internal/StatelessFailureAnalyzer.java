package dev.stateless.spring.internal;

import dev.stateless.core.StatelessException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Tells a Spring Boot user why the application did not start when stateless refused its
 * configuration: the coded findings as the SDK renders them ({@code error[SL012]: ...} with each
 * {@code help:} line) as the description, and the first finding's help as the action. Registered in
 * {@code META-INF/spring.factories}.
 */
public final class StatelessFailureAnalyzer extends AbstractFailureAnalyzer<StatelessException> {
  /** Created by Spring Boot. */
  public StatelessFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, StatelessException cause) {
    return new FailureAnalysis(
        "stateless refused its configuration (stateless.* properties or the manifest):\n\n"
            + cause.getMessage(),
        cause.help(),
        cause);
  }
}
