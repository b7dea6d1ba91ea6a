package org.blurnative.bench;

/** A backend that was asked for but cannot run here, and the one-sentence reason. */
public record Skipped(String backend, String reason) {}
