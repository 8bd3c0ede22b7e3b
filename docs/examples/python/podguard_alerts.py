#!/usr/bin/env python3
"""Print podguard's Alerts from JetStream, decoded with code generated from podguard's .proto files.

Reads stream <PREFIX>_ALERTS (subjects <prefix>.v1.alert.<severity>.<reason>) as podguard's
read-only `observer` NATS user, and prints one line per alert (time, severity, reason, node, pod,
summary), or one JSON object per line with --json.

Two ways to read (docs/subscribing-to-alerts.md):
  * default: an ordered consumer of its own (ephemeral; the server removes it when this program
    goes away); from now on, or from --since;
  * --durable NAME: a named durable pull consumer that the server keeps; every alert is
    acknowledged after it was printed, so a restart with the same name resumes where the last run
    left off (nothing missed, at least once). --since applies when the consumer is first created.

Needs nats-py and protobuf (requirements.txt; nkeys too for --nkey-seed and --creds) and the
Python code protoc generates from proto/podguard/v1/*.proto:

  protoc -I proto --python_out=GEN proto/podguard/v1/*.proto
  python3 podguard_alerts.py --generated GEN --user podguard-observer --password ...

Every option also reads the environment variable podguard's own services read (PODGUARD_BUS_*),
so a pod that runs a podguard service with the observer's credentials can run this unchanged.
"""

import argparse
import asyncio
import datetime
import json
import logging
import os
import re
import signal
import ssl
import sys

SEVERITIES = ("info", "warning", "critical")
EXIT_USAGE = 2
EXIT_FAILED = 1
CONNECT_ATTEMPTS = 3


def parse_args(argv):
    env = os.environ.get

    parser = argparse.ArgumentParser(
        prog="podguard_alerts.py",
        description="Print podguard's Alerts (stream <PREFIX>_ALERTS) as lines or JSON.",
        epilog="Environment variables (PODGUARD_BUS_*) are read as podguard's services read them; flags win.",
    )
    conn = parser.add_argument_group("connection")
    conn.add_argument("--servers", default=env("PODGUARD_BUS_SERVERS", "nats://127.0.0.1:4222"),
                      help="comma-separated NATS URLs, nats:// or tls:// (env PODGUARD_BUS_SERVERS; default %(default)s)")
    conn.add_argument("--user", default=env("PODGUARD_BUS_USER"),
                      help="NATS user, normally podguard's read-only observer: <prefix>-observer (env PODGUARD_BUS_USER)")
    conn.add_argument("--password", default=env("PODGUARD_BUS_PASSWORD"),
                      help="its password (env PODGUARD_BUS_PASSWORD; prefer the variable: flags show in ps)")
    conn.add_argument("--creds", default=env("PODGUARD_BUS_CREDENTIALS_FILE"),
                      help="a .creds file: user JWT and NKey seed (env PODGUARD_BUS_CREDENTIALS_FILE; needs nkeys)")
    conn.add_argument("--nkey-seed", default=env("PODGUARD_BUS_NKEY_SEED_FILE"),
                      help="a file holding the user's NKey seed (env PODGUARD_BUS_NKEY_SEED_FILE; needs nkeys)")
    conn.add_argument("--tls-ca", default=env("PODGUARD_BUS_TLS_CA_FILE"),
                      help="CA (PEM) to verify the server; turns TLS on (env PODGUARD_BUS_TLS_CA_FILE)")
    conn.add_argument("--tls-cert", default=env("PODGUARD_BUS_TLS_CERT_FILE"),
                      help="client certificate (PEM) when the server asks for one (env PODGUARD_BUS_TLS_CERT_FILE)")
    conn.add_argument("--tls-key", default=env("PODGUARD_BUS_TLS_KEY_FILE"),
                      help="its private key (PEM) (env PODGUARD_BUS_TLS_KEY_FILE)")
    conn.add_argument("--tls-hostname", default=env("PODGUARD_BUS_TLS_HOSTNAME"),
                      help="name expected in the server certificate when it differs from the URL (env PODGUARD_BUS_TLS_HOSTNAME)")
    conn.add_argument("--subject-prefix", default=env("PODGUARD_BUS_SUBJECT_PREFIX", "podguard"),
                      help="podguard's bus.subjectPrefix (env PODGUARD_BUS_SUBJECT_PREFIX; default %(default)s)")
    conn.add_argument("--inbox-prefix", default=env("PODGUARD_BUS_INBOX_PREFIX"),
                      help="reply and delivery inboxes; default _INBOX.<user>, or _INBOX.<prefix>-observer without a "
                           "user name: the only inboxes podguard's permissions let that user receive on "
                           "(env PODGUARD_BUS_INBOX_PREFIX)")

    what = parser.add_argument_group("which alerts")
    what.add_argument("--severity", choices=SEVERITIES, help="only alerts of this severity")
    what.add_argument("--reason", help="only alerts of this reason, e.g. FenceAborted")
    what.add_argument("--since", help="deliver from this time: 'all' (the whole stream, 7 days), a duration "
                                      "ago (90s, 15m, 2h, 3d) or an ISO 8601 time (2026-11-23T10:00:00Z); "
                                      "default: only new alerts. With --durable: where a new consumer starts")
    what.add_argument("--durable", metavar="NAME",
                      help="a durable consumer of this name (letters, digits, - and _): acknowledged alerts are "
                           "not delivered again, and a restart resumes where the last run stopped")
    what.add_argument("--delete-durable", action="store_true",
                      help="delete the --durable consumer and exit (what a durable consumer needs once unused)")

    out = parser.add_argument_group("output")
    out.add_argument("--json", action="store_true",
                     help="one JSON object per alert: subject, stream sequence and the Alert in protobuf's JSON mapping")
    out.add_argument("--count", type=int, default=0, metavar="N", help="exit after N alerts (default: run until stopped)")
    out.add_argument("--generated", default=env("PODGUARD_PROTO_PYTHON"), metavar="DIR",
                     help="directory of the code `protoc --python_out` generated from proto/ (env PODGUARD_PROTO_PYTHON); "
                          "default: found on PYTHONPATH")

    args = parser.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*", args.subject_prefix):
        parser.error(f"--subject-prefix {args.subject_prefix!r}: dot-separated tokens of [A-Za-z0-9_-]")
    if args.durable is not None and not re.fullmatch(r"[A-Za-z0-9_-]+", args.durable):
        parser.error(f"--durable {args.durable!r}: one name of letters, digits, '-' and '_'")
    if args.delete_durable and not args.durable:
        parser.error("--delete-durable needs --durable NAME")
    if args.count < 0:
        parser.error("--count must be 0 or more")
    methods = [name for name, value in (("--password", args.password), ("--creds", args.creds),
                                        ("--nkey-seed", args.nkey_seed)) if value]
    if len(methods) > 1:
        parser.error("give one way to authenticate: " + " or ".join(methods))
    if bool(args.user) != bool(args.password):
        parser.error("--user and --password go together")
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    try:
        args.start = parse_since(args.since)
    except ValueError as err:
        parser.error(f"--since {args.since!r}: {err}")
    return args


