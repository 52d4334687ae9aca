#!/usr/bin/env bash
# One rebalance of the regime-aware objectives next to the canonical `mu'f` problem (issue 22), on the
# built-in synthetic market: for each size, objective and model, `tilt bench strategy` times (median of 3) the
# rebalance's solve (as the backtest solves it: the active-set method when it applies, else the
# interior-point path) and GNU time the whole process's wall time and peak memory (data generation and
# the model's estimation included). Needs a release build:
#
#   swift build -c release --product tilt
#   Benchmarks/regime_objectives.sh [SIZES]        # default "500 2000 5000"
#
# Prints a Markdown table (solve in milliseconds, process wall in seconds, memory in MB). Nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
tilt=.build/release/tilt
[ -x "$tilt" ] || { echo "build first: swift build -c release --product tilt" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }
sizes=${1:-"500 2000 5000"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "| stocks | model | objective | method | solve (ms) | process wall (s) | peak memory (MB) |"
echo "|---:|---|---|---|---:|---:|---:|"
for n in $sizes; do
  for model in "ols(window: rolling 120)" "regime(states: 2, covariance: full, horizon: 1)"; do
    for objective in "maximize mu'f s.t. tev <= 6%" "maximize regime_utility(phi: 5) s.t. tev <= 6%" \
                     "minimize evar(95%) s.t. tev <= 6%"; do
      program="$work/p.tilt"
      printf '%s\n' "universe synthetic(stocks: $n, seed: 42, from: 1995-01, to: 2006-12)" "benchmark mktcap" \
        "model $model" "$objective" "rebalance monthly from 2005-12 to 2005-12" > "$program"
      /usr/bin/time -f '%e %M' -o "$work/time" "$tilt" bench strategy "$program" --repeats 3 --months --solve-only > "$work/out"
      read -r wall kb < "$work/time"
      method=$(awk 'NR==1 { $1 = ""; sub(/^ +/, ""); sub(/ +[0-9.]+ ms.*/, ""); print }' "$work/out")
      solve=$(awk 'NR==1 { for (i = 2; i <= NF; i++) if ($(i+1) == "ms") { printf "%.2f", $i; exit } }' "$work/out")
      echo "| $n | ${model%%(*} | \`$objective\` | $method | $solve | $wall | $((kb / 1024)) |"
    done
  done
done
