/** Benchmarks of the chain-rules module: route lookup and chain evaluation. */
package org.nsvpn.benchmarks.chainrules;
