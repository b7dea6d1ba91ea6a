package org.blurnative.train;

/** Training cannot go on (non-finite gradients step after step); the message says where and why. */
public final class TrainingAbortedException extends RuntimeException {
  public TrainingAbortedException(String message) {
    super(message);
  }
}
