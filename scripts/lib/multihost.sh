# shellcheck shell=bash
# Several nsvpn hosts on one machine (sourced after testbed.sh, never run): the shell twin of
# agent-plugin's MultiHostTestbed (docs/architecture.md, "The multi-host testbed").
#
#   underlay bridge nsvpnU<id>, MTU 1550, 169.254.S.254/24 (the ZooKeeper ensemble listens here)
#     ├─ host 1: namespace nsvpn-h1-<id>, ul0 169.254.S.1, its own /run/netns, agent 1
#     ├─ host 2: ...                       ul0 169.254.S.2                       agent 2
#     └─ host 3: ...                       ul0 169.254.S.3                       agent 3
#
# Each host is a network namespace plus a mount namespace whose /run/netns is a private tmpfs, kept
# alive by a holder process (sleep); its agent runs inside both (nsenter), with its own state
# directory and a shared secrets credential. Three nsvpn-zk processes form the ensemble. Every
# process is recorded by pid and stopped by mh_cleanup, which tb_cleanup's caller runs first.

MH_SUBNET=$((20 + RANDOM % 200))
MH_BRIDGE=nsvpnU$TB_ID
MH_BRIDGE_ADDR=169.254.$MH_SUBNET.254
MH_MTU=1550
MH_COUNT=0
MH_ZK_PIDS=()
MH_HOLDER_PIDS=()
MH_AGENT_PIDS=()

mh_ns() { echo "nsvpn-h$1-$TB_ID"; }
mh_name() { echo "host$1-$TB_ID"; }
mh_addr() { echo "169.254.$MH_SUBNET.$1"; }
mh_state() { echo "$TB_STATE/h$1"; }
mh_enter() { nsenter --target "${MH_HOLDER_PIDS[$1 - 1]}" --mount --net -- "${@:2}"; }

mh_underlay() {
  ip link add "$MH_BRIDGE" type bridge || tb_die "cannot create bridge $MH_BRIDGE"
  TB_LINKS+=("$MH_BRIDGE")
  ip link set "$MH_BRIDGE" mtu "$MH_MTU" up
  ip addr add "$MH_BRIDGE_ADDR/24" dev "$MH_BRIDGE"
}

# The ZooKeeper server's role from its srvr command; empty when it does not answer.
mh_zk_mode() {
  local port=$1 answer
  answer=$(timeout 2 bash -c "exec 3<>/dev/tcp/$MH_BRIDGE_ADDR/$port && echo srvr >&3 && cat <&3" 2>/dev/null) || true
  sed -n 's/^Mode: //p' <<<"$answer"
}

# Three nsvpn-zk processes in quorum mode on the bridge's address; waits until all serve.
mh_start_ensemble() {
  local base i servers=() deadline port
  base=$((20000 + RANDOM % 20000))
  for i in 1 2 3; do
    servers+=(--server "$i=$MH_BRIDGE_ADDR:$((base + i * 10)):$((base + i * 10 + 1)):$((base + i * 10 + 2))")
  done
  for i in 1 2 3; do
    setsid "$TB_ROOT/scripts/nsvpn-zk" --data-dir "$TB_STATE/zk$i" --id "$i" "${servers[@]}" \
      >"$TB_STATE/zk$i.log" 2>&1 </dev/null &
    MH_ZK_PIDS+=($!)
  done
  TB_ZK_CONNECT=$MH_BRIDGE_ADDR:$((base + 12)),$MH_BRIDGE_ADDR:$((base + 22)),$MH_BRIDGE_ADDR:$((base + 32))
  deadline=$((SECONDS + 60))
  for i in 1 2 3; do
    port=$((base + i * 10 + 2))
    until [[ $(mh_zk_mode "$port") =~ ^(leader|follower)$ ]]; do
      kill -0 "${MH_ZK_PIDS[i - 1]}" 2>/dev/null || tb_die "ZooKeeper server $i exited: $(tail -5 "$TB_STATE/zk$i.log")"
      ((SECONDS < deadline)) || tb_die "ZooKeeper server $i did not join a quorum within 60 s"
      sleep 0.3
    done
  done
  tb_log "ZooKeeper ensemble of 3 serving at $TB_ZK_CONNECT"
}

