#!/usr/bin/env python3
"""The macro benchmarks (docs/performance.md); run through benchmarks/run.sh.

    macro.py --bulletin BIN --work DIR --out RESULTS.json [--count 10000] [--small 1000]
             [--pdf-repeat 25] [--micro MICRO.json] [--quick]

Measures, on a corpus from benchmarks/corpus/generate.py (cached in DIR by seed and count):
end-to-end text→JSON throughput of pipelines/cn-bulletin.xml with `bulletin batch --jobs 1` and
`--jobs 2` (fresh outputs), an unchanged re-run, cold start of `bulletin run` on the sample,
peak RSS for the small and the full corpus, and the PDF pipeline against bare `pdftotext` on
the sample PDFs. Prints a table and writes RESULTS.json. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PIPELINE = os.path.join(ROOT, "pipelines", "cn-bulletin.xml")
SAMPLE = os.path.join(ROOT, "examples", "samples", "hunan-xuanren-2023-04-24.txt")
PDF_DIR = os.path.join(ROOT, "tests", "data", "samples")
SEED = 1


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def timed(cmd: list[str], **kw) -> dict:
    """Runs cmd; wall seconds, CPU seconds (user+sys of the child) and peak RSS (KiB) of the
    child, from GNU time when it is there."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_file = None
    if gnu_time:
        rss_file = os.path.join("/tmp", f"bulletin-bench-time-{os.getpid()}")
        cmd = [gnu_time, "-f", "%M", "-o", rss_file] + cmd
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = None
    if rss_file and os.path.exists(rss_file):
        with open(rss_file) as f:
            lines = [l for l in f.read().split() if l.strip().isdigit()]
        rss = int(lines[-1]) if lines else None
        os.unlink(rss_file)
    return {"wall": wall, "cpu": cpu, "user": after.ru_utime - before.ru_utime,
            "sys": after.ru_stime - before.ru_stime, "rss_kib": rss, "rc": proc.returncode,
            "stderr": proc.stderr.decode("utf-8", "replace")[-2000:]}


def corpus(work: str, count: int) -> tuple[str, int]:
    """DIR/corpus-SEED-COUNT, generated once (the generator is deterministic)."""
    d = os.path.join(work, f"corpus-{SEED}-{count}")
    stamp = os.path.join(d, ".complete")
    if not os.path.exists(stamp):
        shutil.rmtree(d, ignore_errors=True)
        log(f"generating {count} bulletins (seed {SEED}) in {d}")
        subprocess.run([sys.executable, os.path.join(HERE, "corpus", "generate.py"), "--seed",
                        str(SEED), "--count", str(count), "--out", os.path.join(d, "in"),
                        "--truth", os.path.join(d, "truth")], check=True)
        open(stamp, "w").close()
    size = sum(os.path.getsize(os.path.join(d, "in", f)) for f in os.listdir(os.path.join(d, "in")))
    return d, size


def check_corpus(bulletin: str, work: str, n: int = 25) -> dict:
    """The generator's ground truth against the pipeline on the first n documents."""
    d, _ = corpus(work, n)
    out = os.path.join(work, "check-out")
    shutil.rmtree(out, ignore_errors=True)
    inputs = sorted(os.path.join(d, "in", f) for f in os.listdir(os.path.join(d, "in")))
    run = subprocess.run([bulletin, "run", PIPELINE, *inputs, "-o", out], capture_output=True)
    chk = subprocess.run([sys.executable, os.path.join(HERE, "corpus", "check.py"),
                          os.path.join(d, "truth"), out, "--quiet"], capture_output=True, text=True)
    last = chk.stdout.strip().splitlines()[-1] if chk.stdout.strip() else ""
    if chk.returncode != 0:
        print(chk.stdout, file=sys.stderr)
    return {"documents": n, "ok": run.returncode == 0 and chk.returncode == 0, "summary": last}


def batch(bulletin: str, inp: str, out: str, jobs: int, fresh: bool = True) -> dict:
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    r = timed([bulletin, "batch", PIPELINE, "--input", inp, "--output", out, "--jobs", str(jobs)])
    if r["rc"] != 0:
        log(f"batch --jobs {jobs} exited {r['rc']}: {r['stderr']}")
    return r


