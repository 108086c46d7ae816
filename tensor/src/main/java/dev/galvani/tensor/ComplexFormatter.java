package dev.galvani.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints complex tensors as PyTorch does: each element is its real part in the real parts' format
 * (right-aligned to their width) followed by its imaginary part in the imaginary parts' format,
 * signed and with a {@code j}, e.g. {@code tensor([ 1.+2.0000j, -3.-1.5000j])}; the layout rules
 * (summarising, line width, nesting) are {@link TensorFormatter}'s.
 */
final class ComplexFormatter {

    private ComplexFormatter() {}

    static String format(ComplexTensor z) {
        Tensor re = z.real().cpu(), im = z.imag().cpu();
        boolean summarize = re.numel() > TensorFormatter.THRESHOLD;
        String prefix = "tensor(";
        StringBuilder sb = new StringBuilder(prefix);
        if (re.numel() == 0 && re.dim() > 0) {
            sb.append("[]");
            if (re.dim() > 1) sb.append(", size=").append(TensorFormatter.sizeString(re.shape()));
        } else {
            var fr = TensorFormatter.ElementFormat.of(re.dtype(), TensorFormatter.visibleValues(re, summarize));
            var fi = TensorFormatter.ElementFormat.of(im.dtype(), TensorFormatter.visibleValues(im, summarize));
            body(sb, re, im, fr, fi, summarize, prefix.length());
        }
        if (z.dtype() == DType.F64) sb.append(", dtype=complex128");
        if (!z.device().isCpu()) sb.append(", device='").append(z.device()).append('\'');
        return sb.append(')').toString();
    }

    /** One element: the padded real part, then the imaginary part stripped of its padding, signed, with "j". */
    private static String element(double re, double im, TensorFormatter.ElementFormat fr, TensorFormatter.ElementFormat fi) {
        String imag = (fi.format(im) + "j").strip();
        return fr.format(re) + (imag.startsWith("+") || imag.startsWith("-") ? imag : "+" + imag);
    }

    private static void body(StringBuilder sb, Tensor re, Tensor im, TensorFormatter.ElementFormat fr, TensorFormatter.ElementFormat fi,
                             boolean summarize, int indent) {
        int edge = TensorFormatter.EDGE_ITEMS;
        if (re.dim() == 0) {
            sb.append(element(re.get(), im.get(), fr, fi).strip());
            return;
        }
        sb.append('[');
        int n = re.size(0);
        if (re.dim() == 1) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (summarize && n > 2 * edge && i == edge) {
                    items.add(" ...");
                    i = n - edge - 1;
                } else {
                    items.add(element(re.get(i), im.get(i), fr, fi));
                }
            }
            int perLine = Math.max(1, (TensorFormatter.LINE_WIDTH - indent) / (fr.width + 2 + fi.width + 1));
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) sb.append(i % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
                sb.append(items.get(i));
            }
        } else {
            String sep = "," + "\n".repeat(re.dim() - 1) + " ".repeat(indent + 1);
            for (int i = 0; i < n; i++) {
                if (summarize && n > 2 * edge && i == edge) {
                    sb.append("...").append(sep);
                    i = n - edge - 1;
                    continue;
                }
                body(sb, re.select(0, i), im.select(0, i), fr, fi, summarize, indent + 1);
                if (i < n - 1) sb.append(sep);
            }
        }
        sb.append(']');
    }
}
