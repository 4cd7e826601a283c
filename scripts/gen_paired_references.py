#!/usr/bin/env python3
"""Reference values for the package's paired model comparison (npm/src/paired.mjs), written to
tests/data/paired/references.json and read by tests/js/paired.test.mjs.

    /usr/bin/python3 scripts/gen_paired_references.py      (needs numpy and scipy)

- McNemar: statsmodels' conventions (mcnemar(table, exact, correction)), computed with scipy:
  exact p = min(1, 2 * binom.cdf(min(b, c), b + c, 1/2)) (checked against scipy.stats.binomtest),
  chi-square p = chi2.sf((|b - c| - corr)^2 / (b + c), 1). Two published worked examples are
  checked here against their printed statistics: Agresti (2002, Categorical Data Analysis, 10.1)
  presidential approval, and the textbook table of Wikipedia's "McNemar's test" article.
- DeLong: the O(m n) definition of DeLong, DeLong & Clarke-Pearson (1988) (placement values from
  the kernel psi(x, y) = 1, 1/2, 0 over every positive-negative pair), an algorithm independent of
  the O(n log n) midrank one the package uses; p and interval from scipy.stats.norm. Hanley &
  McNeil (1982)'s CT rating data is one case, its published AUC (0.893) checked here.
- Paired bootstrap: the package's generator (xoshiro128** seeded by splitmix32) re-implemented
  here, so the resamples are the same; the metric's values computed with numpy; percentile interval
  with numpy's linear quantile (torch.quantile's).
"""
import json
import pathlib

import numpy as np
from scipy import stats

OUT = pathlib.Path(__file__).resolve().parent.parent / 'tests' / 'data' / 'paired' / 'references.json'
rng = np.random.default_rng(20240524)


# ---- McNemar -----------------------------------------------------------------------------------

def mcnemar_refs(table):
    b, c = table[0][1], table[1][0]
    n = b + c
    stat_exact = min(b, c)
    p_exact = min(1.0, 2 * stats.binom.cdf(stat_exact, n, 0.5)) if n > 0 else 1.0
    if n > 0:
        bt = stats.binomtest(stat_exact, n, 0.5).pvalue
        assert abs(bt - p_exact) <= 1e-12 * max(1.0, p_exact) or (b == c and bt == 1.0), (table, bt, p_exact)
    out = {'exact': {'statistic': stat_exact, 'pValue': p_exact}}
    for name, corr in (('chi2', 0), ('chi2Corrected', 1)):
        s = (abs(b - c) - corr) ** 2 / n if n > 0 else None
        out[name] = {'statistic': s, 'pValue': float(stats.chi2.sf(s, 1)) if s is not None else None}
    return out


mcnemar_cases = []
agresti = [[794, 150], [86, 570]]
r = mcnemar_refs(agresti)
assert round(r['chi2']['statistic'], 2) == 17.36, r  # Agresti: z^2 = 17.36
mcnemar_cases.append({'doc': 'Agresti (2002) 10.1: presidential approval, first and second survey', 'table': agresti, **r})
wiki = [[101, 121], [59, 33]]
r = mcnemar_refs(wiki)
assert abs(r['chi2']['statistic'] - 21.35) < 0.01, r  # the article prints 21.35
mcnemar_cases.append({'doc': "Wikipedia, McNemar's test: the worked example", 'table': wiki, **r})
for table in ([[10, 3], [9, 5]], [[5, 0], [0, 7]], [[0, 1], [7, 0]], [[12, 11], [11, 4]], [[40, 2], [13, 9]], [[3, 0], [24, 1]]):
    mcnemar_cases.append({'doc': 'small discordant counts', 'table': table, **mcnemar_refs(table)})
# per-row correctness (what a page or user has), one small and one large with many discordant rows
for n, pa, pb in ((150, 0.8, 0.75), (5000, 0.9, 0.89)):
    a = rng.random(n) < pa
    bb = np.where(rng.random(n) < 0.9, a, rng.random(n) < pb)
    table = [[int(np.sum(a & bb)), int(np.sum(a & ~bb))], [int(np.sum(~a & bb)), int(np.sum(~a & ~bb))]]
    mcnemar_cases.append({'doc': f'{n} rows of correctness', 'correctA': a.astype(int).tolist(), 'correctB': bb.astype(int).tolist(),
                          'table': table, **mcnemar_refs(table)})


# ---- DeLong ------------------------------------------------------------------------------------

def delong_refs(a, b, y, alpha=0.05):
    a, b, y = np.asarray(a, float), np.asarray(b, float), np.asarray(y, bool)
    m, n = int(y.sum()), int((~y).sum())

    def components(s):
        x, z = s[y][:, None], s[~y][None, :]
        psi = (x > z) + 0.5 * (x == z)
        return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)  # auc, V10 (per positive), V01 (per negative)

    auc_a, v10a, v01a = components(a)
    auc_b, v10b, v01b = components(b)
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    s = s10 / m + s01 / n
    var = s[0, 0] + s[1, 1] - 2 * s[0, 1]
    diff = auc_b - auc_a
    z = diff / np.sqrt(var)
    half = stats.norm.ppf(1 - alpha / 2) * np.sqrt(var)
    return {'aucA': auc_a, 'aucB': auc_b, 'difference': diff, 'varianceA': s[0, 0], 'varianceB': s[1, 1], 'covariance': s[0, 1],
            'variance': var, 'z': z, 'pValue': 2 * stats.norm.sf(abs(z)), 'interval': [diff - half, diff + half], 'alpha': alpha}


