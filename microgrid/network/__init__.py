"""Electrical model of a park's network and AC power-flow checks (pandapower).

Importing this package is cheap; pandapower is imported by the modules
that need it (:mod:`microgrid.network.model`, :mod:`microgrid.network.powerflow`).
"""
