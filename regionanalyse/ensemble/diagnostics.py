"""Convergence diagnostics of an ensemble and the Monte Carlo error of its shares.

- `rhat`: rank-normalised split R-hat (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021,
  «Rank-normalization, folding, and localization», Bayesian Analysis 16(2)): each chain split in
  halves, the draws replaced by normal scores of their ranks over all draws, the classic R-hat of
  those and of the folded draws |x − median|, the larger of the two.
- `ess`: bulk effective sample size (same paper): rank-normalised split chains, autocorrelation
  from the chains' FFT autocovariances combined across chains, summed with Geyer's initial
  monotone sequence.
- `share_interval`: a 95 % Wilson interval for a share estimated from correlated draws, with the
  effective sample size of the indicator in place of the number of draws.

Thresholds: R-hat ≤ 1,05 and ESS ≥ 200 (`RHAT_MAX`, `ESS_MIN`). Checked against an independent
implementation with other methods in tests/independent/diagnostics.py.
"""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

RHAT_MAX = 1.05
ESS_MIN = 200
Z95 = 1.959963984540054


def _by_chain(values: np.ndarray, chain: np.ndarray) -> np.ndarray:
    """Draws as chains × draws (each chain cut to the shortest chain's length), chain order kept."""
    values = np.asarray(values, dtype=float)
    ids = list(dict.fromkeys(np.asarray(chain).tolist()))
    parts = [values[np.asarray(chain) == c] for c in ids]
    n = min(len(p) for p in parts)
    return np.stack([p[:n] for p in parts])


def _split(draws: np.ndarray) -> np.ndarray:
    half = draws.shape[1] // 2
    return np.concatenate([draws[:, :half], draws[:, draws.shape[1] - half:]])


def _rank_normal(draws: np.ndarray) -> np.ndarray:
    """Normal scores Φ⁻¹((r − 3/8)/(S + 1/4)) of the average ranks r over all S draws."""
    flat = draws.ravel()
    order = np.argsort(flat, kind="mergesort")
    ranks = np.empty(len(flat))
    ranks[order] = np.arange(1, len(flat) + 1)
    _, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]
    inv = np.vectorize(NormalDist().inv_cdf)
    return inv((ranks - 0.375) / (len(flat) + 0.25)).reshape(draws.shape)


def _rhat_raw(draws: np.ndarray) -> float:
    m, n = draws.shape
    if n < 2:
        return float("nan")
    w = draws.var(axis=1, ddof=1).mean()
    b = n * draws.mean(axis=1).var(ddof=1)
    if w == 0:
        return float("nan") if b == 0 else float("inf")
    return float(math.sqrt(((n - 1) / n * w + b / n) / w))


def rhat(values: np.ndarray, chain: np.ndarray) -> float:
    """Rank-normalised split R-hat (NaN when every draw is equal, ∞ when each chain is constant)."""
    draws = _split(_by_chain(values, chain))
    if np.ptp(draws) == 0:
        return float("nan")
    folded = np.abs(draws - np.median(draws))
    return max(_rhat_raw(_rank_normal(draws)), _rhat_raw(_rank_normal(folded)))


def _autocov(draws: np.ndarray) -> np.ndarray:
    """Biased autocovariance per chain (lags 0..n−1) by FFT."""
    n = draws.shape[1]
    centred = draws - draws.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, size, axis=1)
    return np.fft.irfft(spectrum * np.conj(spectrum), size, axis=1)[:, :n] / n


def ess_raw(draws: np.ndarray) -> float:
    """ESS of chains × draws (no splitting or ranking), Geyer's initial monotone sequence."""
    m, n = draws.shape
    if n < 4:
        return float("nan")
    acov = _autocov(draws)
    mean_var = acov[:, 0].mean() * n / (n - 1)
    var_plus = mean_var * (n - 1) / n + (draws.mean(axis=1).var(ddof=1) if m > 1 else 0.0)
    if var_plus == 0:
        return float("nan")
    if mean_var == 0:
        return float(m)
    rho = 1 - (mean_var - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    pairs = []
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        pairs.append(min(pair, pairs[-1]) if pairs else pair)
    tau = -1 + 2 * sum(pairs)
    tau = max(tau, 1 / math.log10(m * n))
    return float(m * n / tau)


def ess(values: np.ndarray, chain: np.ndarray) -> float:
    """Bulk ESS: `ess_raw` of the rank-normalised split chains (NaN when every draw is equal),
    at most the number of draws (anticorrelated chains can estimate more; a reader should not
    be told that 1 000 plans are worth 1 003)."""
    draws = _split(_by_chain(values, chain))
    if np.ptp(draws) == 0:
        return float("nan")
    return min(ess_raw(_rank_normal(draws)), float(len(np.asarray(values))))


def share_interval(indicator: np.ndarray, chain: np.ndarray, fallback_ess: float) -> tuple[float, float, float]:
    """95 % Wilson interval (low, high) of the mean of a 0/½/1 indicator, and the ESS used.

    The ESS is the indicator's own (split chains, not ranked); when the indicator is constant
    (share 0 or 1) it has none, and `fallback_ess` (the score's bulk ESS) is used.
    """
    indicator = np.asarray(indicator, dtype=float)
    p = float(indicator.mean())
    draws = _split(_by_chain(indicator, chain))
    n_eff = ess_raw(draws) if np.ptp(draws) > 0 else float("nan")
    if not np.isfinite(n_eff):
        n_eff = fallback_ess
    if not np.isfinite(n_eff) or n_eff <= 0:
        return float("nan"), float("nan"), float("nan")
    n_eff = min(n_eff, len(indicator))
    z2 = Z95 ** 2
    centre = (p + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = Z95 / (1 + z2 / n_eff) * math.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff ** 2))
    return max(0.0, centre - half), min(1.0, centre + half), float(n_eff)


def converged(rhat_value: float, ess_value: float) -> bool:
    """True when R-hat ≤ 1,05 and ESS ≥ 200 (a score with one value throughout counts as converged)."""
    if math.isnan(rhat_value) and math.isnan(ess_value):
        return True
    return bool(rhat_value <= RHAT_MAX and ess_value >= ESS_MIN)