# Host $1: namespace on the underlay, private /run/netns held by a holder, agent configuration.
mh_host() {
  local i=$1 ns link state deadline
  ns=$(mh_ns "$i")
  link=mh$i$TB_ID
  state=$(mh_state "$i")
  tb_netns_add "$ns"
  ip link add "$link" type veth peer name ul0 netns "$ns" || tb_die "cannot create veth $link"
  TB_LINKS+=("$link")
  ip link set "$link" mtu "$MH_MTU" master "$MH_BRIDGE" up
  ip -n "$ns" link set ul0 mtu "$MH_MTU" up
  ip -n "$ns" addr add "$(mh_addr "$i")/24" dev ul0
  mkdir -p "$state"
  setsid ip netns exec "$ns" sh -c \
    'mkdir -p /run/netns && mount -t tmpfs -o mode=0755,size=1m nsvpn-host-netns /run/netns && exec sleep infinity' \
    </dev/null >"$state/holder.log" 2>&1 &
  MH_HOLDER_PIDS+=($!)
  deadline=$((SECONDS + 10))
  until grep -q "nsvpn-host-netns /run/netns" "/proc/$!/mounts" 2>/dev/null; do
    ((SECONDS < deadline)) || tb_die "host $i's mount namespace did not come up: $(cat "$state/holder.log")"
    sleep 0.1
  done
  cat >"$state/agent.conf" <<EOF
nsvpn.agent {
  state-directory = "$state"
  run-directory = "$state/run"
  host-name = "$(mh_name "$i")"
  zookeeper.connect = "$TB_ZK_CONNECT"
  # One credential for the whole cluster: every agent reads the PSKs the CLI wrote.
  zookeeper.secrets-credential-file = "$TB_STATE/secrets.auth"
  overlay.tunnel-address = "$(mh_addr "$i")"
  ovsdb.default-refresh = 2s
}
nsvpn.plugins.ipsec {
  reconcile-interval = 2s, status-interval = 1s, counters-write-interval = 2s, max-backoff = 4s,
  retry-min = 1s, retry-max = 4s
}
EOF
  MH_COUNT=$i
}

mh_start_agent() {
  local i=$1
  setsid nsenter --target "${MH_HOLDER_PIDS[i - 1]}" --mount --net -- \
    "$TB_ROOT/scripts/nsvpn-agent" --config "$(mh_state "$i")/agent.conf" \
    >"$(mh_state "$i")/agent.log" 2>&1 </dev/null &
  MH_AGENT_PIDS[i - 1]=$!
}

# Waits until host $1's agent is alive in ZooKeeper with its tunnel address published.
mh_await_agent() {
  local i=$1 deadline=$((SECONDS + 90)) out
  while ((SECONDS < deadline)); do
    kill -0 "${MH_AGENT_PIDS[i - 1]}" 2>/dev/null || {
      tail -n 40 "$(mh_state "$i")/agent.log" >&2
      tb_die "agent of host $i exited during start-up (its log is above)"
    }
    if [[ -f $TB_STATE/secrets.auth ]] &&
      out=$(tb_cli_quiet --connect-timeout 2 -e "host list" 2>/dev/null) &&
      grep -q "name $(mh_name "$i") alive true tunnel-address $(mh_addr "$i")" <<<"$out"; then
      return 0
    fi
    sleep 0.5
  done
  tail -n 40 "$(mh_state "$i")/agent.log" >&2
  tb_die "agent of host $i did not report itself alive within 90 s"
}

