"""Fill empty French entries of a catalogue from a JSON file of ``{"msgid": "msgstr"}``.

    python scripts/fill_translations.py APP/locale/fr/LC_MESSAGES/django.po fr.json

Only entries whose ``msgstr`` is empty or fuzzy are filled (plural entries take the same text for
``msgstr[0]`` and, from a ``["singular", "plural"]`` value, ``msgstr[1]``); a fuzzy flag on a
filled entry is removed. Prints the msgids still untranslated. Then compile the catalogue
(``cd APP && ../.venv/bin/python ../manage.py compilemessages``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po_path: Path, table: dict[str, str | list[str]]) -> list[str]:
    blocks = po_path.read_text(encoding="utf-8").split("\n\n")
    missing: list[str] = []
    out: list[str] = []
    for raw in blocks:
        block = raw.rstrip("\n")
        tail = raw[len(block) :]
        lines = block.split("\n")
        keys: dict[str, list[str]] = {}
        current = None
        for line in lines:
            match = re.match(r"^(msgid|msgid_plural|msgctxt|msgstr(?:\[\d\])?) ", line)
            if match:
                current = match.group(1)
                keys[current] = [line]
            elif line.startswith('"') and current:
                keys[current].append(line)
            elif not line.startswith('"'):
                current = None
        if "msgid" not in keys:
            out.append(raw)
            continue
        msgid = _unquote(keys["msgid"])
        plural = "msgid_plural" in keys
        strs = [k for k in keys if k.startswith("msgstr")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        empty = fuzzy or all(_unquote(keys[k]) == "" for k in strs)
        if not msgid or not empty:
            out.append(raw)
            continue
        value = table.get(msgid)
        if value is None:
            missing.append(msgid)
            out.append(raw)
            continue
        forms = value if isinstance(value, list) else [value, value]
        kept = [
            line
            for line in lines
            if not any(line in keys[k] for k in strs)
            and not line.startswith("#, fuzzy")
            and not line.startswith("#|")
        ]
        kept = [line.replace(", fuzzy", "") if line.startswith("#,") else line for line in kept]
        if plural:
            kept += [f"msgstr[0] {_quote(forms[0])}", f"msgstr[1] {_quote(forms[1])}"]
        else:
            kept.append(f"msgstr {_quote(forms[0])}")
        out.append("\n".join(kept) + tail)
    po_path.write_text("\n\n".join(out), encoding="utf-8")
    return missing


def main() -> int:
    po_path, table_path = Path(sys.argv[1]), Path(sys.argv[2])
    table = json.loads(table_path.read_text(encoding="utf-8"))
    missing = fill(po_path, table)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
