"""What-if edits: each kind, and invalid edits with clear errors."""
import pytest

import regionanalyse as ra
from regionanalyse.errors import ProposalError


def test_move_kommune_out_of_a_fylke_member():
    p = ra.proposal("nav-2016-11").move("0219", to="Oslo")
    t = p.figures(2016).set_index("region")
    assert "0219" in p.regions[-1].members and "02" not in p.regions[-2].members
    assert t.loc["Oslo", "antall_kommuner"] == 2
    assert t["folkemengde"].sum() == 5_213_985
    assert t.loc["Oslo", "navkontor"] is __import__("pandas").NA  # Oslo+Bærum is no set in Tabell 1


def test_merge_split_rename_and_yaml_roundtrip(tmp_path):
    from regionanalyse.model import read_yaml
    from regionanalyse.territory.validate import validate

    p = ra.proposal("nav-2016-11")
    merged = p.merge(["Oslo", "Østfold og Akershus"], "Hovedstadsregionen")
    assert len(merged.regions) == 10
    assert merged.figures(2016).set_index("region").loc["Hovedstadsregionen", "navkontor"] == 55
    split = p.split("Nord- og Sør-Trøndelag", ["17"], "Nord-Trøndelag")
    assert len(split.regions) == 12
    renamed = p.rename("Oslo", "Oslo & omegn_100%")
    renamed.to_yaml(tmp_path / "x.yaml")
    assert validate(read_yaml(tmp_path / "x.yaml")) == []
    assert "Oslo &amp; omegn_100%" in renamed._repr_html_()


@pytest.mark.parametrize("edit,message", [
    (lambda p: p.move("9999", to="Oslo"), "«9999» er ikke en fylkes- eller kommunekode"),
    (lambda p: p.move("03", to="Atlantis"), "ingen region heter «Atlantis»"),
    (lambda p: p.split("Oslo", ["18"], "Ny"), "«18» står ikke i region «Oslo»"),
    (lambda p: p.rename("Oslo", "Nordland"), "«Nordland» er brukt mer enn én gang"),
])
def test_invalid_edits(edit, message):
    with pytest.raises(ProposalError, match=message):
        edit(ra.proposal("nav-2016-11"))


def test_region_lookup_names_the_choices():
    p = ra.proposal("nav-2016-11")
    assert p.region("Oslo").members == ("03",)
    with pytest.raises(ProposalError, match="ingen region heter «Bergen»; regionene er Finnmark og Troms"):
        p.region("Bergen")
