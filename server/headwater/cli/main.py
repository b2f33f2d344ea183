"""The `headwater` command: a thin shell over trace, attribute, store and api.

headwater trace URL [--html FILE] [--json] [--db PATH] [--follow] [--depth N] [--budget N] [--seconds S]
headwater trace --from FILE [--workers N] [--json] [--db PATH] [--follow ...]
headwater corpus run INPUT... --out DIR [--workers N | --scheduler ADDRESS] [--follow ...] [--limit N]
headwater corpus load DIR --db FILE
headwater corpus stats DIR
headwater export ID [--format prov|graphml|dot] [--db PATH]
headwater analyze FILE... --jsonl [--workers N]
headwater log [--limit N] [--db PATH]
headwater serve [--host 127.0.0.1] [--port 8765] [--db PATH]
headwater token [--db PATH]
headwater forget URL | --before DATE [--db PATH]
headwater review [--db PATH] [--port 8766]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from headwater import __version__, store
from headwater.cli import follow_options
from headwater.errors import HeadwaterError, NotFound
from headwater.settings import DEFAULT_HOST, DEFAULT_PORT, default_db_path


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except HeadwaterError as error:
        print(f"headwater: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("headwater: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="headwater", description="Trace a news story upstream to its sources.")
    parser.add_argument("--version", action="version", version=f"headwater {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    db_help = "the SQLite store (default: $HEADWATER_DB or provenance.db)"

    trace = commands.add_parser("trace", help="trace a page (or a list of pages) and store its provenance")
    trace.add_argument("url", nargs="?", help="the page to trace")
    trace.add_argument("--url", dest="url_option", help="the page's URL when tracing a saved --html file")
    trace.add_argument("--html", type=Path, help="trace this saved HTML file instead of fetching (no network)")
    trace.add_argument(
        "--from",
        dest="url_list",
        metavar="FILE",
        help="trace every URL in FILE (one a line; blank lines and # comments skipped, "
        "a repeated URL traced once; - for stdin)",
    )
    trace.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="with --from: worker processes of the local dask cluster (default and 0: every "
        "core); a host's URLs are traced by one worker, HEADWATER_FOLLOW_DELAY seconds apart",
    )
    trace.add_argument(
        "--json",
        action="store_true",
        help="print the trace as JSON (the API's contract); with --from, one JSON line per URL",
    )
    trace.add_argument("--db", default=None, help=db_help)
    follow_options.add_arguments(trace)
    trace.set_defaults(run=cmd_trace)

    corpus = commands.add_parser("corpus", help="trace a whole news archive (WARC, saved pages, URL lists) on dask")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", required=True)
    run = corpus_commands.add_parser(
        "run",
        help="analyse every page of the inputs into Parquet datasets under --out",
        description="INPUT is any mix of WARC files (.warc, .warc.gz), directories of saved pages "
        "(.html, .html.gz) and lists of URLs (one a line, as trace --from reads them).",
    )
    run.add_argument("inputs", nargs="+", metavar="INPUT")
    run.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="the output folder (Parquet datasets); a rerun skips the partitions already in it",
    )
    run.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes of the local cluster (default: one per core)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the dask cluster whose scheduler is at ADDRESS (tcp://host:8786) instead of a local one",
    )
    run.add_argument("--limit", type=int, default=None, metavar="N", help="the first N records of the inputs only")
    follow_options.add_arguments(run)
    run.set_defaults(run=cmd_corpus_run)
    load = corpus_commands.add_parser(
        "load", help="load a corpus run's output into SQLite (then: headwater review --db FILE)"
    )
    load.add_argument("out", type=Path, metavar="DIR")
    load.add_argument("--db", required=True, metavar="FILE", help="the SQLite file to load into")
    load.set_defaults(run=cmd_corpus_load)
    corpus_stats = corpus_commands.add_parser(
        "stats",
        help="what a corpus run found: most-cited outlets, outlets citing each other, anonymous sources, errors",
    )
    corpus_stats.add_argument("out", type=Path, metavar="DIR")
    corpus_stats.add_argument("--top", type=int, default=10, metavar="N", help="rows per list (default 10)")
    corpus_stats.set_defaults(run=cmd_corpus_stats)

    export = commands.add_parser("export", help="export a stored trace as PROV-JSON, GraphML or DOT")
    export.add_argument("trace_id", type=int, metavar="ID")
    export.add_argument("--format", default="prov", choices=("prov", "graphml", "dot"))
    export.add_argument("--db", default=None, help=db_help)
    export.set_defaults(run=cmd_export)

    analyze = commands.add_parser("analyze", help="attribute plain-text files (no fetching, no store)")
    analyze.add_argument("files", nargs="+", type=Path)
    analyze.add_argument("--jsonl", action="store_true", help="one JSON line per file (the default output)")
    analyze.add_argument(
        "--workers", type=int, default=0, help="processes to use (default 0: every core, one per file at most)"
    )
    analyze.set_defaults(run=cmd_analyze)

    log = commands.add_parser("log", help="show the latest fetches and traces")
    log.add_argument("--limit", type=int, default=20)
    log.add_argument("--db", default=None, help=db_help)
    log.set_defaults(run=cmd_log)

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--db", default=None, help=db_help)
    serve.set_defaults(run=cmd_serve)

    token = commands.add_parser("token", help="print the API token (the extension's options ask for it)")
    token.add_argument("--db", default=None, help=db_help)
    token.set_defaults(run=cmd_token)

    forget = commands.add_parser("forget", help="delete a page's traces, documents and fetches from the store")
    forget.add_argument("url", nargs="?", help="the page to forget (as traced, or its final or canonical URL)")
    forget.add_argument("--before", metavar="DATE", help="forget everything recorded before DATE (2024-05-01)")
    forget.add_argument("--db", default=None, help=db_help)
    forget.set_defaults(run=cmd_forget)

    review = commands.add_parser("review", help="browse the store read-only in Datasette")
    review.add_argument("--db", default=None, help=db_help)
    review.add_argument("--port", type=int, default=DEFAULT_PORT + 1)
    review.set_defaults(run=cmd_review)
    return parser


def _db_path(args) -> str:
    return args.db or default_db_path()


def _say(message: str):
    print(message, file=sys.stderr, flush=True)


def cmd_trace(args) -> int:
    from headwater.tracing.tracer import Tracer

    if args.url_list is not None:
        return _trace_list(args)
    if args.workers is not None:
        raise HeadwaterError("--workers goes with --from FILE (a list of URLs).", code="usage")
    url = args.url or args.url_option
    if not url:
        raise HeadwaterError("Give the page's URL: headwater trace URL (or --html FILE --url URL).", code="usage")
    html = None
    if args.html:
        try:
            html = args.html.read_bytes()
        except OSError as error:
            raise HeadwaterError(f"Cannot read {args.html}: {error.strerror}.", code="usage") from None
    db = store.open_db(_db_path(args))
    follow = follow_options.settings_from(args)
    bar = follow_options.ProgressBar() if follow else None
    progress = bar.message if bar else (None if args.json else _say)
    tracer = Tracer(db, progress=progress, events=bar.event if bar else None)
    trace = tracer.trace(url, html=html, follow=follow).to_dict()
    if args.json:
        print(json.dumps(trace, ensure_ascii=False, indent=2))
    else:
        print(format_trace(trace) + follow_options.format_follow(trace))
        _say(f"Stored as trace {trace['id']} in {_db_path(args)}.")
    return 0


SOME_FAILED = 6  # exit code of a `trace --from` batch in which some URLs failed (the others are stored)


def _trace_list(args) -> int:
    """`headwater trace --from FILE`: every URL in FILE, on the corpus engine's local cluster, into one store."""
    from headwater.corpus.progress import Progress
    from headwater.corpus.trace_list import trace_urls

    if args.url or args.url_option or args.html:
        raise HeadwaterError("--from FILE takes the URLs from FILE: give no URL or --html with it.", code="usage")
    if args.workers is not None and args.workers < 0:
        raise HeadwaterError("--workers takes a number of processes (0: every core).", code="usage")
    urls = read_url_list(args.url_list)
    if not urls:
        raise HeadwaterError(
            f"No URLs in {'the standard input' if args.url_list == '-' else args.url_list}.", code="usage"
        )
    # A URL listed twice is traced once: two workers would otherwise fetch and store it twice.
    unique = list(dict.fromkeys(urls))
    repeated, urls = len(urls) - len(unique), unique
    if repeated:
        _say(f"headwater: {_count(repeated, 'repeated URL')} in the list, traced once.")
    progress = Progress(len(urls), "trace", "URLs")
    failed = 0
    for result in trace_urls(
        urls, _db_path(args), follow=follow_options.settings_from(args), workers=args.workers or None, progress=progress
    ):
        if result.error:
            failed += 1
            progress.print(f"headwater: {result.url}: {result.error}", file=sys.stderr)
        if args.json:
            progress.print(json.dumps(result.to_dict(), ensure_ascii=False))
        elif not result.error:
            pages = f", followed across {_count(result.pages, 'page')}" if result.pages is not None else ""
            progress.print(f"#{result.trace_id}  {result.url}  {_count(result.sources, 'source')}{pages}")
    _say(
        f"Traced {len(urls) - failed} of {_count(len(urls), 'URL')} into {_db_path(args)}"
        + (f"; {failed} failed." if failed else ".")
    )
    return SOME_FAILED if failed else 0


