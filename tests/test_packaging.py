"""pyproject.toml lists packages by hand (the Hydra plugin is installed under another name): keep it complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_in_the_tree_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    renamed = config.get("package-dir", {})
    in_tree = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("benchmarks", "pipelines", "e2e_models", "reports")
        for init in (ROOT / top).rglob("__init__.py")
    }
    in_tree -= {name.replace("/", ".") for name in renamed.values()}
    assert in_tree <= listed, f"add to pyproject.toml [tool.setuptools] packages: {sorted(in_tree - listed)}"
    for name, folder in renamed.items():
        assert name in listed and (ROOT / folder / "__init__.py").is_file()
