package org.nsvpn.strongswan.vici;

import io.netty.handler.codec.DecoderException;

/**
 * Bytes that are not VICI: a malformed or truncated packet or message, a packet longer than the
 * protocol allows, or a packet the protocol state does not allow (a response with no command in
 * flight). The connection that produced it cannot be trusted to stay in step and is closed.
 */
public class ViciProtocolException extends DecoderException {
  private static final long serialVersionUID = 1L;

  public ViciProtocolException(String message) {
    super(message);
  }

  public ViciProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
