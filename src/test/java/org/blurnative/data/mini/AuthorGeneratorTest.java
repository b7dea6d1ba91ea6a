package org.blurnative.data.mini;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorGeneratorTest {

  @Test
  void otherSeedsAlsoStayWithinTheBudgetWithUniqueTitlesAndAwards() {
    // records() throws past MAX_SEQUENCE_BYTES, so the length caps hold for every seed tried
    for (long seed = 1; seed <= 4; seed++) {
      AuthorGenerator generator = new AuthorGenerator(seed);
      List<FictitiousAuthor> authors = generator.authors(22);
      Set<String> titles = new HashSet<>();
      Set<String> awards = new HashSet<>();
      for (FictitiousAuthor author : authors) {
        assertDoesNotThrow(() -> generator.records(author));
        titles.add(author.fact(AuthorFact.BOOK));
        awards.add(author.fact(AuthorFact.AWARD));
      }
      assertEquals(authors.size(), titles.size());
      assertEquals(authors.size(), awards.size());
    }
  }
}
