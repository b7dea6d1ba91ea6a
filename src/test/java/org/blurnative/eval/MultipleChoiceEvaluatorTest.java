package org.blurnative.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.blurnative.data.ChoiceRecord;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.PromptParts;
import org.blurnative.data.TokenizedExample;
import org.blurnative.eval.wmdp.MultipleChoice;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.SmallModels;
import org.blurnative.tokenizer.ByteTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;

/**
 * Batched, padded letter log-likelihoods equal the same numbers computed one unpadded sequence at
 * a time straight from the logits; accuracy follows from the picks.
 */
class MultipleChoiceEvaluatorTest {
  static final List<ChoiceRecord> RECORDS = List.of(
      new ChoiceRecord("Which gas do plants take in?", List.of("Oxygen", "Carbon dioxide", "Helium", "Neon"), 1),
      new ChoiceRecord("2 + 2 =", List.of("4", "5", "22", "0"), 0),
      new ChoiceRecord("A much longer question about the colour of the sky on a clear day at noon?",
          List.of("Green", "Red", "Blue", "Black"), 2));

  @Test
  void letterScoresMatchUnpaddedLogits() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, PromptFormat.PLAIN, false).withoutBos();
    try (LlamaModel model = LlamaModel.random(SmallModels.byteLevel(32, 2, 4, 256), 5);
        PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      MultipleChoiceEvaluator mc = new MultipleChoiceEvaluator(
          new AnswerLikelihood(model, encoder, tokenizer.padId(), 256, 2), encoder);
      List<double[]> scores = mc.letterLogLikelihoods(RECORDS, "science");
      int correct = 0;
      for (int r = 0; r < RECORDS.size(); r++) {
        for (int i = 0; i < 4; i++) {
          TokenizedExample ex = encoder.parts(new PromptParts(
              MultipleChoiceEvaluator.prompt(RECORDS.get(r), "science"), " " + ChoiceRecord.letter(i)));
          assertEquals(direct(model, ex), scores.get(r)[i], 1e-4, "record " + r + " choice " + i);
        }
        correct += MultipleChoice.pick(scores.get(r)) == RECORDS.get(r).answer() ? 1 : 0;
      }
      assertEquals(correct, mc.accuracy(RECORDS, "science").correct());
      assertEquals(3, mc.accuracy(RECORDS, "science").total());
    }
  }

  @Test
  void promptIsLmEvaluationHarnesses() {
    ChoiceRecord r = new ChoiceRecord("  Which is a noble gas? ", List.of("Neon ", " Iron"), 0);
    assertEquals("The following are multiple choice questions (with answers) about biology.\n\n"
        + "Which is a noble gas?\nA. Neon \nB.  Iron\nAnswer:", MultipleChoiceEvaluator.prompt(r, "biology"));
    assertEquals(0, new ExampleEncoder(new ByteTokenizer(), PromptFormat.PLAIN, false).withoutBos()
        .parts(new PromptParts("x", " A")).pinnedPrefix(), "no BOS");
  }

  @Test
  void subjectComesFromTheFileName() {
    assertEquals("biology", MultipleChoiceEvaluator.subject("wmdp-bio.jsonl"));
    assertEquals("chemistry", MultipleChoiceEvaluator.subject("wmdp_chem.json"));
    assertEquals("cybersecurity", MultipleChoiceEvaluator.subject("WMDP-cyber.jsonl"));
    assertEquals("college biology", MultipleChoiceEvaluator.subject("mmlu_college_biology.jsonl"));
    assertEquals("high school us history", MultipleChoiceEvaluator.subject("high_school_us_history.json"));
  }

  /** Σ log softmax(logits[t−1])[id_t] over the answer ids, from one unpadded forward pass. */
  static double direct(LlamaModel model, TokenizedExample ex) {
    int p = ex.promptIds().length, a = ex.answerIds().length;
    long[] ids = new long[p + a];
    for (int i = 0; i < p; i++) ids[i] = ex.promptIds()[i];
    for (int i = 0; i < a; i++) ids[p + i] = ex.answerIds()[i];
    double[] logProbs = HostArrays.toDoubles(
        model.forward(HostArrays.longs(ids, 1, ids.length), null).log_softmax(-1).to(
            org.bytedeco.pytorch.global.torch.ScalarType.Double));
    int vocab = model.config().vocabSize();
    double sum = 0;
    for (int t = p; t < ids.length; t++) {
      sum += logProbs[(t - 1) * vocab + (int) ids[t]];
    }
    return sum;
  }
}