def read_url_list(name: str) -> list[str]:
    """The URLs of a list file (or stdin for "-"): one a line, blank lines and # comments skipped."""
    from headwater.corpus.inputs import read_url_list as read

    return read(name)


# -- headwater corpus ------------------------------------------------------------------------


def cmd_corpus_run(args) -> int:
    from headwater.corpus.engine import cluster, run_corpus
    from headwater.corpus.inputs import partitions
    from headwater.corpus.tasks import RunConfig

    if args.workers is not None and args.workers < 1:
        raise HeadwaterError("--workers takes a number of worker processes, 1 or more.", code="usage")
    if args.workers is not None and args.scheduler:
        raise HeadwaterError(
            "--workers sizes the local cluster; with --scheduler the cluster has its own workers.", code="usage"
        )
    if args.limit is not None and args.limit < 1:
        raise HeadwaterError("--limit takes a number of records, 1 or more.", code="usage")
    if args.out.exists() and not args.out.is_dir():
        raise HeadwaterError(f"--out {args.out} is a file: give a folder for the output.", code="usage")
    if any(name == "-" for name in args.inputs):
        raise HeadwaterError("corpus run reads its inputs from files: save the URL list to a file first.", code="usage")
    parts, _ = partitions(args.inputs, limit=args.limit)  # bad inputs are a message before any cluster starts
    if not parts:
        raise HeadwaterError("Nothing to read in the inputs (no WARC records, .html files or URLs).", code="usage")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HeadwaterError(f"Cannot write to --out {args.out}: {error.strerror or error}.", code="usage") from None
    config = RunConfig.from_env(follow_options.settings_from(args))
    with cluster(workers=args.workers, scheduler=args.scheduler, say=_say) as client:
        summary = run_corpus(client, args.inputs, args.out, config=config, parts=parts, say=_say, progress=True)
    if summary.skipped and not summary.partitions:
        _say(f"headwater: every partition was already written in {args.out}: nothing to do.")
    print(summary.line(), flush=True)
    if summary.failed:
        _say(
            f"headwater: {_count(len(summary.failed), 'partition')} failed (see the errors dataset); "
            "run again with the same --out to retry them."
        )
        return SOME_FAILED
    return 0


