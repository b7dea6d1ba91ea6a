package org.blurnative.bench;

/**
 * One thing being timed at one n: it owns its tensors (θ, optimizer state) for its lifetime, so
 * only one contender's memory is held at a time.
 */
interface Contender extends AutoCloseable {

  /** Runs op once; the caller times it and frees temporaries. */
  void run(Op op);

  @Override
  void close();
}
