"""Render every document of the test corpus (tests/invoicing/documents/corpus.py) as the buyer
gets it — the Factur-X PDF/A-3 — and convert its pages to PNG with poppler's pdftoppm into
docs/corpus/<case>[-<page>].png. Run: make corpus-png (or python scripts/corpus_render.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_netterms.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///" + str(ROOT / "db.sqlite3"))

import django  # noqa: E402

django.setup()

from saleor_netterms.invoicing.documents.services import document_render  # noqa: E402
from tests.invoicing.documents.corpus import CASES  # noqa: E402

OUT = ROOT / "docs" / "corpus"
RESOLUTION = "60"


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm (poppler-utils) is not installed", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for name, case in sorted(CASES.items()):
            document = document_render(case(), "facturx")
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(document.content)
            subprocess.run(["pdftoppm", "-png", "-r", RESOLUTION, str(pdf), str(OUT / name)], check=True)
            pages = sorted(OUT.glob(f"{name}*.png"))
            if len(pages) == 1:
                pages[0].rename(OUT / f"{name}.png")
            print(name, ", ".join(p.name for p in sorted(OUT.glob(f"{name}*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