def cmd_corpus_load(args) -> int:
    from headwater.corpus.load import load

    counts = load(args.out, args.db)
    print(
        f"Loaded {args.out} into {args.db}: "
        + ", ".join(f"{n} {name}" for name, n in counts.items())
        + f" (tables corpus_*). Browse it: headwater review --db {args.db}"
    )
    return 0


def cmd_corpus_stats(args) -> int:
    from headwater.corpus.stats import format_stats, stats

    if args.top < 1:
        raise HeadwaterError("--top takes a number of rows, 1 or more.", code="usage")
    print(format_stats(stats(args.out, top=args.top)))
    return 0


def format_trace(trace: dict) -> str:
    """The chain as a reader wants to see it in a terminal."""
    lines = [trace["title"] or trace["final_url"], trace["final_url"], ""]
    if not trace["chains"]:
        lines.append("No sources found: the page attributes nothing to anyone.")
    else:
        lines.append("Chains, from this page to each primary source:")
        for number, chain in enumerate(trace["chains"], 1):
            hops = ["this page"] + [_hop(hop) for hop in chain[1:]]
            lines.append(f"  {number}. " + "\n     -> ".join(hops) + "   [primary]")
    lines += ["", f"Attributions ({len(trace['attributions'])}):"]
    for index, a in enumerate(trace["attributions"]):
        source = a["source"]
        detail = [source["kind"]]
        if source.get("reporter"):
            detail.append(f"reporter {source['reporter']}")
        if a["via"]:
            detail.append(f"via {a['via']['name']}")
        if a["relayed_by"] is not None:
            detail.append(f"relayed by #{a['relayed_by']} {trace['attributions'][a['relayed_by']]['source']['name']}")
        lines.append(f'  #{index} {source["name"]} ({", ".join(detail)}) cue "{a["cue"]["text"]}"')
        if a["content"]:
            content = " ".join(a["content"]["text"].split())
            lines.append(f"      {content[:110]}{'...' if len(content) > 110 else ''}")
        if a["link"]:
            lines.append(f"      link: {a['link']}")
    return "\n".join(lines)


