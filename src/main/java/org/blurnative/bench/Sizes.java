package org.blurnative.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Vector lengths as users type them: {@code 1M,4M,16M,50M}. Suffixes are binary (K = 2^10,
 * M = 2^20, G = 2^30) so that sizes line up with the kernels' power-of-two blocks.
 */
public final class Sizes {

  private Sizes() {}

  /**
   * Parses a comma-separated list of sizes.
   *
   * @param flag the option the text came from, named in the error message
   * @throws IllegalArgumentException in one line naming the flag and the bad item
   */
  public static List<Long> parse(String flag, String text) {
    List<Long> sizes = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      sizes.add(parseOne(flag, item.trim()));
    }
    return List.copyOf(sizes);
  }

  private static long parseOne(String flag, String item) {
    String upper = item.toUpperCase(Locale.ROOT);
    int shift = switch (upper.isEmpty() ? ' ' : upper.charAt(upper.length() - 1)) {
      case 'K' -> 10;
      case 'M' -> 20;
      case 'G' -> 30;
      default -> 0;
    };
    String digits = shift == 0 ? upper : upper.substring(0, upper.length() - 1);
    long value;
    try {
      value = digits.chars().allMatch(Character::isDigit) ? Long.parseLong(digits) : -1;
    } catch (NumberFormatException e) {  // more digits than a long holds
      value = -1;
    }
    if (value <= 0 || value > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException(flag + ": '" + item + "' is not a size; expected positive"
          + " integers with an optional K, M or G suffix, comma-separated (e.g. 1M,4M,16M)");
    }
    return value << shift;
  }

  /** The shortest exact spelling: 52428800 → "50M", 1000 → "1000". */
  public static String format(long n) {
    String[] suffixes = {"G", "M", "K"};
    int[] shifts = {30, 20, 10};
    for (int i = 0; i < shifts.length; i++) {
      long unit = 1L << shifts[i];
      if (n >= unit && n % unit == 0) {
        return (n / unit) + suffixes[i];
      }
    }
    return Long.toString(n);
  }
}
