"""The ``boa`` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from boa.composition import wire
from boa.kernel.access import ACTIONS
from boa.kernel.domain import STAFF_ROLES
from boa.kernel.errors import BoaError
from boa.kernel.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

T = TypeVar("T")


def _with_engine(work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Runs ``work`` with an engine of its own, disposed afterwards (a command is one event loop)."""
    from boa.kernel.db import make_engine

    async def run() -> T:
        engine = make_engine(get_settings())
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Runs ``work`` in one transaction, committed when it returns and rolled back when it raises."""
    from boa.kernel.db import transaction

    async def step(engine: AsyncEngine) -> T:
        async with transaction(engine) as session:
            return await work(session)

    return _with_engine(step)


def cmd_db_upgrade(_: argparse.Namespace) -> int:
    """Migrates, then publishes the user agreement versions of seed_data/user_agreements.json
    that the database lacks (a published version is never changed)."""
    from boa.migrate import upgrade
    from boa.people.user_agreements import publish_user_agreements
    from boa.registers.catalogue import load_catalogue_into

    upgrade(get_settings().database_url)
    published = _in_transaction(publish_user_agreements)
    print("database is at the newest revision")
    if published:
        print("user agreement published: version " + ", ".join(str(v) for v in published))
    loaded = _with_engine(load_catalogue_into)
    print(f"register catalogue: {len(loaded.registers)} registers and {loaded.variables} variables added")
    return 0


def cmd_seed_demo(_: argparse.Namespace) -> int:
    from boa.demo import load_demo

    print("demo data loaded" if _with_engine(load_demo) else "database already holds data; demo not loaded")
    return 0


def cmd_audit_verify(_: argparse.Namespace) -> int:
    from boa.kernel import audit

    result = _in_transaction(audit.verify)
    print(json.dumps(result.as_dict()))
    return 0 if result.ok else 1


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.demo:
        cmd_db_upgrade(args)
        cmd_seed_demo(args)
        s = get_settings()
        print(f"BOA demo: mail goes to {s.outbox_dir / 'mail.jsonl'} (delivered within seconds by the app's "
              f"in-process worker), SMS to {s.outbox_dir / 'sms.jsonl'}")
    uvicorn.run("boa.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level="info")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """The jobs (the outbox, the reminders): procrastinate's worker on PostgreSQL, the in-process
    loop on SQLite (or with --in-process); --once runs the reminders and delivers what is due, then
    exits."""
    import signal

    from boa.composition import job_app
    from boa.kernel import jobs
    from boa.kernel.db import is_sqlite

    settings = get_settings()

    async def run(engine: AsyncEngine) -> None:
        if args.once:
            print(json.dumps({"reminders": await jobs.run_reminders(engine),
                              "mail": await jobs.run_delivery(engine)}))
        elif args.in_process or is_sqlite(settings.database_url):
            worker = jobs.InProcess(engine)
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, worker.request_stop)
            print("BOA worker: in-process loop (mail every 5 s, reminders every hour); Ctrl-C stops it", flush=True)
            await worker.run()
        else:
            app = job_app(settings.database_url)
            async with app.open_async():
                await app.run_worker_async(queues=[jobs.QUEUE], concurrency=args.concurrency,
                                           additional_context={"engine": engine}, delete_jobs="successful")

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _with_engine(run)
    return 0


def cmd_mail_status(_: argparse.Namespace) -> int:
    from boa.kernel import outbox

    result = _with_engine(outbox.status)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 1 if result["counts"]["failed"] else 0


def cmd_mail_retry(args: argparse.Namespace) -> int:
    from boa.kernel import outbox

    print(f"{_with_engine(lambda engine: outbox.retry_failed(engine, args.ids))} failed mails queued again")
    return 0


def cmd_transfers_sweep(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from boa.transfers.storage import store_at
    from boa.transfers.sweep import sweep

    result = _with_engine(lambda engine: sweep(engine, store_at(get_settings().transfer_store_dir),
                                               older_than=timedelta(hours=args.older_than_hours),
                                               dry_run=args.dry_run))
    print(json.dumps(result.as_dict()))
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from boa.scanner.cli import main as scan_main

    return scan_main(args.rest)


def cmd_sdc(args: argparse.Namespace) -> int:
    from boa.disclosure.cli import main as sdc_main

    return sdc_main(args.rest)


def cmd_clients_create(args: argparse.Namespace) -> int:
    from tokens.service_clients import create_client

    reg = _in_transaction(lambda session: create_client(session, args.name, args.scope, actor="system:cli"))
    print(f"client_id:     {reg.client.client_id}\nclient_secret: {reg.secret}\n(the secret is shown only this once)")
    return 0


def cmd_tokens_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tokens.seedfile import SeedFileError, parse
    from tokens.service import import_seeds

    try:
        records = parse(Path(args.file).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    except SeedFileError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return 1
    count = _in_transaction(lambda session: import_seeds(session, records, actor="system:cli"))
    print(f"imported {count} token seeds")
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    """The first user of a new installation (Research Services staff) is made here; every later
    user through the API or the pages. The activation mail goes out like any other."""
    from boa.kernel.actor import Actor
    from boa.people.users import create_user

    user = _in_transaction(lambda session: create_user(session, actor=Actor(system="cli"), name=args.name,
                                                       email=args.email, mobile=args.mobile,
                                                       staff_roles=args.staff or []))
    print(f"user {user.ident} created; the activation mail goes to {args.email}")
    return 0


def cmd_access_decide(args: argparse.Namespace) -> int:
    """The same decision every gate asks, from the database (not from any cache); a denial is not
    audited: this is an operator asking why, not a gate acting."""
    from boa.kernel.decisions import decision_for

    decision = _in_transaction(lambda session: decision_for(session, args.ident, args.action, args.project,
                                                            record_denial=False))
    print(json.dumps(decision.as_dict(), ensure_ascii=False))
    return 0 if decision.allowed else 1


def cmd_access_audit_check(args: argparse.Namespace) -> int:
    """Checks on the past (issue 21): acts in the audit log the replayed decision denies."""
    from boa.history import audit_check
    from boa.history.replay import parse_moment

    since = parse_moment(args.since, "since") if args.since else None
    report = _in_transaction(lambda session: audit_check.check(session, since=since))
    print(json.dumps(report.as_dict(), ensure_ascii=False))
    return 1 if report.findings else 0


def cmd_keys_rotate(_: argparse.Namespace) -> int:
    from tokens.service_clients import rotate_key

    print(f"new signing key {rotate_key()}; older keys stay in the JWKS until their files are removed")
    return 0


def cmd_radius_serve(args: argparse.Namespace) -> int:
    """The research servers' RADIUS front door, until SIGINT or SIGTERM."""
    from tokens.radius.server import serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _with_engine(lambda engine: serve(engine, args.host, args.port))
    return 0


