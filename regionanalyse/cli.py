"""Command line: thin wrapper that parses arguments, calls the library, maps errors to exit codes."""
from __future__ import annotations

import argparse
import os
import sys
import threading

from .config import DEFAULT_YEAR
from .version import __version__
from .errors import BuildError, RegionanalyseError, UsageError
from .inert import markdown_table, neutralise_formulas

EXIT_OK, EXIT_INVALID, EXIT_BUILD_FAILED, EXIT_LOCKED = 0, 1, 3, 4  # argparse uses 2


def _cmd_proposals(args) -> int:
    from .model import builtin_ids, load

    for pid in builtin_ids():
        p = load(pid)
        print(f"{pid}\t{len(p.regions)} regioner\t{p.name}")
    return EXIT_OK


def _cmd_validate(args) -> int:
    from .model import load
    from .territory.validate import validate

    if args.til is None and (args.skriv or args.plasser or args.flertall):
        raise UsageError("--skriv, --plasser og --flertall hører til --til ÅR")
    proposal = load(args.proposal)
    for warning in validate(proposal, geometry=True):
        print(f"advarsel: {proposal.origin}: {warning}", file=sys.stderr)
    print(f"{proposal.origin or proposal.id}: gyldig ({len(proposal.regions)} regioner)")
    if args.til is not None:
        return _carry_forward(proposal, args)
    from .sources.population import YEARS
    from .territory.carry import changed_kommuner

    changed = changed_kommuner(proposal, YEARS[-1])
    if changed:
        print(f"merk: {changed} av forslagets kommuner er slått sammen, delt eller har fått nytt "
              f"nummer fra {proposal.vintage} til {YEARS[-1]}; `validate … --til {YEARS[-1]}` "
              "sier hva som er endret")
    return EXIT_OK


def _carry_forward(proposal, args) -> int:
    """`validate --til`: what moved since the vintage; with --skriv, the proposal in the later
    year's codes (refused while a kommune has land in several regions and is not placed)."""
    from pathlib import Path

    from .model.proposal import quote
    from .territory.carry import carry_forward

    placements = {}
    for item in args.plasser:
        code, sep, region = item.partition("=")
        if not sep or not code.strip() or not region.strip():
            raise UsageError(f"--plasser «{quote(item)}»: skriv KOMMUNENUMMER=REGION")
        placements[code.strip()] = region.strip()
    target = Path(args.skriv) if args.skriv else None
    if target is not None and (target.exists() or target.is_symlink()):
        raise UsageError(f"--skriv {quote(str(target))}: filen finnes allerede (velg et nytt navn)")
    result = carry_forward(proposal, args.til, placements, args.flertall)
    print(f"endret fra {proposal.vintage} til {args.til}:" if result.changes else
          f"ingen kommuner endret fra {proposal.vintage} til {args.til}")
    for line in result.changes:
        print(f"  {line}")
    if result.straddling:
        print(f"kommuner i {args.til} med land i flere regioner (innbyggere 1. januar {proposal.vintage}):")
    for s in result.straddling:
        parts = ", ".join(f"{_count(n)} i {quote(r)}" for r, n in s.people)
        where = f"; plassert i {quote(result.placed[s.code])}" if s.code in result.placed else ""
        print(f"  {s.name} ({s.code}): {parts}{where}")
    if target is None:
        return EXIT_OK
    if result.proposal is None:
        open_ = ", ".join(f"{s.name} ({s.code})" for s in result.straddling)
        raise UsageError(f"skrev ikke {quote(str(target))}: {open_} har land i flere regioner; "
                         "bestem hvor med --plasser KOMMUNENUMMER=REGION, eller --flertall "
                         "(der flest av innbyggerne bodde)")
    result.proposal.to_yaml(target)
    print(f"skrevet: {quote(str(target))} ({result.proposal.id}, kommuneinndeling {args.til})")
    return EXIT_OK


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _cmd_table(args) -> int:
    from .indicators.keyfigures import key_figures
    from .present.tables import csv_table, symbol_table
    from .model import load

    figures = key_figures(load(args.proposal), args.year, arsverk_file=args.arsverk)
    table = csv_table(figures)
    if args.format == "csv":
        neutralise_formulas(table).to_csv(sys.stdout, index=False)
    else:
        print(markdown_table(symbol_table(figures, table)))
    return EXIT_OK


def _cmd_history(args) -> int:
    from .indicators.history import population_history
    from .model import load

    proposal = load(args.proposal)
    if args.region is not None:
        proposal.region(args.region)  # unknown region: a clear error, exit 1
    table = population_history(proposal, args.region)
    table = table[["region", "aar", "folkemengde", "indeks", "brudd"]].copy()
    table["indeks"] = table["indeks"].round(2)
    if args.format == "csv":
        neutralise_formulas(table.assign(brudd=table["brudd"].map({True: "true", False: "false"}))
                            ).to_csv(sys.stdout, index=False)
    else:
        print(markdown_table(table))
    return EXIT_OK


