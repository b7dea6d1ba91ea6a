package org.blurnative.loss;

/**
 * The losses of this package in plain Java float64, from their paper definitions: the values the
 * LibTorch implementations must reproduce, and the functions finite differences are taken of.
 * Arrays: logits [B][T][V], labels [B][T] (−100 = not an answer token, unshifted).
 */
final class LossReference {
  final double[][][] logits;
  final double[][][] referenceLogits;
  final long[][] labels;
  final int batch;
  final long answerTokens;

  LossReference(double[][][] logits, double[][][] referenceLogits, long[][] labels, int batch, long answerTokens) {
    this.logits = logits;
    this.referenceLogits = referenceLogits;
    this.labels = labels;
    this.batch = batch;
    this.answerTokens = answerTokens;
  }

  static double[] logSoftmax(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) max = Math.max(max, v);
    double sum = 0;
    for (double v : x) sum += Math.exp(v - max);
    double logZ = max + Math.log(sum);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = x[i] - logZ;
    return out;
  }

  static double logSigmoid(double x) {
    return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
  }

  /** log π(y_b|x_b): the logits at t−1 predict the label at t. */
  static double answerLogProb(double[][] logits, long[] labels) {
    double sum = 0;
    for (int t = 1; t < labels.length; t++) {
      if (labels[t] != -100) sum += logSoftmax(logits[t - 1])[(int) labels[t]];
    }
    return sum;
  }

  static int answerLength(long[] labels) {
    int n = 0;
    for (int t = 1; t < labels.length; t++) if (labels[t] != -100) n++;
    return n;
  }

  double nll() {
    double sum = 0;
    for (int b = 0; b < logits.length; b++) sum += answerLogProb(logits[b], labels[b]);
    return -sum / answerTokens;
  }

  double npo(double beta) {
    double sum = 0;
    for (int b = 0; b < logits.length; b++) {
      double ratio = answerLogProb(logits[b], labels[b]) - answerLogProb(referenceLogits[b], labels[b]);
      sum += logSigmoid(-beta * ratio);
    }
    return -2 / beta * sum / batch;
  }

  double simNpo(double beta, double delta) {
    double sum = 0;
    for (int b = 0; b < logits.length; b++) {
      double perToken = answerLogProb(logits[b], labels[b]) / Math.max(1, answerLength(labels[b]));
      sum += logSigmoid(-beta * perToken - delta);
    }
    return -2 / beta * sum / batch;
  }

  double kl() {
    double sum = 0;
    for (int b = 0; b < logits.length; b++) {
      for (int t = 1; t < labels[b].length; t++) {
        if (labels[b][t] == -100) continue;
        double[] p = logSoftmax(logits[b][t - 1]), q = logSoftmax(referenceLogits[b][t - 1]);
        for (int v = 0; v < p.length; v++) sum += Math.exp(q[v]) * (q[v] - p[v]);
      }
    }
    return sum / answerTokens;
  }

  // ---- open-unlearning's token losses (src/trainer/utils.py, ceu.py at d3d7cf9), one loop each.
  // `frozen` is where the detached factors (weights, CE-U's target) are evaluated: the logits
  // themselves for a value, the unperturbed logits for finite differences.

  /** WGA: Σ_answer π^β·log π (π^β at frozen) / answerTokens. */
  double wga(double beta, double[][][] frozen) {
    double sum = 0;
    for (int b = 0; b < logits.length; b++) {
      for (int t = 1; t < labels[b].length; t++) {
        if (labels[b][t] == -100) continue;
        int y = (int) labels[b][t];
        double weight = Math.exp(beta * logSoftmax(frozen[b][t - 1])[y]);
        sum += weight * logSoftmax(logits[b][t - 1])[y];
      }
    }
    return sum / answerTokens;
  }

  /** SatImp: Σ_answer π^β₁(1 − π)^β₂·log π (weight at frozen) / answerTokens. */
  double satImp(double beta1, double beta2, double[][][] frozen) {
    double sum = 0;
    for (int b = 0; b < logits.length; b++) {
      for (int t = 1; t < labels[b].length; t++) {
        if (labels[b][t] == -100) continue;
        int y = (int) labels[b][t];
        double p = Math.exp(logSoftmax(frozen[b][t - 1])[y]);
        sum += Math.pow(p, beta1) * Math.pow(1 - p, beta2) * logSoftmax(logits[b][t - 1])[y];
      }
    }
    return sum / answerTokens;
  }

  /**
   * UNDIAL: at every position t whose token and next are attended, −Σ_v q_v log π_v with
   * q = softmax(z_ref − β·1[v = y]) (no adjustment off the answers), over Σ_b (n_b − 1).
   */
  double undial(double strength, long[][] mask) {
    double sum = 0;
    long positions = 0;
    for (int b = 0; b < logits.length; b++) {
      for (int t = 0; t + 1 < labels[b].length; t++) {
        if (mask[b][t] == 0 || mask[b][t + 1] == 0) continue;
        positions++;
        double[] z = referenceLogits[b][t].clone();
        if (labels[b][t + 1] != -100) z[(int) labels[b][t + 1]] -= strength;
        double[] q = logSoftmax(z), logP = logSoftmax(logits[b][t]);
        for (int v = 0; v < z.length; v++) sum -= Math.exp(q[v]) * logP[v];
      }
    }
    return sum / positions;
  }

  /**
   * CE-U: at each answer position but a sample's first, −Σ_{v≠y} q_v log π_v with
   * q = softmax over v ≠ y of the frozen logits, averaged over those positions.
   */
  double ceu(double[][][] frozen) {
    double sum = 0;
    long count = 0;
    for (int b = 0; b < logits.length; b++) {
      int first = 0;
      while (first < labels[b].length && labels[b][first] == -100) first++;
      for (int t = Math.max(1, first + 1); t < labels[b].length; t++) {
        if (labels[b][t] == -100) continue;
        count++;
        int y = (int) labels[b][t];
        double[] z = frozen[b][t - 1].clone();
        z[y] = Double.NEGATIVE_INFINITY;
        double[] q = logSoftmax(z), logP = logSoftmax(logits[b][t - 1]);
        for (int v = 0; v < z.length; v++) if (v != y) sum -= Math.exp(q[v]) * logP[v];
      }
    }
    return sum / count;
  }

  /** Σ over attended tokens of mean_d (h − target)², over inputTokens. */
  static double activationDistance(double[][][] hidden, double[][][] target, long[][] mask, long inputTokens) {
    double sum = 0;
    for (int b = 0; b < hidden.length; b++) {
      for (int t = 0; t < hidden[b].length; t++) {
        if (mask[b][t] == 0) continue;
        double sq = 0;
        for (int d = 0; d < hidden[b][t].length; d++) {
          double diff = hidden[b][t][d] - target[b][t][d];
          sq += diff * diff;
        }
        sum += sq / hidden[b][t].length;
      }
    }
    return sum / inputTokens;
  }
}
