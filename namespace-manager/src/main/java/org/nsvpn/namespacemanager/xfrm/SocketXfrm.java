package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nsvpn.namespacemanager.ffi.Errno;
import org.nsvpn.namespacemanager.netlink.Attributes;
import org.nsvpn.namespacemanager.netlink.MessageWriter;
import org.nsvpn.namespacemanager.netlink.Netlink;
import org.nsvpn.namespacemanager.netlink.NetlinkException;
import org.nsvpn.namespacemanager.netlink.NetlinkMessage;
import org.nsvpn.namespacemanager.netlink.NetlinkProtocolException;
import org.nsvpn.namespacemanager.netlink.NetlinkSocket;

/** {@link Xfrm} over one {@link NetlinkSocket}; message codec included (it is small). */
final class SocketXfrm implements Xfrm {
  private final NetlinkSocket socket;

  SocketXfrm(NetlinkSocket socket) {
    this.socket = socket;
  }

  @Override
  public List<XfrmState> states() {
    List<XfrmState> out = new ArrayList<>();
    for (NetlinkMessage m :
        socket.dump(
            MessageWriter.request(XfrmConstants.XFRM_MSG_GETSA, 0, "XFRM_MSG_GETSA dump")
                .build())) {
      if (m.type() == XfrmConstants.XFRM_MSG_NEWSA) {
        out.add(decodeState(m));
      }
    }
    return out;
  }

  @Override
  public List<XfrmPolicy> policies() {
    List<XfrmPolicy> out = new ArrayList<>();
    for (NetlinkMessage m :
        socket.dump(
            MessageWriter.request(XfrmConstants.XFRM_MSG_GETPOLICY, 0, "XFRM_MSG_GETPOLICY dump")
                .build())) {
      if (m.type() == XfrmConstants.XFRM_MSG_NEWPOLICY) {
        out.add(decodePolicy(m));
      }
    }
    return out;
  }

  @Override
  public void addState(XfrmState state) {
    XfrmId id = state.id();
    MessageWriter w =
        MessageWriter.request(
            XfrmConstants.XFRM_MSG_NEWSA,
            Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL,
            "XFRM_MSG_NEWSA "
                + TransformUnsupportedException.protocolName(id.protocol())
                + " spi 0x"
                + Integer.toHexString(id.spi())
                + " "
                + state.info().source()
                + " -> "
                + id.destination());
    state.info().encode(w.reserve(XfrmUserSaInfo.SIZE));
    for (XfrmAlgorithm algorithm : state.algorithms()) {
      w.bytes(algorithm.attribute(), algorithm.encode());
    }
    try {
      socket.execute(w.build());
    } catch (NetlinkException e) {
      if (e.errno() == Errno.EPROTONOSUPPORT
          || e.kernelMessage().filter(m -> m.contains("Requested type not found")).isPresent()) {
        throw new TransformUnsupportedException(e, id.protocol());
      }
      throw e;
    }
  }

  @Override
  public void deleteState(XfrmId id) {
    MessageWriter w =
        MessageWriter.request(
            XfrmConstants.XFRM_MSG_DELSA,
            0,
            "XFRM_MSG_DELSA spi 0x" + Integer.toHexString(id.spi()) + " dst " + id.destination());
    new XfrmUserSaId(id).encode(w.reserve(XfrmUserSaId.SIZE));
    socket.execute(w.build());
  }

  @Override
  public void addPolicy(XfrmPolicy policy) {
    MessageWriter w =
        MessageWriter.request(
            XfrmConstants.XFRM_MSG_NEWPOLICY,
            Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL,
            "XFRM_MSG_NEWPOLICY " + describe(policy.selector(), policy.direction()));
    policy.info().encode(w.reserve(XfrmUserPolicyInfo.SIZE));
    if (!policy.templates().isEmpty()) {
      ByteBuffer templates =
          ByteBuffer.allocate(XfrmUserTemplate.SIZE * policy.templates().size())
              .order(java.nio.ByteOrder.nativeOrder());
      policy.templates().forEach(t -> t.encode(templates));
      w.bytes(XfrmConstants.XFRMA_TMPL, templates.array());
    }
    socket.execute(w.build());
  }

  @Override
  public void deletePolicy(XfrmSelector selector, PolicyDirection direction) {
    MessageWriter w =
        MessageWriter.request(
            XfrmConstants.XFRM_MSG_DELPOLICY,
            0,
            "XFRM_MSG_DELPOLICY " + describe(selector, direction));
    new XfrmUserPolicyId(selector, 0, direction).encode(w.reserve(XfrmUserPolicyId.SIZE));
    socket.execute(w.build());
  }

  @Override
  public void close() {
    socket.close();
  }

  static XfrmState decodeState(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    require(payload, XfrmUserSaInfo.SIZE, "xfrm_usersa_info");
    XfrmUserSaInfo info = XfrmUserSaInfo.decode(payload);
    Attributes attributes = Attributes.parse(payload);
    List<XfrmAlgorithm> algorithms = new ArrayList<>();
    for (int type :
        new int[] {
          XfrmConstants.XFRMA_ALG_AEAD,
          XfrmConstants.XFRMA_ALG_CRYPT,
          XfrmConstants.XFRMA_ALG_AUTH_TRUNC
        }) {
      attributes.get(type).ifPresent(b -> algorithms.add(XfrmAlgorithm.decode(type, b)));
    }
    return new XfrmState(info, algorithms);
  }

  static XfrmPolicy decodePolicy(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    require(payload, XfrmUserPolicyInfo.SIZE, "xfrm_userpolicy_info");
    XfrmUserPolicyInfo info = XfrmUserPolicyInfo.decode(payload);
    Attributes attributes = Attributes.parse(payload);
    List<XfrmUserTemplate> templates = new ArrayList<>();
    attributes
        .get(XfrmConstants.XFRMA_TMPL)
        .ifPresent(
            b -> {
              while (b.remaining() >= XfrmUserTemplate.SIZE) {
                templates.add(XfrmUserTemplate.decode(b));
              }
            });
    return new XfrmPolicy(info, templates);
  }

  private static void require(ByteBuffer payload, int size, String struct) {
    if (payload.remaining() < size) {
      throw new NetlinkProtocolException(
          struct + " needs " + size + " bytes, message has " + payload.remaining());
    }
  }

  private static String describe(XfrmSelector selector, PolicyDirection direction) {
    return "src "
        + selector.source()
        + " dst "
        + selector.destination()
        + (selector.protocol() == 0 ? "" : " proto " + selector.protocol())
        + " dir "
        + direction.name().toLowerCase(java.util.Locale.ROOT);
  }
}
