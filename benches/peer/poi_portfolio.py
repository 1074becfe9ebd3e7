#!/usr/bin/env python3
"""The POI peer: the rules of ceplan-poi@2022 (docs/rules.md) scripted in polars over the CSV of
poi_export_csv.py, for a period of months reported once every month of it is due (what `avance
poi compute --all --months A-B` computes without --as-of, or with a date after the deadlines):
each activity's avance or S.P./S.I., printed truncated at 100 with two decimals, each entity's
total as the mean of its activities' printed avances. Writes each entity's counts and printed total.

    python3 benches/peer/poi_portfolio.py POI.csv 1 6 > peer.json

Floating point, as a dataframe script would be; avance's figures are exact decimals.
"""
import json
import sys

import polars as pl


def main() -> None:
    path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    months = range(first, last + 1)
    cols = {f"prog_{m}": pl.Float64 for m in range(1, 13)} | {f"ejec_{m}": pl.Float64 for m in range(1, 13)}
    df = pl.read_csv(path, schema_overrides=cols | {"entidad": pl.Utf8, "codigo": pl.Utf8, "aei": pl.Utf8})
    P = [pl.col(f"prog_{m}") for m in months]
    E = [pl.col(f"ejec_{m}") for m in months]
    no_programming = pl.sum_horizontal(P) == 0
    incomplete = pl.any_horizontal([e.is_null() for e in E])
    last_positive = lambda cs: pl.coalesce([pl.when(c > 0).then(c) for c in reversed(cs)] + [pl.lit(0.0)])
    prog = (pl.when(pl.col("agregacion") == "acumulado_anual").then(pl.sum_horizontal(P))
            .otherwise(last_positive(P)))
    exe = (pl.when(pl.col("agregacion") == "acumulado_anual").then(pl.sum_horizontal([e.fill_null(0) for e in E]))
           .otherwise(last_positive([e.fill_null(0) for e in E])))
    ratios = pl.mean_horizontal([pl.when((p > 0) & e.is_not_null()).then(e / p * 100) for p, e in zip(P, E)])
    value = (pl.when(pl.col("agregacion") == "no_acumulado").then(ratios)
             .otherwise(pl.when(prog > 0).then(exe / prog * 100)))
    # Truncated at 100, then two decimals half away from zero (values are never negative).
    printed = ((pl.min_horizontal(value, pl.lit(100.0)) * 100 + 0.5).floor() / 100)
    status = (pl.when(no_programming).then(pl.lit("SP"))
              .when(incomplete).then(pl.lit("SI"))
              .when(value.is_null()).then(pl.lit("SP"))
              .otherwise(pl.lit("V")))
    per = df.with_columns(status=status, printed=printed).group_by("entidad", maintain_order=True).agg(
        sin_programacion=(pl.col("status") == "SP").sum(),
        seguimiento_incompleto=(pl.col("status") == "SI").sum(),
        total=pl.col("printed").filter(pl.col("status") == "V").mean(),
    )
    entities = [
        {
            "code": r["entidad"],
            "sin_programacion": r["sin_programacion"],
            "seguimiento_incompleto": r["seguimiento_incompleto"],
            "total": None if r["total"] is None else f"{(r['total'] * 100 + 0.5) // 1 / 100:.2f}",
        }
        for r in per.iter_rows(named=True)
    ]
    json.dump({"format": "avance-poi-portfolio/1-peer", "entities": entities}, sys.stdout)


if __name__ == "__main__":
    main()
