# shellcheck shell=bash
# Shared by scripts/demo and scripts/bench-e2e (sourced, never run): a private nsvpn agent and the
# kernel side of the end-to-end testbed, the same one agent-plugin's VpnTestbed builds from code:
#
#   vmA 10.1.0.10 ── bridgeA ── routerA 10.1.0.1 | 203.0.113.10 ─┐
#                                                                 ├─ internet (br0) ── siteC 203.0.113.30
#   vmB 10.2.0.10 ── bridgeB ── routerB 10.2.0.1 | 203.0.113.20 ─┘                      (10.3.0.1)
#
# Every name carries a random suffix (TB_ID) so that runs never collide with each other or with the
# end-to-end tests that may run on the same machine. Everything created is recorded, and
# tb_cleanup removes exactly that, stopping only processes this run started (by pid, after checking
# the pid still runs the program we started). The caller installs the trap:
#   trap tb_cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
#
# Every function reports with tb_log/tb_die; the caller's TB_TAG names the script in the output.

TB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TB_TAG=${TB_TAG:-testbed}
TB_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
TB_CHARON=/usr/lib/ipsec/charon
TB_STATE=""
TB_ZK_PORT=""
TB_AGENT_PID=""
TB_HOST_NAME="$TB_TAG-$TB_ID"
TB_NAMESPACES=()   # namespaces this run created (deleted last, in reverse)
TB_LINKS=()        # root-namespace links this run created
TB_CHARON_PIDS=()  # stock charons this run started (site C, the baseline's peers)
TB_OTHER_PIDS=()   # other helpers (iperf3, a CLI session) as PID:START-TIME, see tb_track
TB_VPN_NAMES=()    # names of VPN services this run created through the CLI
TB_CLEANED=0
# Names of the testbed's namespaces and of the root-namespace veth ends bound to virtual ports.
TB_NS_INET=nsvpn-inet-$TB_ID
TB_NS_VMA=nsvpn-vma-$TB_ID
TB_NS_VMB=nsvpn-vmb-$TB_ID
TB_NS_SITEC=nsvpn-sitec-$TB_ID
TB_IF_UPA=ua$TB_ID
TB_IF_UPB=ub$TB_ID
TB_IF_VMA=va$TB_ID
TB_IF_VMB=vb$TB_ID
# Multi-host (scripts/lib/multihost.sh): the host network namespace each exterior interface lives
# in (empty: the root namespace) and the host whose agent binds it (its Host name).
TB_IN_VMA="" TB_IN_UPA="" TB_IN_SITEB=""
TB_HOST_VMA="" TB_HOST_UPA="" TB_HOST_SITEB=""
TB_ZK_CONNECT=""   # an external ensemble's connect string; empty: the agent's embedded server

tb_log() { printf '[%s] %s\n' "$TB_TAG" "$*"; }
tb_warn() { printf '[%s] warning: %s\n' "$TB_TAG" "$*" >&2; }
tb_die() {
  printf '[%s] error: %s\n' "$TB_TAG" "$*" >&2
  exit 1
}
tb_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- isolation ----------------------------------------------------------------------------------

# Re-executes the calling script in a private mount namespace with its own, empty /run/netns.
#
# Why: an nsvpn agent treats every vpn-<id> namespace under /run/netns that it does not serve as an
# orphan of an earlier agent on this host and removes it at start. That is right for the one agent
# of a production host, but the demo's agent would remove the namespaces of an agent already
# running here (or of the end-to-end tests), and theirs would remove the demo's. With a private
# /run/netns each sees only its own namespaces. Links in the root network namespace stay shared,
# hence the random suffix in every name. Call as: tb_isolate "$@" (before anything else).
tb_isolate() {
  if [[ -z ${NSVPN_TESTBED_ISOLATED:-} ]]; then
    command -v unshare >/dev/null || tb_die "missing unshare; install util-linux"
    exec env NSVPN_TESTBED_ISOLATED=1 unshare --mount --propagation private -- "$0" "$@"
  fi
  mkdir -p /run/netns
  mount -t tmpfs -o mode=0755,size=1m "nsvpn-$TB_TAG-netns" /run/netns ||
    tb_die "cannot mount a private /run/netns"
}

