package dev.galvani.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Each surrogate's derivative: hand-worked values of the SNN reference §4.1 formulas, and the
 * central difference of its smooth primitive at many points and several α.
 */
class SurrogateTest {

    @Test
    void handWorkedValues() {
        assertEquals(1.0, Surrogate.atan().derivative(0), 1e-15);                                   // α/2 at x = 0, α = 2
        assertEquals(2 / (2 * (1 + Math.PI * Math.PI)), Surrogate.atan().derivative(1), 1e-15);    // u = π α x / 2 = π
        assertEquals(1.0, Surrogate.sigmoid().derivative(0), 1e-15);                                // α s(0)(1 − s(0)) = 4/4
        assertEquals(1.0, Surrogate.fastSigmoid().derivative(0), 1e-15);
        assertEquals(1.0 / (26 * 26), Surrogate.fastSigmoid().derivative(-1), 1e-15);               // 1 / (1 + 25)²
        assertEquals(0.5, Surrogate.piecewiseQuadratic().derivative(0.5), 1e-15);                  // 1 − 0.5
        assertEquals(0.0, Surrogate.piecewiseQuadratic().derivative(1.5), 0);
        assertEquals(0.3, Surrogate.triangle().derivative(0), 1e-15);
        assertEquals(0.15, Surrogate.triangle().derivative(-0.5), 1e-15);
        assertEquals(2 / Math.sqrt(Math.PI), Surrogate.erf().derivative(0), 1e-15);
        assertEquals(0.5 * Math.exp(-1), Surrogate.piecewiseExp().derivative(1), 1e-15);
        assertEquals(1.0, Surrogate.softSign().derivative(0), 1e-15);
        assertEquals(2 / (2 * 9.0), Surrogate.softSign().derivative(1), 1e-15);                    // α / (2 (1 + |αx|)²) = 2 / (2 · 9)
    }

    @Test
    void derivativesAreTheSlopesOfTheirPrimitives() {
        double h = 1e-6;
        for (Surrogate.Kind kind : Surrogate.Kind.values())
            for (double alpha : new double[]{kind.defaultAlpha(), 0.5 * kind.defaultAlpha(), 3 * kind.defaultAlpha()}) {
                Surrogate s = new Surrogate(kind, alpha);
                for (double x = -2.05; x <= 2.05; x += 0.1) {
                    // Piecewise surrogates have kinks (PiecewiseQuadratic at ±1/α, Triangle at ±1, PiecewiseExp at 0): skip those.
                    if (Math.abs(Math.abs(x) - 1 / alpha) < 1e-4 || Math.abs(Math.abs(x) - 1) < 1e-4 || Math.abs(x) < 1e-4) continue;
                    double numeric = (s.primitive(x + h) - s.primitive(x - h)) / (2 * h);
                    assertEquals(s.derivative(x), numeric, 1e-6 * Math.max(1, Math.abs(numeric)), s + " at x = " + x);
                }
            }
    }
}
