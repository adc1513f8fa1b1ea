"""Production server: the web app served by waitress (console script ``muragat-web``)."""

from __future__ import annotations

import argparse
import logging
import os

from waitress import serve

from web import create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="muragat-web", description="Serve the Muragat search pages and JSON API.")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"interface to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int,
                        default=int(os.environ.get("MURAGAT_PORT") or DEFAULT_PORT),
                        help=f"port (default $MURAGAT_PORT or {DEFAULT_PORT})")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    parser.add_argument("--index", help="the live index path (default $MURAGAT_INDEX)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Serve ``create_app()`` with waitress until interrupted."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app({"INDEX": args.index} if args.index else None)
    print(f"Muragat: http://{args.host}:{args.port}/ (index {app.config['INDEX']})", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="muragat")


if __name__ == "__main__":
    main()
