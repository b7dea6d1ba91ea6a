#!/usr/bin/python3
"""Expected values for the open-unlearning metric tests (src/test/resources/eval/openunlearning/).

A float64 re-implementation of open-unlearning's formulas (locuslab/open-unlearning, commit
d3d7cf9e6b3c125d16687d4232680d8d83548f1a), on fixed made-up inputs, each function written next to
the lines it follows; sklearn and scipy where open-unlearning calls them. Torch tensors become
float64 numpy arrays, so the values are what its code gives in exact arithmetic, not in bf16.

    /usr/bin/python3 scripts/openunlearning_reference.py   # rewrites expected.json
Needs numpy, scipy, sklearn (Debian: python3-numpy python3-scipy python3-sklearn).
"""
import json
import pathlib
import zlib

import numpy as np
from scipy.stats import ks_2samp
from sklearn.metrics import roc_auc_score

OUT = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/eval/openunlearning/expected.json"
rng = np.random.default_rng(20261201)


# ---- src/evals/metrics/mia/*.py: per-sample scores --------------------------------------------

def loss_score(s):  # loss.py: return sample_stats["avg_loss"]
    return s["mean_nll"]


def zlib_score(s):  # zlib.py: loss / len(zlib.compress(text.encode("utf-8")))
    return s["mean_nll"] / len(zlib.compress(s["text"].encode("utf-8")))


def min_k_score(lp, k):  # min_k.py: compute_score
    lp = np.asarray(lp, dtype=np.float64)
    if lp.size == 0:
        return 0
    num_k = max(1, int(len(lp) * k))
    sorted_vals = np.sort(lp)
    return -np.mean(sorted_vals[:num_k])


def min_k_plus_plus_score(s, k):  # min_k_plus_plus.py: compute_score, mu/sigma given per token
    target_prob = np.asarray(s["token_log_probs"], dtype=np.float64)
    if len(target_prob) == 0:
        return 0
    mu = np.asarray(s["vocab_mean"], dtype=np.float64)
    sigma = np.asarray(s["vocab_variance"], dtype=np.float64)
    sigma = np.maximum(sigma, 1e-6)  # torch.clamp(sigma, min=1e-6)
    scores = (target_prob - mu) / np.sqrt(sigma)
    num_k = max(1, int(len(scores) * k))
    return -np.mean(sorted(scores)[:num_k])


def gradnorm_score(s):  # gradnorm.py: torch.stack(per-parameter norms).mean()
    return s["grad_norm"]


def reference_score(s):  # reference.py: target_loss - ref_loss
    return s["mean_nll"] - s["reference_mean_nll"]


def mia_auc(forget_scores, holdout_scores):  # mia/utils.py: mia_auc
    scores = np.array(forget_scores + holdout_scores)
    labels = np.array([0] * len(forget_scores) + [1] * len(holdout_scores))
    return roc_auc_score(labels, scores)


def privleak(auc, retain_auc):  # privacy.py: privleak
    score = 1 - auc
    ref = 1 - retain_auc
    return (score - ref) / (ref + 1e-10) * 100


def vocab_stats(log_probs):  # min_k_plus_plus.py: mu, sigma over the vocabulary, per position
    p = np.exp(log_probs)
    mu = (p * log_probs).sum(-1)
    sigma = (p * np.square(log_probs)).sum(-1) - np.square(mu)
    return mu, sigma


WORDS = ["author", "novel", "born", "Paris", "1962", "mother", "écrivain", "award", "the", "of",
         "genre", "mystery", "and", "father", "Tokyo", "her", "his", "books", "prize", "was"]


def mia_sample(n_tokens, vocab=11, peaked=False):
    logits = rng.normal(size=(n_tokens, vocab)) * 1.5
    if peaked:  # every other position almost certain of token 0: variance far below 1e-6
        logits[::2, 0] += 40
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    targets = rng.integers(0, vocab, size=n_tokens)
    token_lp = log_probs[np.arange(n_tokens), targets]
    mu, sigma = vocab_stats(log_probs)
    words = rng.choice(WORDS, size=int(rng.integers(1, 30)))
    return {
        "mean_nll": float(rng.uniform(0.2, 4.0)),
        "token_log_probs": token_lp.tolist(),
        "vocab_mean": mu.tolist(),
        "vocab_variance": sigma.tolist(),
        "text": " ".join(words),
        "grad_norm": float(rng.uniform(0.01, 2.0)),
        "reference_mean_nll": float(rng.uniform(0.2, 4.0)),
    }


