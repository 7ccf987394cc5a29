"""`audisi`: every verb ops need, one image, the role chosen by the command."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from audisi.services import SERVICES, WEB, ServiceSpec, load


def _spec(name: str) -> ServiceSpec:
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose from {', '.join(sorted(SERVICES))}")
    return SERVICES[name]


def _runtime(spec: ServiceSpec) -> Any:
    runtime = load(spec.runtime_path)
    runtime.configure_logging()  # type: ignore[attr-defined]
    return runtime


def cmd_api(args: argparse.Namespace) -> None:
    """Serve a service's HTTP API (or the web front's pages) with uvicorn, and a service's Prometheus
    metrics on a port of their own."""
    import uvicorn
    from prometheus_client import REGISTRY, start_http_server

    if args.service == WEB.name:  # no database, no metrics of its own: its app configures its own logging
        app_path, port = WEB.app_path, args.port or int(os.environ.get("API_PORT", WEB.api_port))
    else:
        spec = _spec(args.service)
        _runtime(spec)
        app_path, port = spec.app_path, args.port or int(os.environ.get("API_PORT", spec.api_port))
        # Not on the public port: metrics tell an outsider the traffic of every route. Compose does not publish
        # this port; Prometheus scrapes it on the internal network.
        app: Any = load(spec.app_path)
        REGISTRY.register(app.state.dead_letter_collector)
        start_http_server(int(os.environ.get("METRICS_PORT", spec.metrics_port)), addr=args.host)
    uvicorn.run(
        app_path,
        host=args.host,
        port=port,
        log_config=None,  # our structlog JSON handler, not uvicorn's
        proxy_headers=True,
        # The peers whose X-Forwarded-For is believed: compose sets the judging gateway's address.
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        timeout_graceful_shutdown=10,
        access_log=False,
    )


def cmd_worker(args: argparse.Namespace) -> None:
    """Run a Celery worker consuming a service's queue(s)."""
    spec = _spec(args.service)
    _runtime(spec)
    celery_app: Any = load(spec.celery_path)
    queues = args.queues or spec.queues[0]
    concurrency = args.concurrency or int(os.environ.get("WORKER_CONCURRENCY", "2"))
    celery_app.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            f"--queues={queues}",
            f"--concurrency={concurrency}",
            f"--hostname={queues.replace(',', '+')}@%h-{os.getpid()}",
            "--without-mingle",  # start fast; no state to sync between replicas
            "--without-gossip",
        ]
    )


def cmd_beat(args: argparse.Namespace) -> None:
    """Run the Celery beat scheduler of a service (one replica only)."""
    spec = _spec(args.service)
    _runtime(spec)
    celery_app: Any = load(spec.celery_path)
    schedule = os.environ.get("BEAT_SCHEDULE_FILE", os.path.join(tempfile.gettempdir(), f"audisi-beat-{spec.name}"))
    celery_app.start(["beat", "--loglevel=INFO", f"--schedule={schedule}"])


def cmd_relay(args: argparse.Namespace) -> None:
    """Relay a service's outbox to the consuming queues."""
    from shared.relay import OutboxRelay

    spec = _spec(args.service)
    runtime = _runtime(spec)
    celery_app: Any = load(spec.celery_path)
    hook: Any = load(spec.relay_hook) if spec.relay_hook else None
    relay = OutboxRelay(
        producer=spec.name, engine=runtime.engine, celery_app=celery_app, settings=runtime.settings, on_pass=hook
    )
    relay.install_signal_handlers()
    relay.run_forever()


