"""After a PostgreSQL outage, how soon class mode works again (README, "A database that goes away"):

    python bench/class_outage.py [--outage S] [--rounds N]

One throwaway cluster (tests/pghelp.py) and two class stores on one database, as two replicas hold them: the
teacher's, and the student's with its listener. Each round: the database goes down for S seconds (default 8)
while the student's replica makes a class call every 0.5 s, as its pages would (how long each takes to fail is
recorded: a page's run waits that long); then it comes back, and the student's replica keeps calling every 0.1 s
until a call succeeds. Printed per round and as medians: the seconds from the database being back to the listener's catch-up
and to the first class call that succeeds, and the longest and total wait of the failing calls.

Rounds alternate between the project's configuration and the baseline in the same command:
- the project: while the listener has not reached the database again, class calls fail at once
  (AWAY_FAILS_FAST), and the pool's own retries of a lost connection stop after POOL_RETRY_S, so the next call
  tries again at once;
- the baseline: every call asks the pool, with psycopg_pool's default retries, 1, 2, 4, 8 s … apart for 5 minutes
  (reconnect_timeout 300 s).
The listener reads its catch-up over its own connection, and renews the pool's connections when it is back, in
both. Then the ratios baseline / project of the first successful call and of the time the failing calls waited.
"""

from __future__ import annotations

import argparse
import queue
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tests.isolation  # noqa: E402, F401 - HOME, caches and temporary files in a folder of their own
from services import class_store  # noqa: E402
from services.class_store import ClassStore, ClassStoreDown  # noqa: E402
from tests.pghelp import MISSING, Cluster, bin_dir  # noqa: E402

BASELINE_RETRY_S = 300.0  # psycopg_pool's default reconnect_timeout


def one_round(cluster: Cluster, outage: float) -> tuple[float, float, float, float]:
    """Seconds from the database back to the catch-up and to the first class call that succeeds; the longest wait
    of a class call that failed during the outage, and all of them together."""
    database = cluster.create_database()
    teacher_side, student_side = ClassStore(database, hours=4), ClassStore(database, hours=4)
    changes: queue.Queue = queue.Queue()
    try:
        student_side.listen(lambda *change: changes.put((time.monotonic(), change)))  # when it was heard
        if not student_side.listening.wait(30):
            raise RuntimeError("the listener did not connect")
        code, _key = teacher_side.create()
        student_side.check(code)
        cluster.down()
        gone = time.monotonic()
        waits = []  # how long each class call during the outage took to fail
        while time.monotonic() - gone < outage:  # a page's class calls during the outage
            start = time.monotonic()
            try:
                student_side.joined(code)
            except ClassStoreDown:
                waits.append(time.monotonic() - start)
            time.sleep(0.5)
        cluster.up()
        back = time.monotonic()
        while True:  # a page's next calls
            try:
                student_side.joined(code)
                break
            except ClassStoreDown:
                time.sleep(0.1)
        call = time.monotonic() - back
        while True:
            heard, change = changes.get(timeout=300)
            if change[2] == "catch_up":
                return heard - back, call, max(waits, default=0.0), sum(waits)
    finally:
        teacher_side.close()
        student_side.close()
        cluster.drop_database(database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=8.0, help="seconds the database is down (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each (default 3)")
    args = parser.parse_args()
    folder = bin_dir()
    if folder is None:
        sys.exit(MISSING)
    cluster = Cluster(folder).start()
    project, fails_fast = class_store.POOL_RETRY_S, class_store.AWAY_FAILS_FAST
    seen: dict[str, list[tuple[float, ...]]] = {"project": [], "baseline": []}
    try:
        for _ in range(args.rounds):
            for name, retry, fast in (("project", project, fails_fast), ("baseline", BASELINE_RETRY_S, False)):
                class_store.POOL_RETRY_S, class_store.AWAY_FAILS_FAST = retry, fast
                catch_up, call, longest, waited = found = one_round(cluster, args.outage)
                seen[name].append(found)
                print(f"{name:8}: catch-up {catch_up:.2f} s, "
                      f"first class call {call:.2f} s after the database was back; during the outage a failing "
                      f"call waited up to {longest:.2f} s, {waited:.2f} s in all", flush=True)
    finally:
        class_store.POOL_RETRY_S, class_store.AWAY_FAILS_FAST = project, fails_fast
        cluster.stop()
    medians = {name: [statistics.median(x[i] for x in rows) for i in range(4)] for name, rows in seen.items()}
    for name, (catch_up, call, longest, waited) in medians.items():
        print(f"median {name:8}: catch-up {catch_up:.2f} s, first class call {call:.2f} s; during the outage a "
              f"failing call waited up to {longest:.2f} s, {waited:.2f} s in all ({args.outage:g} s outage)")
    ratio = medians["baseline"][1] / max(medians["project"][1], 1e-3)
    print(f"first class call after the outage, baseline / project: {ratio:.1f}x")
    print(f"time the failing calls waited during the outage: {medians['baseline'][3]:.2f} s against "
          f"{medians['project'][3]:.2f} s")


if __name__ == "__main__":
    main()