def mia_case():
    # lengths include 0 tokens (score 0) and 1 and 2 (num_k = max(1, ·) keeps one); one peaked
    # distribution has variance below 1e-6 at some positions, exercising the clamp
    forget = [mia_sample(n, peaked=(n == 9)) for n in [0, 1, 2, 5, 9, 13, 31]]
    holdout = [mia_sample(n) for n in [3, 4, 7, 10, 17, 24]]
    # a tie between a forget and a holdout score, for the AUC's ½
    holdout[0]["mean_nll"] = forget[3]["mean_nll"]
    expected = {}
    attacks = {
        "loss": loss_score, "zlib": zlib_score, "gradnorm": gradnorm_score, "ref": reference_score,
        "min_k": lambda s: min_k_score(s["token_log_probs"], 0.4),
        "min_k++": lambda s: min_k_plus_plus_score(s, 0.4),
        "min_k@0.2": lambda s: min_k_score(s["token_log_probs"], 0.2),
        "min_k++@0.7": lambda s: min_k_plus_plus_score(s, 0.7),
    }
    retain_auc = 0.4321
    for name, fn in attacks.items():
        f = [float(fn(s)) for s in forget]
        h = [float(fn(s)) for s in holdout]
        auc = float(mia_auc(f, h))
        expected[name] = {"forget": f, "holdout": h, "auc": auc, "privleak": float(privleak(auc, retain_auc))}
    zlib_lengths = {t: len(zlib.compress(t.encode("utf-8")))
                    for t in ["", "a", "the the the the the the the the", "écrivain — 東京 ✓",
                              " ".join(WORDS) * 5]}
    return {"forget": forget, "holdout": holdout, "retain_auc": retain_auc, "expected": expected,
            "zlib_lengths": zlib_lengths}


# ---- src/evals/metrics/memorization.py -------------------------------------------------------

def exact_memorization(preds, labels):  # _exact_memorization
    valid_len = len(labels)
    if valid_len == 0:
        return None
    return float((np.array(preds) == np.array(labels)).sum() / valid_len)


def extraction_strength(preds, labels):  # _extraction_strength, its loop kept as written
    valid_len = len(labels)
    preds, labels = np.array(preds, dtype=np.int64), np.array(labels, dtype=np.int64)
    k = None
    for k in range(valid_len):
        if np.array_equal(preds[k:], labels[k:]):
            break
    if valid_len == 0:
        return 0
    return 1 - (k / valid_len)


def memorization_case():
    samples = [([], []), ([3], [3]), ([3], [4]), ([1, 2, 3, 4], [1, 2, 3, 4]), ([9, 2, 3, 4], [1, 2, 3, 4]),
               ([1, 2, 3, 9], [1, 2, 3, 4]), ([1, 9, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]),
               ([7, 7, 7, 7, 5], [1, 2, 3, 4, 5])]
    for n in [20, 33]:
        labels = rng.integers(0, 5, size=n)
        preds = np.where(rng.uniform(size=n) < 0.6, labels, rng.integers(0, 5, size=n))
        samples.append((preds.tolist(), labels.tolist()))
    em = [exact_memorization(p, l) for p, l in samples]
    es = [float(extraction_strength(p, l)) for p, l in samples]
    # exact_memorization / extraction_strength: agg_value = mean over values that are not None
    return {"samples": [{"predicted": p, "labels": l} for p, l in samples],
            "exact_memorization": em, "extraction_strength": es,
            "exact_memorization_mean": float(np.mean([v for v in em if v is not None])),
            "extraction_strength_mean": float(np.mean([v for v in es if v is not None]))}


# ---- memorization.py: truth_ratio; privacy.py: ks_test ---------------------------------------

