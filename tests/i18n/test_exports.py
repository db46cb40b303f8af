"""Exports in every language: the started answer, the progress message and its final states, the Cancel
button, the export errors and the CSV header row in the requester's language (its script present, the
numbers, IDs and commands as in English, Block Kit's limits held), carried from the request to the export's
task and, in a queued job, to the worker (a job enqueued without a language reads English)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from tests.i18n.test_answers import CJK, CODE, OTHERS, SCRIPTS
from tests.render.checker import check
from timbot.commands.export import COLUMN_LABELS, GROUP_COLUMNS, MAX_ROWS, column_labels
from timbot.commands.parse import parse
from timbot.commands.queries import Query
from timbot.commands.results import ExportStatus, PagerButton
from timbot.commands.spec import CANCEL_EXPORT, CANCEL_LABEL, EXPORT_LABEL
from timbot.console.session import demo_client
from timbot.emulator import DEMO_KEY, Emulator
from timbot.exports.errors import DeliveryError, ExportBusy, ExportError, ExportTooLarge
from timbot.exports.walk import check_size
from timbot.i18n import _, current, language
from timbot.render import Message, error_message
from timbot.render.export import export_saved, export_started, progress_line, render_export
from timbot.settings import load_settings
from timbot.slack.exports import Export, Exports
from timbot.slack.queue import QueuedExports, export_job
from timbot.tim.client import TimClient

LANGS = ["en", *OTHERS]
#: The Cancel and Export CSV buttons as each language labels them.
CANCEL = {"en": "Cancel", "ja": "キャンセル", "ko": "취소", "zh": "取消"}
EXPORT_CSV = {"en": "Export CSV", "ja": "CSV をエクスポート", "ko": "CSV 내보내기", "zh": "导出 CSV"}
#: The header row of a groups export in each language.
GROUP_HEADERS = {
    "en": list(GROUP_COLUMNS),
    "ja": ["グループID", "名前", "タイプ", "メンバー数", "最大メンバー数", "オーナー", "作成日時", "エラー"],
    "ko": ["그룹 ID", "이름", "유형", "멤버 수", "최대 멤버 수", "소유자", "생성 시각", "오류"],
    "zh": ["群组 ID", "名称", "类型", "成员数", "最大成员数", "群主", "创建时间", "错误"],
}
NUMBERS = re.compile(r"\d[\d,]*")
_QUERY: TypeAdapter[Query] = TypeAdapter(Query)


def _numbers(text: str) -> list[str]:
    """The numbers of a text, outside its code spans (the words around them move with the language)."""
    return sorted(NUMBERS.findall(CODE.sub("", text)))


def _query(command: str, text: str) -> Query:
    query = parse(command, text)
    assert isinstance(query, Query.__args__)  # type: ignore[attr-defined]
    return query  # type: ignore[return-value]


def _reads(lang: str, text: str) -> None:
    """``text`` is written in ``lang``: its script present (and no CJK at all in English)."""
    if lang == "en":
        assert not CJK.search(text), text
    else:
        assert SCRIPTS[lang].search(text), (lang, text)


def _status(state: str, **more: Any) -> ExportStatus:
    cancel = PagerButton(label=_(CANCEL_LABEL), action_id=CANCEL_EXPORT, value="E" * 16)
    fields: dict[str, Any] = {"header": "/im-groups Public --csv", "state": state, "rows": 1_234,
                              "total": 56_789, "seconds": 65.0, "left": 3_725.0, "errors": 0,
                              "cancel": cancel if state in ("queued", "running", "restarted") else None}
    return ExportStatus(**{**fields, **more})


# the messages, rendered: each state, the started answer, the terminal's line, at their limits

@pytest.mark.parametrize("lang", LANGS)
def test_the_started_answer_in_each_language(lang: str) -> None:
    with language(lang):
        sized = check(export_started("/im-groups Public --csv", total=123_456))
        unsized = check(export_started("/im-friends user_0001 --csv", total=None))
    with language("en"):
        english = check(export_started("/im-groups Public --csv", total=123_456))
    for message in (sized, unsized):
        _reads(lang, message["text"])
        assert message["text"].startswith(":inbox_tray: ")
    assert "`/im-groups Public --csv`" in sized["text"] and "`/im-friends user_0001 --csv`" in unsized["text"]
    assert _numbers(sized["text"]) == _numbers(english["text"]) == ["123,456"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", ["queued", "running", "restarted", "done", "cancelled", "failed",
                                   "interrupted"])
def test_each_state_of_the_progress_message_in_each_language(lang: str, state: str) -> None:
    more = {"errors": 7} if state == "done" else {}
    with language(lang):
        message = check(render_export(_status(state, **more)))
    with language("en"):
        english = check(render_export(_status(state, **more)))
    _reads(lang, message["text"])
    assert CODE.findall(message["text"]) == CODE.findall(english["text"]) == ["`/im-groups Public --csv`"]
    assert _numbers(message["text"]) == _numbers(english["text"])
    assert message["text"].split(" ")[0] == english["text"].split(" ")[0]  # the state's emoji
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    if state in ("queued", "running", "restarted"):
        (button,) = buttons
        assert button["text"]["text"] == CANCEL[lang]
        assert (button["action_id"], button["value"]) == (CANCEL_EXPORT, "E" * 16)
    else:
        assert not buttons


@pytest.mark.parametrize("lang", LANGS)
def test_progress_and_final_lines_keep_every_number(lang: str) -> None:
    with language(lang):
        running = progress_line(_status("running"))
        so_far = progress_line(_status("running", total=None, left=None))
        done = progress_line(_status("done", rows=56_789, errors=1))
        clean = progress_line(_status("done", rows=1, errors=0))
        saved = check(export_saved("/tmp/timbot-im-groups-20261202-000000.csv", rows=56_789, errors=3,
                                   seconds=7_384))
    for text in (running, so_far, done, clean, saved["text"]):
        _reads(lang, text)
    assert _numbers(running) == sorted(["1,234", "56,789", "2", "1", "2"])  # 2%, about 1 h 2 min left
    assert _numbers(so_far) == ["1,234"]
    assert _numbers(done) == sorted(["56,789", "1", "5", "1"])  # 1 min 5 s; 1 row with an error
    assert "`/tmp/timbot-im-groups-20261202-000000.csv`" in saved["text"]
    assert _numbers(saved["text"]) == sorted(["56,789", "2", "3", "3"])  # 2 h 3 min; 3 with an error


@pytest.mark.parametrize("lang", LANGS)
def test_the_progress_message_holds_the_limits_in_each_language(lang: str) -> None:
    """A command line of 3,000 characters, a failure of 5,000, a million rows: inside Block Kit's limits."""
    header = "/im-group " + " ".join(["@TGS#" + "名&<>" * 20] * 30)
    with language(lang):
        for state in ("queued", "running", "done", "failed"):
            message = check(render_export(_status(state, header=header, rows=MAX_ROWS, total=MAX_ROWS,
                                                  failure="失敗 & <!here> " * 400, left=10**7)))
            assert lang == "en" or SCRIPTS[lang].search(CODE.sub("", message["text"]).split("\n")[0])
            assert len(message["blocks"][0]["text"]["text"]) <= 3000
        started = check(export_started(header, total=MAX_ROWS))
    assert lang == "en" or SCRIPTS[lang].search(CODE.sub("", started["text"]))
    assert "1,000,000" in started["text"]


