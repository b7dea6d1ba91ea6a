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
 *   <li>{@code mia}: open-unlearning's membership attacks, their AUC; {@code memorization}: its
 *       exact memorization and extraction strength; {@code openunlearning}: its TOFU_EVAL.json /
 *       TOFU_SUMMARY.json layout and a retain model's saved logs.
 * </ul>
 *
 * Inputs are per-sample numbers and texts (mean NLLs, token log-probabilities, generations); what
 * produces them from a model (the evaluators and scorers of this package) lives beside them.
 */
package org.blurnative.eval;
