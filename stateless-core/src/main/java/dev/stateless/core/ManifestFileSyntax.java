package dev.stateless.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The YAML subset of manifest files ({@code docs/manifest-file.md}): lines to a tree of block
 * mappings, lists and scalars, each with its line and column. It knows nothing of manifests; {@link
 * ManifestFile} gives the tree its meaning. Every refused line becomes one SL012 finding, and the
 * reader goes on with the next line so that a file's problems are all reported at once.
 */
final class ManifestFileSyntax {
  private ManifestFileSyntax() {}

  /** A value of the tree, where it starts. */
  sealed interface Node permits Scalar, Sequence, Mapping {
    int line();

    int column();
  }

  /** A value of one line: plain (unquoted) or quoted, already unescaped. */
  record Scalar(String text, boolean plain, int line, int column) implements Node {}

  /** A list: {@code [a, b]} on one line, or one {@code - item} line per item. */
  record Sequence(List<Scalar> items, int line, int column) implements Node {}

  /** Keys and their values, one key per line, at one indentation. */
  record Mapping(List<Entry> entries, int line, int column) implements Node {}

  /** A key and its value: null when the key has none (nothing after it, no block under it). */
  record Entry(Scalar key, @Nullable Node value) {}

  /**
   * One line that holds a key or a list item, its comment removed; or a refused line, kept (without
   * key or value) so that the lines under it are not reported again as misplaced.
   */
  private record Line(
      int number, int indent, @Nullable Scalar key, @Nullable Node value, boolean refused) {
    boolean isItem() {
      return key == null && !refused;
    }
  }

  /** Where a finding goes: {@code app.yaml:4:12}. */
  static String where(String source, int line, int column) {
    return source + ":" + line + ":" + column;
  }

  /**
   * Reads a file's text.
   *
   * @return the top-level mapping, or null when the file holds no key at all (or only bad lines)
   */
  static @Nullable Mapping read(String source, String text, List<Diagnostic> problems) {
    List<Line> lines = new ArrayList<>();
    String[] physical = text.split("\n", -1);
    boolean content = false;
    for (int i = 0; i < physical.length; i++) {
      String raw = physical[i];
      if (raw.endsWith("\r")) {
        raw = raw.substring(0, raw.length() - 1);
      }
      if (i == 0 && raw.startsWith("\uFEFF")) {
        raw = raw.substring(1); // a byte order mark is no content
      }
      LineReader r = new LineReader(source, i + 1, raw);
      try {
        Line line = r.read(content);
        if (line != null) {
          lines.add(line);
        }
        content |= r.content;
      } catch (Refusal e) {
        content = true;
        problems.add(e.finding);
        if (r.indent >= 0) {
          lines.add(new Line(i + 1, r.indent, null, null, true));
        }
      }
    }
    if (lines.isEmpty()) {
      return null;
    }
    Line first = lines.get(0);
    if (first.indent != 0) {
      problems.add(Diagnostics.topLevelIndented(where(source, first.number, 1), first.indent));
    }
    return new Blocks(source, lines, problems).topLevel();
  }

  /** A refused line: its one finding. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized: caught in read()
    final Diagnostic finding;

    Refusal(Diagnostic finding) {
      super(finding.message(), null, false, false);
      this.finding = finding;
    }
  }

  /** Reads one physical line into a key or a list item and its value on that line. */
  private static final class LineReader {
    private final String source;
    private final int number;
    private final String text;
    private int pos;
    boolean content;

    /** The line's indentation; -1 until known, and when a tab makes it unknowable. */
    int indent = -1;

    LineReader(String source, int number, String text) {
      this.source = source;
      this.number = number;
      this.text = text;
    }

    private String at(int index) {
      return where(source, number, index + 1);
    }

    /** The line, or null for a blank line, a comment or the document start marker. */
    @Nullable Line read(boolean contentBefore) throws Refusal {
      int spaces = 0;
      while (spaces < text.length() && text.charAt(spaces) == ' ') {
        spaces++;
      }
      if (text.isBlank() || text.strip().startsWith("#")) {
        return null; // a blank line, or a comment line, whatever it holds
      }
      boolean tabbed = spaces < text.length() && text.charAt(spaces) == '\t';
      indent = tabbed ? -1 : spaces;
      checkCharacters();
      pos = indent;
      if (indent == 0 && (text.startsWith("---") || text.startsWith("..."))) {
        String marker = text.substring(0, 3);
        int after = skipSpaces(3);
        if (after == text.length() || (after > 3 && text.charAt(after) == '#')) {
          if (marker.equals("---") && !contentBefore) {
            return null; // one optional document start
          }
          content = true;
          throw new Refusal(Diagnostics.documentMarker(at(0), marker));
        }
      }
      content = true;
      char c = text.charAt(pos);
      if (c == '-' && (pos + 1 == text.length() || text.charAt(pos + 1) == ' ')) {
        pos = skipSpaces(pos + 1);
        if (atEndOfValue()) {
          throw new Refusal(Diagnostics.emptyListItem(at(indent)));
        }
        Node item = value();
        return new Line(number, indent, null, item, false);
      }
      Scalar key = key();
      pos = skipSpaces(pos);
      Node value = atEndOfValue() ? null : value();
      return new Line(number, indent, key, value, false);
    }