# the errors of an export, as error_message shows them

@pytest.mark.parametrize("lang", LANGS)
def test_the_export_errors_in_each_language(lang: str) -> None:
    narrow = "narrow it with a group type, e.g. /im-groups Public --csv"
    with language(lang):
        busy = ExportBusy(progress_line(_status("running")))
        errors: list[ExportError] = [
            ExportTooLarge(size=1_234_567, limit=MAX_ROWS, narrow=narrow), busy,
            DeliveryError(method="files.completeUploadExternal", error="not_in_channel"), ExportError("x"),
        ]
        texts = [check(error_message(exc))["text"] for exc in errors]
    for text in texts:
        _reads(lang, text)
        assert text.startswith(":warning: ")
    assert _numbers(texts[0]) == sorted(["1,234,567", "1,000,000"]) and "/im-groups Public --csv" in texts[0]
    assert {"1,234", "56,789"} <= set(_numbers(texts[1]))
    assert "files.completeUploadExternal" in texts[2] and "not_in_channel" in texts[2]
    assert str(errors[0]) == "1234567 rows, more than 1000000"  # the log's words stay English


@pytest.mark.parametrize("lang", LANGS)
def test_the_buttons_and_the_header_row_in_each_language(lang: str) -> None:
    with language(lang):
        assert _(EXPORT_LABEL) == EXPORT_CSV[lang]
        assert _(CANCEL_LABEL) == CANCEL[lang]
        assert list(column_labels(GROUP_COLUMNS)) == GROUP_HEADERS[lang]
        every = column_labels(tuple(COLUMN_LABELS))
    _reads(lang, ",".join(every))
    for label, name in zip(every, COLUMN_LABELS, strict=True):  # each one translated (kana alone is not
        assert (label == name) == (lang == "en") and (lang == "en" or CJK.search(label)), label  # in each)
    assert len(set(every)) == len(every)  # no two columns share a header
    with language(lang):  # a column no catalog knows is written by its name
        assert column_labels(("group_id", "extra")) == (GROUP_HEADERS[lang][0], "extra")


