"""Entry point: `python -m bench <benchmark> [options]` (or `make bench BENCH_ARGS=...`)."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from typing import Any


def main(argv: list[str] | None = None) -> None:
    from . import (
        campaigns_generate,
        campaigns_measure,
        channels_measure,
        crm_generate,
        crm_measure,
        peer,
        profile,
        quality_generate,
        quality_measure,
        sales_generate,
        sales_measure,
        telephony_measure,
        telework_generate,
        telework_measure,
        tickets_generate,
        tickets_measure,
    )

    def plain(module: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
        return module.add_arguments, module.main

    # name, help, (how it adds its arguments, what it runs)
    table: list[tuple[str, str, tuple[Callable[..., Any], Callable[..., Any]]]] = [
        ("crm-generate", "fill a PostgreSQL database with a full-size customer record",
         plain(crm_generate)),
        ("crm-measure", "time the customer pages, searches and API against that database",
         plain(crm_measure)),
        ("quality-generate", "supervision data on a tickets-generate database: 2M calls",
         plain(quality_generate)),
        ("quality-measure", "time the live view, the KPIs and the staffing plan over HTTP",
         plain(quality_measure)),
        ("tickets-generate",
         "fill the service desk of a crm-generate database: 1M tickets, 5M messages",
         plain(tickets_generate)),
        ("tickets-measure", "time the inbox, the ticket page, the SLA sweep and the tickets API",
         plain(tickets_measure)),
        ("telework-generate", "5,000 employees and 3 years of telework in PostgreSQL",
         plain(telework_generate)),
        ("telework-measure",
         "HR dashboard, team calendar and allowance export over HTTP under gunicorn",
         plain(telework_measure)),
        ("campaigns-generate", "200,000 contacts with email consents (crm-generate + consents)",
         plain(campaigns_generate)),
        ("campaigns-measure",
         "segment counts, a 100,000-recipient send to loopback SMTP, results, attribution",
         plain(campaigns_measure)),
        ("sales-generate", "200,000 opportunities on a crm-generate database",
         plain(sales_generate)),
        ("sales-measure", "time the kanban, the list, the KPI API and routing over HTTP",
         plain(sales_measure)),
        ("telephony-measure",
         "time the screen-pop lookup and the platform events over HTTP under gunicorn",
         plain(telephony_measure)),
        ("channels-measure",
         "email ingest throughput, web form latency and webhook fan-out, over HTTP",
         plain(channels_measure)),
        ("peer-generate", "load django-helpdesk's benchmark data shape (100,000 tickets)",
         (peer.add_generate_arguments, peer.generate)),
        ("peer-measure", "the peer's endpoints on that data, with the peer's procedure",
         (peer.add_measure_arguments, peer.measure)),
        ("peer-compare", "side-by-side table of a peer-measure and a peer-helpdesk run",
         (peer.add_compare_arguments, peer.compare)),
        ("side-by-side", "the peer harness and peer-measure endpoint by endpoint, then the table",
         (peer.add_run_arguments, peer.run)),
        ("profile", "in-process profiles (pyinstrument) of pages and of API creation",
         plain(profile)),
    ]  # fmt: skip

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text, (add_arguments, run) in table:
        command = commands.add_parser(name, help=help_text)
        add_arguments(command)
        command.set_defaults(run=run)
    args = parser.parse_args(argv)
    # A SIGTERM (a timeout, `kill`) unwinds like an error: the servers a command started
    # are stopped by their context managers instead of outliving it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