def cmd_radius_clients(args: argparse.Namespace) -> int:
    """``add``, ``remove`` and ``list`` the gateways that may ask over RADIUS; a secret is never printed."""
    from boa.kernel.actor import Actor
    from tokens.radius import clients

    secret = sys.stdin.readline().rstrip("\r\n") if getattr(args, "secret", None) == "-" else getattr(args, "secret", "")
    actor = Actor(system="cli")

    async def run(session: AsyncSession) -> list[str]:
        if args.clients_action == "add":
            row = await clients.add_client(session, actor=actor, name=args.name, address=args.address, secret=secret)
            return [f"RADIUS client {row.name} ({row.address}) added"]
        if args.clients_action == "remove":
            await clients.remove_client(session, actor=actor, name=args.name)
            return [f"RADIUS client {args.name} removed"]
        return [f"{row.name}\t{row.address}" for row in await clients.list_clients(session)]

    for line in _in_transaction(run):
        print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boa", description="BOA: access and scheme administration.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API and the admin pages")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--demo", action="store_true", help="migrate and load the demo data first")
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database commands").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="migrate to the newest revision and load the shipped register catalogue").set_defaults(func=cmd_db_upgrade)

    seed = sub.add_parser("seed", help="load data").add_subparsers(dest="seed_command", required=True)
    seed.add_parser("demo", help="load seed_data/demo.json into an empty database").set_defaults(func=cmd_seed_demo)

    aud = sub.add_parser("audit", help="audit log").add_subparsers(dest="audit_command", required=True)
    aud.add_parser("verify", help="verify the hash chain").set_defaults(func=cmd_audit_verify)

    clients = sub.add_parser("clients", help="service clients").add_subparsers(dest="clients_command", required=True)
    create = clients.add_parser("create", help="register a client; prints its id and secret once")
    create.add_argument("name")
    create.add_argument("--scope", action="append", required=True)
    create.set_defaults(func=cmd_clients_create)
    toks = sub.add_parser("tokens", help="physical tokens").add_subparsers(dest="tokens_command", required=True)
    imp = toks.add_parser("import", help="import a vendor seed file (OATH CSV or PSKC)")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_tokens_import)
    keys = sub.add_parser("keys", help="signing keys").add_subparsers(dest="keys_command", required=True)
    keys.add_parser("rotate", help="add a new JWT signing key").set_defaults(func=cmd_keys_rotate)

    worker = sub.add_parser("worker", help="run the jobs: deliver the outbox, send the reminders")
    worker.add_argument("--once", action="store_true", help="run the reminders and deliver what is due, then exit")
    worker.add_argument("--in-process", action="store_true",
                        help="the in-process loop also on PostgreSQL (no procrastinate)")
    worker.add_argument("--concurrency", type=int, default=2, help="jobs at a time (procrastinate)")
    worker.set_defaults(func=cmd_worker)

    mail = sub.add_parser("mail", help="the outbox").add_subparsers(dest="mail_command", required=True)
    mail.add_parser("status", help="mails per state, the oldest waiting, the failed ones (exit 1 if any failed)"
                    ).set_defaults(func=cmd_mail_status)
    retry = mail.add_parser("retry", help="queue failed mails again (all, or the ids given)")
    retry.add_argument("ids", nargs="*", type=int)
    retry.set_defaults(func=cmd_mail_retry)

    transfers = sub.add_parser("transfers", help="the transfer store").add_subparsers(
        dest="transfers_command", required=True)
    sweep = transfers.add_parser("sweep", help="remove what crashes left in the transfer store")
    sweep.add_argument("--older-than-hours", type=float, default=24.0)
    sweep.add_argument("--dry-run", action="store_true")
    sweep.set_defaults(func=cmd_transfers_sweep)

    scan = sub.add_parser("scan", help="scan files for microdata", add_help=False)
    scan.add_argument("rest", nargs=argparse.REMAINDER)
    scan.set_defaults(func=cmd_scan)

    sdc = sub.add_parser("sdc", help="table disclosure control: protect a frequency table", add_help=False)
    sdc.add_argument("rest", nargs=argparse.REMAINDER)
    sdc.set_defaults(func=cmd_sdc)

    users = sub.add_parser("users", help="users").add_subparsers(dest="users_command", required=True)
    new_user = users.add_parser("create", help="create a user (e.g. the first Research Services staff member)")
    new_user.add_argument("name")
    new_user.add_argument("email")
    new_user.add_argument("--mobile", default=None)
    new_user.add_argument("--staff", action="append", choices=STAFF_ROLES, help="an office role (repeatable)")
    new_user.set_defaults(func=cmd_users_create)

    radius = sub.add_parser("radius", help="the research servers' RADIUS front door").add_subparsers(
        dest="radius_command", required=True)
    radius_serve = radius.add_parser("serve", help="answer the gateways' Access-Requests (UDP)")
    radius_serve.add_argument("--host", default="127.0.0.1")
    radius_serve.add_argument("--port", type=int, default=1812)
    radius_serve.set_defaults(func=cmd_radius_serve)
    nas = radius.add_parser("clients", help="the gateways (NAS clients)").add_subparsers(
        dest="clients_action", required=True)
    nas_add = nas.add_parser("add", help="register a gateway with its own shared secret")
    nas_add.add_argument("name")
    nas_add.add_argument("--address", required=True, help="the gateway's source IP address")
    nas_add.add_argument("--secret", required=True, help="the shared secret (16-128 octets); - reads it from stdin")
    nas_add.set_defaults(func=cmd_radius_clients)
    nas_remove = nas.add_parser("remove", help="remove a gateway")
    nas_remove.add_argument("name")
    nas_remove.set_defaults(func=cmd_radius_clients)
    nas.add_parser("list", help="the gateways' names and addresses").set_defaults(func=cmd_radius_clients)

    access = sub.add_parser("access", help="the access decision").add_subparsers(dest="access_command", required=True)
    decide = access.add_parser("decide", help="may IDENT do ACTION now? (exit 0 allowed, 1 denied)")
    decide.add_argument("ident")
    decide.add_argument("--action", default="login", choices=ACTIONS)
    decide.add_argument("--project", default=None)
    decide.set_defaults(func=cmd_access_decide)
    audit_check = access.add_parser("audit-check", help="replay the decision behind every transfer, download and "
                                    "research-server login in the audit log (exit 1 if any would have been denied)")
    audit_check.add_argument("--since", default=None, help="only acts from this ISO 8601 time (with its zone)")
    audit_check.set_defaults(func=cmd_access_audit_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    wire()
    try:
        return int(args.func(args) or 0)
    except BoaError as exc:  # a refusal the command's service gave: its code and words, nothing changed
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
