"""The threshold oracles: docs/theory.md §8.1 (cases A-E), §8.2 (scenario M) and the spectral examples.

Independent of the TypeScript code: the spectra are generated here (flat, lists, power laws,
seeded uniform draws with the generator of src/core/numerics/rng.ts re-implemented on Python
integers, spectrum files read with numpy.load), and delta, eta, alpha^2_RC, alpha^2_JE, the
effective thresholds, the boundary and the population scores come from the formulas of
docs/theory.md §4.2-§4.3 (latent = k).

Writes test/oracle/thresholds.json (read by test/unit/oracles.test.ts, cli.test.ts and the
editor's CodeLens test). Run: python3 test/oracle/thresholds.py [OUT.json]
"""
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "examples")
M32 = 0xFFFFFFFF


class Rng:
    """SplitMix32 seeding + xoshiro128** 1.1, next() with 53 bits (src/core/numerics/rng.ts)."""

    def __init__(self, seed):
        lo, hi = seed % 4294967296, seed // 4294967296
        a, b = [lo], [(hi ^ 0x6A09E667) & M32]
        self.s = [self._splitmix(a) ^ self._splitmix(b) for _ in range(4)]
        if not any(self.s):
            self.s[0] = 1

    @staticmethod
    def _splitmix(state):
        state[0] = (state[0] + 0x9E3779B9) & M32
        z = state[0]
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
        return (z ^ (z >> 16)) & M32

    def next_uint32(self):
        s0, s1, s2, s3 = self.s
        m = (s1 * 5) & M32
        result = ((((m << 7) | (m >> 25)) & M32) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 11) | (s3 >> 21)) & M32
        self.s = [s0, s1, s2, s3]
        return result

    def next(self):
        a = self.next_uint32() >> 5
        b = self.next_uint32() >> 6
        return (a * 67108864 + b) / 9007199254740992


def uniform(low, high, seed, count):
    r = Rng(seed)
    return np.array([low + (high - low) * r.next() for _ in range(count)])


def power_law(first, exponent, count, offset=0):
    i = np.arange(1, count + 1, dtype=np.float64)
    return first * ((i + offset) / (1 + offset)) ** (-exponent)


def thresholds(c, theta_imp, gamma, theta_noise):
    c, theta_imp, gamma, theta_noise = map(lambda a: np.asarray(a, dtype=np.float64), (c, theta_imp, gamma, theta_noise))
    delta = float(np.min(c / (c + theta_imp)))
    eta = float(np.min(c / np.sqrt(c + theta_imp)))
    active = gamma > 0
    g, t = gamma[active], theta_noise[active]
    a2rc = float(np.max(g / eta**2 - t / g - 1)) if g.size else -math.inf
    a2je = float(np.max((1 - delta) / delta - t / g)) if g.size else -math.inf
    eff = lambda a2: math.sqrt(max(0.0, a2)) if math.isfinite(a2) else (0.0 if a2 < 0 else math.inf)
    return {
        "delta": delta,
        "eta": eta,
        "boundary": eta**2 / delta,
        "alpha2RC": a2rc,
        "alpha2JE": a2je,
        "alphaRC": eff(a2rc),
        "alphaJE": eff(a2je),
    }


def population_scores(c, theta_imp, gamma, theta_noise, alpha):
    c, theta_imp, gamma, theta_noise = map(lambda a: np.asarray(a, dtype=np.float64), (c, theta_imp, gamma, theta_noise))
    s_noise = theta_noise + (1 + alpha**2) * gamma
    return {
        "rcImportant": list(c / np.sqrt(c + theta_imp)),
        "jeImportant": list(c / (c + theta_imp)),
        "rcNoise": list(gamma / np.sqrt(s_noise)),
        "jeNoise": list(gamma / s_noise),
    }


