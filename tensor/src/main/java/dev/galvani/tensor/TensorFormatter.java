package dev.galvani.tensor;

import java.util.Locale;

/**
 * Prints tensors the way PyTorch does, so output can be compared side by side: {@code tensor([1., 2.])},
 * four decimals, scientific notation for wide ranges, right-aligned columns, and "..." with three
 * edge items per dimension beyond 1000 elements. Non-default dtypes and devices are named.
 */
final class TensorFormatter {

    private TensorFormatter() {}

    static final int THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;
    static final int LINE_WIDTH = 80;

    static String format(Tensor t) {
        Tensor cpu = t.cpu();
        boolean summarize = cpu.numel() > THRESHOLD;
        String prefix = "tensor(";
        StringBuilder sb = new StringBuilder(prefix);
        if (cpu.numel() == 0 && cpu.dim() > 0) {
            sb.append("[]");
            if (cpu.dim() > 1) sb.append(", size=").append(sizeString(cpu.shape()));
        } else {
            double[] shown = visibleValues(cpu, summarize);
            ElementFormat f = ElementFormat.of(cpu.dtype(), shown);
            body(sb, cpu, f, summarize, prefix.length());
        }
        if (t.dtype() != DType.F32 && t.dtype() != DType.I64 && t.dtype() != DType.BOOL) sb.append(", dtype=").append(t.dtype());
        if (!t.device().isCpu()) sb.append(", device='").append(t.device()).append('\'');
        return sb.append(')').toString();
    }

    static String sizeString(Shape s) {
        int[] d = s.dims();
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < d.length; i++) sb.append(i > 0 ? ", " : "").append(d[i]);
        return sb.append(d.length == 1 ? ",)" : ")").toString();
    }

    /** The values that will be printed (all, or the edges of each dimension), for choosing the format. */
    static double[] visibleValues(Tensor t, boolean summarize) {
        if (!summarize) return t.toDoubleArray();
        Tensor v = t;
        for (int d = 0; d < v.dim(); d++) {
            int n = v.size(d);
            if (n > 2 * EDGE_ITEMS) v = Tensor.cat(d, v.narrow(d, 0, EDGE_ITEMS), v.narrow(d, n - EDGE_ITEMS, EDGE_ITEMS));
        }
        return v.toDoubleArray();
    }

    private static void body(StringBuilder sb, Tensor t, ElementFormat f, boolean summarize, int indent) {
        if (t.dim() == 0) {
            sb.append(f.format(t.get()).strip());
            return;
        }
        sb.append('[');
        int n = t.size(0);
        if (t.dim() == 1) {
            java.util.List<String> items = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (summarize && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                    items.add(" ...");
                    i = n - EDGE_ITEMS - 1;
                } else {
                    items.add(f.format(t.get(i)));
                }
            }
            int perLine = Math.max(1, (LINE_WIDTH - indent) / (f.width + 2));
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) sb.append(i % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
                sb.append(items.get(i));
            }
        } else {
            String sep = "," + "\n".repeat(t.dim() - 1) + " ".repeat(indent + 1);
            for (int i = 0; i < n; i++) {
                if (summarize && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                    sb.append("...").append(sep);
                    i = n - EDGE_ITEMS - 1;
                    continue;
                }
                body(sb, t.select(0, i), f, summarize, indent + 1);
                if (i < n - 1) sb.append(sep);
            }
        }
        sb.append(']');
    }

    /** One format for all elements of a tensor, PyTorch's _Formatter. */
    static final class ElementFormat {
        final DType dtype;
        final boolean intMode, sciMode;
        final int width;

        private ElementFormat(DType dtype, boolean intMode, boolean sciMode, int width) {
            this.dtype = dtype;
            this.intMode = intMode;
            this.sciMode = sciMode;
            this.width = width;
        }

        static ElementFormat of(DType dtype, double[] values) {
            if (!dtype.isFloatingPoint()) {
                int w = 1;
                for (double v : values) w = Math.max(w, raw(dtype, false, false, v).length());
                return new ElementFormat(dtype, false, false, w);
            }
            boolean intMode = true;
            double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
            boolean anyFinite = false;
            for (double v : values) {
                if (!Double.isFinite(v)) continue;
                if (v != Math.ceil(v)) intMode = false;
                if (v != 0) {
                    anyFinite = true;
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                    minAbs = Math.min(minAbs, Math.abs(v));
                }
            }
            boolean sci = false;
            if (anyFinite) {
                if (intMode) sci = maxAbs / minAbs > 1000 || maxAbs > 1e8;
                else sci = maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4;
            }
            int w = 1;      // PyTorch sizes columns by the non-zero finite values only
            for (double v : values) if (v != 0 && Double.isFinite(v)) w = Math.max(w, raw(dtype, intMode, sci, v).length());
            return new ElementFormat(dtype, intMode, sci, w);
        }

        String format(double v) {
            String s = raw(dtype, intMode, sciMode, v);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }

        private static String raw(DType dtype, boolean intMode, boolean sci, double v) {
            if (dtype == DType.BOOL) return v != 0 ? "True" : "False";
            if (!dtype.isFloatingPoint()) return Long.toString((long) v);
            if (Double.isNaN(v)) return "nan";
            if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
            if (sci) return String.format(Locale.ROOT, "%.4e", v).replaceFirst("e([+-])(\\d)$", "e$10$2");
            if (intMode) return String.format(Locale.ROOT, "%.0f", v) + ".";
            return String.format(Locale.ROOT, "%.4f", v);
        }
    }
}
