package org.blurnative.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.blurnative.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** Batching on the byte tokenizer, whose ids can be written down by hand. */
class CollatorTest {

  private static final int BOS = ByteTokenizer.BOS_ID;
  private static final int EOS = ByteTokenizer.EOS_ID;
  private static final int PAD = ByteTokenizer.PAD_ID;
  private static final int X = TokenBatch.IGNORE;

  private final ByteTokenizer tokenizer = new ByteTokenizer();
  private final ExampleEncoder plain = new ExampleEncoder(tokenizer, PromptFormat.PLAIN, true);

  static int[] bytes(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return IntStream.range(0, b.length).map(i -> ByteTokenizer.FIRST_BYTE_ID + (b[i] & 0xFF)).toArray();
  }

  static int[] concat(int[]... parts) {
    return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
  }

  /** Prompt "pp" and answer "a…" by hand: BOS + 2 prompt ids, answer ids, EOS. */
  private static TokenizedExample example(String prompt, String answer) {
    return new TokenizedExample(concat(new int[] {BOS}, bytes(prompt)),
        concat(bytes(answer), new int[] {EOS}), 1);
  }

  @Test
  void encoderSplitsPromptAndAnswer() {
    TokenizedExample e = plain.qa("Who?", "Ann");
    assertArrayEquals(concat(new int[] {BOS}, bytes("Question: Who?\nAnswer:")), e.promptIds());
    assertArrayEquals(concat(bytes(" Ann"), new int[] {EOS}), e.answerIds());
    assertEquals(1, e.pinnedPrefix());
    // the concatenation is the encoding of the whole text, then EOS
    assertArrayEquals(concat(tokenizer.encode("Question: Who?\nAnswer: Ann", true), new int[] {EOS}),
        concat(e.promptIds(), e.answerIds()));

    TokenizedExample noEos = new ExampleEncoder(tokenizer, PromptFormat.PLAIN, false).qa("Who?", "Ann");
    assertArrayEquals(bytes(" Ann"), noEos.answerIds());

    TokenizedExample prompt = plain.prompt("Who?");
    assertArrayEquals(e.promptIds(), prompt.promptIds());
    assertEquals(0, prompt.answerIds().length);

    TokenizedExample doc = plain.text("Some text.");
    assertArrayEquals(new int[] {BOS}, doc.promptIds());
    assertArrayEquals(concat(bytes("Some text."), new int[] {EOS}), doc.answerIds());
  }

