package dev.stateless.edge.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/** Seeded RESP input for the fuzz tests: valid requests, mutated requests, random bytes. */
final class RespFuzz {
  private RespFuzz() {}

  private static final String[][] COMMANDS = {
    {"PING"},
    {"PING", "hello"},
    {"ECHO", "x"},
    {"HELLO", "3"},
    {"HELLO", "2"},
    {"CLIENT", "SETNAME", "fuzz"},
    {"CLIENT", "GETNAME"},
    {"CLIENT", "ID"},
    {"SELECT", "0"},
    {"CONFIG", "GET", "*max*"},
    {"COMMAND", "COUNT"},
    {"INFO", "server"},
    {"NOSUCHCOMMAND", "a"},
    {"GET", "k"},
  };

  static byte[] validRequest(Random random) {
    String[] command = COMMANDS[random.nextInt(COMMANDS.length)].clone();
    if (command[0].equals("ECHO")) {
      byte[] arg = new byte[random.nextInt(300)];
      random.nextBytes(arg);
      return multibulk(command[0].getBytes(StandardCharsets.US_ASCII), arg);
    }
    if (random.nextInt(4) == 0) {
      return (String.join(" ", command) + (random.nextBoolean() ? "\r\n" : "\n"))
          .getBytes(StandardCharsets.US_ASCII);
    }
    byte[][] args = new byte[command.length][];
    for (int i = 0; i < command.length; i++) {
      args[i] = command[i].getBytes(StandardCharsets.US_ASCII);
    }
    return multibulk(args);
  }

  private static byte[] multibulk(byte[]... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] arg : args) {
      out.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(arg);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(random.nextBoolean() ? 64 : 70_000)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** A few valid requests with one to three mutations. */
  static byte[] mutated(Random random) {
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    for (int j = 1 + random.nextInt(5); j > 0; j--) {
      requests.writeBytes(validRequest(random));
    }
    byte[] b = requests.toByteArray();
    for (int m = 1 + random.nextInt(3); m > 0; m--) {
      if (b.length == 0) {
        break;
      }
      int at = random.nextInt(b.length);
      switch (random.nextInt(8)) {
        case 0 -> b[at] = (byte) random.nextInt(256); // any byte
        case 1 -> b[at] = (byte) SPECIAL.charAt(random.nextInt(SPECIAL.length()));
        case 2 -> b = Arrays.copyOf(b, at); // truncated
        case 3 -> b = splice(b, at, Math.min(b.length, at + random.nextInt(10)), new byte[0]);
        case 4 -> b = splice(b, at, at, digits(random)); // a length gets longer or odd
        case 5 -> b = splice(b, at, at, "*999999999999\r\n".getBytes(StandardCharsets.US_ASCII));
        case 6 ->
            b =
                splice(
                    b,
                    at,
                    at,
                    ("$" + (1000 + random.nextInt(30_000)) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        default -> b = splice(b, at, at, "\"unbalanced".getBytes(StandardCharsets.US_ASCII));
      }
    }
    return b;
  }

  private static final String SPECIAL = "*$\r\n-0123456789\"'\\ x";

  private static byte[] digits(Random random) {
    return Integer.toString(random.nextInt(100_000)).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, from);
    out.writeBytes(insert);
    out.write(b, to, b.length - to);
    return out.toByteArray();
  }
}