def cold_start(bulletin: str, work: str, runs: int) -> dict:
    out = os.path.join(work, "cold-out")
    cmd = [bulletin, "run", PIPELINE, SAMPLE, "-o", out]
    subprocess.run(cmd, capture_output=True)  # warm the page cache: "cold" = a new process
    hf = shutil.which("hyperfine")
    if hf:
        export = os.path.join(work, "hyperfine.json")
        subprocess.run([hf, "--warmup", "3", "--runs", str(runs), "--export-json", export, "-N",
                        " ".join(cmd)], capture_output=True)
        with open(export) as f:
            res = json.load(f)["results"][0]
        return {"tool": "hyperfine", "runs": runs, "median_ms": res["median"] * 1e3,
                "mean_ms": res["mean"] * 1e3, "min_ms": res["min"] * 1e3,
                "user_ms": res["user"] * 1e3, "system_ms": res["system"] * 1e3}
    walls, cpus = [], []
    for _ in range(runs):
        r = timed(cmd)
        walls.append(r["wall"])
        cpus.append(r["cpu"])
    return {"tool": "loop", "runs": runs, "median_ms": statistics.median(walls) * 1e3,
            "mean_ms": statistics.mean(walls) * 1e3, "min_ms": min(walls) * 1e3,
            "user_ms": None, "system_ms": None, "cpu_median_ms": statistics.median(cpus) * 1e3}


def pdf_vs_pdftotext(bulletin: str, work: str, repeat: int) -> dict:
    d = os.path.join(work, f"pdf-{repeat}")
    if not os.path.isdir(d):
        os.makedirs(d)
        for k in range(repeat):
            for f in sorted(os.listdir(PDF_DIR)):
                if f.endswith(".pdf"):
                    shutil.copyfile(os.path.join(PDF_DIR, f), os.path.join(d, f"{k:03d}-{f}"))
    pdfs = sorted(os.path.join(d, f) for f in os.listdir(d))
    out = os.path.join(work, "pdf-out")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    # pdftotext alone: one process per file, as a script would call it.
    script = os.path.join(work, "pdftotext.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nfor p in \"$@\"; do pdftotext -enc UTF-8 \"$p\" " + out + "/x.txt || exit 1; done\n")
    os.chmod(script, 0o755)
    base = timed([script, *pdfs])
    ours = timed([bulletin, "run", PIPELINE, *pdfs, "-o", out])
    only_pdf = timed([bulletin, "run", PIPELINE, *pdfs, "-o", out, "--set", "json.enabled=false"])
    return {"files": len(pdfs), "pdftotext_s": base["wall"], "pdftotext_cpu_s": base["cpu"],
            "bulletin_s": ours["wall"], "bulletin_cpu_s": ours["cpu"],
            "bulletin_no_json_s": only_pdf["wall"],
            "ratio_wall": ours["wall"] / base["wall"] if base["wall"] else None,
            "ratio_cpu": ours["cpu"] / base["cpu"] if base["cpu"] else None,
            "rc": ours["rc"]}


