#!/usr/bin/env python3
"""End-to-end benchmarks of Sluice, side by side with the Node.js implementation.

    bench/run_bench.py [--quick] [--build-dir DIR] [--runs N] [--skip-node] [--skip-micro]

scripts/bench.sh builds, installs the tools and calls this; see bench/README.md for what each
number means. Python 3 standard library only.

Measures, in one invocation: throughput (records/s, CPU, peak RSS) of pipelines/reference.yaml
and of bench/node/reference.js on the same file; scaling with --threads; peak RSS on a small and
a large input; batch latency at full load and at about 50% load (a rate-limited source);
per-stage ns/record; start-up; instructions a record under Callgrind (bench/instructions.py);
and the Catch2 microbenchmarks. Prints the tables, writes
bench/results/<date>-<host>.json and the scaling and latency plots (gnuplot).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import instructions  # bench/instructions.py, beside this file

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
PIPELINES = REPO / "pipelines"
REFERENCE_PIPELINE = PIPELINES / "reference.yaml"
RATE_LIMITED_PIPELINE = BENCH / "pipelines" / "reference_rate_limited.yaml"
GENERATE_PIPELINE = PIPELINES / "generate.yaml"
# The referee's generator, beside the project when the reference workload is checked out.
REFERENCE_GENERATOR = REPO.parent / "shared" / "reference" / "gen_events.py"
NODE_DIR = BENCH / "node"
SEED = 7
RESULTS_SCHEMA = 1
# A run that takes longer than this is a hung run, not a slow one.
RUN_TIMEOUT_S = 1800


@dataclass(frozen=True)
class Plan:
    """What one invocation measures, and on how much data."""

    mode: str
    runs: int  # repetitions of each end-to-end measurement; medians are reported
    throughput_records: int  # throughput, scaling and full-load latency
    memory_records: tuple[int, ...]  # peak RSS on each
    rate_limited_seconds: float  # duration of the ~50% load run
    startup_runs: int  # Sluice start-up and `sluice check`
    node_startup_runs: int

    def sizes(self) -> list[int]:
        return sorted({1, self.throughput_records, *self.memory_records})


FULL = Plan("full", 3, 1_000_000, (50_000, 2_000_000), 10.0, 10, 10)
QUICK = Plan("quick", 1, 100_000, (50_000, 300_000), 3.0, 10, 3)


# --------------------------------------------------------------------------------------------
# Running one process


@dataclass
class ProcessRun:
    """One finished child process: exit status, wall time and its own resource usage."""

    cmd: list[str]
    returncode: int
    wall_seconds: float
    user_seconds: float
    sys_seconds: float
    peak_rss_kib: int
    stdout: str
    stderr: str
    spawned_unix_ns: int = 0  # system clock just before the process was started

    @property
    def cpu_seconds(self) -> float:
        return self.user_seconds + self.sys_seconds

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024.0

    def check(self) -> "ProcessRun":
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            raise BenchError(f"{' '.join(self.cmd)} exited with {self.returncode}:\n{tail}")
        return self


class BenchError(RuntimeError):
    pass


def run_process(cmd: list[str], env: dict[str, str] | None = None, timeout: float = RUN_TIMEOUT_S) -> ProcessRun:
    """Runs cmd to completion; rusage comes from wait4, so it is this child's alone (its peak
    RSS included, which RUSAGE_CHILDREN cannot give per child)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        spawned = time.time_ns()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keeps Popen from waiting again
        out.seek(0)
        err.seek(0)
        return ProcessRun(cmd, proc.returncode, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss,
                          out.read().decode(errors="replace"), err.read().decode(errors="replace"), spawned)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summary(values, digits=None):
    """The median of the runs and the runs themselves, as stored in the results."""
    m = median(values)
    if digits is not None:
        values = [round(v, digits) for v in values]
        m = round(m, digits) if m is not None else None
    return {"median": m, "runs": values}


# --------------------------------------------------------------------------------------------
# Input data, generated once into bench/data/


