"""The proposal on the map: kommune polygons with their region, and contiguity."""
from __future__ import annotations

import geopandas as gpd

from ..model import Proposal
from ..sources import geometry
from . import membership


def region_kommuner_geo(proposal: Proposal) -> gpd.GeoDataFrame:
    """Kommune polygons of the proposal's kommune layer with their region."""
    layer = geometry.kommune_layer_year(proposal.vintage)
    assigned = membership.assign(proposal, layer)
    return geometry.kommune_polygons(layer).merge(assigned, on="kommunenummer", how="left")


def detached_parts(proposal: Proposal) -> dict[str, list[list[str]]]:
    """Per region, the kommune names of parts not connected to the region's largest part.

    Connected means linked in the neighbour graph of the proposal's vintage
    (`territory.adjacency`): shared land borders, and the bridges, tunnels and ferries listed in
    data/raw/sjoforbindelser.csv.
    A region made of separate areas (e.g. Oslo with Finnmark) is not connected.
    """
    from .adjacency import adjacency, disconnected_parts

    graph = adjacency(proposal.vintage, "kommune")
    assigned = membership.assign(proposal, proposal.vintage)
    out = {}
    for region, group in assigned.groupby("region", sort=False):
        parts = disconnected_parts(graph, list(group["kommunenummer"]))
        if parts:
            out[region] = [[graph.nodes[code]["navn"] for code in part] for part in parts]
    return out
