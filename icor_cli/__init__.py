"""icor: keep the ICOR member registry valid, queryable and safely editable."""

__version__ = "0.1.0"
