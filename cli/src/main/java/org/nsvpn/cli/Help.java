package org.nsvpn.cli;

import java.util.List;

/** The {@code help} text: the grammar in a screenful. */
final class Help {
  private Help() {}

  static List<String> lines() {
    return List.of(
        "TYPE list | TYPE add FIELD VALUE ... | TYPE REF show [FIELD] | TYPE REF set FIELD VALUE ...",
        "TYPE REF clear FIELD ... | TYPE REF delete [cascade]",
        "  delete refuses to take a vpn-service along (its router, the port of its external-ip)",
        "  unless 'cascade' says so; the service goes with its connections and their PSKs",
        "midonet-cli orders: list TYPE, show TYPE REF [FIELD], delete TYPE REF,",
        "  router R list port, router R show|delete port P",
        "types: " + String.join(", ", Interpreter.TYPES),
        "nested: router R port ..., router R route ..., router R add port|route ...,",
        "        bridge B port ..., chain C rule ..., chain C add rule ...,",
        "        host H binding list, host H add binding interface IF port P,",
        "        host H delete binding interface IF,",
        "        gateway-group G add member HOST, gateway-group G delete member HOST,",
        "        vpn-service V ipsec-site-connection ..., vpn-service V add ipsec-site-connection ...,",
        "        vpn-service V show status, ipsec-site-connection list status (every tunnel),",
        "references: alias (router0, router0:port1, vpn0:conn0, gwgroup0), unique name, or UUID",
        "router: name state infilter outfilter local-redirect-chain",
        "port: mac address net addresses state peer (clear: peer binding)",
        "route: type src dst gw port weight (gw on a subnet of port; a bare address is a /32)",
        "rule: type (accept|drop|reject|return|continue|jump|l2-transform) pos in-ports out-ports",
        "      ethertype src-mac dst-mac src dst proto src-port dst-port fragment-policy invert",
        "      jump-to | action redirect target-port ingress fail-open; '!' inverts a match;",
        "      ports N, N:M or N-M",
        "host: name id (set: name maintenance; maintenance true drains the host)",
        "gateway-group: name (members: hosts that may run its vpn-services)",
        "vpn-service: name router external-ip state gateway-group ca-certificates crl-uris",
        "      (clear: gateway-group ca-certificates crl-uris); one per router, external-ip an",
        "      address of a port of the router; ca-certificates file:PATH (PEM, one or more CA",
        "      certificates its auth cert connections trust), crl-uris URI,URI (http, ldap, file)",
        "names: unique per type (routers and bridges together; connections per vpn-service)",
        "ipsec-site-connection: " + String.join(" ", ConnectionParser.FIELDS),
        "psk: prompt | stdin | file:PATH (never the key itself)",
        "auth: psk (default) | cert; with cert: certificate file:PATH (PEM or DER) and",
        "      private-key file:PATH (mode 0600) | stdin (never the key itself; must match the",
        "      certificate); peer-id: the peer certificate's subject (C=.., O=.., CN=..) or a SAN");
  }
}
