#!/usr/bin/env bash
# The reset-tracer demo: builds the agent if needed, runs each sample app under it with a JFR
# recording, prints the reset lines the agent logs, and leaves one .jfr per sample to open in
# JDK Mission Control or read with `jfr print`.
set -euo pipefail
cd "$(dirname "$0")"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JFR_TOOL="${JAVA_HOME:+$JAVA_HOME/bin/}jfr"
JAR=agent/target/reset-tracer.jar
SAMPLES=sample-apps/target/classes
OUT=demo-output

if [[ ! -f $JAR || ! -d $SAMPLES ]] || [[ -n "$(find agent/src sample-apps/src -newer "$JAR" -type f 2>/dev/null | head -1)" ]]; then
  echo "== building reset-tracer (mvn -q -DskipTests package) ..."
  mvn -q -B -DskipTests package -pl agent,sample-apps -am
fi
mkdir -p "$OUT"

run_sample() { # name main-class
  local name=$1 main=$2 jfr="$OUT/$1.jfr"
  echo
  echo "== $name: java -javaagent:$JAR -XX:StartFlightRecording=filename=$jfr -cp $SAMPLES $main"
  rm -f "$jfr"
  "$JAVA" -javaagent:"$JAR" \
    -XX:StartFlightRecording=filename="$jfr",dumponexit=true,settings=default \
    -cp "$SAMPLES" "$main" 2>&1 | grep -v "Sharing is only supported for boot loader classes" || true
  local count
  count=$("$JFR_TOOL" summary "$jfr" 2>/dev/null | awk '$1 == "resettracer.ConnectionReset" {print $2}')
  echo "-- $name: ${count:-0} resettracer.ConnectionReset event(s) recorded in $jfr"
}

run_sample idle-timeout io.resettracer.samples.IdleRelayReset

echo
echo "== done. The recordings are in $OUT/:"
ls -1 "$OUT"/*.jfr
echo "Open them in JDK Mission Control (Event Browser > reset-tracer > Connection Reset), or read them with:"
echo "  $JFR_TOOL print --stack-depth 20 --events resettracer.ConnectionReset $OUT/idle-timeout.jfr"
