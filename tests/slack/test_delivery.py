"""The Slack side of an export against the fake Slack, which answers as Slack does: a file goes to a ``D``
channel (a ``U`` ID is refused), an upload of another size than announced is refused, a 429 is waited out."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.slack.fakes import BOT_TOKEN, FakeSlack
from timbot.exports.errors import DeliveryError
from timbot.render.export import export_started
from timbot.slack.dm import Delivery, web_client


@pytest.fixture
def slack_api(slack: tuple[FakeSlack, str]) -> tuple[FakeSlack, str]:
    fake, url = slack
    fake.reset()
    return fake, url


async def test_a_file_goes_to_the_dm_channel_not_a_user_id(slack_api: tuple[FakeSlack, str],
                                                           tmp_path: Path) -> None:
    fake, url = slack_api
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xef\xbb\xbfa,error\r\n" + b"x,\r\n" * 100_000)  # 400 KB: several chunks streamed
    async with httpx.AsyncClient() as http:
        delivery = Delivery(web=web_client(token=BOT_TOKEN, base_url=f"{url}/api/"), http=http)
        channel = await delivery.open_dm("U0ALICE")
        assert channel.startswith("D")
        with pytest.raises(DeliveryError) as refused:
            await delivery.upload("U0ALICE", path, filename="x.csv", title="t", comment="c")
        assert refused.value.method == "files.completeUploadExternal"
        assert refused.value.error == "invalid_arguments"
        file_id = await delivery.upload(channel, path, filename="x.csv", title="t", comment="c")
    assert fake.files[file_id]["data"] == path.read_bytes() and fake.files[file_id]["channel"] == channel


async def test_an_upload_of_another_size_is_refused(slack_api: tuple[FakeSlack, str]) -> None:
    _, url = slack_api
    async with httpx.AsyncClient() as http:
        got = (await http.post(f"{url}/api/files.getUploadURLExternal",
                               data={"filename": "a", "length": "10"},
                               headers={"Authorization": f"Bearer {BOT_TOKEN}"})).json()
        answer = await http.post(got["upload_url"], content=b"12345")
    assert answer.status_code == 400 and "size mismatch" in answer.text


async def test_a_429_is_waited_out(slack_api: tuple[FakeSlack, str]) -> None:
    fake, url = slack_api
    fake.faults["chat.update"] = [(429, "", "1")]
    async with httpx.AsyncClient() as http:
        delivery = Delivery(web=web_client(token=BOT_TOKEN, base_url=f"{url}/api/"), http=http)
        channel = await delivery.open_dm("U0ALICE")
        ts = await delivery.post(channel, export_started("/im-groups --csv", total=3))
        started = time.monotonic()
        await delivery.update(channel, ts, export_started("/im-groups --csv", total=4))
    assert time.monotonic() - started >= 0.9  # Retry-After: 1
    assert len(fake.messages[(channel, ts)]) == 2
