package org.nsvpn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nsvpn.chainrules.SafeText;

/**
 * The bad-input table: nsvpn-cli, run in-process as an operator runs it, refuses every entry with
 * the expected exit code and one error line that names the field (and the conflicting object),
 * prints nothing else, echoes no secret and no unsafe character, and leaves ZooKeeper exactly as it
 * was: the whole tree, PSK nodes included, read back node by node with the transaction id of every
 * node's last change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private static final String SCRIPT = "{script}";
  private CliFixture cli;
  @TempDir Path scripts;

  /**
   * One entry: {@code args} for nsvpn-cli ({@value #SCRIPT} stands for a file holding {@code
   * script}), the exit code, and the error line: exactly, or a part of it.
   */
  record Case(List<String> args, byte[] script, int exit, String error, boolean exact) {
    @Override
    public String toString() {
      String shown = String.join(" ", args);
      return SafeText.escape(shown.length() > 120 ? shown.substring(0, 120) + "..." : shown);
    }
  }

  @BeforeAll
  void start() throws Exception {
    cli = new CliFixture();
    List<String> setup =
        List.of(
            "router add name edge",
            "router router0 add port address 201.201.201.1 net 201.201.201.0/24 mac ac:ca:ba:4a:61:c5",
            "router router0 add port address 169.254.1.1 net 169.254.1.0/30 mac ac:ca:ba:43:05:45",
            "chain add name redirect",
            "host add name host-a",
            "host host0 add binding interface veth-up0 port router0:port0",
            "vpn-service add name vpn0 router router0 external-ip 201.201.201.1",
            "vpn-service vpn0 add ipsec-site-connection name site-b peer-address 198.51.100.2"
                + " local-cidrs 192.168.10.0/24 peer-cidrs 192.168.20.0/24 psk stdin",
            "host add name host-b",
            "gateway-group add name gw-east",
            "gateway-group gwgroup0 add member host-b",
            "vpn-service vpn0 set gateway-group gw-east",
            "router add name spare",
            "router spare add port address 192.0.2.1 net 192.0.2.0/24 mac 02:00:00:00:09:01",
            "router spare add route dst 10.50.0.0/16 gw 192.0.2.254 port port0");
    for (String line : setup) {
      cli.interpreter.execute(line);
    }
  }

  @AfterAll
  void stop() throws Exception {
    cli.close();
  }

  /** {@code -e command}: exit 1, an error line containing {@code expected}. */
  static Case line(String command, String expected) {
    return new Case(List.of("-e", command), null, NsvpnCli.REFUSED, expected, false);
  }

  /** {@code -e command}: exit 1, the error line {@code error: message} exactly. */
  static Case exact(String command, String message) {
    return new Case(List.of("-e", command), null, NsvpnCli.REFUSED, "error: " + message, true);
  }

  /** nsvpn-cli with {@code args}: exit {@code exit}, the error line {@code line} exactly. */
  static Case run(int exit, String line, String... args) {
    return new Case(List.of(args), null, exit, line, true);
  }

  /** {@code -f SCRIPT [more]} with {@code script}: exit 1, the error line {@code line} exactly. */
  static Case script(byte[] script, String line, String... more) {
    List<String> args = new ArrayList<>(List.of("-f", SCRIPT));
    args.addAll(List.of(more));
    return new Case(args, script, NsvpnCli.REFUSED, line, true);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A script adding {@code n} routes: checked line by line, too large for one transaction. */
  private static byte[] manyRoutes(int n) {
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < n; i++) {
      script
          .append("router spare add route dst 10.")
          .append(i >> 8)
          .append('.')
          .append(i & 255)
          .append(".0/24 gw 192.0.2.254 port port0\n");
    }
    return bytes(script.toString());
  }

  static Stream<Case> table() {
    String conn = "vpn-service vpn0 add ipsec-site-connection name c2 peer-address 198.51.100.9 ";
    String add = "vpn-service vpn0 add ipsec-site-connection name c2 local-cidrs 10.1.0.0/24";
    String cidrs = " peer-cidrs 10.2.0.0/24 psk stdin";
    String cascade =
        "; delete that first, or add 'cascade' to delete it too, with its"
            + " ipsec-site-connections and their PSKs";
    String never =
        "psk: a PSK is never taken from the command line (it would stay in history and process"
            + " listings); use 'psk prompt' (asks without echo), 'psk stdin' or 'psk file:PATH'";
    String stopped0 =
        " [stopped: 0 earlier lines applied, none from here on; --atomic applies all or nothing]";
    String atomic = " [--atomic: nothing was written]";
    return Stream.of(
        // malformed CIDR / MAC / IP
        line(
            "router router0 add port address 10.0.0.1 net 10.0.0.0/33 mac 02:00:00:00:00:01",
            "net: invalid value '10.0.0.0/33'"),
        line(
            "router router0 add port address 10.0.0.300 net 10.0.0.0/24",
            "address: invalid value '10.0.0.300'"),
        line(
            "router router0 add port address 10.0.0.1 net 10.0.0.0/24 mac 02:00:00:00:00",
            "mac: invalid value '02:00:00:00:00'"),
        line(
            "router router0 add port address 10.0.0.1 net 10.0.0.0/24 mac 01:00:5e:00:00:01",
            "mac: invalid value '01:00:5e:00:00:01'"),
        line(
            "router router0 add route dst 10.0.0.1/8 port router0:port0",
            "dst: invalid value '10.0.0.1/8'"),
        line(
            "router router0 add route dst 10.0.0.0/8 port router0:port0 gw 10.0.0.256",
            "gw: invalid value '10.0.0.256'"),
        line(
            "chain chain0 rule add type accept src-mac zz:00:00:00:00:00",
            "src-mac: invalid value"),
        line(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/99 psk stdin",
            "peer-cidrs: invalid value '10.2.0.0/99'"),
        // unknown alias
        line("router router9 show", "router: invalid value 'router9': no router"),
        line("router router0 port port7 show", "port: invalid value 'port7': no port of router0"),
        line(
            "chain chain0 rule add type l2-transform dst 201.201.201.1/32 proto 50 action redirect target-port router7:port0",
            "target-port: invalid value 'router7'"),
        line(
            "router router0 set local-redirect-chain chain5",
            "local-redirect-chain: invalid value 'chain5'"),
        line(
            "host host0 add binding interface eth9 port router0:port9",
            "port: invalid value 'port9'"),
        // unknown field, wrong value type
        line("router router0 set colour blue", "router: unknown field 'colour'"),
        line("router router0 set state maybe", "state: invalid value 'maybe'"),
        line(
            "router router0 add route dst 10.0.0.0/8 port router0:port0 weight heavy",
            "weight: invalid value 'heavy'"),
        line(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 mtu big psk stdin",
            "mtu: invalid value 'big'"),
        line(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 ike-version v3 psk stdin",
            "ike-version: invalid value 'v3'"),
        line(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 ike-dh-group group1 psk stdin",
            "ike-dh-group: invalid value 'group1'"),
        line(
            conn
                + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 dpd-interval 30 dpd-timeout 10 psk stdin",
            "dpd-timeout: invalid value '10s'"),
        line(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.1.0.0/16 psk stdin",
            "peer-cidrs: invalid value '10.1.0.0/16': overlaps"),
        // port > 65535, proto > 255
        line(
            "chain chain0 rule add type accept proto tcp dst-port 70000",
            "dst-port: invalid value '70000'"),
        line(
            "chain chain0 rule add type accept proto udp src-port 1:99999",
            "src-port: invalid value '1:99999'"),
        line("chain chain0 rule add type accept proto 256", "proto: invalid value '256'"),
        line(
            "chain chain0 rule add type accept ethertype 0x1ffff",
            "ethertype: invalid value '0x1ffff'"),
        line(
            "chain chain0 rule add type accept dst-port 22",
            "dst-port: invalid value '22': matching L4 ports needs proto"),
        line(
            "router router0 add route dst 10.0.0.0/8 port router0:port0 weight 70000",
            "weight: invalid value '70000'"),
        // missing required fields
        line("router add state up", "name: is required"),
        line("vpn-service add name v2 router router0", "external-ip: is required"),
        line(
            "router router0 add route dst 10.0.0.0/8",
            "port: invalid value 'none': a normal route needs a next-hop port"),
        line("chain chain0 rule add dst 10.0.0.0/8", "type: is required"),
        line("chain chain0 rule add type l2-transform dst 10.0.0.0/8", "target-port: is required"),
        line(conn + "local-cidrs 10.1.0.0/24 psk stdin", "peer-cidrs: is required"),
        line("router router0 set name", "name: missing value"),
        // names with control characters or shell metacharacters
        line("router add name r1;reboot", "router name: invalid value 'r1;reboot'"),
        line("router add name $(reboot)", "router name: invalid value '$(reboot)'"),
        line("router add name a|b", "router name: invalid value 'a|b'"),
        line("router add name `id`", "router name: invalid value '`id`'"),
        line("router add name bell\u0007name", "router name: invalid value 'bell\\x07name'"),
        line("chain add name esc\u001b[31mred", "chain name: invalid value 'esc\\x1b[31mred'"),
        line(
            "host host0 add binding interface eth0;rm port router0:port0",
            "interface: invalid value 'eth0;rm'"),
        line(
            "host host0 add binding interface averyveryverylongname port router0:port0",
            "interface: invalid value"),
        // secrets never from the command line
        line(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 psk hunter2hunter2",
            "psk: a PSK is never taken from the command line"),
        // integrity and structure
        line("chain chain0 rule add type accept pos 5", "pos: invalid value '5'"),
        line(
            "vpn-service add name v2 router router0 external-ip 201.201.201.1 colour red",
            "vpn-service: unknown field 'colour'"),
        line(
            "host host0 delete",
            "cannot delete host host0: still referenced by port router0:port0 (binding)"),
        line("router router0 delete now", "unexpected 'now'"),
        line("routers list", "unknown object type 'routers'"),
        line("router router0 frobnicate", "unknown verb 'frobnicate'"),
        line("host add name h2 id not-a-uuid", "id: invalid value 'not-a-uuid'"),
        line("x".repeat(1 << 20), "line: too long (1048576 characters; at most 4096)"),
        line("router add name " + "n".repeat(64), "router name: invalid value 'nnnn"),
        // gateway groups and host maintenance
        line(
            "gateway-group gwgroup0 add member host1",
            "member: invalid value 'host1': is already a member of gateway-group gwgroup0"),
        line(
            "gateway-group gw-east add member host-b",
            "member: invalid value 'host-b': is already a member of gateway-group gwgroup0"),
        line(
            "gateway-group gwgroup0 delete member host-a",
            "member: invalid value 'host-a': is not a member of gateway-group gwgroup0"),
        line(
            "gateway-group gwgroup0 add member host9",
            "member: invalid value 'host9': no host with this alias, name or id"),
        line(
            "gateway-group gwgroup0 add member bell\u0007host",
            "member: invalid value 'bell\\x07host': no host"),
        line("gateway-group gwgroup0 add member host-a member host-b", "member: given twice"),
        line("gateway-group gwgroup0 add", "member: is required"),
        line(
            "gateway-group gwgroup0 add port router0:port0",
            "gateway-group: unknown field 'port'; fields are: member"),
        line(
            "gateway-group gwgroup0 delete",
            "cannot delete gateway-group gwgroup0: still referenced by vpn-service vpn0"
                + " (gateway-group)"),
        line(
            "host host1 delete",
            "cannot delete host host1: still referenced by gateway-group gwgroup0 (member)"),
        line("gateway-group gwgroup7 show", "gateway-group: invalid value 'gwgroup7'"),
        line("gateway-group add name gw;reboot", "gateway-group name: invalid value 'gw;reboot'"),
        line(
            "vpn-service vpn0 set gateway-group gw-west",
            "gateway-group: invalid value 'gw-west': no gateway-group with this alias, name or id"),
        line(
            "vpn-service add name v2 router router0 external-ip 201.201.201.1 gateway-group gw9",
            "gateway-group: invalid value 'gw9'"),
        line(
            "vpn-service vpn0 clear router",
            "vpn-service: cannot clear 'router'; clearable fields: gateway-group"),
        line(
            "host host0 set maintenance maybe",
            "maintenance: invalid value 'maybe': must be true or false"),
        line("host host0 set", "host: set what? fields are: name, maintenance"),
        line("host host0 set id 5e3f0a42-0000-4000-8000-0000000000a1", "host: unknown field 'id'"),
        // ---- conflicts between objects: the store refuses them for every writer --------------
        // a second VPN service on a router
        exact(
            "vpn-service add name v2 router router0 external-ip 201.201.201.1",
            "router: router0 already has vpn-service vpn0; a router has at most one vpn-service"),
        exact(
            "vpn-service add name v2 router edge external-ip 169.254.1.1",
            "router: router0 already has vpn-service vpn0; a router has at most one vpn-service"),
        // an external IP on no port of the router, and removing it from under the service
        exact(
            "vpn-service add name v2 router spare external-ip 198.51.100.77",
            "external-ip: 198.51.100.77 is not an address of any port of router router1"),
        exact(
            "vpn-service vpn0 set external-ip 203.0.113.99",
            "external-ip: 203.0.113.99 is not an address of any port of router router0"),
        exact(
            "router router0 port port0 delete",
            "cannot delete port router0:port0: in use by vpn-service vpn0 (external-ip"
                + " 201.201.201.1)"
                + cascade),
        exact(
            "router router0 delete port port0",
            "cannot delete port router0:port0: in use by vpn-service vpn0 (external-ip"
                + " 201.201.201.1)"
                + cascade),
        exact(
            "port router0:port0 set address 201.201.201.2 net 201.201.201.0/24",
            "address: no port of router router0 would hold 201.201.201.1, the external-ip of"
                + " vpn-service vpn0"),
        exact(
            "router router0 port port0 set addresses 203.0.113.1/24",
            "address: no port of router router0 would hold 201.201.201.1, the external-ip of"
                + " vpn-service vpn0"),
        // a peer at a loopback or link-local address, or at the service's own external IP
        exact(
            add.replace(" local-cidrs", " peer-address 127.0.0.1 local-cidrs") + cidrs,
            "peer-address: 127.0.0.1 is a loopback address; a peer must be reachable through the"
                + " router"),
        exact(
            add.replace(" local-cidrs", " peer-address 201.201.201.1 local-cidrs") + cidrs,
            "peer-address: 201.201.201.1 is the external-ip of its own vpn-service vpn0"),
        exact(
            "vpn-service vpn0 ipsec-site-connection conn0 set peer-address 127.0.0.2",
            "peer-address: 127.0.0.2 is a loopback address; a peer must be reachable through the"
                + " router"),
        exact(
            "ipsec-site-connection vpn0:conn0 set peer-address 169.254.10.1",
            "peer-address: 169.254.10.1 is a link-local address; a peer must be reachable through"
                + " the router"),
        exact(
            "ipsec-site-connection vpn0:site-b set peer-address 201.201.201.1 peer-id gw",
            "peer-address: 201.201.201.1 is the external-ip of its own vpn-service vpn0"),
        line(
            "vpn-service vpn0 set external-ip 198.51.100.2",
            "external-ip: 198.51.100.2 is the peer-address of ipsec-site-connection vpn0:conn0 of"
                + " this vpn-service"),
        // deleting a router a VPN service uses
        exact(
            "router router0 delete",
            "cannot delete router router0: in use by vpn-service vpn0" + " (router)" + cascade),
        exact(
            "delete router edge",
            "cannot delete router router0: in use by vpn-service vpn0" + " (router)" + cascade),
        line("router router0 delete cascade now", "unexpected 'now' at the end of the command"),
        // a route's gateway outside its next-hop port's subnets, and renumbering under a route
        exact(
            "router router0 add route dst 10.0.0.0/8 gw 10.9.9.9 port router0:port0",
            "gw: 10.9.9.9 is outside the subnets of next-hop port router0:port0 (201.201.201.0/24)"),
        exact(
            "router spare add route dst 10.60.0.0/16 gw 192.0.3.1 port port0",
            "gw: 192.0.3.1 is outside the subnets of next-hop port router1:port0 (192.0.2.0/24)"),
        exact(
            "port router1:port0 set address 192.0.3.1 net 192.0.3.0/24",
            "address: port router1:port0 would no longer be on the subnet of 192.0.2.254, the gw of"
                + " route router1:route0"),
        // duplicate names where names refer to objects
        exact(
            "router add name edge",
            "name: 'edge' is already the name of router router0 (router and bridge names are"
                + " unique)"),
        exact(
            "bridge add name spare",
            "name: 'spare' is already the name of router router1 (router and bridge names are"
                + " unique)"),
        exact(
            "router spare set name edge",
            "name: 'edge' is already the name of router router0 (router and bridge names are"
                + " unique)"),
        exact(
            "chain add name redirect",
            "name: 'redirect' is already the name of chain chain0 (chain names are unique)"),
        exact(
            "vpn-service add name vpn0 router spare external-ip 192.0.2.1",
            "name: 'vpn0' is already the name of vpn-service vpn0 (vpn-service names are unique)"),
        exact(
            "gateway-group add name gw-east",
            "name: 'gw-east' is already the name of gateway-group gwgroup0 (gateway-group names"
                + " are unique)"),
        exact(
            "vpn-service vpn0 add ipsec-site-connection name site-b peer-address 198.51.100.9"
                + " local-cidrs 10.1.0.0/24"
                + cidrs,
            "name: 'site-b' is already the name of ipsec-site-connection vpn0:conn0 (connection"
                + " names are unique within their vpn-service)"),
        exact(
            "host add name host-a",
            "name: 'host-a' is already the name of host host0 (host names are unique)"),
        exact(
            "host host1 set name host-a",
            "name: 'host-a' is already the name of host host0 (host names are unique)"),
        exact(
            "router add name router1",
            "name: invalid value 'router1': is the alias of router router1, which a reference by"
                + " this name would mean"),
        exact(
            "bridge add name router0",
            "name: invalid value 'router0': is the alias of router router0, which a reference by"
                + " this name would mean"),
        line(
            "chain add name 5e3f0a42-0000-4000-8000-0000000000c9",
            "name: invalid value '5e3f0a42-0000-4000-8000-0000000000c9': looks like an id"),
        // ---- nothing unsafe printed ------------------------------------------------------------
        // a secret-looking token is never echoed, wherever it is
        exact("router router0 add port psk=SECRET-KEY-1", never),
        exact("router router0 add port PSK:SECRET-KEY-2", never),
        exact(conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 psk=SECRET-3", never),
        exact("ipsec-site-connection vpn0:conn0 set psk SECRET-KEY-4", never),
        exact("router add name r9 psk SECRET-KEY-5", never),
        exact("vpn-service vpn0 add ipsec-site-connection psk SECRET-KEY-6 name", never),
        // right-to-left override, C1 controls, zero-width characters, DEL: escaped
        exact(
            "router add name a\u202eb",
            "router name: invalid value 'a\\u202eb': must be 1-63 characters of letters, digits,"
                + " '_', '.', '-', starting with a letter or digit"),
        line("router add name a\u009bb", "router name: invalid value 'a\\x9bb'"),
        line("router add name a\u200bb\u2066", "router name: invalid value 'a\\u200bb\\u2066'"),
        line("chain add name del\u007f", "chain name: invalid value 'del\\x7f'"),
        line("router add name a\u00adb", "router name: invalid value 'a\\xadb'"),
        line("router \u202eedge show", "router: invalid value '\\u202eedge': no router"),
        exact(
            "router router0 show na\u202eme",
            "show: 'na\\u202eme' is not set, or not a field of this object"),
        line("rou\u009bter list", "unknown object type 'rou\\x9bter'"),
        line("router router0 se\u200bt name x", "unknown verb 'se\\u200bt'"),
        line("router router0 set \ufeffname x", "router: unknown field '\\ufeffname'"),
        run(
            NsvpnCli.USAGE,
            "error: cannot read /nonexistent/a\\u202eb.cli: NoSuchFileException",
            "-f",
            "/nonexistent/a\u202eb.cli"),
        // ---- the store's reach
        // --------------------------------------------------------------------
        run(
            NsvpnCli.UNAVAILABLE,
            "error: cannot reach ZooKeeper at nosuch.invalid:2181: host 'nosuch.invalid' cannot be"
                + " resolved",
            "--zk",
            "nosuch.invalid:2181",
            "--connect-timeout",
            "2",
            "-e",
            "router list"),
        // a refused command against an empty store root creates nothing there
        run(
            NsvpnCli.REFUSED,
            "error: router: invalid value 'router0': no router with this alias, name or id",
            "--root",
            "/empty",
            "-e",
            "router router0 show"),
        run(
            NsvpnCli.REFUSED,
            "error: router: unknown field 'colour'; fields are: name, state, infilter, outfilter,"
                + " local-redirect-chain",
            "--root",
            "/empty/deeper",
            "-e",
            "router add name r colour red"),
        run(NsvpnCli.USAGE, "error: --atomic applies to the commands of -e or -f", "--atomic"),
        // ---- scripts
        // ------------------------------------------------------------------------------
        script(
            bytes("router add name u\u00ff1\nrouter add name u2\n"),
            SCRIPT
                + ":1: error: router name: invalid value 'u\u00ff1': must be 1-63"
                + " characters of letters, digits, '_', '.', '-', starting with a letter or digit"
                + stopped0),
        script(
            concat(bytes("router add name u"), new byte[] {(byte) 0xff}, bytes("1\nrouter list\n")),
            SCRIPT
                + ":1: error: line: not valid UTF-8 (byte 0xff at byte 18 of the line)"
                + stopped0),
        script(
            concat(
                bytes("# build\nrouter add name u1\nrouter add name u"),
                new byte[] {(byte) 0xc3},
                bytes("\n")),
            SCRIPT + ":3: error: line: not valid UTF-8 (byte 0xc3 at byte 18 of the line)" + atomic,
            "--atomic"),
        script(
            bytes(
                "router add name at1\nrouter at1 add port address 192.0.2.1 net 192.0.2.0/24\n"
                    + "router router9 show\n"),
            SCRIPT
                + ":3: error: router: invalid value 'router9': no router with this"
                + " alias, name or id"
                + atomic,
            "--atomic"),
        script(
            bytes("router add name twin\nbridge add name twin\n"),
            SCRIPT
                + ":2: error: name: 'twin' is already the name of router router2"
                + " (router and bridge names are unique)"
                + atomic,
            "--atomic"),
        script(
            bytes("vpn-service vpn0 delete\nrouter router0 delete\nrouter router0 show\n"),
            SCRIPT
                + ":3: error: router: invalid value 'router0': no router with this"
                + " alias, name or id"
                + atomic,
            "--atomic"),
        script(
            bytes("router add name ok1\nrouter ok1 add route dst 10.0.0.0/8\n"),
            SCRIPT
                + ":2: error: port: invalid value 'none': a normal route needs a"
                + " next-hop port"
                + atomic,
            "--atomic"),
        new Case(
            List.of("--atomic", "-f", SCRIPT),
            manyRoutes(3300),
            NsvpnCli.REFUSED,
            ": error: the transaction would write 1",
            false),
        run(
            NsvpnCli.REFUSED,
            "error: router: invalid value 'router9': no router with this alias, name or id"
                + " [--atomic: nothing was written]",
            "--atomic",
            "-e",
            "router add name e1",
            "-e",
            "router router9 show"),
        // ---- midonet-cli habits that are still wrong ------------------------------------------
        line(
            "chain chain0 rule add type accept proto tcp dst-port 443-80",
            "dst-port: invalid value '443-80': start must not exceed end"),
        line(
            "chain chain0 rule add type accept proto tcp dst-port 1-99999",
            "dst-port: invalid value '1-99999'"),
        line("chain chain0 rule add type accept dst 10.0.0.999", "dst: invalid value '10.0.0.999'"),
        line("delete router router9", "router: invalid value 'router9': no router"),
        line("show router router0 port port9", "port: invalid value 'port9': no port of router0"),
        line("list routers", "unknown object type 'list'"));
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("table")
  void refusedWithOneLineNamingTheFieldAndNothingWritten(Case c) throws Exception {
    Map<String, String> before = cli.tree();
    String script = "";
    if (c.script() != null) {
      Path file = scripts.resolve("case-" + System.nanoTime() + ".cli");
      Files.write(file, c.script());
      script = file.toString();
    }
    List<String> args = new ArrayList<>();
    for (String a : c.args()) {
      args.add(a.replace(SCRIPT, script));
    }
    CliFixture.Run r =
        cli.run(
            new ByteArrayInputStream((CliFixture.PSK + "\n").getBytes(StandardCharsets.UTF_8)),
            Optional.empty(),
            args.toArray(String[]::new));
    assertThat(r.code()).as("exit code; stderr %s", r.err()).isEqualTo(c.exit());
    assertThat(r.out()).as("nothing on stdout").isEmpty();
    assertThat(r.err()).as("one error line").hasSize(1);
    String line = r.err().get(0);
    String expected = c.error().replace(SCRIPT, script);
    if (c.exact()) {
      assertThat(line).isEqualTo(expected);
    } else {
      assertThat(line).contains("error: ").contains(expected);
    }
    assertThat(line.length()).isLessThan(700);
    assertThat(line.chars()).noneMatch(ch -> SafeText.isUnsafe((char) ch.intValue()));
    assertThat(line).doesNotContain("SECRET").doesNotContain("hunter2");
    assertThat(line).doesNotContain(CliFixture.PSK);
    assertThat(cli.tree()).isEqualTo(before);
  }
}