    /** Tabs and control characters are refused anywhere but in comment lines, quoted or not. */
    private void checkCharacters() throws Refusal {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\t') {
          boolean indentation = text.substring(0, i).isBlank();
          throw new Refusal(Diagnostics.tabCharacter(at(i), indentation));
        }
        if (Character.isISOControl(c)) {
          throw new Refusal(Diagnostics.controlCharacter(at(i), c));
        }
      }
    }

    private int skipSpaces(int from) {
      int i = from;
      while (i < text.length() && text.charAt(i) == ' ') {
        i++;
      }
      return i;
    }

    /** At the end of the line, or at a comment (which spaces precede). */
    private boolean atEndOfValue() {
      return pos == text.length() || (text.charAt(pos) == '#' && text.charAt(pos - 1) == ' ');
    }

    /** After a value: nothing, or spaces and a comment. */
    private void expectEnd(String value) throws Refusal {
      int after = skipSpaces(pos);
      if (after == text.length() || (after > pos && text.charAt(after) == '#')) {
        pos = after;
        return;
      }
      throw new Refusal(Diagnostics.textAfterValue(at(after), value, rest(after)));
    }

    private String rest(int from) {
      return text.substring(from).stripTrailing();
    }

    /** A key: plain text up to {@code ": "} (or a final {@code ":"}), or a quoted text and ":". */
    private Scalar key() throws Refusal {
      int start = pos;
      char c = text.charAt(pos);
      Scalar key;
      if (c == '"' || c == '\'') {
        key = quoted();
        if (pos == text.length() || text.charAt(pos) != ':') {
          throw new Refusal(Diagnostics.expectedKey(at(start), rest(start)));
        }
      } else {
        int colon = -1;
        for (int i = pos; i < text.length(); i++) {
          char k = text.charAt(i);
          if (k == '#' && text.charAt(i - 1) == ' ') {
            break;
          }
          if (k == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
            colon = i;
            break;
          }
        }
        if (colon < 0) {
          throw new Refusal(Diagnostics.expectedKey(at(start), rest(start)));
        }
        String name = text.substring(start, colon).stripTrailing();
        if (name.isEmpty()) {
          throw new Refusal(Diagnostics.expectedKey(at(start), rest(start)));
        }
        checkPlainStart(start, name, name);
        key = new Scalar(name, true, number, start + 1);
        pos = colon;
      }
      pos++; // the colon
      if (pos < text.length() && text.charAt(pos) != ' ') {
        throw new Refusal(Diagnostics.expectedKey(at(start), rest(start)));
      }
      return key;
    }

    /** A value after {@code "key: "} or {@code "- "}: a list on one line, or a scalar. */
    private Node value() throws Refusal {
      int start = pos;
      char c = text.charAt(pos);
      if (c == '[') {
        return flowSequence();
      }
      if (c == '"' || c == '\'') {
        Scalar s = quoted();
        expectEnd(s.text());
        return s;
      }
      int end = text.length();
      for (int i = pos + 1; i < text.length(); i++) {
        if (text.charAt(i) == '#' && text.charAt(i - 1) == ' ') {
          end = i;
          break;
        }
      }
      String plain = text.substring(start, end).stripTrailing();
      checkPlainStart(start, plain, plain);
      int colon = plain.indexOf(": ");
      if (colon >= 0 || plain.endsWith(":")) {
        throw new Refusal(
            Diagnostics.colonInValue(
                at(colon >= 0 ? start + colon : start + plain.length() - 1), plain));
      }
      pos = end;
      return new Scalar(plain, true, number, start + 1);
    }

    /** Refuses plain text that YAML would read as something else than text. */
    private void checkPlainStart(int start, String plain, String shown) throws Refusal {
      char c = plain.charAt(0);
      boolean indicatorAlone =
          (c == '-' || c == '?' || c == ':') && (plain.length() == 1 || plain.charAt(1) == ' ');
      if (indicatorAlone || "[]{},&*!|>'\"%@`".indexOf(c) >= 0) {
        throw new Refusal(Diagnostics.yamlIndicator(at(start), shown, c));
      }
    }

    /**
     * {@code [a, "b", 'c']} on one line; items are plain or quoted. A plain item holds none of
     * {@code , [ ] { } ?}: YAML 1.1 tools end it at a {@code ?} too.
     */
    private Sequence flowSequence() throws Refusal {
      int open = pos;
      List<Scalar> items = new ArrayList<>();
      pos = skipSpaces(pos + 1);
      if (pos < text.length() && text.charAt(pos) == ']') {
        pos++;
        expectEnd(text.substring(open, pos));
        return new Sequence(List.of(), number, open + 1);
      }
      while (true) {
        if (pos == text.length() || atEndOfValue()) {
          throw new Refusal(Diagnostics.unclosedList(at(open)));
        }
        int start = pos;
        char c = text.charAt(pos);
        if (c == ',' || c == ']') {
          throw new Refusal(Diagnostics.emptyListItem(at(start)));
        }
        Scalar item;
        if (c == '"' || c == '\'') {
          item = quoted();
        } else {
          int end = pos;
          while (end < text.length()
              && ",[]{}?".indexOf(text.charAt(end)) < 0
              && !(text.charAt(end) == '#' && text.charAt(end - 1) == ' ')) {
            end++;
          }
          String plain = text.substring(start, end).stripTrailing();
          if (end < text.length() && "[{}?".indexOf(text.charAt(end)) >= 0) {
            throw new Refusal(
                Diagnostics.flowIndicatorInItem(at(end), flowItemText(start), text.charAt(end)));
          }
          if (plain.isEmpty()) {
            throw new Refusal(Diagnostics.emptyListItem(at(start)));
          }
          checkPlainStart(start, plain, plain);
          int colon = plain.indexOf(": ");
          if (colon >= 0 || plain.endsWith(":")) {
            throw new Refusal(Diagnostics.colonInValue(at(start), plain));
          }
          item = new Scalar(plain, true, number, start + 1);
          pos = end;
        }
        items.add(item);
        pos = skipSpaces(pos);
        if (pos < text.length() && text.charAt(pos) == ',') {
          pos = skipSpaces(pos + 1);
        } else if (pos < text.length() && text.charAt(pos) == ']') {
          pos++;
          expectEnd(text.substring(open, pos));
          return new Sequence(List.copyOf(items), number, open + 1);
        } else if (pos == text.length() || atEndOfValue()) {
          throw new Refusal(Diagnostics.unclosedList(at(open)));
        } else {
          throw new Refusal(Diagnostics.textAfterValue(at(pos), item.text(), rest(pos)));
        }
      }
    }

    /** The text of a list item that holds a brace, for a help line that quotes it. */
    private String flowItemText(int start) {
      String shown = rest(start);
      int comment = shown.indexOf(" #");
      if (comment >= 0) {
        shown = shown.substring(0, comment);
      }
      int comma = shown.indexOf(',');
      if (comma >= 0) {
        shown = shown.substring(0, comma);
      }
      shown = shown.stripTrailing();
      return shown.endsWith("]") ? shown.substring(0, shown.length() - 1).stripTrailing() : shown;
    }

    /** A quoted text: {@code '...'} ({@code ''} is a quote) or {@code "..."} with escapes. */
    private Scalar quoted() throws Refusal {
      int open = pos;
      char quote = text.charAt(pos++);
      StringBuilder out = new StringBuilder();
      while (true) {
        if (pos == text.length()) {
          throw new Refusal(Diagnostics.unclosedQuote(at(open), quote));
        }
        char c = text.charAt(pos++);
        if (c == quote) {
          if (quote == '\'' && pos < text.length() && text.charAt(pos) == '\'') {
            out.append('\'');
            pos++;
            continue;
          }
          return new Scalar(out.toString(), false, number, open + 1);
        }
        if (c == '\\' && quote == '"') {
          escape(out);
        } else {
          out.append(c);
        }
      }
    }

    /** One escape of a double-quoted text, after its backslash. */
    private void escape(StringBuilder out) throws Refusal {
      int start = pos - 1;
      if (pos == text.length()) {
        throw new Refusal(Diagnostics.unclosedQuote(at(start), '"'));
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '\\', '"', '/' -> out.append(e);
        case 't' -> out.append('\t');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case '0' -> out.append('\0');
        case 'x' -> out.appendCodePoint(hex(start, 2));
        case 'u' -> out.append((char) hex(start, 4));
        case 'U' -> {
          int cp = hex(start, 8);
          if (cp < 0 || cp > Character.MAX_CODE_POINT) {
            throw new Refusal(Diagnostics.badEscape(at(start), text.substring(start, pos)));
          }
          out.appendCodePoint(cp);
        }
        default -> throw new Refusal(Diagnostics.badEscape(at(start), "\\" + e));
      }
    }

    private int hex(int start, int digits) throws Refusal {
      if (pos + digits > text.length()) {
        throw new Refusal(Diagnostics.badEscape(at(start), rest(start)));
      }
      String h = text.substring(pos, pos + digits);
      for (int i = 0; i < digits; i++) {
        if ("0123456789abcdefABCDEF".indexOf(h.charAt(i)) < 0) {
          throw new Refusal(Diagnostics.badEscape(at(start), text.substring(start, pos + digits)));
        }
      }
      pos += digits;
      return (int) Long.parseLong(h, 16);
    }
  }

  /** Groups lines into blocks by their indentation. */
  private static final class Blocks {
    private final String source;
    private final List<Line> lines;
    private final List<Diagnostic> problems;
    private int next;

    Blocks(String source, List<Line> lines, List<Diagnostic> problems) {
      this.source = source;
      this.lines = lines;
      this.problems = problems;
    }

    /** The file's top level: a mapping at the first line's indentation; the rest is refused. */
    @Nullable Mapping topLevel() {
      int indent = lines.get(0).indent;
      Mapping top = null;
      while (next < lines.size()) {
        Line line = lines.get(next);
        if (line.refused) {
          skipRefused(line);
        } else if (line.isItem()) {
          problems.add(Diagnostics.unexpectedListItem(where(source, line.number, line.indent + 1)));
          next++;
          skipBlock(line.indent);
        } else if (line.indent != indent) {
          unexpectedIndentation(line, indent);
        } else {
          Mapping m = mapping(indent);
          if (top == null) {
            top = m;
          } else {
            List<Entry> all = new ArrayList<>(top.entries());
            all.addAll(m.entries());
            top = new Mapping(List.copyOf(all), top.line(), top.column());
          }
        }
      }
      return top;
    }

    /** The keys at one indentation, starting at the current line (a key at that indentation). */
    private Mapping mapping(int indent) {
      Line first = lines.get(next);
      List<Entry> entries = new ArrayList<>();
      while (next < lines.size()) {
        Line line = lines.get(next);
        if (line.indent < indent) {
          break;
        }
        if (line.refused) {
          skipRefused(line);
          continue;
        }
        if (line.indent > indent) {
          unexpectedIndentation(line, indent);
          continue;
        }
        if (line.isItem()) {
          problems.add(Diagnostics.unexpectedListItem(where(source, line.number, indent + 1)));
          next++;
          skipBlock(indent);
          continue;
        }
        next++;
        Node value = line.value;
        if (value == null && next < lines.size()) {
          Line below = lines.get(next);
          if (below.indent > indent) {
            value = below.isItem() ? sequence(below.indent) : mapping(below.indent);
          } else if (below.indent == indent && below.isItem()) {
            value = sequence(indent); // YAML's list items at their key's indentation
          }
        }
        entries.add(new Entry(Objects.requireNonNull(line.key), value));
      }
      return new Mapping(List.copyOf(entries), first.number, first.indent + 1);
    }

    /** The {@code - item} lines at one indentation, starting at the current line. */
    private Sequence sequence(int indent) {
      Line first = lines.get(next);
      List<Scalar> items = new ArrayList<>();
      while (next < lines.size()) {
        Line line = lines.get(next);
        if (line.refused && line.indent >= indent) {
          skipRefused(line);
          continue;
        }
        if (line.indent != indent || !line.isItem()) {
          if (line.indent > indent) {
            unexpectedIndentation(line, indent);
            continue;
          }
          break;
        }
        next++;
        Node item = Objects.requireNonNull(line.value);
        if (item instanceof Scalar s) {
          items.add(s);
        } else {
          problems.add(Diagnostics.nestedList(where(source, line.number, item.column())));
        }
      }
      return new Sequence(List.copyOf(items), first.number, first.indent + 1);
    }

    /** Reports a line whose indentation fits no block, and skips the lines nested under it. */
    private void unexpectedIndentation(Line line, int expected) {
      problems.add(
          Diagnostics.unexpectedIndentation(
              where(source, line.number, line.indent + 1), line.indent, expected));
      next++;
      skipBlock(expected);
    }

    /** Skips a refused line (reported already) and the lines under it. */
    private void skipRefused(Line line) {
      next++;
      skipBlock(line.indent);
    }

    /** Skips the lines indented deeper than a block's indentation. */
    private void skipBlock(int indent) {
      while (next < lines.size() && lines.get(next).indent > indent) {
        next++;
      }
    }
  }

  /**
   * Writes a text in double quotes, escaping what must be: the one quoting used by {@link
   * ManifestFile}'s writer and by help lines that suggest quoting a value.
   */
  static String doubleQuoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> {
          if (Character.isISOControl(c) || (Character.isSurrogate(c) && !pairedAt(text, i))) {
            out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static boolean pairedAt(String text, int i) {
    char c = text.charAt(i);
    return Character.isHighSurrogate(c)
        ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }
}
