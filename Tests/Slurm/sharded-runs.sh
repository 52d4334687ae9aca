#!/usr/bin/env bash
# Sharded runs on a real Slurm cluster (started by .ci/slurm, which sets SLURM_CONF): a 4-shard sweep and a
# 4-shard Monte Carlo study submitted with `tilt slurm --submit`, merged by their merge jobs into exactly
# the single-process run's CSV files and tables; then a study whose shard 3 fails (its folder is a file),
# whose merge job fails naming it, recovered with `tilt slurm --resubmit`, which reruns shard 3 alone.
#
#   bash Tests/Slurm/sharded-runs.sh TILT
set -euo pipefail
tilt=$(realpath "$1")
work=$(mktemp -d /tmp/tilt-slurm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > sweep.tilt <<'TILT'
# A tracking-error budget sweep on the synthetic market: 8 backtests.
universe synthetic(stocks: 40, seed: 5, from: 1998-01, to: 2010-12)
benchmark mktcap
tev in 1% to 8% by 1%
maximize mu'f s.t. tev <= 4%, |w - b| <= 5%
rebalance quarterly
TILT
cat > study.tilt <<'TILT'
# The regime study, small: 40 trials of 40 stocks, two risk aversions.
let trials = 40
print trials
experiment regime_study(trials: trials, stocks: 40, phi: [5, 25], seed: 3, history: 36)
TILT

fail() { echo "slurm test: FAILED: $*" >&2; exit 1; }

# What a run prints, without the line naming the files it wrote.
tables() { grep -v -e '^wrote ' "$1"; }

# The printed output of the merge job(s) of a job folder (its log without Slurm's and tilt's own lines).
merged_tables() { grep -h -v -e '^== tilt merge' -e '^wrote ' -e '^merged ' "$1"/logs/merge-*.out; }

# Waits until Slurm has no queued or running job of the job folder (its tasks and merges), at most 300 s.
wait_for() {
    local name
    name=$(sed -n 's/.*"jobName" : "\(.*\)".*/\1/p' "$1/job.json")
    for _ in $(seq 600); do
        [ -z "$(squeue --noheader --name="$name,$name-merge" --format=%i)" ] && return 0
        sleep 0.5
    done
    squeue >&2
    fail "the jobs of $1 did not finish within 300 s"
}

same_files() {
    local single=$1 merged=$2 name
    for file in "$single"/*.csv; do
        name=$(basename "$file")
        cmp "$file" "$merged/$name" || fail "$merged/$name differs from the single run's"
    done
}

echo "single-process runs" >&2
"$tilt" run sweep.tilt --out single-sweep > single-sweep.txt
"$tilt" run study.tilt --out single-study > single-study.txt

echo "submitting a 4-shard sweep and a 4-shard study" >&2
"$tilt" slurm sweep.tilt --shards 4 --max-running 2 --time 10 --out "$work/sweep-job" --submit > submit-sweep.txt
"$tilt" slurm study.tilt --shards 4 --out "$work/study-job" --submit > submit-study.txt
grep -q '^submitted job array [0-9]* (shards 1-4, at most 2 at once) and merge job [0-9]*$' submit-sweep.txt \
    || fail "tilt slurm --submit printed: $(cat submit-sweep.txt)"
grep -q '^#SBATCH --array=1-4%2$' sweep-job/tilt-shards.sbatch || fail "the array script has no --array=1-4%2"
wait_for sweep-job
wait_for study-job

for job in sweep study; do
    [ -f "$job-job/report/run.json" ] || { cat "$job"-job/logs/* >&2; fail "the $job's merge wrote no report"; }
    same_files "single-$job" "$job-job/report"
    diff <(tables "single-$job.txt") <(merged_tables "$job-job") >&2 || fail "the merged $job's tables differ from the single run's"
    [ "$(grep -c '"index"' "$job-job/report/run.json")" = 4 ] || fail "$job-job/report/run.json does not record 4 shards"
    for i in 1 2 3 4; do grep -q "^== tilt shard $i/4: job [0-9]*_$i on " "$job-job/logs/shard-$i.out" || fail "no log of shard $i"; done
done
echo "merged sweep and study equal the single runs" >&2

echo "a study whose shard 3 fails" >&2
"$tilt" slurm study.tilt --shards 4 --out "$work/broken-job" > /dev/null
touch broken-job/shards/3          # a file where shard 3 writes its folder: the shard fails
"$tilt" slurm --resubmit "$work/broken-job" > first.txt
grep -q '^resubmitted shards 1-4 as job array [0-9]*$' first.txt || fail "the first submission printed: $(cat first.txt)"
wait_for broken-job
[ ! -e broken-job/report ] || fail "a merge with a failed shard wrote a report"
grep -q 'shard 3/4 is missing' broken-job/logs/merge-*.out || { cat broken-job/logs/merge-*.out >&2; fail "the merge job did not name shard 3"; }
grep -q 'is a file' broken-job/logs/merge-*.out || fail "the merge job did not show the end of shard 3's log"
sed 's/^/  merge job: /' broken-job/logs/merge-*.out >&2

rm broken-job/shards/3
"$tilt" slurm --resubmit "$work/broken-job" > second.txt
grep -q '^resubmitted shards 3 as job array [0-9]*$' second.txt || fail "--resubmit did not rerun shard 3 alone: $(cat second.txt)"
wait_for broken-job
[ -f broken-job/report/run.json ] || { cat broken-job/logs/merge-*.out >&2; fail "the merge after --resubmit wrote no report"; }
same_files single-study broken-job/report
"$tilt" slurm --resubmit "$work/broken-job" > third.txt
grep -q '^nothing to resubmit' third.txt || fail "a finished job was resubmitted: $(cat third.txt)"
echo "slurm test: passed (sweep, study, failed shard resubmitted)" >&2
