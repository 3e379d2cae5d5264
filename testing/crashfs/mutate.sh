#!/usr/bin/env bash
# Mutation proof for the power-loss tests: removes ONE durability call (fsync, fdatasync, directory fsync, or the
# parent fsyncs of a durable directory creation) at a time in a scratch git worktree, rebuilds, runs the power-loss
# tests that cover it (stages in order, stopping at the first failure) and prints a Markdown table row per mutation:
# which test caught it, or NOT caught. Never touches the main working tree.
#
# Usage: testing/crashfs/mutate.sh [--list] [ID ...]      (no IDs: all mutations, one at a time)
# Environment: MUTATE_TREE (default /tmp/edge-mutate), MUTATE_REV (default HEAD), MUTATE_BASELINE=1 runs every stage
#              unmutated first (they must all pass for the results to mean anything).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
tree="${MUTATE_TREE:-/tmp/edge-mutate}"
rev="$(git -C "$repo" rev-parse "${MUTATE_REV:-HEAD}")"

GW=gateway/tests/Edge.Gateway.PowerLoss.Tests
MEADOW=sdk/Meadow/tests/Edge.Device.Meadow.PowerLoss.Tests
RANDOM_CUTS="$GW:FullyQualifiedName~GatewayPowerLossTests.PowerCut_AtRandomMoments"
MOMENTS="$GW:FullyQualifiedName~GatewayPowerLossTests.PowerCut_DuringSegmentRoll"
FRESH="$GW:FullyQualifiedName~GatewayPowerLossTests.PowerCut_GatewayCreatedNested"
CHECKPOINT="$GW:FullyQualifiedName~GatewayPowerLossTests.PowerCut_RightAfterACheckpointWasWritten"
RETENTION="$GW:FullyQualifiedName~GatewayPowerLossTests.PowerCut_DuringAndAfterRetentionDelete"
RECUT="$GW:FullyQualifiedName~GatewayPowerLossTests.PowerCut_RightAfterRecoveryCut"
PROVISION="$GW:FullyQualifiedName~ProvisioningPowerLossTests"
FLASH="$GW:FullyQualifiedName~FlashQueuePowerLossTests"
QUEUE="$MEADOW:Category=PowerLoss"

# id | file | exact code to remove (must occur once) | replacement | stages (space-separated project:filter)
mutations=(
  "G1|sdk/Storage/src/Edge.Storage/Segments/SegmentWriter.cs|FileSync.FlushData(_handle);||$RANDOM_CUTS $MOMENTS $QUEUE"
  "G2|sdk/Storage/src/Edge.Storage/Segments/SegmentWriter.cs|FileSync.FlushDirectory(_directory);||$RANDOM_CUTS $MOMENTS $QUEUE"
  "R1|sdk/Storage/src/Edge.Storage/Segments/SegmentRecovery.cs|FileSync.FlushData(stream);||$RECUT $RANDOM_CUTS"
  "L1|gateway/src/Edge.Gateway.Log/Internal/DurableLogCore.Writer.cs|Interlocked.Add(ref _fsyncs, writer.Flush());||$RANDOM_CUTS $MOMENTS"
  "L8|gateway/src/Edge.Gateway.Log/Internal/DurableLogCore.Retention.cs|NativeFileSync.FlushDirectory(_directory);||$RETENTION"
  "L7|gateway/src/Edge.Gateway.Log/Internal/DurableLogCore.Recovery.cs|DurableDirectory.Create(options.Directory).FullPath;|System.IO.Directory.CreateDirectory(options.Directory).FullName;|$FRESH $RANDOM_CUTS"
  "S1|gateway/src/Edge.Gateway/Security/DeviceCredentialStore.cs|Edge.Storage.FileSync.FlushData(stream);||$PROVISION"
  "S2|gateway/src/Edge.Gateway/Security/DeviceCredentialStore.cs|Edge.Storage.FileSync.FlushDirectory(Path.GetDirectoryName(_path)!);||$PROVISION"
  "S3|gateway/src/Edge.Gateway/Security/DeviceCredentialStore.cs|Edge.Storage.DurableDirectory.Create(storagePath);|Directory.CreateDirectory(storagePath);|$PROVISION"
  "S4|gateway/src/Edge.Gateway/Security/SiteCertificates.cs|Edge.Storage.FileSync.FlushData(stream);||$PROVISION"
  "S5|gateway/src/Edge.Gateway/Security/SiteCertificates.cs|Edge.Storage.FileSync.FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);||$PROVISION"
  "S6|gateway/src/Edge.Gateway/Security/SiteCertificates.cs|Edge.Storage.DurableDirectory.Create(directory);|Directory.CreateDirectory(directory);|$PROVISION"
  "M1|sdk/Meadow/src/Edge.Device.Meadow/Queue/DurableQueue.Writing.cs|fsyncs += _segmentWriter.Flush();||$QUEUE"
  "M3|sdk/Meadow/src/Edge.Device.Meadow/Queue/DurableQueue.Writing.cs|var fsyncs = _segmentWriter.Flush();|var fsyncs = 0;|$QUEUE"
  "M6|sdk/Meadow/src/Edge.Device.Meadow/Queue/DurableQueue.cs|DurableDirectory.Create(directory);|Directory.CreateDirectory(directory);|$QUEUE"
  "M7|sdk/Meadow/src/Edge.Device.Meadow/Queue/BootCounter.cs|DurableDirectory.Create(directory);|Directory.CreateDirectory(directory);|$QUEUE"
  "N1|sdk/nanoFramework/src/Edge.Device.NanoFramework/Queue/FlashStorage.cs|Edge.Storage.FileSync.FlushData(stream);||$FLASH"
  "N2|sdk/nanoFramework/src/Edge.Device.NanoFramework/Queue/FlashStorage.cs|Edge.Storage.FileSync.FlushDirectory(directory);||$FLASH"
  "N3|sdk/nanoFramework/src/Edge.Device.NanoFramework/Queue/FlashStorage.cs|Edge.Storage.DurableDirectory.Create(path);|Directory.CreateDirectory(path);|$FLASH"
  "C1|sdk/Storage/src/Edge.Storage/AtomicFile.cs|FileSync.FlushData(stream);||$CHECKPOINT $RANDOM_CUTS $QUEUE"
  "C2|sdk/Storage/src/Edge.Storage/AtomicFile.cs|FileSync.FlushDirectory(directory);||$CHECKPOINT $RANDOM_CUTS $QUEUE"
  "C3|sdk/Storage/src/Edge.Storage/DurableDirectory.cs|FileSync.FlushDirectory(parent);||$FRESH $PROVISION $QUEUE $FLASH"
)

