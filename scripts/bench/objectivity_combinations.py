#!/usr/bin/env python3
"""How much does the way msoko combines the signs cost? (issue 12; docs/objectivity.md)

Reads the per-group sign z's that `msoko bench objectivity --dump FILE` writes, recombines them by
other rules — each rule fed the same z's, the class → school step done as msoko does it (a class's p counted k times, the school's score the higher of its own and its
classes') — and prints the held-out ROC AUC per strength band and kind beside msoko's own rule
(weighted Fisher truncated at p = ½). Rules whose parameters are learned (the kinds' patterns, the weights) learn them on the
tuning family A only.

    msoko bench objectivity --seeds 16 --dump /tmp/dump.csv > /dev/null
    python3 scripts/bench/objectivity_combinations.py /tmp/dump.csv

Needs numpy, pandas and scipy.
"""
import sys

import numpy as np
import pandas as pd
from scipy import stats

COLUMNS = ['family', 'seed', 'school', 'cls', 'n', 'kind', 'band', 'strong', 'inClass', 'risk',
           'hi', 'inv', 'len', 'heap', 'jour', 'pf', 'ident', 'obs', 'rech', 'coh', 'year', 'part']
SIGNS = ['hi', 'inv', 'len', 'heap', 'jour', 'pf', 'ident', 'part']
KINDS = ['hardTaskHelp', 'lenientScoring', 'thresholdPush', 'copying', 'weakKeptAway']


def load(path):
    d = pd.read_csv(path, names=COLUMNS, keep_default_na=False, na_values=[''],
                    dtype={'cls': str, 'kind': str, 'band': str})
    for c in ['cls', 'kind', 'band']:
        d[c] = d[c].fillna('')
    d['isClass'] = d.cls != ''
    for c in ['strong', 'inClass']:
        d[c] = d[c].astype(str).str.lower() == 'true'
    return d


def fisher(z, w):
    """The plain weighted Fisher with the Satterthwaite χ², z from the smaller tail (msoko's rule before 2026-12-03)."""
    m = ~np.isnan(z)
    p = np.clip(stats.norm.sf(np.where(m, z, 0)), 1e-300, 1)
    t = (np.where(m, -2 * np.log(p), 0) * w).sum(1)
    sw, sw2 = (m * w).sum(1), (m * w * w).sum(1)
    c, nu = sw2 / sw, 2 * sw * sw / sw2
    up, lo = stats.gamma.sf(t / (2 * c), nu / 2), stats.gamma.cdf(t / (2 * c), nu / 2)
    return np.where(up < 0.5, stats.norm.isf(np.clip(up, 1e-300, 1)), -stats.norm.isf(np.clip(lo, 1e-300, 1)))


def truncated(z, w, tau=0.5):
    """msoko's rule: weighted Fisher truncated at p = tau (Zaykin's truncated product), Satterthwaite
    on each term's moments (0 with probability 1 − tau, else χ² with 2 degrees of freedom); groups
    with no p under tau below all others, ordered by the plain weighted Fisher z / 10."""
    m = ~np.isnan(z)
    p = np.clip(stats.norm.sf(np.where(m, z, 0)), 1e-300, 1)
    t = (np.where(m & (p < tau), -2 * np.log(p / tau), 0) * w).sum(1)
    sw, sw2 = (m * w).sum(1), (m * w * w).sum(1)
    mean, var = 2 * tau * sw, (8 * tau - 4 * tau * tau) * sw2
    c, nu = var / (2 * mean), 2 * mean * mean / var
    up, lo = stats.gamma.sf(t / (2 * c), nu / 2), stats.gamma.cdf(t / (2 * c), nu / 2)
    zz = np.where(up < 0.5, stats.norm.isf(np.clip(up, 1e-300, 1)), -stats.norm.isf(np.clip(lo, 1e-300, 1)))
    return np.where(t > 0, np.maximum(zz, -9.9), -10 + fisher(z, w) / 10)


