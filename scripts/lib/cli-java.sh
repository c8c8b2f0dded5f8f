# Sourced by scripts/nsvpn-cli and scripts/nsvpn-swanctl: how to start the CLI's JVM quickly.
#
# A one-shot call is mostly JVM start-up and class loading. An application class-data-sharing
# archive (AppCDS) of the classes a call loads, made once per jar by a training run of the commands in
# packaging/cli-training.cli against an embedded store, cuts that by about a third (docs/performance.md, "CLI"). The archive lives beside
# the jar; it is made again when the jar is newer, written under a temporary name and renamed, so
# concurrent first calls never read half of one. JVM logging is off except errors on stderr: a
# stale or missing archive is then silently not used, and nothing but the CLI's own output reaches
# stdout.

# cli_java JAR: prints the java options for JAR, one per line, making the archive if needed.
cli_java() {
  local jar=$1 jsa tmp work
  jsa="${jar%.jar}.jsa"
  printf "%s\n" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1m -XX:-UsePerfData -Xshare:auto \
    -Xlog:disable -Xlog:all=error:stderr
  if [[ ! -s $jsa || $jar -nt $jsa ]] && [[ -w $(dirname "$jsa") ]]; then
    tmp="$jsa.$$.tmp"
    work=$(mktemp -d /tmp/nsvpn-cli-cds-XXXXXX)
    if java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1m -XX:ArchiveClassesAtExit="$tmp" \
      -Xlog:disable -Xlog:all=error:stderr -jar "$jar" --home "$work" --embedded "$work/zk" \
      -f "$(dirname "${BASH_SOURCE[0]}")/../../packaging/cli-training.cli" \
      <<<"training-only-psk" >/dev/null 2>&1; then
      mv -f "$tmp" "$jsa"
    fi
    rm -rf "$work" "$tmp"
  fi
  [[ -s $jsa ]] && printf '%s\n' "-XX:SharedArchiveFile=$jsa"
  return 0
}
