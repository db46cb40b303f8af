"""The terminal commands in the terminal's language: ``--lang``, ``TIMBOT_LANGUAGE``, ``LANG``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from timbot.cli import main


def _out(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_answers_in_the_language_asked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "run", "--demo", "--lang", "zh", "/im-groups Public --limit 2")
    assert code == 0 and "900 个 Public 群组  ·  第 1 页，共 450 页" in out and "下一页 ▶" in out
    assert out.startswith("/im-groups Public --limit 2\n")  # the command as typed, never translated


def test_the_terminals_language_is_the_default(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    code, _, err = _out(capsys, "run", "--demo", "/im-groups --limit 0")
    assert code == 2 and "--limit 값은 1~100 사이의 정수여야 합니다(입력값: 0)" in err
    monkeypatch.setenv("TIMBOT_LANGUAGE", "ja")  # over the terminal's; --lang over both
    assert "次へ ▶" in _out(capsys, "run", "--demo", "/im-groups --limit 2")[1]
    assert "Next ▶" in _out(capsys, "run", "--demo", "--lang", "en", "/im-groups --limit 2")[1]


def test_demo_in_the_terminals_language() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIM_", "SLACK_", "TIMBOT_", "LC_"))}
    done = subprocess.run([sys.executable, "-m", "timbot", "demo"], input="/im-groups --limit 2\nx\nquit\n",
                          capture_output=True, text=True, timeout=60, env={**env, "LANG": "ja_JP.UTF-8"},
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "ここのデータはすべて生成されたデモデータです" in done.stdout
    assert "グループ 2,700 件" in done.stdout
    assert "不明な入力 'x'" in done.stdout


def test_check_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "check", "--lang", "ja")  # nothing configured: no network call
    assert code == 1 and "設定" in out and "必須ですが未設定です" in out
    assert "合格 0、不合格 1、スキップ 4" in out