def parse_since(text, now=None):
    """None (only new alerts), "all", or an aware UTC datetime."""
    if text is None or text == "":
        return None
    if text == "all":
        return "all"
    now = now or datetime.datetime.now(datetime.timezone.utc)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)", text)
    if match:
        unit = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
        return now - datetime.timedelta(seconds=float(match.group(1)) * unit)
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("expected 'all', a duration (90s, 15m, 2h, 3d) or an ISO 8601 time") from None
    if when.tzinfo is None:
        raise ValueError("give the time zone (Z or +01:00)")
    return when.astimezone(datetime.timezone.utc)


def subject_token(name):
    """podguard's SubjectToken: one NATS token per name ('.' -> '_', other characters =XX)."""
    if name == "":
        return "="
    out = []
    for char in name:
        if char.isascii() and (char.isalnum() or char == "-"):
            out.append(char)
        elif char == ".":
            out.append("_")
        else:
            out.extend(f"={byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


class Names:
    """The subject, stream and inbox names podguard derives from its subject prefix."""

    def __init__(self, prefix, user, inbox_prefix, severity, reason):
        bucket_prefix = prefix.replace(".", "-")
        self.stream = re.sub(r"[.-]", "_", prefix.upper()) + "_ALERTS"
        self.filter = f"{prefix}.v1.alert.{severity or '*'}.{subject_token(reason) if reason else '*'}"
        if reason is None and severity is None:
            self.filter = f"{prefix}.v1.alert.>"
        self.inbox = inbox_prefix or f"_INBOX.{user or bucket_prefix + '-observer'}"


def load_generated(directory):
    """The protoc-generated modules (podguard/v1/alert_pb2.py and what it imports)."""
    if directory:
        if not os.path.isfile(os.path.join(directory, "podguard", "v1", "alert_pb2.py")):
            sys.exit(f"podguard_alerts: no podguard/v1/alert_pb2.py under {directory}: "
                     "run protoc -I proto --python_out=DIR proto/podguard/v1/*.proto")
        sys.path.insert(0, directory)
    try:
        from podguard.v1 import alert_pb2  # noqa: generated by protoc --python_out
        from google.protobuf import json_format
    except ImportError as err:
        sys.exit(f"podguard_alerts: {err}: generate the code with "
                 "`protoc -I proto --python_out=DIR proto/podguard/v1/*.proto` and pass --generated DIR, "
                 "and install requirements.txt (protobuf)")
    return alert_pb2, json_format


class Printer:
    def __init__(self, alert_pb2, json_format, as_json, count):
        self.alert_pb2 = alert_pb2
        self.json_format = json_format
        self.as_json = as_json
        self.remaining = count or None
        self.done = asyncio.Event()

    def severity(self, alert):
        try:
            name = self.alert_pb2.Severity.Name(alert.severity)
        except ValueError:  # a severity newer than this code: never guess
            return str(alert.severity)
        return name.removeprefix("SEVERITY_").lower()

    def handle(self, msg):
        """Print one message; False if it is no Alert (then it is not printed)."""
        alert = self.alert_pb2.Alert()
        try:
            alert.ParseFromString(msg.data)
        except Exception as err:  # not a podguard.v1.Alert: report it, never crash
            print(f"podguard_alerts: undecodable payload on {msg.subject}: {err}", file=sys.stderr, flush=True)
            return False
        sequence = None
        try:
            sequence = msg.metadata.sequence.stream
        except Exception:
            pass
        if self.as_json:
            line = json.dumps({"subject": msg.subject, "sequence": sequence,
                               "alert": self.json_format.MessageToDict(alert)}, sort_keys=True)
        else:
            if alert.header.HasField("produced_at"):
                when = alert.header.produced_at.ToDatetime(tzinfo=datetime.timezone.utc)
            else:
                when = msg.metadata.timestamp if sequence is not None else datetime.datetime.now(datetime.timezone.utc)
            stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            pod = f"{alert.pod.namespace}/{alert.pod.name}" if alert.HasField("pod") else "-"
            line = (f"{stamp} {self.severity(alert):<8} {alert.reason} "
                    f"node={alert.node_name or '-'} pod={pod} {alert.summary}")
        print(line, flush=True)
        if self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.done.set()
        return True


def tls_context(args):
    if not (args.tls_ca or args.tls_cert or any(s.strip().startswith("tls://") for s in args.servers.split(","))):
        return None
    context = ssl.create_default_context(cafile=args.tls_ca)
    if args.tls_cert:
        context.load_cert_chain(args.tls_cert, args.tls_key)
    return context


# What the server refused (its errors arrive apart from the request that timed out), and whether
# the program is closing the connection itself.
refused = []
closing = False


async def connect(args, names):
    import nats

    async def on_error(err):
        if "permissions violation" in str(err).lower():
            refused.append(str(err))
        print(f"podguard_alerts: NATS: {err}", file=sys.stderr, flush=True)

    async def on_disconnect():
        if not closing:
            print("podguard_alerts: disconnected, reconnecting", file=sys.stderr, flush=True)

    async def on_reconnect():
        print("podguard_alerts: reconnected", file=sys.stderr, flush=True)

    options = dict(
        servers=[s.strip() for s in args.servers.split(",") if s.strip()],
        name="podguard_alerts.py",
        inbox_prefix=names.inbox,
        max_reconnect_attempts=CONNECT_ATTEMPTS,  # per server, for the first connection; then forever (below)
        connect_timeout=5,
        reconnect_time_wait=1,
        allow_reconnect=True,
        error_cb=on_error,
        disconnected_cb=on_disconnect,
        reconnected_cb=on_reconnect,
    )
    if args.user:
        options.update(user=args.user, password=args.password)
    if args.creds:
        options["user_credentials"] = args.creds
    if args.nkey_seed:
        options["nkeys_seed"] = args.nkey_seed
    context = tls_context(args)
    if context is not None:
        options["tls"] = context
        if args.tls_hostname:
            options["tls_hostname"] = args.tls_hostname
    nc = await nats.connect(**options)
    # Connected: from now on an alert reader rides out a server restart however long it takes.
    # (nats-py reads this option at each reconnect; -1 given to connect would also retry a wrong
    # address or password forever.)
    nc.options["max_reconnect_attempts"] = -1
    return nc


def consumer_config(args):
    from nats.js import api

    config = api.ConsumerConfig(deliver_policy=api.DeliverPolicy.NEW)
    if args.start == "all":
        config.deliver_policy = api.DeliverPolicy.ALL
    elif args.start is not None:
        config.deliver_policy = api.DeliverPolicy.BY_START_TIME
        config.opt_start_time = args.start
    return config


def ready(names, how):
    print(f"podguard_alerts: ready: reading {names.stream} ({names.filter}) with {how}", file=sys.stderr, flush=True)


async def read_ordered(js, args, names, printer):
    """An ordered push consumer of its own: the server creates it on
    $JS.API.CONSUMER.CREATE.<stream> and delivers to an inbox under our prefix; the client
    re-creates it after a gap (reconnect) from the next sequence. No acks."""
    async def on_message(msg):
        if not printer.done.is_set():  # --count reached: the rest arrived before the unsubscribe
            printer.handle(msg)

    config = consumer_config(args)
    sub = await js.subscribe(names.filter, stream=names.stream, cb=on_message, ordered_consumer=True,
                             deliver_policy=config.deliver_policy, config=config)
    ready(names, "an ordered consumer")
    await printer.done.wait()
    await sub.unsubscribe()


async def read_durable(js, args, names, printer):
    """A durable pull consumer named --durable: created (if missing) on
    $JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>, the form nats-server 2.9+ understands and
    podguard's observer is granted; fetched on $JS.API.CONSUMER.MSG.NEXT.<stream>.<name> with
    replies on our inbox; each alert acknowledged after it is printed."""
    import nats.errors
    import nats.js.errors
    from nats.js import api

    try:
        info = await js.consumer_info(names.stream, args.durable)
    except nats.js.errors.NotFoundError:
        info = None
    if info is not None:
        filters = [info.config.filter_subject] if info.config.filter_subject else list(info.config.filter_subjects or [])
        if filters != [names.filter]:
            raise SystemExit(f"podguard_alerts: durable consumer {args.durable} exists with filter {filters}, "
                             f"not {names.filter}: use another name, or --delete-durable it first")
        if args.since:
            print(f"podguard_alerts: durable consumer {args.durable} exists: resuming; --since is ignored",
                  file=sys.stderr, flush=True)
    config = consumer_config(args)
    config.ack_policy = api.AckPolicy.EXPLICIT
    config.ack_wait = 30
    config.max_ack_pending = 1000
    sub = await js.pull_subscribe(names.filter, durable=args.durable, stream=names.stream, config=config)
    now = await js.consumer_info(names.stream, args.durable)
    kind = "durable" if now.config.durable_name == args.durable else "NOT durable"
    ready(names, f"{kind} consumer {args.durable} ({'resumed' if info is not None else 'created'}, "
                 f"{now.num_pending} pending, {now.num_ack_pending} unacknowledged)")
    while not printer.done.is_set():
        want = 64 if printer.remaining is None else min(64, printer.remaining)
        try:
            msgs = await sub.fetch(batch=want, timeout=2)
        except nats.errors.TimeoutError:
            continue
        except (nats.errors.ConnectionClosedError, nats.errors.ConnectionReconnectingError):
            await asyncio.sleep(1)
            continue
        for msg in msgs:
            if printer.done.is_set():
                break  # not acknowledged: the next run gets it
            if printer.handle(msg):
                await msg.ack()
            else:
                await msg.term()  # never deliver an undecodable payload again


async def run(args):
    global closing
    alert_pb2, json_format = load_generated(args.generated)
    names = Names(args.subject_prefix, args.user, args.inbox_prefix, args.severity, args.reason)
    printer = Printer(alert_pb2, json_format, args.json, args.count)

    import nats.errors
    import nats.js.errors

    try:
        nc = await connect(args, names)
    except (nats.errors.NoServersError, OSError, asyncio.TimeoutError) as err:
        print(f"podguard_alerts: cannot connect to {args.servers}: {err}", file=sys.stderr)
        return EXIT_FAILED
    except ImportError as err:  # nkeys for --creds / --nkey-seed
        print(f"podguard_alerts: {err} (install requirements.txt: nkeys)", file=sys.stderr)
        return EXIT_FAILED
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, printer.done.set)
    js = nc.jetstream()
    try:
        if args.delete_durable:
            await js.delete_consumer(names.stream, args.durable)
            print(f"podguard_alerts: deleted durable consumer {args.durable} of {names.stream}", file=sys.stderr)
            return 0
        if args.durable:
            await read_durable(js, args, names, printer)
        else:
            await read_ordered(js, args, names, printer)
        return 0
    except nats.js.errors.NotFoundError as err:
        print(f"podguard_alerts: {err}: is podguard's topology installed (podguard-bus install), "
              f"and is --subject-prefix right (stream {names.stream})?", file=sys.stderr)
        return EXIT_FAILED
    except (nats.errors.Error, nats.js.errors.Error) as err:
        hint = ""
        if refused:
            hint = (f" (the server refused {len(refused)} subject(s): is this user allowed to read {names.stream}, "
                    f"and are its inboxes {names.inbox}.>? docs/subscribing-to-alerts.md)")
        print(f"podguard_alerts: {type(err).__name__}: {err}{hint}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        closing = True
        try:
            await nc.flush(timeout=5)  # the last acknowledgements
        except Exception:
            pass
        try:
            await nc.close()
        except Exception:
            pass


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # asyncio warns on every TLS connection nats-py closes ("returning true from eof_received() has
    # no effect when using ssl"): harmless, and not the reader's business.
    logging.getLogger("asyncio").setLevel(logging.ERROR)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
