"""icor: keep the ICOR member registry valid, queryable and safely editable."""

import os

__version__ = "0.1.0"

# Pydantic looks for plugins through importlib.metadata on first use (50 ms, every run);
# icor uses none. A user who sets the variable keeps their choice.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
