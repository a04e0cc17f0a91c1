"""Building a pandapower network from a park's electrical description.

Topology: KEPCO's 154 kV connection (external grid, slack) -> the main
transformer -> the park's main bus -> each feeder as a radial chain of cable
sections. A feeder without sections is one section of its cable's length,
with one bus at its end where everything on the feeder connects. Every
participant has one load (power factor from ``[network.electrical]``), every
generator one static generator, every storage unit one storage element
(pandapower's load sign convention: positive = charging).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from microgrid.errors import EngineInputError
from microgrid.network.electrical import Cable, Electrical
from microgrid.park import Park


@dataclass
class ParkNetwork:
    """A pandapower net and where the park's elements are in it.

    Attributes
    ----------
    net : pandapowerNet
    electrical : Electrical
        The check's settings (band, power factors).
    hv_bus, main_bus : int
        Bus indices of KEPCO's side and the park's main 22.9 kV bus.
    trafo : int
        Index of the main transformer.
    feeder_lines : dict
        Feeder name -> line indices, from the main bus outwards.
    feeder_buses : dict
        Feeder name -> bus indices of its section ends.
    load_of : dict
        Participant -> load index.
    sgen_of : dict
        Generator asset -> sgen index.
    storage_of : dict
        Storage asset -> storage index.
    bus_feeder : dict
        Bus index -> feeder name (``None`` for the main and HV buses).
    """

    net: object
    electrical: Electrical
    hv_bus: int
    main_bus: int
    trafo: int
    feeder_lines: dict[str, list[int]] = field(default_factory=dict)
    feeder_buses: dict[str, list[int]] = field(default_factory=dict)
    load_of: dict[str, int] = field(default_factory=dict)
    sgen_of: dict[str, int] = field(default_factory=dict)
    storage_of: dict[str, int] = field(default_factory=dict)
    bus_feeder: dict[int, str | None] = field(default_factory=dict)


def _create_line(pp, net, from_bus: int, to_bus: int, length_km: float, cable: Cable, name: str) -> int:
    if cable.std_type is not None:
        if not pp.std_type_exists(net, cable.std_type, "line"):
            raise EngineInputError(f"network: cable std_type = {cable.std_type!r}: not a pandapower line type")
        line = pp.create_line(net, from_bus, to_bus, length_km, cable.std_type, name=name, parallel=cable.parallel)
        for column, value in (("r_ohm_per_km", cable.r_ohm_per_km), ("x_ohm_per_km", cable.x_ohm_per_km),
                              ("c_nf_per_km", cable.c_nf_per_km), ("max_i_ka", cable.max_i_ka)):
            if value is not None:
                net.line.at[line, column] = value
        return int(line)
    return int(pp.create_line_from_parameters(
        net, from_bus, to_bus, length_km, r_ohm_per_km=cable.r_ohm_per_km, x_ohm_per_km=cable.x_ohm_per_km,
        c_nf_per_km=cable.c_nf_per_km, max_i_ka=cable.max_i_ka, name=name, parallel=cable.parallel))


def build_network(park: Park) -> ParkNetwork:
    """The park's pandapower network, loads and generators at zero.

    Raises
    ------
    EngineInputError
        When the park file has no electrical description, or a feeder has
        no cable, or a section connects an unknown element.
    """
    import pandapower as pp

    network = park.network
    transformer = network.transformer.electrical
    if network.electrical is None or transformer is None:
        raise EngineInputError(
            f"park {park.name!r}: no electrical network; add [network.electrical] and "
            "[network.transformer.electrical] to the park file")
    electrical = network.electrical
    net = pp.create_empty_network(name=park.name)
    hv_bus = pp.create_bus(net, transformer.vn_hv_kv, name="KEPCO")
    main_bus = pp.create_bus(net, electrical.vn_kv, name="main")
    pp.create_ext_grid(net, hv_bus, vm_pu=electrical.ext_grid_vm_pu, name="KEPCO")
    trafo = pp.create_transformer_from_parameters(
        net, hv_bus, main_bus, sn_mva=transformer.sn_mva, vn_hv_kv=transformer.vn_hv_kv,
        vn_lv_kv=transformer.vn_lv_kv, vk_percent=transformer.vk_percent, vkr_percent=transformer.vkr_percent,
        pfe_kw=transformer.pfe_kw, i0_percent=transformer.i0_percent, shift_degree=transformer.shift_degree,
        tap_side=transformer.tap_side, tap_neutral=transformer.tap_neutral, tap_min=transformer.tap_min,
        tap_max=transformer.tap_max, tap_step_percent=transformer.tap_step_percent, tap_pos=transformer.tap_pos,
        tap_changer_type="Ratio",
        name=network.transformer.name)
    built = ParkNetwork(net=net, electrical=electrical, hv_bus=int(hv_bus), main_bus=int(main_bus),
                        trafo=int(trafo), bus_feeder={int(hv_bus): None, int(main_bus): None})
    bus_of: dict[str, int] = {}
    for feeder in network.feeders:
        if feeder.cable is None:
            raise EngineInputError(f"network.feeders[{feeder.name!r}].cable: missing; every feeder needs a cable")
        sections = feeder.sections
        if not sections:
            if feeder.cable.length_km is None:
                raise EngineInputError(f"network.feeders[{feeder.name!r}].cable.length_km: missing")
            plan = [(f"{feeder.name}-end", feeder.cable.length_km, feeder.cable, [])]
        else:
            plan = [(s.name, s.length_km, s.cable or feeder.cable, s.connect) for s in sections]
        previous = built.main_bus
        built.feeder_lines[feeder.name], built.feeder_buses[feeder.name] = [], []
        for name, length, cable, connect in plan:
            bus = int(pp.create_bus(net, electrical.vn_kv, name=name))
            built.bus_feeder[bus] = feeder.name
            built.feeder_lines[feeder.name].append(_create_line(pp, net, previous, bus, length, cable, name))
            built.feeder_buses[feeder.name].append(bus)
            for element in connect:
                bus_of[element] = bus
            previous = bus
    known = {p.name: p.feeder for p in park.participants} | {a.name: a.feeder for a in park.assets}
    for element, bus in bus_of.items():
        if element not in known:
            raise EngineInputError(f"network: section bus {net.bus.at[bus, 'name']!r} connects {element!r}: "
                                   "no such participant or asset")
        if known[element] != built.bus_feeder[bus]:
            raise EngineInputError(f"network: {element!r} is on feeder {known[element]!r} but connected at "
                                   f"bus {net.bus.at[bus, 'name']!r} of feeder {built.bus_feeder[bus]!r}")

    def where(name: str, feeder: str) -> int:
        return bus_of.get(name, built.feeder_buses[feeder][-1])

    for participant in park.participants:
        built.load_of[participant.name] = int(pp.create_load(
            net, where(participant.name, participant.feeder), p_mw=0.0, q_mvar=0.0, name=participant.name))
    for asset in park.assets_of_role("generator"):
        built.sgen_of[asset.name] = int(pp.create_sgen(
            net, where(asset.name, asset.feeder), p_mw=0.0, q_mvar=0.0, name=asset.name, type=asset.kind))
    for asset in park.assets_of_role("storage"):
        built.storage_of[asset.name] = int(pp.create_storage(
            net, where(asset.name, asset.feeder), p_mw=0.0, max_e_mwh=asset.energy_capacity_kwh / 1000,
            q_mvar=0.0, name=asset.name))
    return built
