/** The nsvpn agent: the process a host runs, its plugins, and the userspace datapath. */
package org.nsvpn.agentplugin;
