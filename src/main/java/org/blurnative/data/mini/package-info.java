/**
 * The bundled mini benchmark, blur-native's default data: TOFU-shaped QA about fictitious authors
 * ({@link org.blurnative.data.mini.FictitiousAuthor}, ten {@link org.blurnative.data.mini.AuthorFact}s
 * each) made from datafaker's word lists by a seeded {@link org.blurnative.data.mini.AuthorGenerator},
 * split like TOFU by {@link org.blurnative.data.mini.MiniSplits}, and shipped under {@code /mini/}
 * with TOFU's real-authors and world-facts sets; {@link org.blurnative.data.mini.MiniBenchmark}
 * extracts them or regenerates them from a seed.
 */
package org.blurnative.data.mini;
