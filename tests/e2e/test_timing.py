"""The ack leaves within 3 s when Tencent is slow or a command waits for the 1/s pacing."""

from __future__ import annotations

import threading

from tests.e2e.conftest import Sent, Stack


def test_slow_tencent_acked_in_time_answered_later(fresh: Stack) -> None:
    fresh.emulator.faults.delay(4.0, times=1)
    sent = fresh.command("/im-group", "@TGS#3GSW2YAIR")
    assert sent.status == 200 and sent.seconds < 3.0
    message = fresh.slack.wait_posts(sent.key, 1, timeout=15)[0]
    assert "TGS#3GSW2YAIR" in message["text"] + str(message["blocks"])


def test_burst_waiting_on_pacing_is_acked_in_time(fresh: Stack) -> None:
    types = ["Public", "Private", "ChatRoom", "Community"]
    sent: list[Sent] = []
    lock = threading.Lock()

    def one(kind: str) -> None:
        result = fresh.command("/im-groups", f"{kind} --limit 7")
        with lock:
            sent.append(result)

    threads = [threading.Thread(target=one, args=(kind,)) for kind in types]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(s.status == 200 and s.seconds < 3.0 for s in sent)
    for s in sent:
        message = fresh.slack.wait_posts(s.key, 1, timeout=15)[0]
        assert "timbot_next" in str(message["blocks"])
