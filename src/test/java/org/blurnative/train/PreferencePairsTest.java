package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.blurnative.data.AlignedBatch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TokenBatch;
import org.blurnative.data.TokenizedExample;
import org.blurnative.kernel.Backend;
import org.blurnative.loss.DpoLoss;
import org.blurnative.loss.NllLoss;
import org.blurnative.model.HostArrays;
import org.blurnative.model.Activations;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.BlurRule;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * DPO's pairs (a forget answer and the alternate answer to the same question) stay together
 * through collation, micro-batches and the ranks' shares: the loss and the gradient over pieces
 * are those of the whole batch, and breaking the pairing changes them.
 */
class PreferencePairsTest {
  static final List<QaRecord> FORGET = TinyRun.records(0, 5);
  static final Collator COLLATOR = new Collator(TinyRun.TOKENIZER.padId(), BatchOptions.training(64));

  /** Each question answered "I don't know" in a way of its own, so that rows are told apart by their answers. */
  static List<TokenizedExample> alternates(List<QaRecord> records) {
    return TinyRun.examples(records.stream()
        .map(r -> new QaRecord(r.question(), "no idea" + ".".repeat(4 * records.indexOf(r) + 1))).toList());
  }

  static Objective dpo(List<TokenizedExample> alternates) {
    return new Objective("forget", new DpoLoss(0.5), TinyRun.examples(FORGET), alternates);
  }

  @Test
  void collationAndMicroBatchesKeepEachAlternateBesideItsExample() {
    int[] order = {4, 0, 3, 1, 2};
    AlignedBatch batch = dpo(alternates(FORGET)).batch(COLLATOR, order);
    List<AlignedBatch> pieces = batch.microBatches(3);
    assertEquals(List.of(2, 2, 1), pieces.stream().map(AlignedBatch::rows).toList());
    List<TokenizedExample> expected = alternates(FORGET);
    int row = 0;
    for (AlignedBatch piece : pieces) {
      for (int r = 0; r < piece.rows(); r++, row++) {
        TokenizedExample example = TinyRun.examples(FORGET).get(order[row]);
        assertArrayEquals(example.answerIds(), answer(piece.batch(), r), "row " + row + "'s forget answer");
        assertArrayEquals(expected.get(order[row]).answerIds(), answer(piece.alternate(), r), "row " + row + "'s alternate");
        assertArrayEquals(example.promptIds(), prompt(piece.alternate(), r), "row " + row + ": the same question");
      }
    }
  }

  @Test
  void lossAndGradientOverMicroBatchesAndRanksAreTheWholeBatchs() {
    try (LlamaModel model = TinyRun.model(32, 2, 21); PointerScope scope = new PointerScope()) {
      LlamaModel reference = model.frozenCopy();
      // move the model off its copy, so that the log-ratios are not all 0
      try (NoGradGuard g = new NoGradGuard()) {
        for (Tensor p : model.parameters().values()) {
          p.mul_(new Scalar(1.05));
        }
      }
      Objective objective = dpo(alternates(FORGET));
      AlignedBatch batch = objective.batch(COLLATOR, new int[] {0, 1, 2, 3, 4});
      LossEvaluator one = new LossEvaluator(model, reference, 0, 1, Activations.STORED, Accumulation.EVERY_MICRO_BATCH);
      Tensor weight = model.parameters().get("model.layers.0.mlp.down_proj.weight");

      double whole = one.accumulate(objective.loss(), batch, 1);
      float[] wholeGrad = gradientOf(weight);
      clearGradients(model);
      double pieces = one.accumulate(objective.loss(), batch, 3);
      float[] piecesGrad = gradientOf(weight);
      clearGradients(model);
      // two ranks: rank 0 takes micro-batches 0 and 2, rank 1 micro-batch 1; their sums are the whole
      double ranks = new LossEvaluator(model, reference, 0, 2, Activations.STORED, Accumulation.EVERY_MICRO_BATCH).accumulate(objective.loss(), batch, 3)
          + new LossEvaluator(model, reference, 1, 2, Activations.STORED, Accumulation.EVERY_MICRO_BATCH).accumulate(objective.loss(), batch, 3);
      float[] ranksGrad = gradientOf(weight);

      assertTrue(Math.abs(whole - 4 * Math.log(2)) > 1e-3, "off the trivial point, (2/β)·log 2: " + whole);
      // float32 rounding only: each micro-batch is padded to its own longest row, and a sample's
      // log-ratio is the difference of two sums of its token log-probabilities (measured: 2e-6)
      assertEquals(whole, pieces, 1e-5 * Math.abs(whole));
      assertEquals(whole, ranks, 1e-5 * Math.abs(whole));
      assertClose(wholeGrad, piecesGrad);
      assertClose(wholeGrad, ranksGrad);

      // the same alternates paired with other rows: another loss, by more than ten times the
      // tolerance above, so the checks above can fail
      List<TokenizedExample> shifted = new java.util.ArrayList<>(alternates(FORGET));
      java.util.Collections.rotate(shifted, 1);
      double misaligned = one.evaluate(objective.loss(), dpo(shifted).batch(COLLATOR, new int[] {0, 1, 2, 3, 4}), 3);
      System.out.println("DPO over 5 pairs: aligned " + whole + ", in 3 micro-batches " + pieces + ", on 2 ranks " + ranks
          + ", misaligned " + misaligned);
      assertTrue(Math.abs(misaligned - whole) > 1e-4 * Math.abs(whole), whole + " vs " + misaligned);
      reference.close();
    }
  }

