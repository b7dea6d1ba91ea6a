package org.blurnative.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.blurnative.tokenizer.TokenizerConfig;
import org.junit.jupiter.api.Test;

class PromptFormatTest {

  @Test
  void plain() {
    assertEquals(new PromptParts("Question: Who?\nAnswer:", " Ann"),
        PromptFormat.PLAIN.render("Who?", "Ann"));
    assertEquals("Question: Who?\nAnswer: Ann", PromptFormat.PLAIN.render("Who?", "Ann").text());
    assertEquals(new PromptParts("Be brief.\n\nQuestion: Who?\nAnswer:", " Ann"),
        PromptFormat.PLAIN.render("Who?", "Ann", "Be brief."));
  }

  @Test
  void llama2() {
    // TOFU's and open-unlearning's template: no space between [/INST] and the answer
    assertEquals("[INST] Who? [/INST]Ann", PromptFormat.LLAMA2.render("Who?", "Ann").text());
    assertEquals(new PromptParts("[INST] Who? [/INST]", "Ann"), PromptFormat.LLAMA2.render("Who?", "Ann"));
    assertEquals("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nWho? [/INST]",
        PromptFormat.LLAMA2.render("Who?", "Ann", "Be brief.").prompt());
  }

  @Test
  void llama3() {
    assertEquals(new PromptParts(
            "<|start_header_id|>user<|end_header_id|>\n\nWho?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n",
            "Ann<|eot_id|>"),
        PromptFormat.LLAMA3.render("Who?", "Ann"));
    assertEquals("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWho?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n",
        PromptFormat.LLAMA3.render("Who?", "Ann", "Be brief.").prompt());
  }

  @Test
  void llama31OpensWithTheDatedSystemTurnOfOpenUnlearning() {
    String system = "<|start_header_id|>system<|end_header_id|>\n\n"
        + "Cutting Knowledge Date: December 2023\nToday Date: 10 Apr 2025\n\n";
    String turns = "<|start_header_id|>user<|end_header_id|>\n\nWho?<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n";
    assertEquals(new PromptParts(system + "You are a helpful assistant.<|eot_id|>" + turns, "Ann<|eot_id|>"),
        PromptFormat.LLAMA31.render("Who?", "Ann"));
    assertEquals(system + "Be brief.<|eot_id|>" + turns, PromptFormat.LLAMA31.render("Who?", "Ann", "Be brief.").prompt());
  }

  @Test
  void promptAloneIsThePromptPartAndHasNoAnswer() {
    for (PromptFormat f : PromptFormat.values()) {
      assertEquals(f.render("Who?", "Ann").prompt(), f.prompt("Who?"), f.name());
      assertEquals("", f.render("Who?", "").answer(), f.name());
    }
  }

  @Test
  void chosenByName() {
    TokenizerConfig none = TokenizerConfig.empty();
    assertEquals(PromptFormat.PLAIN, PromptFormat.resolve("plain", none));
    assertEquals(PromptFormat.LLAMA2, PromptFormat.resolve("Llama-2", none));
    assertEquals(PromptFormat.LLAMA3, PromptFormat.resolve("LLAMA3", none));
    assertEquals(PromptFormat.LLAMA31, PromptFormat.resolve("llama3.1", none));
    assertEquals(PromptFormat.LLAMA31, PromptFormat.resolve("Llama-3.1", none));
    assertEquals(PromptFormat.PLAIN, PromptFormat.resolve("auto", none));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PromptFormat.resolve("zephyr", none));
    assertEquals("unknown prompt format \"zephyr\": expected auto, plain, llama2, llama3, llama3.1",
        e.getMessage());
  }

  @Test
  void inferredFromTheChatTemplate() throws URISyntaxException {
    assertEquals(PromptFormat.LLAMA2,
        PromptFormat.resolve("auto", TokenizerConfig.read(fixture("llama2-like"))));
    assertEquals(PromptFormat.LLAMA3,
        PromptFormat.resolve("auto", TokenizerConfig.read(fixture("llama3-like"))));
    assertEquals(PromptFormat.LLAMA31,
        PromptFormat.resolve("auto", TokenizerConfig.read(fixture("llama31-config"))));
  }

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(PromptFormatTest.class.getResource("/tokenizer/" + name).toURI());
  }
}
