package org.blurnative.dist;

/**
 * Another rank died, hung or left: this one cannot go on. The message names the rank when the
 * heartbeats tell which; the run can be resumed from its newest checkpoint.
 */
public final class RankLostException extends RuntimeException {
  RankLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
