"""Fail if any French catalogue has an untranslated or fuzzy entry, or a stale .mo file."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def entries(po: Path) -> list[tuple[list[str], str, list[str]]]:
    """(flags, msgid, [msgstr forms]) for every entry of a catalogue."""
    out: list[tuple[list[str], str, list[str]]] = []
    flags: list[str] = []
    msgid = ""
    forms: list[str] = []
    field = ""
    for raw in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if field:
                out.append((flags, msgid, forms))
            flags, msgid, forms, field = [], "", [], ""
        elif line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural"):
            field = "plural"
        elif line.startswith("msgid "):
            field, msgid = "id", line[6:].strip('"')
        elif line.startswith("msgstr"):
            field = "str"
            forms.append(line.split(" ", 1)[1].strip('"'))
        elif line.startswith('"'):
            if field == "id":
                msgid += line.strip('"')
            elif field == "str":
                forms[-1] += line.strip('"')
    return out


def main() -> int:
    problems = []
    catalogues = sorted(
        p for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts
    )
    if not catalogues:
        problems.append("no French catalogue found")
    for po in catalogues:
        for flags, msgid, forms in entries(po):
            if not msgid:
                continue  # header
            if "fuzzy" in flags:
                problems.append(f"{po.relative_to(ROOT)}: fuzzy: {msgid!r}")
            elif not forms or not all(forms):
                problems.append(f"{po.relative_to(ROOT)}: untranslated: {msgid!r}")
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{mo.relative_to(ROOT)}: missing (run make messages)")
    for problem in problems:
        print(problem)
    print(f"{len(catalogues)} catalogues checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
