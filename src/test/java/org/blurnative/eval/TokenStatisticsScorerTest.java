package org.blurnative.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.TokenizedExample;
import org.blurnative.kernel.ComputeThreads;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.SmallModels;
import org.blurnative.tokenizer.ByteTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model side of open-unlearning's metrics on a tiny byte-level model: batched, padded scoring
 * against what its tokenwise_vocab_logprobs and gradnorm.py do for one unpadded sequence at a time.
 */
class TokenStatisticsScorerTest {
  static final ByteTokenizer TOKENIZER = new ByteTokenizer();
  static LlamaModel model;
  static List<TokenizedExample> examples;

  @BeforeAll
  static void setUp() {
    ComputeThreads.configure(0);
    model = LlamaModel.random(SmallModels.byteLevel(32, 2, 4, 128), 7);
    ExampleEncoder encoder = new ExampleEncoder(TOKENIZER, PromptFormat.PLAIN, true);
    examples = List.of(encoder.qa("Who wrote it?", "Jaime Vasquez did."), encoder.qa("Born?", "1958"),
        encoder.qa("What genre does the author write in, mostly?", "True crime"));
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  /** log softmax of one unpadded forward pass, [T][V] in float64. */
  static double[][] logSoftmax(TokenizedExample e) {
    int[] ids = ids(e);
    try (PointerScope scope = new PointerScope()) {
      Tensor logits = model.forward(HostArrays.longs(Arrays.stream(ids).asLongStream().toArray(), 1, ids.length), null);
      int vocab = (int) logits.size(2);
      double[] flat = HostArrays.toDoubles(torch.log_softmax(logits.to(torch.ScalarType.Double), 2));
      double[][] out = new double[ids.length][];
      for (int t = 0; t < ids.length; t++) {
        out[t] = Arrays.copyOfRange(flat, t * vocab, (t + 1) * vocab);
      }
      return out;
    }
  }

  static int[] ids(TokenizedExample e) {
    int[] ids = Arrays.copyOf(e.promptIds(), e.length());
    System.arraycopy(e.answerIds(), 0, ids, e.promptIds().length, e.answerIds().length);
    return ids;
  }

  @Test
  void batchedStatisticsAreEachSequencesOwn() {
    List<TokenStatistics> got = new TokenStatisticsScorer(model, TOKENIZER.padId(), 128, 3, true).score(examples);
    for (int i = 0; i < examples.size(); i++) {
      TokenizedExample e = examples.get(i);
      double[][] lsm = logSoftmax(e);
      int[] ids = ids(e);
      int p = e.promptIds().length, a = e.answerIds().length;
      TokenStatistics s = got.get(i);
      assertArrayEquals(e.answerIds(), s.labelIds());
      double nll = 0;
      for (int t = p; t < p + a; t++) {
        nll -= lsm[t - 1][ids[t]];
      }
      assertEquals(nll / a, s.meanNll(), 1e-6, "mean NLL over every answer id, EOS included");
      assertEquals(a - 1, s.tokenLogProbs().length, "the last labelled id is not scored");
      for (int k = 0; k < a - 1; k++) {
        double[] row = lsm[p + k - 1];
        assertEquals(row[ids[p + k]], s.tokenLogProbs()[k], 1e-6);
        double mu = 0, second = 0;
        int argmax = 0;
        for (int v = 0; v < row.length; v++) {
          mu += Math.exp(row[v]) * row[v];
          second += Math.exp(row[v]) * row[v] * row[v];
          argmax = row[v] > row[argmax] ? v : argmax;
        }
        assertEquals(mu, s.vocabMean()[k], 1e-6);
        assertEquals(second - mu * mu, s.vocabVariance()[k], 1e-6);
        assertEquals(argmax, s.predicted()[k]);
      }
    }
    // zlib's text: the labelled ids (the plain format's answer keeps the space after "Answer:")
    // decoded without their EOS
    assertEquals(" 1958", got.get(1).miaSample(TOKENIZER).text());
  }

  @Test
  void gradNormIsTheMeanOfPerParameterNormsOfEachSamplesOwnGradient() {
    double[] batched = new GradientNormScorer(model, TOKENIZER.padId(), 128, 3, 2).score(examples);
    for (int i = 0; i < examples.size(); i++) {
      // gradnorm.py for one sample: loss = −mean of the scored log-probs; backward; mean of ‖grad‖₂
      TokenizedExample e = examples.get(i);
      int[] ids = ids(e);
      int p = e.promptIds().length, a = e.answerIds().length;
      double expected;
      try (PointerScope scope = new PointerScope()) {
        Tensor logits = model.forward(HostArrays.longs(Arrays.stream(ids).asLongStream().toArray(), 1, ids.length), null);
        Tensor lsm = torch.log_softmax(logits.to(torch.ScalarType.Float), 2);
        Tensor loss = null;
        for (int t = p; t < p + a - 1; t++) {
          Tensor term = lsm.select(1, t - 1).select(1, ids[t]).sum();
          loss = loss == null ? term : loss.add(term);
        }
        loss.div(new org.bytedeco.pytorch.Scalar((double) (a - 1))).neg().backward();
        double sum = 0;
        for (Tensor w : model.parameters().values()) {
          sum += w.grad().to(torch.ScalarType.Double).norm().item_double();
          w.mutable_grad().put(new Tensor());
        }
        expected = sum / model.parameters().size();
      }
      assertTrue(expected > 0);
      assertEquals(expected, batched[i], 1e-5 * expected, "sample " + i);
    }
    double[] one = new GradientNormScorer(model, TOKENIZER.padId(), 128, 1, 2).score(examples);
    assertArrayEquals(batched, one, 1e-5 * batched[0]);
  }
}
