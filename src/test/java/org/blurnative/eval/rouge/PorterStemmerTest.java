package org.blurnative.eval.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected stems from NLTK 3.8: {@code nltk.stem.porter.PorterStemmer().stem(word)}, the default
 * NLTK_EXTENSIONS mode that rouge_score uses.
 */
class PorterStemmerTest {
  private final PorterStemmer stemmer = new PorterStemmer();

  @Test
  void thePapersExamplesAsNltkStemsThem() {
    String[][] pairs = {
        {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "tie"}, {"caress", "caress"},
        {"cats", "cat"}, {"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"},
        {"bled", "bled"}, {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"},
        {"troubled", "troubl"}, {"sized", "size"}, {"hopping", "hop"}, {"tanned", "tan"},
        {"falling", "fall"}, {"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"},
        {"filing", "file"}, {"happy", "happi"}, {"sky", "sky"}, {"relational", "relat"},
        {"conditional", "condit"}, {"rational", "ration"}, {"valenci", "valenc"},
        {"digitizer", "digit"}, {"radicalli", "radic"}, {"differentli", "differ"},
        {"vileli", "vile"}, {"analogousli", "analog"}, {"vietnamization", "vietnam"},
        {"predication", "predic"}, {"operator", "oper"}, {"feudalism", "feudal"},
        {"decisiveness", "decis"}, {"hopefulness", "hope"}, {"callousness", "callous"},
        {"formaliti", "formal"}, {"sensitiviti", "sensit"}, {"sensibiliti", "sensibl"},
        {"triplicate", "triplic"}, {"formative", "form"}, {"formalize", "formal"},
        {"electriciti", "electr"}, {"electrical", "electr"}, {"hopeful", "hope"},
        {"goodness", "good"}, {"revival", "reviv"}, {"allowance", "allow"}, {"inference", "infer"},
        {"airliner", "airlin"}, {"gyroscopic", "gyroscop"}, {"adjustable", "adjust"},
        {"defensible", "defens"}, {"irritant", "irrit"}, {"replacement", "replac"},
        {"adjustment", "adjust"}, {"dependent", "depend"}, {"adoption", "adopt"},
        {"homologou", "homolog"}, {"communism", "commun"}, {"activate", "activ"},
        {"angulariti", "angular"}, {"homologous", "homolog"}, {"effective", "effect"},
        {"bowdlerize", "bowdler"}, {"probate", "probat"}, {"rate", "rate"}, {"cease", "ceas"},
        {"controll", "control"}, {"roll", "roll"}};
    for (String[] p : pairs) {
      assertEquals(p[1], stemmer.stem(p[0]), p[0]);
    }
  }

  @Test
  void nltksExtensionsWhereLuceneAndSnowballDiffer() {
    String[][] pairs = {
        {"enjoy", "enjoy"}, {"days", "day"}, {"dying", "die"}, {"lying", "lie"}, {"news", "news"},
        {"innings", "inning"}, {"proceed", "proceed"}, {"exceed", "exceed"}, {"dies", "die"},
        {"died", "die"}, {"spied", "spi"}, {"aging", "age"}, {"generously", "gener"},
        {"anthology", "antholog"}, {"beautifully", "beauti"}, {"1990s", "1990"}, {"y2ks", "y2k"}};
    for (String[] p : pairs) {
      assertEquals(p[1], stemmer.stem(p[0]), p[0]);
    }
  }

  @Test
  void everyWordOfTheTofuGoldenLogsStemsAsInNltk() throws IOException {
    // the 3,866 distinct tokens longer than 3 characters in the golden logs' generations and
    // answers, each with NLTK 3.8's stem
    List<String> mismatches = new ArrayList<>();
    int n = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/eval/rouge/nltk-porter-tofu-vocabulary.tsv"), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] p = line.split("\t");
        n++;
        if (!stemmer.stem(p[0]).equals(p[1])) {
          mismatches.add(p[0] + " → " + stemmer.stem(p[0]) + ", NLTK " + p[1]);
        }
      }
    }
    assertEquals(3866, n);
    assertEquals(List.of(), mismatches);
  }
}