def _cmd_score(args) -> int:
    from .indicators.scores import score_many
    from .model import load
    from .territory.validate import validate

    proposals = [load(ref) for ref in args.proposals]
    for proposal in proposals:
        validate(proposal)
    table = score_many(proposals, args.year).round(6)
    if args.format == "csv":
        neutralise_formulas(table).to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        print(markdown_table(table))
    return EXIT_OK


def _tolerance(text: str) -> float | str:
    """--tolerance: a share (0.25 = 25 %) or «forslaget» (the proposal's own largest deviation)."""
    if text.strip().lower() == "forslaget":
        return "forslaget"
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} er verken et tall (0.25 = 25 %) eller «forslaget»") from None


def _cmd_alternatives(args) -> int:
    from .ensemble.run import request_for, run, write
    from .ensemble.generate import check_request
    from .model import load
    from .pipeline.settings import check_jobs, check_plans, check_regions, check_year, parse_formats
    from .territory.validate import validate

    check_year(args.year)  # the same option checks as build, before any work
    check_jobs(args.jobs)
    check_plans(args.n)
    check_regions(args.regions)
    proposal = load(args.proposal)
    validate(proposal)
    req = request_for(proposal, args.year, regions=args.regions, level=args.units, n=args.n,
                      seed=args.seed, tolerance=args.tolerance, keep_ba=args.keep_ba,
                      jobs=args.jobs, steps=args.steps, scheduler=args.scheduler)
    formats = () if args.to in ("", "none") else parse_formats(args.to)
    check_request(req)  # an impossible request is refused before the output folder is made
    from .pipeline.build_alternatives import build_ensemble_appendix, claim_out
    from .pipeline.publish import LockedError

    try:
        out, lock = claim_out(args.out)  # the build's output-folder policy
    except LockedError as exc:
        print(f"feil: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    try:
        ens = run(proposal, req, sveip=args.sveip)
        out = write(ens, out)
        how = "alle mulige, eksakt" if ens.method == "eksakt" else f"utvalg, seed {req.seed}"
        rule = {"standard": " etter standardregelen", "forslaget": ", forslagets eget avvik"}.get(
            req.tolerance_rule, ", oppgitt")
        print(f"{ens.request.n} planer med {req.regions} regioner ({req.level}, toleranse "
              f"{req.tolerance:g}{rule}, {how}) skrevet til {out}", file=sys.stderr)
        for path in build_ensemble_appendix(proposal, req.year, out, formats) if formats else ():
            print(f"vedlegg: {path}", file=sys.stderr)
    finally:
        lock.release()
    return EXIT_OK


def _cmd_data(args) -> int:
    from .config import data_home, raw_dir
    from .sources import datasets

    home, raw = data_home(), raw_dir()  # now, not when the package was imported

    if args.data_command == "status":
        table = datasets.status(raw, home)
        named = datasets.current_name(home)
        if os.environ.get("REGIONANALYSE_RAW"):
            print(f"merk: REGIONANALYSE_RAW er satt; data leses fra {raw}", file=sys.stderr)
        elif named != datasets.set_name(raw, home):
            print(f"advarsel: {home / 'current'} peker på datasett {named}, som ikke finnes; "
                  "den leverte datapakken brukes", file=sys.stderr)
        if args.format == "csv":
            table.to_csv(sys.stdout, index=False, lineterminator="\n")
        elif args.format == "json":
            print(table.to_json(orient="records", force_ascii=False, indent=1))
        else:
            print(f"Data i bruk: {raw} (datasett {datasets.set_name(raw, home)}); "
                  f"oppdateringer lagres i {home}")
            print(markdown_table(table.assign(sha256=table["sha256"].str[:12])))
        return EXIT_OK
    if os.environ.get("REGIONANALYSE_RAW"):
        raise UsageError("REGIONANALYSE_RAW er satt: data update og --rollback gjelder datamappen "
                         f"{home}, som da ikke brukes; fjern variabelen først")
    if args.rollback:
        if args.sources or args.dry_run:
            raise UsageError("--rollback tas uten kilder og uten --dry-run")
        with datasets.locked(home):
            before, after = datasets.rollback(home)
        print(f"Rullet tilbake: {before} → {after}")
        return EXIT_OK
    from .pipeline.affected import affected
    from .sources.update.refresh import update, update_ba

    if "ba" in args.sources:
        if args.sources != ["ba"] or not args.fil:
            raise UsageError("ba oppdateres alene og fra en fil eller adresse: "
                             "data update ba --fil FIL|URL [--ba-aar 2024]")
        with datasets.locked(home):
            report = update_ba(home, raw, args.ba_aar, args.fil, dry_run=args.dry_run)
    else:
        if args.fil:
            raise UsageError("--fil gjelder bare ba")
        with datasets.locked(home):
            report = update(args.sources, home, raw, dry_run=args.dry_run,
                            compare=affected)
    print("\n".join(report.lines()))
    return EXIT_OK


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, default=None, help=f"år for folkemengde 1.1. (standard {DEFAULT_YEAR})")
    parser.add_argument("--to", default=None, help="formater, kommaseparert (standard html,pdf)")
    parser.add_argument("--jobs", type=int, default=None, help="parallelle jobber (standard: antall kjerner)")
    parser.add_argument("--out", default=None, help="utmappe (standard reports/)")
    parser.add_argument("--arsverk", default=None, help="CSV med årsverk (se data/raw/SOURCES.md)")
    parser.add_argument("--executor", default=None,
                        help="kjøremåte: inline (i arbeiderprosessen, standard), warm (én kjerne "
                             "per arbeider) eller fresh (ny kjerne per vedlegg)")


