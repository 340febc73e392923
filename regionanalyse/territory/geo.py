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
    return geometry.kommuner(layer).merge(assigned, on="kommunenummer", how="left")


def detached_parts(proposal: Proposal, gap_m: float = 20_000) -> dict[str, list[list[str]]]:
    """Per region, the kommune names of parts lying more than ~2×`gap_m` from the main part.

    Kommuner are grown by `gap_m` before dissolving, so islands and fjords near the coast
    count as connected; a region made of separate areas (e.g. Oslo with Finnmark) does not.
    """
    geo = region_kommuner_geo(proposal)
    out = {}
    for region, group in geo.groupby("region", sort=False):
        parts = gpd.GeoSeries(group.buffer(gap_m).union_all(), crs=group.crs).explode(index_parts=False)
        if len(parts) < 2:
            continue
        points = group.geometry.representative_point()
        parts = parts.iloc[parts.area.argsort()[::-1]]  # largest first
        detached = [list(group.loc[points.within(part), "kommunenavn"]) for part in parts.iloc[1:]]
        if any(detached):
            out[region] = [names for names in detached if names]
    return out
