/**
 * Benchmarks of the ovsdb module against a real ovsdb-server that each benchmark starts in its
 * setup and stops in its teardown (needs openvswitch-common, see scripts/install-deps).
 */
package org.nsvpn.benchmarks.ovsdb;
