#!/usr/bin/env python3
"""Fits the polynomial of VectorMath's F64 tanh below |x| = 0.55 with mpmath (Chebyshev nodes):
tanh(x) = x + x^3 Q(x^2), Q(w) = (tanh(sqrt w) - sqrt w) / w^(3/2) on w in [0, 0.55^2]. Prints the
coefficients (lowest degree first; VectorMath uses the 11) and the worst relative error of tanh with them rounded to double,
evaluated in 50-digit arithmetic. Above 0.55 VectorMath uses 1 - 2 / (e^(2|x|) + 1), which has no
cancellation there. Run: python3 tanh_coefficients.py  (needs mpmath only).
"""
import mpmath as mp

mp.mp.dps = 50
HI = mp.mpf('0.55') ** 2


def q(w):
    if w == 0:
        return mp.mpf(-1) / 3
    x = mp.sqrt(w)
    return (mp.tanh(x) - x) / (w * x)


for n in (10, 11, 12, 13):
    coeffs = [mp.mpf(float(c)) for c in reversed(mp.chebyfit(q, [0, HI], n))]
    worst = mp.mpf(0)
    for i in range(1, 3001):
        x = mp.mpf('0.55') * i / 3000
        t = x + x ** 3 * mp.polyval(list(reversed(coeffs)), x * x)
        worst = max(worst, abs(t / mp.tanh(x) - 1))
    print(f'// {n} coefficients: worst relative error of tanh {mp.nstr(worst, 3)}')
    print('static final double[] TANH_SMALL = {' + ', '.join(repr(float(c)) for c in coeffs) + '};')
