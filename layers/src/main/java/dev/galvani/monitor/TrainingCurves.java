package dev.galvani.monitor;

import dev.galvani.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Saves a PNG of a {@link TrainingLog}'s curves: a loss panel (every metric whose name contains
 * "loss") above a panel for the others (accuracy and the like), sharing the x axis. The x axis is
 * the step when the log's rows have different steps, otherwise the epoch.
 *
 * <p>Drawn by JFreeChart without a display ({@code java.awt.headless=true}, set here unless the
 * application chose otherwise), so it works on servers and in CI. The file is written to a
 * temporary file and renamed, so a crash never leaves half an image.
 */
public final class TrainingCurves {

    static {
        // Before any AWT class loads: rendering to an image needs no display, and must not look for one.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Series with at most this many points also get a marker per point, so a 5-epoch curve is visible. */
    private static final int MARKERS_UP_TO = 60;

    /** Matplotlib's "tab10" colours: distinct, and all readable on white (JFreeChart's defaults include yellow). */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private TrainingCurves() {}

    /** Writes the curves to {@code png}, 1000 x 700 pixels. */
    public static void save(Path png, TrainingLog log) throws IOException { save(png, log, "Training curves", 1000, 700); }

    /** Writes the curves to {@code png} with the given title and size in pixels. */
    public static void save(Path png, TrainingLog log, String title, int width, int height) throws IOException {
        if (width < 1 || height < 1) throw new IllegalArgumentException("TrainingCurves: size must be positive, got " + width + " x " + height);
        JFreeChart chart = chart(log, title);
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    /** The chart, for callers that want to restyle or embed it. */
    public static JFreeChart chart(TrainingLog log, String title) {
        List<String> metrics = log.metrics();
        if (metrics.isEmpty()) throw new IllegalArgumentException("TrainingCurves: the log has no metrics to plot");
        boolean bySteps = distinctSteps(log) > 1;

        List<String> losses = new ArrayList<>(), others = new ArrayList<>();
        for (String m : metrics) (m.toLowerCase(Locale.ROOT).contains("loss") ? losses : others).add(m);

        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis(bySteps ? "step" : "epoch"));
        plot.setGap(12);
        if (!losses.isEmpty()) plot.add(panel(log, losses, "loss", bySteps, 0), 1);
        if (!others.isEmpty()) {
            boolean accuracies = others.stream().allMatch(m -> m.toLowerCase(Locale.ROOT).contains("acc"));
            plot.add(panel(log, others, accuracies ? "accuracy" : "value", bySteps, losses.size()), 1);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** One panel; its series take colours from {@code firstColour} on, so no two metrics of the chart share one. */
    private static XYPlot panel(TrainingLog log, List<String> names, String yLabel, boolean bySteps, int firstColour) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (String name : names) {
            TrainingLog.Series s = log.series(name);
            // autoSort off, duplicates allowed: the points go in recording order, as the run made them.
            XYSeries series = new XYSeries(name, false, true);
            for (int i = 0; i < s.size(); i++) series.add(bySteps ? s.steps()[i] : s.epochs()[i], s.values()[i]);
            int index = data.getSeriesCount();
            renderer.setSeriesShapesVisible(index, s.size() <= MARKERS_UP_TO);
            renderer.setSeriesPaint(index, PALETTE[(firstColour + index) % PALETTE.length]);
            renderer.setSeriesStroke(index, new BasicStroke(1.5f));
            data.addSeries(series);
        }
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);  // a loss going from 0.35 to 0.25 should fill the panel
        XYPlot panel = new XYPlot(data, null, y, renderer);
        panel.setBackgroundPaint(Color.WHITE);
        panel.setDomainGridlinePaint(Color.LIGHT_GRAY);
        panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return panel;
    }

    private static int distinctSteps(TrainingLog log) {
        Set<Long> steps = new HashSet<>();
        for (TrainingLog.Row r : log.rows()) steps.add(r.step());
        return steps.size();
    }
}
