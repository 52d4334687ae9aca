#!/usr/bin/env bash
# The regime-aware objectives next to the canonical `mu'f` problem (issue 22), on the built-in synthetic
# market. For each size, objective and model: `tilt bench strategy --solve-only` times each rebalance's
# solve as the backtest does it (median of 3 solves; the active-set method when it applies, else the
# interior-point path; the table gives the median over the months), and GNU time gives the wall time (median of 3) and peak memory of `tilt run` on the
# program — what a user waits for: data generation, the model's estimation at every rebalance, the solves
# and the report on standard output. Needs a release build:
#
#   swift build -c release --product tilt
#   Benchmarks/regime_objectives.sh [SIZES] [MONTHS]   # defaults "500 2000 5000" and 1 (rebalances,
#                                                      # monthly, ending 2005-12)
#
# Prints a Markdown table (solve in milliseconds, wall in seconds, memory in MB). Nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
tilt=.build/release/tilt
[ -x "$tilt" ] || { echo "build first: swift build -c release --product tilt" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }
sizes=${1:-"500 2000 5000"}
months=${2:-1}
first=$(python3 -c "y, m = divmod(2005 * 12 + 11 - ($months - 1), 12); print(f'{y}-{m + 1:02d}')")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "| stocks | model | objective | method | solve (ms) | \`tilt run\` wall (s) | peak memory (MB) |"
echo "|---:|---|---|---|---:|---:|---:|"
for n in $sizes; do
  for model in "ols(window: rolling 120)" "regime(states: 2, covariance: full, horizon: 1)"; do
    for objective in "maximize mu'f s.t. tev <= 6%" "maximize regime_utility(phi: 5) s.t. tev <= 6%" \
                     "minimize evar(95%) s.t. tev <= 6%"; do
      program="$work/p.tilt"
      printf '%s\n' "universe synthetic(stocks: $n, seed: 42, from: 1995-01, to: 2006-12)" "benchmark mktcap" \
        "model $model" "$objective" "rebalance monthly from $first to 2005-12" > "$program"
      "$tilt" bench strategy "$program" --repeats 3 --months --solve-only > "$work/out"
      # Month lines: "2005-12  <method>  <x> ms  canonical …"; the summary: "structured  median  <x> ms …".
      method=$(awk '/ ms / && $1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]$/ { m = $0; sub(/^[^ ]+ +/, "", m); sub(/ +[0-9.]+ ms.*/, "", m); count[m]++ }
                    END { for (m in count) printf "%s%s", (n++ ? ", " : ""), (count[m] == '"$months"' ? m : m " (" count[m] ")") }' "$work/out")
      solve=$(awk '$1 == "structured" && $2 == "median" { printf "%.2f", $3 }' "$work/out")
      walls=()
      for _ in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$work/time" "$tilt" run "$program" > /dev/null
        read -r wall kb < "$work/time"
        walls+=("$wall")
      done
      wall=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n 2p)
      echo "| $n | ${model%%(*} | \`$objective\` | $method | $solve | $wall | $((kb / 1024)) |"
    done
  done
done
