package org.blurnative.update;

/** The two scalars of u = c_f·g_f + c_r·g_r (DESIGN.md §1). */
public record Coefficients(double cf, double cr) {}
