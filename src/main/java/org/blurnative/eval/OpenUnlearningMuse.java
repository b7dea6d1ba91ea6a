package org.blurnative.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blurnative.data.ContinuationRecord;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TextRecord;
import org.blurnative.data.TokenizedExample;
import org.blurnative.eval.MuseEvaluator.Generation;
import org.blurnative.eval.muse.MuseRouge;
import org.blurnative.eval.openunlearning.RougeEntry;
import org.blurnative.tokenizer.Tokenizer;

/**
 * open-unlearning's view of MUSE's files (configs/eval/muse.yaml, configs/eval/muse_metrics/*.yaml
 * and configs/data/datasets/MUSE_*.yaml, commit d3d7cf9), for a model with its Llama-2-7b-hf
 * template ("Question: ", "\n", "Answer: ", "\n\n"), which is MUSE's own few-shot prompt:
 * the *_ROUGE entries of KnowMem and VerbMem generations, and the ids its CompletionDataset gives
 * the memorization metrics (MUSE_forget_verbmem) and the membership attacks (MUSE_MIA).
 *
 * <p>The generations are {@link MuseEvaluator}'s: open-unlearning generates from the same ids
 * (BOS and the prompt), greedily, with the same budgets (128 and 32 new tokens) and decodes them
 * the same way; it differs in what it compares them with and how it trims them, which is here.
 */
public final class OpenUnlearningMuse {
  /** MUSE_MIA.yaml and MUSE_forget_verbmem.yaml max_length: text ids kept after the prefix. */
  public static final int COMPLETION_MAX_LENGTH = 2048;
  /** MUSE_forget_knowmem.yaml and MUSE_retain_knowmem.yaml max_length. */
  public static final int QA_MAX_LENGTH = 512;

  private final Tokenizer tokenizer;

  public OpenUnlearningMuse(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * forget_knowmem_ROUGE / retain_knowmem_ROUGE entries. QADataset with few-shot examples
   * (data/utils.py preprocess_chat_instance, apply_chat_template False): the prompt and the
   * prompt-plus-answer each tokenised with BOS and cut to 512 ids, EOS after the answer; the
   * ground truth is the whole decoded with the decoded prompt removed, stripped.
   */
  public List<RougeEntry> knowMem(List<Generation> generated, List<QaRecord> questions) {
    requireSameSize(generated.size(), questions.size(), "knowmem");
    List<RougeEntry> out = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      String prompt = generated.get(i).prompt();
      int[] promptIds = tokenizer.encode(prompt, true);
      if (promptIds.length > QA_MAX_LENGTH) {
        throw new IllegalArgumentException("knowmem question " + (i + 1) + "'s few-shot prompt has " + promptIds.length
            + " tokens, more than open-unlearning's max_length " + QA_MAX_LENGTH + " (it would cut the question)");
      }
      int[] chat = cut(tokenizer.encode(prompt + questions.get(i).answer(), true), QA_MAX_LENGTH);
      if (chat.length == 0 || chat[chat.length - 1] != tokenizer.eosId()) {
        chat = Arrays.copyOf(chat, chat.length + 1);
        chat[chat.length - 1] = tokenizer.eosId();
      }
      out.add(entry(promptIds, chat, generated.get(i).output(), MuseRouge.ANSWER_ENDS));
    }
    return out;
  }

  /**
   * forget_verbmem_ROUGE entries. CompletionDataset with insert_space (data/utils.py
   * preprocess_pretraining_instance): the labels are the ids of prompt + " " + gt after the
   * prompt's length, at most 2048; the ground truth is them decoded, the whole continuation, not
   * MUSE's first 128 tokens.
   */
  public List<RougeEntry> verbMem(List<Generation> generated, List<ContinuationRecord> records) {
    requireSameSize(generated.size(), records.size(), "verbmem");
    List<RougeEntry> out = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      TokenizedExample e = completion(records.get(i).prompt(), records.get(i).continuation(), true);
      out.add(entry(tokenizer.encode(records.get(i).prompt(), true), e.answerIds(), generated.get(i).output(),
          List.of()));
    }
    return out;
  }

  /** MUSE_forget_verbmem's teacher-forced examples, which extraction_strength and exact_memorization score. */
  public List<TokenizedExample> verbMemExamples(List<ContinuationRecord> records) {
    return records.stream().map(r -> completion(r.prompt(), r.continuation(), true)).toList();
  }

  /** MUSE_MIA's examples of privleak texts: no prefix ("prompt" is not a field), every id after the first labelled. */
  public List<TokenizedExample> miaExamples(List<TextRecord> texts) {
    return texts.stream().map(t -> completion("", t.text(), false)).toList();
  }

  /**
   * data/utils.py preprocess_pretraining_instance: {@code full = tok(prefix + (" " if insert_space
   * else "") + text)[: prefix_len + max_length]} with prefix_len the ids of the prefix alone (BOS
   * included), labels on the ids after prefix_len, and never on index 0.
   */
  TokenizedExample completion(String prefix, String text, boolean insertSpace) {
    int prefixLength = tokenizer.encode(prefix, true).length;
    int[] full = cut(tokenizer.encode(prefix + (insertSpace ? " " : "") + text, true),
        prefixLength + COMPLETION_MAX_LENGTH);
    int unlabelled = Math.min(full.length, Math.max(1, prefixLength));
    int[] prompt = Arrays.copyOf(full, unlabelled);
    int pinned = prompt.length > 0 && prompt[0] == tokenizer.bosId() ? 1 : 0;
    return new TokenizedExample(prompt, Arrays.copyOfRange(full, unlabelled, full.length), pinned);
  }

  /**
   * metrics/utils.py eval_text_similarity: input is the prompt's ids decoded, the ground truth the
   * labelled ids decoded with that input removed and stripped, the generation cut before EOS's
   * text and each stop word and stripped.
   */
  private RougeEntry entry(int[] promptIds, int[] labelled, String generation, List<String> stopWords) {
    String input = DecodedText.of(tokenizer, promptIds);
    List<String> ends = new ArrayList<>();
    ends.add(tokenizer.decode(new int[] {tokenizer.eosId()}, false));
    ends.addAll(stopWords);
    return RougeEntry.of(input, RougeEntry.groundTruth(input, DecodedText.of(tokenizer, labelled)),
        RougeEntry.generation(generation, ends));
  }

  private static int[] cut(int[] ids, int length) {
    return ids.length <= length ? ids : Arrays.copyOf(ids, length);
  }

  private static void requireSameSize(int generated, int records, String set) {
    if (generated != records) {
      throw new IllegalArgumentException(set + ": " + generated + " generations for " + records + " records");
    }
  }
}