delong_cases = []
# Hanley & McNeil (1982), table: ratings 1..5 of 58 normal and 51 abnormal CT images; AUC 0.893.
normal = np.repeat([1, 2, 3, 4, 5], [33, 6, 6, 11, 2])
abnormal = np.repeat([1, 2, 3, 4, 5], [3, 2, 2, 11, 33])
ct_y = np.r_[np.zeros(len(normal)), np.ones(len(abnormal))].astype(int)
ct_a = np.r_[normal, abnormal].astype(float)
ct_b = np.clip(ct_a + rng.integers(-1, 2, len(ct_a)), 1, 5)  # a second, noisier reader
r = delong_refs(ct_a, ct_b, ct_y)
assert round(r['aucA'], 3) == 0.893, r
delong_cases.append({'doc': 'Hanley & McNeil (1982) CT ratings (AUC 0.893) vs a noisier second reader (ties everywhere)',
                     'scoresA': ct_a.tolist(), 'scoresB': ct_b.tolist(), 'target': ct_y.tolist(), **r})
for n, rho, ties, alpha in ((60, 0.5, False, 0.05), (400, 0.8, True, 0.05), (3000, 0.3, False, 0.1)):
    y = (rng.random(n) < 0.4).astype(int)
    common = rng.normal(size=n)
    sa = 1.0 * y + common * np.sqrt(rho) + rng.normal(size=n) * np.sqrt(1 - rho)
    sb = 1.3 * y + common * np.sqrt(rho) + rng.normal(size=n) * np.sqrt(1 - rho)
    if ties:
        sa, sb = np.round(sa, 1), np.round(sb, 1)
    sa, sb = sa.astype(np.float32).astype(float), sb.astype(np.float32).astype(float)
    delong_cases.append({'doc': f'{n} rows, correlation {rho}{", scores rounded (ties)" if ties else ""}, alpha {alpha}',
                         'scoresA': sa.tolist(), 'scoresB': sb.tolist(), 'target': y.tolist(), **delong_refs(sa, sb, y, alpha)})


# ---- paired bootstrap: the package's generator, re-implemented ----------------------------------

M32 = 0xFFFFFFFF


class Rng:
    """xoshiro128** seeded through splitmix32 (npm/src/wrappers.mjs, class Rng)."""

    def __init__(self, seed):
        s = seed & M32
        words = []
        for _ in range(4):
            s = (s + 0x9E3779B9) & M32
            z = s
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            words.append((z ^ (z >> 16)) & M32)
        self.s = words

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & M32
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def uniform(self):
        return self.next() / 4294967296


def bootstrap_refs(value, a_inputs, b_inputs, n, num, seed, alpha):
    g = Rng(seed)
    diffs = []
    for _ in range(num):
        idx = np.array([int(g.uniform() * n) for _ in range(n)])
        d = value(*[x[idx] for x in b_inputs]) - value(*[x[idx] for x in a_inputs])
        if np.isfinite(d):
            diffs.append(d)
    diffs = np.sort(np.array(diffs))
    B = len(diffs)
    p = min(1.0, 2 * min(1 + np.sum(diffs <= 0), 1 + np.sum(diffs >= 0)) / (B + 1))
    return {'valueA': value(*a_inputs), 'valueB': value(*b_inputs), 'difference': value(*b_inputs) - value(*a_inputs),
            'interval': [np.quantile(diffs, alpha / 2), np.quantile(diffs, 1 - alpha / 2)], 'standardError': np.std(diffs, ddof=1),
            'pValue': p, 'dropped': num - B}


bootstrap_cases = []
n = 80
y = (rng.random(n) < 0.5).astype(np.int32)
pa = np.clip(0.5 + (y - 0.5) * 0.3 + rng.normal(scale=0.25, size=n), 0.01, 0.99).astype(np.float32)
pb = np.clip(0.5 + (y - 0.5) * 0.5 + rng.normal(scale=0.25, size=n), 0.01, 0.99).astype(np.float32)
pa[np.abs(pa - 0.5) < 1e-3] += np.float32(0.01)  # no score on the threshold
pb[np.abs(pb - 0.5) < 1e-3] += np.float32(0.01)
accuracy = lambda p, t: float(np.mean((p > 0.5) == (t == 1)))
bootstrap_cases.append({'doc': 'BinaryAccuracy, 80 rows, 300 resamples, seed 7', 'metric': 'BinaryAccuracy', 'options': {},
                        'predsA': pa.tolist(), 'predsB': pb.tolist(), 'target': y.tolist(), 'numBootstraps': 300, 'seed': 7, 'alpha': 0.05,
                        **bootstrap_refs(accuracy, [pa, y], [pb, y], n, 300, 7, 0.05)})
t = rng.normal(size=50).astype(np.float32)
ra = (t + rng.normal(scale=0.5, size=50)).astype(np.float32)
rb = (t + rng.normal(scale=0.6, size=50)).astype(np.float32)
mse = lambda p, tt: float(np.mean((p.astype(float) - tt.astype(float)) ** 2))
bootstrap_cases.append({'doc': 'MeanSquaredError, 50 rows, 200 resamples, seed 12345, alpha 0.1', 'metric': 'MeanSquaredError', 'options': {},
                        'predsA': ra.tolist(), 'predsB': rb.tolist(), 'target': t.tolist(), 'numBootstraps': 200, 'seed': 12345, 'alpha': 0.1,
                        **bootstrap_refs(mse, [ra, t], [rb, t], 50, 200, 12345, 0.1)})


def plain(v):
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (np.floating, float)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(plain({'generator': 'scripts/gen_paired_references.py', 'scipy': __import__('scipy').__version__,
                                 'numpy': np.__version__, 'mcnemar': mcnemar_cases, 'delong': delong_cases,
                                 'bootstrap': bootstrap_cases})) + '\n')
print(f'wrote {OUT}: {len(mcnemar_cases)} McNemar, {len(delong_cases)} DeLong, {len(bootstrap_cases)} bootstrap cases')
