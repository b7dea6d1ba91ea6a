package org.blurnative.model;

import java.util.Map;

/**
 * An independent LLaMA/Mistral forward in float64 over plain Java arrays: its own RoPE (with the
 * llama3 rule written from the paper's description, in float64), RMSNorm, grouped-query causal
 * attention with a sliding window, and SwiGLU. It shares nothing with the LibTorch model but the
 * config record and the weight names. One unpadded sequence at a time, positions 0..n−1.
 */
final class ReferenceLlama {
  private final ModelConfig c;
  private final Map<String, float[]> w;  // row-major, (out, in) for linear weights
  private final double[] invFreq;

  ReferenceLlama(ModelConfig c, Map<String, float[]> weights) {
    this.c = c;
    this.w = weights;
    this.invFreq = inverseFrequencies(c);
  }

  /** θ^(−2i/d), then llama3's piecewise rule: keep high frequencies, divide low ones, blend. */
  static double[] inverseFrequencies(ModelConfig c) {
    int half = c.headDim() / 2;
    double[] inv = new double[half];
    for (int i = 0; i < half; i++) {
      inv[i] = Math.pow(c.ropeTheta(), -2.0 * i / c.headDim());
      ModelConfig.RopeScaling s = c.ropeScaling();
      if (s != null) {
        double wavelen = 2 * Math.PI / inv[i];
        double lowWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        if (wavelen > lowWavelen) {
          inv[i] = inv[i] / s.factor();
        } else if (wavelen >= highWavelen) {
          double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
              / (s.highFreqFactor() - s.lowFreqFactor());
          inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
        }
      }
    }
    return inv;
  }

  /** Logits [n][V] of one sequence. */
  double[][] logits(int[] tokens) {
    double[][] x = rmsNorm(residual(tokens, c.numHiddenLayers()), w.get("model.norm.weight"));
    float[] head = c.tieWordEmbeddings() ? w.get("model.embed_tokens.weight") : w.get("lm_head.weight");
    return matmul(x, head, c.vocabSize());
  }

  /** The residual stream [n][D] after the first {@code depth} decoder layers. */
  double[][] residual(int[] tokens, int depth) {
    int n = tokens.length;
    int d = c.hiddenSize();
    double[][] h = new double[n][];
    float[] emb = w.get("model.embed_tokens.weight");
    for (int t = 0; t < n; t++) {
      h[t] = new double[d];
      for (int j = 0; j < d; j++) {
        h[t][j] = emb[tokens[t] * d + j];
      }
    }
    for (int l = 0; l < depth; l++) {
      String p = "model.layers." + l + ".";
      double[][] x = rmsNorm(h, w.get(p + "input_layernorm.weight"));
      double[][] attn = attention(x, p);
      double[][] o = matmul(attn, w.get(p + "self_attn.o_proj.weight"), d);
      for (int t = 0; t < n; t++) {
        for (int j = 0; j < d; j++) {
          h[t][j] += o[t][j];
        }
      }
      x = rmsNorm(h, w.get(p + "post_attention_layernorm.weight"));
      double[][] gate = matmul(x, w.get(p + "mlp.gate_proj.weight"), c.intermediateSize());
      double[][] up = matmul(x, w.get(p + "mlp.up_proj.weight"), c.intermediateSize());
      for (int t = 0; t < n; t++) {
        for (int j = 0; j < c.intermediateSize(); j++) {
          double g = gate[t][j];
          gate[t][j] = g / (1 + Math.exp(-g)) * up[t][j];  // silu(gate)·up
        }
      }
      double[][] down = matmul(gate, w.get(p + "mlp.down_proj.weight"), d);
      for (int t = 0; t < n; t++) {
        for (int j = 0; j < d; j++) {
          h[t][j] += down[t][j];
        }
      }
    }
    return h;
  }

  private double[][] attention(double[][] x, String p) {
    int n = x.length;
    int heads = c.numAttentionHeads();
    int kvHeads = c.numKeyValueHeads();
    int hd = c.headDim();
    double[][] q = matmul(x, w.get(p + "self_attn.q_proj.weight"), heads * hd);
    double[][] k = matmul(x, w.get(p + "self_attn.k_proj.weight"), kvHeads * hd);
    double[][] v = matmul(x, w.get(p + "self_attn.v_proj.weight"), kvHeads * hd);
    for (int t = 0; t < n; t++) {
      for (int hh = 0; hh < heads; hh++) {
        rotate(q[t], hh * hd, t);
      }
      for (int hh = 0; hh < kvHeads; hh++) {
        rotate(k[t], hh * hd, t);
      }
    }
    double[][] out = new double[n][heads * hd];
    int group = heads / kvHeads;
    Integer window = c.slidingWindow();
    for (int hh = 0; hh < heads; hh++) {
      int kvh = hh / group;
      for (int i = 0; i < n; i++) {
        double[] score = new double[i + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          if (window != null && i - j >= window) {
            score[j] = Double.NEGATIVE_INFINITY;
            continue;
          }
          double s = 0;
          for (int e = 0; e < hd; e++) {
            s += q[i][hh * hd + e] * k[j][kvh * hd + e];
          }
          score[j] = s / Math.sqrt(hd);
          max = Math.max(max, score[j]);
        }
        double sum = 0;
        for (int j = 0; j <= i; j++) {
          score[j] = Math.exp(score[j] - max);
          sum += score[j];
        }
        for (int j = 0; j <= i; j++) {
          for (int e = 0; e < hd; e++) {
            out[i][hh * hd + e] += score[j] / sum * v[j][kvh * hd + e];
          }
        }
      }
    }
    return out;
  }

  /** Rotates the head at {@code off}: channel i pairs with i + hd/2 (rotate_half). */
  private void rotate(double[] x, int off, int position) {
    int half = c.headDim() / 2;
    for (int i = 0; i < half; i++) {
      double angle = position * invFreq[i];
      double a = x[off + i];
      double b = x[off + i + half];
      x[off + i] = a * Math.cos(angle) - b * Math.sin(angle);
      x[off + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
    }
  }

  private double[][] rmsNorm(double[][] x, float[] weight) {
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      double ms = 0;
      for (double v : x[t]) {
        ms += v * v;
      }
      double scale = 1 / Math.sqrt(ms / x[t].length + c.rmsNormEps());
      out[t] = new double[x[t].length];
      for (int j = 0; j < x[t].length; j++) {
        out[t][j] = x[t][j] * scale * weight[j];
      }
    }
    return out;
  }

  /** x (n, in) times weightᵀ, weight (out, in) row-major. */
  private static double[][] matmul(double[][] x, float[] weight, int outDim) {
    int in = x[0].length;
    double[][] y = new double[x.length][outDim];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < outDim; o++) {
        double s = 0;
        for (int i = 0; i < in; i++) {
          s += x[t][i] * weight[o * in + i];
        }
        y[t][o] = s;
      }
    }
    return y;
  }
}