# --- prerequisites and build ------------------------------------------------------------------

tb_require_root() {
  [[ $(id -u) -eq 0 ]] || tb_die "run me as root (I create network namespaces): sudo $0"
}

# The programs the testbed needs (and Maven when the jars are not built yet) that are missing.
tb_missing_tools() {
  local t
  for t in ip ovsdb-server ovsdb-client swanctl java unshare "$@"; do
    command -v "$t" >/dev/null || echo "$t"
  done
  [[ -x $TB_CHARON ]] || echo "$TB_CHARON"
  if ! compgen -G "$TB_ROOT/agent-plugin/target/agent-plugin-*-all.jar" >/dev/null ||
    ! compgen -G "$TB_ROOT/cli/target/cli-*-all.jar" >/dev/null; then
    command -v mvn >/dev/null || echo mvn
  fi
}

# Installs what is missing with scripts/install-deps (saying so first), so that on a fresh Debian 12
# the demo is the whole set-up; fails with the reason when something is still missing afterwards.
tb_require_tools() {
  local missing
  missing=$(tb_missing_tools "$@" | tr '\n' ' ')
  [[ -z $missing ]] && return
  tb_log "missing ${missing% }: running scripts/install-deps to install them (Debian packages)"
  "$TB_ROOT/scripts/install-deps" || tb_die "scripts/install-deps failed (see above)"
  missing=$(tb_missing_tools "$@" | tr '\n' ' ')
  [[ -z $missing ]] || tb_die "still missing after scripts/install-deps: ${missing% }"
}

# Builds the agent and CLI jars when either is missing (a fresh clone); an existing build is used
# as it is, so rebuild by hand after changing the sources.
tb_build() {
  if compgen -G "$TB_ROOT/agent-plugin/target/agent-plugin-*-all.jar" >/dev/null &&
    compgen -G "$TB_ROOT/cli/target/cli-*-all.jar" >/dev/null; then
    return
  fi
  command -v mvn >/dev/null || tb_die "missing mvn; install it with: sudo scripts/install-deps"
  tb_log "building the agent and the CLI (mvn package, about a minute on a fresh clone)"
  (cd "$TB_ROOT" && mvn -B -ntp -q -DskipTests -Dspotless.check.skip=true \
    -pl agent-plugin,cli -am package) || tb_die "the build failed (see the Maven output above)"
}

# --- the agent --------------------------------------------------------------------------------

# A free TCP port on 127.0.0.1 for the agent's embedded ZooKeeper (random, checked with ss).
tb_free_port() {
  local p i
  for i in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    if [[ -z $(ss -Hltn "sport = :$p") ]]; then
      echo "$p"
      return
    fi
  done
  tb_die "found no free TCP port"
}

# Private state directory and agent.conf: embedded ZooKeeper on a free port and embedded
# ovsdb-server under the state directory, so nothing touches /var/lib/nsvpn or port 2181.
tb_prepare_state() {
  TB_STATE=$(mktemp -d "/tmp/nsvpn-$TB_TAG-$TB_ID-XXXX")
  chmod 700 "$TB_STATE"
  TB_ZK_PORT=$(tb_free_port)
  cat >"$TB_STATE/agent.conf" <<EOF
nsvpn.agent {
  state-directory = "$TB_STATE"
  run-directory = "$TB_STATE/run"
  host-name = "$TB_HOST_NAME"
  zookeeper.embedded.port = $TB_ZK_PORT
  # Publish OVSDB rows every 2 s (default 10 s) while the IPSEC row sets no interval.
  ovsdb.default-refresh = 2s
}
# Quicker than the defaults: a demo should show the counters move while one watches.
nsvpn.plugins.ipsec {
  reconcile-interval = 2s, status-interval = 1s, counters-write-interval = 2s, max-backoff = 4s,
  retry-min = 1s, retry-max = 4s
}
EOF
}

