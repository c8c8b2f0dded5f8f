/**
 * The wire format of the store: chain-rules objects and status records as JSON trees, written by
 * hand on Jackson's tree model so that the stored format is explicit and stable. Decoding validates
 * through the model's constructors; undecodable node data raises {@link
 * org.nsvpn.topology.json.StoredDataException} naming the node.
 */
package org.nsvpn.topology.json;
