package dev.stateless.bench;

import java.util.List;
import java.util.Locale;

/**
 * A latency CDF as SVG, written with no library: x the latency on a log scale from 0.01 ms to 1 s,
 * y the fraction of operations at or below it; one line per series, dashed lines at the seeds'
 * targets (1, 10, 50 ms).
 */
final class Cdf {
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"
  };
  private static final int W = 760;
  private static final int H = 420;
  private static final int LEFT = 60;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 130;
  private static final double MIN_LOG = -2; // 0.01 ms
  private static final double MAX_LOG = 3; // 1000 ms

  private Cdf() {}

  private static double x(double millis) {
    double l = Math.log10(Math.max(millis, Math.pow(10, MIN_LOG)));
    l = Math.min(l, MAX_LOG);
    return LEFT + (l - MIN_LOG) / (MAX_LOG - MIN_LOG) * (W - LEFT - RIGHT);
  }

  private static double y(double fraction) {
    return TOP + (1 - fraction) * (H - TOP - BOTTOM);
  }

  static String svg(String title, List<RegionsLoad.Series> series) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            W,
            H));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"22\" font-size=\"15\">Latency CDF: %s (simulated WAN)</text>%n",
            LEFT,
            title));
    for (int d = (int) MIN_LOG; d <= MAX_LOG; d++) {
      double millis = Math.pow(10, d);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n"
                  + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s ms</text>%n",
              x(millis),
              y(0),
              x(millis),
              y(1),
              x(millis),
              y(0) + 16,
              millis < 1
                  ? String.format(Locale.ROOT, "%.2f", millis)
                  : String.valueOf((int) millis)));
    }
    for (double f = 0; f <= 1.0001; f += 0.25) {
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n",
              LEFT,
              y(f),
              W - RIGHT,
              y(f),
              LEFT - 6,
              y(f) + 4,
              f));
    }
    for (double target : new double[] {1, 10, 50}) {
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\""
                  + " stroke-dasharray=\"4 4\"/>%n"
                  + "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\" font-size=\"10\">%s target</text>%n",
              x(target),
              y(0),
              x(target),
              y(1),
              x(target) + 3,
              y(1) + 12,
              target == 1 ? "local" : target == 10 ? "edge" : "server"));
    }
    for (int i = 0; i < series.size(); i++) {
      RegionsLoad.Series one = series.get(i);
      int n = one.size();
      StringBuilder points = new StringBuilder();
      int steps = Math.min(400, n);
      for (int k = 0; k < steps; k++) {
        int idx = (int) ((long) k * (n - 1) / Math.max(1, steps - 1));
        points.append(
            String.format(
                Locale.ROOT, "%.1f,%.1f ", x(one.millis(idx)), y((idx + 1) / (double) n)));
      }
      String color = COLORS[i % COLORS.length];
      s.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
              color,
              points.toString().trim()));
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n"
                  + "<text x=\"%d\" y=\"%d\">%s: p50 %.2f ms, p99 %.2f ms</text>%n",
              LEFT,
              H - BOTTOM + 40 + i * 16,
              LEFT + 24,
              H - BOTTOM + 40 + i * 16,
              color,
              LEFT + 30,
              H - BOTTOM + 44 + i * 16,
              escape(one.name),
              one.percentile(0.5),
              one.percentile(0.99)));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
