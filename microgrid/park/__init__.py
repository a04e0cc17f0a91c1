"""The park description: schema and loader."""

from microgrid.park.loader import demo_park_path, parse_park, read_park
from microgrid.park.schema import Feeder, MarketRules, Network, Park, ParkInfo, Participant, Transformer

__all__ = [
    "Feeder",
    "MarketRules",
    "Network",
    "Park",
    "ParkInfo",
    "Participant",
    "Transformer",
    "demo_park_path",
    "parse_park",
    "read_park",
]
