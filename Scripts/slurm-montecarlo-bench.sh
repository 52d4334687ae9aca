#!/usr/bin/env bash
# The Monte Carlo regime study (5,000 trials × 4 φ × 2 models = 40,000 solves, 500 stocks) in one process
# and as an N-shard job array on a Slurm cluster, with each shard's time, for Docs/performance.md. On the
# one-node cluster of .ci/slurm (each shard given every core of the node, so shards run one after another):
#
#   swift build -c release --product tilt
#   bash .ci/slurm .build/release/tilt Scripts/slurm-montecarlo-bench.sh
#
# On a real cluster (SLURM_CONF or the cluster's own configuration):  bash Scripts/slurm-montecarlo-bench.sh TILT
# Environment: SHARDS (default 4), TRIALS (5000), STOCKS (500), CPUS (cores per shard; default nproc),
# PARTITION (optional).
set -euo pipefail
tilt=$(realpath "$1")
shards=${SHARDS:-4}
trials=${TRIALS:-5000}
stocks=${STOCKS:-500}
cpus=${CPUS:-$(nproc)}
work=$(mktemp -d /tmp/tilt-montecarlo-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "experiment regime_study(trials: $trials, stocks: $stocks, phi: [1, 5, 25, 50], seed: 7)" > study.tilt
now() { date +%s%N; }
# Seconds since the nanosecond time $1, to a tenth.
since() { local ms=$(( ($(now) - $1) / 1000000 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

echo "load before: $(uptime)"
# Wall and processor seconds (user + system) of the run in one process.
read -r single single_cpu < <(python3 -c '
import resource, subprocess, sys, time
start = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=open("single.txt", "w"))
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{time.monotonic() - start:.1f} {usage.ru_utime + usage.ru_stime:.1f}")' "$tilt" run study.tilt --out single)
echo "load after the single run: $(uptime)"

start=$(now)
"$tilt" slurm study.tilt --shards "$shards" --cpus-per-task "$cpus" ${PARTITION:+--partition "$PARTITION"} --out "$work/job" --submit > submit.txt
name=$(sed -n 's/.*"jobName" : "\(.*\)".*/\1/p' job/job.json)
while [ -n "$(squeue --noheader --name="$name,$name-merge" --format=%i)" ]; do sleep 1; done
array=$(since "$start")
echo "load after the array: $(uptime)"
[ -f job/report/regime_study.csv ] || { cat job/logs/*; echo "the merge wrote no report" >&2; exit 1; }
cmp single/regime_study.csv job/report/regime_study.csv && echo "regime_study.csv: merged = single run, byte for byte"

echo
echo "| run | wall time (s) | processor time (s) |"
echo "| --- | --- | --- |"
echo "| one process, $(nproc) cores | $single | $single_cpu |"
echo "| $shards-shard array, submission to merged report | $array | |"
python3 - "$work/job" <<'PYTHON'
import json, os, sys
job = sys.argv[1]
times, cpu = [], []
for name in sorted(os.listdir(os.path.join(job, "shards")), key=int):
    manifest = json.load(open(os.path.join(job, "shards", name, "manifest.json")))
    times.append(manifest["wallTimeSeconds"])
    cpu.append(manifest.get("cpuTimeSeconds") or 0.0)
    print(f"| shard {manifest['shard']['index']}/{manifest['shard']['count']} ({manifest['covers'][0]['description']}) | {times[-1]:.1f} | {cpu[-1]:.1f} |")
print(f"| sum of the shards | {sum(times):.1f} | {sum(cpu):.1f} |")
print(f"| predicted on {len(times)} nodes: slowest shard | {max(times):.1f} | |")
PYTHON
