"""The workspace-wide chat.update budget of the exports' progress messages."""

from __future__ import annotations

from timbot.slack.dm import UpdateBudget


def test_update_budget_spaces_one_export_and_caps_the_workspace() -> None:
    now = [0.0]
    budget = UpdateBudget(per_minute=3, every=5.0, clock=lambda: now[0])
    assert budget.take(None) and not budget.take(0.0)  # one export: at most every 5 s
    now[0] = 5.0
    assert budget.take(0.0) and budget.take(None)  # three in the minute
    assert not budget.take(None)  # a fourth export's update waits for the window
    now[0] = 61.0
    assert budget.take(None)
