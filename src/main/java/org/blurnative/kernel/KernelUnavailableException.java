package org.blurnative.kernel;

/** A backend cannot run on this machine; the message says why in one sentence. */
public final class KernelUnavailableException extends RuntimeException {
  public KernelUnavailableException(String message) {
    super(message);
  }

  public KernelUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