# Starts the agent in the background (its own session, so that Ctrl-C reaches only this script
# and the trap stops the agent in order) and waits until its host answers "alive" in the CLI.
tb_start_agent() {
  tb_log "starting the agent (state $TB_STATE, ZooKeeper 127.0.0.1:$TB_ZK_PORT, log $TB_STATE/agent.log)"
  setsid "$TB_ROOT/scripts/nsvpn-agent" --config "$TB_STATE/agent.conf" \
    >"$TB_STATE/agent.log" 2>&1 </dev/null &
  TB_AGENT_PID=$!
  local deadline=$((SECONDS + 90)) out
  while ((SECONDS < deadline)); do
    if ! kill -0 "$TB_AGENT_PID" 2>/dev/null; then
      TB_AGENT_PID=""
      tb_agent_log_tail
      tb_die "the agent exited during start-up (its log is above)"
    fi
    if out=$(tb_cli_quiet --connect-timeout 2 -e "host list" 2>/dev/null) &&
      grep -q "name $TB_HOST_NAME alive true" <<<"$out"; then
      tb_log "agent alive (pid $TB_AGENT_PID, host $TB_HOST_NAME $(cat "$TB_STATE/host-id"))"
      return
    fi
    sleep 0.5
  done
  tb_agent_log_tail
  tb_die "the agent did not report itself alive within 90 s (its log is above)"
}

# nsvpn-datapath beside the agent, for an agent.conf with datapath.mode = process (log:
# $TB_STATE/datapath.log); waits until it forwards. Stopped by tb_cleanup.
tb_start_datapath() {
  tb_log "starting nsvpn-datapath (log $TB_STATE/datapath.log)"
  setsid "$TB_ROOT/scripts/nsvpn-datapath" --config "$TB_STATE/agent.conf" \
    >"$TB_STATE/datapath.log" 2>&1 </dev/null &
  TB_DATAPATH_PID=$!
  tb_track "$TB_DATAPATH_PID"
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$TB_DATAPATH_PID" 2>/dev/null; then
      tail -n 40 "$TB_STATE/datapath.log" >&2
      tb_die "nsvpn-datapath exited during start-up (its log is above)"
    fi
    if grep -q "nsvpn-datapath running" "$TB_STATE/datapath.log"; then
      tb_log "datapath running (pid $TB_DATAPATH_PID)"
      return
    fi
    sleep 0.2
  done
  tb_die "nsvpn-datapath did not start within 60 s"
}

tb_agent_log_tail() {
  [[ -n $TB_STATE && -f $TB_STATE/agent.log ]] || return 0
  echo "----- last 40 lines of $TB_STATE/agent.log -----" >&2
  tail -n 40 "$TB_STATE/agent.log" >&2
  echo "-----" >&2
}

# nsvpn-cli against this run's agent; extra arguments as nsvpn-cli takes them.
tb_cli_quiet() {
  "$TB_ROOT/scripts/nsvpn-cli" --zk "${TB_ZK_CONNECT:-127.0.0.1:$TB_ZK_PORT}" --home "$TB_STATE" "$@" \
    2> >(grep -v '^SLF4J' >&2)
}
# The same, dying with the CLI's output (which holds its error message) when a command is refused.
tb_cli() {
  local out
  out=$(tb_cli_quiet "$@") || {
    printf '%s\n' "$out" >&2
    tb_die "nsvpn-cli $* failed"
  }
  printf '%s\n' "$out"
}

