package dev.galvani.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ErfLanes} against values recorded from mpmath at 40 digits
 * ({@code reference/make_erf_reference.py}): 1,900 float-representable points over [-40, 12]
 * including the kernel's region boundaries. F64 bounds are relative (GELU's derivative relative to
 * the size of its two terms, which cancel near x = -0.75); F32 bounds are in ulps of the correctly
 * rounded float.
 */
class ErfLanesTest {

    /** One reference row: x, erf, gelu, gelu', Φ, x φ. */
    record Row(double x, double erf, double gelu, double dgelu, double phi, double xpdf) {}

    private static List<Row> rows;

    @BeforeAll
    static void load() throws IOException {
        rows = new ArrayList<>();
        try (var in = ErfLanesTest.class.getResourceAsStream("/reference/erf_reference.csv");
             var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) continue;
                String[] f = line.split(",");
                rows.add(new Row(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])));
            }
        }
        assertTrue(rows.size() > 1900, "reference rows: " + rows.size());
    }

    private static double[] xs() { return rows.stream().mapToDouble(Row::x).toArray(); }

    private static double[] run(ErfLanes.Kind kind, double[] g, double[] x) {
        double[] y = new double[x.length];
        ErfLanes.apply(kind, g, 0, x, 0, y, 0, x.length);
        return y;
    }

    private static float[] run(ErfLanes.Kind kind, float[] g, float[] x) {
        float[] y = new float[x.length];
        ErfLanes.apply(kind, g, 0, x, 0, y, 0, x.length);
        return y;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    private static double[] ones(int n) { double[] a = new double[n]; java.util.Arrays.fill(a, 1); return a; }

    @Test
    void f64ErfWithinTwoUlps() {
        double[] x = xs(), y = run(ErfLanes.Kind.ERF, null, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = rows.get(i).erf();
            if (want == 0) { assertEquals(0, y[i]); continue; }
            worst = Math.max(worst, Math.abs(y[i] - want) / Math.abs(want));
        }
        System.out.printf("F64 erf: worst relative error %.3g%n", worst);
        assertTrue(worst <= 5e-16, "F64 erf: worst relative error " + worst);
    }

    @Test
    void f64GeluKeepsItsRelativeAccuracyInTheNegativeTail() {
        double[] x = xs(), y = run(ErfLanes.Kind.GELU, null, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = rows.get(i).gelu();
            if (Math.abs(want) < 1e-290) { assertTrue(Math.abs(y[i]) < 1e-280, "gelu(" + x[i] + ") = " + y[i]); continue; }
            worst = Math.max(worst, Math.abs(y[i] - want) / Math.abs(want));
        }
        System.out.printf("F64 gelu: worst relative error %.3g%n", worst);
        assertTrue(worst <= 1e-15, "F64 gelu: worst relative error " + worst);
    }

    @Test
    void f64GeluDerivativeTimesGradient() {
        double[] x = xs(), g = new double[x.length];
        for (int i = 0; i < g.length; i++) g[i] = 1 + (i % 7) * 0.25;
        double[] y = run(ErfLanes.Kind.GELU_BACKWARD, g, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            Row r = rows.get(i);
            double scale = g[i] * (Math.abs(r.phi()) + Math.abs(r.xpdf()));
            if (scale < 1e-290) continue;
            worst = Math.max(worst, Math.abs(y[i] - g[i] * r.dgelu()) / scale);
        }
        System.out.printf("F64 gelu': worst error relative to |Phi| + |x phi| %.3g%n", worst);
        assertTrue(worst <= 1e-15, "F64 gelu': worst error " + worst);
    }

    /** Error in ulps of the correctly rounded float of want. */
    private static double ulps(float got, double want) {
        float w = (float) want;
        return Math.abs(got - want) / Math.ulp(Math.max(Math.abs(w), Float.MIN_NORMAL));
    }

    @Test
    void f32ErfAndGeluWithinAFewUlps() {
        float[] x = toFloat(xs());
        float[] e = run(ErfLanes.Kind.ERF, null, x), gl = run(ErfLanes.Kind.GELU, null, x);
        double worstErf = 0, worstGelu = 0;
        for (int i = 0; i < x.length; i++) {
            Row r = rows.get(i);
            worstErf = Math.max(worstErf, ulps(e[i], r.erf()));
            if (Math.abs(r.gelu()) >= Float.MIN_NORMAL) worstGelu = Math.max(worstGelu, ulps(gl[i], r.gelu()));
            // Below the normal range the result has the precision of a subnormal (e^(-a^2) is one there).
            else assertTrue(Math.abs(gl[i] - r.gelu()) <= 32 * Float.MIN_VALUE, "F32 gelu(" + x[i] + ") = " + gl[i] + ", want " + r.gelu());
        }
        System.out.printf("F32 erf: worst %.2f ulp; gelu: worst %.2f ulp%n", worstErf, worstGelu);
        assertTrue(worstErf <= 3, "F32 erf: " + worstErf + " ulp");
        assertTrue(worstGelu <= 4, "F32 gelu: " + worstGelu + " ulp");
    }

    @Test
    void f32GeluDerivative() {
        float[] x = toFloat(xs()), g = toFloat(ones(x.length));
        float[] y = run(ErfLanes.Kind.GELU_BACKWARD, g, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            Row r = rows.get(i);
            double scale = Math.abs(r.phi()) + Math.abs(r.xpdf());
            if (scale < Float.MIN_NORMAL) continue;
            worst = Math.max(worst, Math.abs(y[i] - r.dgelu()) / Math.ulp((float) scale));
        }
        System.out.printf("F32 gelu': worst %.2f ulp of |Phi| + |x phi|%n", worst);
        assertTrue(worst <= 4, "F32 gelu': " + worst + " ulp");
    }

    @Test
    void specialValuesFollowTheDefinitionAndPyTorch() {
        double inf = Double.POSITIVE_INFINITY;
        double[] x = {0.0, -0.0, inf, -inf, Double.NaN, 100, -100};
        double[] erf = run(ErfLanes.Kind.ERF, null, x), gelu = run(ErfLanes.Kind.GELU, null, x);
        double[] dg = run(ErfLanes.Kind.GELU_BACKWARD, ones(x.length), x);
        assertEquals("[0.0, -0.0, 1.0, -1.0, NaN, 1.0, -1.0]", java.util.Arrays.toString(erf));
        // gelu(-inf) = -inf * 0 and gelu'(+-inf) = +-inf * 0 are NaN, as the definition and PyTorch give.
        assertEquals("[0.0, -0.0, Infinity, NaN, NaN, 100.0, -0.0]", java.util.Arrays.toString(gelu));
        assertEquals("[0.5, 0.5, NaN, NaN, NaN, 1.0, 0.0]", java.util.Arrays.toString(dg));
        float[] xf = toFloat(x);
        assertEquals("[0.0, -0.0, 1.0, -1.0, NaN, 1.0, -1.0]", java.util.Arrays.toString(run(ErfLanes.Kind.ERF, null, xf)));
        assertEquals("[0.0, -0.0, Infinity, NaN, NaN, 100.0, -0.0]", java.util.Arrays.toString(run(ErfLanes.Kind.GELU, null, xf)));
        assertEquals("[0.5, 0.5, NaN, NaN, NaN, 1.0, 0.0]",
                java.util.Arrays.toString(run(ErfLanes.Kind.GELU_BACKWARD, toFloat(ones(x.length)), xf)));
    }

    @Test
    void offsetsAndPartialVectorsGiveTheSameBitsAsTheWholeRow() {
        double[] x = xs(), whole = run(ErfLanes.Kind.GELU, null, x);
        int from = 3, n = 1003;
        double[] part = new double[n + 5];
        ErfLanes.apply(ErfLanes.Kind.GELU, null, 0, x, from, part, 2, n);
        for (int i = 0; i < n; i++) assertEquals(whole[from + i], part[2 + i], "element " + (from + i));
        float[] xf = toFloat(x), wholeF = run(ErfLanes.Kind.ERF, null, xf), partF = new float[n];
        ErfLanes.apply(ErfLanes.Kind.ERF, null, 0, xf, from, partF, 0, n);
        for (int i = 0; i < n; i++) assertEquals(wholeF[from + i], partF[i], "element " + (from + i));
    }
}
