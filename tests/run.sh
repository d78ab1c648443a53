#!/usr/bin/env bash
# Runs every test tier (unit, API, store, hypervisor, end-to-end) and prints one summary line.
# End-to-end tests need root and libvirtd (sudo ./install.sh --deps-only starts it); without them
# they are skipped, each saying why. Extra arguments go to `dotnet test`, e.g. --filter Tier=e2e.
set -uo pipefail
cd "$(dirname "$0")/.."

# Formatting is part of the build's contract: .editorconfig's rules, checked before anything runs.
if ! dotnet format Appliance.sln --verify-no-changes --verbosity quiet; then
  echo "Tests: 0 passed, 1 failed, 0 skipped (dotnet format --verify-no-changes: run dotnet format Appliance.sln)"
  exit 1
fi

# Tests that start the appliance as a process (CLI, browser, guests) run the published, trimmed single file users install.
published=$(mktemp -d)
trap 'rm -rf "$published"' EXIT
if ! dotnet publish appliance/Appliance -c Release --nologo -o "$published" >"$published/publish.log" 2>&1; then
  cat "$published/publish.log"
  echo "Tests: 0 passed, 1 failed, 0 skipped (dotnet publish failed)"
  exit 1
fi
export APPLIANCE_BINARY="$published/appliance"

log=$(mktemp)
dotnet test Appliance.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One line per test assembly: "Passed!  - Failed: 0, Passed: 85, Skipped: 0, Total: 85, ...". A --logger of its own
# (e.g. console;verbosity=detailed) prints a "Total tests:" block with "Passed: N" lines instead; counted when no line came.
read -r passed failed skipped < <(awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ {
    lines++
    for (i = 1; i <= NF; i++) {
      if ($i ~ /Failed$/)  f += $(i + 1)
      if ($i ~ / Passed$/) p += $(i + 1)
      if ($i ~ /Skipped$/) s += $(i + 1)
    }
  }
  /^Total tests: / { block = 1; next }
  block && /^ +(Passed|Failed|Skipped): +[0-9]+ *$/ { gsub(/ /, ""); count[$1] += $2; next }
  block { block = 0 }
  END {
    if (!lines) { p = count["Passed"]; f = count["Failed"]; s = count["Skipped"] }
    printf "%d %d %d\n", p, f, s
  }' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the runner failed before any test could
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
