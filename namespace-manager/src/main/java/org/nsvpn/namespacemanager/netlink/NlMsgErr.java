package org.nsvpn.namespacemanager.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code struct nlmsgerr} (linux/netlink.h), the payload of {@code NLMSG_ERROR}: an acknowledgement
 * when {@code error} is 0, a failure ({@code -errno}) otherwise; followed, when the header carries
 * {@code NLM_F_ACK_TLVS}, by extended-ack attributes ({@code NLMSGERR_ATTR_*}).
 *
 * @param error {@code int error}: 0 or a negative errno
 * @param request {@code struct nlmsghdr msg}: the header of the request this answers
 * @param kernelMessage {@code NLMSGERR_ATTR_MSG}, the kernel's explanation
 * @param offset {@code NLMSGERR_ATTR_OFFS}, offset of the offending attribute in the request
 */
public record NlMsgErr(
    int error, NlMsgHdr request, Optional<String> kernelMessage, OptionalInt offset) {
  /** The fixed part: {@code int error} plus the request's header. */
  public static final int SIZE = 4 + NlMsgHdr.SIZE;

  public NlMsgErr {
    if (error > 0) {
      throw new IllegalArgumentException("nlmsgerr.error must be 0 or negative: " + error);
    }
  }

  public boolean isAck() {
    return error == 0;
  }

  /** Writes the error, the request header and (if present) the extended-ack attributes. */
  public void encode(MessageWriter out) {
    ByteBuffer fixed = out.reserve(SIZE);
    fixed.putInt(error);
    request.encode(fixed);
    kernelMessage.ifPresent(m -> out.string(Netlink.NLMSGERR_ATTR_MSG, m));
    offset.ifPresent(o -> out.u32(Netlink.NLMSGERR_ATTR_OFFS, o));
  }

  /**
   * Decodes the payload of an {@code NLMSG_ERROR} message whose own header had {@code ackFlags}.
   * With {@code NLM_F_CAPPED} the request's payload is not echoed; otherwise it is skipped.
   */
  public static NlMsgErr decode(ByteBuffer payload, int ackFlags) {
    if (payload.remaining() < SIZE) {
      throw new NetlinkProtocolException(
          "NLMSG_ERROR payload of " + payload.remaining() + " bytes, need " + SIZE);
    }
    int start = payload.position();
    int error = payload.getInt();
    NlMsgHdr request = NlMsgHdr.decode(payload);
    Optional<String> message = Optional.empty();
    OptionalInt offset = OptionalInt.empty();
    if ((ackFlags & Netlink.NLM_F_ACK_TLVS) != 0) {
      int tlvStart =
          (ackFlags & Netlink.NLM_F_CAPPED) != 0 || error == 0
              ? start + SIZE
              : start + 4 + Netlink.align(request.length());
      if (tlvStart <= payload.limit()) {
        ByteBuffer tlvs = payload.duplicate().order(payload.order());
        tlvs.position(tlvStart);
        Attributes attributes = Attributes.parse(tlvs);
        message = attributes.string(Netlink.NLMSGERR_ATTR_MSG);
        if (attributes.has(Netlink.NLMSGERR_ATTR_OFFS)) {
          offset = OptionalInt.of(attributes.u32(Netlink.NLMSGERR_ATTR_OFFS));
        }
      }
    }
    return new NlMsgErr(error, request, message, offset);
  }
}
