package org.blurnative.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.blurnative.tokenizer.TokenizerConfig;

/**
 * How a question and its answer become model input, for base models and the LLaMA chat
 * families. BOS is not part of the text: the tokenizer adds it. The boundary sits where generation
 * would start, and a space between them belongs to the answer, which is tokenised as a
 * continuation (see Tokenizer.encodeContinuation), so the ids match those of the whole text.
 */
public enum PromptFormat {

  /** {@code Question: {q}\nAnswer: {a}}. */
  PLAIN("plain") {
    @Override
    public PromptParts render(String question, String answer, String systemPrompt) {
      String system = systemPrompt.isEmpty() ? "" : systemPrompt + "\n\n";
      return new PromptParts(system + "Question: " + question + "\nAnswer:", spaced(answer));
    }
  },

  /**
   * LLaMA-2 chat as TOFU and open-unlearning write it: {@code [INST] {q} [/INST]{a}}, with no space
   * before the answer (TOFU's answer_tag is empty; open-unlearning measured that a space there
   * tokenises badly at the border), the system prompt in {@code <<SYS>>}.
   */
  LLAMA2("llama2") {
    @Override
    public PromptParts render(String question, String answer, String systemPrompt) {
      String system = systemPrompt.isEmpty() ? "" : "<<SYS>>\n" + systemPrompt + "\n<</SYS>>\n\n";
      return new PromptParts("[INST] " + system + question + " [/INST]", answer);
    }
  },

  /**
   * LLaMA-3 chat headers (the 3.0 template: a system turn only when there is a system prompt);
   * the answer ends its turn with {@code <|eot_id|>}, which the LLaMA-3 tokenizer reads as one
   * special token.
   */
  LLAMA3("llama3") {
    @Override
    public PromptParts render(String question, String answer, String systemPrompt) {
      String system = systemPrompt.isEmpty() ? "" : header("system") + systemPrompt + EOT;
      return turns(system, question, answer);
    }
  },

  /**
   * LLaMA-3.1 to 3.3 chat: their template always opens with a system turn that states the
   * knowledge cut-off and today's date. As in open-unlearning's TOFU configuration (whose numbers
   * the BLUR paper reports), the date is fixed at {@value #TODAY} and an empty system prompt
   * becomes {@value #DEFAULT_SYSTEM_PROMPT}, so runs do not depend on the day they ran.
   */
  LLAMA31("llama3.1") {
    @Override
    public PromptParts render(String question, String answer, String systemPrompt) {
      String system = header("system") + "Cutting Knowledge Date: December 2023\nToday Date: " + TODAY
          + "\n\n" + (systemPrompt.isEmpty() ? DEFAULT_SYSTEM_PROMPT : systemPrompt) + EOT;
      return turns(system, question, answer);
    }
  };

  /** The date open-unlearning gives LLaMA-3.1+ chat templates. */
  public static final String TODAY = "10 Apr 2025";
  /** open-unlearning's system prompt for LLaMA-3.1+ chat models. */
  public static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant.";

  private static final String EOT = "<|eot_id|>";

  private final String formatName;

  PromptFormat(String formatName) {
    this.formatName = formatName;
  }

  private static String spaced(String answer) {
    return answer.isEmpty() ? "" : " " + answer;
  }

  private static PromptParts turns(String system, String question, String answer) {
    return new PromptParts(system + header("user") + question + EOT + header("assistant"),
        answer.isEmpty() ? "" : answer + EOT);
  }

  private static String header(String role) {
    return "<|start_header_id|>" + role + "<|end_header_id|>\n\n";
  }

  /**
   * The prompt and answer text; an empty {@code systemPrompt} means none. An empty answer gives an
   * empty answer part (a prompt for generation).
   */
  public abstract PromptParts render(String question, String answer, String systemPrompt);

  public PromptParts render(String question, String answer) {
    return render(question, answer, "");
  }

  /** The prompt alone, where generation starts. */
  public String prompt(String question) {
    return render(question, "", "").prompt();
  }

  /** The name used on the command line and in run.json. */
  public String formatName() {
    return formatName;
  }

  /**
   * The format called {@code name} ("plain", "llama2", "llama3"; case and a dash ignored: "Llama-3"
   * works), or "auto" to infer it from the tokenizer's chat template.
   */
  public static PromptFormat resolve(String name, TokenizerConfig config) {
    String key = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    String compact = key.replace(".", "");
    if (key.equals("auto")) {
      return inferFrom(config);
    }
    for (PromptFormat f : values()) {
      if (f.formatName.equals(key) || f.formatName.replace(".", "").equals(compact)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown prompt format \"" + name + "\": expected auto, "
        + Arrays.stream(values()).map(PromptFormat::formatName).collect(Collectors.joining(", ")));
  }

  /**
   * The format whose markers the chat template writes: LLaMA-3.1+'s dated system turn, LLaMA-3's
   * header tokens, LLaMA-2's {@code [INST]}; PLAIN for a base model without a template.
   */
  public static PromptFormat inferFrom(TokenizerConfig config) {
    String template = config.chatTemplate().orElse("");
    if (template.contains("<|start_header_id|>") && template.contains("Cutting Knowledge Date")) {
      return LLAMA31;
    }
    if (template.contains("<|start_header_id|>")) {
      return LLAMA3;
    }
    if (template.contains("[INST]")) {
      return LLAMA2;
    }
    return PLAIN;
  }
}
