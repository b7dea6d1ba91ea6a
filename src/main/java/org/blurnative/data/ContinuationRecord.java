package org.blurnative.data;

/** A prompt and the text that truly follows it (MUSE VerbMem's {@code {"prompt", "gt"}}). */
public record ContinuationRecord(String prompt, String continuation) {}