def _hop(hop: dict) -> str:
    text = f"{hop['name']} ({hop['kind']}"
    if hop.get("role"):
        text += f", {hop['role']}"
    return text + ")"


def cmd_export(args) -> int:
    from headwater.export import export

    trace = store.load_trace(store.open_db(_db_path(args)), args.trace_id)
    if trace is None:
        raise NotFound(f"No trace with id {args.trace_id} in {_db_path(args)}.")
    print(export(trace.to_dict(), args.format)[0], end="")
    return 0


def cmd_analyze(args) -> int:
    from headwater.cli.batch import Progress, analyze_files, default_workers

    if args.workers < 0:
        raise HeadwaterError("--workers takes a number of processes (0: every core).", code="usage")
    # One pipeline per worker process, loaded once for all its files; results in input order.
    # No more workers than files: a single file is analysed in this process, without a pool.
    workers = args.workers or min(default_workers(), len(args.files))
    progress = Progress(len(args.files), "analyze", "files", show=len(args.files) > 1 and sys.stderr.isatty())
    failures = 0
    for result in analyze_files(args.files, workers=workers, progress=progress):
        if result.error:
            progress.print(f"headwater: skipping {result.file}: {result.error}", file=sys.stderr)
            failures += 1
            continue
        progress.print(json.dumps({"file": result.file, "attributions": result.attributions}, ensure_ascii=False))
    return 1 if failures else 0


def cmd_log(args) -> int:
    db = store.open_db(_db_path(args))
    entries = store.read_log(db, limit=args.limit)
    if not entries:
        print(f"The store {_db_path(args)} is empty: nothing fetched or traced yet.")
    for e in entries:
        outcome = "ok" if e["outcome"] == "ok" else f"FAILED {e['outcome']}"
        line = f"{e['at'][:19].replace('T', ' ')}  {e['event']:5} #{e['id']:<5} {outcome:24} {e['url']}"
        print(line)
        if e["detail"] and e["outcome"] != "ok":
            print(f"{'':29}{e['detail']}")
    return 0


def cmd_serve(args) -> int:
    from headwater.web import serve
    from headwater.web.app import create_app
    from headwater.web.auth import token_path

    config = {"DATABASE": _db_path(args), "BIND_HOST": args.host, "SERVER_PORT": args.port}
    create_app(config)  # here first: a store that cannot be opened is an error message, not a dead worker
    serve.check_port_free(args.host, args.port)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _say(
            f"headwater: warning: listening on {args.host}, not only on this computer. Anyone who can "
            "reach it and has the token can fetch pages through it and read the store."
        )
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"Headwater API on http://{host}:{args.port}/api (store: {_db_path(args)}). Ctrl-C stops it.\n"
        f"API token: run `headwater token{_db_option(args)}` to see it (kept in {token_path(_db_path(args))}).",
        flush=True,
    )
    serve.run(config, args.host, args.port)
    return 0


def _db_option(args) -> str:
    return f" --db {args.db}" if args.db else ""


def cmd_token(args) -> int:
    from headwater.web.auth import load_or_create_token, token_path

    token = load_or_create_token(_db_path(args))
    _say(
        f"The API token of {_db_path(args)} (kept in {token_path(_db_path(args))}); paste it in the "
        "extension's options:"
    )
    print(token)
    return 0


def cmd_forget(args) -> int:
    if (args.url is None) == (args.before is None):
        raise HeadwaterError(
            "Say what to forget: headwater forget URL, or headwater forget --before DATE.", code="usage"
        )
    before = None
    if args.before is not None:
        try:
            before = store.parse_before(args.before)
        except ValueError as error:
            raise HeadwaterError(str(error), code="usage") from None
    db = store.open_db(_db_path(args))
    counts = store.forget(db, url=args.url, before=before)
    what = args.url or f"everything recorded before {args.before}"
    if not any(counts[t] for t in ("traces", "documents", "fetches")):
        print(f"Nothing stored for {what}; the store is unchanged.")
        return 0
    print(
        f"Forgot {what}: {_count(counts['traces'], 'trace')}, {_count(counts['documents'], 'document')} "
        f"and {_count(counts['fetches'], 'fetch', 'fetches')}, with the rows that depended on them."
    )
    return 0


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def cmd_review(args) -> int:
    from headwater.cli.review import run_datasette

    return run_datasette(_db_path(args), port=args.port)


if __name__ == "__main__":
    sys.exit(main())
