package org.blurnative.data;

import java.util.List;

/**
 * A multiple-choice question in WMDP/MMLU field names: {@code question}, {@code choices[]} and
 * {@code answer}, the index of the correct choice (a letter "A", "B", … in the file is read as its
 * index).
 */
public record ChoiceRecord(String question, List<String> choices, int answer) {

  public ChoiceRecord {
    choices = List.copyOf(choices);
    if (answer < 0 || answer >= choices.size()) {
      throw new IllegalArgumentException(
          "answer " + answer + " is not an index into " + choices.size() + " choices");
    }
  }

  /** "A" for 0, "B" for 1, …: how WMDP's prompt names the choices. */
  public static String letter(int index) {
    return String.valueOf((char) ('A' + index));
  }

  public String correctChoice() {
    return choices.get(answer);
  }
}
