package dev.stateless.edge.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's metrics for Prometheus: its counters ({@link NodeStats}, read when scraped, so the
 * request path pays nothing more), its connections, the JVM's, and the embedded cache's (bound by
 * the runtime to the same registry), served as text at {@code GET /metrics} on their own port.
 */
public final class NodeMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeMetrics.class);

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final HttpServer http;
  private final ExecutorService handler;

  private NodeMetrics(
      PrometheusMeterRegistry registry, JvmGcMetrics gc, HttpServer http, ExecutorService handler) {
    this.registry = registry;
    this.gc = gc;
    this.http = http;
    this.handler = handler;
  }

  /** A registry the node and its cache report to, before anything is bound. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Binds the node's meters to {@code registry} and serves it on {@code bind:port} (0: a free
   * port).
   *
   * @throws IllegalStateException if the address cannot be bound
   */
  public static NodeMetrics start(
      PrometheusMeterRegistry registry, NodeContext node, String bind, int port) {
    bindNode(registry, node);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (IOException e) {
      gc.close();
      throw new IllegalStateException(
          "cannot serve metrics on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService handler =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "stateless-edge-metrics");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(handler);
    http.createContext("/", exchange -> serve(registry, exchange));
    http.start();
    log.info("metrics for Prometheus at http://{}:{}/metrics", bind, http.getAddress().getPort());
    return new NodeMetrics(registry, gc, http, handler);
  }

  private static void serve(PrometheusMeterRegistry registry, HttpExchange exchange)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/metrics")) {
        reply(exchange, 404, "text/plain; charset=utf-8", "only /metrics is served here\n");
      } else if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(exchange, 405, "text/plain; charset=utf-8", "GET /metrics\n");
      } else {
        reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static void bindNode(MeterRegistry registry, NodeContext node) {
    NodeStats s = node.stats();
    counter(
        registry,
        "stateless.edge.connections.received",
        "Connections accepted",
        s.connectionsReceived);
    counter(
        registry,
        "stateless.edge.connections.rejected",
        "Connections refused at the maxclients limit",
        s.rejectedConnections);
    counter(registry, "stateless.edge.commands.processed", "Commands run", s.commandsProcessed);
    counter(registry, "stateless.edge.error.replies", "Error replies sent", s.errorReplies);
    counter(registry, "stateless.edge.net.input", "Bytes read from clients", s.netInputBytes);
    counter(registry, "stateless.edge.net.output", "Bytes written to clients", s.netOutputBytes);
    counter(
        registry,
        "stateless.edge.protocol.errors",
        "Connections closed for a protocol error",
        s.protocolErrors);
    counter(
        registry,
        "stateless.edge.output.buffer.disconnections",
        "Connections closed because their client did not read its replies in time",
        s.outputBufferLimitDisconnections);
    counter(
        registry,
        "stateless.edge.query.buffer.disconnections",
        "Connections closed for a request over the query buffer limit",
        s.queryBufferLimitDisconnections);
    Clients clients = node.clients();
    Gauge.builder("stateless.edge.connected.clients", clients, Clients::connected)
        .description("Open client connections")
        .register(registry);
    Gauge.builder("stateless.edge.max.clients", clients, Clients::maxClients)
        .description("The most connections at once (maxclients)")
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry, String name, String description, LongAdder adder) {
    FunctionCounter.builder(name, adder, LongAdder::sum)
        .description(description)
        .register(registry);
  }

  /** The port the metrics are served on. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** Stops serving and unbinds; the registry's meters stay readable. */
  @Override
  public void close() {
    http.stop(0);
    handler.shutdownNow();
    gc.close();
    registry.close();
  }
}
