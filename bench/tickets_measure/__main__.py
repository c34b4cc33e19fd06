"""`python -m bench.tickets_measure load-client` (spec as JSON on stdin): the API load
runs in its own process, apart from the measuring one's GIL."""

from __future__ import annotations

import json
import sys

from .batch import load_client

if sys.argv[1:] == ["load-client"]:
    print(json.dumps(load_client(json.loads(sys.stdin.read()))))