  /** One trainer step of BLUR-DPO in four micro-batches is the step in one. */
  @Test
  void aTrainerStepInFourMicroBatchesIsTheStepInOne() throws Exception {
    GradientAccumulationTest.assertSameSums(step(1), step(4));
  }

  static GradientAccumulationTest.Outcome step(int microBatches) throws Exception {
    List<QaRecord> forget = TinyRun.records(0, 8);
    try (LlamaModel model = TinyRun.model(32, 2, 5)) {
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new DpoLoss(0.1), TinyRun.examples(forget), alternates(forget)),
          new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(50, 8))),
          new BlurRule(1.0), TinyRun.settings(8, microBatches, 1, 1e-3, 0),
          TinyRun.TOKENIZER.padId(), Files.createTempDirectory("dpo-accumulation"));
      List<StepMetrics> metrics = trainer.run(false, m -> {});
      // the model is its reference at the first step: every log-ratio 0, (2/β)·log 2 per sample
      assertEquals(20 * Math.log(2), metrics.get(0).forgetLoss(), 1e-4);
      return new GradientAccumulationTest.Outcome(metrics.get(0), null);
    }
  }

  @Test
  void anObjectiveRefusesAlternatesItsLossDoesNotTakeAndMissingOnes() {
    List<TokenizedExample> examples = TinyRun.examples(FORGET);
    assertThrows(IllegalArgumentException.class, () -> new Objective("forget", new DpoLoss(0.1), examples));
    assertThrows(IllegalArgumentException.class,
        () -> new Objective("forget", new NllLoss(), examples, alternates(FORGET)));
    assertThrows(IllegalArgumentException.class,
        () -> new Objective("forget", new DpoLoss(0.1), examples, alternates(FORGET).subList(0, 4)));
    assertEquals(2, dpo(alternates(FORGET)).graphs(), "the memory plan counts both answers' graphs");
    assertEquals(1, new Objective("forget", new NllLoss(), examples).graphs());
    TokenBatch five = COLLATOR.collate(examples);
    TokenBatch four = COLLATOR.collate(examples.subList(0, 4));
    assertThrows(IllegalArgumentException.class, () -> new AlignedBatch(five, four));
  }

  static int[] answer(TokenBatch b, int row) {
    int start = b.promptLengths()[row];  // right padding: the prompt starts the row
    return Arrays.copyOfRange(b.inputIds()[row], start, start + b.answerLengths()[row]);
  }

  static int[] prompt(TokenBatch b, int row) {
    return Arrays.copyOf(b.inputIds()[row], b.promptLengths()[row]);
  }

  static float[] gradientOf(Tensor weight) {
    return HostArrays.toFloats(weight.grad());
  }

  static void clearGradients(LlamaModel model) {
    for (Tensor p : model.parameters().values()) {
      p.mutable_grad().put(new Tensor());  // undefined: backward allocates a fresh gradient
    }
  }

  static void assertClose(float[] expected, float[] actual) {
    double max = 0;
    for (float e : expected) {
      max = Math.max(max, Math.abs(e));
    }
    assertTrue(max > 0, "a gradient to compare");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5 * max, "element " + i);
    }
  }
}
