"""What the ``icor`` console script sets up before a command runs, to start fast.

Only ``cli.main`` calls this: importing ``icor_cli`` as a library changes nothing in the
host process.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

PLUGIN_LOADER = "pydantic.plugin._loader"
PLUGINS_OFF = ("__all__", "1", "true")  # the values with which Pydantic loads none


def without_pydantic_plugins() -> None:
    """Pydantic looks for plugins through importlib.metadata on first use (50 ms, every
    run); icor uses none. A user who sets PYDANTIC_DISABLE_PLUGINS keeps their choice.

    Even with plugins disabled, Pydantic imports its plugin loader, and the loader
    imports importlib.metadata (20 ms of email, zipfile and csv modules, a tenth of a
    short command). With plugins disabled its one function's answer is known, no
    plugins, so a stand-in gives it; anything else asked of it loads the real module."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in PLUGINS_OFF or PLUGIN_LOADER in sys.modules:
        return
    stand_in = ModuleType(PLUGIN_LOADER)
    stand_in.__spec__ = ModuleSpec(PLUGIN_LOADER, None)

    def get_plugins() -> tuple[()]:
        return ()

    def real(attribute: str) -> object:
        if attribute.startswith("__"):  # the import system probing, e.g. for __path__
            raise AttributeError(attribute)
        if sys.modules.get(PLUGIN_LOADER) is stand_in:
            del sys.modules[PLUGIN_LOADER]
        # Imported once; later calls get that same module, and its state, back.
        return getattr(importlib.import_module(PLUGIN_LOADER), attribute)

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[PLUGIN_LOADER] = stand_in
