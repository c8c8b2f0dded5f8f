package org.nsvpn.namespacemanager.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a namespace directory for removed entries with the JDK's WatchService (inotify on Linux)
 * and reports each removed name on a thread of its own.
 */
final class RemovalWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemovalWatch.class);

  private final WatchService service;
  private final Thread thread;

  private RemovalWatch(Path directory, Consumer<String> removed) throws IOException {
    this.service = directory.getFileSystem().newWatchService();
    directory.register(service, StandardWatchEventKinds.ENTRY_DELETE);
    this.thread = new Thread(() -> run(removed), "netns-removals");
    this.thread.setDaemon(true);
  }

  static RemovalWatch start(Path directory, Consumer<String> removed) {
    try {
      RemovalWatch watch = new RemovalWatch(directory, removed);
      watch.thread.start();
      return watch;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch " + directory, e);
    }
  }

  private void run(Consumer<String> removed) {
    try {
      while (true) {
        WatchKey key = service.take();
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            log.warn("namespace removal watch overflowed; some removals may be missed");
          } else if (event.context() instanceof Path name) {
            try {
              removed.accept(name.toString());
            } catch (RuntimeException e) {
              log.error("namespace removal listener failed for {}", name, e);
            }
          }
        }
        if (!key.reset()) {
          log.warn("namespace directory is no longer watchable; removals are not reported");
          return;
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // Closed.
    }
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      log.debug("closing the namespace watch: {}", e.toString());
    }
  }
}
