"""Every command against the outsider's fake Tencent, each paging style walked to the end and back."""

from __future__ import annotations

import re
from typing import Any

from tests.acceptance.blockkit import check_message
from tests.acceptance.conftest import App, find_button
from tests.acceptance.standins import ALL_GROUPS, BIG, N_MEMBERS, N_ROOM


def body_text(msg: dict[str, Any]) -> str:
    parts = []
    for b in msg["blocks"]:
        if b["type"] in ("section", "header"):
            if "text" in b:
                parts.append(b["text"]["text"])
            parts.extend(f["text"] for f in b.get("fields") or [])
        if b["type"] == "context":
            parts.extend(e.get("text", "") for e in b["elements"])
    return "\n".join(parts)


def walk(app: App, first: dict[str, Any]) -> list[dict[str, Any]]:
    """Next until there is none, then Previous back to the first page; returns the forward pages."""
    pages = [first]
    check_message(first)
    assert find_button(first, "timbot_prev") is None, "page 1 has Previous"
    while find_button(pages[-1], "timbot_next"):
        nxt = app.press(pages[-1], "timbot_next")
        check_message(nxt)
        assert nxt.get("replace_original") is True and nxt.get("response_type", "ephemeral") == "ephemeral"
        assert find_button(nxt, "timbot_prev"), "a page after the first has no Previous"
        pages.append(nxt)
        assert len(pages) < 30
    back = pages[-1]
    for want in reversed(pages[:-1]):
        back = app.press(back, "timbot_prev")
        check_message(back)
        assert body_text(back) == body_text(want)
    assert find_button(back, "timbot_prev") is None
    return pages


def test_groups_walk_limit_next_cursor(app: App) -> None:
    first = app.answer("/im-groups", "--limit 20")
    assert first["response_type"] == "ephemeral"
    pages = walk(app, first)
    seen = re.findall(r"@TGS#ACC\d{4}", "\n".join(body_text(p) for p in pages))
    assert seen == ALL_GROUPS
    assert "47" in body_text(first)
    calls = [c for c in app.stand.tim.calls if c.endpoint.endswith("get_appid_group_list")]
    assert calls and all(c.method == "POST" and c.content_type.startswith("application/json") for c in calls)
    assert all(isinstance(c.body["Limit"], int) and isinstance(c.body.get("Next", 0), int) for c in calls)
    assert any(c.body.get("Next", 0) > BIG for c in calls), "big Next cursor was not sent back as an integer"
    assert app.stand.tim.bad_sig == 0


def test_groups_seed_sample_response(app: App) -> None:
    app.stand.tim.seed_mode = True
    first = app.answer("/im-groups", "Public")
    check_message(first)
    text = body_text(first)
    assert "@TGS#2J4SZEAEL" in text and "@TGS#2C5SZEAEF" in text
    calls = [c for c in app.stand.tim.calls if c.endpoint.endswith("get_appid_group_list")]
    assert calls[0].body.get("GroupType") == "Public"


def test_groups_type_alias_and_case(app: App) -> None:
    app.answer("/im-groups", "work --limit 5")
    app.answer("/im-groups", "MEETING --limit 5")
    types = [
        c.body.get("GroupType") for c in app.stand.tim.calls if c.endpoint.endswith("get_appid_group_list")
    ]
    assert types == ["Private", "ChatRoom"]


def test_one_group_card_then_members(app: App) -> None:
    first = app.answer("/im-group", ALL_GROUPS[0])
    text = body_text(first)
    assert "&lt;!channel&gt;" in text  # hostile name, escaped
    pages = walk(app, first)
    members = re.findall(r"m(\d{3})&lt;x&gt;", "\n".join(body_text(p) for p in pages))
    assert sorted(set(members)) == [f"{j:03d}" for j in range(N_MEMBERS)]
    calls = [c for c in app.stand.tim.calls if c.endpoint.endswith("get_group_info")]
    assert all(isinstance(c.body["GroupIdList"], list) for c in calls)


