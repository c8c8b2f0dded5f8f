package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How often the charons are listed for counters, with many of them. */
class StrongSwanConfigTest {

  @Test
  void periodicListingsKeepTheConfiguredIntervalUntilTheyWouldExceedTheRate() {
    StrongSwanConfig config =
        StrongSwanConfig.defaults().withRefreshInterval(Duration.ofSeconds(2));

    assertThat(config.listingInterval(0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.listingInterval(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.listingInterval(200)).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.listingInterval(400)).isEqualTo(Duration.ofSeconds(4));
    assertThat(config.listingInterval(1000)).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.withRefreshInterval(Duration.ofSeconds(30)).listingInterval(1000))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void atMostTheMaximumRateOfListingsWhateverTheNumberOfCharons() {
    StrongSwanConfig config =
        StrongSwanConfig.defaults().withRefreshInterval(Duration.ofMillis(100));
    for (int charons : new int[] {1, 7, 10, 99, 333, 1000, 4000}) {
      double perSecond = charons / (config.listingInterval(charons).toNanos() / 1e9);
      assertThat(perSecond).isLessThanOrEqualTo(StrongSwanConfig.MAX_LISTINGS_PER_SECOND);
    }
  }
}