def cases():
    """name -> (c, lambda^Theta important, lambda^Gamma noise, lambda^Theta noise, alpha or None)."""
    out = {
        "A": ([4], [0], [9], [0], None),
        "B": ([4], [4], [1], [0], None),
        "C": ([10, 2], [1, 1], [3, 0.5], [2, 0], None),
        "D": ([1, 1], [0, 0], [0.5, 0.25], [0, 0], None),
        "E": ([1], [1], [100], [0], None),
        "M-weak": ([3e5, 5e4, 1.5e4], [1e4, 5e3, 1e4], [1e3, 500, 100], [5e3, 1e4, 2e3], None),
        "M-strong": ([3e5, 5e4, 1.5e4], [1e4, 5e3, 1e4], [1e6, 5e5, 1e5], [5e3, 1e4, 2e3], None),
    }
    # the spectral examples, generated from their definitions (examples/*.sslexp.*)
    out["straddling.sslexp.yaml"] = out["C"][:4] + (0.73,)
    out["mnist-scale-weak.sslexp.yaml"] = out["M-weak"][:4] + (1,)
    out["mnist-scale-strong.sslexp.yaml"] = out["M-strong"][:4] + (1,)
    out["strong-noise.sslexp.yaml"] = (power_law(3e5, 1.0, 50), uniform(0, 1e4, 1, 50), uniform(1e5, 1e6, 2, 50), np.full(50, 1e3), 1.5)
    out["weak-noise.sslexp.yaml"] = (power_law(100, 1, 10), np.full(10, 10.0), uniform(0.5, 5, 3, 20), np.full(20, 0.5), 0.5)
    out["families/flat.sslexp.yaml"] = (np.full(5, 4.0), np.zeros(5), np.full(5, 9.0), np.zeros(5), 1.2)
    out["families/list.sslexp.yaml"] = ([1, 1], [0, 0], [0.5, 0.25], [0, 0], None)
    out["families/json-format.sslexp.json"] = ([1], [1], [100], [0], 2)
    out["families/file.sslexp.yaml"] = (
        np.load(os.path.join(EXAMPLES, "spectra", "signal.npy")).astype(np.float64).ravel(),
        np.full(np.load(os.path.join(EXAMPLES, "spectra", "signal.npy")).size, 50.0),
        10 * np.loadtxt(os.path.join(EXAMPLES, "spectra", "noise.csv"), skiprows=1),
        np.full(np.loadtxt(os.path.join(EXAMPLES, "spectra", "noise.csv"), skiprows=1).size, 20.0),
        1.5,
    )
    out["families/exponential.sslexp.yaml"] = (
        500 * np.exp(-0.3 * np.arange(8)),
        np.full(8, 5.0),
        400 * np.exp(-0.1 * np.arange(32)),
        50 * np.exp(-0.05 * np.arange(32)),
        1,
    )
    out["families/power-law.sslexp.yaml"] = (power_law(1e4, 1.5, 20, offset=2), power_law(100, 0.5, 20), 2 * power_law(2e3, 1, 80), np.full(80, 10.0), 2)
    out["families/uniform.sslexp.yaml"] = (uniform(1e4, 3e5, 11, 50), uniform(0, 1e4, 1, 50), uniform(0, 1e3, 2, 50), uniform(0, 1e4, 3, 50), 0.1)
    return out


def main(out_path):
    table = {}
    for name, (c, ti, g, tn, alpha) in cases().items():
        row = thresholds(c, ti, g, tn)
        row["scoresAtAlpha0"] = population_scores(c, ti, g, tn, 0.0)
        if alpha is not None:
            row["alpha"] = alpha
        table[name] = row
    with open(out_path, "w") as fh:
        json.dump(table, fh, indent=1, allow_nan=False, default=float)
        fh.write("\n")
    for name, r in table.items():
        print("%-36s delta %.6g eta %.6g a2RC %.6g (%.6g) a2JE %.6g (%.6g)" % (name, r["delta"], r["eta"], r["alpha2RC"], r["alphaRC"], r["alpha2JE"], r["alphaJE"]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "thresholds.json"))
