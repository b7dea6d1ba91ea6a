package org.blurnative.eval.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * rouge_score's default tokenizer (google-research rouge/tokenize.py): lower-case, replace every
 * run of characters outside [a-z0-9] with a space, split on whitespace, Porter-stem the tokens
 * longer than three characters when stemming is on, and drop empty tokens.
 *
 * <p>Non-ASCII letters become spaces ("café" → "caf"), as the regex runs on the lower-cased text.
 * Java's {@link String#toLowerCase(Locale)} with {@link Locale#ROOT} maps the same two non-ASCII
 * characters into [a-z] as Python's {@code str.lower()}: U+0130 İ → "i̇" and U+212A (Kelvin) → "k".
 */
public final class RougeTokenizer {
  private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final PorterStemmer stemmer;  // null: no stemming

  private RougeTokenizer(PorterStemmer stemmer) {
    this.stemmer = stemmer;
  }

  /** {@code use_stemmer=True}: what TOFU uses. */
  public static RougeTokenizer stemming() {
    return new RougeTokenizer(new PorterStemmer());
  }

  /** {@code use_stemmer=False}: what MUSE uses. */
  public static RougeTokenizer plain() {
    return new RougeTokenizer(null);
  }

  public List<String> tokenize(String text) {
    String cleaned = NON_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
    List<String> tokens = new ArrayList<>();
    for (String token : SPACES.split(cleaned)) {
      if (token.isEmpty()) {
        continue;  // a leading space gives one empty token; rouge_score filters it out
      }
      tokens.add(stemmer != null && token.length() > 3 ? stemmer.stem(token) : token);
    }
    return tokens;
  }
}
