#!/usr/bin/env python3
"""Writes erf_reference.csv: erf, GELU and GELU's derivative at float32-representable points, from mpmath
at 40 digits (printed to 25 significant digits), the reference of ErfLanesTest.

Columns: x, erf(x), gelu(x) = x Phi(x), gelu'(x) = Phi(x) + x phi(x), Phi(x), x phi(x).
Points: a fixed pseudo-random sweep (seed 20261202) of [-7, 7], [-40, 12] and [-1e-3, 1e-3], plus the
region boundaries of the kernel (|z| = 1 for erf, |x| = sqrt 2 for GELU) and a few tiny values.
Run: python3 make_erf_reference.py  (needs mpmath and numpy).
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
rng = np.random.default_rng(20261202)
xs = np.concatenate([
    rng.uniform(-7, 7, 1200), rng.uniform(-40, 12, 600), rng.uniform(-1e-3, 1e-3, 100),
    [1.0, -1.0, np.nextafter(np.float32(1), np.float32(0)), np.nextafter(np.float32(1), np.float32(2)),
     1.4142135, -1.4142135, 1.4142137, -1.4142137, 1e-30, -1e-30, 1e-8, 0.5, -0.5, 3.0, -3.0, 6.0, -6.0, 10.0, -10.0],
]).astype(np.float32)

with open('erf_reference.csv', 'w') as out:
    out.write('# x,erf(x),gelu(x),gelu_prime(x),Phi(x),x_phi(x)  (make_erf_reference.py, mpmath %s)\n' % mp.__version__)
    for xf in xs:
        x = mp.mpf(float(xf))
        Phi = mp.erfc(-x / mp.sqrt(2)) / 2
        xphi = x * mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)
        row = [mp.erf(x), x * Phi, Phi + xphi, Phi, xphi]
        out.write(repr(float(xf)) + ',' + ','.join(mp.nstr(v, 25, min_fixed=1, max_fixed=0) for v in row) + '\n')
