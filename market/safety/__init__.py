"""Safety monitoring and risk management: AC validation of plans, alarms, the alarm log.

Modules: :mod:`market.safety.tighten` (AC check + limit tightening loop),
:mod:`market.safety.measurements` (SCADA-like CSV reader),
:mod:`market.safety.alarms` (alarm rules), :mod:`market.safety.alarm_log`
(the ``safety_alarms`` table in the ledger database).
"""
