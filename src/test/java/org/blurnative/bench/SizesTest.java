package org.blurnative.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

  @Test
  void suffixesAreBinaryAndCaseInsensitive() {
    assertEquals(List.of(1024L, 4L << 20, 2L << 30, 1000L, 50L << 20),
        Sizes.parse("--sizes", "1K,4M,2G,1000, 50m"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1X", "-1", "0", "1.5M", "4M,", "M", "99999999999999999999", "9000000000G"})
  void badInputFailsInOneLineNamingTheFlag(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse("--sizes", text));
    assertTrue(e.getMessage().startsWith("--sizes: '"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void formatIsTheShortestExactSpelling() {
    assertEquals("50M", Sizes.format(50L << 20));
    assertEquals("64K", Sizes.format(65_536));
    assertEquals("1G", Sizes.format(1L << 30));
    assertEquals("1000", Sizes.format(1000));
    assertEquals("1025", Sizes.format(1025));
  }
}