# an export run to its end in this process: every word in the language of the request that started it

class _Delivery:
    """The Slack side of an export, recorded (the DM, the messages, the file)."""

    def __init__(self) -> None:
        self.posted: list[Message] = []
        self.updated: list[Message] = []
        self.files: list[tuple[bytes, str]] = []

    async def open_dm(self, user: str) -> str:
        return "D" + user

    async def post(self, channel: str, message: Message) -> str:
        self.posted.append(message)
        return "1700000000.000100"

    async def update(self, channel: str, ts: str, message: Message) -> None:
        self.updated.append(message)

    async def upload(self, channel: str, path: Path, *, filename: str, title: str, comment: str) -> str:
        self.files.append((await asyncio.to_thread(path.read_bytes), comment))
        return "F0001"


@pytest.fixture
async def demo() -> AsyncIterator[tuple[TimClient, Emulator]]:
    client, emulator = demo_client()
    async with client:
        yield client, emulator


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def _run_in(lang: str, client: TimClient, tmp_path: Path, query: Query) -> tuple[Message, _Delivery]:
    delivery = _Delivery()
    exports = Exports(tim=client, delivery=delivery, workdir=tmp_path)  # type: ignore[arg-type]
    with language(lang):
        started = await exports.start(user="U0ALICE", query=query)
        job = exports.running("U0ALICE")
        assert job is not None and job.language == lang and job.task is not None
    assert current() == "en"  # the request is over: the export's task keeps the requester's language
    await job.task
    return started, delivery


async def test_an_export_reads_in_the_requesters_language_to_its_end(
    demo: tuple[TimClient, Emulator], tmp_path: Path
) -> None:
    client, _emulator = demo
    query = _query("/im-groups", "Public")
    size = await check_size(client, query)
    assert size is not None
    files: dict[str, list[list[str]]] = {}
    for lang in LANGS:
        started, delivery = await _run_in(lang, client, tmp_path, query)
        (first,) = delivery.posted
        final = delivery.updated[-1]
        for message in (started, first, final):
            _reads(lang, check(message)["text"])
        assert f"{size:,}" in started.text and f"{size:,}" in final.text
        assert check(first)["blocks"][-1]["elements"][0]["text"]["text"] == CANCEL[lang]
        assert final.text.startswith(":white_check_mark: ") and len(check(final)["blocks"]) == 1
        (data, comment), = delivery.files
        assert comment.startswith("/im-groups Public --csv: ") and f"{size:,}" in comment
        assert (lang == "en") != bool(CJK.search(comment)), comment  # "900 行": the count in the language
        files[lang] = _rows(data)
        assert files[lang][0] == GROUP_HEADERS[lang]
        assert len(files[lang]) == size + 1
    for lang in OTHERS:  # the data exactly as in English: only the header row is in the reader's language
        assert files[lang][1:] == files["en"][1:]


