"""Entry point: `python -m bench <benchmark> [options]` (or `make bench BENCH_ARGS=...`)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> None:
    from . import crm_generate, crm_measure

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser(
        "crm-generate", help="fill a PostgreSQL database with a full-size customer record"
    )
    crm_generate.add_arguments(generate)
    generate.set_defaults(run=crm_generate.main)
    measure = commands.add_parser(
        "crm-measure", help="time the customer pages, searches and API against that database"
    )
    crm_measure.add_arguments(measure)
    measure.set_defaults(run=crm_measure.main)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
