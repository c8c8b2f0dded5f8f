/**
 * The IPsec VPN plugin: for every VPN service whose router's uplink is bound to this host, one Akka
 * actor realises the service (topology writes, namespace, charon, connections), keeps it in shape,
 * and reports its status to ZooKeeper and OVSDB.
 */
package org.nsvpn.agentplugin.ipsec;
