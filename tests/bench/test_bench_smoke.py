"""The benchmark harness in a tiny configuration, so it cannot rot (no timing assertions)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.stats import Figure, Rep, percentile

ROOT = Path(__file__).resolve().parents[2]


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
    figure = Figure((Rep.of([1.0, 2.0, 3.0]), Rep.of([2.0, 4.0, 6.0]), Rep.of([3.0, 5.0, 7.0])))
    assert figure.p50 == 4.0  # median of the per-repetition medians 2, 4, 5
    assert figure.p50_spread == (2.0, 5.0)
    assert figure.shifted(-1.0).p50 == 3.0


def test_smoke_run_measures_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = out.read_text()
    verdicts = re.findall(r"^- \*\*(PASS|MISS)\*\* ", report, flags=re.M)
    assert len(verdicts) == 9, report
    sections = ("## Ack latency", "## End-to-end", "## Next click", "## Tencent call economy", "## Memory")
    for section in sections:
        assert section in report
    # every command was answered at its response_url and every click found its Next button
    assert "timbot commands never answered: 0." in report
    assert "Messages missing: 0." in report
    assert "Click failures: 0." in report
    assert "Non-200 acks: none" in report
    # the emulator counted the Tencent calls: one per distinct /im-groups page, one for the same group
    assert re.search(r"^\| 1 \| 2 \| [0-9.]+ s \| 1 \| 8/8 \|$", report, flags=re.M), report
