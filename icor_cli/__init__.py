"""icor: keep the ICOR member registry valid, queryable and safely editable."""

import os
import sys
from types import ModuleType

__version__ = "0.1.0"

# Pydantic looks for plugins through importlib.metadata on first use (50 ms, every run);
# icor uses none. A user who sets the variable keeps their choice.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _plugin_loader_stand_in() -> None:
    """Even with plugins disabled, Pydantic imports its plugin loader on first use, and
    the loader imports importlib.metadata (20 ms of email, zipfile and csv modules, a
    tenth of a short command). With plugins disabled, its one function's answer is
    known: no plugins. Anything else asked of the module loads the real one."""
    name = "pydantic.plugin._loader"
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in ("__all__", "1", "true"):
        return
    if name in sys.modules:
        return
    stand_in = ModuleType(name)

    def get_plugins() -> tuple[()]:
        return ()

    def real(attribute: str) -> object:
        if attribute.startswith("__"):  # the import system probing, e.g. for __path__
            raise AttributeError(attribute)
        del sys.modules[name]
        import importlib

        return getattr(importlib.import_module(name), attribute)

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[name] = stand_in


_plugin_loader_stand_in()
