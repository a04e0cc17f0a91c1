"""Tenants' own orders for a delivery day: offers, bids, bilateral contracts, flexibility.

The file format is documented in ``schema.py``; ``read_orders(path, park)`` reads and checks
one day's order book against the park and returns ``(OrderBook, metadata)``. A tenant that
submits nothing keeps today's behaviour (buys at its grid price cap, sells at the export floor).
"""

from market.orders.reader import demo_orders_path, parse_orders, read_orders
from market.orders.schema import (Bid, Contract, CurtailableLoad, DeferrableLoad, Offer, OrderBook,
                                  Product)

__all__ = ["Bid", "Contract", "CurtailableLoad", "DeferrableLoad", "Offer", "OrderBook", "Product",
           "demo_orders_path", "parse_orders", "read_orders"]
