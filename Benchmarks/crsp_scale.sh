#!/usr/bin/env bash
# Scale benchmark of the CRSP path (issue 16, item 7; Docs/performance.md): generates with `tilt synth`
# a full-universe monthly WRDS extract (30,000 PERMNOs, 1926-01…2024-12, a mean listing of 12 years: a few
# thousand listed each month) and a 30-year daily extract of 5,000 stocks, then measures with a release
# build: loading each (`tilt bench load`: wall time and peak memory) and the design card end to end on the
# monthly one over 1990–2024 (`/usr/bin/time -v tilt run`: wall time and peak memory).
# Usage: Benchmarks/crsp_scale.sh [WORKDIR]   (needs ~6 GB of disk; prints a Markdown summary)
set -euo pipefail
cd "$(dirname "$0")/.."
tilt=.build/release/tilt
[ -x "$tilt" ] || swift build -c release --product tilt
work=${1:-$(mktemp -d /tmp/tilt-scale.XXXXXX)}
mkdir -p "$work/monthly" "$work/daily"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -f "$work/monthly/msf.csv" ] || "$tilt" synth --crsp "$work/monthly/msf.csv" --wrds --stocks 30000 --lifetime 144 \
    --from 1926-01 --to 2024-12 --seed 7
[ -f "$work/daily/dsf.csv" ] || "$tilt" synth --crsp "$work/daily/dsf.csv" --wrds --daily --stocks 5000 --lifetime 720 \
    --from 1995-01 --to 2024-12 --seed 8
echo "## monthly load"; "$tilt" bench load "$work/monthly/msf.csv"
echo "## daily load"; "$tilt" bench load "$work/daily/dsf.csv"
cat > "$work/monthly/card.tilt" <<'CARD'
universe crsp; benchmark mktcap; maximize mu'f s.t. tev <= 6%; rebalance monthly from 1990-01 to 2024-11
CARD
echo "## design card, 1990-01…2024-11, end to end"
/usr/bin/time -v "$tilt" run "$work/monthly/card.tilt" > "$work/card.out" 2> "$work/card.time" || { cat "$work/card.time"; exit 1; }
grep -E "Elapsed|Maximum resident" "$work/card.time"
head -12 "$work/card.out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