class DataCache:
    """Event files by record count, generated once and reused across invocations.

    With the referee's generator (shared/reference/gen_events.py) one file of the largest size
    is generated; smaller ones are its prefixes: the generator is sequential, so its first N
    records (and the blank line it may write after the Nth) are byte for byte what
    `--records N` writes. Without it, the project's generator (pipelines/generate.yaml) writes
    each size. A manifest beside each file records how it was made; a file whose manifest does
    not match the current generator is made again.
    """

    def __init__(self, data_dir: Path, sluice: Path):
        self.dir = data_dir
        self.sluice = sluice
        self.dir.mkdir(parents=True, exist_ok=True)
        if REFERENCE_GENERATOR.is_file():
            self.generator = "reference"
            self.generator_path = REFERENCE_GENERATOR
        else:
            self.generator = "generate"
            self.generator_path = GENERATE_PIPELINE
        self.generator_sha256 = hashlib.sha256(self.generator_path.read_bytes()).hexdigest()

    def path(self, records: int) -> Path:
        return self.dir / f"events-{self.generator}-s{SEED}-{records}.ndjson"

    def _manifest(self, records: int) -> dict:
        return {"generator": self.generator, "generator_path": str(self.generator_path.relative_to(REPO.parent)),
                "generator_sha256": self.generator_sha256, "seed": SEED, "records": records}

    def _valid(self, records: int) -> bool:
        path = self.path(records)
        manifest_path = path.with_suffix(".json")
        if not path.is_file() or not manifest_path.is_file():
            return False
        try:
            saved = json.loads(manifest_path.read_text())
        except ValueError:
            return False
        expected = self._manifest(records)
        return all(saved.get(k) == v for k, v in expected.items()) and saved.get("bytes") == path.stat().st_size

    def _commit(self, records: int, tmp: Path) -> None:
        path = self.path(records)
        tmp.replace(path)
        manifest = self._manifest(records) | {"bytes": path.stat().st_size}
        path.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n")

    def ensure(self, sizes: list[int]) -> dict[int, Path]:
        missing = [n for n in sizes if not self._valid(n)]
        if missing and self.generator == "reference":
            largest = max(sizes)
            source = max((n for n in self._cached_sizes() if n >= largest), default=None)
            if source is None:
                source = largest
                self._generate_reference(largest)
            for n in missing:
                if n != source:
                    self._prefix(source, n)
        elif missing:
            for n in missing:
                self._generate_own(n)
        return {n: self.path(n) for n in sizes}

    def _cached_sizes(self) -> list[int]:
        out = []
        for p in self.dir.glob(f"events-{self.generator}-s{SEED}-*.ndjson"):
            m = re.search(r"-(\d+)\.ndjson$", p.name)
            if m and self._valid(int(m.group(1))):
                out.append(int(m.group(1)))
        return out

    def _generate_reference(self, records: int) -> None:
        log(f"generating {records:,} events with {self.generator_path.relative_to(REPO.parent)} (once; cached)")
        tmp = self.path(records).with_suffix(".tmp")
        start = time.perf_counter()
        with open(tmp, "wb") as out:
            subprocess.run([sys.executable, str(self.generator_path), "--records", str(records), "--seed", str(SEED)],
                           stdout=out, check=True)
        self._commit(records, tmp)
        log(f"  {self.path(records).stat().st_size / 1e6:.0f} MB in {time.perf_counter() - start:.0f} s")

    def _prefix(self, source: int, records: int) -> None:
        tmp = self.path(records).with_suffix(".tmp")
        taken = 0
        with open(self.path(source), "rb") as src, open(tmp, "wb") as out:
            for line in src:
                blank = not line.strip(b" \t\r\n")
                if taken == records and not blank:
                    break
                out.write(line)
                if not blank:
                    taken += 1
        if taken != records:
            raise BenchError(f"{self.path(source)} holds fewer than {records} records")
        self._commit(records, tmp)

    def _generate_own(self, records: int) -> None:
        log(f"generating {records:,} events with pipelines/generate.yaml (once; cached)")
        tmp = self.path(records).with_suffix(".tmp")
        run_process([str(self.sluice), "run", str(GENERATE_PIPELINE), "--quiet"],
                    env={"COUNT": str(records), "SEED": str(SEED), "OUTPUT": str(tmp)}).check()
        self._commit(records, tmp)


def warm_page_cache(path: Path) -> None:
    """Reads a file once so that every measured run finds it in the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


# --------------------------------------------------------------------------------------------
# The two implementations


class Sluice:
    def __init__(self, build_dir: Path, work_dir: Path):
        self.binary = build_dir / "bin" / "sluice"
        self.work_dir = work_dir
        if not self.binary.is_file():
            raise BenchError(f"{self.binary} is missing: build first (scripts/build.sh sluice all_plugins)")

    def run(self, pipeline: Path, input_path: Path | None = None, threads: int | None = None,
            env: dict[str, str] | None = None) -> tuple[ProcessRun, dict]:
        """One `sluice run` into a fresh database and dead-letter file; returns the process and
        its --stats-json report, after checking both."""
        db = self.work_dir / "sluice.db"
        dead = self.work_dir / "sluice-dead.ndjson"
        stats = self.work_dir / "sluice-stats.json"
        for p in (db, dead, stats):
            p.unlink(missing_ok=True)
        run_env = {"METRICS_DB": str(db), "DEAD_LETTER": str(dead)}
        if input_path is not None:
            run_env["INPUT"] = str(input_path)
        run_env.update(env or {})
        cmd = [str(self.binary), "run", str(pipeline), "--quiet", "--stats-json", str(stats)]
        if threads is not None:
            cmd += ["--threads", str(threads)]
        proc = run_process(cmd, env=run_env).check()
        report = json.loads(stats.read_text())
        if not report.get("balance_ok") or report.get("failed"):
            raise BenchError(f"{' '.join(cmd)}: the run did not balance or failed: {report.get('error')}")
        return proc, report

    def check(self, pipeline: Path, input_path: Path) -> ProcessRun:
        env = {"INPUT": str(input_path), "METRICS_DB": str(self.work_dir / "check.db"),
               "DEAD_LETTER": str(self.work_dir / "check-dead.ndjson")}
        return run_process([str(self.binary), "check", str(pipeline)], env=env).check()


class Node:
    script = NODE_DIR / "reference.js"

    def __init__(self, work_dir: Path):
        self.work_dir = work_dir
        self.node = shutil.which("node")
        self.problem = None
        if self.node is None:
            self.problem = "node is not installed (scripts/setup.sh --bench)"
        elif not self.script.is_file():
            self.problem = f"{shown(self.script)} is missing"
        elif not (NODE_DIR / "node_modules").is_dir():
            self.problem = "bench/node/node_modules is missing (npm ci in bench/node)"

    def version(self) -> str | None:
        return run_process([self.node, "--version"]).stdout.strip() if self.node else None

    def run(self, input_path: Path) -> tuple[ProcessRun, dict]:
        db = self.work_dir / "node.db"
        dead = self.work_dir / "node-dead.ndjson"
        for p in (db, dead):
            p.unlink(missing_ok=True)
        cmd = [self.node, str(self.script), "--input", str(input_path), "--db", str(db), "--dead", str(dead)]
        proc = run_process(cmd).check()
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise BenchError(f"{' '.join(cmd)} printed no JSON line")
        report = json.loads(lines[-1])
        if not report.get("balance_ok"):
            raise BenchError(f"{' '.join(cmd)}: the run did not balance")
        return proc, report


# --------------------------------------------------------------------------------------------
# The rate-limited variant of the reference pipeline


RATE_LIMITED_SOURCE = """\
source:
  plugin: generate
  config:
    count: ${COUNT:-100000}
    seed: ${SEED:-7}
    rate: ${RATE:-0}
    max_batch_delay_ms: 1   # a batch leaves after 1 ms with the records due: latency over fullness
