"""Rolling batch optimisation over a year, scenario sweeps on Dask, resumable.

See :mod:`market.batch.rolling` (one scenario's days, SOC carried, checkpoints),
:mod:`market.batch.split` (one scenario's days split between processes, exact seams),
:mod:`market.batch.runner` (scenarios across Dask workers; the index ``batch.json``),
:mod:`market.batch.settle` (each scenario settled on its own ledger) and
:mod:`market.batch.summary` (the annual figures per scenario).
"""

from market.batch.runner import BatchConfig, open_batch, run_batch
from market.batch.scenarios import Scenario, read_scenarios

__all__ = ["BatchConfig", "Scenario", "open_batch", "read_scenarios", "run_batch"]
