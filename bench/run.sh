#!/usr/bin/env bash
# Runs every benchmark in turn: the durable log, the pipeline (Edge vs Mosquitto vs the naive bridge), the device side
# and the gateway's start-up per build (bench/Edge.Bench.Startup; it publishes 6 builds, about 20 more minutes).
#   bench/run.sh            full runs (about 10 minutes; the numbers in docs/benchmarks.md)
#   bench/run.sh --quick    everything small, for checking a change (about a minute after the build; not for quoting)
# Extra arguments go to the pipeline benchmark, e.g. bench/run.sh --quick --out /tmp/bench for its chart.
# The pipeline needs mosquitto, mosquitto_sub and kcat (scripts/test.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
pipeline=()
for arg in "$@"; do
  if [[ "$arg" == --quick ]]; then quick=(--quick); else pipeline+=("$arg"); fi
done

projects=(bench/Edge.Bench bench/Edge.Bench.Pipeline bench/Edge.Bench.Device bench/Edge.Bench.Startup)
for project in "${projects[@]}"; do
  dotnet build "$project" -c Release -v quiet -nologo >/dev/null
done

start=$SECONDS
dotnet run --project bench/Edge.Bench -c Release --no-build -- log "${quick[@]}"
dotnet run --project bench/Edge.Bench.Pipeline -c Release --no-build -- "${quick[@]}" "${pipeline[@]}"
dotnet run --project bench/Edge.Bench.Device -c Release --no-build -- "${quick[@]}"
# Start-up publishes each build first (minutes each; --quick: only the framework-dependent and the Pi builds).
startup=(); [ ${#quick[@]} -eq 0 ] || startup=(--quick --variants fdd arm64 arm64-r2r)
dotnet run --project bench/Edge.Bench.Startup -c Release --no-build -- "${startup[@]}"
echo "bench/run.sh: all benchmarks done in $((SECONDS - start)) s"
