#!/usr/bin/env python3
"""Writes nfkc-vectors.txt: NFKC reference results from Python's unicodedata, to check the C# tables and algorithm.

Each line: input code points (hex, space-separated) ';' NFKC output code points. Seeded, so reruns give the same file.
Run: python3 test/Vigil.Hashing.Tests/Text/generate_nfkc_vectors.py
"""
import os
import random
import unicodedata

rng = random.Random(20261127)
decomposable = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and unicodedata.normalize("NFKD", chr(cp)) != chr(cp)]
marks = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and unicodedata.combining(chr(cp))]
bases = [ord(c) for c in "aeiouAEIOUcnsyzkgrw"] + [0x391, 0x3B1, 0x415, 0x435, 0x1100, 0x1161, 0x11A8, 0xAC00, 0xAC01, 0x304B, 0x3099, 0x309A, 0x0B47, 0x0B3E, 0x0B57, 0x0627, 0x0653, 0x0654, 0x05D0]
pool = bases + marks + rng.sample(decomposable, 400)

lines = []
for cp in rng.sample(decomposable, 1500):
    lines.append([cp])
for _ in range(2500):
    lines.append([rng.choice(pool) for _ in range(rng.randint(1, 6))])

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "nfkc-vectors.txt"), "w", encoding="ascii", newline="\n") as f:
    f.write("# NFKC vectors from Unicode %s (Python unicodedata); see generate_nfkc_vectors.py\n" % unicodedata.unidata_version)
    for cps in lines:
        out = unicodedata.normalize("NFKC", "".join(chr(c) for c in cps))
        f.write("%s;%s\n" % (" ".join("%X" % c for c in cps), " ".join("%X" % ord(c) for c in out)))