  @Test
  void labelsAreExactlyTheAnswerIdsAndPaddingIsOnTheRight() {
    TokenBatch b = new Collator(PAD, BatchOptions.training(64))
        .collate(List.of(example("pq", "abc"), example("p", "a")));
    int[] a = bytes("abc");
    int p = bytes("p")[0];
    int q = bytes("q")[0];
    assertArrayEquals(new int[][] {
        {BOS, p, q, a[0], a[1], a[2], EOS},
        {BOS, p, a[0], EOS, PAD, PAD, PAD}}, b.inputIds());
    assertArrayEquals(new int[][] {
        {X, X, X, a[0], a[1], a[2], EOS},
        {X, X, a[0], EOS, X, X, X}}, b.labels());
    assertArrayEquals(new int[][] {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}}, b.attentionMask());
    assertArrayEquals(new int[] {3, 2}, b.promptLengths());
    assertArrayEquals(new int[] {4, 2}, b.answerLengths());
    assertEquals(6, b.answerTokens());
    assertEquals(0, b.answerIdsCutTotal());
  }

  @Test
  void labelMaskCoversTheAnswerOnEveryRowOfARealBatch() {
    List<TokenizedExample> examples = List.of(
        plain.qa("Who wrote 'Romeo and Juliet'?", "William Shakespeare"),
        plain.qa("Who?", "Ann"),
        plain.qa("Ünïcödé question 😀?", "Ünïcödé answer"));
    TokenBatch b = new Collator(PAD, BatchOptions.training(512)).collate(examples);
    for (int r = 0; r < b.rows(); r++) {
      TokenizedExample e = examples.get(r);
      int p = e.promptIds().length;
      int a = e.answerIds().length;
      for (int t = 0; t < b.length(); t++) {
        boolean answer = t >= p && t < p + a;
        assertEquals(answer ? b.inputIds()[r][t] : X, b.labels()[r][t], "row " + r + " col " + t);
        assertEquals(t < p + a ? 1 : 0, b.attentionMask()[r][t]);
        if (t >= p + a) {
          assertEquals(PAD, b.inputIds()[r][t]);
        }
      }
      assertArrayEquals(concat(e.promptIds(), e.answerIds()),
          java.util.Arrays.copyOf(b.inputIds()[r], p + a));
    }
  }

  @Test
  void aLabelAtPositionZeroIsNotCountedAsPredicted() {
    // a document without BOS: its first id has a label but no logit before it
    TokenizedExample doc = new ExampleEncoder(tokenizer, PromptFormat.PLAIN, false).withoutBos().text("abcd");
    assertEquals(0, doc.promptIds().length);
    TokenBatch b = new Collator(PAD, BatchOptions.training(64)).collate(List.of(doc, plain.qa("Who?", "Ann")));
    assertEquals(3 + plain.qa("Who?", "Ann").answerIds().length, b.answerTokens());
  }

  @Test
  void leftPaddingPutsEveryRowsEndInTheLastColumn() {
    TokenBatch b = new Collator(PAD, BatchOptions.generation(64))
        .collate(List.of(plain.prompt("Who?"), plain.prompt("Why not?")));
    int[] shortPrompt = plain.prompt("Who?").promptIds();
    int[] longPrompt = plain.prompt("Why not?").promptIds();
    int pads = longPrompt.length - shortPrompt.length;
    assertEquals(longPrompt.length, b.length());
    for (int t = 0; t < pads; t++) {
      assertEquals(PAD, b.inputIds()[0][t]);
      assertEquals(0, b.attentionMask()[0][t]);
    }
    assertArrayEquals(shortPrompt, java.util.Arrays.copyOfRange(b.inputIds()[0], pads, b.length()));
    assertArrayEquals(longPrompt, b.inputIds()[1]);
    assertEquals(0, b.answerTokens());
    for (int[] row : b.labels()) {
      assertEquals(0, IntStream.of(row).filter(l -> l != X).count());
    }
  }

  @Test
  void anExampleOfExactlyMaxLengthIsNotCut() {
    TokenizedExample e = example("pq", "abc"); // 1 + 2 + 3 + 1 = 7
    TokenBatch b = new Collator(PAD, BatchOptions.training(7)).collate(List.of(e));
    assertArrayEquals(concat(e.promptIds(), e.answerIds()), b.inputIds()[0]);
    assertEquals(0, b.answerIdsCutTotal());
  }

  @Test
  void aLongPromptLosesItsLeftButKeepsBos() {
    TokenizedExample e = example("12345", "ab"); // BOS 1 2 3 4 5 | a b EOS = 9
    TokenBatch b = new Collator(PAD, BatchOptions.training(6)).collate(List.of(e));
    assertArrayEquals(concat(new int[] {BOS}, bytes("45"), bytes("ab"), new int[] {EOS}),
        b.inputIds()[0]);
    assertArrayEquals(new int[] {X, X, X, bytes("a")[0], bytes("b")[0], EOS}, b.labels()[0]);
    assertEquals(3, b.promptLengths()[0]);
    assertEquals(0, b.answerIdsCutTotal());

    // without BOS the prompt may lose everything
    TokenizedExample noBos = new TokenizedExample(bytes("123"), bytes("ab"), 0);
    TokenBatch c = new Collator(PAD, BatchOptions.training(2)).collate(List.of(noBos));
    assertArrayEquals(bytes("ab"), c.inputIds()[0]);
    assertEquals(0, c.promptLengths()[0]);
  }

  @Test
  void anAnswerThatAloneIsTooLongIsCutAtItsEndAndCounted() {
    TokenizedExample e = example("pq", "abcdef"); // BOS p q | a b c d e f EOS = 10
    TokenBatch b = new Collator(PAD, BatchOptions.training(5))
        .collate(List.of(e, example("p", "a")));
    assertArrayEquals(concat(new int[] {BOS}, bytes("abcd")), b.inputIds()[0]);
    assertArrayEquals(concat(new int[] {X}, bytes("abcd")), b.labels()[0]);
    assertArrayEquals(new int[] {3, 0}, b.answerIdsCut()); // e, f and EOS
    assertEquals(3, b.answerIdsCutTotal());
    assertArrayEquals(new int[] {1, 2}, b.promptLengths());
  }

  @Test
  void anAnswerThatAloneIsTooLongFailsWhenAskedTo() {
    Collator strict = new Collator(PAD,
        new BatchOptions(5, BatchOptions.Padding.RIGHT, BatchOptions.AnswerOverflow.FAIL));
    strict.collate(List.of(example("pqrstuvw", "abc"))); // prompt cut only: fine
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> strict.collate(List.of(example("p", "a"), example("pq", "abcdef"))));
    assertEquals("example 1 of the batch does not fit maxLength 5: its answer alone has 7 ids and"
        + " its BOS 1", e.getMessage());
  }

  @Test
  void badArgumentsAreRefused() {
    assertEquals("maxLength must be at least 2 (BOS and one token), got 1",
        assertThrows(IllegalArgumentException.class, () -> BatchOptions.training(1)).getMessage());
    Collator c = new Collator(PAD, BatchOptions.training(8));
    assertEquals("cannot build a batch from no examples",
        assertThrows(IllegalArgumentException.class, () -> c.collate(List.of())).getMessage());
    TokenizedExample empty = new TokenizedExample(new int[0], new int[0], 0);
    assertEquals("cannot build a batch from examples that have no ids",
        assertThrows(IllegalArgumentException.class, () -> c.collate(List.of(empty))).getMessage());
    assertEquals("pinnedPrefix 2 is outside a prompt of 1 ids",
        assertThrows(IllegalArgumentException.class,
            () -> new TokenizedExample(new int[] {BOS}, new int[0], 2)).getMessage());
  }

  @Test
  void microBatchesSplitRowsEvenlyAndTrimTheirPadding() {
    List<TokenizedExample> examples = List.of(example("p", "abcdefgh"), example("p", "a"),
        example("p", "ab"), example("p", "abc"), example("p", "a"));
    TokenBatch b = new Collator(PAD, BatchOptions.training(64)).collate(examples);
    List<TokenBatch> parts = b.microBatches(2);
    assertEquals(List.of(3, 2), parts.stream().map(TokenBatch::rows).toList());
    assertEquals(b.length(), parts.get(0).length()); // holds the longest row
    assertEquals(2 + 4, parts.get(1).length()); // BOS p a b c EOS
    int row = 0;
    for (TokenBatch part : parts) {
      for (int r = 0; r < part.rows(); r++, row++) {
        int w = part.length();
        assertArrayEquals(java.util.Arrays.copyOf(b.inputIds()[row], w), part.inputIds()[r]);
        assertArrayEquals(java.util.Arrays.copyOf(b.labels()[row], w), part.labels()[r]);
        assertArrayEquals(java.util.Arrays.copyOf(b.attentionMask()[row], w), part.attentionMask()[r]);
      }
    }
    assertEquals(b.answerTokens(), parts.stream().mapToInt(TokenBatch::answerTokens).sum());
    assertEquals(List.of(1, 1, 1, 1, 1), b.microBatches(7).stream().map(TokenBatch::rows).toList());
    assertEquals(List.of(2, 1, 1, 1), b.microBatches(4).stream().map(TokenBatch::rows).toList());
    assertEquals(List.of(b.rows()), b.microBatches(1).stream().map(TokenBatch::rows).toList());
    assertEquals("the number of micro-batches must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> b.microBatches(0)).getMessage());
  }

  @Test
  void leftPaddedMicroBatchesTrimOnTheLeft() {
    TokenBatch b = new Collator(PAD, BatchOptions.generation(64)).collate(List.of(
        plain.prompt("Q?"), plain.prompt("R?"), plain.prompt("A much longer question?")));
    int[] q = plain.prompt("Q?").promptIds();
    assertEquals(plain.prompt("A much longer question?").promptIds().length, b.length());
    TokenBatch first = b.microBatches(2).get(0); // Q and R: the same length, no padding left
    assertEquals(q.length, first.length());
    assertArrayEquals(q, first.inputIds()[0]);
    assertArrayEquals(plain.prompt("R?").promptIds(), first.inputIds()[1]);
    for (int[] mask : first.attentionMask()) {
      assertEquals(first.length(), IntStream.of(mask).sum());
    }
  }
}
