"""Write a run's files for independent checking: ``manage.py export_match RUN_ID DIR``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matchruns.models import MatchRun

README = """Match run #{pk} ({kind}) of {iteration}
Run at {created_at} by {engine}; status: {status}; verification problems: {problems}.

Files
  instance.json  the frozen input: quotas (capacity, ranking, reversion), applicants, couples,
                 in the match exchange format (match-instance/1), canonical JSON.
  result.json    the engine's result (match-result/1).

1. Check the fingerprint. The SHA-256 of the instance in canonical form must be
   {sha256}
   It is the SHA-256 of instance.json exactly as written here:
       sha256sum instance.json
   or, whatever the layout of the file:
       python -c "import json,hashlib,sys; d=json.load(open('instance.json',encoding='utf-8')); \\
print(hashlib.sha256(json.dumps(d,sort_keys=True,separators=(',',':'),ensure_ascii=False)\\
.encode('utf-8')).hexdigest())"
   result.json names the same value in "instance_sha256".

2. Check the result with the open-source engine (no database needed):
       python -m matchengine verify instance.json result.json
   It exits 0 and prints nothing wrong when every assignment is mutually acceptable, no
   quota holds more than its final capacity, and there is no blocking pair or couple.

3. Or re-run the match and compare:
       python -m matchengine solve instance.json > mine.json
"""


class Command(BaseCommand):
    help = "Write instance.json, result.json and README.txt of a match run into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run_id", type=int)
        parser.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        run = (
            MatchRun.objects.select_related("iteration__cycle").filter(pk=options["run_id"]).first()
        )
        if run is None:
            raise CommandError(f"No match run with id {options['run_id']}.")
        out = Path(options["directory"])
        out.mkdir(parents=True, exist_ok=True)
        (out / "instance.json").write_text(run.snapshot, encoding="utf-8")
        (out / "result.json").write_text(
            json.dumps(run.result, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        (out / "README.txt").write_text(
            README.format(
                pk=run.pk,
                kind=run.kind,
                iteration=run.iteration,
                created_at=run.created_at.isoformat(),
                engine=run.engine,
                status=run.status,
                problems=len(run.problems),
                sha256=run.snapshot_sha256,
            ),
            encoding="utf-8",
        )
        self.stdout.write(f"Wrote instance.json, result.json, README.txt to {out}")
        self.stdout.write(f"SHA-256: {run.snapshot_sha256}")
