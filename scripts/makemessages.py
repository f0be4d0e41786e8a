"""Extract translatable strings into every locale/fr catalogue (project and apps), then compile.

Strings of an app go to ``<app>/locale``; those of ``templates/``, ``config/`` and ``core/`` to the
project's ``locale/``. Run after adding or changing user-visible strings, then fill in French.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "cycles",
    "programs",
    "applicants",
    "fees",
    "applications",
    "ranking",
    "matchruns",
    "integrations",
    "notifications",
    "review",
    "interviews",
    "references",
    "documents",
]
COMMON = ["--locale", "fr", "--no-obsolete", "--add-location", "file"]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def main() -> None:
    for app in APPS:
        (ROOT / app / "locale").mkdir(exist_ok=True)
        subprocess.run([*MANAGE, "makemessages", *COMMON], cwd=ROOT / app, check=True)
    ignore = [f"--ignore={app}/*" for app in APPS]
    subprocess.run(
        [
            *MANAGE,
            "makemessages",
            *COMMON,
            "--ignore=.venv/*",
            "--ignore=matchengine/*",
            "--ignore=tests/*",
            "--ignore=bench/*",
            *ignore,
        ],
        cwd=ROOT,
        check=True,
    )
    subprocess.run(
        [*MANAGE, "compilemessages", "--locale", "fr", "--ignore=.venv"], cwd=ROOT, check=True
    )


if __name__ == "__main__":
    main()
