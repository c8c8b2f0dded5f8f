package org.nsvpn.namespacemanager.xfrm;

import java.util.List;
import org.nsvpn.chainrules.Require;

/**
 * A security policy: its {@code xfrm_userpolicy_info} and the templates ({@code XFRMA_TMPL}) of the
 * transforms matching traffic needs.
 */
public record XfrmPolicy(XfrmUserPolicyInfo info, List<XfrmUserTemplate> templates) {
  public XfrmPolicy {
    Require.nonNull("policy info", info);
    templates = List.copyOf(Require.noNulls("policy templates", templates));
  }

  /** Drops matching traffic: the fail-closed policy. */
  public static XfrmPolicy block(XfrmSelector selector, PolicyDirection direction, int priority) {
    return of(selector, direction, PolicyAction.BLOCK, priority, List.of());
  }

  /** Lets matching traffic pass untransformed (an exception to broader block policies). */
  public static XfrmPolicy allow(XfrmSelector selector, PolicyDirection direction, int priority) {
    return of(selector, direction, PolicyAction.ALLOW, priority, List.of());
  }

  /** Requires the transforms of {@code templates} for matching traffic. */
  public static XfrmPolicy ipsec(
      XfrmSelector selector,
      PolicyDirection direction,
      int priority,
      List<XfrmUserTemplate> templates) {
    return of(selector, direction, PolicyAction.ALLOW, priority, templates);
  }

  private static XfrmPolicy of(
      XfrmSelector selector,
      PolicyDirection direction,
      PolicyAction action,
      int priority,
      List<XfrmUserTemplate> templates) {
    return new XfrmPolicy(
        new XfrmUserPolicyInfo(
            selector,
            XfrmLifetimeConfig.UNLIMITED,
            XfrmLifetimeCurrent.ZERO,
            priority,
            0,
            direction,
            action,
            0,
            0),
        templates);
  }

  public XfrmSelector selector() {
    return info.selector();
  }

  public PolicyDirection direction() {
    return info.direction();
  }

  public PolicyAction action() {
    return info.action();
  }

  /** Bytes, packets, add and use time. */
  public XfrmLifetimeCurrent current() {
    return info.current();
  }
}
