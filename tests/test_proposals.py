"""Proposals as data: built-ins, the YAML contract and every validation fault."""
import pytest

from regionanalyse.model import builtin_ids, load, read_yaml
from regionanalyse.territory.validate import validate
from regionanalyse.errors import ProposalError

HEAD = 'id: t\nname: "Test"\nvintage: 2016\nregions:\n'
REST_2016 = ["03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "14", "15", "16", "17",
             "18", "19", "20"]


def rest_region(exclude=()):
    members = ", ".join(f'"{c}"' for c in REST_2016 if c not in exclude)
    return f'  - name: "Resten"\n    members: [{members}]\n'


def faults(path):
    with pytest.raises(ProposalError) as err:
        validate(read_yaml(path))
    assert str(path) in str(err.value)
    return err.value.messages


def test_builtins_are_valid():
    assert builtin_ids() == ["fylker-2016", "fylker-2020", "fylker-2024", "nav-2016-11", "nav-2019-12"]
    for pid in builtin_ids():
        assert validate(load(pid)) == []


def test_special_characters_in_names_survive(write_yaml):
    path = write_yaml(HEAD + '  - name: "Øst & Vest_100% \\"x\\" \'y\'"\n    members: ["01", "02"]\n'
                      + rest_region())
    p = read_yaml(path)
    validate(p)
    assert p.regions[0].name == "Øst & Vest_100% \"x\" 'y'"


def test_unknown_code(write_yaml):
    path = write_yaml(HEAD + '  - name: A\n    members: ["01", "02", "50"]\n' + rest_region())
    assert any("ukjent fylkesnummer «50» for 2016" in m and "«A»" in m for m in faults(path))


def test_unit_in_two_regions(write_yaml):
    path = write_yaml(HEAD + '  - name: A\n    members: ["01", "02"]\n'
                      '  - name: B\n    members: ["0219"]\n' + rest_region())
    assert any("0219 (Bærum) er med i A og B" in m for m in faults(path))


def test_unit_in_none_listed(write_yaml):
    path = write_yaml(HEAD + '  - name: A\n    members: ["01"]\n' + rest_region())
    assert any("fylke 02 (Akershus) er ikke med i noen region" in m for m in faults(path))


def test_empty_and_duplicate_regions(write_yaml):
    path = write_yaml(HEAD + '  - name: A\n    members: ["01", "02"]\n  - name: A\n    members: []\n'
                      + rest_region())
    messages = faults(path)
    assert any("«A» er brukt mer enn én gang" in m for m in messages)
    assert any("er tom" in m for m in messages)


def test_unknown_seat_and_seat_outside(write_yaml):
    bad = write_yaml(HEAD + '  - name: A\n    seat: Atlantis\n    members: ["01", "02"]\n' + rest_region())
    assert any("ukjent sete «Atlantis»" in m for m in faults(bad))
    outside = write_yaml(HEAD + '  - name: A\n    seat: Bergen\n    members: ["01", "02"]\n' + rest_region(),
                         "b.yaml")
    assert validate(read_yaml(outside)) == ["region «A»: setet Bergen ligger utenfor regionen"]


@pytest.mark.parametrize("text,message", [
    ("id: [unclosed\n", "ugyldig YAML"),
    ("- just\n- a list\n", "ikke et YAML-kart"),
    ("id: x\nname: y\nregions: []\n", "mangler feltet «vintage»"),
    ("id: x\nname: y\nvintage: tjue\nregions: [{name: A, members: ['01']}]\n", "vintage «tjue»"),
])
def test_malformed_files(write_yaml, text, message):
    path = write_yaml(text)
    with pytest.raises(ProposalError, match=message) as err:
        read_yaml(path)
    assert str(path) in str(err.value)


def test_unquoted_numeric_codes_are_refused(write_yaml):
    """A code must be text: YAML drops the 0 of 01 and reads 0301 as octal (issue 22)."""
    path = write_yaml(HEAD + "  - name: A\n    members: [1, 2]\n" + rest_region())
    with pytest.raises(ProposalError, match="anførselstegn"):
        read_yaml(path)


def test_roundtrip_yaml(tmp_path):
    p = load("nav-2019-12")
    p.to_yaml(tmp_path / "copy.yaml")
    assert read_yaml(tmp_path / "copy.yaml").regions == p.regions
