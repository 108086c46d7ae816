#!/usr/bin/env python3
"""Writes tanh_reference.csv: tanh at double and float32-representable points, from mpmath at 40 digits
(printed to 25 significant digits), the reference of VectorMathTest's tanh checks.

Columns: x, tanh(x). Points (fixed seed 20261203), each set with both signs:
  - where the kernel's quotient is hardest: |x| in [0.17, 0.27] (k = 1 of the reduction of 2|x|, where
    2^k p + 2^k - 1 cancels), around the switch to 1 - 2 / den at |x| = 0.55, and [0, 1];
  - the whole range [-25, 25], magnitudes log-uniform from 1e-310 (subnormal, tanh x = x) to 30, and
    [18, 20], where tanh rounds to 1;
  - the same kinds of points rounded to float32, for the F32 lanes (rows whose x is a float).
Run: python3 make_tanh_reference.py  (needs mpmath and numpy).
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
rng = np.random.default_rng(20261203)


def sets(n):
    mags = np.concatenate([
        rng.uniform(0.17, 0.27, 3 * n), rng.uniform(0.5, 0.6, n), rng.uniform(0, 1, n), rng.uniform(0, 25, n),
        np.exp(rng.uniform(np.log(1e-310), np.log(30), n)), rng.uniform(18, 20, n // 2),
    ])
    return mags * rng.choice([-1.0, 1.0], mags.size)


doubles = sets(1000)
floats = sets(300).astype(np.float32).astype(np.float64)
edges = [0.55, np.nextafter(0.55, 0), 0.17328679513998632, 0.5198603854199589, 19.06154746539849, 19.1, 22.0, 1e-8, 2.0 ** -1022]
xs = np.concatenate([doubles, floats, edges, [-e for e in edges]])

with open('tanh_reference.csv', 'w') as out:
    out.write('# x,tanh(x)  (make_tanh_reference.py, mpmath %s)\n' % mp.__version__)
    for x in xs:
        out.write(repr(float(x)) + ',' + mp.nstr(mp.tanh(mp.mpf(float(x))), 25, min_fixed=1, max_fixed=0) + '\n')
