package io.uji.status;

import java.util.List;
import java.util.Locale;

/**
 * Server-rendered SVG plots, as Spark's Streaming tab draws them: a timeline with one point per
 * batch and, beside it, a histogram of the same values. Rendered on the server so the page needs
 * no plotting library and nothing from the network: a few kilobytes of SVG per refresh.
 */
final class Charts {
  static final int WIDTH = 560;
  static final int HEIGHT = 150;
  static final int HIST_WIDTH = 260;
  private static final int PAD_LEFT = 56;
  private static final int PAD_BOTTOM = 22;
  private static final int PAD_TOP = 10;
  private static final int BINS = 10;

  /** One point: a batch's time and its value. */
  record Point(long timeMs, double value) {}

  private Charts() {}

  /**
   * @return an SVG timeline ({@code class="timeline"}) with one {@code circle.point} per point,
   *     each carrying its batch time and value as {@code data-time} / {@code data-value}
   */
  static String timeline(String metric, String unit, List<Point> points) {
    StringBuilder s = new StringBuilder(256 + points.size() * 96);
    s.append("<svg class=\"timeline\" data-metric=\"").append(metric).append("\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"").append(metric).append(" per batch\">");
    double max = niceMax(points.stream().mapToDouble(Point::value).max().orElse(0));
    long t0 = points.isEmpty() ? 0 : points.get(0).timeMs();
    long t1 = points.isEmpty() ? 1 : Math.max(t0 + 1, points.get(points.size() - 1).timeMs());
    axes(s, WIDTH, max, unit);
    if (!points.isEmpty()) {
      s.append("<polyline class=\"line\" fill=\"none\" points=\"");
      for (Point p : points) {
        s.append(fmt(x(p.timeMs(), t0, t1))).append(',').append(fmt(y(p.value(), max))).append(' ');
      }
      s.append("\"/>");
      for (Point p : points) {
        s.append("<circle class=\"point\" r=\"2.5\" cx=\"").append(fmt(x(p.timeMs(), t0, t1))).append("\" cy=\"")
            .append(fmt(y(p.value(), max))).append("\" data-time=\"").append(p.timeMs()).append("\" data-value=\"")
            .append(fmt(p.value())).append("\"><title>").append(p.timeMs()).append(": ").append(fmt(p.value()))
            .append(' ').append(unit).append("</title></circle>");
      }
    }
    return s.append("</svg>").toString();
  }

  /** @return an SVG histogram ({@code class="histogram"}) of the values in {@value #BINS} bins */
  static String histogram(String metric, String unit, List<Point> points) {
    double max = niceMax(points.stream().mapToDouble(Point::value).max().orElse(0));
    int[] bins = new int[BINS];
    for (Point p : points) {
      bins[Math.min(BINS - 1, (int) (p.value() / max * BINS))]++;
    }
    int top = 1;
    for (int b : bins) {
      top = Math.max(top, b);
    }
    StringBuilder s = new StringBuilder(1024);
    s.append("<svg class=\"histogram\" data-metric=\"").append(metric).append("\" width=\"").append(HIST_WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(HIST_WIDTH).append(' ')
        .append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(metric).append(" histogram\">");
    double plotW = HIST_WIDTH - 20;
    double plotH = HEIGHT - PAD_BOTTOM - PAD_TOP;
    for (int i = 0; i < BINS; i++) {
      double h = plotH * bins[i] / top;
      s.append("<rect class=\"bar\" x=\"").append(fmt(10 + plotW * i / BINS + 1)).append("\" y=\"")
          .append(fmt(PAD_TOP + plotH - h)).append("\" width=\"").append(fmt(plotW / BINS - 2)).append("\" height=\"")
          .append(fmt(h)).append("\" data-count=\"").append(bins[i]).append("\"><title>")
          .append(fmt(max * i / BINS)).append('–').append(fmt(max * (i + 1) / BINS)).append(' ').append(unit)
          .append(": ").append(bins[i]).append(" batches</title></rect>");
    }
    s.append("<text class=\"axis\" x=\"10\" y=\"").append(HEIGHT - 6).append("\">0</text>");
    s.append("<text class=\"axis\" text-anchor=\"end\" x=\"").append(HIST_WIDTH - 10).append("\" y=\"")
        .append(HEIGHT - 6).append("\">").append(fmt(max)).append(' ').append(unit).append("</text>");
    return s.append("</svg>").toString();
  }

  private static void axes(StringBuilder s, int width, double max, String unit) {
    int bottom = HEIGHT - PAD_BOTTOM;
    s.append("<line class=\"axis\" x1=\"").append(PAD_LEFT).append("\" y1=\"").append(PAD_TOP).append("\" x2=\"")
        .append(PAD_LEFT).append("\" y2=\"").append(bottom).append("\"/>");
    s.append("<line class=\"axis\" x1=\"").append(PAD_LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"")
        .append(width - 6).append("\" y2=\"").append(bottom).append("\"/>");
    s.append("<text class=\"axis\" text-anchor=\"end\" x=\"").append(PAD_LEFT - 4).append("\" y=\"")
        .append(PAD_TOP + 8).append("\">").append(fmt(max)).append("</text>");
    s.append("<text class=\"axis\" text-anchor=\"end\" x=\"").append(PAD_LEFT - 4).append("\" y=\"").append(bottom)
        .append("\">0</text>");
    s.append("<text class=\"axis unit\" x=\"4\" y=\"").append(HEIGHT / 2).append("\">").append(unit).append("</text>");
  }

  private static double x(long t, long t0, long t1) {
    return PAD_LEFT + 4 + (WIDTH - PAD_LEFT - 14) * (double) (t - t0) / (t1 - t0);
  }

  private static double y(double v, double max) {
    double plotH = HEIGHT - PAD_BOTTOM - PAD_TOP;
    return PAD_TOP + plotH - plotH * v / max;
  }

  /** @return a round upper bound of the axis: 1, 2 or 5 times a power of ten, at least {@code v} */
  static double niceMax(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