def cmd_dead_letters(args: argparse.Namespace) -> None:
    """List or replay a service's dead letters (parked messages; see shared.dead_letters)."""
    import redis

    from shared.dead_letters import DeadLetterKind, list_dead_letters, replay_inbox, replay_outbox

    spec = _spec(args.service)
    runtime = _runtime(spec)
    if args.action == "list":
        with runtime.engine.connect() as conn:
            letters = list_dead_letters(conn, limit=args.limit)
        print(f"{'kind':<7} {'parked at (UTC)':<20} {'event id':<36} {'queue':<15} {'type':<28} tries  last error")
        for d in letters:
            parked = d.parked_at.strftime("%Y-%m-%d %H:%M:%S")
            print(
                f"{d.kind:<7} {parked:<20} {d.event_id:<36} {d.queue:<15} {d.event_type:<28} "
                f"{d.tries:>5}  {d.last_error}"
            )
        print(f"{len(letters)} dead letter(s) in {spec.name}", file=sys.stderr)
        return
    if not args.all and not args.event_id:
        raise SystemExit("replay what? give --event-id ID (repeatable) or --all")
    ids = None if args.all else list(args.event_id)
    replayed = {DeadLetterKind.OUTBOX: 0, DeadLetterKind.INBOX: 0}
    if args.kind in (None, DeadLetterKind.OUTBOX):
        with runtime.engine.begin() as conn:
            replayed[DeadLetterKind.OUTBOX] = replay_outbox(conn, event_ids=ids)
    if args.kind in (None, DeadLetterKind.INBOX):
        celery_app: Any = load(spec.celery_path)
        client = redis.Redis.from_url(runtime.settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
        try:
            replayed[DeadLetterKind.INBOX] = replay_inbox(
                runtime.engine, celery_app=celery_app, redis_client=client, event_ids=ids
            )
        finally:
            client.close()
    print(
        f"{spec.name}: replayed {replayed[DeadLetterKind.OUTBOX]} outbox and "
        f"{replayed[DeadLetterKind.INBOX]} inbox dead letter(s)",
        file=sys.stderr,
    )


def cmd_migrate(args: argparse.Namespace) -> None:
    """Create a service's database if needed and apply its migrations."""
    from shared.migrations import upgrade

    for name in args.service or list(SERVICES):
        spec = _spec(name)
        runtime = _runtime(spec)
        upgrade(spec.migrations_dir, runtime.settings.database_url)
        print(f"{name}: database migrated", file=sys.stderr)


def cmd_seed(args: argparse.Namespace) -> None:
    """Load the demo edition into a service's database (idempotent)."""
    for name in args.service or list(SERVICES):
        spec = _spec(name)
        _runtime(spec)
        seed: Any = load(spec.seed_path)
        seed()


def cmd_create_user(args: argparse.Namespace) -> None:
    """Create (or reset the password of) an account; accounts live in the submission service."""
    _runtime(_spec("submission"))
    create_user: Any = load("services.submission.accounts.commands:create_user")
    user_id = create_user(
        role=args.role, email=args.email, password=args.password, name=args.name, agency_code=args.agency
    )
    print(user_id)


def cmd_event_schemas(_args: argparse.Namespace) -> None:
    """Write each event's JSON schema to shared/event_schemas/<type>.json, the contracts under version control."""
    import json

    from audisi.services import ROOT
    from shared.events import EVENT_TYPES, event_json_schema

    folder = ROOT / "shared" / "event_schemas"
    folder.mkdir(exist_ok=True)
    for stale in set(folder.glob("*.json")) - {folder / f"{name}.json" for name in EVENT_TYPES}:
        stale.unlink()
    for name, cls in sorted(EVENT_TYPES.items()):
        text = json.dumps(event_json_schema(cls), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
        print(folder.relative_to(ROOT) / f"{name}.json")


def cmd_run(args: argparse.Namespace) -> None:
    """Run the whole stack locally with the same commands as docker-compose (see audisi.stack)."""
    from audisi.stack import run_stack

    raise SystemExit(run_stack(seed=not args.no_seed, port_offset=args.port_offset))


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="audisi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    names = sorted(SERVICES)

    p = sub.add_parser("api", help="serve a service's HTTP API, or the web front (`audisi api web`)")
    p.add_argument("service", choices=[*names, WEB.name])
    p.add_argument("--host", default=os.environ.get("API_HOST", "0.0.0.0"))  # noqa: S104 - containers listen on all
    p.add_argument("--port", type=int, default=None, help="default: API_PORT or the service's port")
    p.set_defaults(func=cmd_api)

    p = sub.add_parser("worker", help="run a Celery worker for a service")
    p.add_argument("service", choices=names)
    p.add_argument("--queues", default=None, help="comma-separated; default: the service's own queue")
    p.add_argument("--concurrency", type=int, default=None)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("beat", help="run a service's periodic task scheduler")
    p.add_argument("service", choices=names)
    p.set_defaults(func=cmd_beat)

    p = sub.add_parser("relay", help="relay a service's outbox to Celery")
    p.add_argument("service", choices=names)
    p.set_defaults(func=cmd_relay)

    p = sub.add_parser("dead-letters", help="list or replay a service's parked (dead-letter) messages")
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("service", choices=names)
    p.add_argument("--limit", type=int, default=1000, help="list: at most this many, oldest first")
    p.add_argument("--event-id", action="append", default=[], help="replay: this event (repeatable)")
    p.add_argument("--all", action="store_true", help="replay: every dead letter of the service")
    p.add_argument("--kind", choices=["outbox", "inbox"], default=None, help="replay: only this kind")
    p.set_defaults(func=cmd_dead_letters)

    p = sub.add_parser("migrate", help="create and migrate databases (all services by default)")
    p.add_argument("service", nargs="*", help="default: all services")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("seed", help="load the demo edition (all services by default)")
    p.add_argument("service", nargs="*", help="default: all services")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("create-user", help="create an account (admin, committee, judge, agency)")
    p.add_argument("--role", required=True, choices=["admin", "committee", "judge", "agency", "participant"])
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--agency", default=None, help="agency code (judges and agency officers)")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("event-schemas", help="write the events' JSON schemas to shared/event_schemas/")
    p.set_defaults(func=cmd_event_schemas)

    p = sub.add_parser("run", help="run the whole stack locally (make run)")
    p.add_argument("--no-seed", action="store_true")
    p.add_argument("--port-offset", type=int, default=0, help="add N to every port (a second stack on one machine)")
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `audisi` command."""
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
