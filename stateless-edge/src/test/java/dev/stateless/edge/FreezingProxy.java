package dev.stateless.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a free loopback port that can stop passing bytes without closing anything: what a
 * partition looks like to both ends (no FIN, no RST, just silence). Each connection gets two pump
 * threads; {@link #thaw} lets bytes pass again and closes the connections frozen meanwhile (as a
 * partition's end would find them, long timed out), so clients reconnect through it.
 */
final class FreezingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean frozen;

  FreezingProxy(int targetPort) throws IOException {
    this.target = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "freezing-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Stops passing bytes; connections stay open. */
  void freeze() {
    frozen = true;
  }

  /** Passes bytes again, on new connections: the frozen ones are closed. */
  void thaw() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
    frozen = false;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  while (frozen && !from.isClosed()) {
                    Thread.sleep(5); // hold the bytes: they never arrive
                  }
                  if (from.isClosed()) {
                    return;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // closed
              } finally {
                try {
                  to.close();
                } catch (IOException ignored) {
                  // closing anyway
                }
              }
            },
            "freezing-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
