package org.nsvpn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input table: every line is refused with one error line that names the field, and
 * ZooKeeper holds exactly what it held before (read back node by node).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private CliFixture cli;

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
            "vpn-service vpn0 set gateway-group gw-east");
    for (String line : setup) {
      cli.interpreter.execute(line);
    }
  }

  @AfterAll
  void stop() throws Exception {
    cli.close();
  }

  static Stream<Arguments> table() {
    String conn = "vpn-service vpn0 add ipsec-site-connection name c2 peer-address 198.51.100.9 ";
    return Stream.of(
        // malformed CIDR / MAC / IP
        Arguments.of(
            "router router0 add port address 10.0.0.1 net 10.0.0.0/33 mac 02:00:00:00:00:01",
            "net: invalid value '10.0.0.0/33'"),
        Arguments.of(
            "router router0 add port address 10.0.0.300 net 10.0.0.0/24",
            "address: invalid value '10.0.0.300'"),
        Arguments.of(
            "router router0 add port address 10.0.0.1 net 10.0.0.0/24 mac 02:00:00:00:00",
            "mac: invalid value '02:00:00:00:00'"),
        Arguments.of(
            "router router0 add port address 10.0.0.1 net 10.0.0.0/24 mac 01:00:5e:00:00:01",
            "mac: invalid value '01:00:5e:00:00:01'"),
        Arguments.of(
            "router router0 add route dst 10.0.0.1/8 port router0:port0",
            "dst: invalid value '10.0.0.1/8'"),
        Arguments.of(
            "router router0 add route dst 10.0.0.0/8 port router0:port0 gw 10.0.0.256",
            "gw: invalid value '10.0.0.256'"),
        Arguments.of(
            "chain chain0 rule add type accept src-mac zz:00:00:00:00:00",
            "src-mac: invalid value"),
        Arguments.of(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/99 psk stdin",
            "peer-cidrs: invalid value '10.2.0.0/99'"),
        // unknown alias
        Arguments.of("router router9 show", "router: invalid value 'router9': no router"),
        Arguments.of(
            "router router0 port port7 show", "port: invalid value 'port7': no port of router0"),
        Arguments.of(
            "chain chain0 rule add type l2-transform dst 201.201.201.1/32 proto 50 action redirect target-port router1:port0",
            "target-port: invalid value 'router1'"),
        Arguments.of(
            "router router0 set local-redirect-chain chain5",
            "local-redirect-chain: invalid value 'chain5'"),
        Arguments.of(
            "host host0 add binding interface eth9 port router0:port9",
            "port: invalid value 'port9'"),
        // unknown field, wrong value type
        Arguments.of("router router0 set colour blue", "router: unknown field 'colour'"),
        Arguments.of("router router0 set state maybe", "state: invalid value 'maybe'"),
        Arguments.of(
            "router router0 add route dst 10.0.0.0/8 port router0:port0 weight heavy",
            "weight: invalid value 'heavy'"),
        Arguments.of(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 mtu big psk stdin",
            "mtu: invalid value 'big'"),
        Arguments.of(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 ike-version v3 psk stdin",
            "ike-version: invalid value 'v3'"),
        Arguments.of(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 ike-dh-group group1 psk stdin",
            "ike-dh-group: invalid value 'group1'"),
        Arguments.of(
            conn
                + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 dpd-interval 30 dpd-timeout 10 psk stdin",
            "dpd-timeout: invalid value '10s'"),
        Arguments.of(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.1.0.0/16 psk stdin",
            "peer-cidrs: invalid value '10.1.0.0/16': overlaps"),
        // port > 65535, proto > 255
        Arguments.of(
            "chain chain0 rule add type accept proto tcp dst-port 70000",
            "dst-port: invalid value '70000'"),
        Arguments.of(
            "chain chain0 rule add type accept proto udp src-port 1:99999",
            "src-port: invalid value '1:99999'"),
        Arguments.of("chain chain0 rule add type accept proto 256", "proto: invalid value '256'"),
        Arguments.of(
            "chain chain0 rule add type accept ethertype 0x1ffff",
            "ethertype: invalid value '0x1ffff'"),
        Arguments.of(
            "chain chain0 rule add type accept dst-port 22",
            "dst-port: invalid value '22': matching L4 ports needs proto"),
        Arguments.of(
            "router router0 add route dst 10.0.0.0/8 port router0:port0 weight 70000",
            "weight: invalid value '70000'"),
        // missing required fields
        Arguments.of("router add state up", "name: is required"),
        Arguments.of("vpn-service add name v2 router router0", "external-ip: is required"),
        Arguments.of(
            "router router0 add route dst 10.0.0.0/8",
            "port: invalid value 'none': a normal route needs a next-hop port"),
        Arguments.of("chain chain0 rule add dst 10.0.0.0/8", "type: is required"),
        Arguments.of(
            "chain chain0 rule add type l2-transform dst 10.0.0.0/8", "target-port: is required"),
        Arguments.of(conn + "local-cidrs 10.1.0.0/24 psk stdin", "peer-cidrs: is required"),
        Arguments.of("router router0 set name", "name: missing value"),
        // names with control characters or shell metacharacters
        Arguments.of("router add name r1;reboot", "router name: invalid value 'r1;reboot'"),
        Arguments.of("router add name $(reboot)", "router name: invalid value '$(reboot)'"),
        Arguments.of("router add name a|b", "router name: invalid value 'a|b'"),
        Arguments.of("router add name `id`", "router name: invalid value '`id`'"),
        Arguments.of(
            "router add name bell\u0007name", "router name: invalid value 'bell\\x07name'"),
        Arguments.of(
            "chain add name esc\u001b[31mred", "chain name: invalid value 'esc\\x1b[31mred'"),
        Arguments.of(
            "host host0 add binding interface eth0;rm port router0:port0",
            "interface: invalid value 'eth0;rm'"),
        Arguments.of(
            "host host0 add binding interface averyveryverylongname port router0:port0",
            "interface: invalid value"),
        // secrets never from the command line
        Arguments.of(
            conn + "local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 psk hunter2hunter2",
            "psk: a PSK is never taken from the command line"),
        // integrity and structure
        Arguments.of("chain chain0 rule add type accept pos 5", "pos: invalid value '5'"),
        Arguments.of(
            "vpn-service add name v2 router router0 external-ip 201.201.201.1 colour red",
            "vpn-service: unknown field 'colour'"),
        Arguments.of(
            "host host0 delete",
            "cannot delete host host0: still referenced by port router0:port0 (binding)"),
        Arguments.of("router router0 delete now", "unexpected 'now'"),
        Arguments.of("routers list", "unknown object type 'routers'"),
        Arguments.of("router router0 frobnicate", "unknown verb 'frobnicate'"),
        Arguments.of("host add name h2 id not-a-uuid", "id: invalid value 'not-a-uuid'"),
        Arguments.of("x".repeat(1 << 20), "line: too long (1048576 characters; at most 4096)"),
        Arguments.of("router add name " + "n".repeat(64), "router name: invalid value 'nnnn"),
        // gateway groups and host maintenance
        Arguments.of(
            "gateway-group gwgroup0 add member host1",
            "member: invalid value 'host1': is already a member of gateway-group gwgroup0"),
        Arguments.of(
            "gateway-group gw-east add member host-b",
            "member: invalid value 'host-b': is already a member of gateway-group gwgroup0"),
        Arguments.of(
            "gateway-group gwgroup0 delete member host-a",
            "member: invalid value 'host-a': is not a member of gateway-group gwgroup0"),
        Arguments.of(
            "gateway-group gwgroup0 add member host9",
            "member: invalid value 'host9': no host with this alias, name or id"),
        Arguments.of(
            "gateway-group gwgroup0 add member bell\u0007host",
            "member: invalid value 'bell\\x07host': no host"),
        Arguments.of(
            "gateway-group gwgroup0 add member host-a member host-b", "member: given twice"),
        Arguments.of("gateway-group gwgroup0 add", "member: is required"),
        Arguments.of(
            "gateway-group gwgroup0 add port router0:port0",
            "gateway-group: unknown field 'port'; fields are: member"),
        Arguments.of(
            "gateway-group gwgroup0 delete",
            "cannot delete gateway-group gwgroup0: still referenced by vpn-service vpn0"
                + " (gateway-group)"),
        Arguments.of(
            "host host1 delete",
            "cannot delete host host1: still referenced by gateway-group gwgroup0 (member)"),
        Arguments.of("gateway-group gwgroup7 show", "gateway-group: invalid value 'gwgroup7'"),
        Arguments.of(
            "gateway-group add name gw;reboot", "gateway-group name: invalid value 'gw;reboot'"),
        Arguments.of(
            "vpn-service vpn0 set gateway-group gw-west",
            "gateway-group: invalid value 'gw-west': no gateway-group with this alias, name or id"),
        Arguments.of(
            "vpn-service add name v2 router router0 external-ip 201.201.201.1 gateway-group gw9",
            "gateway-group: invalid value 'gw9'"),
        Arguments.of(
            "vpn-service vpn0 clear router",
            "vpn-service: cannot clear 'router'; clearable fields: gateway-group"),
        Arguments.of(
            "host host0 set maintenance maybe",
            "maintenance: invalid value 'maybe': must be true or false"),
        Arguments.of("host host0 set", "host: set what? fields are: name, maintenance"),
        Arguments.of(
            "host host0 set id 5e3f0a42-0000-4000-8000-0000000000a1", "host: unknown field 'id'"));
  }

  @ParameterizedTest
  @MethodSource("table")
  void refusedWithOneLineNamingTheFieldAndNothingWritten(String line, String expected)
      throws Exception {
    Map<String, String> before = cli.dump();
    CliException e = catchThrowableOfType(CliException.class, () -> cli.interpreter.execute(line));
    assertThat(e).as(line.length() > 200 ? "a 1 MB line" : line).isNotNull();
    assertThat(e.getMessage()).contains(expected).doesNotContain("\n").doesNotContain("\u001b");
    assertThat(e.getMessage().length()).isLessThan(600);
    assertThat(e.getMessage()).doesNotContain("hunter2");
    assertThat(cli.dump()).isEqualTo(before);
  }
}
