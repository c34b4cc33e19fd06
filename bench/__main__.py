"""Entry point: `python -m bench <benchmark> [options]` (or `make bench BENCH_ARGS=...`)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> None:
    from . import crm_generate, crm_measure, tickets_generate, tickets_measure

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
    tickets_gen = commands.add_parser(
        "tickets-generate",
        help="fill the service desk of a crm-generate database: 1M tickets, 5M messages",
    )
    tickets_generate.add_arguments(tickets_gen)
    tickets_gen.set_defaults(run=tickets_generate.main)
    tickets_meas = commands.add_parser(
        "tickets-measure",
        help="time the inbox, the ticket page, the SLA sweep and the tickets API",
    )
    tickets_measure.add_arguments(tickets_meas)
    tickets_meas.set_defaults(run=tickets_measure.main)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
