#!/usr/bin/env bash
# The README's first command: installs what is needed, builds, makes sample data with Sluice's
# own generator, runs pipelines/quickstart.yaml into SQLite and shows the balance and a few rows.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh sluice all_plugins

mkdir -p out
echo "== generating 200000 sample events into out/events.ndjson"
COUNT=200000 SEED=42 OUTPUT=out/events.ndjson build/bin/sluice run pipelines/generate.yaml --quiet
rm -f out/quickstart.db out/quickstart-dead.ndjson
echo "== running pipelines/quickstart.yaml"
INPUT=out/events.ndjson METRICS_DB=out/quickstart.db DEAD_LETTER=out/quickstart-dead.ndjson \
  build/bin/sluice run pipelines/quickstart.yaml
echo "== the busiest groups in out/quickstart.db"
sqlite3 -header -column out/quickstart.db \
  "SELECT datetime(window_start/1000,'unixepoch') AS window, event_type, region, count,
          round(latency_p95, 1) AS p95_ms
   FROM metrics ORDER BY count DESC LIMIT 8;"
echo "== dead letters: $(wc -l < out/quickstart-dead.ndjson) in out/quickstart-dead.ndjson, e.g.:"
head -n 2 out/quickstart-dead.ndjson | cut -c1-200