def truth_ratio(correct_avg_losses, wrong_avg_losses, aggregator):
    def closer_to_1_better(arr):
        return np.mean(np.minimum(arr, 1 / (arr + 1e-10)))

    def true_better(arr):
        return np.mean(np.maximum(0, 1 - arr))

    def prob_mean(arr):
        return np.mean(arr)

    agg = {"closer_to_1_better": closer_to_1_better, "true_better": true_better, "prob_mean": prob_mean}[aggregator]
    correct_avg_losses = np.array(correct_avg_losses)  # aggregate_to_1D of a 1-D array: itself
    wrong_avg_losses = np.mean(np.array(wrong_avg_losses), axis=1)  # aggregate_to_1D
    correct_prob = np.exp(-correct_avg_losses)
    wrong_prob = np.exp(-wrong_avg_losses)
    if aggregator != "prob_mean":
        truth_ratios = wrong_prob / (correct_prob + 1e-10)
    else:
        truth_ratios = correct_prob / (correct_prob + wrong_prob + 1e-10)
    return truth_ratios.tolist(), float(agg(truth_ratios))


def truth_ratio_case():
    n = 9
    correct = rng.uniform(0.1, 5.0, size=n)
    wrong = rng.uniform(0.1, 5.0, size=(n, 5))
    # NLLs near 25: probabilities near 1e-11, where open-unlearning's 1e-10 changes the ratio
    correct[0], wrong[0] = 25.0, np.full(5, 24.0)
    correct[1], wrong[1] = 1.0, np.full(5, 30.0)
    out = {"correct_mean_nll": correct.tolist(), "wrong_mean_nlls": wrong.tolist()}
    for a in ["closer_to_1_better", "true_better", "prob_mean"]:
        stats, value = truth_ratio(correct, wrong, a)
        out[a] = {"statistics": stats, "value": value}
    # ks_test: ks_2samp of the forget truth ratios against the retain model's
    retain_stats, _ = truth_ratio(rng.uniform(0.1, 5.0, size=n), rng.uniform(0.1, 5.0, size=(n, 5)),
                                  "closer_to_1_better")
    out["retain_statistics"] = retain_stats
    out["forget_quality"] = float(ks_2samp(np.array(out["closer_to_1_better"]["statistics"]),
                                           np.array(retain_stats)).pvalue)
    return out


# ---- configs/eval/tofu_metrics/model_utility.yaml on TOFU's golden LLaMA-2-7B logs ------------

def model_utility_case():
    """hm_aggregate (utility.py) of the nine pre-computes, from the per-sample losses TOFU logged
    (src/test/resources/eval/tofu/llama2-7b/full): retain_Q_A_Prob, *_Q_A_ROUGE (rougeL_recall),
    retain_Truth_Ratio (correct = paraphrase), ra/wf_Q_A_Prob_normalised and ra/wf_Truth_Ratio
    (correct = the answer, whose logged loss differs from the logged paraphrase loss in 19 samples)."""
    from scipy.stats import hmean
    root = OUT.parent.parent / "tofu/llama2-7b/full"
    values = {}
    for name, prefix in [("eval_log.json", "retain"), ("eval_real_author_wo_options.json", "ra"),
                         ("eval_real_world_wo_options.json", "wf")]:
        d = json.loads((root / name).read_text())
        idx = list(d["avg_gt_loss"].keys())
        gt = np.array([d["avg_gt_loss"][i] for i in idx])
        para = np.array([d["avg_paraphrased_loss"][i] for i in idx])
        wrong = [np.array(d["average_perturb_loss"][i]) for i in idx]
        if prefix == "retain":
            values["retain_Q_A_Prob"] = float(np.mean(np.exp(-gt)))  # probability
            correct = para
        else:  # probability_w_options
            c = np.exp(-gt)
            w = np.array([np.sum(np.exp(-x)) for x in wrong])
            values[prefix + "_Q_A_Prob_normalised"] = float(np.mean(c / (c + w + 1e-10)))
            correct = gt
        values[prefix + "_Q_A_ROUGE"] = float(np.mean([d["rougeL_recall"][i] for i in idx]))
        _, values[prefix + "_Truth_Ratio"] = truth_ratio(correct, [x.tolist() for x in wrong], "true_better")
    values["model_utility"] = float(hmean(list(values.values())))
    return values


# ---- configs/eval/muse_metrics/*.yaml: what MUSE's files become ----------------------------------

