package org.blurnative.eval.rouge;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer exactly as NLTK's {@code nltk.stem.porter.PorterStemmer()} in its default mode,
 * {@code NLTK_EXTENSIONS}, which is the one Google's rouge_score builds with
 * {@code use_stemmer=True} ({@code porter.PorterStemmer()} in rouge/tokenizers.py).
 *
 * <p>Why not a library: Lucene's {@code PorterStemFilter} and Snowball's {@code porter} implement
 * Martin Porter's published versions; NLTK's extensions differ from them (y→i only after a
 * consonant, so "enjoy" stays "enjoy"; extra Step 2 rules {@code fulli}, {@code logi}; an
 * irregular-forms table; "ies"/"ied" on 4-letter words). On the 3,866 distinct words of TOFU's
 * golden eval logs, Lucene disagrees with NLTK on 62 words and Snowball on 73, and both turn one of
 * the 1,634 stored ROUGE-L recalls into a different number. So this class follows NLTK 3.8's
 * porter.py rule by rule, in the same order, with the paper's step names (Porter, "An algorithm for
 * suffix stripping", Program 14.3, 1980). NLTK is Apache-2.0 licensed.
 *
 * <p>Input is one lower-case token; rouge_score only stems tokens of [a-z0-9] longer than three
 * characters, and digits count as consonants here exactly as in NLTK.
 */
public final class PorterStemmer {

