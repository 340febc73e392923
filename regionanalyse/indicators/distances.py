"""Straight-line distances from a region's seat."""
from __future__ import annotations

import pandas as pd

from ..model import Proposal
from ..sources import codes
from ..territory.geo import region_kommuner_geo
from ..territory.seats import seat_kommune


def seat_distances(proposal: Proposal, region: str) -> pd.DataFrame:
    """Straight-line distance (km, EPSG:25833) from the seat's centroid to each kommune's."""
    geo = region_kommuner_geo(proposal)
    seat_code, _, _ = seat_kommune(proposal, region)
    points = geo.set_index("kommunenummer").geometry.representative_point()
    seat_point = points[seat_code]
    inside = geo[geo["region"] == region]
    # names from the code list, as in every other table (the map layers spell some differently)
    names = inside["kommunenummer"].map(codes.code_list()["kommunenavn"]).fillna(inside["kommunenavn"])
    out = pd.DataFrame({"kommunenummer": inside["kommunenummer"], "kommunenavn": names,
                        "avstand_km": points[inside["kommunenummer"]].distance(seat_point).values / 1000})
    return out.sort_values("avstand_km", ascending=False).reset_index(drop=True)
