#!/usr/bin/env python3
"""Exports every POI of an avance SQLite file as one CSV, the POI peer's input.

    python3 benches/peer/poi_export_csv.py PORTFOLIO.db POI.csv

One row per activity, as the POI template's `actividades.csv` plus the entity: entidad, anio,
codigo, aei, agregacion, prog_1 … prog_12, ejec_1 … ejec_12 (an empty `ejec_` cell: the month's
follow-up not recorded). Only what avance reads: each activity as it stands
(`poi_current_activities`). Not timed: this is the planner's spreadsheet export, made once.
"""
import csv
import sqlite3
import sys

QUERY = """
SELECT p.entity_code, p.year, a.activity, a.aei, a.aggregation, a.programmed, a.executed
FROM poi_current_activities a JOIN poi_plans p ON p.id = a.plan_id
ORDER BY p.entity_code, p.year, a.position
"""


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("uso: poi_export_csv.py CARTERA.db POI.csv")
    con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        months = range(1, 13)
        w.writerow(["entidad", "anio", "codigo", "aei", "agregacion"]
                   + [f"prog_{m}" for m in months] + [f"ejec_{m}" for m in months])
        n = 0
        for entity, year, code, aei, aggregation, programmed, executed in con.execute(QUERY):
            w.writerow([entity, year, code, aei, aggregation] + programmed.split(";") + executed.split(";"))
            n += 1
    print(f"{n} actividades escritas en {sys.argv[2]}", file=sys.stderr)


if __name__ == "__main__":
    main()
