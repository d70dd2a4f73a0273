"""The core runs with Qt absent (STYLE.md 1): import every non-UI module and draw a label.

import-linter forbids the import statically; this proves it at run time, in a fresh interpreter
where any attempt to import PySide6 fails.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_every_core_module_imports_and_a_label_renders_without_qt() -> None:
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        for name in ("PySide6", "shiboken6"):
            sys.modules[name] = None  # any import of Qt now raises ImportError
        import labelstation
        # __main__ modules run the CLI and Alembic's env.py runs only inside Alembic: skip them.
        modules = [
            m.name
            for m in pkgutil.walk_packages(labelstation.__path__, "labelstation.")
            if not m.name.startswith("labelstation.ui")
            and not m.name.endswith(("__main__", "migrations.env"))
        ]
        for name in modules:
            importlib.import_module(name)
        from labelstation.render.png import render_png
        from labelstation.render.verify import verify_symbols
        from labelstation.resources import resource_path
        from labelstation.template import layout, load_data, load_template
        template = load_template(resource_path("templates/eu-fmd-carton.json"))
        data = load_data(resource_path("templates/eu-fmd-carton.data.json"))
        dl = layout(template, data, dpi=203)
        assert verify_symbols(dl, render_png(dl, 203)).ok
        assert not any(k.startswith(("PySide6.", "shiboken6.")) for k in sys.modules)
        print(len(modules))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) > 50
