package org.blurnative.model;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Device;

/**
 * Native objects that must outlive the caller's PointerScope: parameters, caches, flat buffers.
 *
 * <p>A pointer created inside a scope is released when the scope closes, and
 * {@code PointerScope.detach} releases it at once (measured). Taking one more reference instead
 * leaves it alive after the scope; the owner's {@code close()} or the garbage collector frees it.
 */
final class Lifetime {
  private Lifetime() {}

  static <P extends Pointer> P keep(P p) {
    p.retainReference();
    return p;
  }

  /** A copy of {@code device} that this object owns (the caller's may belong to a scope). */
  static Device keep(Device device) {
    Device copy = new Device(device.str().getString());
    copy.retainReference();
    return copy;
  }
}