def machine() -> dict:
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    return {"nproc": sh("nproc"), "lscpu": sh("lscpu | head -15"), "memory": sh("free -h | head -2"),
            "load_before": os.getloadavg(), "kernel": platform.release(),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bulletin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--pdf-repeat", type=int, default=25)
    ap.add_argument("--cold-runs", type=int, default=30)
    ap.add_argument("--micro", help="Google Benchmark JSON output to summarise")
    args = ap.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    bulletin = os.path.abspath(args.bulletin)
    res: dict = {"machine": machine(), "corpus": {"seed": SEED}}

    res["corpus_check"] = check_corpus(bulletin, args.work)
    log(f"corpus check: {res['corpus_check']['summary']}")

    big, big_bytes = corpus(args.work, args.count)
    small, small_bytes = corpus(args.work, args.small)
    res["corpus"].update({"documents": args.count, "bytes": big_bytes,
                          "small_documents": args.small, "small_bytes": small_bytes})
    big_in = os.path.join(big, "in")

    runs = {}
    for jobs in (1, 2):
        log(f"batch --jobs {jobs} on {args.count} documents")
        runs[jobs] = batch(bulletin, big_in, os.path.join(args.work, f"out-j{jobs}"), jobs)
    log("unchanged re-run")
    rerun = batch(bulletin, big_in, os.path.join(args.work, "out-j1"), 1, fresh=False)
    log(f"batch --jobs 1 on {args.small} documents (RSS)")
    small_run = batch(bulletin, os.path.join(small, "in"), os.path.join(args.work, "out-small"), 1)

    mb = big_bytes / 1e6
    res["throughput"] = {
        str(j): {"wall_s": r["wall"], "cpu_s": r["cpu"], "user_s": r["user"], "sys_s": r["sys"],
                 "mb_per_s": mb / r["wall"], "docs_per_s": args.count / r["wall"],
                 "mb_per_cpu_s": mb / r["cpu"] if r["cpu"] else None,
                 "peak_rss_kib": r["rss_kib"], "rc": r["rc"]}
        for j, r in runs.items()}
    res["throughput"]["speedup_2_vs_1"] = runs[1]["wall"] / runs[2]["wall"]
    res["rerun"] = {"wall_s": rerun["wall"], "cpu_s": rerun["cpu"], "rc": rerun["rc"]}
    res["memory"] = {"small_docs": args.small, "small_peak_rss_kib": small_run["rss_kib"],
                     "large_docs": args.count, "large_peak_rss_kib": runs[1]["rss_kib"]}
    log("cold start")
    res["cold_start"] = cold_start(bulletin, args.work, args.cold_runs)
    log("PDF pipeline vs pdftotext")
    res["pdf"] = pdf_vs_pdftotext(bulletin, args.work, args.pdf_repeat)
    res["machine"]["load_after"] = os.getloadavg()
    if args.micro and os.path.exists(args.micro):
        with open(args.micro) as f:
            micro = json.load(f)
        res["micro"] = [{"name": b["name"], "cpu_time_us": b["cpu_time"] if b.get("time_unit") == "us"
                         else b["cpu_time"] / 1e3 if b.get("time_unit", "ns") == "ns" else b["cpu_time"] * 1e3,
                         "mb_per_s": b.get("bytes_per_second", 0) / 1e6 or None}
                        for b in micro.get("benchmarks", [])]

    t = res["throughput"]
    rows = [
        ("text→JSON, 1 job (MB/s wall)", f"{t['1']['mb_per_s']:.2f}", "≥ 50 per core"),
        ("text→JSON, 1 job (MB/s per CPU-s)", f"{t['1']['mb_per_cpu_s']:.2f}", "≥ 50"),
        ("text→JSON, 1 job (docs/s)", f"{t['1']['docs_per_s']:.0f}", ""),
        ("text→JSON, 2 jobs (MB/s wall)", f"{t['2']['mb_per_s']:.2f}", ""),
        ("text→JSON, 2 jobs (docs/s)", f"{t['2']['docs_per_s']:.0f}", ""),
        ("2 jobs vs 1 (speed-up)", f"{t['speedup_2_vs_1']:.2f}×", "≥ 1.8×"),
        ("cold start, sample (median ms)", f"{res['cold_start']['median_ms']:.1f}", "< 30"),
        (f"peak RSS {args.small} docs (MiB)", f"{(res['memory']['small_peak_rss_kib'] or 0) / 1024:.1f}", "flat"),
        (f"peak RSS {args.count} docs (MiB)", f"{(res['memory']['large_peak_rss_kib'] or 0) / 1024:.1f}", "flat"),
        ("PDF pipeline / pdftotext (wall)", f"{res['pdf']['ratio_wall']:.2f}×", "≤ 1.3×"),
        (f"unchanged re-run of {args.count} (s)", f"{res['rerun']['wall_s']:.2f}", "< 1"),
    ]
    res["table"] = [{"measure": a, "value": b, "target": c} for a, b, c in rows]
    width = max(len(a) for a, _, _ in rows)
    print(f"\n{'measure'.ljust(width)}  {'value':>10}  target")
    for a, b, c in rows:
        print(f"{a.ljust(width)}  {b:>10}  {c}")
    print(f"(corpus: {args.count} documents, {mb:.1f} MB; load average before/after: "
          f"{res['machine']['load_before'][0]:.1f}/{res['machine']['load_after'][0]:.1f} on "
          f"{res['machine']['nproc']} cores)")
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(res, f, ensure_ascii=False, indent=2)
        f.write("\n")
    log(f"wrote {args.out}")
    return 0 if res["corpus_check"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
