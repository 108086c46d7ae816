package dev.galvani.monitor;

import java.io.Console;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A text progress bar for long loops (epochs, batches), in the style of Python's tqdm:
 * <pre>
 * epoch 2/10  40%|############------------------| 188/469 [00:04&lt;00:06, 45.2 it/s] loss=0.5123 acc=0.8125
 * </pre>
 * label, percentage, bar, count/total, elapsed time, estimated time left, rate, and the metrics
 * last given to {@link #metric}.
 *
 * <pre>{@code
 * try (ProgressBar bar = ProgressBar.builder(loader.size()).label("epoch " + e).build()) {
 *     for (Batch b : loader) { ...; bar.metric("loss", loss).step(); }
 * }
 * }</pre>
 *
 * <p><b>Where it prints.</b> On a terminal the line is redrawn in place ({@code '\r'}), at most
 * ten times a second and at the end. Anywhere else (a CI log, a file) a carriage return would
 * pile up one unreadable line, so it prints a whole line each time another 10% (see
 * {@link Builder#linesEvery}) is done. "A terminal" means the stream is {@code System.out} or
 * {@code System.err} and {@link Console#isTerminal()} says so; {@link Builder#terminal} overrides.
 *
 * <p><b>Cost.</b> {@link #step} adds to a counter and, on a terminal, reads the clock; it formats
 * text only when it draws, so calling it on every batch costs nothing measurable. A bar belongs to
 * the thread that drives the loop.
 */
public final class ProgressBar implements AutoCloseable {

    private static final long REDRAW_NANOS = 100_000_000L;  // 10 redraws a second are smooth to the eye

    private final long total;
    private final String label;
    private final String unit;
    private final PrintStream out;
    private final LongSupplier clock;
    private final boolean terminal;
    private final int linePercent;
    private final int width;
    private final long start;

    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private long count;
    private long lastDraw;
    private boolean drawnOnce;
    private long lastBucket;        // line mode: the last multiple of linePercent printed
    private int lastLength;         // terminal mode: to blank out the rest of a longer previous line
    private boolean closed;

    private ProgressBar(Builder b) {
        this.total = b.total;
        this.label = b.label;
        this.unit = b.unit;
        this.out = b.out;
        this.clock = b.clock;
        this.terminal = b.terminal != null ? b.terminal : isTerminal(b.out);
        this.linePercent = b.linePercent;
        this.width = b.width;
        this.start = clock.getAsLong();
    }

    /** A bar for a loop of {@code total} steps (or items, see {@link Builder#unit}). */
    public static Builder builder(long total) { return new Builder(total); }

    /** Sets a metric shown after the counts, e.g. {@code metric("loss", 0.42)}; shown from the next draw on. */
    public ProgressBar metric(String name, double value) {
        metrics.put(name, value);
        return this;
    }

    /** One step done. */
    public void step() { step(1); }

    /** {@code n} steps (or items, e.g. the samples of a batch) done. */
    public void step(long n) {
        count += n;
        if (terminal) {
            long now = clock.getAsLong();
            if (count >= total || !drawnOnce || now - lastDraw >= REDRAW_NANOS) redraw(now);
        } else {
            long bucket = total <= 0 ? 0 : Math.min(count, total) * 100 / total / linePercent;
            if (bucket > lastBucket) {
                lastBucket = bucket;
                out.println(render(clock.getAsLong()));
                out.flush();
            }
        }
    }

    /** Steps done so far. */
    public long count() { return count; }

    /** The line as it would be drawn now. */
    public String render() { return render(clock.getAsLong()); }

    /**
     * Draws the final state and ends the line. In line mode a last line is printed only if the
     * loop stopped between two percentages, so nothing is printed twice.
     */
    @Override public void close() {
        if (closed) return;
        closed = true;
        long now = clock.getAsLong();
        if (terminal) {
            redraw(now);
            out.println();
        } else if (total <= 0 || Math.min(count, total) * 100 / total / linePercent > lastBucket || count < total) {
            out.println(render(now));
        }
        out.flush();
    }

    private void redraw(long now) {
        String line = render(now);
        // '\r' goes back to the line's start; spaces cover what a longer previous line left behind.
        String padding = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
        out.print('\r' + line + padding);
        out.flush();
        lastLength = line.length();
        lastDraw = now;
        drawnOnce = true;
    }

    private String render(long now) {
        double elapsed = (now - start) / 1e9;
        double fraction = total <= 0 ? 1 : Math.min(1.0, (double) count / total);
        int filled = (int) (fraction * width);
        StringBuilder sb = new StringBuilder(96);
        if (!label.isEmpty()) sb.append(label).append(' ');
        sb.append(String.format(Locale.ROOT, "%3d%%|", (int) (fraction * 100)))
          .append("#".repeat(filled)).append("-".repeat(width - filled)).append("| ")
          .append(count).append('/').append(total)
          .append(" [").append(clockTime(elapsed)).append('<');
        double rate = elapsed > 0 ? count / elapsed : Double.NaN;
        sb.append(rate > 0 ? clockTime(Math.max(0, total - count) / rate) : "?").append(", ");
        if (!(rate > 0)) sb.append("? ").append(unit).append("/s");
        else if (rate >= 1) sb.append(String.format(Locale.ROOT, rate >= 100 ? "%.0f %s/s" : "%.1f %s/s", rate, unit));
        else sb.append(String.format(Locale.ROOT, "%.2f s/%s", 1 / rate, unit));  // slow loops: seconds per step reads better
        sb.append(']');
        for (Map.Entry<String, Double> m : metrics.entrySet())
            sb.append(' ').append(m.getKey()).append('=').append(number(m.getValue()));
        return sb.toString();
    }

    /** {@code mm:ss}, or {@code h:mm:ss} from an hour on. */
    static String clockTime(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    /** Four significant digits, without exponent for everyday magnitudes: 0.4312, 12.35, 1.235e+05. */
    static String number(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) return String.format(Locale.ROOT, "%." + Math.max(0, 3 - (int) Math.floor(Math.log10(a))) + "f", v);
        return String.format(Locale.ROOT, "%.3e", v);
    }

    private static boolean isTerminal(PrintStream out) {
        Console console = System.console();
        return (out == System.out || out == System.err) && console != null && console.isTerminal();
    }

    /** Settings of a {@link ProgressBar}. */
    public static final class Builder {
        private final long total;
        private String label = "";
        private String unit = "it";
        private PrintStream out = System.out;
        private LongSupplier clock = System::nanoTime;
        private Boolean terminal;
        private int linePercent = 10;
        private int width = 30;

        private Builder(long total) {
            if (total < 0) throw new IllegalArgumentException("ProgressBar: total must be non-negative, got " + total);
            this.total = total;
        }

        /** Text before the bar, e.g. {@code "epoch 3/10"}. */
        public Builder label(String label) { this.label = Objects.requireNonNull(label); return this; }

        /** What a step counts, shown in the rate: {@code "it"} (default), {@code "batch"}, {@code "samples"}. */
        public Builder unit(String unit) { this.unit = Objects.requireNonNull(unit); return this; }

        /** Where to print (default {@code System.out}). */
        public Builder out(PrintStream out) { this.out = Objects.requireNonNull(out); return this; }

        /** Redraw in place ({@code true}) or print whole lines ({@code false}), instead of detecting it. */
        public Builder terminal(boolean terminal) { this.terminal = terminal; return this; }

        /** In line mode, print a line every {@code percent}% (default 10). */
        public Builder linesEvery(int percent) {
            if (percent < 1 || percent > 100) throw new IllegalArgumentException("ProgressBar: percent must be in 1..100, got " + percent);
            this.linePercent = percent;
            return this;
        }

        /** Characters in the bar (default 30). */
        public Builder width(int width) {
            if (width < 1) throw new IllegalArgumentException("ProgressBar: width must be positive, got " + width);
            this.width = width;
            return this;
        }

        /** The time source in nanoseconds (default {@code System::nanoTime}); tests pass a fake one. */
        public Builder clock(LongSupplier nanos) { this.clock = Objects.requireNonNull(nanos); return this; }

        /** The progress bar with these settings. */
        public ProgressBar build() { return new ProgressBar(this); }
    }
}
