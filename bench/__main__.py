"""Entry point: `python -m bench <benchmark> [options]` (or `make bench BENCH_ARGS=...`)."""

from __future__ import annotations

import argparse
import signal
import sys


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
    quality_gen = commands.add_parser(
        "quality-generate", help="supervision data on a tickets-generate database: 2M calls"
    )
    quality_generate.add_arguments(quality_gen)
    quality_gen.set_defaults(run=quality_generate.main)
    quality_meas = commands.add_parser(
        "quality-measure", help="time the live view, the KPIs and the staffing plan over HTTP"
    )
    quality_measure.add_arguments(quality_meas)
    quality_meas.set_defaults(run=quality_measure.main)
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
    telework_gen = commands.add_parser(
        "telework-generate", help="5,000 employees and 3 years of telework in PostgreSQL"
    )
    telework_generate.add_arguments(telework_gen)
    telework_gen.set_defaults(run=telework_generate.main)
    telework_meas = commands.add_parser(
        "telework-measure",
        help="HR dashboard, team calendar and allowance export over HTTP under gunicorn",
    )
    telework_measure.add_arguments(telework_meas)
    telework_meas.set_defaults(run=telework_measure.main)
    campaigns_gen = commands.add_parser(
        "campaigns-generate", help="200,000 contacts with email consents (crm-generate + consents)"
    )
    campaigns_generate.add_arguments(campaigns_gen)
    campaigns_gen.set_defaults(run=campaigns_generate.main)
    campaigns_meas = commands.add_parser(
        "campaigns-measure",
        help="segment counts, a 100,000-recipient send to loopback SMTP, results, attribution",
    )
    campaigns_measure.add_arguments(campaigns_meas)
    campaigns_meas.set_defaults(run=campaigns_measure.main)
    sales_gen = commands.add_parser(
        "sales-generate", help="200,000 opportunities on a crm-generate database"
    )
    sales_generate.add_arguments(sales_gen)
    sales_gen.set_defaults(run=sales_generate.main)
    sales_meas = commands.add_parser(
        "sales-measure", help="time the kanban, the list, the KPI API and routing over HTTP"
    )
    sales_measure.add_arguments(sales_meas)
    sales_meas.set_defaults(run=sales_measure.main)
    telephony = commands.add_parser(
        "telephony-measure",
        help="time the screen-pop lookup and the platform events over HTTP under gunicorn",
    )
    telephony_measure.add_arguments(telephony)
    telephony.set_defaults(run=telephony_measure.main)
    channels = commands.add_parser(
        "channels-measure",
        help="email ingest throughput, web form latency and webhook fan-out, over HTTP",
    )
    channels_measure.add_arguments(channels)
    channels.set_defaults(run=channels_measure.main)
    peer_gen = commands.add_parser(
        "peer-generate", help="load django-helpdesk's benchmark data shape (100,000 tickets)"
    )
    peer.add_generate_arguments(peer_gen)
    peer_gen.set_defaults(run=peer.generate)
    peer_meas = commands.add_parser(
        "peer-measure", help="the peer's endpoints on that data, with the peer's procedure"
    )
    peer.add_measure_arguments(peer_meas)
    peer_meas.set_defaults(run=peer.measure)
    peer_cmp = commands.add_parser(
        "peer-compare", help="side-by-side table of a peer-measure and a peer-helpdesk run"
    )
    peer.add_compare_arguments(peer_cmp)
    peer_cmp.set_defaults(run=peer.compare)
    peer_run = commands.add_parser(
        "side-by-side",
        help="the peer harness and peer-measure endpoint by endpoint, then the table",
    )
    peer.add_run_arguments(peer_run)
    peer_run.set_defaults(run=peer.run)
    prof = commands.add_parser(
        "profile", help="in-process profiles (pyinstrument) of pages and of API creation"
    )
    profile.add_arguments(prof)
    prof.set_defaults(run=profile.main)
    args = parser.parse_args(argv)
    # A SIGTERM (a timeout, `kill`) unwinds like an error: the servers a command started
    # are stopped by their context managers instead of outliving it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
