"""The ``timbot`` command line: serve, socket, demo, run, check, emulator and worker (heavy imports lazy)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from timbot import __version__
from timbot.errors import ConfigError
from timbot.i18n import DEFAULT, LANGUAGES, language, pick

__all__ = ["build_parser", "main"]

_DESCRIPTION = """\
timbot answers Slack slash commands about a Tencent Cloud Chat application.
Try it with no credentials at all:  timbot demo"""

_RUN_EPILOG = """\
examples:
  timbot run --demo "/im-groups Public --limit 5"
  timbot run --demo --page 2 "/im-groups"
  timbot run --demo --follow 3 "/im-groups Public"   (row 3's Details, as if /im-group were typed)
  timbot run --demo --json "/im-group @TGS#1ABC" > message.json   (paste into Block Kit Builder)
  timbot run --demo --out /tmp "/im-groups Public --csv"   (the whole result as a CSV file)

exit status: 0 answered; 1 Tencent (or Slack) error; 2 usage or configuration error."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _group_count(text: str) -> int:
    from timbot.emulator.groups import MIN_GROUPS

    value = _positive(text)
    if value < MIN_GROUPS:
        raise argparse.ArgumentTypeError(f"must be {MIN_GROUPS} or more, not {value}")
    return value


def _row_key(text: str) -> str:
    if re.fullmatch(r"[0-9]{1,4}(\.[0-9]{1,2})?", text.strip()) is None:
        raise argparse.ArgumentTypeError(f"not a row's number: {text!r} (say 3, or 3.2 for its 2nd option)")
    return text.strip()


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value}")
    return value


def _directory(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"not a directory: {text!r}")
    return path


def _latency(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of milliseconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _lang_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=sorted(LANGUAGES), default=None,
        help="the language of the answers: en, ja, ko or zh (default: TIMBOT_LANGUAGE, else the terminal's "
        "LC_ALL / LC_MESSAGES / LANG, else en)")


