package org.nsvpn.strongswan.vici;

import java.util.List;

/**
 * The result of a streamed command: the events charon sent while the command was in flight (such as
 * one {@code list-sa} per IKE SA), in order, and the final response.
 */
public record ViciStreamedResponse(List<ViciSection> events, ViciSection response) {
  public ViciStreamedResponse {
    events = List.copyOf(events);
  }
}
