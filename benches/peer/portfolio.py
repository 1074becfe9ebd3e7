#!/usr/bin/env python3
"""The peer: avance's `compute --all` rules for national policies (`ceplan-pn@1`) in polars.

    python3 benches/peer/portfolio.py PORTFOLIO.csv 2024 > peer.json

Reads the long CSV of `export_csv.py` and computes, for one year, what `avance compute --all
--format json` prints per policy and in total: each indicator's Avance Tipo 1 (ascendente VO / LE
× 100, descendente LE / VO × 100, mínimo / máximo permisible 100 or 0; ND without a target or an
actual, or with a zero divisor; an undeclared sense inferred from the first and last targets), the
objective avances (mean of the objective indicators, ND excluded), the índice (mean of the
objectives), each figure banded on its value rounded to one decimal half away from zero, and the
counts per band of objectives, objective indicators and service indicators. Binary floating point,
as a dataframe script would have it; no alerts, no Tipo 2 (avance computes both as well).
"""
import json
import sys

import polars as pl

BANDS = ["bajo", "intermedio", "alto", "nd"]


def band(col: pl.Expr) -> pl.Expr:
    shown = col.round(1, mode="half_away_from_zero")
    return (
        pl.when(col.is_null())
        .then(pl.lit("nd"))
        .when(shown >= 95)
        .then(pl.lit("alto"))
        .when(shown >= 75)
        .then(pl.lit("intermedio"))
        .otherwise(pl.lit("bajo"))
    )


def number(col: str) -> pl.Expr:
    text = pl.col(col).str.strip_chars()
    return (
        pl.when(text.str.to_lowercase() == "nd")
        .then(None)
        .otherwise(text.str.replace_all(",", "").str.strip_suffix("%").str.strip_chars())
        .cast(pl.Float64, strict=False)
    )


def counts_of(df: pl.DataFrame, key: str) -> dict:
    got = dict(df.group_by(key).len().iter_rows())
    out = {b: int(got.get(b, 0)) for b in BANDS}
    out["total"] = sum(out.values())
    return out


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("uso: portfolio.py CARTERA.csv AÑO")
    path, year = sys.argv[1], int(sys.argv[2])
    values = pl.scan_csv(path, schema_overrides={"text": pl.String, "year": pl.Int32}).with_columns(
        number("text").alias("x")
    )
    # The sense an undeclared indicator takes: its last numeric target against its first.
    inferred = (
        values.filter((pl.col("role") == "target") & pl.col("x").is_not_null())
        .sort("year")
        .group_by("policy", "indicator")
        .agg(pl.col("x").first().alias("first"), pl.col("x").last().alias("last"))
        .with_columns(
            pl.when(pl.col("last") < pl.col("first")).then(pl.lit("descendente")).otherwise(pl.lit("ascendente")).alias("inferred")
        )
        .select("policy", "indicator", "inferred")
    )
    this_year = (
        values.filter(pl.col("year") == year)
        .group_by("policy", "indicator", "unit", "sentido", "aggregation", "standard")
        .agg(
            pl.col("x").filter(pl.col("role") == "target").first().alias("le"),
            pl.col("x").filter(pl.col("role") == "actual").first().alias("vo"),
        )
    )
    indicators_all = values.select("policy", "indicator", "sentido", "standard").unique()
    ind = (
        indicators_all.join(this_year.drop("sentido", "standard"), on=["policy", "indicator"], how="left")
        .join(inferred, on=["policy", "indicator"], how="left")
        .with_columns(
            pl.when(pl.col("sentido").is_null() | (pl.col("sentido") == "")).then(pl.col("inferred").fill_null("ascendente")).otherwise(pl.col("sentido")).alias("sense")
        )
        .with_columns(
            pl.when(pl.col("le").is_null() | pl.col("vo").is_null())
            .then(None)
            .when(pl.col("sense") == "no_definido")
            .then(
                pl.when(pl.col("standard") == "minimo permisible")
                .then(pl.when(pl.col("vo") >= pl.col("le")).then(100.0).otherwise(0.0))
                .otherwise(pl.when(pl.col("vo") <= pl.col("le")).then(100.0).otherwise(0.0))
            )
            .when(pl.col("sense") == "descendente")
            .then(pl.when(pl.col("vo") == 0).then(None).otherwise(pl.col("le") / pl.col("vo") * 100))
            .otherwise(pl.when(pl.col("le") == 0).then(None).otherwise(pl.col("vo") / pl.col("le") * 100))
            .alias("avance"),
            pl.col("indicator").str.starts_with("IOP.").alias("objective_indicator"),
            ("OP." + pl.col("indicator").str.split(".").list.get(1)).alias("objective"),
        )
        .with_columns(band(pl.col("avance")).alias("band"))
        .collect()
    )
    objectives = (
        ind.lazy()
        .filter(pl.col("objective_indicator"))
        .group_by("policy", "objective")
        .agg(pl.col("avance").mean().alias("avance"))
        .with_columns(band(pl.col("avance")).alias("band"))
        .collect()
    )
    index = (
        objectives.lazy()
        .group_by("policy")
        .agg(pl.col("avance").mean().alias("index"))
        .with_columns(band(pl.col("index")).alias("band"))
        .sort("policy")
        .collect()
    )
    level = {
        "objectives": objectives,
        "objective_indicators": ind.filter(pl.col("objective_indicator")),
        "service_indicators": ind.filter(~pl.col("objective_indicator")),
    }
    empty = {b: 0 for b in BANDS}
    counts: dict = {}
    total = {}
    for name, df in level.items():
        for policy, b, n in df.group_by("policy", "band").len().iter_rows():
            counts.setdefault(policy, {k: dict(empty) for k in level})[name][b] = int(n)
        total[name] = counts_of(df, "band")
    policies = []
    for code, idx, b in index.iter_rows():
        c = counts.get(code, {k: dict(empty) for k in level})
        for per in c.values():
            per["total"] = sum(per[k] for k in BANDS)
        policies.append({"code": code, "index": idx, "band": b, "counts": c})
    json.dump({"format": "peer-portfolio/1", "year": year, "policies": policies, "total": total}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