def terminal_language(flag: str | None = None) -> str:
    """The language of a terminal command: ``--lang``, else ``TIMBOT_LANGUAGE``, else the locale of the
    terminal (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``ja_JP.UTF-8`` is Japanese), else English.

    Args:
        flag: the value of ``--lang``, if given.
    """
    env = os.environ
    return pick(flag, env.get("TIMBOT_LANGUAGE"), env.get("LC_ALL"), env.get("LC_MESSAGES"), env.get("LANG"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand (argparse, with a useful ``--help`` each)."""
    parser = argparse.ArgumentParser(
        prog="timbot", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"timbot {__version__}")
    sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)

    sub.add_parser(
        "serve",
        help="run the HTTP server for Slack (the same as the Procfile)",
        description="Serve POST /slack/events and GET /healthz on $PORT (default 3000). "
        "Needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, TIM_SDKAPPID and TIM_SECRET_KEY.",
    )
    sub.add_parser(
        "socket",
        help="connect to Slack in Socket Mode (a laptop with no public URL)",
        description="Answer Slack over a Socket Mode connection. Needs SLACK_APP_TOKEN (xapp-...), "
        "SLACK_BOT_TOKEN, TIM_SDKAPPID and TIM_SECRET_KEY. While Slack cannot be reached it retries with "
        "backoff (up to about every 30 s) until Ctrl-C; a refused token stops it (exit status 2).",
    )
    demo = sub.add_parser(
        "demo",
        help="an interactive console on the built-in emulator (no credentials, no network)",
        description="Type the same commands as in Slack (/im-groups, /im-group, /im-joined, /im-room, "
        "/im-friends); n / p turn pages; help lists the commands; quit or Ctrl-D leaves. "
        "The data is generated demo data.",
    )
    _lang_flag(demo)
    run = sub.add_parser(
        "run",
        help="answer one command and print it (--json: the Block Kit message)",
        description="Answer one slash command as Slack would and print the answer. Without --demo it uses "
        "the configured Tencent app (TIM_SDKAPPID, TIM_SECRET_KEY, TIM_REGION / TIM_BASE_URL).",
        epilog=_RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    run.add_argument("text", nargs="+", metavar="TEXT", help='the command, e.g. "/im-groups Public"')
    run.add_argument("--json", action="store_true", help="print the Block Kit message Slack would receive")
    run.add_argument("--page", type=_positive, default=1, metavar="N", help="follow Next N-1 times")
    run.add_argument("--demo", action="store_true", help="use the built-in emulator instead of Tencent")
    run.add_argument("--follow", type=_row_key, metavar="ROW[.OPTION]",
                     help="then follow that row of the page, numbered as printed (3, or 3.2: its 2nd option)")
    run.add_argument("--out", type=_directory, default=None, metavar="DIR",
                     help="where a --csv export's file goes (default: the current directory)")
    _lang_flag(run)
    check = sub.add_parser(
        "check",
        help="check the configuration, Tencent and Slack, one line per check",
        description="Validate the settings, sign a UserSig, call Tencent once (get_appid_group_list, "
        "Limit 1) and Slack's auth.test. Exit status 0 only when every check passes. Never prints a secret.",
    )
    _lang_flag(check)
    sub.add_parser(
        "worker",
        help="run the CSV export jobs queued on Redis (the Procfile's worker; needs REDIS_URL)",
        description="Take export jobs from the Redis queue (REDIS_URL) and run them: the walk, the file, the "
        "DM. Without REDIS_URL exports run in the web process and this stops at once with one line.",
    )
    emulator = sub.add_parser(
        "emulator",
        help="serve the built-in Tencent emulator over HTTP (point TIM_BASE_URL at it)",
        description="Serve the five Tencent endpoints with generated demo data; prints the SDKAppID and key "
        "it accepts.",
    )
    emulator.add_argument("--port", type=_port, required=True, metavar="N", help="TCP port to listen on")
    emulator.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    emulator.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the demo data")
    emulator.add_argument("--sdkappid", type=_positive, default=None, metavar="ID", help="SDKAppID to accept")
    emulator.add_argument("--key", default=None, help="secret key to accept")
    emulator.add_argument(
        "--latency", type=_latency, default=0.0, metavar="MS", help="added to every answer, in milliseconds"
    )
    emulator.add_argument(
        "--max-body", type=_positive, default=None, metavar="BYTES",
        help="largest request body accepted; larger ones get 413 before they are read (default 1048576)",
    )
    emulator.add_argument(
        "--max-calls", type=_positive, default=None, metavar="N",
        help="call records kept for GET /_emulator/calls, the most recent ones (default 10000)",
    )
    emulator.add_argument(
        "--groups", type=_group_count, default=None, metavar="N",
        help="how many groups the demo data has, the types in the same proportions (default 2700)",
    )
    return parser


def _serve(args: argparse.Namespace) -> int:
    from timbot.asgi import serve
    from timbot.settings import load_settings

    serve(load_settings())
    return 0


def _socket(args: argparse.Namespace) -> int:
    from timbot.settings import load_settings
    from timbot.slack.socket import run_socket_mode

    run_socket_mode(load_settings())
    return 0


def _demo(args: argparse.Namespace) -> int:
    from timbot.console.demo import run_demo

    return run_demo()


def _run(args: argparse.Namespace) -> int:
    from timbot.console.run import run_once

    text = " ".join(args.text)
    return run_once(text, as_json=args.json, page=args.page, demo=args.demo, follow=args.follow,
                    out_dir=args.out)


def _check(args: argparse.Namespace) -> int:
    from timbot.console.check import run_check

    return run_check()


def _worker(args: argparse.Namespace) -> int:
    from timbot.settings import load_settings
    from timbot.worker import run_worker

    return run_worker(load_settings())


def _emulator(args: argparse.Namespace) -> int:
    from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID
    from timbot.emulator.server import run_emulator_server

    run_emulator_server(
        host=args.host,
        port=args.port,
        seed=args.seed,
        sdkappid=args.sdkappid or DEMO_SDKAPPID,
        key=args.key or DEMO_KEY,
        latency=args.latency / 1000,
        **({"max_body": args.max_body} if args.max_body else {}),
        **({"max_calls": args.max_calls} if args.max_calls else {}),
        groups=args.groups,
    )
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "serve": _serve,
    "socket": _socket,
    "demo": _demo,
    "run": _run,
    "check": _check,
    "emulator": _emulator,
    "worker": _worker,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``timbot`` command line and return its exit status.

    Args:
        argv: the arguments after the program name; ``sys.argv[1:]`` when omitted.
    """
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if args.subcommand != "run":
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        # `timbot run /im-groups --limit 5`: the command's own flags belong to TEXT.
        args.text = [*args.text, *extra]
    try:
        # the terminal's commands answer in its language; the servers in each Slack user's
        lang = terminal_language(args.lang) if hasattr(args, "lang") else DEFAULT
        with language(lang):
            return _COMMANDS[args.subcommand](args)
    except ConfigError as exc:
        for line in exc.lines():
            print(f"timbot: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `timbot run ... | head`: the reader left; say nothing more
        sys.stderr.close()
        return 1
