package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.QaRecord;
import org.blurnative.kernel.Backend;
import org.blurnative.loss.NllLoss;
import org.blurnative.model.Completion;
import org.blurnative.model.GenerationSettings;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.WeightedSumRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny model trained on 50 QA pairs answers every one of them exactly, greedily. */
class FinetuneMemorisesTest {

  @Test
  void fiftyPairsAreMemorised(@TempDir Path run) throws Exception {
    List<QaRecord> records = TinyRun.records(0, 50);
    try (LlamaModel model = TinyRun.model(64, 2, 7)) {
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("train", new NllLoss(), TinyRun.examples(records)), null,
          WeightedSumRule.gradientAscent(), TinyRun.settings(25, 1, 600, 3e-3, 0),
          TinyRun.TOKENIZER.padId(), run);
      List<StepMetrics> metrics = trainer.run(false, m -> {});
      assertEquals(600, metrics.size());
      double last = metrics.get(metrics.size() - 1).forgetLoss();
      assertTrue(last < 0.05, "final training loss " + last);

      List<int[]> prompts = new ArrayList<>();
      for (QaRecord r : records) {
        prompts.add(TinyRun.ENCODER.prompt(r.question()).promptIds());
      }
      List<Completion> answers = model.generate(prompts, GenerationSettings.greedy(16));
      int exact = 0;
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        String said = TinyRun.TOKENIZER.decode(answers.get(i).tokens(), true).strip();
        if (said.equals(records.get(i).answer())) {
          exact++;
        } else {
          wrong.add(records.get(i).question() + " → '" + said + "'");
        }
      }
      assertEquals(records.size(), exact, "not memorised: " + wrong);
    }
  }
}