"""


def write_rate_limited_pipeline() -> Path:
    """Writes bench/pipelines/reference_rate_limited.yaml from pipelines/reference.yaml: the same
    stages, sink and settings, with a rate-limited `generate` source instead of the file.

    reference.yaml stays the one source of truth: the variant is made again at every run, by
    replacing the top-level `source:` block and pointing the resource paths (files that exist
    beside reference.yaml) back at pipelines/.
    """
    lines = REFERENCE_PIPELINE.read_text().splitlines(keepends=True)
    # reference.yaml's opening comment tells how to run that file; the variant has its own.
    while lines and (not lines[0].strip() or lines[0].startswith("#")):
        lines.pop(0)
    start = next((i for i, line in enumerate(lines) if re.match(r"source:\s*(#.*)?$", line)), None)
    if start is None:
        raise BenchError(f"{REFERENCE_PIPELINE}: no top-level `source:` block")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
        end += 1
    # Comments and blank lines just before the next key belong to that key.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    body = "".join(lines[:start]) + RATE_LIMITED_SOURCE + "".join(lines[end:])
    body = re.sub(r"^name:.*$", "name: reference_rate_limited", body, count=1, flags=re.M)

    def rebase(m: re.Match) -> str:
        target = PIPELINES / m.group(2)
        if not target.is_file():
            return m.group(0)
        return m.group(1) + os.path.relpath(target, RATE_LIMITED_PIPELINE.parent)

    body = re.sub(r"(:[ \t]*)([\w.\-/]+\.(?:json|ya?ml|csv|txt))(?=[\s,}]|$)", rebase, body)
    header = ("# GENERATED by bench/run_bench.py from pipelines/reference.yaml at every benchmark run:\n"
              "# edit that file, not this one. The same stages and sink, fed by a rate-limited\n"
              "# `generate` source (COUNT records at RATE records/s) to measure batch latency below\n"
              "# full load:\n"
              "#   COUNT=300000 RATE=100000 METRICS_DB=out.db DEAD_LETTER=dead.ndjson \\\n"
              "#     sluice run bench/pipelines/reference_rate_limited.yaml\n"
              "# Resource files resolve relative to this file, hence the ../../pipelines/ paths.\n\n")
    content = header + body
    RATE_LIMITED_PIPELINE.parent.mkdir(parents=True, exist_ok=True)
    if not RATE_LIMITED_PIPELINE.is_file() or RATE_LIMITED_PIPELINE.read_text() != content:
        RATE_LIMITED_PIPELINE.write_text(content)
    return RATE_LIMITED_PIPELINE


# --------------------------------------------------------------------------------------------
# The measurements


def shown(path: Path) -> str:
    """path relative to the repository where it lies inside it (--data-dir, --results-dir and
    --build-dir may point elsewhere), else absolute."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def thread_counts(nproc: int) -> list[int]:
    """1, 2, ... up to nproc on small machines; powers of two and nproc on larger ones."""
    if nproc <= 8:
        return list(range(1, nproc + 1))
    counts = {nproc}
    t = 1
    while t <= nproc:
        counts.add(t)
        t *= 2
    return sorted(counts)


def sluice_run_record(proc: ProcessRun, report: dict) -> dict:
    return {
        "records_per_second": report["records_per_second"],
        "wall_seconds": report["wall_seconds"],
        "process_wall_seconds": proc.wall_seconds,
        "cpu_seconds": proc.cpu_seconds,
        "peak_rss_mib": proc.peak_rss_mib,
        "threads": report.get("threads"),
        "batch_latency_us": report.get("batch_latency_us"),
    }


