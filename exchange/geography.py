"""Where the seven municipalities are and which touch: data/municipalities.json.

Read once per process. Neighbourhood is made symmetric here, so the data file cannot make 鳥取市
a neighbour of 岩美町 without the reverse. A municipality missing from the file (a test's
テスト町) has no neighbours and no centre.
"""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "municipalities.json"


@cache
def _places() -> dict:
    raw = {name: entry for name, entry in json.loads(DATA.read_text("utf-8")).items()}
    raw.pop("_about", None)
    neighbours = {name: set(entry["neighbours"]) for name, entry in raw.items()}
    for name, others in list(neighbours.items()):
        for other in others:
            neighbours.setdefault(other, set()).add(name)
    return {
        "centres": {name: tuple(entry["centre"]) for name, entry in raw.items()},
        "neighbours": {name: frozenset(others) for name, others in neighbours.items()},
    }


def neighbours_of(name: str) -> frozenset[str]:
    """Names of the municipalities sharing a border with `name`."""
    return _places()["neighbours"].get(name, frozenset())


def centre_of(name: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the municipality's centre, or None when unknown."""
    return _places()["centres"].get(name)
