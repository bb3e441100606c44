"""What is deployed: the checkout's commit, read once when the settings load."""

from __future__ import annotations

import subprocess
from pathlib import Path


def checkout_commit(base_dir: Path) -> str:
    """The commit this checkout is at, or "unreleased" where there is no git (a few ms, once)."""
    try:
        found = subprocess.run(
            # git from PATH, as a developer or a deploy script would run it;
            # the arguments are fixed, nothing comes from outside.
            ["git", "rev-parse", "--short=12", "HEAD"],  # noqa: S607
            cwd=base_dir,
            capture_output=True,
            text=True,
            timeout=2,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unreleased"
    return found.stdout.strip() or "unreleased"
