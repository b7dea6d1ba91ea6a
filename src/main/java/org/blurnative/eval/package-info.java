/**
 * How we know: the model-independent half of TOFU, MUSE and WMDP evaluation, each number defined
 * as the benchmark's reference code computes it (DESIGN.md §6), so that results compare with
 * published ones to the digit.
 *
 * <ul>
 *   <li>{@code rouge}: Google's rouge_score: its tokenizer, NLTK's Porter stemmer, ROUGE-L/N.
 *   <li>{@code stats}: scipy's exact two-sample Kolmogorov–Smirnov test, tie-aware AUC, harmonic
 *       mean.
 *   <li>{@code tofu}: probability, truth ratio, model utility, forget quality; a reader for TOFU's
 *       own per-sample logs.
 *   <li>{@code muse}: Min-K% Prob, PrivLeak, VerbMem/KnowMem ROUGE.
 *   <li>{@code wmdp}: multiple-choice accuracy from per-choice log-likelihoods.
 * </ul>
 *
 * Inputs are per-sample numbers and texts (mean NLLs, token log-probabilities, generations); what
 * produces them from a model lives with the model.
 */
package org.blurnative.eval;
