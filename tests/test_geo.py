"""Coordinate checks and distances: plain functions, no app needed."""

from __future__ import annotations

import math

import pytest

from fieldapp.geo import InvalidPosition, bounding_box, distance_m, validate_position


def test_a_real_position_is_returned_rounded_to_about_a_centimetre() -> None:
    assert validate_position(57.048123456789, 9.921987654321) == (57.0481235, 9.9219877)


@pytest.mark.parametrize(("lat", "lon"), [(90, 180), (-90, -180), (0, 9.9), (57.0, 0)], ids=str)
def test_edges_and_a_single_zero_are_valid(lat: float, lon: float) -> None:
    assert validate_position(lat, lon) == (lat, lon)


def test_no_position_at_all_is_none() -> None:
    assert validate_position(None, None) is None


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (90.0001, 9.9),
        (-91, 9.9),
        (95, 9.9),
        (57.0, 180.5),
        (57.0, -181),
        (0, 0),
        (0.0, -0.0),
        (57.0, None),
        (None, 9.9),
        (math.nan, 9.9),
        (57.0, math.nan),
        (math.inf, 9.9),
        (57.0, -math.inf),
    ],
    ids=str,
)
def test_impossible_positions_are_refused(lat, lon) -> None:
    with pytest.raises(InvalidPosition):
        validate_position(lat, lon)


def test_one_thousandth_of_a_degree_of_latitude_is_about_111_m() -> None:
    d = distance_m(57.000, 9.9, 57.001, 9.9)
    assert d == pytest.approx(111.2, abs=0.5)


def test_distance_is_symmetric_zero_for_one_point_and_shrinks_with_latitude() -> None:
    a, b = (57.0461, 9.9293), (57.0431, 9.9172)  # Karolinelunden -> J.F. Kennedys Plads
    assert distance_m(*a, *b) == pytest.approx(distance_m(*b, *a))
    assert distance_m(*a, *a) == 0
    # 0.01 degree of longitude is ~1.11 km at the equator but only ~0.61 km in Aalborg.
    assert distance_m(0, 9.9, 0, 9.91) == pytest.approx(1112, rel=0.01)
    assert distance_m(57.05, 9.9, 57.05, 9.91) == pytest.approx(605, rel=0.01)


def test_bounding_box() -> None:
    assert bounding_box([]) is None
    assert bounding_box([(57.1, 9.9), (57.0, 10.0), (57.05, 9.95)]) == (57.0, 9.9, 57.1, 10.0)