def measure_throughput(plan: Plan, sluice: Sluice, node: Node, data: Path, skip_node: bool) -> tuple[dict, list]:
    """Sluice and Node.js on the same file, runs interleaved so that a change in the machine's
    load falls on both."""
    log(f"throughput: {plan.throughput_records:,} records, {plan.runs} run(s) each")
    warm_page_cache(data)
    sluice_runs, node_runs, reports = [], [], []
    node_error = node.problem if not skip_node else "skipped (--skip-node)"
    for i in range(plan.runs):
        proc, report = sluice.run(REFERENCE_PIPELINE, data)
        sluice_runs.append(sluice_run_record(proc, report))
        reports.append(report)
        log(f"  sluice run {i + 1}: {report['records_per_second']:,.0f} records/s, "
            f"{proc.cpu_seconds:.2f} CPU s, {proc.peak_rss_mib:.0f} MiB")
        if node_error is None:
            try:
                nproc_run, nreport = node.run(data)
            except BenchError as e:
                node_error = str(e)
                log(f"  node failed, continuing without it: {e}")
                continue
            node_runs.append({
                "records_per_second": nreport["records_per_second"],
                "wall_seconds": nreport["seconds"],
                "process_wall_seconds": nproc_run.wall_seconds,
                "cpu_seconds": nproc_run.cpu_seconds,
                "peak_rss_mib": nproc_run.peak_rss_mib,
                "self_reported_cpu_seconds": nreport.get("cpu_seconds"),
                "self_reported_peak_rss_mib": nreport.get("peak_rss_mib"),
            })
            log(f"  node   run {i + 1}: {nreport['records_per_second']:,.0f} records/s, "
                f"{nproc_run.cpu_seconds:.2f} CPU s, {nproc_run.peak_rss_mib:.0f} MiB")

    def side(runs: list[dict], records: int) -> dict | None:
        if not runs:
            return None
        keys = ["records_per_second", "wall_seconds", "process_wall_seconds", "cpu_seconds", "peak_rss_mib"]
        out = {k: summary([r[k] for r in runs], 4) for k in keys}
        out["records_per_cpu_second"] = summary([records / r["cpu_seconds"] for r in runs], 1)
        return out

    result = {
        "records": plan.throughput_records,
        "input": shown(data),
        "sluice": side(sluice_runs, plan.throughput_records),
        "node": side(node_runs, plan.throughput_records),
        "node_error": node_error if not node_runs else None,
        "sluice_threads": sluice_runs[0]["threads"],
    }
    if result["node"]:
        s, n = result["sluice"], result["node"]
        result["sluice_over_node"] = {
            "records_per_second": s["records_per_second"]["median"] / n["records_per_second"]["median"],
            "records_per_cpu_second": s["records_per_cpu_second"]["median"] / n["records_per_cpu_second"]["median"],
            "peak_rss": s["peak_rss_mib"]["median"] / n["peak_rss_mib"]["median"],
        }
    return result, reports


def measure_scaling(plan: Plan, sluice: Sluice, data: Path, nproc: int) -> dict:
    """Records/s by --threads; the thread counts take turns within each round of runs, so that
    a change in the machine's load does not fall on one count alone."""
    counts = thread_counts(nproc)
    log(f"scaling: --threads {', '.join(map(str, counts))} on {plan.throughput_records:,} records")
    runs_by_count: dict[int, list[dict]] = {t: [] for t in counts}
    for _ in range(plan.runs):
        for t in counts:
            runs_by_count[t].append(sluice_run_record(*sluice.run(REFERENCE_PIPELINE, data, threads=t)))
    points = []
    for t, runs in runs_by_count.items():
        rps = summary([r["records_per_second"] for r in runs], 1)
        points.append({"threads": t, "records_per_second": rps,
                       "cpu_seconds": summary([r["cpu_seconds"] for r in runs], 4),
                       "peak_rss_mib": summary([r["peak_rss_mib"] for r in runs], 2)})
        log(f"  {t:>3} threads: {rps['median']:,.0f} records/s")
    base = points[0]["records_per_second"]["median"]
    for p in points:
        p["speedup"] = round(p["records_per_second"]["median"] / base, 3)
        p["efficiency"] = round(p["speedup"] / p["threads"], 3)
    return {"records": plan.throughput_records, "points": points}


def measure_memory(plan: Plan, sluice: Sluice, files: dict[int, Path]) -> dict:
    log(f"memory: peak RSS on {' and '.join(f'{n:,}' for n in plan.memory_records)} records")
    points = []
    for n in plan.memory_records:
        warm_page_cache(files[n])
        runs = [sluice_run_record(*sluice.run(REFERENCE_PIPELINE, files[n])) for _ in range(plan.runs)]
        points.append({"records": n, "peak_rss_mib": summary([r["peak_rss_mib"] for r in runs], 2),
                       "records_per_second": summary([r["records_per_second"] for r in runs], 1)})
        log(f"  {n:>10,} records: {points[-1]['peak_rss_mib']['median']:.1f} MiB")
    small, large = points[0]["peak_rss_mib"]["median"], points[-1]["peak_rss_mib"]["median"]
    return {"points": points, "growth_large_over_small": round(large / small, 3)}


def merged_buckets(reports: list[dict]) -> list[list[float]] | None:
    """The runs' latency histograms added bucket by bucket ([lower_us, upper_us, batches], in
    order), or None where a report has none (a Sluice older than the bench)."""
    merged: dict[tuple[float, float], int] = {}
    for r in reports:
        buckets = r["batch_latency_us"].get("buckets")
        if buckets is None:
            return None
        for lower, upper, n in buckets:
            merged[(lower, upper)] = merged.get((lower, upper), 0) + n
    return [[lower, upper, n] for (lower, upper), n in sorted(merged.items())]


def latency_summary(reports: list[dict]) -> dict:
    out = {}
    for q in ("p50", "p95", "p99", "max"):
        out[f"{q}_us"] = summary([r["batch_latency_us"][q] for r in reports], 1)
    out["batches"] = summary([r["batch_latency_us"]["count"] for r in reports])
    out["records_per_second"] = summary([r["records_per_second"] for r in reports], 1)
    out["buckets"] = merged_buckets(reports)
    return out


def measure_latency(plan: Plan, sluice: Sluice, full_reports: list[dict]) -> dict:
    full_rps = median([r["records_per_second"] for r in full_reports])
    rate = max(1000, int(full_rps / 2))
    count = max(rate, int(rate * plan.rate_limited_seconds))
    pipeline = write_rate_limited_pipeline()
    log(f"latency: {count:,} generated records at {rate:,} records/s (half of {full_rps:,.0f})")
    reports = []
    for _ in range(plan.runs):
        _, report = sluice.run(pipeline, env={"COUNT": str(count), "RATE": str(rate), "SEED": str(SEED)})
        reports.append(report)
    half = latency_summary(reports)
    half["target_records_per_second"] = rate
    half["records"] = count
    half["pipeline"] = shown(pipeline)
    return {"full_load": latency_summary(full_reports), "half_load": half}


