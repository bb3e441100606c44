"""`manage.py` in a fresh process, for settings that are read once, at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(
    *args: str, env: dict[str, str], keep_django_env: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run `manage.py *args` with `env` on top of this environment (less its
    DJANGO_* variables unless `keep_django_env`, so a test says all it sets)."""
    base = {k: v for k, v in os.environ.items() if keep_django_env or not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
