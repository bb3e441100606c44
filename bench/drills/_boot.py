"""Imported first by every drill: run under the project's virtualenv, with the
test tools installed (the drills use the test factories and aiosmtpd), and
with the repository on the import path."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
    subprocess.run(["make", "-s", ".venv/.installed-dev"], cwd=ROOT, check=True)
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])
if not (ROOT / ".venv" / ".installed-dev").exists():
    subprocess.run(["make", "-s", ".venv/.installed-dev"], cwd=ROOT, check=True)
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
