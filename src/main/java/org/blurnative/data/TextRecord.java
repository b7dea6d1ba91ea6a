package org.blurnative.data;

/** One document: a JSONL {@code {"text": …}} line, a line of a .txt file, or a whole .txt file. */
public record TextRecord(String text) {}
