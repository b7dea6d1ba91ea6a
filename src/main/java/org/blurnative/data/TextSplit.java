package org.blurnative.data;

/** How a plain .txt file becomes documents. */
public enum TextSplit {
  /** Every non-blank line is a document; blank lines are skipped. */
  LINE_PER_DOCUMENT,
  /** The whole file, exactly as it is, is one document (MUSE's forget.txt). */
  WHOLE_FILE
}
