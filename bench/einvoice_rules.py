"""Benchmark of the official e-invoicing rules at issue: what validating every e-invoice costs.

    .venv/bin/python bench/einvoice_rules.py [--rounds 5]

One process, no database (the documents are pure). Over the 16 documents of the official-rules
corpus (tests/invoicing/documents/corpus.py), each `--rounds` times, it times:

    baseline   producing both e-invoices the way issuing always did: render_ubl (XSD + the app's
               subset of the rules) + facturx_xml + its XSD check
    pdf        render_pdf (what every invoice costs anyway), for scale
    official   each official ruleset on its XML (cen-ubl, peppol-ubl, cen-cii, facturx-cii)
    at issue   documents.services.einvoice_problem: baseline + all official rulesets

and the one-off cost per process: compiling the four stylesheets (SaxonC-HE) and the resident
memory they add (ru_maxrss before the first compile and after the run). Prints milliseconds per
invoice and ratios to the baseline. Needs the rule files at EINVOICE_RULES_DIR (../shared/einvoice
in development).
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _per_invoice(fn, items, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for item in items:
            fn(item)
    return (time.perf_counter() - start) * 1000 / (rounds * len(items))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_netterms.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from saleor_netterms.invoicing.documents import official_rules
    from saleor_netterms.invoicing.documents.facturx import facturx_xml, facturx_xml_check
    from saleor_netterms.invoicing.documents.pdf import render_pdf
    from saleor_netterms.invoicing.documents.services import einvoice_problem
    from saleor_netterms.invoicing.documents.ubl import render_ubl
    from tests.invoicing.documents import corpus

    missing = official_rules.official_rules_missing()
    if missing:
        sys.exit(f"the official rule files are not installed ({', '.join(missing)}): set EINVOICE_RULES_DIR")
    cases = [getattr(corpus, name)() for name in sorted(dir(corpus)) if name.startswith("case_")]

    def baseline(snapshot):
        render_ubl(snapshot)
        facturx_xml_check(facturx_xml(snapshot))

    for snapshot in cases[:2]:  # warm lxml's schema caches and the PDF fonts
        baseline(snapshot)
        render_pdf(snapshot)
    rss_before = _rss_mb()
    compile_s = {}
    for ruleset in ("cen-ubl", "peppol-ubl", "cen-cii", "facturx-cii"):
        start = time.perf_counter()
        official_rules._executable(str(official_rules.ruleset_path(ruleset)))
        compile_s[ruleset] = time.perf_counter() - start
    ubl = [render_ubl(s) for s in cases]
    cii = [facturx_xml(s) for s in cases]
    for ruleset, docs in (("cen-ubl", ubl), ("peppol-ubl", ubl), ("cen-cii", cii), ("facturx-cii", cii)):
        official_rules.findings(ruleset, docs[0])

    rows = [("baseline (UBL + CII, XSDs + subset)", _per_invoice(baseline, cases, args.rounds))]
    rows.append(("pdf (render_pdf)", _per_invoice(render_pdf, cases, args.rounds)))
    for ruleset, docs in (("cen-ubl", ubl), ("peppol-ubl", ubl), ("cen-cii", cii), ("facturx-cii", cii)):
        rows.append((f"official {ruleset}", _per_invoice(lambda x, r=ruleset: official_rules.findings(r, x),
                                                         docs, args.rounds)))
    rows.append(("at issue: einvoice_problem (all)", _per_invoice(einvoice_problem, cases, args.rounds)))
    problems = [einvoice_problem(s) for s in cases]
    rss_after = _rss_mb()

    base = rows[0][1]
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus; "
          f"{len(cases)} corpus documents x {args.rounds} rounds")
    print(f"{'what':<38}{'ms/invoice':>12}{'x baseline':>12}")
    for name, ms in rows:
        print(f"{name:<38}{ms:>12.2f}{ms / base:>12.2f}")
    print("compile once per process: " + ", ".join(f"{k} {v:.2f} s" for k, v in compile_s.items())
          + f" (total {sum(compile_s.values()):.2f} s)")
    print(f"resident memory: {rss_before:.0f} MB before compiling, {rss_after:.0f} MB after "
          f"(+{rss_after - rss_before:.0f} MB)")
    print(f"corpus verdicts: {sum(1 for p in problems if not p)} of {len(problems)} accepted by every official ruleset")


if __name__ == "__main__":
    main()
