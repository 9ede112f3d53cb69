#!/bin/bash
# Slurm job array: `sbatch slurm-array.sh` runs 16 tasks, task K converting shard K of 16.
# Re-submitting after a failure only redoes what is not done (each shard has its own state).
# A shard holds every format of a document (x.txt and x.pdf), so its state refuses a second
# input that maps to the same output; keep {dir} and {stem} in the output templates.
#SBATCH --job-name=bulletin
#SBATCH --array=1-16
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=02:00:00
#SBATCH --output=logs/bulletin-%A_%a.out
set -euo pipefail
k=${SLURM_ARRAY_TASK_ID}
n=${SLURM_ARRAY_TASK_COUNT:-16}
exec bulletin --log-format json batch /usr/local/share/bulletin/pipelines/cn-bulletin.xml \
  --input /shared/archive --output /shared/converted \
  --shard "$k/$n" \
  --state "/shared/converted/.bulletin/state-$k.sqlite" \
  --report "/shared/converted/.bulletin/report-$k.json" \
  --jobs "$SLURM_CPUS_PER_TASK" --isolate
