package org.blurnative.eval.stats;

/**
 * A two-sided two-sample Kolmogorov–Smirnov test result.
 *
 * @param statistic D = sup_x |F1(x) − F2(x)|, as scipy reports it (h/lcm(n1, n2) when exact)
 * @param pValue Pr(D ≥ observed) under the null hypothesis of one common distribution
 * @param exact whether the p-value comes from the exact distribution (scipy: n1, n2 ≤ 10,000)
 */
public record KsResult(double statistic, double pValue, boolean exact) {}