def schools(d, group_z):
    d = d.assign(gz=group_z)
    k = d[d.isClass].groupby(['family', 'seed', 'school']).size().rename('k')
    d = d.join(k, on=['family', 'seed', 'school'])
    d['k'] = d['k'].fillna(1)
    d['adj'] = np.where(d.isClass & (d.k > 1), stats.norm.isf(np.clip(stats.norm.sf(d.gz) * d.k, 1e-300, 1)), d.gz)
    s = d.groupby(['family', 'seed', 'school']).agg(score=('adj', 'max'), kind=('kind', 'first'), band=('band', 'first'),
                                                     strong=('strong', 'first'), inClass=('inClass', 'first'))
    assessed = d[~d.isClass].set_index(['family', 'seed', 'school']).index
    return s.loc[s.index.intersection(assessed)].reset_index()


def schools_joined(d, group_z, mode):
    """The class → school step done otherwise: the school's own z and its best class's (Bonferroni
    over its k classes) joined by the smaller p doubled, by Stouffer, or by Fisher, instead of the higher."""
    d = d.assign(gz=group_z)
    k = d[d.isClass].groupby(['family', 'seed', 'school']).size().rename('k')
    d = d.join(k, on=['family', 'seed', 'school'])
    d['k'] = d['k'].fillna(1)
    d['adj'] = np.where(d.isClass & (d.k > 1), stats.norm.isf(np.clip(stats.norm.sf(d.gz) * d.k, 1e-300, 1)), d.gz)
    own = d[~d.isClass].drop(columns=['k']).set_index(['family', 'seed', 'school'])
    best = d[d.isClass].groupby(['family', 'seed', 'school']).agg(best=('adj', 'max'), k=('k', 'first'))
    s = own.join(best, how='left')
    s['best'], s['k'] = s.best.fillna(-20), s.k.fillna(1)
    p1, p2 = np.clip(stats.norm.sf(s.gz), 1e-300, 1), np.clip(stats.norm.sf(s.best), 1e-300, 1)
    if mode == 'min p × 2':
        score = stats.norm.isf(np.clip(2 * np.minimum(p1, p2), 1e-300, 1))
    elif mode == 'Stouffer':
        score = np.where(s.k > 1, np.maximum(s.gz, (np.clip(s.gz, -3, None) + s.best) / np.sqrt(2)), s.gz)
    else:
        score = stats.norm.isf(np.clip(stats.chi2.sf(-2 * np.log(p1) - 2 * np.log(p2), 4), 1e-300, 1))
    return s.reset_index().assign(score=np.asarray(score))


