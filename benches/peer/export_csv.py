#!/usr/bin/env python3
"""Exports the current state of an avance SQLite file as one long CSV, the peer's input.

    python3 benches/peer/export_csv.py PORTFOLIO.db PORTFOLIO.csv

One row per value: policy, indicator, unit, sentido, aggregation, standard, year, role (target or
actual), text (as entered: `10,256`, `12.34%`, `ND`). Only the values avance would read: the
latest revision of each indicator, not deleted, and its current values (`current_series`: a line
`year role text` per value). Not timed: this is the planner's spreadsheet export, made once.
"""
import csv
import sqlite3
import sys

QUERY = """
WITH ind AS (
    SELECT policy_id, code, unit, sentido, aggregation, standard, deleted,
           ROW_NUMBER() OVER (PARTITION BY policy_id, code ORDER BY change_id DESC) AS rn
    FROM indicator_revisions
)
SELECT p.code, s.indicator, ind.unit, COALESCE(ind.sentido, ''), COALESCE(ind.aggregation, ''),
       COALESCE(ind.standard, ''), s.series
FROM current_series s
JOIN policies p ON p.id = s.policy_id
JOIN ind ON ind.policy_id = s.policy_id AND ind.code = s.indicator AND ind.rn = 1 AND ind.deleted = 0
ORDER BY s.policy_id, s.indicator
"""


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("uso: export_csv.py CARTERA.db CARTERA.csv")
    db, out = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["policy", "indicator", "unit", "sentido", "aggregation", "standard", "year", "role", "text"])
        n = 0
        for *indicator, series in con.execute(QUERY):
            for line in series.split("\n"):
                year, role, text = line.split(" ", 2)
                w.writerow([*indicator, year, role, text])
                n += 1
    print(f"{n} valores escritos en {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
