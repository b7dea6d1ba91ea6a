package org.blurnative.data.mini;

import java.util.EnumMap;
import java.util.Map;

/** A made-up author: a name and one value for every {@link AuthorFact}. */
public record FictitiousAuthor(String name, Map<AuthorFact, String> facts) {

  public FictitiousAuthor {
    if (facts.size() != AuthorFact.values().length) {
      throw new IllegalArgumentException(name + " has " + facts.size() + " facts, not "
          + AuthorFact.values().length);
    }
    facts = Map.copyOf(new EnumMap<>(facts));
  }

  public String fact(AuthorFact fact) {
    return facts.get(fact);
  }
}
