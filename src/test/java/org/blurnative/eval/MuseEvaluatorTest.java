package org.blurnative.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.blurnative.data.ContinuationRecord;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TextRecord;
import org.blurnative.eval.muse.MinKPercent;
import org.blurnative.eval.muse.MuseData;
import org.blurnative.eval.muse.MuseRouge;
import org.blurnative.kernel.ComputeThreads;
import org.blurnative.model.GenerationSettings;
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
 * MUSE's generation and scoring on a tiny byte-level model, each checked against the steps MUSE's
 * eval.py takes, done here one by one without the evaluator.
 */
class MuseEvaluatorTest {
  static final ByteTokenizer TOKENIZER = new ByteTokenizer();
  static LlamaModel model;
  static MuseData data;

  @BeforeAll
  static void setUp() throws URISyntaxException {
    ComputeThreads.configure(0);
    model = LlamaModel.random(SmallModels.byteLevel(32, 2, 4, 512), 13);
    data = MuseData.read(Path.of(MuseEvaluatorTest.class.getResource("/eval/muse/news").toURI()));
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  /** What MUSE does for one prompt: encode with BOS, greedy, decode without special tokens. */
  static String oneByOne(String prompt, int newTokens) {
    int[] ids = TOKENIZER.encode(prompt, true);
    int[] out = model.generate(List.of(ids), GenerationSettings.greedy(newTokens).withBatchSize(1)).get(0).tokens();
    return DecodedText.cleanUpTokenizationSpaces(TOKENIZER.decode(out, true));
  }

  @Test
  void decodingCleansUpSpacesAsTransformersDoes() {
    assertEquals("I don't know, do you? It's late. We're here!",
        DecodedText.cleanUpTokenizationSpaces("I do n't know , do you ? It 's late . We 're here !"));
  }

  @Test
  void knowMemPromptIsMuses() {
    List<QaRecord> shots = List.of(new QaRecord("Q1?", "A1", java.util.Optional.empty(), List.of()),
        new QaRecord("Q2?", "A2", java.util.Optional.empty(), List.of()));
    assertEquals("Question: Q1?\nAnswer: A1\n\nQuestion: Q2?\nAnswer: A2\n\nQuestion: Q3?\nAnswer: ",
        MuseEvaluator.knowMemPrompt(shots, "Q3?"));
    assertEquals("Question: Q3?\nAnswer: ", MuseEvaluator.knowMemPrompt(List.of(), "Q3?"));
  }

  @Test
  void verbMemIsTheBatchedVersionOfMusesLoop() {
    List<MuseEvaluator.Generation> got = new MuseEvaluator(model, TOKENIZER, 2).verbMem(data.verbMemForget());
    assertEquals(3, got.size());
    for (int i = 0; i < got.size(); i++) {
      ContinuationRecord r = data.verbMemForget().get(i);
      MuseEvaluator.Generation g = got.get(i);
      assertEquals(r.prompt(), g.prompt());
      assertEquals(oneByOne(r.prompt(), 128), g.output(), "sample " + i);
      assertEquals(MuseRouge.f1(g.reference(), g.output()), g.rougeLF1());
    }
    // the first truth is 300 bytes: MUSE keeps its first 128 ids, BOS among them, so 127 bytes
    String longTruth = data.verbMemForget().get(0).continuation();
    assertTrue(longTruth.length() > 128);
    assertEquals(longTruth.substring(0, 127), got.get(0).reference());
    assertEquals(data.verbMemForget().get(1).continuation(), got.get(1).reference(), "short truths stay whole");
  }

  @Test
  void knowMemCutsEachAnswerWhereMuseDoes() {
    List<MuseEvaluator.Generation> got = new MuseEvaluator(model, TOKENIZER, 3)
        .knowMem(data.knowMemForget(), data.knowMemForgetShots());
    for (int i = 0; i < got.size(); i++) {
      QaRecord q = data.knowMemForget().get(i);
      String prompt = MuseEvaluator.knowMemPrompt(data.knowMemForgetShots(), q.question());
      String expected = MuseRouge.knowMemAnswer(oneByOne(prompt, 32));
      assertEquals(prompt, got.get(i).prompt());
      assertEquals(expected, got.get(i).output(), "sample " + i);
      assertEquals(q.answer(), got.get(i).reference());
      assertEquals(MuseRouge.f1(q.answer(), expected), got.get(i).rougeLF1());
    }
  }

  @Test
  void minKScoresAreMin40OfEachTextsOwnTokenLogProbs() {
    List<TextRecord> texts = data.privLeakHoldout();
    double[] got = new MuseEvaluator(model, TOKENIZER, 2).minKScores(texts);
    for (int i = 0; i < texts.size(); i++) {
      // MUSE's compute_ppl: one forward over BOS + text, log-softmax, the log-prob of each token
      // after the first given its prefix
      int[] ids = TOKENIZER.encode(texts.get(i).text(), true);
      double[] logProbs = new double[ids.length - 1];
      try (PointerScope scope = new PointerScope()) {
        long[] longs = Arrays.stream(ids).asLongStream().toArray();
        Tensor logits = model.forward(HostArrays.longs(longs, 1, ids.length), null);
        double[] lsm = HostArrays.toDoubles(torch.log_softmax(logits.to(torch.ScalarType.Double), 2));
        int vocab = (int) logits.size(2);
        for (int t = 0; t + 1 < ids.length; t++) {
          logProbs[t] = lsm[t * vocab + ids[t + 1]];
        }
      }
      assertEquals(MinKPercent.score(logProbs), got[i], 1e-5, "text " + i);
    }
  }

  @Test
  void aTextLongerThanTheContextIsNamed() {
    try (LlamaModel small = LlamaModel.random(SmallModels.byteLevel(16, 1, 2, 16), 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new MuseEvaluator(small, TOKENIZER, 2).minKScores(
              List.of(new TextRecord("short"), new TextRecord("a text of more than sixteen bytes"))));
      assertEquals("privleak text 2 has 34 tokens, more than the model's 16-token context", e.getMessage());
    }
  }
}
