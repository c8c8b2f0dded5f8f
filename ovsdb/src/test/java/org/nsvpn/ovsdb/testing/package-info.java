/**
 * Test support published in the module's test-jar: {@link org.nsvpn.ovsdb.testing.OvsdbServer} (a
 * real ovsdb-server in a temp dir, with ovsdb-client as an oracle) and {@link
 * org.nsvpn.ovsdb.testing.NettyLeakCheck} (fail on leaked Netty buffers).
 */
package org.nsvpn.ovsdb.testing;
