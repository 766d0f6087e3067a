#!/usr/bin/env bash
# The reset-tracer demo: builds the agent if needed, runs one sample app per cause under it, each
# with its own JFR recording, shows what each application and the agent saw, and ends with a table:
# per scenario, the resets recorded, their verdicts and confidence. The recordings stay in
# demo-output/ to open in JDK Mission Control or read with `jfr print`.
set -euo pipefail
cd "$(dirname "$0")"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JFR_TOOL="${JAVA_HOME:+$JAVA_HOME/bin/}jfr"
JAR=agent/target/reset-tracer.jar
SAMPLES=sample-apps/target/classes
OUT=demo-output
PKG=io.resettracer.samples

# scenario name and main class, in the order of the table
SCENARIOS=(
  "idle-timeout IdleTimeoutSample"
  "keepalive-mismatch KeepaliveMismatchSample"
  "peer-crash PeerCrashSample"
  "resource-exhaustion ResourceExhaustionSample"
  "network-device NetworkDeviceSample"
  "large-payload LargePayloadSample"
  "network-instability NetworkInstabilitySample"
  "connection-lifetime ConnectionLifetimeSample"
  "request-limit RequestLimitSample"
  "thin-evidence ThinEvidenceSample"
)

if [[ ! -f $JAR || ! -f $SAMPLES/io/resettracer/samples/DemoTable.class ]] \
    || [[ -n "$(find agent/src sample-apps/src -newer "$JAR" -type f 2>/dev/null | head -1)" ]]; then
  echo "== building reset-tracer (mvn -q -DskipTests package) ..."
  mvn -q -B -DskipTests package -pl agent,sample-apps -am
fi
mkdir -p "$OUT"

# Packet loss needs a network namespace of its own, where iptables and sysctls touch nothing else.
namespace_missing() {
  [[ $(id -u) -eq 0 ]] || { echo "needs root for a private network namespace"; return; }
  for tool in unshare ip iptables; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed"; return; }
  done
  unshare -n true 2>/dev/null || echo "unshare -n does not work here"
}

run_sample() { # name main-class
  local name=$1 main=$PKG.$2 jfr="$OUT/$1.jfr" log="$OUT/$1.log" launcher=()
  rm -f "$jfr" "$log"
  if [[ $name == network-instability ]]; then
    local missing
    missing=$(namespace_missing)
    if [[ -n $missing ]]; then
      echo
      echo "== $name: skipped ($missing)"
      echo "SKIP $missing" > "$log"
      return
    fi
    launcher=(unshare -n)
  fi
  echo
  # The samples open their connections in their first milliseconds; by default the agent would not
  # hold them up, and would track those connections only from their next read or write.
  echo "== $name: ${launcher[*]:+${launcher[*]} }java -javaagent:$JAR=startupWait=10s -XX:StartFlightRecording=filename=$jfr -cp $SAMPLES $main"
  "${launcher[@]}" "$JAVA" -javaagent:"$JAR"=startupWait=10s \
    -XX:StartFlightRecording=filename="$jfr",dumponexit=true,settings=default \
    -cp "$SAMPLES" "$main" 2>&1 \
    | grep --line-buffered -v -e "Sharing is only supported for boot loader classes" -e "jfr,startup" \
    | tee "$log" || true
}

names=()
for scenario in "${SCENARIOS[@]}"; do
  read -r name main <<< "$scenario"
  run_sample "$name" "$main"
  names+=("$name")
done

echo
echo "== summary (from the recordings in $OUT/)"
"$JAVA" -cp "$SAMPLES" $PKG.DemoTable "$OUT" "${names[@]}"
echo
echo "Open the recordings in JDK Mission Control (Event Browser > reset-tracer), or read them with:"
echo "  $JFR_TOOL print --events resettracer.ConnectionReset $OUT/idle-timeout.jfr"
