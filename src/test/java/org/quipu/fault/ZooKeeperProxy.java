package org.quipu.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node's road to ZooKeeper: a TCP proxy per ZooKeeper server, so that the nemesis can part
 * that node from ZooKeeper while its HTTP and gRPC traffic flows on. {@link #cut} is a black hole,
 * as a failed switch is: open connections are dropped, new ones are accepted and hear nothing, so
 * the node's ZooKeeper client times out (Curator: SUSPENDED, then LOST) rather than being refused.
 * {@link #heal} closes the held connections, and new ones are forwarded again.
 */
final class ZooKeeperProxy implements AutoCloseable {

  private final String node;
  private final List<ServerSocket> listeners = new ArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;

  ZooKeeperProxy(String node, List<Integer> serverPorts) {
    this.node = node;
    try {
      for (int serverPort : serverPorts) {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listeners.add(listener);
        Thread acceptor = new Thread(() -> accept(listener, serverPort),
            "zk-proxy-" + node + "-" + serverPort);
        acceptor.setDaemon(true);
        acceptor.start();
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot listen for " + node + "'s ZooKeeper proxy", e);
    }
  }

  /** The connect string the node gets: one proxy port per ZooKeeper server. */
  String connectString() {
    List<String> addresses = new ArrayList<>();
    for (ServerSocket listener : listeners) {
      addresses.add("127.0.0.1:" + listener.getLocalPort());
    }
    return String.join(",", addresses);
  }

  /** Parts the node from every ZooKeeper server (black hole). */
  void cut() {
    cut = true;
    closeAll();
  }

  /** Connects the node again; the connections held in the black hole are closed. */
  void heal() {
    cut = false;
    closeAll();
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocket listener : listeners) {
      try {
        listener.close();
      } catch (IOException e) {
        System.err.println("[fault] closing " + node + "'s ZooKeeper proxy: " + e);
      }
    }
    closeAll();
  }

  private void closeAll() {
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  private void accept(ServerSocket listener, int serverPort) {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("[fault] " + node + "'s ZooKeeper proxy stopped accepting: " + e);
        }
        return;
      }
      open.add(client);
      if (cut) {
        continue; // held open, never answered, until heal() or close()
      }
      try {
        Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        open.add(server);
        pump(client, server, "up");
        pump(server, client, "down");
      } catch (IOException serverDown) {
        // The ZooKeeper server itself is down (a nemesis step): the node sees a refused server.
        open.remove(client);
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (cut) {
            break;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (SocketException closedByCutOrPeer) {
        // the other pump, cut() or the peer closed the connection: nothing more to carry
      } catch (IOException e) {
        System.err.println("[fault] " + node + "'s ZooKeeper proxy (" + direction + "): " + e);
      } finally {
        open.remove(from);
        open.remove(to);
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "zk-proxy-" + node + "-" + direction);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException alreadyBroken) {
      // closing a broken socket: it is closed either way
    }
  }
}
