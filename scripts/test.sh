#!/usr/bin/env bash
# Runs every test in Edge.sln. Installs the real peers the tests need (Mosquitto, its clients, kcat)
# and Debian's chromium (status-page tests) when they are missing, so a fresh Debian machine with the .NET 10 SDK needs nothing else.
# Usage: scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || packages+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || packages+=(mosquitto-clients)
command -v kcat >/dev/null 2>&1 || packages+=(kcat)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
# The gateway's SNTP server (gateway/tests/Edge.Gateway.Tests/Time) is asked by ntpsec's ntpdig (package sntp).
command -v ntpdig >/dev/null 2>&1 || packages+=(sntp)
# Raspberry Pi package tests (gateway/tests/Edge.Gateway.Deploy.Tests): qemu-user runs the linux-arm64 build against
# Debian's arm64 libraries (multiarch: the same bookworm builds Raspberry Pi OS ships, OpenSSL included). The
# unit file and scripts in gateway/deploy are checked with shellcheck and systemd-analyze.
command -v qemu-aarch64 >/dev/null 2>&1 || packages+=(qemu-user)
arm64=()
[ -e /lib/aarch64-linux-gnu/libc.so.6 ] || arm64+=(libc6:arm64)
[ -e /usr/lib/aarch64-linux-gnu/libstdc++.so.6 ] || arm64+=(libstdc++6:arm64)
[ -e /lib/aarch64-linux-gnu/libgcc_s.so.1 ] || arm64+=(libgcc-s1:arm64)
[ -e /usr/lib/aarch64-linux-gnu/libssl.so.3 ] || arm64+=(libssl3:arm64)
packages+=("${arm64[@]}")
# Power-loss tests (testing/crashfs): a FUSE file system the tests compile with gcc against libfuse3 on first use.
command -v fusermount3 >/dev/null 2>&1 || packages+=(fuse3)
[ -e /usr/include/fuse3/fuse.h ] || packages+=(libfuse3-dev)
command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
command -v gcc >/dev/null 2>&1 || packages+=(gcc)
command -v shellcheck >/dev/null 2>&1 || packages+=(shellcheck)
command -v systemd-analyze >/dev/null 2>&1 || packages+=(systemd)
# Coverage-guided fuzz run of the gateway ingest (gateway/fuzz): AFL++ drives the sharpfuzz-instrumented harness.
command -v afl-fuzz >/dev/null 2>&1 || packages+=(afl++)
# QoS 2 exactly once from Eclipse Paho (gateway/tests/Edge.Gateway.Tests/ExactlyOnce/paho_qos2.py), on Debian's python3.
/usr/bin/python3 -c 'import paho.mqtt.client' >/dev/null 2>&1 || packages+=(python3-paho-mqtt)
if [ ${#packages[@]} -gt 0 ]; then
  echo "test.sh: installing Debian packages: ${packages[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if [ ${#arm64[@]} -gt 0 ]; then
    $sudo dpkg --add-architecture arm64
  fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" </dev/null
  # Debian's mosquitto package starts a system broker on 1883, the gateway's default port. The tests start their
  # own brokers on free ports, so stop the one this script just installed (never one that was there before).
  if [[ " ${packages[*]} " == *" mosquitto "* ]] && command -v systemctl >/dev/null 2>&1; then
    $sudo systemctl disable --now mosquitto >/dev/null 2>&1 || true
  fi
fi

# Local dotnet tools (.config/dotnet-tools.json): sharpfuzz instruments assemblies for the AFL run.
dotnet tool restore >/dev/null || echo "test.sh: dotnet tool restore failed; the AFL fuzz test (gateway/tests) will say so" >&2

results="$(mktemp -d)"
log="$results/test.log"
set +e
# One build of the whole solution (samples, benchmarks and tools included), then every test project of Edge.sln with
# --no-build. `dotnet test Edge.sln` left the order to MSBuild's scheduler, which ran each test assembly on the node
# that built it, beside compilations, with no say in which long assembly starts when (the last such CI run took 1,248 s
# for about 900 s of summed assembly durations). Here the build is done before any test starts, and the test projects
# run in EDGE_TEST_LANES parallel lanes (default 2, the machine's cores), longest first, so the two long ones
# (Edge.Gateway.Tests, Edge.HardwareTests.Tests) start together and the short ones fill in after them.
echo "test.sh: $(date -u +%T) building Edge.sln"
build_started=$SECONDS
dotnet build Edge.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
build_seconds=$((SECONDS - build_started))
if [ "$status" -ne 0 ]; then
  echo "test.sh: the build failed (exit $status); no tests were run"
  exit "$status"
fi

# Every project of Edge.sln named *.Tests (Directory.Build.props makes exactly those test projects).
mapfile -t all < <(dotnet sln Edge.sln list | tr '\\' '/' | grep -E '(^|/)[^/]*\.Tests\.csproj$')
if [ ${#all[@]} -eq 0 ]; then
  echo "test.sh: no test project found in Edge.sln" >&2
  exit 1
fi
# Longest first (durations of the last measured CI run), then the rest in solution order.
first=(Edge.HardwareTests.Tests Edge.Gateway.Tests Edge.Gateway.PowerLoss.Tests Edge.Device.Meadow.NetStandard.Tests
  Edge.Device.Meadow.Tests Edge.Gateway.Deploy.Tests)
projects=()
for name in "${first[@]}"; do
  for p in "${all[@]}"; do [ "$(basename "$p" .csproj)" = "$name" ] && projects+=("$p"); done
done
for p in "${all[@]}"; do
  [[ " ${first[*]} " == *" $(basename "$p" .csproj) "* ]] || projects+=("$p")
done

lanes="${EDGE_TEST_LANES:-2}"
run_one() {
  local project="$1" name started rc
  shift
  name="$(basename "$project" .csproj)"
  started=$SECONDS
  echo "test.sh: $(date -u +%T) start $name"
  rc=0
  dotnet test "$project" -c Release --no-build --blame-hang-timeout 10m --logger "console;verbosity=minimal" "$@" \
    >"$results/$name.log" 2>&1 </dev/null || rc=$?
  echo "$rc" >"$results/$name.rc"
  echo "$((SECONDS - started))" >"$results/$name.seconds"
  # Whole logs, one at a time, so the lanes' output does not interleave.
  flock "$results/print.lock" bash -c 'cat "$1"; echo "test.sh: $(date -u +%T) done $2: exit $3 after $4 s"' _ \
    "$results/$name.log" "$name" "$rc" "$((SECONDS - started))"
}
echo "test.sh: $(date -u +%T) ${#projects[@]} test projects in $lanes lanes"
tests_started=$SECONDS
for project in "${projects[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$lanes" ]; do wait -n || true; done
  run_one "$project" "$@" &
done
wait
tests_seconds=$((SECONDS - tests_started))
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  cat "$results/$name.log" >>"$log"
  # A project that failed, or whose lane did not report (killed), fails the run.
  if [ "$(cat "$results/$name.rc" 2>/dev/null || echo missing)" != 0 ]; then
    echo "test.sh: $name failed (exit $(cat "$results/$name.rc" 2>/dev/null || echo missing))"
    status=1
  fi
done

# One closing line for people and CI: totals across every test project.
awk '
  /(Passed|Failed)!  - Failed:/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1)
    }
  }
  /^ +Passed: +[0-9]+$/ { p += $2 } /^ +Failed: +[0-9]+$/ { f += $2 } /^ +Skipped: +[0-9]+$/ { s += $2 }
  END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
# Where the time went: the build, the test phase, and each project's wall time in its lane.
echo "test.sh: build ${build_seconds} s, tests ${tests_seconds} s in $lanes lanes; per project (s):"
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  printf '  %5s  %s\n' "$(cat "$results/$name.seconds" 2>/dev/null || echo '?')" "$name"
done
exit "$status"
