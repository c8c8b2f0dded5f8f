/**
 * RFC 7047 on the wire: JSON-RPC 1.0 messages, the Netty codec (framing of concatenated JSON values
 * with {@code JsonObjectDecoder}, Jackson for parsing and writing) and the mapping between the
 * API's typed values and JSON. Used by the client implementation; public so tests and tools can
 * speak the protocol, not as an API for applications.
 */
package org.nsvpn.ovsdb.wire;
