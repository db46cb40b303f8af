"""The benchmark harness in a tiny configuration, so it cannot rot (no timing assertions)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from bench.exportbench import ExportFigures, check_file, physical_limit
from bench.run import parse
from bench.stats import Figure, Rep, percentile

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
RUNDIR = re.compile(r"logs in (\S+) \(removed at the end\)")


def _open_in(folder: Path) -> list[int]:
    """Processes that have a file under ``folder`` open (a server the benchmark failed to stop)."""
    pids = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd).startswith(str(folder)) for fd in fd_dir.iterdir()):
                pids.append(int(fd_dir.parent.name))
        except OSError:  # gone, or not ours to read
            continue
    return pids


def test_each_run_writes_its_own_report() -> None:
    # the full run writes the committed figures; a quick (or smoke) run never overwrites them
    assert parse([]).out == BENCH / "RESULTS.md"
    assert parse(["--quick"]).out == BENCH / "RESULTS-quick.md"
    assert parse(["--quick", "--latency", "0.01"]).out == BENCH / "RESULTS-quick.md"
    assert parse(["--smoke"]).out == BENCH / "RESULTS-smoke.md"
    assert parse(["--quick", "--out", "elsewhere.md"]).out == Path("elsewhere.md")
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "bench/RESULTS-quick.md" in ignored and "bench/RESULTS-smoke.md" in ignored
    assert "bench/RESULTS.md" not in ignored


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
    committed = (BENCH / "RESULTS.md").read_bytes()
    before = sorted(p.name for p in BENCH.iterdir())
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (BENCH / "RESULTS.md").read_bytes() == committed, "the committed results are left as they were"
    assert sorted(p.name for p in BENCH.iterdir()) == before, "nothing is left in bench/"
    match = RUNDIR.search(proc.stdout)
    assert match, proc.stdout[:500]
    assert not Path(match[1]).exists(), "the run directory (server logs) is removed"
    assert f"written to {out}" in proc.stdout
    report = out.read_text()
    verdicts = re.findall(r"^- \*\*(PASS|MISS)\*\* ", report, flags=re.M)
    assert len(verdicts) == 16, report
    sections = ("## Ack latency", "## End-to-end", "## End-to-end: `/im-groups` with names and a follow",
                "## `/im-groups` walk", "## Next click", "## Tencent call economy", "## Memory",
                "## Export: `/im-groups --csv` of 5,000 groups")
    for section in sections:
        assert section in report
    # every command was answered at its response_url and every click found its Next button
    assert "timbot commands never answered: 0." in report
    assert "Messages missing: 0." in report
    assert "Click failures: 0." in report
    assert "Non-200 acks: none" in report
    # the emulator counted the Tencent calls: one per distinct /im-groups page, one for the same group
    assert re.search(r"^\| 1 \| 2 \| [0-9.]+ s \| 1 \| 8/8 \|$", report, flags=re.M), report
    # /im-groups page 1 with names: one list call and one get_group_info each; a follow answered its Details
    # (/im-group ID: one get_group_info), chosen once from a row's button and once from an overflow menu
    assert re.search(r"^\| `/im-groups` page 1 with names \| 2 \| .* \| 2\.00 \(1\.00 \+ 1\.00\) \|",
                     report, flags=re.M), report
    assert re.search(r"^\| follow `Details` -> `/im-group ID` \| 2 \| .* \| 1\.00 \(0\.00 \+ 1\.00\) \|",
                     report, flags=re.M), report
    assert "groups 0, follows 0; follow choices by element: button 1, overflow 1." in report
    assert re.search(r"^\| `/im-group ID` typed between the follows \| 2 \| .* "
                     r"\| 1\.00 \(0\.00 \+ 1\.00\) \|", report, flags=re.M), report
    assert "| of which from a group's button | 1 | " in report
    assert "| of which from a live room's overflow menu | 1 | " in report
    # the walk (52 pages: into the second chunk): list calls per page, the cached Next, the count at each P
    assert "52 pages in " in report and "with 0 Tencent calls; failures 0." in report
    for row in ("| page 1 (the command) | 1 | 1.00 | 1.00 |", "| Next into a new chunk | 2 | 1.00 | 1.00 |",
                "| Next inside a chunk | 49 | 0.00 | 1.00 |", "| 1 | 1 | 1 | 1 |", "| 50 | 2 | 1 | 2 |",
                "| 51 | 2 | 2 | 2 |", "| 52 | 3 | 2 | 3 |"):
        assert row in report, row
    assert "**PASS** cached Next of /im-groups: no Tencent call: 0 Tencent calls over 3 cached" in report
    assert re.search(r"^- \*\*MISS\*\* list calls of a walk .*: measured "
                     r"P=1: 1, P=50: 2, P=51: 2, P=52: 3 vs formula 1, 1, 2, 2; "
                     r"missed by one call, by design: .*\(matched at every P\)$",
                     report, flags=re.M), report


def test_an_interrupted_run_stops_its_servers_and_removes_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = RUNDIR.search(first)
        assert match, first
        rundir = Path(match[1])
        for line in proc.stdout:  # every server is up and the measuring has begun
            if line.startswith("ack latency"):
                break
        assert _open_in(rundir), "the servers write their logs in the run directory"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not rundir.exists(), "the run directory is removed after an interruption too"
    assert not _open_in(rundir), "no server of the run is left running"
    assert not out.exists()


def test_the_export_phase_checks_its_limit_and_its_file() -> None:
    assert physical_limit(100_000) == 10 + 10  # 10 list calls 1 s apart, 2,000 info calls at 200/s
    assert physical_limit(5000) == 1 + 0.5
    assert physical_limit(10_001) == 2 + 201 / 200
    good = ExportFigures(groups=3)
    body = "\ufeffgroup_id,name,type,member_count,max_members,owner,created,error\r\n" + "".join(
        f'@TGS#{i},"a, ""b""",Public,3,2000,leckie,2025-01-01T00:00:00Z,\r\n' for i in range(3))
    check_file(body.encode(), good)
    assert good.file_ok and (good.rows, good.distinct, good.row_errors) == (3, 3, 0)
    short = ExportFigures(groups=4)
    check_file(body.encode(), short)
    assert not short.file_ok  # a row missing
    twice = ExportFigures(groups=3)
    check_file(body.replace("@TGS#2", "@TGS#1").encode(), twice)
    assert not twice.file_ok  # a group twice
    wrong = ExportFigures(groups=3)
    check_file(body.replace("group_id,name", "id,name").encode(), wrong)
    assert not wrong.file_ok
