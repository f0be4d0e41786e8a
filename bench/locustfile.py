"""Deadline-day load on a served Jumelage, loopback only: ``make loadtest`` (see bench/README.md).

Two kinds of users, with sessions prepared by ``bench/load_sessions.py``:

* applicants on the day their rank order lists are due (weight 9): read the list, move a
  line (the htmx request the page sends), read it back, look at their applications, and now
  and then submit the list;
* program staff (weight 1): their workspace and their program's applications.

Every request is checked: a status other than 200 (or the expected redirect) is a failure.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

with open(os.environ.get("LOAD_SESSIONS", "var/load/sessions.json")) as _fh:
    SESSIONS = json.load(_fh)
ENTRY = re.compile(rb'name="entry" value="(\d+)"')


class _Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    pool = "applicants"

    def on_start(self) -> None:
        key = random.choice(SESSIONS[self.pool])
        self.client.cookies.set("sessionid", key)
        # A GET to receive the CSRF cookie the forms need.
        with self.client.get("/en/", name="/en/ (home)", catch_response=True) as r:
            if b"/accounts/logout/" not in r.content:
                r.failure("not signed in: are the sessions from this server's database?")
        self.csrf = self.client.cookies.get("csrftoken", "")


class Applicant(_Signed):
    weight = 9
    pool = "applicants"

    @task(5)
    def rank_list(self) -> None:
        with self.client.get("/en/ranking/", name="/en/ranking/", catch_response=True) as r:
            if r.status_code != 200 or b'name="op"' not in r.content:
                r.failure(f"rank list page: {r.status_code}, not the signed-in list")
                return
            self.entries = ENTRY.findall(r.content)

    @task(3)
    def move_a_line(self) -> None:
        entries = getattr(self, "entries", None)
        if not entries:
            self.rank_list()
            entries = getattr(self, "entries", None) or []
        if len(entries) < 2:
            return
        entry = random.choice(entries).decode()
        with self.client.post(
            "/en/ranking/edit/",
            data={"op": "move", "entry": entry, "position": str(random.randint(1, len(entries)))},
            headers={
                "HX-Request": "true",
                "X-CSRFToken": self.csrf,
                "Referer": self.host + "/en/ranking/",
            },
            name="/en/ranking/edit/ (htmx move)",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"move: {r.status_code}")

    @task(2)
    def applications(self) -> None:
        self.client.get("/en/applications/", name="/en/applications/")

    @task(1)
    def submit(self) -> None:
        with self.client.post(
            "/en/ranking/edit/",
            data={"op": "submit"},
            headers={
                "HX-Request": "true",
                "X-CSRFToken": self.csrf,
                "Referer": self.host + "/en/ranking/",
            },
            name="/en/ranking/edit/ (htmx submit)",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"submit: {r.status_code}")


class ProgramStaff(_Signed):
    weight = 1
    pool = "staff"

    @task(2)
    def workspace(self) -> None:
        self.client.get("/en/programs/workspace/", name="/en/programs/workspace/")

    @task(3)
    def applications(self) -> None:
        self.client.get(
            f"/en/applications/program/{SESSIONS['program']}/", name="/en/applications/program/…"
        )
