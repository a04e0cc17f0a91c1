"""Electrical description of a park's network, for AC power flow.

Optional parts of the park file (``[network.electrical]``,
``[network.transformer.electrical]``, ``[network.feeders.cable]`` and
``[[network.feeders.sections]]``): a park without them dispatches as before;
:func:`microgrid.network.model.build_network` needs them. Typical Korean
22.9 kV values are in ``microgrid/data/network/korean_22kv.toml`` with
their sources.

This module depends only on pydantic so that the park schema can import it
without pulling in pandapower.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from microgrid.strict import StrictModel


class _Strict(StrictModel):
    pass


class TransformerElectrical(_Strict):
    """Rating, impedance and tap changer of the park's main transformer.

    Attributes
    ----------
    sn_mva : float
        Rated apparent power [MVA].
    vn_hv_kv, vn_lv_kv : float
        Rated voltages [kV].
    vk_percent : float
        Short-circuit voltage on ``sn_mva`` base [%].
    vkr_percent : float
        Its real (resistive) part [%].
    pfe_kw : float
        Iron losses [kW].
    i0_percent : float
        No-load current [%].
    shift_degree : float
        Phase shift [deg].
    tap_side : str
        ``hv`` or ``lv``.
    tap_pos, tap_neutral, tap_min, tap_max : int
        Tap positions [-].
    tap_step_percent : float
        Voltage change per tap [%].
    """

    sn_mva: float = Field(gt=0)
    vn_hv_kv: float = Field(gt=0)
    vn_lv_kv: float = Field(gt=0)
    vk_percent: float = Field(gt=0, lt=100)
    vkr_percent: float = Field(ge=0, lt=100)
    pfe_kw: float = Field(default=0.0, ge=0)
    i0_percent: float = Field(default=0.0, ge=0)
    shift_degree: float = 0.0
    tap_side: Literal["hv", "lv"] = "hv"
    tap_pos: int = 0
    tap_neutral: int = 0
    tap_min: int = -8
    tap_max: int = 8
    tap_step_percent: float = Field(default=1.25, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> "TransformerElectrical":
        if self.vkr_percent >= self.vk_percent:
            raise ValueError(f"vkr_percent={self.vkr_percent} must be below vk_percent={self.vk_percent}")
        if not self.tap_min <= self.tap_pos <= self.tap_max:
            raise ValueError(f"tap_pos={self.tap_pos} must lie in [{self.tap_min}, {self.tap_max}]")
        return self


class Cable(_Strict):
    """A feeder cable: a pandapower standard type or per-km parameters.

    Attributes
    ----------
    length_km : float or None
        Length [km]; needed when the feeder has no sections.
    std_type : str or None
        A pandapower line standard type; ``r/x/c/max_i_ka`` override it when given.
    r_ohm_per_km, x_ohm_per_km : float or None
        Series resistance and reactance [Ohm/km].
    c_nf_per_km : float or None
        Shunt capacitance [nF/km].
    max_i_ka : float or None
        Ampacity [kA].
    parallel : int
        Number of parallel circuits [-].
    """

    length_km: float | None = Field(default=None, gt=0)
    std_type: str | None = None
    r_ohm_per_km: float | None = Field(default=None, ge=0)
    x_ohm_per_km: float | None = Field(default=None, ge=0)
    c_nf_per_km: float | None = Field(default=None, ge=0)
    max_i_ka: float | None = Field(default=None, gt=0)
    parallel: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _defined(self) -> "Cable":
        given = [self.r_ohm_per_km, self.x_ohm_per_km, self.c_nf_per_km, self.max_i_ka]
        if self.std_type is None and any(value is None for value in given):
            raise ValueError("a cable needs std_type or all of r_ohm_per_km, x_ohm_per_km, c_nf_per_km, max_i_ka")
        return self


class FeederSection(_Strict):
    """One cable section of a radial feeder, ending at a bus.

    Attributes
    ----------
    name : str
        Section (and end bus) name, unique in the feeder.
    length_km : float
        [km]
    cable : Cable or None
        Overrides the feeder's cable for this section.
    connect : list of str
        Participants and assets connected at the section's end bus; the
        feeder's others connect at the last section's end.
    """

    name: str = Field(min_length=1)
    length_km: float = Field(gt=0)
    cable: Cable | None = None
    connect: list[str] = Field(default_factory=list)


class Electrical(_Strict):
    """Settings of the AC check of a plan.

    Attributes
    ----------
    vn_kv : float
        Nominal voltage of the park's network [kV].
    ext_grid_vm_pu : float
        Voltage held at KEPCO's side of the transformer [pu].
    vm_min_pu, vm_max_pu : float
        Permitted bus voltage band [pu].
    max_loading_percent : float
        Largest loading of a cable or the transformer [%].
    load_power_factor : float
        Power factor of every participant's load, lagging [-].
    generator_power_factor : dict
        Asset kind -> power factor, generators inject reactive power at
        ``pf < 1`` [-]; kinds not listed run at unity.
    storage_power_factor : float
        Power factor of storage (unity by default) [-].
    """

    vn_kv: float = Field(default=22.9, gt=0)
    ext_grid_vm_pu: float = Field(default=1.0, gt=0.5, lt=1.5)
    vm_min_pu: float = Field(default=0.95, gt=0)
    vm_max_pu: float = Field(default=1.05, gt=0)
    max_loading_percent: float = Field(default=100.0, gt=0)
    load_power_factor: float = Field(default=0.9, gt=0, le=1)
    generator_power_factor: dict[str, float] = Field(default_factory=dict)
    storage_power_factor: float = Field(default=1.0, gt=0, le=1)

    @model_validator(mode="after")
    def _band(self) -> "Electrical":
        if self.vm_min_pu >= self.vm_max_pu:
            raise ValueError(f"vm_min_pu={self.vm_min_pu} must be below vm_max_pu={self.vm_max_pu}")
        for kind, pf in self.generator_power_factor.items():
            if not 0 < pf <= 1:
                raise ValueError(f"generator_power_factor[{kind!r}]={pf}: expected in (0, 1]")
        return self
