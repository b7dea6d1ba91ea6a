package org.blurnative.dist;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Rank 0's rendezvous store listening on MASTER_ADDR's address only, not on every interface.
 *
 * <p>c10d's TCPStoreOptions has no bind address; it takes an already-listening socket instead
 * (masterListenFd, as torchrun's elastic agent hands it one). Java binds the socket to the address;
 * its descriptor number is read through the JDK's channel internals, which the jar's manifest
 * opens (Add-Opens: java.base/sun.nio.ch) and test JVMs are started with. Where they are not open
 * the store listens on every interface, and the caller says so.
 */
final class StoreListener {
  /** c10d owns these descriptors once it has them: they are never closed, nor collected, here. */
  private static final List<ServerSocketChannel> HANDED_OVER = new ArrayList<>();
  private static final int BACKLOG = 4096;  // as c10d's own listener

  private StoreListener() {}

  /**
   * The descriptor of a socket listening on {@code address}:{@code port}; empty when this JVM may
   * not read descriptors.
   *
   * @throws BindException when the port is taken (or the address is not this machine's)
   */
  static synchronized OptionalInt bind(InetAddress address, int port) throws IOException {
    Method fdVal;
    try {
      fdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
    } catch (ReflectiveOperationException e) {
      return OptionalInt.empty();
    }
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.bind(new InetSocketAddress(address, port), BACKLOG);
      int fd = (int) fdVal.invoke(channel);
      HANDED_OVER.add(channel);
      return OptionalInt.of(fd);
    } catch (ReflectiveOperationException | RuntimeException e) {  // not opened to us: IllegalAccess, InaccessibleObject
      channel.close();
      return OptionalInt.empty();
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }
}