def auc(pos, neg):
    r = stats.rankdata(np.concatenate([pos, neg]))
    return (r[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def report(s, tuning=False):
    h = s[s.family == 'A'] if tuning else s[s.family != 'A']
    honest = h[h.kind == '']
    out = {}
    for band in ['weak', 'ordinary', 'strong']:
        out[band] = auc(h[(h.kind != '') & (h.band == band)].score.values, honest.score.values)
        for kind in KINDS:
            out[(kind, band)] = auc(h[(h.kind == kind) & (h.band == band)].score.values, honest.score.values)
    out['all'] = auc(h[h.kind != ''].score.values, honest.score.values)
    return out


def whitened(d, z, cols, shrink):
    """The z's of `cols` multiplied by the inverse square root of their correlation over each region's
    groups of a level (the district's own, as msoko would have it: no truth used)."""
    out = z.copy()
    idx = [SIGNS.index(c) for c in cols]
    for _, rows in d.groupby(['family', 'seed', 'isClass']).indices.items():
        sub = z[np.ix_(rows, idx)]
        ok = ~np.isnan(sub).any(1)
        if ok.sum() < 20:
            continue
        x = np.clip(sub[ok], np.percentile(sub[ok], 10, 0), np.percentile(sub[ok], 90, 0))
        c = np.eye(len(idx)) + shrink * (np.corrcoef(x.T) - np.eye(len(idx)))
        values, vectors = np.linalg.eigh(c)
        sub[ok] = sub[ok] @ (vectors @ np.diag(values ** -0.5) @ vectors.T).T
        out[np.ix_(rows, idx)] = sub
    return out


def main(path):
    d = load(path)
    z = d[SIGNS].values.astype(float)
    m = ~np.isnan(z)
    z0 = np.where(m, z, 0)
    weights = {'hi': 0.2, 'inv': 1, 'len': 0.9, 'heap': 1, 'jour': 0.8, 'pf': 0.7, 'ident': 1, 'part': 1}
    w = np.array([weights[x] for x in SIGNS])
    rules = {}
    rules['weighted Fisher truncated at ½ (msoko)'] = truncated(z, w)
    rules['weighted Fisher, plain (msoko before 2026-12-03)'] = fisher(z, w)
    top = np.where(m, z, -38).max(1)
    tippett = stats.norm.isf(np.clip(stats.norm.sf(top) * m.sum(1), 1e-300, 1))
    rules['Tippett (min p × signs)'] = tippett
    rules['max(Fisher, Tippett − 0.5)'] = np.maximum(rules['weighted Fisher, plain (msoko before 2026-12-03)'], tippett - 0.5)
    p = np.clip(stats.norm.sf(z0), 1e-15, 1 - 1e-15)
    rules['Cauchy (ACAT), weighted'] = (np.where(m, np.tan((0.5 - p) * np.pi), 0) * w).sum(1) / (m * w).sum(1)
    rules['harmonic mean p, weighted'] = np.log((m * w / p).sum(1) / (m * w).sum(1))
    # The kinds' patterns: the mean z of each kind's whole-school manipulations on family A.
    a = d[(d.family == 'A') & ~d.isClass & ~d.inClass]
    honest = a[a.kind == ''][SIGNS].fillna(0).values.mean(0)
    patterns = [np.maximum(a[a.kind == k][SIGNS].fillna(0).values.mean(0) - honest, 0) for k in KINDS]
    units = [u / np.linalg.norm(u) for u in patterns]
    projections = np.array([(z0 * u).sum(1) / np.maximum(np.sqrt((m * u * u).sum(1)), 1e-9) for u in units]).T
    rules['max over the kinds\' patterns (A)'] = projections.max(1)
    lr = np.array([(z0 * u).sum(1) - 0.5 * (m * u * u).sum(1) for u in units]).T
    rules['mixture likelihood ratio (A)'] = np.log(np.exp(lr).sum(1))
    # Decorrelated: honest noise is shared by inversion, lenient scoring and person-fit (correlations
    # 0.2-0.55 over a region's groups), so msoko's rule on z's whitened by each region's own correlation
    # (per level, winsorized at the 10th and 90th percentiles, shrunk halfway to none or not at all).
    for cols, label in [(['inv', 'len', 'pf'], 'inversion, lenient, person-fit'), (SIGNS, 'all signs')]:
        for shrink in [0.5, 1.0]:
            rules['msoko\'s rule on z whitened per region (%s, %s)' % (label, 'halfway' if shrink < 1 else 'fully')] = truncated(whitened(d, z, cols, shrink), w)
    print('| rule | weak | ordinary | strong | all | weak by kind (help, lenient, pushing, copying, kept away) |')
    print('|---|---|---|---|---|---|')
    for name, gz in rules.items():
        o = report(schools(d, gz))
        kinds = ' / '.join('%.3f' % o[(k, 'weak')] for k in KINDS)
        print('| %s | %.3f | %.3f | %.3f | %.3f | %s |' % (name, o['weak'], o['ordinary'], o['strong'], o['all'], kinds))
    ours = rules['weighted Fisher truncated at ½ (msoko)']
    for mode in ['min p × 2', 'Stouffer', 'Fisher']:
        o = report(schools_joined(d, ours, mode))
        kinds = ' / '.join('%.3f' % o[(k, 'weak')] for k in KINDS)
        print('| msoko\'s rule, the school\'s own z and its best class\'s joined by %s | %.3f | %.3f | %.3f | %.3f | %s |' % (mode, o['weak'], o['ordinary'], o['strong'], o['all'], kinds))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '/tmp/dump.csv')