def test_several_groups_per_group_error(app: App) -> None:
    ids = [*ALL_GROUPS[1:4], "@TGS#NOPE"]
    msg = app.answer("/im-group", " ".join(ids))
    check_message(msg)
    text = body_text(msg)
    assert "10010: the group does not exist or was dismissed" in text
    for gid in ALL_GROUPS[1:4]:
        assert gid in text


def test_many_groups_batched_by_50(app: App) -> None:
    ids = ALL_GROUPS + [f"@TGS#X{i}" for i in range(10)]
    first = app.answer("/im-group", " ".join(ids))
    pages = walk(app, first)
    text = "\n".join(body_text(p) for p in pages)
    assert all(g in text for g in ids)
    sizes = [len(c.body["GroupIdList"]) for c in app.stand.tim.calls if c.endpoint.endswith("get_group_info")]
    assert max(sizes) <= 50


def test_joined_walk_offset(app: App) -> None:
    first = app.answer("/im-joined", "leckie --limit 15")
    pages = walk(app, first)
    text = "\n".join(body_text(p) for p in pages)
    assert sorted(set(re.findall(r"@TGS#ACC\d{4}", text))) == ALL_GROUPS[:41]
    assert "41" in body_text(first)
    calls = [c for c in app.stand.tim.calls if c.endpoint.endswith("get_joined_group_list")]
    assert all(c.body["Member_Account"] == "leckie" for c in calls)
    assert all(
        isinstance(c.body.get("Limit", 0), int) and isinstance(c.body.get("Offset", 0), int) for c in calls
    )


def test_joined_flags_reach_tencent(app: App) -> None:
    app.answer("/im-joined", "leckie --type community --topics --huge --inactive")
    body = next(c.body for c in app.stand.tim.calls if c.endpoint.endswith("get_joined_group_list"))
    assert body["GroupType"] == "Community"
    assert body["SupportTopic"] == 1 and body["WithHugeGroups"] == 1 and body["WithNoActiveGroups"] == 1


def test_room_walk_timestamp(app: App) -> None:
    first = app.answer("/im-room", "@TGS#aROOM")
    pages = walk(app, first)
    text = "\n".join(body_text(p) for p in pages)
    assert sorted(set(re.findall(r"viewer(\d{3})", text))) == [f"{j:03d}" for j in range(N_ROOM)]
    assert "&lt;@U1&gt; &amp; co" in text
    calls = [c for c in app.stand.tim.calls if c.endpoint.endswith("get_members")]
    assert all(isinstance(c.body["Timestamp"], int) for c in calls)
    assert any(c.body["Timestamp"] > BIG for c in calls)


def test_room_mark_and_seed_sample(app: App) -> None:
    msg = app.answer("/im-room", "@TGS#aSEED --mark 1000")
    check_message(msg)
    assert "teacher2" in body_text(msg) and "Teacher t02" in body_text(msg)
    body = next(c.body for c in app.stand.tim.calls if c.endpoint.endswith("get_members"))
    assert body == {"GroupId": "@TGS#aSEED", "Mark": 1000, "Timestamp": 0}


def test_friends_seed_sample_and_named_lists(app: App) -> None:
    msg = app.answer("/im-friends", "leckie")
    check_message(msg)
    text = body_text(msg)
    for name in ("group1", "group2", "group3"):
        assert name in text
    first = app.answer("/im-friends", "leckie big small")
    pages = walk(app, first)
    text = "\n".join(body_text(p) for p in pages)
    assert sorted(set(re.findall(r"f(\d+)&lt;&amp;&gt;", text)), key=int) == [str(k) for k in range(45)]
    bodies = [c.body for c in app.stand.tim.calls if c.endpoint.endswith("group_get")]
    assert bodies[0] == {"From_Account": "leckie"} or bodies[0].get("From_Account") == "leckie"
    assert any(b.get("GroupName") == ["big", "small"] for b in bodies)
