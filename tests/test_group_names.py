"""Roles are permissions: the staff groups are named in migrations and nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GROUP_NAMES = {"Coordinators", "Nurses"}
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
NOT_APPLICATION = {"tests", "bench"}


def _application_modules() -> list[Path]:
    packages = [
        path
        for path in BASE_DIR.iterdir()
        if path.is_dir()
        and not path.is_symlink()
        and path.name not in NOT_APPLICATION
        and (path / "__init__.py").exists()
    ]
    return [
        module
        for package in packages
        for module in package.rglob("*.py")
        if "migrations" not in module.relative_to(BASE_DIR).parts
    ]


def _group_names_in(tree: ast.AST) -> list[int]:
    """Lines with a string that is exactly a group's name, other than a translated label."""
    labels = {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT
        for arg in node.args
    }
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in GROUP_NAMES and id(node) not in labels
    ]


def test_no_application_module_names_a_staff_group():
    modules = _application_modules()
    assert any(module.parts[-2:] == ("admin", "permissions.py") for module in modules)
    found = [
        f"{module.relative_to(BASE_DIR)}:{line}"
        for module in modules
        for line in _group_names_in(ast.parse(module.read_text(encoding="utf-8")))
    ]
    assert not found, f"ask user.has_perm() instead of naming a group: {found}"


def test_the_check_sees_a_group_name_but_not_a_translated_label():
    code = 'Group.objects.get(name="Nurses")\nlabel = _("Coordinators")\n'
    assert _group_names_in(ast.parse(code)) == [1]