# The whole cluster: underlay, ensemble, $1 hosts and their agents (the first alone, as it creates
# the shared secrets credential).
mh_start() {
  local n=$1 i
  TB_STATE=$(mktemp -d "/tmp/nsvpn-$TB_TAG-$TB_ID-XXXX")
  chmod 700 "$TB_STATE"
  tb_log "building $n hosts on underlay $MH_BRIDGE (169.254.$MH_SUBNET.0/24, MTU $MH_MTU), state $TB_STATE"
  mh_underlay
  mh_start_ensemble
  for ((i = 1; i <= n; i++)); do mh_host "$i"; done
  mh_start_agent 1
  mh_await_agent 1
  for ((i = 2; i <= n; i++)); do mh_start_agent "$i"; done
  for ((i = 2; i <= n; i++)); do mh_await_agent "$i"; done
  tb_log "$n agents alive, each in its own host namespace"
}

# Number of VPN namespaces left on any host.
mh_vpn_namespaces_present() {
  local i n=0
  for ((i = 1; i <= MH_COUNT; i++)); do
    n=$((n + $(mh_enter "$i" ip netns list 2>/dev/null | grep -c '^vpn-')))
  done
  echo "$n"
}

# The datapath counters of host $1's agent, as it wrote them last (every second).
mh_stats() { cat "$(mh_state "$1")/run/datapath-stats.json" 2>/dev/null; }

# Stops everything mh_start started, the agents after their VPN services are deleted; then
# tb_cleanup removes namespaces, links and the state directory.
mh_cleanup() {
  set +e
  local i pid name existing=() listed deadline java
  java=$(tb_java)
  if ((${#MH_AGENT_PIDS[@]} > 0)) && ((${#TB_VPN_NAMES[@]} > 0)); then
    listed=$(tb_cli_quiet --connect-timeout 5 -e "vpn-service list" 2>/dev/null | awk '{print $4}')
    for name in "${TB_VPN_NAMES[@]}"; do grep -qx -- "$name" <<<"$listed" && existing+=("$name"); done
    if ((${#existing[@]} > 0)); then
      for name in "${existing[@]}"; do echo "vpn-service $name delete"; done >"$TB_STATE/delete.cli"
      tb_cli_quiet -f "$TB_STATE/delete.cli" >/dev/null || tb_warn "some VPN services could not be deleted"
      deadline=$((SECONDS + 60))
      while (($(mh_vpn_namespaces_present) > 0)) && ((SECONDS < deadline)); do sleep 0.2; done
    fi
  fi
  TB_VPN_NAMES=()
  for pid in "${MH_AGENT_PIDS[@]}"; do tb_stop_pid "$pid" "$java" 60; done
  # Beside the other logs, where tb_cleanup keeps them after a failed run.
  for ((i = 1; i <= MH_COUNT; i++)); do
    cp "$(mh_state "$i")/agent.log" "$TB_STATE/host$i-agent.log" 2>/dev/null
  done
  for ((i = 1; i <= MH_COUNT; i++)); do
    for pid in $(cat "$(mh_state "$i")"/run/charon/*/charon.pid 2>/dev/null); do
      tb_stop_pid "$pid" "$TB_CHARON" 5
    done
    for pid in $(cat "$(mh_state "$i")"/ovsdb/*.pid 2>/dev/null); do
      tb_stop_pid "$pid" "$(readlink -f "$(command -v ovsdb-server)")" 5
    done
    if [[ -n ${MH_HOLDER_PIDS[i - 1]:-} ]] && kill -0 "${MH_HOLDER_PIDS[i - 1]}" 2>/dev/null; then
      for name in $(mh_enter "$i" ip netns list 2>/dev/null | awk '{print $1}'); do
        tb_warn "removing left-over namespace $name of host $i"
        mh_enter "$i" ip netns del "$name"
      done
    fi
  done
  for pid in "${MH_HOLDER_PIDS[@]}"; do tb_stop_pid "$pid" "$(readlink -f "$(command -v sleep)")" 5; done
  for pid in "${MH_ZK_PIDS[@]}"; do tb_stop_pid "$pid" "$java" 20; done
  MH_AGENT_PIDS=()
  MH_HOLDER_PIDS=()
  MH_ZK_PIDS=()
}
