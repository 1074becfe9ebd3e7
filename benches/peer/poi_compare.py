#!/usr/bin/env python3
"""Checks that the POI peer computed what avance computed: per entity, the S.P. and S.I. counts and
the printed total. Prints the differences and exits 1 if any.

    python3 benches/peer/poi_compare.py avance.json peer.json
"""
import json
import sys


def main() -> None:
    a = json.load(open(sys.argv[1], encoding="utf-8"))
    p = {x["code"]: x for x in json.load(open(sys.argv[2], encoding="utf-8"))["entities"]}
    differ = 0
    for x in a["entities"]:
        y = p.get(x["code"])
        mine = (x["sin_programacion"], x["seguimiento_incompleto"], (x["total"] or {}).get("printed"))
        theirs = y and (y["sin_programacion"], y["seguimiento_incompleto"], y["total"])
        if mine != theirs:
            differ += 1
            if differ <= 5:
                print(f"{x['code']}: avance {mine}; peer {theirs}")
    print(f"{len(a['entities'])} entidades; {differ} con diferencias")
    sys.exit(0 if differ == 0 and len(p) == len(a["entities"]) else 1)


if __name__ == "__main__":
    main()
