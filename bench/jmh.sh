#!/usr/bin/env bash
# Runs the JMH microbenchmarks of the benchmarks module; arguments go to JMH.
#   bench/jmh.sh                          # all
#   bench/jmh.sh ShuffleCombine -p users=1000000
#   bench/jmh.sh -l                       # list
# Environment: SKIP_BUILD=1 to skip the maven build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f benchmarks/target/classpath.txt ]]; then
  mvn -B -ntp -q -DskipTests package -pl benchmarks -am >&2
fi
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main "$@"