def stage_costs(reports: list[dict]) -> list[dict]:
    """Per-stage ns/record, the median over the throughput runs, in pipeline order."""
    out = []
    for stage in reports[0]["stages"]:
        values = [s["ns_per_record"] for r in reports for s in r["stages"] if s["name"] == stage["name"]]
        out.append({"name": stage["name"], "plugin": stage["plugin"], "version": stage["version"],
                    "concurrency": stage["concurrency"], "records_in": stage["in"], "records_out": stage["out"],
                    "ns_per_record": summary(values, 1)})
    return out


def measure_startup(plan: Plan, sluice: Sluice, node: Node, one_record: Path, skip_node: bool) -> dict:
    log(f"start-up: 1-record run and `sluice check`, {plan.startup_runs} times each")
    run_wall, run_inner, first_batch, first_batch_main = [], [], [], []
    for _ in range(plan.startup_runs):
        proc, report = sluice.run(REFERENCE_PIPELINE, one_record)
        run_wall.append(proc.wall_seconds * 1e3)
        run_inner.append(report["wall_seconds"] * 1e3)
        # The run stamps the moment its sinks committed the first batch (system clock): from
        # the spawn to there is start-up as the target defines it, plugins loaded included.
        if report.get("first_batch_unix_ns"):
            first_batch.append((report["first_batch_unix_ns"] - proc.spawned_unix_ns) / 1e6)
            first_batch_main.append(report["startup_ms"])
    check_wall = [sluice.check(REFERENCE_PIPELINE, one_record).wall_seconds * 1e3 for _ in range(plan.startup_runs)]
    out = {
        "sluice_run_1_record_ms": summary(run_wall, 2) | {"min": round(min(run_wall), 2)},
        "sluice_run_1_record_inner_ms": summary(run_inner, 3),
        "sluice_first_batch_ms": summary(first_batch, 2) | {"min": round(min(first_batch), 2)} if first_batch else None,
        "sluice_first_batch_after_main_ms": summary(first_batch_main, 2) if first_batch_main else None,
        "sluice_check_ms": summary(check_wall, 2) | {"min": round(min(check_wall), 2)},
        "node_1_record_ms": None,
    }
    if node.problem is None and not skip_node:
        try:
            node_wall = [node.run(one_record)[0].wall_seconds * 1e3 for _ in range(plan.node_startup_runs)]
            out["node_1_record_ms"] = summary(node_wall, 2) | {"min": round(min(node_wall), 2)}
        except BenchError as e:
            log(f"  node failed: {e}")
    return out


# Events run under Callgrind: enough that start-up is a small share, few enough for ~15 s.
INSTRUCTION_RECORDS = 20_000


def measure_instructions(sluice: Sluice, events: Path, work_dir: Path) -> dict | None:
    """Instructions a record, whole run and per stage (bench/instructions.py), on `events`: a
    figure that barely moves with the machine's load."""
    log(f"instructions: callgrind on {INSTRUCTION_RECORDS:,} records, 1 thread")
    try:
        total, stages, records = instructions.measure(sluice.binary, events, work_dir, "bench")
    except instructions.InstructionsError as e:
        log(f"  failed: {e}")
        return {"error": str(e)}
    if records == 0:
        return {"error": "no records were read"}
    return {"records": records, "threads": 1, "per_record": round(total / records, 1),
            "stages": {name: round(count / records, 1) for name, count in stages.items()}}


