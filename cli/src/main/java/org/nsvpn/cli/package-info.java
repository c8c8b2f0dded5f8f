/**
 * nsvpn-cli: a midonet-cli style command line over the topology store. {@link
 * org.nsvpn.cli.NsvpnCli} is the entry point (options, one-shot and script modes, exit codes);
 * {@link org.nsvpn.cli.Interpreter} parses and runs one line as one validated store transaction;
 * the shell adds JLine history and completion. {@link org.nsvpn.cli.ZooKeeperServerCommand} runs
 * the embedded single-machine ZooKeeper server.
 */
package org.nsvpn.cli;
