"""Page render times and query counts at demo size, per persona (in-process, Django test client).

Run against a loaded demo database (``make demo`` once, or ``manage.py load_demo``):

    .venv/bin/python manage.py shell < bench/pages.py

Each page is fetched once to warm caches, then REPEAT times; the median is printed with the
number of SQL queries of one request. Targets: every page under 100 ms, query counts that do not
grow with the number of programs or applicants.
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.permissions import roles_of
from programs.models import Quota

REPEAT = 9

director = User.objects.get(email="director@demo.jumelage.ca")
program_id = min(roles_of(director).program_ids["program_director"])
quota = Quota.objects.filter(program_id=program_id).order_by("stream").first()

PAGES = {
    "applicant@demo.jumelage.ca": [
        "/en/applicant/",
        "/fr/applicant/",
        "/en/applications/",
        "/en/ranking/",
        "/en/fees/",
        "/en/programs/",
        "/en/programs/?open_to_me=on",
        "/en/match/result/",
    ],
    "couple@demo.jumelage.ca": ["/en/ranking/couple/"],
    "director@demo.jumelage.ca": ["/en/programs/workspace/", f"/en/ranking/program/{quota.pk}/"],
    "pgme@demo.jumelage.ca": ["/en/programs/workspace/"],
    "aimg@demo.jumelage.ca": ["/en/applicant/provincial-list/"],
    "admin@demo.jumelage.ca": ["/en/match/admin/"],
}

print(f"{'status':>6} {'median ms':>9} {'queries':>7}  persona     page")
for email, urls in PAGES.items():
    client = Client()
    client.force_login(User.objects.get(email=email))
    for url in urls:
        client.get(url)
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        persona = email.split("@")[0]
        print(
            f"{response.status_code:>6} {statistics.median(times):9.1f} "
            f"{len(queries.captured_queries):7d}  {persona:10s}  {url}"
        )