# A PSK in a 0600 file of the state directory, for "psk file:PATH" (never on a command line).
tb_psk_file() {
  local name=$1 file="$TB_STATE/$1.psk"
  (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$file")
  echo "$file"
}

# The ids (32 hex) of this agent's VPN services that have a namespace or a charon directory. The
# private /run/netns (tb_isolate) holds only this run's namespaces, so every vpn-<id> there is ours.
tb_vpn_hexes() {
  {
    ls /run/netns 2>/dev/null
    [[ -n $TB_STATE && -d $TB_STATE/run/charon ]] && ls "$TB_STATE/run/charon"
  } | sed -n 's/^vpn-\([0-9a-f]\{32\}\)$/\1/p' | sort -u
}

# The pids of the charons this run's agent runs (their pid files in its run directory).
tb_charon_pids() {
  local f pid
  for f in "$TB_STATE"/run/charon/vpn-*/charon.pid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    tb_pid_runs "$pid" "$TB_CHARON" && echo "$pid"
  done
}

# Number of this run's VPN namespaces that exist.
tb_vpn_namespaces_present() {
  local n=0 hex
  for hex in $(tb_vpn_hexes); do
    [[ -e /run/netns/vpn-$hex ]] && n=$((n + 1))
  done
  echo "$n"
}

# Deletes the named VPN services (the store cascades to their connections) and waits until the
# agent has removed their namespaces: the orderly way, which leaves nothing for the trap.
tb_delete_vpn_services() {
  (($# > 0)) || return 0
  local script="$TB_STATE/delete.cli" name
  : >"$script"
  for name in "$@"; do echo "vpn-service $name delete" >>"$script"; done
  tb_cli_quiet -f "$script" >/dev/null || tb_warn "some VPN services could not be deleted"
  tb_wait_vpn_namespaces_gone "${TB_DELETE_WAIT:-60}"
}

tb_wait_vpn_namespaces_gone() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    (($(tb_vpn_namespaces_present) == 0)) && return 0
    sleep 0.2
  done
  tb_warn "VPN namespaces still present after $1 s; the trap removes them"
  return 1
}

# --- the kernel side --------------------------------------------------------------------------

tb_netns_add() {
  ip netns add "$1" || tb_die "cannot create namespace $1"
  TB_NAMESPACES+=("$1")
  ip -n "$1" link set lo up
}

# A veth into namespace $3 (named $2 there); $1 stays in host namespace $4, or in the root
# namespace when $4 is empty (then recorded for clean-up; a host namespace takes its links along).
tb_veth_to() {
  if [[ -n ${4:-} ]]; then
    ip -n "$4" link add "$1" type veth peer name "$2" netns "$3" || tb_die "cannot create veth $1 in $4"
  else
    ip link add "$1" type veth peer name "$2" netns "$3" || tb_die "cannot create veth $1"
    TB_LINKS+=("$1")
  fi
}

# Runs "$@" in host namespace $1, or here when $1 is empty.
tb_in() {
  local ns=$1
  shift
  if [[ -n $ns ]]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

tb_no_ipv6() { ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }

# Builds namespaces, veths and the internet bridge named TB_NS_* and TB_IF_*.
tb_build_kernel_side() {
  local ns
  for ns in "$TB_NS_INET" "$TB_NS_VMA" "$TB_NS_VMB" "$TB_NS_SITEC"; do tb_netns_add "$ns"; done
  # No multicast snooping: a snooping bridge reports the all-snoopers group from 0.0.0.0.
  ip -n "$TB_NS_INET" link add br0 type bridge mcast_snooping 0
  ip -n "$TB_NS_INET" link set br0 up
  # The internet segment carries only IKE and ESP: no IPv6 chatter from any stack on it.
  tb_no_ipv6 "$TB_NS_INET"
  tb_no_ipv6 "$TB_NS_SITEC"
  tb_uplink "$TB_IF_UPA" pa "$TB_IN_UPA"
  tb_uplink "$TB_IF_UPB" pb "$TB_IN_SITEB"
  # Site C: a host on the internet segment, its protected subnet on its loopback.
  ip -n "$TB_NS_INET" link add pc type veth peer name eth0 netns "$TB_NS_SITEC"
  ip -n "$TB_NS_INET" link set pc master br0 up
  ip -n "$TB_NS_SITEC" link set eth0 up
  ip -n "$TB_NS_SITEC" addr add 203.0.113.30/24 dev eth0
  ip -n "$TB_NS_SITEC" addr add 10.3.0.1/32 dev lo
  tb_vm "$TB_NS_VMA" "$TB_IF_VMA" 10.1.0.10/24 10.1.0.1 "$TB_IN_VMA"
  tb_vm "$TB_NS_VMB" "$TB_IF_VMB" 10.2.0.10/24 10.2.0.1 "$TB_IN_SITEB"
}

# A router uplink: host end $1 (bound to the router's port, so the host's own stack must stay
# silent on it) in host namespace $3 (empty: the root), other end $2 on the internet bridge.
tb_uplink() {
  tb_veth_to "$1" "$2" "$TB_NS_INET" "${3:-}"
  tb_in "${3:-}" sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
  # Nor IGMP (a host stack reports the groups it joins, from 0.0.0.0 as it has no address here).
  tb_in "${3:-}" ip link set "$1" multicast off up
  ip -n "$TB_NS_INET" link set "$2" master br0 up
}

# A VM: namespace $1 whose eth0 is paired with host end $2 in host namespace $5 (empty: the root).
tb_vm() {
  local ns=$1 host_end=$2 address=$3 gateway=$4 host_ns=${5:-}
  tb_veth_to "$host_end" eth0 "$ns" "$host_ns"
  tb_in "$host_ns" sysctl -qw "net.ipv6.conf.$host_end.disable_ipv6=1"
  tb_in "$host_ns" ip link set "$host_end" up
  ip -n "$ns" link set eth0 up
  ip -n "$ns" addr add "$address" dev eth0
  ip -n "$ns" route add default via "$gateway"
}

# The nsvpn-cli lines of sites A and B: routers, uplinks bound to this agent's host, bridges with
# a VM port each (bound) and a port linked to the router. Aliases follow creation order, so that
# routerA is router0, bridgeA bridge0 and so on within one script.
tb_sites_ab_cli() {
  cat <<EOF
router add name routerA
router routerA add port address 203.0.113.10 net 203.0.113.0/24 mac 02:00:5e:0a:00:01
router routerA add port address 10.1.0.1 net 10.1.0.0/24 mac 02:00:5e:0a:01:01
bridge add name bridgeA
bridge bridgeA add port
bridge bridgeA add port
port bridge0:port1 set peer router0:port1
host ${TB_HOST_UPA:-$TB_HOST_NAME} add binding interface $TB_IF_UPA port router0:port0
host ${TB_HOST_VMA:-$TB_HOST_NAME} add binding interface $TB_IF_VMA port bridge0:port0
router add name routerB
router routerB add port address 203.0.113.20 net 203.0.113.0/24 mac 02:00:5e:0b:00:01
router routerB add port address 10.2.0.1 net 10.2.0.0/24 mac 02:00:5e:0b:01:01
bridge add name bridgeB
bridge bridgeB add port
bridge bridgeB add port
port bridge1:port1 set peer router1:port1
host ${TB_HOST_SITEB:-$TB_HOST_NAME} add binding interface $TB_IF_UPB port router1:port0
host ${TB_HOST_SITEB:-$TB_HOST_NAME} add binding interface $TB_IF_VMB port bridge1:port0
EOF
}

# The VPN services of sites A and B and their connection (PSK files as arguments).
tb_vpn_ab_cli() {
  local psk_ab=$1
  cat <<EOF
vpn-service add name vpnA router routerA external-ip 203.0.113.10
vpn-service add name vpnB router routerB external-ip 203.0.113.20
vpn-service vpnA add ipsec-site-connection name a-to-b peer-address 203.0.113.20 local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 force-udp-encapsulation yes psk file:$psk_ab
vpn-service vpnB add ipsec-site-connection name b-to-a peer-address 203.0.113.10 local-cidrs 10.2.0.0/24 peer-cidrs 10.1.0.0/24 force-udp-encapsulation yes psk file:$psk_ab
EOF
}

# --- stock strongSwan (site C, and the baseline of bench-e2e) ----------------------------------

# Starts a stock charon in namespace $1 the way any remote site runs one: its own /run (a private
# mount namespace binding directory $2 over it) holding strongswan.conf, the VICI socket and the
# log; ESP in user space (kernel-libipsec), as this kernel may lack the XFRM ESP transform. Waits
# until swanctl answers. Sets TB_LAST_CHARON_PID.
tb_start_stock_charon() {
  local ns=$1 dir=$2 deadline
  mkdir -p "$dir"
  chmod 700 "$dir"
  cat >"$dir/strongswan.conf" <<'EOF'
charon {
  load_modular = no
  load = random nonce openssl aes sha1 sha2 hmac gcm kdf kernel-libipsec kernel-netlink socket-default vici
  plugins {
    vici {
      socket = unix:///run/charon.vici
    }
  }
  filelog {
    peer {
      path = /run/charon.log
      default = 1
    }
  }
}
swanctl {
  load = random nonce openssl pem pkcs1 x509
}
EOF
  # ip, unshare and sh exec one another, so $! ends up being charon's pid.
  STRONGSWAN_CONF=/run/strongswan.conf setsid ip netns exec "$ns" \
    unshare --mount --propagation slave \
    sh -c 'mount --bind "$0" /run && exec "$1"' "$dir" "$TB_CHARON" \
    >"$dir/console.log" 2>&1 </dev/null &
  TB_LAST_CHARON_PID=$!
  TB_CHARON_PIDS+=("$TB_LAST_CHARON_PID")
  deadline=$((SECONDS + 20))
  until swanctl --stats --uri "unix://$dir/charon.vici" >/dev/null 2>&1; do
    kill -0 "$TB_LAST_CHARON_PID" 2>/dev/null || tb_die "stock charon in $ns exited: $(cat "$dir/console.log")"
    ((SECONDS < deadline)) || tb_die "stock charon in $ns did not answer swanctl within 20 s"
    sleep 0.2
  done
}

# swanctl --load-all of file $2 into the stock charon whose directory is $1.
tb_swanctl_load() {
  swanctl --load-all --uri "unix://$1/charon.vici" --file "$2" >"$1/load.log" 2>&1 ||
    tb_die "swanctl --load-all failed: $(cat "$1/load.log")"
}

# --- clean-up ---------------------------------------------------------------------------------

# True when pid $1 is alive and runs program $2 (so a recycled pid is never signalled).
tb_pid_runs() {
  [[ -n $1 && -e /proc/$1/exe ]] && [[ $(readlink "/proc/$1/exe" 2>/dev/null) == "$2"* ]]
}

# The start time of pid $1 in clock ticks since boot (/proc/PID/stat field 22): with the pid, it
# names one process for good, so a recycled pid is never signalled.
tb_start_time() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }

# Records a helper process this run started, for tb_cleanup.
tb_track() { TB_OTHER_PIDS+=("$1:$(tb_start_time "$1")"); }

# SIGTERM, wait up to $3 s, SIGKILL; only if pid $1 still runs program $2.
tb_stop_pid() {
  local pid=$1 program=$2 wait=${3:-10} i
  tb_pid_runs "$pid" "$program" || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < wait * 10; i++)); do
    tb_pid_runs "$pid" "$program" || return 0
    sleep 0.1
  done
  tb_warn "pid $pid ($program) ignored SIGTERM for $wait s; killing it"
  kill -KILL "$pid" 2>/dev/null
  sleep 0.2
}

