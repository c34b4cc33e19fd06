"""Merge a batch of French translations into locale/fr and recompile it.

Usage: .venv/bin/python scripts/translate_fr.py BATCH.json   (after `make messages`)
BATCH.json maps an English msgid (or "msgid||plural") to its French text (or a list of
two plural forms). django.po stays the one source of truth: the batch is a convenience
for filling many entries at once, and is not kept. Lists what still lacks French.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def main() -> int:
    table = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    catalogue = polib.pofile(str(PO))
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            key = f"{entry.msgid}||{entry.msgid_plural}"
            if key in table:
                forms = table[key]
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            elif not all(entry.msgstr_plural.values()):
                missing.append(key)
        elif entry.msgid in table:
            entry.msgstr = table[entry.msgid]
        elif not entry.msgstr:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags and (entry.msgstr or any(entry.msgstr_plural.values())):
            entry.flags.remove("fuzzy")
    catalogue.metadata["Language"] = "fr"
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    catalogue.save()
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    if missing:
        print("No French text yet for:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