def _cmd_build(args) -> int:
    from .pipeline.build import build
    from .pipeline.publish import LockedError, setup_logging
    from .pipeline.settings import resolve

    settings = resolve(proposals=args.proposals, compare=args.command == "compare",
                       build_all=args.all, year=args.year, to=args.to, jobs=args.jobs, out=args.out,
                       arsverk=args.arsverk, executor=args.executor)
    try:
        return EXIT_OK if build(settings, configure_logging=setup_logging) else EXIT_BUILD_FAILED
    except LockedError as exc:
        print(f"feil: {exc}", file=sys.stderr)
        return EXIT_LOCKED


class _Parser(argparse.ArgumentParser):
    """argparse that exits 1 on a bad option or value, as the README documents (not 2)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"feil: {self.prog}: {message}\n")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="regionanalyse", description=__doc__)
    top.add_argument("--version", action="version", version=__version__)
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("proposals", help="list built-in proposals").set_defaults(func=_cmd_proposals)
    val = sub.add_parser("validate", help="validate a proposal (id or YAML path)")
    val.add_argument("proposal")
    val.add_argument("--til", type=int, default=None, metavar="ÅR",
                     help="før forslaget fram til kommuneinndelingen i ÅR: hva er endret")
    val.add_argument("--skriv", default=None, metavar="FIL",
                     help="med --til: skriv forslaget i ÅRs kommunenumre til FIL (YAML)")
    val.add_argument("--plasser", action="append", default=[], metavar="KOMMUNENUMMER=REGION",
                     help="med --til: regionen for en kommune med land i flere regioner")
    val.add_argument("--flertall", action="store_true",
                     help="med --til: slike kommuner der flest av innbyggerne bodde")
    val.set_defaults(func=_cmd_validate)
    tab = sub.add_parser("table", help="key figures per region on stdout")
    tab.add_argument("proposal")
    tab.add_argument("--year", type=int, default=DEFAULT_YEAR)
    tab.add_argument("--format", choices=["csv", "markdown"], default="csv")
    tab.add_argument("--arsverk", default=None, help="CSV med årsverk (se data/raw/SOURCES.md)")
    tab.set_defaults(func=_cmd_table)
    his = sub.add_parser("history", help="population per region from 2005, chain-linked index")
    his.add_argument("proposal")
    his.add_argument("--region", default=None, help="one region (standard: all)")
    his.add_argument("--format", choices=["csv", "markdown"], default="csv")
    his.set_defaults(func=_cmd_history)
    bld = sub.add_parser("build", help="build hearing appendices (HTML/PDF) into reports/")
    bld.add_argument("proposals", nargs="*", default=[], help="ids or YAML paths (standard nav-2016-11)")
    bld.add_argument("--all", action="store_true", help="all built-in proposals and regionanalyse.toml")
    _add_build_options(bld)
    bld.set_defaults(func=_cmd_build)
    cmp_ = sub.add_parser("compare", help="build a comparison appendix for two or more proposals")
    cmp_.add_argument("proposals", nargs="+", help="ids or YAML paths, in the order to compare")
    _add_build_options(cmp_)
    cmp_.set_defaults(func=_cmd_build, all=False)
    sco = sub.add_parser("score", help="scores of whole proposals (balance, compactness, BA, distance)")
    sco.add_argument("proposals", nargs="+", help="ids or YAML paths")
    sco.add_argument("--year", type=int, default=DEFAULT_YEAR)
    sco.add_argument("--format", choices=["csv", "markdown"], default="csv")
    sco.set_defaults(func=_cmd_score)
    alt = sub.add_parser("alternatives", help="generate alternative plans (ReCom) and score them")
    alt.add_argument("proposal", help="id or YAML path")
    alt.add_argument("--year", type=int, default=DEFAULT_YEAR)
    alt.add_argument("--regions", type=int, default=None, help="antall regioner (standard: som forslaget)")
    alt.add_argument("--units", choices=["fylke", "kommune"], default=None,
                     help="byggesteiner (standard: fylke når hver region er hele fylker i året, "
                          "ellers kommune)")
    alt.add_argument("--n", type=int, default=1000,
                     help="antall planer i et utvalg (standard 1000, høyst 100 000; hele fylker telles opp eksakt)")
    alt.add_argument("--seed", type=int, default=1)
    alt.add_argument("--tolerance", type=_tolerance, default=None, metavar="PROSENT|forslaget",
                     help="største avvik fra idealstørrelsen, 0.1 = 10 %%; «forslaget»: forslagets "
                          "eget største avvik (standard: 25 %%, hevet i trinn på 5 prosentpoeng til "
                          "det finnes planer; med kommuner minst største kommunes overskudd + 5)")
    alt.add_argument("--sveip", action="store_true",
                     help="med kommuner: trekk også planer under andre regler (toleranse 25 %%, "
                          "50 %%, forslagets, K ± 1, uten sjøforbindelser) til sveip.csv; tar flere "
                          "ganger så lang tid (med hele fylker telles de alltid opp)")
    alt.add_argument("--keep-ba", action="store_true", help="unngå å dele BA-regioner (ReCom-tillegg)")
    alt.add_argument("--steps", type=int, default=None,
                     help="steg per kjede (standard 10000 med kommuner og høyst 11 regioner, 20000 med "
                          "fylker, flere med flere regioner; de første 20 %% forkastes, resten "
                          "tynnes til N/4)")
    alt.add_argument("--jobs", type=int, default=1, help="parallelle kjeder (standard 1)")
    alt.add_argument("--scheduler", default=None,
                     help="kjør kjedene på en Dask-klynge, f.eks. tcp://vert:8786 "
                          "(standard: REGIONANALYSE_SCHEDULER, ellers lokalt)")
    alt.add_argument("--out", default="alternativer", help="utmappe (standard ./alternativer)")
    alt.add_argument("--to", default="html,pdf",
                     help="vedlegget: formater, kommaseparert (standard html,pdf; none = uten vedlegg)")
    alt.set_defaults(func=_cmd_alternatives)
    dat = sub.add_parser("data", help="data in use: status, update from SSB and KLASS, rollback")
    dsub = dat.add_subparsers(dest="data_command", required=True)
    dst = dsub.add_parser("status", help="per file: years, origin, retrieved, SHA-256, data set")
    dst.add_argument("--format", choices=["markdown", "csv", "json"], default="markdown")
    dup = dsub.add_parser("update", help="fetch population (SSB 07459) and codes (KLASS), check, "
                                         "switch in whole")
    dup.add_argument("sources", nargs="*", metavar="KILDE",
                     help="koder, befolkning (standard: begge), eller ba med --fil")
    dup.add_argument("--dry-run", action="store_true", help="hent og kontroller, men endre ingenting")
    dup.add_argument("--rollback", action="store_true", help="tilbake til forrige datasett")
    dup.add_argument("--fil", default=None, help="ba: CSV-fil eller http(s)-adresse med samme "
                                                 "kolonner som den leverte")
    dup.add_argument("--ba-aar", type=int, default=2024, choices=[2020, 2024],
                     help="ba: hvilken BA-fil som erstattes (kodeår, standard 2024)")
    dat.set_defaults(func=_cmd_data)
    return top


def main(argv: list[str] | None = None) -> int:
    from .procguard import Terminated, install_handlers, restore_handlers

    args = parser().parse_args(argv)
    # SIGTERM: workers killed, temp files removed, exit 143 (signals reach the main thread only)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = install_handlers() if main_thread else None
    try:
        return args.func(args)
    except Terminated:
        print("feil: avbrutt (SIGTERM)", file=sys.stderr)
        return 143
    except RegionanalyseError as exc:
        for line in getattr(exc, "messages", None) or [str(exc)]:
            prefix = f"{exc.source}: " if getattr(exc, "source", None) else ""
            print(f"feil: {prefix}{line}", file=sys.stderr)
        return EXIT_BUILD_FAILED if isinstance(exc, BuildError) else EXIT_INVALID
    except KeyboardInterrupt:
        print("feil: avbrutt (Ctrl-C)", file=sys.stderr)
        return 130
    except OSError as exc:  # the environment (disk full, permissions): a message, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"feil: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        if main_thread:
            restore_handlers(previous)


if __name__ == "__main__":
    sys.exit(main())
