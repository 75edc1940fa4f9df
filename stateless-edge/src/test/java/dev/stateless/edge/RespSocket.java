package dev.stateless.edge;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A raw RESP connection for tests that compare frames byte for byte (a node's and redis-server's):
 * sends commands as client libraries do and reads back one whole frame at a time, as the exact text
 * it arrived as (Latin-1: one char per byte). Reads wait at most 30 seconds.
 */
final class RespSocket implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RespSocket(int port) {
    this(port, 0);
  }

  /**
   * @param receiveBuffer the socket's receive buffer in bytes (a slow reader's), 0 for the default
   */
  RespSocket(int port, int receiveBuffer) {
    try {
      socket = new Socket();
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a command as a multibulk of bulk strings. */
  void send(String... args) {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    write(request, "*" + args.length + "\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.ISO_8859_1);
      write(request, "$" + bytes.length + "\r\n");
      request.writeBytes(bytes);
      write(request, "\r\n");
    }
    try {
      out.write(request.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a command and reads one frame: its reply, or a push that came before it. */
  String call(String... args) {
    send(args);
    return frame();
  }

  /** The connection's id ({@code CLIENT ID}). */
  long id() {
    String reply = call("CLIENT", "ID");
    return Long.parseLong(reply.substring(1, reply.length() - 2));
  }

  /** Reads one whole frame (an aggregate with all its elements), as the text it arrived as. */
  String frame() {
    StringBuilder text = new StringBuilder();
    try {
      readFrame(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Reads until the peer closes the connection (or resets it); false if data came instead. */
  boolean closedByPeer() {
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (SocketException e) {
      return true; // reset: the node closed with unread data in its buffers
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void readFrame(StringBuilder text) throws IOException {
    String line = readLine();
    text.append(line).append("\r\n");
    char type = line.charAt(0);
    switch (type) {
      case '$', '=', '!' -> {
        int length = Integer.parseInt(line.substring(1));
        if (length >= 0) {
          byte[] body = in.readNBytes(length + 2);
          text.append(new String(body, StandardCharsets.ISO_8859_1));
        }
      }
      case '*', '>', '~', '%', '|' -> {
        int count = Integer.parseInt(line.substring(1));
        int elements = type == '%' || type == '|' ? 2 * count : count;
        for (int i = 0; i < elements; i++) {
          readFrame(text);
        }
      }
      default -> {} // + - : _ , # ( are one line
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + line);
      }
      if (b == '\r') {
        int lf = in.read();
        if (lf != '\n') {
          throw new IOException("CR without LF after: " + line);
        }
        return line.toString();
      }
      line.append((char) b);
    }
  }

  private static void write(ByteArrayOutputStream out, String ascii) {
    out.writeBytes(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
