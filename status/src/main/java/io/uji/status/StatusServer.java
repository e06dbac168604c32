package io.uji.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.EngineObserver;
import io.uji.engine.hooks.StatusPage;
import io.uji.streaming.SqlQueryException;
import io.uji.streaming.StreamingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page of one context on the JDK's built-in HTTP server ({@code jdk.httpserver}: no
 * dependency, ~100 KB of the JDK, enough for a page a few people refresh), served by two daemon
 * threads of its own so that a slow client never holds an engine thread.
 *
 * <pre>
 * GET  /                  the page (live part + SQL box; the script refreshes the live part)
 * GET  /live              the live part, HTML with SVG plots
 * GET  /api/status        context, counts          GET /api/batches      every remembered batch
 * GET  /api/inputs        inputs, rates, lag       GET /api/state        stateful operators
 * GET  /api/checkpoints   checkpoints, recovery    GET /api/errors       recent errors
 * GET  /api/state/OP?key=K one key's state, or 307 to the instance of the group that holds it
 * POST /api/sql           body: one SELECT → {columns, rows, truncated} or {error, reason}
 * GET  /static/...        the page's CSS and script, from the jar
 * </pre>
 */
final class StatusServer implements StatusPage {
  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
  private static final int MAX_QUERY_BYTES = 64 * 1024;

  private final StreamingContext ssc;
  private final StatusModel model = new StatusModel();
  private final PageRenderer pages;
  private final JsonRenderer json;
  private final HttpServer server;
  private final ExecutorService threads;
  private final StateLookup lookup;
  private final URI uri;
  private final String hostAndPort;
  private volatile boolean closed;

  StatusServer(StreamingContext ssc, ContextView view, InetSocketAddress address) {
    this.ssc = ssc;
    this.pages = new PageRenderer(view, model);
    this.json = new JsonRenderer(view, model);
    this.lookup = new StateLookup(ssc);
    ssc.addStreamingListener(model);
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serve the status page of " + view.name() + " on " + address, e);
    }
    AtomicInteger n = new AtomicInteger();
    threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, view.name() + "-status-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    route("/", "text/html; charset=utf-8", pages::page);
    route("/live", "text/html; charset=utf-8", pages::live);
    route("/api/status", "application/json", json::status);
    route("/api/batches", "application/json", json::batches);
    route("/api/inputs", "application/json", json::inputs);
    route("/api/state", "application/json", json::state);
    route("/api/checkpoints", "application/json", json::checkpoints);
    route("/api/errors", "application/json", json::errors);
    server.createContext("/api/sql", this::sql);
    server.createContext("/api/state/", this::stateLookup);
    server.createContext("/static/", this::asset);
    server.start();
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
    uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");
    hostAndPort = (bound.getAddress().isAnyLocalAddress() ? machineName(host) : uri.getHost()) + ":" + bound.getPort();
    LOG.info("Status page of {} at {}", view.name(), uri);
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public String hostAndPort() {
    return hostAndPort;
  }

  /** This machine's name, which other machines can resolve (unlike the loopback address). */
  private static String machineName(String fallback) {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      LOG.warn("This machine has no resolvable name; the status page publishes {}", fallback, e);
      return fallback;
    }
  }

  @Override
  public EngineObserver observer() {
    return model;
  }

  /** Serves {@code path} exactly (not its sub-paths) with what {@code body} renders now. */
  private void route(String path, String type, Supplier<String> body) {
    server.createContext(path, exchange -> {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals(path)) {
          send(exchange, 404, "text/plain; charset=utf-8", "Not found");
        } else if (!exchange.getRequestMethod().equals("GET")) {
          send(exchange, 405, "text/plain; charset=utf-8", "GET only");
        } else {
          send(exchange, 200, type, body.get());
        }
      } catch (RuntimeException e) {
        LOG.warn("The status page failed on {}", path, e);
      }
    });
  }

  private void sql(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        send(exchange, 405, "text/plain; charset=utf-8", "POST the query as the request body");
        return;
      }
      String query;
      try (InputStream in = exchange.getRequestBody()) {
        byte[] body = in.readNBytes(MAX_QUERY_BYTES + 1);
        if (body.length > MAX_QUERY_BYTES) {
          send(exchange, 413, "application/json", JsonRenderer.sqlError("REFUSED", "The query is longer than 64 KiB"));
          return;
        }
        query = new String(body, StandardCharsets.UTF_8);
      }
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type != null && type.startsWith("application/x-www-form-urlencoded") && query.startsWith("q=")) {
        query = URLDecoder.decode(query.substring(2), StandardCharsets.UTF_8);
      }
      try {
        send(exchange, 200, "application/json", JsonRenderer.sqlResult(ssc.sql(query)));
      } catch (SqlQueryException e) {
        send(exchange, 400, "application/json", JsonRenderer.sqlError(e.reason().name(), e.getMessage()));
      } catch (RuntimeException e) { // no SQL module, context stopped
        send(exchange, 503, "application/json", JsonRenderer.sqlError("UNAVAILABLE", e.getMessage()));
      }
    }
  }

  private void stateLookup(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, "text/plain; charset=utf-8", "GET only");
        return;
      }
      String operator = exchange.getRequestURI().getPath().substring("/api/state/".length());
      Map<String, String> params = queryParameters(exchange.getRequestURI().getRawQuery());
      StateLookup.Answer a = lookup.answer(operator, params.get("key"), "true".equals(params.get("standby")));
      a.location().ifPresent(l -> exchange.getResponseHeaders().set("Location", l));
      if (a.retryLater()) {
        exchange.getResponseHeaders().set("Retry-After", "1");
      }
      send(exchange, a.status(), "application/json", a.json());
    } catch (RuntimeException e) {
      LOG.warn("The status page failed on {}", exchange.getRequestURI(), e);
    }
  }

  /** The first value of each parameter of a raw (still encoded) query string. */
  static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.putIfAbsent(name, value);
      }
    }
    return params;
  }

  private void asset(HttpExchange exchange) throws IOException {
    try (exchange) {
      String name = exchange.getRequestURI().getPath().substring("/static/".length());
      String type = name.endsWith(".css") ? "text/css; charset=utf-8"
          : name.endsWith(".js") ? "text/javascript; charset=utf-8" : null;
      InputStream in = type == null || name.contains("/") ? null : StatusServer.class.getResourceAsStream(name);
      if (in == null) {
        send(exchange, 404, "text/plain; charset=utf-8", "Not found");
        return;
      }
      try (in) {
        send(exchange, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
