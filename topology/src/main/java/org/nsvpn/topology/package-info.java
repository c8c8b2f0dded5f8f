/**
 * The topology store: every chain-rules object as versioned JSON in ZooKeeper, under one root with
 * a schema-version node, written through validated atomic transactions ({@link
 * org.nsvpn.topology.TopologyStore}), watched as typed change streams, with status and liveness
 * records ({@link org.nsvpn.topology.StatusStore}) and PSKs under a restricted ACL ({@link
 * org.nsvpn.topology.SecretsCredential}). The public surface is the interfaces and values of this
 * package; the Curator implementations are package-private.
 */
package org.nsvpn.topology;
