"""Intraday re-dispatch (:mod:`market.redispatch.intraday`) and its settlement as a correction
(:mod:`market.redispatch.correction`)."""
