#!/usr/bin/env bash
# The security harnesses, one command each; each prints its table (CI runs the short versions inside ./tests/run.sh).
#   ./tests/security.sh fuzz [CASES] [SEED]   request fuzzing of every route (default 100000 cases, seed 1)
#   ./tests/security.sh isolation             the isolation matrix: foreign tokens, member tokens on admin routes, lists
#   ./tests/security.sh secrets               secrets in log lines and files under the data dir (modes)
set -uo pipefail
cd "$(dirname "$0")/.."

what=${1:-}
case "$what" in
  fuzz)      filter="FullyQualifiedName~Appliance.Tests.Security.RequestFuzzTests"
             export APPLIANCE_FUZZ_CASES=${2:-100000} APPLIANCE_FUZZ_SEED=${3:-1} ;;
  isolation) filter="FullyQualifiedName~Appliance.Tests.Security.IsolationMatrixTests" ;;
  secrets)   filter="FullyQualifiedName~Appliance.Tests.Security.SecretsAtRestTests" ;;
  *) echo "usage: $0 fuzz [CASES] [SEED] | isolation | secrets" >&2; exit 2 ;;
esac

report=$(mktemp)
export APPLIANCE_SECURITY_REPORT=$report
dotnet test tests/Appliance.Tests -c Release --nologo --filter "$filter" > "$report.log" 2>&1
status=$?
cat "$report"
if [ "$status" -ne 0 ]; then
  grep -a -v '^   at \|^--- End' "$report.log" | grep -a -A40 'Error Message' | head -80
fi
grep -a -E '(Passed|Failed)! +-' "$report.log"
rm -f "$report" "$report.log"
exit "$status"
