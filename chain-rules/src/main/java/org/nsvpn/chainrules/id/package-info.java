/**
 * Typed identifiers of topology objects. Each wraps a UUID so that a router id can never be passed
 * where a port id is expected. Ids, not operator-chosen names, are what the agent derives kernel
 * names and file paths from.
 */
package org.nsvpn.chainrules.id;
