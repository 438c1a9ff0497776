#!/usr/bin/env python3
"""Instructions a record, whole run and per stage, for one or more Sluice builds.

Runs `sluice run pipelines/reference.yaml --threads 1` under Callgrind on the same events for
every build given, and prints the instructions it executed per input record: for the whole
process, and for each stage (everything its process()/prepare()/next()/write() calls, Boost.JSON
and libc included). Instruction counts barely move from run to run, so they separate changes of
a few percent that wall-clock timing on a shared machine cannot (see bench/README.md, "Comparing
two builds"). They do not see cache misses or branch mispredictions: confirm a change that
should save time some other way with timed runs.

    bench/instructions.py build build-pgo                # two builds, the second against the first
    bench/instructions.py --records 5000 build           # quicker, start-up a larger share
    bench/instructions.py build build --pipeline pipelines/reference.yaml --pipeline other.yaml
                                                         # one build, two pipelines (in that order)

Each argument is a build directory holding bin/sluice (or the path of a sluice binary). Needs
valgrind (scripts/setup.sh --bench installs it). Python 3, standard library only.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "pipelines" / "reference.yaml"

# A stage's entry points as the runtime calls them: a plugin class named ...Stage, ...Source or
# ...Sink in sluice::plugins::<plugin>. Helpers with the same method names are not matched, so
# nothing is counted twice.
ENTRY = re.compile(
    r"sluice::plugins::(\w+)::\w+(?:Stage|Source|Sink)::(?:process|prepare|next|write)\(")
# A line of callgrind_annotate's function table: "  1,234,567 ( 1.23%)  file:function [object]".
# With debug information a function can be listed more than once (under its source file, under
# "???" for code without line information, and as "=> ..." where it calls itself); its
# inclusive count is the largest of those.
ROW = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(?!=>)(.*)$")


class InstructionsError(Exception):
    pass


def fail(message):
    raise InstructionsError(message)


def sluice_binary(arg):
    path = Path(arg)
    if path.is_dir():
        path = path / "bin" / "sluice"
    if not path.is_file():
        fail(f"no sluice binary at {path} (give a build directory or the binary itself)")
    return path.resolve()


def measure(binary, events, workdir, tag, pipeline=PIPELINE):
    """Callgrind over one run: (instructions in total, {plugin: inclusive instructions}, records in)."""
    out = workdir / f"callgrind-{tag}.out"
    stats = workdir / f"stats-{tag}.json"
    env = dict(os.environ, INPUT=str(events), METRICS_DB=str(workdir / f"metrics-{tag}.db"),
               DEAD_LETTER=str(workdir / f"dead-{tag}.ndjson"))
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
               str(binary), "run", str(pipeline), "--threads", "1", "--quiet", "--stats-json", str(stats)]
    run = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        fail(f"{binary} under callgrind exited {run.returncode}:\n{run.stderr[-2000:]}")
    records_in = json.loads(stats.read_text())["records_in"]
    annotate = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(out)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True)
    total = None
    entries = {}  # entry point -> (plugin, inclusive count)
    for line in annotate.stdout.splitlines():
        row = ROW.match(line)
        if not row:
            continue
        count = int(row.group(1).replace(",", ""))
        if row.group(2).startswith("PROGRAM TOTALS"):
            total = count
            continue
        entry = ENTRY.search(row.group(2))
        if entry:
            known = entries.get(entry.group(0), (entry.group(1), 0))
            entries[entry.group(0)] = (entry.group(1), max(known[1], count))
    stages = {}
    for plugin, count in entries.values():
        stages[plugin] = stages.get(plugin, 0) + count
    if total is None:
        fail(f"no program total in callgrind_annotate's output for {binary}")
    return total, stages, records_in


def available():
    """None when Callgrind can run, else why not."""
    for tool in ("valgrind", "callgrind_annotate"):
        if shutil.which(tool) is None:
            return f"{tool} not found (scripts/setup.sh --bench installs valgrind)"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", help="build directories (or sluice binaries); the first is the base")
    parser.add_argument("--records", type=int, default=20000, help="events to run (default 20000)")
    parser.add_argument("--input", type=Path, help="an NDJSON file to run instead of reference events")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--pipeline", type=Path, action="append",
                        help="the pipeline to run (default pipelines/reference.yaml); once for every build, "
                             "or once per build in the same order")
    args = parser.parse_args()
    pipelines = [p.resolve() for p in args.pipeline or [PIPELINE]]
    if len(pipelines) == 1:
        pipelines *= len(args.builds)
    if len(pipelines) != len(args.builds):
        fail(f"{len(pipelines)} --pipeline for {len(args.builds)} builds: give one, or one per build")
    missing = available()
    if missing:
        fail(missing)
    binaries = [sluice_binary(b) for b in args.builds]
    if args.input:
        events, origin = args.input.resolve(), str(args.input)
    else:
        import run_bench  # here: run_bench imports this module
        # The bench's own cache of generated events (bench/data/), with exactly that many records.
        cache = run_bench.DataCache(run_bench.BENCH / "data", binaries[0])
        events = cache.ensure([args.records])[args.records]
        origin = f"{cache.generator} events, seed {run_bench.SEED}"

    with tempfile.TemporaryDirectory(prefix="sluice-instructions-") as tmp:
        workdir = Path(tmp)
        results = []
        for i, binary in enumerate(binaries):
            print(f"callgrind: {binary} ...", file=sys.stderr, flush=True)
            results.append(measure(binary, events, workdir, str(i), pipelines[i]))

    records = {r[2] for r in results}
    if len(records) != 1:
        fail(f"the builds read different record counts: {sorted(records)}")
    records = records.pop()
    if records == 0:
        fail("no records were read")
    plugins = []
    for _, stages, _ in results:
        for name in stages:
            if name not in plugins:
                plugins.append(name)

    print(f"instructions a record, {records} records ({origin}), 1 thread")
    header = f"{'':<18}" + "".join(f"{Path(a).name if Path(a).is_dir() else a:>16.16}" for a in args.builds)
    if len(results) > 1:
        header += "".join(f"{'vs first':>10}" for _ in results[1:])
    print(header)

    def row(name, values):
        line = f"{name:<18}" + "".join(f"{v / records:>16,.0f}" for v in values)
        base = values[0]
        line += "".join(f"{(v / base if base else 0):>10.3f}" for v in values[1:])
        print(line)

    row("whole run", [r[0] for r in results])
    for name in plugins:
        row(name, [r[1].get(name, 0) for r in results])
    if args.json:
        args.json.write_text(json.dumps({
            "records": records, "input": origin,
            "builds": [{"build": b, "total": r[0], "stages": r[1]} for b, r in zip(args.builds, results)],
        }, indent=2) + "\n")


if __name__ == "__main__":
    try:
        main()
    except InstructionsError as e:
        sys.exit(f"instructions.py: {e}")
