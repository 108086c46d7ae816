package dev.galvani.monitor;

import dev.galvani.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * The metrics of a training run, by epoch and step: what {@link TrainingCurves} plots and what
 * {@link #writeCsv} saves for later analysis.
 *
 * <pre>{@code
 * log.record(epoch, step, "train_loss", loss);                 // every step
 * log.record(epoch, step, "test_accuracy", acc);               // at the end of an epoch
 * log.writeCsv(Path.of("run/metrics.csv"));
 * }</pre>
 *
 * <p>Values recorded at the same epoch and step as the previous ones join the same row, so a row
 * holds everything known at that point and the CSV has one row per step:
 * <pre>
 * epoch,step,train_loss,test_accuracy
 * 0,468,0.4123,0.8521
 * </pre>
 * Columns appear in the order metrics were first recorded; a metric not recorded at a row's step
 * leaves its cell empty. Methods are synchronized, so a log may be fed from a callback thread.
 */
public final class TrainingLog {

    /** One (epoch, step) and the metrics recorded there, in recording order. */
    public record Row(int epoch, long step, SequencedMap<String, Double> values) {}

    /** One metric over the run: the epochs, steps and values of the rows that have it. */
    public record Series(String name, int[] epochs, long[] steps, double[] values) {
        /** The number of recorded values. */
        public int size() { return values.length; }
    }

    private final List<String> metrics = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();

    /** Records {@code name = value} at ({@code epoch}, {@code step}); a repeated name at the same point replaces the value. */
    public synchronized TrainingLog record(int epoch, long step, String name, double value) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("TrainingLog: metric name is empty");
        if (name.equals("epoch") || name.equals("step"))
            throw new IllegalArgumentException("TrainingLog: '" + name + "' is a column of its own; pick another metric name");
        Row last = rows.isEmpty() ? null : rows.getLast();
        if (last == null || last.epoch() != epoch || last.step() != step) {
            last = new Row(epoch, step, new LinkedHashMap<>());
            rows.add(last);
        }
        last.values().put(name, value);
        if (!metrics.contains(name)) metrics.add(name);
        return this;
    }

    /** Metric names, in the order they were first recorded. */
    public synchronized List<String> metrics() { return List.copyOf(metrics); }

    /** The rows, oldest first (read-only copies). */
    public synchronized List<Row> rows() {
        List<Row> copy = new ArrayList<>(rows.size());
        for (Row r : rows) copy.add(new Row(r.epoch(), r.step(), Collections.unmodifiableSequencedMap(new LinkedHashMap<>(r.values()))));
        return copy;
    }

    /** The values of {@code name}, oldest first (empty if never recorded). */
    public synchronized Series series(String name) {
        List<Row> with = rows.stream().filter(r -> r.values().containsKey(name)).toList();
        int[] epochs = new int[with.size()];
        long[] steps = new long[with.size()];
        double[] values = new double[with.size()];
        for (int i = 0; i < with.size(); i++) {
            epochs[i] = with.get(i).epoch();
            steps[i] = with.get(i).step();
            values[i] = with.get(i).values().get(name);
        }
        return new Series(name, epochs, steps, values);
    }

    /** The latest value of {@code name}, or NaN if it was never recorded. */
    public synchronized double last(String name) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            Double v = rows.get(i).values().get(name);
            if (v != null) return v;
        }
        return Double.NaN;
    }

    /** The log as CSV (RFC 4180): header {@code epoch,step,<metrics>}, one line per row. */
    public synchronized String toCsv() {
        StringBuilder sb = new StringBuilder("epoch,step");
        for (String m : metrics) sb.append(',').append(quote(m));
        sb.append('\n');
        for (Row r : rows) {
            sb.append(r.epoch()).append(',').append(r.step());
            for (String m : metrics) {
                sb.append(',');
                Double v = r.values().get(m);
                if (v != null) sb.append(v);  // Double.toString: shortest text that reads back exactly
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv} to {@code file} through a temporary file and a rename: a crash never leaves half a file. */
    public void writeCsv(Path file) throws IOException {
        String csv = toCsv();
        AtomicFiles.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(csv);
            w.flush();
        });
    }

    /**
     * Reads a log written by {@link #writeCsv}, so a resumed run continues the same log. Fails with
     * the line number on anything {@code writeCsv} would not have written.
     */
    public static TrainingLog readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw new IOException(file + ": empty, not a training log");
        List<String> header = fields(lines.getFirst());
        if (header.size() < 2 || !header.get(0).equals("epoch") || !header.get(1).equals("step"))
            throw new IOException(file + ": line 1: a training log starts with the columns epoch,step; got " + lines.getFirst());
        TrainingLog log = new TrainingLog();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) continue;
            List<String> cells = fields(lines.get(i));
            if (cells.size() != header.size())
                throw new IOException(file + ": line " + (i + 1) + ": " + cells.size() + " fields, the header has " + header.size());
            try {
                int epoch = Integer.parseInt(cells.get(0));
                long step = Long.parseLong(cells.get(1));
                for (int c = 2; c < cells.size(); c++)
                    if (!cells.get(c).isEmpty()) log.record(epoch, step, header.get(c), Double.parseDouble(cells.get(c)));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": line " + (i + 1) + ": not a number (" + e.getMessage() + ")", e);
            }
        }
        return log;
    }

    /** The fields of one CSV line (RFC 4180 quoting; a log's lines hold no line breaks). */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { field.append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') { out.add(field.toString()); field.setLength(0); }
            else field.append(c);
        }
        out.add(field.toString());
        return out;
    }

    /** A metric name as a CSV field: quoted when it holds a comma, quote or line break. */
    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    @Override public synchronized String toString() {
        return "TrainingLog{" + rows.size() + " rows, metrics " + metrics + "}";
    }
}
