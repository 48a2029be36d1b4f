"""phytowatch: nightly surveillance of e-commerce trade in regulated plant commodities."""

__version__ = "0.1.0"
