package org.nsvpn.chainrules.id;

/** The id of a device that owns ports: a router or a bridge. */
public sealed interface DeviceId extends EntityId permits RouterId, BridgeId {}
