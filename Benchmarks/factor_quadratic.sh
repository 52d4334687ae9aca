#!/usr/bin/env bash
# A user's own `solve` with a factor model's risk written `quad(F' * (w - b), S)` (issue 22), next to the
# same problem with the exposures named by hand (`var f[K]`, `f == F' * (w - b)`, `quad(f, S)`): GNU time's
# wall time and peak memory of the whole `tilt run` (reading the CSV files included). The data are a
# seeded synthetic K-factor model (Python's standard library, so the files are the same on every run).
# Needs a release build:
#
#   swift build -c release --product tilt
#   Benchmarks/factor_quadratic.sh [SIZES] [TILT]     # default "2000", .build/release/tilt
#
# Then the same risk in a month's view, as Docs/language.md writes a strategy's there (`at 2005-12` on the
# built-in synthetic market of as many stocks, OLS over 120 months), with the specific part written
# `quad(w - b, diag(E))` (a dense n × n diag(E), checked from its diagonal) and `sumsq(sqrt(E) .* (w - b))`.
#
# Prints a Markdown table: each run's status (interior-point iterations), optimum (which the forms must
# share), wall time in seconds and peak memory in MB. Nothing is asserted (DenseRowLiftingTests checks the forms agree).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-"2000"}
tilt=${2:-.build/release/tilt}
[ -x "$tilt" ] || { echo "build first: swift build -c release --product tilt" >&2; exit 1; }
tilt=$(realpath "$tilt")
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "| assets | form | status | optimum | process wall (s) | peak memory (MB) |"
echo "|---:|---|---|---:|---:|---:|"
# Runs $work/PROGRAM under GNU time and prints its table row for size $n: LABEL, the status (output line
# LINE, with its iteration count, and the line after it), the optimum (the next line), wall s and peak MB.
row() {
  local program=$1 label=$2 line=$3 wall kb iterations
  (cd "$work" && /usr/bin/time -f '%e %M' -o time "$tilt" run "$program" > out)
  read -r wall kb < "$work/time"
  iterations=$(sed -n "${line}p" "$work/out" | grep -o '[0-9]* iterations' || true)
  echo "| $n | $label | $(sed -n "$((line + 1))p" "$work/out") ($iterations) | $(sed -n "$((line + 2))p" "$work/out") | $wall | $((kb / 1024)) |"
}
for n in $sizes; do
  python3 - "$n" "$work" <<'EOF'
import math, random, sys
n, folder, k = int(sys.argv[1]), sys.argv[2], 5
rng = random.Random(22)
def write(name, rows):
    with open(f"{folder}/{name}.csv", "w") as out:
        out.writelines(",".join(f"{x:.17g}" for x in row) + "\n" for row in rows)
# Loadings (a row per asset: a market beta near 1, then style loadings), a factor covariance G Gᵀ + 1e-4 I
# (monthly, decimal²), residual variances 0.002–0.006, expected returns up to 1% a month, cap weights b.
write("F", [[1 + rng.uniform(-0.5, 0.5)] + [rng.uniform(-1, 1) for _ in range(k - 1)] for _ in range(n)])
g = [[rng.uniform(-0.02, 0.02) for _ in range(k)] for _ in range(k)]
write("S", [[sum(g[a][j] * g[c][j] for j in range(k)) + (1e-4 if a == c else 0) for c in range(k)] for a in range(k)])
write("E", [[rng.uniform(0.002, 0.006)] for _ in range(n)])
write("mu", [[rng.uniform(0, 0.01)] for _ in range(n)])
caps = [math.exp(rng.uniform(0, 4)) for _ in range(n)]
write("b", [[c / sum(caps)] for c in caps])
EOF
  for form in "written" "hand-lifted"; do
    if [ "$form" = written ]; then
      declare="" risk="quad(F' * (w - b), S)" tie=""
    else
      declare="var f[cols(F)]" risk="quad(f, S)" tie=", f == F' * (w - b)"
    fi
    printf '%s\n' 'let F = read("F.csv")' 'let S = read("S.csv")' 'let E = read("E.csv")' 'let b = read("b.csv")' \
      'let mu = read("mu.csv")' 'var w[rows(b)]' "$declare" \
      "solve maximize mu' * w - 5 * ($risk + sumsq(sqrt(E) .* (w - b))) s.t. sum(w) == 1, w >= 0$tie" \
      'print status' 'print format(optval)' > "$work/p.tilt"
    row p.tilt "$form \`$risk\`" 1
  done
done
for n in $sizes; do
  for specific in "quad(w - b, diag(E))" "sumsq(sqrt(E) .* (w - b))"; do
    risk="quad(F * (w - b), Sigma_f) + $specific"
    printf '%s\n' "universe synthetic(stocks: $n, seed: 42, from: 1995-01, to: 2006-12)" 'model ols(window: rolling 120)' \
      'at 2005-12' 'var w[rows(b)]' "solve maximize mu' * F * (w - b) - 5 * ($risk) s.t. sum(w) == 1, w >= 0" \
      'print status' 'print format(optval)' > "$work/m.tilt"
    row m.tilt "month view \`$risk\`" 3
  done
done
