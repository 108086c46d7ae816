#!/usr/bin/env python3
"""Fits the polynomials of the vectorised erf/erfc (tensor: dev.galvani.tensor.cpu.ErfLanes) with mpmath.

Two regions of a = |x| (VectorMath's erf design, see ErfLanes' Javadoc):
  a < 1/2:  erf(a) = a * P(a^2)                P(w) = erf(sqrt w) / sqrt w, Chebyshev fit on w in [0, 1/4]
  a >= 1/2: erfc(a) = exp(-a^2) * G(t) / (1 + 2a)  t = (a - k) / (a + k), G(t) = (1 + 2a) e^(a^2) erfc(a)
The second is the change of variable of Shepherd and Laframboise (Math. Comp. 36, 1981, 249-253), which
makes G smooth on the whole half-line; the fit interval covers a in [1/2, amax] (F64 up to 28, where erfc
has underflowed; F32 up to 10.5). Prints the coefficients (lowest degree first) as Java declarations and
the worst relative error of the rounded coefficients on a dense grid, evaluated in 50-digit arithmetic.
Run: python3 erf_coefficients.py  (needs mpmath only).
"""
import mpmath as mp

mp.mp.dps = 50


def fit(f, lo, hi, n):
    coeffs, err = mp.chebyfit(f, [lo, hi], n, error=True)
    return list(reversed(coeffs)), err        # lowest degree first


def rounded(c, single):
    import struct
    if single:
        return [mp.mpf(struct.unpack('f', struct.pack('f', float(x)))[0]) for x in c]
    return [mp.mpf(float(x)) for x in c]


def worst(f, c, lo, hi, m=4000):
    w = mp.mpf(0)
    for i in range(m + 1):
        x = lo + (hi - lo) * i / m
        p = mp.polyval(list(reversed(c)), x)
        w = max(w, abs(p / f(x) - 1))
    return w


def small(w):
    return mp.erf(mp.sqrt(w)) / mp.sqrt(w) if w > 0 else 2 / mp.sqrt(mp.pi)


def large(k):
    def g(t):
        a = k * (1 + t) / (1 - t)
        return (1 + 2 * a) * mp.exp(a * a) * mp.erfc(a)
    return g


def emit(name, c, single):
    vals = rounded(c, single)
    suffix = 'f' if single else ''
    body = ', '.join(repr(float(v)) + suffix for v in vals)
    print(f'    // {name}: {len(vals)} coefficients, lowest degree first')
    print(f'    static final {"float" if single else "double"}[] {name} = {{{body}}};')


for single, n_small, n_large, k, amax in [(False, 9, 22, 3, 28), (True, 5, 11, 2, 10.5)]:
    tag = 'F32' if single else 'F64'
    cs, _ = fit(small, 0, mp.mpf(1) / 4, n_small)
    tlo, thi = (mp.mpf(1) / 2 - k) / (mp.mpf(1) / 2 + k), mp.mpf(amax - k) / (amax + k)
    cl, _ = fit(large(k), tlo, thi, n_large)
    print(f'// {tag}: small region worst relative error {mp.nstr(worst(small, rounded(cs, single), mp.mpf(0), mp.mpf(1) / 4), 3)}, '
          f'large region (k = {k}, a up to {amax}) {mp.nstr(worst(large(k), rounded(cl, single), tlo, thi), 3)}')
    emit(f'{tag}_ERF_SMALL', cs, single)
    emit(f'{tag}_ERFC_LARGE', cl, single)
