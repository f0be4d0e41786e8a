"""The file review list at 1,500 applications: server-side time (Django test client, the
whole request: middleware, session, queries, template) and number of SQL queries.

    .venv/bin/python bench/review_list.py              # 1,500 applications, 15 runs
    .venv/bin/python bench/review_list.py --rows 3000 --runs 9

Works on the project's database (SQLite ``db.sqlite3`` after ``manage.py migrate``, or
``DATABASE_URL``): everything it writes (a cycle, a program, applicants, applications, files,
scores) is inside one transaction rolled back at the end (on PostgreSQL the script first
runs ``VACUUM ANALYZE``, and ``ANALYZE`` after generating, as autovacuum keeps a live
database). Each page is fetched once to warm caches, then ``--runs`` times; the median is
printed, with the median CPU time of this process (less sensitive to other load on a shared
machine; on PostgreSQL it leaves out the database server's own work). Target: under 200 ms
up to 1,500 rows (proportionally more above), and a number of queries that does not grow
with the rows. Exits non-zero when the plain list misses it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Role  # noqa: E402
from cycles.models import Cycle  # noqa: E402
from review.tests.bulk import populate  # noqa: E402
from tests import factories  # noqa: E402

TARGET_MS = 200.0


class Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ok = True
    if connection.vendor == "postgresql":
        # the runs roll back: clear the dead rows earlier runs left, as autovacuum would
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    try:
        with transaction.atomic():
            Cycle.objects.filter(is_current=True).update(is_current=False)
            cycle, iteration = factories.make_cycle(phase="interviews_start")
            program = factories.make_program(cycle=cycle, iteration=iteration, code="BENCH-REVIEW")
            director = factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program)
            reviewer = factories.make_staff(role=Role.FILE_REVIEWER, program=program)
            started = time.perf_counter()
            populate(program=program, n=args.rows, reviewers=[director, reviewer])
            print(f"generated {args.rows} applications in {time.perf_counter() - started:.1f} s")
            # planner statistics, as autovacuum (PostgreSQL) keeps them on a live database:
            # without them PostgreSQL takes the fresh tables for empty and scans them per row
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            base = f"/en/review/program/{program.code}/"
            pages = [
                ("director", director, base),
                ("director", director, base + "?sort=-score&completeness=incomplete"),
                ("reviewer", reviewer, base + "?assigned=me&exam=mccqe1&min_score=250"),
                ("director", director, base + "export.csv"),
                ("director", director, f"/en/api/review/programs/{program.code}/applications"),
            ]
            print(
                f"{'status':>6} {'median ms':>9} {'min':>6} {'max':>6} {'cpu ms':>6} "
                f"{'queries':>7}  who  page"
            )
            for who, user, url in pages:
                client = Client()
                client.force_login(user)
                client.get(url)
                times, cpu = [], []
                for _ in range(args.runs):
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
                median = statistics.median(times)
                print(
                    f"{response.status_code:>6} {median:9.1f} {min(times):6.1f} {max(times):6.1f} "
                    f"{statistics.median(cpu):6.1f} "
                    f"{len(queries.captured_queries):7d}  {who:8s}  {url.replace(base, 'list/')}"
                )
                if url == base and median > TARGET_MS * max(1.0, args.rows / 1500):
                    ok = False
            raise Rollback
    except Rollback:
        pass
    print("target met" if ok else f"TARGET MISSED (> {TARGET_MS:.0f} ms for the plain list)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
