package org.blurnative.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.blurnative.tokenizer.ByteTokenizer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** The edge to LibTorch: int64 tensors [B, T] holding exactly the batch's arrays. */
class BatchTest {

  @Test
  void tensorsAreInt64WithTheBatchShapeAndValues() {
    ExampleEncoder encoder = new ExampleEncoder(new ByteTokenizer(), PromptFormat.PLAIN, true);
    TokenBatch plain = new Collator(ByteTokenizer.PAD_ID, BatchOptions.training(64))
        .collate(List.of(encoder.qa("Who?", "Ann"), encoder.qa("Where?", "Paris")));
    try (PointerScope scope = new PointerScope()) {
      Batch batch = Batch.of(plain);
      assertTensor(plain.inputIds(), batch.inputIds());
      assertTensor(plain.attentionMask(), batch.attentionMask());
      assertTensor(plain.labels(), batch.labels());
    }
  }

  private static void assertTensor(int[][] expected, org.bytedeco.pytorch.Tensor t) {
    assertSame(ScalarType.Long, t.scalar_type().intern()); // JavaCPP enum copies: intern first
    assertArrayEquals(new long[] {expected.length, expected[0].length}, t.sizes().vec().get());
    LongPointer data = t.data_ptr_long();
    for (int r = 0; r < expected.length; r++) {
      for (int c = 0; c < expected[0].length; c++) {
        if (expected[r][c] != data.get((long) r * expected[0].length + c)) {
          throw new AssertionError("row " + r + " col " + c + ": expected " + expected[r][c]
              + " but the tensor holds " + data.get((long) r * expected[0].length + c));
        }
      }
    }
  }
}
