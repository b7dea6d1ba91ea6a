package org.blurnative.data.mini;

import java.util.ArrayList;
import java.util.List;

/**
 * The generated splits, shaped like TOFU's: of {@link #TRAINED_AUTHORS} authors the last tenth
 * are forgotten (forget10) and the others retained (retain90); retain_perturbed is the first
 * {@link #RETAIN_PERTURBED_AUTHORS} retained authors, as many records as forget10, for evaluation;
 * holdout is {@link #HOLDOUT_AUTHORS} further authors that no model is trained on.
 */
public record MiniSplits(
    List<MiniQa> forget10, List<MiniQa> retain90, List<MiniQa> retainPerturbed, List<MiniQa> holdout) {

  public static final int TRAINED_AUTHORS = 20;
  public static final int FORGET_AUTHORS = 2;
  public static final int RETAIN_PERTURBED_AUTHORS = 2;
  public static final int HOLDOUT_AUTHORS = 2;
  public static final int RECORDS_PER_AUTHOR = AuthorFact.values().length;

  public MiniSplits {
    forget10 = List.copyOf(forget10);
    retain90 = List.copyOf(retain90);
    retainPerturbed = List.copyOf(retainPerturbed);
    holdout = List.copyOf(holdout);
  }

  public static MiniSplits generate(long seed) {
    AuthorGenerator generator = new AuthorGenerator(seed);
    List<FictitiousAuthor> authors = generator.authors(TRAINED_AUTHORS + HOLDOUT_AUTHORS);
    List<List<MiniQa>> perAuthor = new ArrayList<>();
    for (FictitiousAuthor author : authors) {
      perAuthor.add(generator.records(author));
    }
    int retained = TRAINED_AUTHORS - FORGET_AUTHORS;
    return new MiniSplits(
        flatten(perAuthor.subList(retained, TRAINED_AUTHORS)),
        flatten(perAuthor.subList(0, retained)),
        flatten(perAuthor.subList(0, RETAIN_PERTURBED_AUTHORS)),
        flatten(perAuthor.subList(TRAINED_AUTHORS, TRAINED_AUTHORS + HOLDOUT_AUTHORS)));
  }

  private static List<MiniQa> flatten(List<List<MiniQa>> lists) {
    List<MiniQa> out = new ArrayList<>();
    lists.forEach(out::addAll);
    return out;
  }
}
