package dev.galvani.monitor;

import dev.galvani.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of spiking activity, headless (as {@link TrainingCurves}): a spike raster (one dot per
 * spike, time across, neuron up) and membrane traces. Both take plain arrays in time-major order,
 * so they work with what a {@code SpikeMonitor} recorded or any tensor's {@code toDoubleArray()}.
 */
public final class SpikePlots {

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private SpikePlots() {}

    /** Writes a raster of {@code spikes} [steps, neurons] (time-major, non-zero = a spike). */
    public static void raster(Path png, double[] spikes, int steps, int neurons, String title) throws IOException {
        if ((long) steps * neurons != spikes.length)
            throw new IllegalArgumentException("raster: " + spikes.length + " values for " + steps + " steps x " + neurons + " neurons");
        XYSeries dots = new XYSeries("spikes", false, true);
        for (int t = 0; t < steps; t++)
            for (int n = 0; n < neurons; n++) if (spikes[t * neurons + n] != 0) dots.add(t, n);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        renderer.setSeriesShape(0, new Rectangle2D.Double(-1.5, -1.5, 3, 3));
        renderer.setSeriesPaint(0, Color.BLACK);
        XYPlot plot = new XYPlot(new XYSeriesCollection(dots), axis("time step", -0.5, steps - 0.5), axis("neuron", -0.5, neurons - 0.5), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        write(png, new JFreeChart(title + " (" + dots.getItemCount() + " spikes)", JFreeChart.DEFAULT_TITLE_FONT, plot, false), 1000, 600);
    }

    /** Writes one line per neuron of {@code membrane} [steps, neurons], with the threshold as a dashed line. */
    public static void membraneTraces(Path png, double[] membrane, int steps, int neurons, double threshold, String title) throws IOException {
        if ((long) steps * neurons != membrane.length)
            throw new IllegalArgumentException("membraneTraces: " + membrane.length + " values for " + steps + " steps x " + neurons + " neurons");
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int n = 0; n < neurons; n++) {
            XYSeries s = new XYSeries("neuron " + n, false, true);
            for (int t = 0; t < steps; t++) s.add(t, membrane[t * neurons + n]);
            data.addSeries(s);
            renderer.setSeriesStroke(n, new BasicStroke(1.5f));
        }
        XYSeries th = new XYSeries("threshold", false, true);
        th.add(0, threshold);
        th.add(Math.max(1, steps - 1), threshold);
        data.addSeries(th);
        renderer.setSeriesPaint(neurons, Color.GRAY);
        renderer.setSeriesStroke(neurons, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[]{6f, 4f}, 0f));
        NumberAxis time = new NumberAxis("time step");
        time.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot plot = new XYPlot(data, time, new NumberAxis("membrane"), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        write(png, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, neurons <= 10), 1000, 600);
    }

    private static NumberAxis axis(String label, double lo, double hi) {
        NumberAxis a = new NumberAxis(label);
        a.setRange(lo, Math.max(hi, lo + 1));
        a.setStandardTickUnits(NumberAxis.createIntegerTickUnits());     // steps and neurons are whole numbers
        return a;
    }

    private static void write(Path png, JFreeChart chart, int width, int height) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }
}