tb_java() { readlink -f "$(command -v java)"; }

# Removes everything this run created, in an order that lets the agent clean up after itself
# first: VPN services deleted through the CLI, the agent stopped (SIGTERM, it stops its
# ovsdb-server), then whatever remains (the agent died, or would not stop) by pid and name.
# Idempotent, and never stops at an error. Returns the script's exit status: $1 when a wrapping
# trap passes it (having run commands of its own since), else the status the trap started with.
tb_cleanup() {
  local rc=${1:-$?}
  ((TB_CLEANED)) && return "$rc"
  TB_CLEANED=1
  set +e
  trap '' INT
  tb_log "cleaning up"
  local pid hex ns link
  for pid in "${TB_OTHER_PIDS[@]}"; do
    [[ $(tb_start_time "${pid%%:*}") == "${pid#*:}" ]] && kill "${pid%%:*}" 2>/dev/null
  done
  if [[ -n $TB_AGENT_PID ]] && kill -0 "$TB_AGENT_PID" 2>/dev/null && ((${#TB_VPN_NAMES[@]} > 0)); then
    # Only those that exist: an interrupted script may have created some of them, and a CLI
    # script stops at its first refused line.
    local existing=() name listed
    listed=$(tb_cli_quiet -e "vpn-service list" 2>/dev/null | awk '{print $4}')
    for name in "${TB_VPN_NAMES[@]}"; do
      grep -qx -- "$name" <<<"$listed" && existing+=("$name")
    done
    tb_delete_vpn_services "${existing[@]}"
  fi
  if [[ -n $TB_AGENT_PID ]] && kill -0 "$TB_AGENT_PID" 2>/dev/null; then
    tb_stop_pid "$TB_AGENT_PID" "$(tb_java)" 60
  fi
  for pid in "${TB_CHARON_PIDS[@]}"; do tb_stop_pid "$pid" "$TB_CHARON" 5; done
  # Left-overs of an agent that died: its charons (pid files of its run directory), its
  # ovsdb-server (pid file of its state directory), its VPN namespaces and host veths.
  if [[ -n $TB_STATE && -d $TB_STATE ]]; then
    for pid in $(cat "$TB_STATE"/run/charon/*/charon.pid 2>/dev/null); do
      tb_stop_pid "$pid" "$TB_CHARON" 5
    done
    for pid in $(cat "$TB_STATE"/ovsdb/*.pid 2>/dev/null); do
      tb_stop_pid "$pid" "$(readlink -f "$(command -v ovsdb-server)")" 5
    done
    for hex in $(tb_vpn_hexes); do
      [[ -e /run/netns/vpn-$hex ]] && { tb_warn "removing left-over namespace vpn-$hex"; ip netns del "vpn-$hex"; }
      ip link show "vpn${hex:0:10}dp" >/dev/null 2>&1 && ip link del "vpn${hex:0:10}dp"
    done
  fi
  for link in "${TB_LINKS[@]}"; do
    ip link show "$link" >/dev/null 2>&1 && ip link del "$link"
  done
  for ((i = ${#TB_NAMESPACES[@]} - 1; i >= 0; i--)); do
    ns=${TB_NAMESPACES[i]}
    [[ -e /run/netns/$ns ]] && ip netns del "$ns"
  done
  if [[ -n $TB_STATE && -d $TB_STATE ]]; then
    # Keep the logs of a failed run (not of one stopped by Ctrl-C or SIGTERM).
    if ((rc != 0 && rc != 130 && rc != 143)); then
      local keep
      keep=$(mktemp -d "/tmp/nsvpn-$TB_TAG-failed-$TB_ID-XXXX")
      cp "$TB_STATE"/*.log "$TB_STATE"/*.cli "$TB_STATE"/*.out "$keep"/ 2>/dev/null
      tb_log "logs of this failed run kept in $keep"
    fi
    rm -rf "$TB_STATE"
  fi
  tb_log "clean"
  return "$rc"
}
