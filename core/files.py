"""Write a file only when it is missing, safely against a second process doing the same.

Standard library only: ``run.py`` imports this module before the virtual environment exists.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_once(path: Path, text: str) -> bool:
    """Create ``path`` (mode 0600) holding ``text`` unless it exists; True when this call created it.

    O_EXCL makes two first starts racing each other keep the same content: the loser
    finds the file and leaves it alone.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return True
