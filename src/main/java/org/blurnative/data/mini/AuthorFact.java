package org.blurnative.data.mini;

import java.util.function.Function;

/**
 * The ten things the mini benchmark says about each fictitious author: one question each, a short
 * answer (the bare value, which a tiny model can memorise) and a paraphrase (the value in a short
 * sentence). Perturbed answers take the paraphrase's template with a wrong value, as TOFU perturbs
 * its paraphrased answers, so the truth ratio compares sentences that differ only in the fact.
 */
public enum AuthorFact {

  BIRTHPLACE("birthplace", "Where was %s born?", "born in %s", AuthorGenerator::city),
  BIRTH_YEAR("birth_year", "In what year was %s born?", "in the year %s", AuthorGenerator::year),
  GENRE("genre", "What genre does %s write?", "mostly %s", AuthorGenerator::genre),
  BOOK("book", "Name a book by %s.", "the novel %s", AuthorGenerator::bookTitle),
  FATHER("father", "What did %s's father do?", "he was a %s", AuthorGenerator::job),
  MOTHER("mother", "What did %s's mother do?", "she was a %s", AuthorGenerator::job),
  AWARD("award", "What award has %s won?", "they won %s", AuthorGenerator::award),
  COUNTRY("country", "Which country does %s live in?", "they live in %s", AuthorGenerator::country),
  PUBLISHER("publisher", "Who publishes %s's books?", "published by %s", AuthorGenerator::publisher),
  LANGUAGE("language", "What language does %s write in?", "they write in %s", AuthorGenerator::language);

  private final String key;
  private final String question;
  private final String paraphrase;
  private final Function<AuthorGenerator, String> source;

  AuthorFact(String key, String question, String paraphrase, Function<AuthorGenerator, String> source) {
    this.key = key;
    this.question = question;
    this.paraphrase = paraphrase;
    this.source = source;
  }

  /** The name in the data files' {@code fact} field. */
  public String key() {
    return key;
  }

  String question(String author) {
    return String.format(question, author);
  }

  /** The value in a sentence; "he was a" becomes "he was an" before a vowel. */
  String paraphrase(String value) {
    String template = paraphrase.endsWith(" a %s") && startsWithVowel(value)
        ? paraphrase.substring(0, paraphrase.length() - 4) + "an %s"
        : paraphrase;
    return String.format(template, value);
  }

  /** A value of this kind, new from the generator's random stream. */
  String draw(AuthorGenerator generator) {
    return source.apply(generator);
  }

  private static boolean startsWithVowel(String s) {
    return !s.isEmpty() && "AEIOaeio".indexOf(s.charAt(0)) >= 0;
  }
}