def byte_tokenize(text, add_special_tokens=True):
    """Our ByteTokenizer as a Hugging Face tokenizer: BOS (1) first, byte b as id 3 + b."""
    return ([1] if add_special_tokens else []) + [3 + b for b in text.encode("utf-8")]


def preprocess_pretraining_instance(prefix, text_content, max_length, insert_space):  # data/utils.py
    full_seq_ids = byte_tokenize(prefix + (" " if insert_space else "") + text_content)
    prefix_len = len(byte_tokenize(prefix))
    full_seq_ids = full_seq_ids[: prefix_len + max_length]  # manual truncation
    len_matched = prefix_len
    if len_matched == 0:  # never give loss on index 0, when prefix is empty
        len_matched = 1
    labels = [-100] * len_matched + full_seq_ids[len_matched:]
    return {"input_ids": full_seq_ids, "labels": labels}


def text_similarity_texts(input_text, full_text, raw_generation, stopwords, eos_text):
    """metrics/utils.py eval_text_similarity's strings, once decoded: the ground truth and the
    generation cut at EOS's text and the stop words."""
    ground_truth = full_text.replace(input_text, "").strip()
    raw_text = raw_generation
    for word in [eos_text] + stopwords:
        if word and word in raw_text:
            raw_text = raw_text.split(word)[0]
    return ground_truth, raw_text.strip()


def muse_case():
    long_text = "".join(chr(ord("a") + int(i)) for i in rng.integers(0, 26, size=2100))
    completions = []
    for prefix, text, insert_space in [("The cat", "sat on the mat.", True), ("", "Holdout text.", False),
                                       ("Long", long_text, True), ("", long_text, False)]:
        item = preprocess_pretraining_instance(prefix, text, 2048, insert_space)
        ids = item["input_ids"]  # the long ones by their length and unlabelled count alone
        completions.append({"prefix": prefix, "text": text, "insert_space": insert_space, "length": len(ids),
                            "unlabelled": item["labels"].count(-100), "input_ids": ids if len(ids) < 100 else None})
    knowmem = ["\n\n", "\nQuestion", "Question:"]  # forget_knowmem_ROUGE.yaml stopwords
    texts = []
    for input_text, full_text, raw, stop in [
            ("Question: Who?\nAnswer: ", "Question: Who?\nAnswer: Bob Smith", " Bob\n\nQuestion: Next?", knowmem),
            ("Question: Who?\nAnswer: ", "Question: Who?\nAnswer: Bob", "Bob Question: x\nQuestion", knowmem),
            ("The cat", " sat on the mat.", " sat</s> on", []),
            ("A", "A A B", "  text\n\nmore  ", [])]:
        gt, gen = text_similarity_texts(input_text, full_text, raw, stop, "</s>")
        texts.append({"input": input_text, "full_text": full_text, "raw_generation": raw, "stopwords": stop,
                      "ground_truth": gt, "generation": gen})
    # privleak.yaml: privleak of mia_min_k (k 0.4, mia_min_k.yaml) with and without retain logs
    forget_lp = [rng.uniform(-6.0, 0.0, size=int(n)).tolist() for n in rng.integers(3, 12, size=5)]
    holdout_lp = [rng.uniform(-7.0, 0.0, size=int(n)).tolist() for n in rng.integers(3, 12, size=4)]
    auc = mia_auc([min_k_score(lp, 0.4) for lp in forget_lp], [min_k_score(lp, 0.4) for lp in holdout_lp])
    return {"completions": completions, "text_similarity": texts,
            "privleak": {"forget_log_probs": forget_lp, "holdout_log_probs": holdout_lp, "mia_min_k": float(auc),
                         "default_retain": privleak(auc, 0.5), "retain_auc": 0.62,
                         "with_retain": privleak(auc, 0.62)}}


if __name__ == "__main__":
    result = {"source": "locuslab/open-unlearning@d3d7cf9e6b3c125d16687d4232680d8d83548f1a",
              "mia": mia_case(), "memorization": memorization_case(), "truth_ratio": truth_ratio_case(),
              "model_utility_tofu_golden_full": model_utility_case(), "muse": muse_case()}
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print("wrote", OUT)