async def test_a_failed_export_says_so_in_the_requesters_language(
    demo: tuple[TimClient, Emulator], tmp_path: Path
) -> None:
    client, emulator = demo
    query = _query("/im-groups", "")
    for lang in LANGS:
        emulator.faults.error(60008, times=None, endpoint="get_group_info")
        _, delivery = await _run_in(lang, client, tmp_path, query)
        emulator.faults.clear()
        final = check(delivery.updated[-1])
        assert final["text"].startswith(":warning: ") and "60008" in final["text"]
        _reads(lang, final["text"])
        assert not delivery.files


# queued: the job carries the language to the worker; a job enqueued without one reads English

class _Redis:
    def __init__(self) -> None:
        self.keys: dict[str, str] = {}

    async def get(self, key: str) -> bytes | None:
        return self.keys[key].encode() if key in self.keys else None

    async def set(self, key: str, value: str, **_more: Any) -> bool:
        return self.keys.setdefault(key, value) == value

    async def delete(self, key: str) -> None:
        self.keys.pop(key, None)


class _Queue:
    def __init__(self) -> None:
        self.redis = _Redis()
        self.jobs: list[Any] = []

    async def enqueue(self, job: Any) -> None:
        self.jobs.append(job)


class _Job:
    """What ``export_job`` reads of saq's job: its meta, attempts and heartbeat."""

    def __init__(self) -> None:
        self.meta: dict[str, Any] = {}
        self.attempts = 1
        self.heartbeat = 60
        self.retries = 3

    async def update(self, **fields: Any) -> None:
        self.meta = fields.get("meta", self.meta)

    async def refresh(self, *_: Any) -> None:
        return None


async def _work(client: TimClient, tmp_path: Path, kwargs: dict[str, Any]) -> _Delivery:
    """Run a job's kwargs as ``timbot worker`` does (its process in English, as a worker's is)."""
    delivery = _Delivery()
    exports = Exports(tim=client, delivery=delivery, workdir=tmp_path)  # type: ignore[arg-type]
    ctx = {"job": _Job(), "exports": exports, "redis": _Redis(), "base": "timbot:1:"}
    assert current() == "en"
    await export_job(ctx, **kwargs)
    return delivery


async def test_a_queued_export_carries_the_requesters_language_to_the_worker(
    demo: tuple[TimClient, Emulator], tmp_path: Path
) -> None:
    client, emulator = demo
    settings = load_settings(slack_bot_token="xoxb-1", tim_sdkappid=1400000001, tim_secret_key=DEMO_KEY,
                             redis_url="redis://127.0.0.1:9/0")
    queue = _Queue()
    queued = QueuedExports(settings=settings, tim=client, queue=queue)  # type: ignore[arg-type]
    query = _query("/im-friends", emulator.data.showcase.user)
    with language("ko"):
        started = await queued.start(user="U0ALICE", query=query)
    _reads("ko", check(started)["text"])
    (job,) = queue.jobs
    assert job.kwargs["language"] == "ko"
    delivery = await _work(client, tmp_path, job.kwargs)
    for message in (*delivery.posted, *delivery.updated):
        _reads("ko", check(message)["text"])
    assert _rows(delivery.files[0][0])[0] == ["친구 목록", "친구", "오류"]


async def test_a_job_enqueued_without_a_language_reads_english(
    demo: tuple[TimClient, Emulator], tmp_path: Path
) -> None:
    """A job queued before jobs carried the language (or by an older web process) is answered in English."""
    client, emulator = demo
    query = _query("/im-friends", emulator.data.showcase.user)
    kwargs = {"export_id": "E" * 16, "user": "U0ALICE", "total": None,
              "query": _QUERY.dump_json(query, by_alias=True).decode()}
    delivery = await _work(client, tmp_path, kwargs)
    assert delivery.posted and delivery.updated and delivery.files
    for message in (*delivery.posted, *delivery.updated):
        _reads("en", check(message)["text"])
    assert _rows(delivery.files[0][0])[0] == ["list", "friend", "error"]
    unknown = await _work(client, tmp_path, {**kwargs, "language": "fr"})  # a language timbot lacks
    _reads("en", unknown.updated[-1].text)


def test_an_export_made_in_code_reads_english() -> None:
    export = Export(id="E1", user="U1", query=_query("/im-groups", ""), header="/im-groups --csv")
    assert export.language == "en"
