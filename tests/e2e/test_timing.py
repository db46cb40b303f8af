"""The ack leaves within 3 s when Tencent is slow (4 s) or commands wait for the 1/s pacing."""

from __future__ import annotations

import threading

from tests.e2e.conftest import Sent, Stack


def _in_threads(stack: Stack, requests: list[tuple[str, str]]) -> list[Sent]:
    sent: list[Sent] = [None] * len(requests)  # type: ignore[list-item]

    def one(i: int) -> None:
        sent[i] = stack.command(*requests[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sent


def test_slow_tencent_and_paced_burst_are_acked_in_time(fresh: Stack) -> None:
    fresh.emulator.faults.delay(4.0, times=1, endpoint="get_group_info")
    (slow,) = _in_threads(fresh, [("/im-group", "@TGS#3GSW2YAIR")])
    assert slow.status == 200 and slow.seconds < 3.0
    # While that answer is still on its way, four list commands queue behind Tencent's 1 call/s.
    burst = _in_threads(
        fresh,
        [("/im-groups", f"{kind} --limit 7") for kind in ("Public", "Private", "ChatRoom", "Community")],
    )
    assert all(s.status == 200 and s.seconds < 3.0 for s in burst), [s.seconds for s in burst]
    assert fresh.slack.posts_for(slow.key) == []  # acknowledged long before the answer
    message = fresh.slack.wait_posts(slow.key, 1, timeout=15)[0]
    assert "TGS#3GSW2YAIR" in message["text"] + str(message["blocks"])
    for s in burst:
        assert "timbot_next" in str(fresh.slack.wait_posts(s.key, 1, timeout=15)[0]["blocks"])
