#!/usr/bin/env python3
"""Writes the small SHD-layout HDF5 file the SHD loader's tests read
(layers/src/test/resources/shd/shd_fixture.h5): three hand-made recordings in the exact layout of
the Spiking Heidelberg Digits (DCLS reference §12): /spikes/times (variable-length float16,
seconds), /spikes/units (variable-length uint16), /labels (uint16), /extra/speaker, /extra/keys.

    /tmp/torch/bin/pip install h5py   # from the local mirror
    /tmp/torch/bin/python benchmarks/scripts/make_shd_fixture.py layers/src/test/resources/shd/shd_fixture.h5
"""
import sys

try:
    import h5py
    import numpy as np
except ImportError:
    sys.exit("make_shd_fixture.py: needs h5py and numpy (pip install h5py)")

RECORDINGS = [  # (times in seconds, units, label); SHDLoaderTest works the expected frames by hand
    ([0.000, 0.004, 0.012, 0.0305], [0, 4, 5, 699], 3),
    ([], [], 0),
    ([0.1, 0.1001, 0.2], [10, 11, 12], 19),
]

with h5py.File(sys.argv[1], "w") as f:
    n = len(RECORDINGS)
    times = f.create_dataset("spikes/times", (n,), dtype=h5py.vlen_dtype(np.dtype("float16")))
    units = f.create_dataset("spikes/units", (n,), dtype=h5py.vlen_dtype(np.dtype("uint16")))
    for i, (t, u, _) in enumerate(RECORDINGS):
        times[i] = np.array(t, dtype=np.float16)
        units[i] = np.array(u, dtype=np.uint16)
    f.create_dataset("labels", data=np.array([r[2] for r in RECORDINGS], dtype=np.uint16))
    f.create_dataset("extra/speaker", data=np.array([1, 2, 3], dtype=np.uint16))
    f.create_dataset("extra/keys", data=np.array([b"english-%d" % i for i in range(20)]))
