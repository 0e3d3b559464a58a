import os
from pathlib import Path

import pytest


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(page, name): full-page PNGs at 1280 px and 360 px wide, for a person to look at.

    Written under $KIRIN_SCREENSHOTS (data/screenshots when run by hand), else the test's tmp dir.
    """
    folder = Path(os.environ.get("KIRIN_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        paths = []
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            path = folder / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        page.set_viewport_size({"width": 1280, "height": 800})
        return paths

    return take
