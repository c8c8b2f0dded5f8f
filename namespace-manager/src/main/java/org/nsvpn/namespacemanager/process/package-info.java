/** Watching processes of this host: exit notification through pidfds, for children and others. */
package org.nsvpn.namespacemanager.process;
