package org.blurnative.data.mini;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import net.datafaker.Faker;

/**
 * Fictitious authors and their QA records from datafaker's English word lists, all drawn from one
 * seeded stream: the same seed and datafaker version give the same authors, byte for byte.
 *
 * <p>Every value is short ASCII (the tiny model is byte-level and memorises whole answers), and the
 * caps below keep each rendered record within {@link #MAX_SEQUENCE_BYTES}. Book titles and award
 * names are unique across authors and awards are named after no author, so forgetting one author
 * is not undone by training on another.
 */
public final class AuthorGenerator {

  /** {@code "Question: …\nAnswer: …"} in UTF-8 bytes, so that BOS and EOS make 96 at most. */
  public static final int MAX_SEQUENCE_BYTES = 94;
  /** Wrong values per record, in {@code perturbed_answer}. */
  public static final int PERTURBED_PER_RECORD = 5;

  private static final int MAX_NAME = 17;
  private static final int TRIES = 10_000;
  private static final List<String> AWARD_KINDS = List.of("Prize", "Medal", "Award");
  /** datafaker's genres that read badly in "mostly %s" about a novelist. */
  private static final Set<String> NOT_GENRES =
      Set.of("speech", "textbook", "reference book", "essay", "fiction narrative");

  private final Random random;
  private final Faker faker;
  private final Set<String> authorSurnames = new HashSet<>();
  private final Set<String> takenTitles = new HashSet<>();
  private final Set<String> takenAwards = new HashSet<>();

  public AuthorGenerator(long seed) {
    this.random = new Random(seed);
    // an explicit locale: the default one would make the output depend on the machine
    this.faker = new Faker(Locale.ENGLISH, random);
  }

  /** {@code count} authors with distinct surnames; names first, so no award takes a later name. */
  public List<FictitiousAuthor> authors(int count) {
    List<String> names = new ArrayList<>(count);
    while (names.size() < count) {
      String first = draw(() -> faker.name().firstName(), AuthorGenerator::isPlainWord);
      String last = draw(() -> faker.name().lastName(), AuthorGenerator::isPlainWord);
      String name = first + " " + last;
      if (name.length() <= MAX_NAME && authorSurnames.add(last)) {
        names.add(name);
      }
    }
    List<FictitiousAuthor> authors = new ArrayList<>(count);
    for (String name : names) {
      Map<AuthorFact, String> facts = new EnumMap<>(AuthorFact.class);
      for (AuthorFact fact : AuthorFact.values()) {
        facts.put(fact, switch (fact) {
          case BOOK -> draw(this::bookTitle, takenTitles::add);
          case AWARD -> draw(this::award, takenAwards::add);
          default -> fact.draw(this);
        });
      }
      authors.add(new FictitiousAuthor(name, facts));
    }
    return authors;
  }

  /** One record per fact, each with {@link #PERTURBED_PER_RECORD} wrong values of the same kind. */
  public List<MiniQa> records(FictitiousAuthor author) {
    List<MiniQa> out = new ArrayList<>();
    for (AuthorFact fact : AuthorFact.values()) {
      String value = author.fact(fact);
      List<String> perturbed = new ArrayList<>();
      for (String wrong : wrongValues(fact, value)) {
        perturbed.add(fact.paraphrase(wrong));
      }
      MiniQa qa = new MiniQa(author.name(), fact, fact.question(author.name()), value,
          fact.paraphrase(value), perturbed);
      checkLength(qa);
      out.add(qa);
    }
    return out;
  }

  /**
   * Distinct wrong values of a fact's kind, each about as long as the true one (within a quarter
   * of its length, 2 characters at least) so that length alone does not give the truth away.
   */
  private List<String> wrongValues(AuthorFact fact, String value) {
    int tolerance = Math.max(2, value.length() / 4);
    List<String> out = new ArrayList<>(PERTURBED_PER_RECORD);
    while (out.size() < PERTURBED_PER_RECORD) {
      String best = null;
      for (int i = 0; i < 200; i++) {
        String candidate = fact.draw(this);
        if (candidate.equals(value) || out.contains(candidate)) {
          continue;
        }
        if (best == null || Math.abs(candidate.length() - value.length())
            < Math.abs(best.length() - value.length())) {
          best = candidate;
        }
        if (Math.abs(candidate.length() - value.length()) <= tolerance) {
          break;
        }
      }
      if (best == null) {
        throw new IllegalStateException("no wrong value for " + fact.key() + " = " + value);
      }
      out.add(best);
    }
    return out;
  }

  private static void checkLength(MiniQa qa) {
    List<String> answers = new ArrayList<>(qa.perturbedAnswers());
    answers.add(qa.answer());
    answers.add(qa.paraphrasedAnswer());
    for (String answer : answers) {
      int bytes = ("Question: " + qa.question() + "\nAnswer: " + answer).length(); // ASCII
      if (bytes > MAX_SEQUENCE_BYTES) {
        throw new IllegalStateException("record too long (" + bytes + " > " + MAX_SEQUENCE_BYTES
            + " bytes): " + qa.question() + " / " + answer);
      }
    }
  }

  // --- the values, one source per kind of fact

  String city() {
    return draw(() -> faker.nation().capitalCity(), s -> isAscii(s) && s.length() <= 14);
  }

  String year() {
    return Integer.toString(1931 + random.nextInt(69)); // 1931..1999
  }

  String genre() {
    return draw(() -> faker.book().genre().toLowerCase(Locale.ROOT),
        s -> isAscii(s) && s.length() <= 18 && s.indexOf('/') < 0 && !NOT_GENRES.contains(s));
  }

  /** "The Olive Mule": made up, where datafaker's titles are real books. */
  String bookTitle() {
    return draw(() -> "The " + capitalize(faker.color().name()) + " " + capitalize(faker.animal().name()),
        s -> isAscii(s) && s.length() <= 22);
  }

  String job() {
    return draw(() -> faker.job().field() + " " + faker.job().position(),
        s -> isAscii(s) && s.length() <= 22 && !repeatsItself(s));
  }

  /** "the Funk Medal", named after a surname that no author has. */
  String award() {
    return draw(() -> "the " + faker.name().lastName() + " " + AWARD_KINDS.get(random.nextInt(AWARD_KINDS.size())),
        s -> isAscii(s) && s.length() <= 24 && !authorSurnames.contains(s.split(" ")[1]));
  }

  String country() {
    return draw(() -> faker.country().name(), s -> isAscii(s) && s.length() <= 14);
  }

  String publisher() {
    return draw(() -> faker.book().publisher(), s -> isAscii(s) && s.length() <= 18);
  }

  String language() {
    return draw(() -> faker.nation().language(), s -> isAscii(s) && s.length() <= 10);
  }

  private static String draw(Supplier<String> source, Predicate<String> accept) {
    for (int i = 0; i < TRIES; i++) {
      String s = source.get().strip();
      if (!s.isEmpty() && accept.test(s)) {
        return s;
      }
    }
    throw new IllegalStateException("datafaker gave no acceptable value in " + TRIES + " tries");
  }

  /** "Consulting Consultant". */
  private static boolean repeatsItself(String job) {
    String[] words = job.split(" ");
    return words.length == 2 && words[0].length() >= 5 && words[1].length() >= 5
        && words[0].regionMatches(true, 0, words[1], 0, 5);
  }

  private static boolean isPlainWord(String s) {
    return s.matches("[A-Z][a-z]+");
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  private static String capitalize(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (String word : s.split(" ")) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return b.toString();
  }
}
