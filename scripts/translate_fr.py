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
        key = f"{entry.msgid}||{entry.msgid_plural}" if entry.msgid_plural else entry.msgid
        if key in table:
            if entry.msgid_plural:
                forms = table[key]
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            else:
                entry.msgstr = table[key]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
        elif "fuzzy" in entry.flags or not entry.translated():
            # msgmerge's fuzzy guesses are often wrong ("contact" -> "membre"): a human
            # must confirm them through a batch, so they count as missing.
            missing.append(key)
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