  /** NLTK's table of irregular forms, word → stem, checked before any rule. */
  private static final Map<String, String> IRREGULAR = Map.ofEntries(
      Map.entry("sky", "sky"), Map.entry("skies", "sky"),
      Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
      Map.entry("news", "news"),
      Map.entry("innings", "inning"), Map.entry("inning", "inning"),
      Map.entry("outings", "outing"), Map.entry("outing", "outing"),
      Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
      Map.entry("howe", "howe"),
      Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

  /** The marker NLTK uses for "ends in a double consonant" in a rule list. */
  private static final String DOUBLE_CONSONANT = "*d";

  /**
   * One suffix rule: if the word ends in {@code suffix}, the rule fires, and the word becomes
   * stem + replacement when the condition holds on the stem, else stays as it is. Either way no
   * later rule of the list is tried (NLTK's {@code _apply_rule_list}).
   */
  private record Rule(String suffix, String replacement, Predicate<String> condition) {
    static Rule always(String suffix, String replacement) {
      return new Rule(suffix, replacement, stem -> true);
    }
  }

  private static final Predicate<String> M_POSITIVE = stem -> measure(stem) > 0;
  private static final Predicate<String> M_ABOVE_ONE = stem -> measure(stem) > 1;

  private static final List<Rule> STEP_1A = List.of(
      Rule.always("sses", "ss"), Rule.always("ies", "i"), Rule.always("ss", "ss"), Rule.always("s", ""));

  private static final List<Rule> STEP_2 = List.of(
      new Rule("ational", "ate", M_POSITIVE),
      new Rule("tional", "tion", M_POSITIVE),
      new Rule("enci", "ence", M_POSITIVE),
      new Rule("anci", "ance", M_POSITIVE),
      new Rule("izer", "ize", M_POSITIVE),
      new Rule("bli", "ble", M_POSITIVE),  // Martin's and NLTK's replacement of the paper's abli → able
      new Rule("alli", "al", M_POSITIVE),
      new Rule("entli", "ent", M_POSITIVE),
      new Rule("eli", "e", M_POSITIVE),
      new Rule("ousli", "ous", M_POSITIVE),
      new Rule("ization", "ize", M_POSITIVE),
      new Rule("ation", "ate", M_POSITIVE),
      new Rule("ator", "ate", M_POSITIVE),
      new Rule("alism", "al", M_POSITIVE),
      new Rule("iveness", "ive", M_POSITIVE),
      new Rule("fulness", "ful", M_POSITIVE),
      new Rule("ousness", "ous", M_POSITIVE),
      new Rule("aliti", "al", M_POSITIVE),
      new Rule("iviti", "ive", M_POSITIVE),
      new Rule("biliti", "ble", M_POSITIVE),
      new Rule("fulli", "ful", M_POSITIVE),  // NLTK extension
      // NLTK extension: the measure is taken of the word less "ogi", i.e. the stem plus its "l"
      new Rule("logi", "log", stem -> measure(stem + "l") > 0));

  private static final List<Rule> STEP_3 = List.of(
      new Rule("icate", "ic", M_POSITIVE),
      new Rule("ative", "", M_POSITIVE),
      new Rule("alize", "al", M_POSITIVE),
      new Rule("iciti", "ic", M_POSITIVE),
      new Rule("ical", "ic", M_POSITIVE),
      new Rule("ful", "", M_POSITIVE),
      new Rule("ness", "", M_POSITIVE));

  private static final List<Rule> STEP_4 = List.of(
      new Rule("al", "", M_ABOVE_ONE),
      new Rule("ance", "", M_ABOVE_ONE),
      new Rule("ence", "", M_ABOVE_ONE),
      new Rule("er", "", M_ABOVE_ONE),
      new Rule("ic", "", M_ABOVE_ONE),
      new Rule("able", "", M_ABOVE_ONE),
      new Rule("ible", "", M_ABOVE_ONE),
      new Rule("ant", "", M_ABOVE_ONE),
      new Rule("ement", "", M_ABOVE_ONE),
      new Rule("ment", "", M_ABOVE_ONE),
      new Rule("ent", "", M_ABOVE_ONE),
      new Rule("ion", "", stem -> measure(stem) > 1 && endsWithAny(stem, "s", "t")),
      new Rule("ou", "", M_ABOVE_ONE),
      new Rule("ism", "", M_ABOVE_ONE),
      new Rule("ate", "", M_ABOVE_ONE),
      new Rule("iti", "", M_ABOVE_ONE),
      new Rule("ous", "", M_ABOVE_ONE),
      new Rule("ive", "", M_ABOVE_ONE),
      new Rule("ize", "", M_ABOVE_ONE));

  /** The stem of one lower-case word. */
  public String stem(String word) {
    String irregular = IRREGULAR.get(word);
    if (irregular != null) {
      return irregular;
    }
    if (word.length() <= 2) {
      return word;
    }
    String stem = step1a(word);
    stem = step1b(stem);
    stem = step1c(stem);
    stem = step2(stem);
    stem = apply(stem, STEP_3);
    stem = apply(stem, STEP_4);
    stem = step5a(stem);
    return step5b(stem);
  }

  // SSES → SS, IES → I, SS → SS, S → ""; NLTK: a four-letter "-ies" word keeps "ie" (ties → tie)
  private static String step1a(String word) {
    if (word.endsWith("ies") && word.length() == 4) {
      return cut(word, 3) + "ie";
    }
    return apply(word, STEP_1A);
  }

  // (m>0) EED → EE; (*v*) ED → ""; (*v*) ING → "", then the tidy-up of AT, BL, IZ, double
  // consonants and short stems. NLTK: "-ied" → "ie" on four-letter words, else "i".
  private static String step1b(String word) {
    if (word.endsWith("ied")) {
      return cut(word, 3) + (word.length() == 4 ? "ie" : "i");
    }
    if (word.endsWith("eed")) {
      String stem = cut(word, 3);
      return measure(stem) > 0 ? stem + "ee" : word;
    }
    String intermediate = null;
    for (String suffix : new String[] {"ed", "ing"}) {
      if (word.endsWith(suffix) && containsVowel(cut(word, suffix.length()))) {
        intermediate = cut(word, suffix.length());
        break;
      }
    }
    if (intermediate == null) {
      return word;
    }
    char last = intermediate.charAt(intermediate.length() - 1);
    return apply(intermediate, List.of(
        Rule.always("at", "ate"),
        Rule.always("bl", "ble"),
        Rule.always("iz", "ize"),
        new Rule(DOUBLE_CONSONANT, String.valueOf(last), stem -> last != 'l' && last != 's' && last != 'z'),
        new Rule("", "e", stem -> measure(stem) == 1 && endsCvc(stem))));
  }

  // (*v*) Y → I; NLTK: only after a consonant that is not the word's first letter (happy → happi,
  // enjoy → enjoy)
  private static String step1c(String word) {
    return apply(word, List.of(new Rule("y", "i",
        stem -> stem.length() > 1 && isConsonant(stem, stem.length() - 1))));
  }

  // NLTK first turns a measured "-alli" into "-al" and starts Step 2 again on the result
  private static String step2(String word) {
    if (word.endsWith("alli") && measure(cut(word, 4)) > 0) {
      return step2(cut(word, 4) + "al");
    }
    return apply(word, STEP_2);
  }

  // (m>1) E → ""; (m=1 and not *o) E → ""
  private static String step5a(String word) {
    if (word.endsWith("e")) {
      String stem = cut(word, 1);
      int m = measure(stem);
      if (m > 1 || (m == 1 && !endsCvc(stem))) {
        return stem;
      }
    }
    return word;
  }

  // (m>1 and *d and *L) → single letter; NLTK measures the word less one "l"
  private static String step5b(String word) {
    if (word.endsWith("ll") && measure(cut(word, 1)) > 1) {
      return cut(word, 1);
    }
    return word;
  }

  /** NLTK's {@code _apply_rule_list}: the first rule whose suffix matches decides. */
  private static String apply(String word, List<Rule> rules) {
    for (Rule rule : rules) {
      if (rule.suffix.equals(DOUBLE_CONSONANT)) {
        if (endsDoubleConsonant(word)) {
          String stem = cut(word, 2);
          return rule.condition.test(stem) ? stem + rule.replacement : word;
        }
        continue;
      }
      if (word.endsWith(rule.suffix)) {
        String stem = cut(word, rule.suffix.length());
        return rule.condition.test(stem) ? stem + rule.replacement : word;
      }
    }
    return word;
  }

  /** A letter other than a, e, i, o, u, and other than a y that follows a consonant. */
  static boolean isConsonant(String word, int i) {
    char c = word.charAt(i);
    return switch (c) {
      case 'a', 'e', 'i', 'o', 'u' -> false;
      case 'y' -> i == 0 || !isConsonant(word, i - 1);
      default -> true;
    };
  }

  /** m in [C](VC)^m[V]: the number of vowel→consonant transitions. */
  static int measure(String stem) {
    int m = 0;
    boolean previousVowel = false;
    for (int i = 0; i < stem.length(); i++) {
      boolean consonant = isConsonant(stem, i);
      if (consonant && previousVowel) {
        m++;
      }
      previousVowel = !consonant;
    }
    return m;
  }

  private static boolean containsVowel(String stem) {
    for (int i = 0; i < stem.length(); i++) {
      if (!isConsonant(stem, i)) {
        return true;
      }
    }
    return false;
  }

  // *d: ends in two equal consonants
  private static boolean endsDoubleConsonant(String word) {
    int n = word.length();
    return n >= 2 && word.charAt(n - 1) == word.charAt(n - 2) && isConsonant(word, n - 1);
  }

  // *o: ends consonant-vowel-consonant, the last not w, x or y; NLTK adds two-letter vowel-consonant
  private static boolean endsCvc(String word) {
    int n = word.length();
    if (n >= 3) {
      return isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1)
          && !endsWithAny(word, "w", "x", "y");
    }
    return n == 2 && !isConsonant(word, 0) && isConsonant(word, 1);
  }

  private static boolean endsWithAny(String word, String... suffixes) {
    for (String s : suffixes) {
      if (word.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  private static String cut(String word, int suffixLength) {
    return word.substring(0, word.length() - suffixLength);
  }
}