if [ "${1:-}" = "--list" ]; then
  for m in "${mutations[@]}"; do IFS='|' read -r id file code _ <<<"$m"; echo "$id $file: ${code%%$'\n'*}"; done
  exit 0
fi

if [ ! -e "$tree/.git" ]; then
  git -C "$repo" worktree add --detach "$tree" "$rev" >/dev/null
fi
git -C "$tree" checkout -q -- .
git -C "$tree" checkout -q --detach "$rev"

build() { # project
  dotnet build "$tree/$1" -c Release -v q -nologo -p:RunAnalyzers=false -p:TreatWarningsAsErrors=false >"$tree.build.log" 2>&1 \
    || { echo "build of $1 failed, see $tree.build.log" >&2; return 1; }
}

# Runs the stages in order; prints the first failing test (project: test names) or nothing.
run_stages() { # stages...
  local stage project filter log failed
  for stage in "$@"; do
    project="${stage%%:*}"; filter="${stage#*:}"
    log="$tree.test.log"
    if ! dotnet test "$tree/$project" -c Release --no-build --filter "$filter" --logger "console;verbosity=normal" >"$log" 2>&1; then
      failed="$(grep -E '^\s+Failed [A-Za-z]' "$log" | sed -E 's/^\s+Failed ([^ ]+).*/\1/' | sed -E 's/^Edge\.[A-Za-z.]*Tests\.//' | sort -u | paste -sd ',' -)"
      echo "${failed:-$filter (run failed, see $log)}"
      return 0
    fi
  done
}

projects_of() { local s p=(); for s in "$@"; do p+=("${s%%:*}"); done; printf '%s\n' "${p[@]}" | sort -u; }

if [ "${MUTATE_BASELINE:-0}" = "1" ]; then
  for p in "$GW" "$MEADOW"; do build "$p"; done
  caught="$(run_stages "$RANDOM_CUTS" "$MOMENTS" "$FRESH" "$CHECKPOINT" "$RETENTION" "$RECUT" "$PROVISION" "$FLASH" "$QUEUE")"
  if [ -n "$caught" ]; then echo "baseline FAILS ($caught): fix that first" >&2; exit 1; fi
  echo "baseline: every stage passes at $rev"
fi

echo "| id | call removed | caught by |"
echo "|---|---|---|"
for m in "${mutations[@]}"; do
  IFS='|' read -r id file code replacement stages <<<"$(printf '%s' "$m" | tr '\n' '\037')"
  code="$(printf '%s' "$code" | tr '\037' '\n')"; replacement="$(printf '%s' "$replacement" | tr '\037' '\n')"
  stages="$(printf '%s' "$stages" | tr '\037' ' ')"
  if [ $# -gt 0 ] && [[ " $* " != *" $id "* ]]; then continue; fi
  git -C "$tree" checkout -q -- .
  if ! MUT_FILE="$tree/$file" MUT_CODE="$code" MUT_REPL="$replacement" python3 - <<'EOF'
import os, sys
path, code, repl = os.environ["MUT_FILE"], os.environ["MUT_CODE"], os.environ["MUT_REPL"]
text = open(path).read()
if text.count(code) != 1:
    sys.exit(f"{path}: the code to remove occurs {text.count(code)} times")
open(path, "w").write(text.replace(code, (repl + " /* MUTATION */") if repl else "; /* MUTATION: removed */"))
EOF
  then
    echo "| $id | \`$file\` | mutation not applicable at $rev (code changed) |"; continue
  fi
  # shellcheck disable=SC2086
  for p in $(projects_of $stages); do build "$p" || { echo "| $id | \`$file\` | BUILD FAILED |"; continue 2; }; done
  # shellcheck disable=SC2086
  caught="$(run_stages $stages)"
  echo "| $id | \`${file##*/}\`: \`${code%%$'\n'*}\` | ${caught:-NOT caught} |"
done
git -C "$tree" checkout -q -- .
