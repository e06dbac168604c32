package io.uji.examples;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.uji.metrics.UjiMetrics;
import io.uji.streaming.StreamingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The demo's metrics: Uji's meters on JMX (see them with jconsole, domain {@code metrics}) and,
 * with {@code --prometheus-port}, as Prometheus text on {@code http://127.0.0.1:PORT/metrics}.
 */
final class DemoMetrics implements AutoCloseable {
  private final CompositeMeterRegistry registry;
  private final UjiMetrics binding;
  private final HttpServer prometheus;

  private DemoMetrics(CompositeMeterRegistry registry, UjiMetrics binding, HttpServer prometheus) {
    this.registry = registry;
    this.binding = binding;
    this.prometheus = prometheus;
  }

  /** Binds the context's meters (before it starts); serves Prometheus text if {@code port} is set. */
  static DemoMetrics bind(StreamingContext ssc, Integer prometheusPort) {
    CompositeMeterRegistry registry = new CompositeMeterRegistry();
    registry.add(new JmxMeterRegistry(JmxConfig.DEFAULT, Clock.SYSTEM));
    HttpServer server = null;
    if (prometheusPort != null) {
      PrometheusMeterRegistry prom = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry.add(prom);
      try {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), prometheusPort), 4);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot serve Prometheus metrics on port " + prometheusPort, e);
      }
      server.createContext("/metrics", exchange -> {
        try (exchange) {
          byte[] body = prom.scrape().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      });
      server.start();
    }
    return new DemoMetrics(registry, UjiMetrics.bind(ssc, registry), server);
  }

  Optional<URI> prometheusUri() {
    return prometheus == null ? Optional.empty()
        : Optional.of(URI.create("http://127.0.0.1:" + prometheus.getAddress().getPort() + "/metrics"));
  }

  @Override
  public void close() {
    binding.close();
    if (prometheus != null) {
      prometheus.stop(0);
    }
    registry.close();
  }
}