def run_micro(build_dir: Path, samples: int) -> dict | None:
    binary = build_dir / "bin" / "sluice_micro_bench"
    if not binary.is_file():
        log(f"microbenchmarks: {binary} is missing, skipped")
        return None
    log(f"microbenchmarks: {shown(binary)} ({samples} samples each)")
    proc = run_process([str(binary), "-r", "xml", "--benchmark-samples", str(samples)])
    if proc.returncode != 0:
        log(f"  failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
        return {"error": f"exit {proc.returncode}", "benchmarks": []}
    benchmarks, failed = [], []
    for b in ET.fromstring(proc.stdout).iter("BenchmarkResults"):
        mean, sd = b.find("mean"), b.find("standardDeviation")
        if mean is None:  # Catch2 reports a benchmark that threw with <failed message=...>
            error = b.find("failed")
            failed.append({"name": b.get("name"), "error": error.get("message") if error is not None else "failed"})
            log(f"  {b.get('name')}: FAILED: {failed[-1]['error']}")
            continue
        benchmarks.append({
            "name": b.get("name"),
            "mean_ns": float(mean.get("value")),
            "mean_low_ns": float(mean.get("lowerBound")),
            "mean_high_ns": float(mean.get("upperBound")),
            "std_dev_ns": float(sd.get("value")),
            "samples": int(b.get("samples")),
            "iterations": int(b.get("iterations")),
        })
    return {"binary": shown(binary), "samples": samples, "benchmarks": benchmarks, "failed": failed}


# --------------------------------------------------------------------------------------------
# Reporting


# /proc/cpuinfo fields that tell CPUs apart where a virtual machine names them all alike ("AMD
# EPYC" on hosts whose speed differs twofold), and the widest vector extensions it offers.
CPU_ID_FIELDS = {"cpu family": "cpu_family", "model": "cpu_model_number", "stepping": "cpu_stepping",
                 "cache size": "cpu_cache_size"}
CPU_FLAGS_SHOWN = ("avx2", "avx512f")


def cpu_info() -> dict:
    """The first CPU's model name, family, model, stepping, cache size and notable flags."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break  # the first CPU's block ends here
                key, sep, value = line.partition(":")
                if sep:
                    fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    flags = set(fields.get("flags", "").split())
    out = {"cpu_model": fields.get("model name", "")}
    for name, key in CPU_ID_FIELDS.items():
        if name in fields:
            value = fields[name]
            out[key] = int(value) if value.isdigit() else value
    out["cpu_flags"] = [flag for flag in CPU_FLAGS_SHOWN if flag in flags]
    return out


def cpu_label(m: dict) -> str:
    """'AMD EPYC, family 26 model 2' (what the results of older benches hold: the model name)."""
    label = m.get("cpu_model") or "unknown CPU"
    if "cpu_family" in m and "cpu_model_number" in m:
        label += f", family {m['cpu_family']} model {m['cpu_model_number']}"
    return label


def machine_info() -> dict:
    mem_kib = 0
    try:
        mem_kib = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
    except (OSError, StopIteration):
        pass
    # The CPUs this process may run on (taskset, cgroup cpusets), which is what Sluice's default
    # thread count and the scaling runs use; the machine may have more.
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    return {"host": socket.gethostname(), "nproc": usable, "cpus_online": os.cpu_count(), **cpu_info(),
            "mem_total_mib": mem_kib // 1024, "kernel": platform.release()}


def build_info(build_dir: Path) -> dict:
    """How the measured Sluice was built, from its CMake cache: build type, profile-guided or not."""
    cache = {}
    try:
        for line in (build_dir / "CMakeCache.txt").read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and ":" in key and not key.startswith(("#", "//")):
                cache[key.split(":", 1)[0]] = value
    except OSError:
        pass
    return {"dir": shown(build_dir), "type": cache.get("CMAKE_BUILD_TYPE", ""),
            "pgo": cache.get("SLUICE_PGO", "") == "use", "sanitize": cache.get("SLUICE_SANITIZE", "")}


def loadavg() -> list[float]:
    try:
        return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return []


def git_info() -> dict:
    def git(*args):
        try:
            r = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        except OSError:  # no git (a copy of the tree on a bench machine)
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def fmt_int(v) -> str:
    return "-" if v is None else f"{v:,.0f}"


def fmt_num(v, digits=1) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


def med(d, *keys):
    for k in keys:
        if d is None:
            return None
        d = d.get(k)
    return d


def print_report(results: dict) -> None:
    t = results["throughput"]
    s, n = t["sluice"], t["node"]
    ratio = t.get("sluice_over_node") or {}
    st = results["startup"]
    print()
    m = results["machine"]
    online = m.get("cpus_online")
    of = f" of {online}" if online and online != m["nproc"] else ""
    print(f"Sluice benchmarks ({results['mode']}) on {m['host']}, "
          f"{m['nproc']}{of} cores ({cpu_label(m)}), {results['date']}")
    b = results.get("build")
    if b:
        kind = (b["type"] or "unknown type") + (" with profile-guided optimization" if b["pgo"] else "")
        print(f"build: {kind} ({b['dir']})")
    print(f"load average before/after: {results['loadavg_start']} / {results['loadavg_end']}")
    print()
    print(f"Node.js vs Sluice: pipelines/reference.yaml on {t['records']:,} records "
          f"(median of {results['runs']}; Sluice with {t['sluice_threads']} threads)")
    rows = [
        ("records/s", med(n, "records_per_second", "median"), med(s, "records_per_second", "median"),
         ratio.get("records_per_second"), fmt_int),
        ("records per CPU-second", med(n, "records_per_cpu_second", "median"),
         med(s, "records_per_cpu_second", "median"), ratio.get("records_per_cpu_second"), fmt_int),
        ("CPU seconds (user+sys)", med(n, "cpu_seconds", "median"), med(s, "cpu_seconds", "median"), None,
         lambda v: fmt_num(v, 2)),
        ("process wall seconds", med(n, "process_wall_seconds", "median"), med(s, "process_wall_seconds", "median"),
         None, lambda v: fmt_num(v, 2)),
        ("peak RSS (MiB)", med(n, "peak_rss_mib", "median"), med(s, "peak_rss_mib", "median"), ratio.get("peak_rss"),
         lambda v: fmt_num(v, 1)),
        ("start-up, 1-record run (ms)", med(st, "node_1_record_ms", "median"),
         med(st, "sluice_run_1_record_ms", "median"), None, lambda v: fmt_num(v, 1)),
    ]
    print(f"  {'':<30} {'Node.js':>14} {'Sluice':>14} {'Sluice/Node':>12}")
    for label, nv, sv, r, f in rows:
        if r is None and nv is not None and sv is not None and nv != 0:
            r = sv / nv
        print(f"  {label:<30} {f(nv):>14} {f(sv):>14} {('-' if r is None else f'{r:.2f}x'):>12}")
    if t.get("node_error"):
        print(f"  (Node.js not measured: {t['node_error'].splitlines()[0]})")

    sc = results["scaling"]
    print()
    print(f"Scaling ({sc['records']:,} records)")
    print(f"  {'threads':>7} {'records/s':>14} {'speed-up':>9} {'efficiency':>10} {'CPU s':>8}")
    for p in sc["points"]:
        print(f"  {p['threads']:>7} {fmt_int(p['records_per_second']['median']):>14} {p['speedup']:>8.2f}x "
              f"{p['efficiency'] * 100:>9.0f}% {p['cpu_seconds']['median']:>8.2f}")

    mem = results["memory"]
    print()
    print("Memory (Sluice peak RSS)")
    for p in mem["points"]:
        print(f"  {p['records']:>10,} records: {p['peak_rss_mib']['median']:>8.1f} MiB")
    print(f"  growth: x{mem['growth_large_over_small']:.2f} for "
          f"x{mem['points'][-1]['records'] / mem['points'][0]['records']:.0f} the records")

    lat = results["latency"]
    print()
    print("Batch latency (ms)        p50       p95       p99       max   batches   records/s")
    for label, d in (("full load", lat["full_load"]),
                     (f"~50% load ({lat['half_load']['target_records_per_second']:,}/s)", lat["half_load"])):
        vals = [d[f"{q}_us"]["median"] / 1e3 for q in ("p50", "p95", "p99", "max")]
        print(f"  {label:<22}" + "".join(f"{v:>10.2f}" for v in vals)
              + f"{fmt_int(d['batches']['median']):>10}{fmt_int(d['records_per_second']['median']):>12}")

    print()
    print("Per-stage cost (busy ns per record handled, median of the throughput runs; the sink's records are rows)")
    print(f"  {'stage':<12} {'plugin':<24} {'ns/record':>10} {'records':>11} {'concurrency':>12}")
    for stg in results["stages"]:
        handled = stg["records_in"] or stg.get("records_out", 0)  # a source has no records in
        print(f"  {stg['name']:<12} {stg['plugin'] + '@' + stg['version']:<24} "
              f"{stg['ns_per_record']['median']:>10,.0f} {handled:>11,} {stg['concurrency']:>12}")

    print()
    print("Start-up (ms, median)")
    if st.get("sluice_first_batch_ms"):
        print(f"  process start to first batch committed:           {st['sluice_first_batch_ms']['median']:.1f} "
              f"(min {st['sluice_first_batch_ms']['min']:.1f}; from main() "
              f"{st['sluice_first_batch_after_main_ms']['median']:.1f})")
    print(f"  sluice run, 1 record (process wall, upper bound): {st['sluice_run_1_record_ms']['median']:.1f} "
          f"(min {st['sluice_run_1_record_ms']['min']:.1f}); of which the run itself "
          f"{st['sluice_run_1_record_inner_ms']['median']:.2f}")
    print(f"  sluice check pipelines/reference.yaml:            {st['sluice_check_ms']['median']:.1f} "
          f"(min {st['sluice_check_ms']['min']:.1f})")
    if st.get("node_1_record_ms"):
        print(f"  node reference.js, 1 record:                      {st['node_1_record_ms']['median']:.1f}")

    counted = results.get("instructions")
    if counted and counted.get("per_record"):
        print()
        print(f"Instructions a record (Callgrind, {counted['records']:,} records, 1 thread; "
              "steady where the timings above are not)")
        print(f"  {'whole run':<24} {counted['per_record']:>10,.0f}")
        for name, per_record in counted["stages"].items():
            print(f"  {name:<24} {per_record:>10,.0f}")

    micro = results.get("micro")
    if micro and micro.get("benchmarks"):
        print()
        print("Microbenchmarks (Catch2; mean per iteration; a batch of 1000 records: us = ns/record)")
        for b in micro["benchmarks"]:
            print(f"  {b['name']:<62} {b['mean_ns'] / 1e3:>10.2f} us  (+/- {b['std_dev_ns'] / 1e3:.2f})")
    print()


def write_plots(results: dict, prefix: Path) -> list[str]:
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        log("gnuplot is not installed: no plots (scripts/setup.sh --bench)")
        return []
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sc = results["scaling"]["points"]
        base = sc[0]["records_per_second"]["median"]
        (tmp / "scaling.dat").write_text("".join(
            f"{p['threads']} {p['records_per_second']['median']} {base * p['threads']}\n" for p in sc))
        node_rps = med(results["throughput"]["node"], "records_per_second", "median")
        scaling_png = prefix.parent / (prefix.name + "-scaling.png")
        node_line = (f", {node_rps / 1e6} with lines dt 2 lw 2 lc rgb '#c0392b' title 'Node.js (one process)'"
                     if node_rps else "")
        script = f"""
set terminal pngcairo noenhanced size 900,560 font ',11'
set output '{scaling_png}'
set title 'Sluice throughput vs worker threads ({results["scaling"]["records"]:,} records, {results["machine"]["host"]})'
set xlabel 'threads (--threads)'
set ylabel 'million records/s'
set format y "%g"
set grid
set key top left
set xrange [0.5:{sc[-1]['threads'] + 0.5}]
set yrange [0:*]
set xtics ({", ".join(str(p['threads']) for p in sc)})
plot '{tmp / "scaling.dat"}' using 1:($2/1e6) with linespoints lw 2 pt 7 lc rgb '#2471a3' title 'Sluice (median)', \\
     '' using 1:($3/1e6) with lines dt 3 lc rgb '#7f8c8d' title 'linear from 1 thread'{node_line}
"""
        lat = results["latency"]
        latency_png = prefix.parent / (prefix.name + "-latency.png")
        loads = (("full_load", "full load", "#2471a3"),
                 ("half_load", f"~50% load ({lat['half_load']['target_records_per_second']:,} records/s)", "#27ae60"))
        if all(lat[key].get("buckets") for key, _, _ in loads):
            # The distribution: the share of batches done within each bucket's upper bound, as
            # steps from 0 to 100%, with the median p99 of the runs in the legend.
            lines = []
            for key, label, colour in loads:
                buckets = lat[key]["buckets"]
                total = sum(n for _, _, n in buckets)
                seen = 0
                rows = [f"{buckets[0][0] / 1e3} 0"]
                for _, upper, n in buckets:
                    seen += n
                    rows.append(f"{upper / 1e3} {100.0 * seen / total}")
                data = tmp / f"latency-{key}.dat"
                data.write_text("\n".join(rows) + "\n")
                p99 = lat[key]["p99_us"]["median"] / 1e3
                lines.append(f"'{data}' using 1:2 with steps lw 2 lc rgb '{colour}' title '{label}: p99 {p99:.2f} ms'")
            script += f"""
set output '{latency_png}'
set title 'Sluice batch latency distribution, all runs ({results["machine"]["host"]})'
set xlabel 'batch latency (ms, log scale)'
set ylabel 'batches done within it (%)'
set logscale x
set format x "%g"
set format y "%g"
set xrange [*:*]
set xtics auto
set yrange [0:100]
set ytics 10
set key center right
plot {", ".join(lines)}, 99 with lines dt 3 lc rgb '#7f8c8d' title '99%'
"""
        else:
            log("the latency reports have no histogram buckets (Sluice older than the bench): no latency plot")
            latency_png = None
        r = subprocess.run([gnuplot], input=script, text=True, capture_output=True)
        if r.returncode != 0:
            log(f"gnuplot failed: {r.stderr.strip()}")
            return []
        written = [shown(scaling_png)] + ([shown(latency_png)] if latency_png else [])
    return written


# --------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller data, one run each, no microbenchmarks")
    ap.add_argument("--build-dir", default="build", help="where bin/sluice is (default: build)")
    ap.add_argument("--data-dir", default=str(BENCH / "data"), help="generated input cache (default: bench/data)")
    ap.add_argument("--results-dir", default=str(BENCH / "results"))
    ap.add_argument("--runs", type=int, help="repetitions of each measurement (default: 3; --quick: 1)")
    ap.add_argument("--skip-node", action="store_true", help="do not run the Node.js implementation")
    ap.add_argument("--skip-micro", action="store_true", help="do not run the microbenchmarks")
    ap.add_argument("--micro-samples", type=int, default=30, help="Catch2 samples per microbenchmark")
    ap.add_argument("--skip-instructions", action="store_true",
                    help="do not count instructions under Callgrind (full mode only; needs valgrind)")
    ap.add_argument("--report", metavar="FILE", help="print the tables of a results file; measure nothing")
    args = ap.parse_args()
    if args.report:
        print_report(json.loads(Path(args.report).read_text()))
        return 0

    plan = QUICK if args.quick else FULL
    if args.runs:
        plan = dataclasses.replace(plan, runs=args.runs)
    build_dir = (REPO / args.build_dir).resolve()
    results_dir = Path(args.results_dir).resolve()
    results_dir.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    load_start = loadavg()
    machine = machine_info()
    nproc = machine["nproc"] or 1
    if load_start and load_start[0] > 0.5 * nproc:
        log(f"the machine is busy (load average {load_start[0]:.1f} on {nproc} cores): expect noisy numbers")

    with tempfile.TemporaryDirectory(prefix="sluice-bench-") as work:
        work_dir = Path(work)
        sluice = Sluice(build_dir, work_dir)
        node = Node(work_dir)
        if node.problem and not args.skip_node:
            log(f"Node.js comparison unavailable: {node.problem}")
        cache = DataCache(Path(args.data_dir).resolve(), sluice.binary)
        count_instructions = not args.quick and not args.skip_instructions
        unavailable = instructions.available() if count_instructions else None
        if unavailable:
            log(f"instructions: {unavailable}, skipped")
            count_instructions = False
        files = cache.ensure(plan.sizes() + ([INSTRUCTION_RECORDS] if count_instructions else []))

        throughput, full_reports = measure_throughput(plan, sluice, node, files[plan.throughput_records],
                                                      args.skip_node)
        scaling = measure_scaling(plan, sluice, files[plan.throughput_records], nproc)
        memory = measure_memory(plan, sluice, files)
        latency = measure_latency(plan, sluice, full_reports)
        startup = measure_startup(plan, sluice, node, files[1], args.skip_node)
        counted = measure_instructions(sluice, files[INSTRUCTION_RECORDS], work_dir) if count_instructions else None
        micro = None
        if not args.quick and not args.skip_micro:
            micro = run_micro(build_dir, args.micro_samples)
        node_version = node.version()

    now = datetime.datetime.now()
    results = {
        "schema": RESULTS_SCHEMA,
        "mode": plan.mode,
        "date": now.strftime("%Y-%m-%d"),
        "time": now.isoformat(timespec="seconds"),
        "machine": machine,
        "loadavg_start": load_start,
        "loadavg_end": loadavg(),
        "git": git_info(),
        "build": build_info(build_dir),
        "software": {"node": node_version, "python": platform.python_version()},
        "runs": plan.runs,
        "data": {"generator": cache.generator, "generator_sha256": cache.generator_sha256, "seed": SEED,
                 "files": {str(n): {"path": shown(p),
                                    "bytes": p.stat().st_size} for n, p in files.items()}},
        "throughput": throughput,
        "scaling": scaling,
        "memory": memory,
        "latency": latency,
        "stages": stage_costs(full_reports),
        "startup": startup,
        "instructions": counted,
        "micro": micro,
        "bench_seconds": None,
        "plots": [],
    }
    name = f"{results['date']}-{machine['host']}" + ("-quick" if args.quick else "")
    results["plots"] = write_plots(results, results_dir / name)
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    out = results_dir / f"{name}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print_report(results)
    print(f"results: {shown(out)}")
    for p in results["plots"]:
        print(f"plot:    {p}")
    print(f"({results['bench_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        log(f"error: {e}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(128 + signal.SIGINT)
