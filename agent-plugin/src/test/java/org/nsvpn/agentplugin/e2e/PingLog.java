package org.nsvpn.agentplugin.e2e;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ping running in the background at a fixed interval, recording which sequence numbers were
 * answered, so that an outage can be measured in lost pings (an outage of n pings lasted about n
 * intervals). Close it to stop the ping.
 */
final class PingLog implements AutoCloseable {
  private static final Pattern REPLY = Pattern.compile("icmp_seq=(\\d+) ");

  final Duration interval;
  private final Process process;
  private final Thread reader;
  private final BitSet answered = new BitSet();
  private final java.util.concurrent.ConcurrentSkipListMap<Long, Integer> repliesAt =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  private volatile int highest;

  private PingLog(Duration interval, Process process) {
    this.interval = interval;
    this.process = process;
    this.reader = new Thread(this::read, "ping-log");
    reader.setDaemon(true);
    reader.start();
  }

  /** Pings {@code to} from namespace {@code from} every {@code interval}. */
  static PingLog start(String from, String to, Duration interval) {
    try {
      Process p =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  from,
                  "ping",
                  "-n",
                  "-i",
                  String.format("%.3f", interval.toMillis() / 1000.0),
                  "-W",
                  "1",
                  to)
              .redirectErrorStream(true)
              .start();
      return new PingLog(interval, p);
    } catch (IOException e) {
      throw new AssertionError("cannot run ping", e);
    }
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        Matcher m = REPLY.matcher(line);
        if (m.find()) {
          int seq = Integer.parseInt(m.group(1));
          synchronized (answered) {
            answered.set(seq);
          }
          repliesAt.put(System.currentTimeMillis(), seq);
          highest = Math.max(highest, seq);
        }
      }
    } catch (IOException e) {
      // The ping was stopped.
    }
  }

  /** When (epoch milliseconds) the first reply read after {@code epochMillis} arrived. */
  java.util.OptionalLong firstReplyAfter(long epochMillis) {
    Long at = repliesAt.higherKey(epochMillis);
    return at == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(at);
  }

  /**
   * The longest time between two consecutive replies that both arrived within [{@code from}, {@code
   * to}] (epoch milliseconds): an outage in that window, to the resolution of the interval.
   */
  long longestGapMillis(long from, long to) {
    long longest = 0;
    Long previous = null;
    for (long at : repliesAt.subMap(from, true, to, true).keySet()) {
      if (previous != null) {
        longest = Math.max(longest, at - previous);
      }
      previous = at;
    }
    return longest;
  }

  /** The highest sequence number answered so far (0 before any). */
  int highest() {
    return highest;
  }

  /** Waits until a ping sent after the current highest answer is answered. */
  void awaitAnswerAfter(int seq, Duration atMost) {
    await("a ping answered after icmp_seq " + seq)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> highest > seq);
  }

  /** The longest run of unanswered pings between two answered ones. */
  int longestGap() {
    synchronized (answered) {
      int longest = 0;
      int first = answered.nextSetBit(0);
      if (first < 0) {
        return 0;
      }
      for (int i = first; i >= 0; ) {
        int next = answered.nextSetBit(i + 1);
        if (next < 0) {
          break;
        }
        longest = Math.max(longest, next - i - 1);
        i = next;
      }
      return longest;
    }
  }

  /** The longest gap as a duration (pings lost times the interval). */
  Duration outage() {
    return interval.multipliedBy(longestGap());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
