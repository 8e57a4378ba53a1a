"""Benchmark of invoice documents: invoices per second and memory, on this machine.

    .venv/bin/python bench/invoices.py [--count 1000] [--batch 10000] [--all-batch 2000]

What runs (no database, no Django: rendering is pure), each in fresh worker processes of a
`ProcessPoolExecutor` (spawn), every worker rendering its share and discarding the bytes:

    baseline  a one-line A4 PDF drawn with the ReportLab canvas directly (the floor of any PDF)
    pdf       render_pdf
    all       render_pdf + render_facturx (PDF/A-3 + CII, XSD-checked) + render_ubl (XSD + rules)

each with 1 and with 2 workers, over `--count` invoices cycling through five fixture snapshots
(tests/invoicing/documents/snapshots.py: 4-line EUR invoice, USD instalments, credit note, JPY,
40-line two-page invoice). Throughput = invoices / wall time of the pool (worker start-up and
warm-up, 5 invoices per worker, excluded).

Memory: one worker renders a `--batch` stream of PDFs (default 10,000) and reports its
ru_maxrss after warm-up and at the end, and the tracemalloc peak of one invoice; the same for
`--all-batch` invoices of all three formats. Prints a table and the ratios to the baseline.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

WARMUP = 5


def _snapshots():
    from tests.invoicing.documents import snapshots

    return [snapshots.eur_invoice(), snapshots.usd_invoice(), snapshots.eur_credit_note(),
            snapshots.jpy_invoice(), snapshots.long_invoice()]


def _renderer(mode: str):
    if mode == "baseline":
        import io

        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        def baseline(snapshot) -> int:
            out = io.BytesIO()
            c = canvas.Canvas(out, pagesize=A4)
            c.drawString(72, 770, f"Invoice {snapshot.number}")
            c.showPage()
            c.save()
            return len(out.getvalue())

        return baseline
    from saleor_netterms.invoicing.documents.facturx import render_facturx
    from saleor_netterms.invoicing.documents.pdf import render_pdf
    from saleor_netterms.invoicing.documents.ubl import render_ubl

    if mode == "pdf":
        return lambda snapshot: len(render_pdf(snapshot))
    return lambda snapshot: (len(render_pdf(snapshot)) + len(render_facturx(snapshot))
                             + len(render_ubl(snapshot)))


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _worker_warm(mode: str) -> float:
    render, snaps = _renderer(mode), _snapshots()
    for i in range(WARMUP):
        render(snaps[i % len(snaps)])
    return _maxrss_mb()


def _worker_run(mode: str, count: int, offset: int) -> tuple[int, float]:
    render, snaps = _renderer(mode), _snapshots()
    cpu = time.process_time()
    for i in range(offset, offset + count):
        render(snaps[i % len(snaps)])
    return count, time.process_time() - cpu


def throughput(mode: str, count: int, workers: int) -> tuple[float, float]:
    """(invoices per wall-clock second, CPU seconds per invoice in the workers)."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(_worker_warm, [mode] * workers))  # start + import + warm every worker
        shares = [count // workers + (1 if i < count % workers else 0) for i in range(workers)]
        offsets = [sum(shares[:i]) for i in range(workers)]
        started = time.perf_counter()
        runs = list(pool.map(_worker_run, [mode] * workers, shares, offsets))
        elapsed = time.perf_counter() - started
    done = sum(n for n, _ in runs)
    return done / elapsed, sum(cpu for _, cpu in runs) / done


def _worker_memory(mode: str, count: int) -> dict:
    render, snaps = _renderer(mode), _snapshots()
    for i in range(WARMUP):
        render(snaps[i % len(snaps)])
    tracemalloc.start()
    render(snaps[0])
    _, one_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    render(snaps[4])
    _, long_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after_warmup = _maxrss_mb()
    checkpoints = {}
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        render(snaps[i % len(snaps)])
        if (i + 1) in (count // 10, count // 2, count):
            checkpoints[i + 1] = _maxrss_mb()
    return {"after_warmup_mb": after_warmup, "checkpoints": checkpoints,
            "elapsed": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "tracemalloc_4line_mb": one_peak / 2**20,
            "tracemalloc_40line_mb": long_peak / 2**20}


def memory(mode: str, count: int) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_worker_memory, mode, count).result()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="invoices per throughput run")
    parser.add_argument("--batch", type=int, default=10000, help="PDF memory batch")
    parser.add_argument("--all-batch", type=int, default=2000, help="all-formats memory batch")
    args = parser.parse_args()

    import reportlab

    print(f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, reportlab {reportlab.Version}")
    print(f"throughput: {args.count} invoices per run, 5 fixture snapshots cycled "
          f"(avg 10.2 lines, 1.2 pages)\n")
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes compete for the CPUs; "
          "CPU ms per invoice is the contention-proof figure)")
    results, cpu_ms = {}, {}
    for mode in ("baseline", "pdf", "all"):
        for workers in (1, 2):
            results[(mode, workers)], cpu = throughput(mode, args.count, workers)
            cpu_ms[(mode, workers)] = cpu * 1000
            print(f"  {mode:8s} {workers} worker{'s' if workers > 1 else ' '}  "
                  f"{results[(mode, workers)]:8.1f} invoices/s wall   "
                  f"{cpu * 1000:8.2f} CPU ms/invoice  (=> {1 / cpu:7.1f}/s per free core)",
                  flush=True)
    print(f"load average after throughput: {os.getloadavg()[0]:.2f}")
    print()
    for mode in ("pdf", "all"):
        print(f"  {mode} CPU cost / baseline CPU cost: "
              f"{cpu_ms[(mode, 1)] / cpu_ms[('baseline', 1)]:.1f}x")
        for workers in (1, 2):
            print(f"  {mode} / baseline ({workers}w): "
                  f"{results[(mode, workers)] / results[('baseline', workers)]:.3f} "
                  f"(baseline is {results[('baseline', workers)] / results[(mode, workers)]:.1f}x "
                  f"faster)")
        print(f"  {mode} scaling 2w / 1w: {results[(mode, 2)] / results[(mode, 1)]:.2f}x")
    print()
    for mode, count in (("pdf", args.batch), ("all", args.all_batch)):
        m = memory(mode, count)
        marks = ", ".join(f"{n}: {mb:.1f}" for n, mb in m["checkpoints"].items())
        print(f"memory {mode}: one worker, {count} invoices streamed in {m['elapsed']:.1f} s "
              f"wall ({count / m['elapsed']:.1f}/s), {m['cpu'] / count * 1000:.2f} CPU ms/invoice")
        print(f"  ru_maxrss MiB after warm-up {m['after_warmup_mb']:.1f}; after n invoices "
              f"{marks}")
        print(f"  tracemalloc peak of one invoice: 4-line {m['tracemalloc_4line_mb']:.2f} MiB, "
              f"40-line {m['tracemalloc_40line_mb']:.2f} MiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
