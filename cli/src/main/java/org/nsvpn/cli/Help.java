package org.nsvpn.cli;

import java.util.List;

/** The {@code help} text: the grammar in a screenful. */
final class Help {
  private Help() {}

  static List<String> lines() {
    return List.of(
        "TYPE list | TYPE add FIELD VALUE ... | TYPE REF show [FIELD] | TYPE REF set FIELD VALUE ...",
        "TYPE REF clear FIELD ... | TYPE REF delete",
        "types: " + String.join(", ", Interpreter.TYPES),
        "nested: router R port ..., router R route ..., router R add port|route ...,",
        "        bridge B port ..., chain C rule ..., chain C add rule ...,",
        "        host H binding list, host H add binding interface IF port P,",
        "        host H delete binding interface IF,",
        "        gateway-group G add member HOST, gateway-group G delete member HOST,",
        "        vpn-service V ipsec-site-connection ..., vpn-service V add ipsec-site-connection ...,",
        "        vpn-service V show status",
        "references: alias (router0, router0:port1, vpn0:conn0, gwgroup0), unique name, or UUID",
        "router: name state infilter outfilter local-redirect-chain",
        "port: mac address net addresses state peer (clear: peer binding)",
        "route: type src dst gw port weight",
        "rule: type (accept|drop|reject|return|continue|jump|l2-transform) pos in-ports out-ports",
        "      ethertype src-mac dst-mac src dst proto src-port dst-port fragment-policy invert",
        "      jump-to | action redirect target-port ingress fail-open; '!' inverts a match",
        "host: name id (set: name maintenance; maintenance true drains the host)",
        "gateway-group: name (members: hosts that may run its vpn-services)",
        "vpn-service: name router external-ip state gateway-group (clear: gateway-group)",
        "ipsec-site-connection: " + String.join(" ", ConnectionParser.FIELDS),
        "psk: prompt | stdin | file:PATH (never the key itself)");
  }
}
