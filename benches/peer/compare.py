#!/usr/bin/env python3
"""Checks that the peer computed what avance computed: per policy, the band of the índice and the
counts per band of every level; in total, the counts. Prints the differences and exits 1 if any.

    python3 benches/peer/compare.py avance.json peer.json
"""
import json
import sys


def main() -> None:
    a = json.load(open(sys.argv[1], encoding="utf-8"))
    p = json.load(open(sys.argv[2], encoding="utf-8"))
    peer = {x["code"]: x for x in p["policies"]}
    differ = 0
    for x in a["policies"]:
        y = peer.get(x["code"])
        if y is None or x["band"] != y["band"] or x["counts"] != y["counts"]:
            differ += 1
            if differ <= 5:
                print(f"{x['code']}: avance {x['band']} {x['counts']}; peer {y and (y['band'], y['counts'])}")
    same_total = a["total"] == p["total"]
    print(f"{len(a['policies'])} políticas; {differ} con diferencias; totales {'iguales' if same_total else 'distintos'}")
    sys.exit(0 if differ == 0 and same_total and len(peer) == len(a["policies"]) else 1)


if __name__ == "__main__":
    main()
