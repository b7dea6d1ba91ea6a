package org.blurnative.train;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TokenizedExample;
import org.blurnative.kernel.ComputeThreads;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.SmallModels;
import org.blurnative.tokenizer.ByteTokenizer;

/** A tiny byte-level model and synthetic QA sets for trainer tests. */
final class TinyRun {
  static final ByteTokenizer TOKENIZER = new ByteTokenizer();
  static final ExampleEncoder ENCODER = new ExampleEncoder(TOKENIZER, PromptFormat.PLAIN, true);
  static final String[] COLOURS = {"teal", "amber", "ochre", "cobalt", "violet", "scarlet", "olive"};

  static {
    ComputeThreads.configure(0);
  }

  private TinyRun() {}

  static LlamaModel model(int hidden, int layers, long seed) {
    return LlamaModel.random(SmallModels.byteLevel(hidden, layers, 4, 128), seed);
  }

  /** "Q: colour of item k?" → a short made-up answer, {@code count} pairs from {@code first}. */
  static List<QaRecord> records(int first, int count) {
    List<QaRecord> out = new ArrayList<>();
    for (int k = first; k < first + count; k++) {
      out.add(new QaRecord("Colour of item " + k + "?", COLOURS[k % COLOURS.length] + " " + (k * 7 % 10)));
    }
    return out;
  }

  static List<TokenizedExample> examples(List<QaRecord> records) {
    return records.stream().map(ENCODER::qa).toList();
  }

  static TrainingSettings settings(int batch, int micro, long steps, double lr, int checkpointEvery) {
    return new TrainingSettings(batch, micro, steps, 64,
        new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, lr, 0, steps),
        new OptimizerSettings.AdamW(0.9, 0.999, 1e-8, 0.0), 0, 3, checkpointEvery, 0, 2, 1234, 0, ProbeLoss.RETAIN,
        false, Accumulation.EVERY_MICRO_BATCH);
  }
}
