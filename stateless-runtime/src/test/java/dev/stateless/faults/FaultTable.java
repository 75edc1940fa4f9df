package dev.stateless.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suite's figures, one row per fault, in the order the scenarios ran; rendered as a Markdown
 * table (printed and written to {@code target/fault-suite.md}).
 */
final class FaultTable {
  /**
   * One fault's figures. {@code stale}: reads after quiescence that disagree with Redis; {@code
   * lost}: acknowledged writes (and increments) Redis does not hold though it should; {@code
   * duplicated}: increments or queued records applied more than once; {@code hangs}: calls that did
   * not complete within their timeout and a margin; {@code pastTimeout}: calls that completed later
   * than their timeout; {@code failed}: calls that failed with a coded exception; {@code uncoded}:
   * calls that failed without one; {@code uncertain}: failed increments, which may or may not have
   * been applied.
   */
  record Row(
      String fault,
      long operations,
      long stale,
      long lost,
      long duplicated,
      long hangs,
      long pastTimeout,
      long failed,
      long uncoded,
      long uncertain,
      Duration took,
      String notes) {

    /** Whether the suite's promise holds: no stale read, no lost or duplicated write, no hang. */
    boolean clean() {
      return stale == 0 && lost == 0 && duplicated == 0 && hangs == 0 && uncoded == 0;
    }
  }

  private static final List<Row> ROWS = new ArrayList<>();

  private FaultTable() {}

  static synchronized void add(Row row) {
    ROWS.add(row);
    System.out.println("[fault-suite] " + render(List.of(row), null));
  }

  static synchronized List<Row> rows() {
    return List.copyOf(ROWS);
  }

  /** The table of {@code rows}, with the suite's total time when known. */
  static String render(List<Row> rows, Duration total) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| fault | operations | stale | lost | duplicated | hangs | past timeout"
            + " | failed (coded) | uncoded | uncertain | time | notes |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %d | %d | %d | %d | %d | %,d | %d | %d | %.1f s | %s |%n",
              r.fault(),
              r.operations(),
              r.stale(),
              r.lost(),
              r.duplicated(),
              r.hangs(),
              r.pastTimeout(),
              r.failed(),
              r.uncoded(),
              r.uncertain(),
              r.took().toMillis() / 1000.0,
              r.notes().replace("|", "\\|").replace("\n", " ")));
    }
    if (total != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "%nTotal time of the fault IT classes: %.1f s%n",
              total.toMillis() / 1000.0));
    }
    return out.toString();
  }

  /** Prints the table and writes it to {@code file}. */
  static synchronized void publish(Path file, Duration total) {
    List<Row> rows = new ArrayList<>(ROWS);
    rows.sort(
        java.util.Comparator.comparing(Row::fault)); // "(a) ...", "(b) ...": the order
    String table = render(rows, total);
    System.out.println();
    System.out.println("Fault suite figures:");
    System.out.println(table);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "# Fault suite\n\n" + table, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
