package dev.galvani.monitor;

import dev.galvani.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * PNG heat maps of 2-D fields side by side, each with its colour bar: a prediction next to the
 * truth and the error, a coefficient next to its solution. Drawn by JFreeChart without a display,
 * as {@link TrainingCurves}; written whole or not at all.
 */
public final class FieldPlots {

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private FieldPlots() {}

    /**
     * One panel: a field of {@code rows × cols} values (row-major, row 0 drawn at the top) and the
     * value range of its colours ({@code lo == hi}: the field's own minimum and maximum).
     * @param title the panel's title
     * @param values the field, row-major
     * @param rows the number of rows
     * @param cols the number of columns
     * @param lo the value drawn in the lowest colour
     * @param hi the value drawn in the highest colour
     */
    public record Field(String title, double[] values, int rows, int cols, double lo, double hi) {
        /** Checks the size. */
        public Field {
            if (rows < 1 || cols < 1 || (long) rows * cols != values.length)
                throw new IllegalArgumentException("FieldPlots: " + values.length + " values for " + rows + " x " + cols + " in '" + title + "'");
        }

        /** A panel coloured over the field's own range. */
        public static Field of(String title, double[] values, int rows, int cols) { return new Field(title, values, rows, cols, 0, 0); }

        /** This panel coloured over {@code [lo, hi]} (to share one scale between panels). */
        public Field withRange(double lo, double hi) { return new Field(title, values, rows, cols, lo, hi); }

        double min() { return lo != hi ? lo : java.util.Arrays.stream(values).min().orElse(0); }

        double max() {
            if (lo != hi) return hi;
            double m = java.util.Arrays.stream(values).max().orElse(1);
            return m > min() ? m : min() + 1;           // a constant field still needs a scale
        }
    }

    /** Writes the panels in one row, each {@code panelSize} pixels wide, under {@code title}. */
    public static void save(Path png, String title, List<Field> panels, int panelSize) throws IOException {
        if (panels.isEmpty()) throw new IllegalArgumentException("FieldPlots: no panels to draw");
        if (panelSize < 100) throw new IllegalArgumentException("FieldPlots: panels must be at least 100 pixels, got " + panelSize);
        int titleHeight = 36, width = panelSize * panels.size(), height = panelSize + 60 + titleHeight;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, Math.max(8, (width - g.getFontMetrics().stringWidth(title)) / 2), 24);
            for (int i = 0; i < panels.size(); i++)
                chart(panels.get(i)).draw(g, new Rectangle2D.Double(i * panelSize, titleHeight, panelSize, height - titleHeight));
        } finally {
            g.dispose();
        }
        AtomicFiles.write(png, out -> ImageIO.write(image, "png", out));
    }

    private static JFreeChart chart(Field f) {
        DefaultXYZDataset data = new DefaultXYZDataset();
        int n = f.values().length;
        double[][] xyz = new double[3][n];
        for (int r = 0; r < f.rows(); r++)
            for (int c = 0; c < f.cols(); c++) {
                int i = r * f.cols() + c;
                xyz[0][i] = c;
                xyz[1][i] = f.rows() - 1 - r;         // row 0 at the top, as an image
                xyz[2][i] = f.values()[i];
            }
        data.addSeries(f.title(), xyz);
        Viridis scale = new Viridis(f.min(), f.max());
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        NumberAxis x = new NumberAxis(), y = new NumberAxis();
        x.setRange(-0.5, f.cols() - 0.5);
        y.setRange(-0.5, f.rows() - 0.5);
        x.setVisible(false);
        y.setVisible(false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        JFreeChart chart = new JFreeChart(f.title(), new Font(Font.SANS_SERIF, Font.PLAIN, 14), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        NumberAxis barAxis = new NumberAxis();
        barAxis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        PaintScaleLegend bar = new PaintScaleLegend(scale, barAxis);
        bar.setPosition(RectangleEdge.BOTTOM);
        bar.setStripWidth(10);
        bar.setMargin(4, 20, 4, 20);
        bar.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(bar);
        return chart;
    }

    /** Matplotlib's viridis, interpolated between nine of its colours; values outside the range are clamped. */
    private record Viridis(double lo, double hi) implements PaintScale {
        private static final int[] ANCHORS = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725};

        @Override public double getLowerBound() { return lo; }

        @Override public double getUpperBound() { return hi; }

        @Override public java.awt.Paint getPaint(double value) {
            double t = Double.isNaN(value) ? 0 : Math.clamp((value - lo) / (hi - lo), 0, 1) * (ANCHORS.length - 1);
            int i = Math.min((int) t, ANCHORS.length - 2);
            double w = t - i;
            int a = ANCHORS[i], b = ANCHORS[i + 1];
            return new Color(mix(a >> 16, b >> 16, w), mix((a >> 8) & 0xff, (b >> 8) & 0xff, w), mix(a & 0xff, b & 0xff, w));
        }

        private static int mix(int a, int b, double w) { return (int) Math.round(a + (b - a) * w); }
    }
}
