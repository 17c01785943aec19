"""bench/triage.py's data: N observations and N/5 issues spread over 10 years and 20 areas (grid
cells over Aalborg, each with its walks), generated as plain tuples with their ids, so the
loader (triage_load) writes them without the ORM and every link between them is known."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

YEARS = 10
AREAS = 20  # a 5 x 4 grid over Aalborg
SOUTH, WEST, NORTH, EAST = 56.98, 9.80, 57.10, 10.05
WALKS_PER_AREA_YEAR = 4
CATEGORIES = [
    "lighting",
    "vegetation",
    "sightlines",
    "vandalism",
    "waste",
    "paths_traffic",
    "buildings",
    "furniture",
    "behaviour",
    "other",
]
ISSUE_STATUSES = ["new", "triaged", "forwarded", "in_progress", "resolved", "rejected", "duplicate"]
# Most old issues are closed; the open ones are mostly recent.
CLOSED_WEIGHTS = [0.02, 0.02, 0.03, 0.03, 0.75, 0.1, 0.05]
OPEN_WEIGHTS = [0.3, 0.2, 0.3, 0.2, 0, 0, 0]
PRIORITIES = ["low", "normal", "normal", "normal", "high", "urgent"]
WORDS = [
    "lygtepæl",
    "slukket",
    "mørk",
    "sti",
    "busk",
    "skjuler",
    "udsyn",
    "hærværk",
    "graffiti",
    "affald",
    "knust",
    "glas",
    "cykelsti",
    "hul",
    "i",
    "asfalten",
    "bænk",
    "ødelagt",
    "tunnel",
    "utryg",
    "om",
    "aftenen",
    "parkeringsplads",
    "legeplads",
    "trappe",
    "belysning",
    "mangler",
    "hæk",
    "skal",
    "klippes",
]


def area_cells() -> list[tuple[float, float, float, float]]:
    cols, rows = 5, 4
    dlat, dlon = (NORTH - SOUTH) / rows, (EAST - WEST) / cols
    cells = []
    for r in range(rows):
        for c in range(cols):
            s, w = SOUTH + r * dlat, WEST + c * dlon
            cells.append((s, w, s + dlat, w + dlon))
    return cells


def generate(n_obs: int, now: datetime, seed: int = 6):
    """Plain tuples for walks, issues and observations (ids given, so links are known)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    start = now - timedelta(days=365 * YEARS)
    span = (now - start).total_seconds()
    cells = area_cells()
    walks = []  # (id, area_index, starts_at)
    wid = 1000
    for a in range(AREAS):
        for y in range(YEARS):
            for k in range(WALKS_PER_AREA_YEAR):
                wid += 1
                when = start + timedelta(days=365 * y + 60 + 70 * k, hours=17)
                walks.append((wid, a, min(when, now - timedelta(days=1))))
    walks_by_area = [[w for w in walks if w[1] == a] for a in range(AREAS)]

    n_issues = n_obs // 5
    issues = []
    for i in range(n_issues):
        a = rng.randrange(AREAS)
        s, w, n, e = cells[a]
        frac = rng.random() ** 0.7  # more recent data than old
        created = start + timedelta(seconds=span * frac)
        recent = (now - created).days < 120
        status = rng.choices(ISSUE_STATUSES, OPEN_WEIGHTS if recent else CLOSED_WEIGHTS)[0]
        due = created + timedelta(days=30) if status in ("forwarded", "in_progress") else None
        issues.append(
            (
                1_000_000 + i,
                a,
                created,
                status,
                rng.choice(CATEGORIES),
                rng.uniform(s, n),
                rng.uniform(w, e),
                rng.choice(PRIORITIES),
                due,
            )
        )
    observations = []
    for i in range(n_obs):
        if i < n_obs // 2:  # half of the observations are in issues (2.5 per issue)
            iss = issues[i % n_issues]
            issue_id, a, created = iss[0], iss[1], iss[2] - timedelta(minutes=rng.randrange(600))
            category, lat, lon = iss[4], iss[5] + rng.gauss(0, 1e-4), iss[6] + rng.gauss(0, 1e-4)
        else:
            issue_id = None
            a = rng.randrange(AREAS)
            s, w, n, e = cells[a]
            frac = rng.random() ** 0.7
            created = start + timedelta(seconds=span * frac)
            category, lat, lon = rng.choice(CATEGORIES), rng.uniform(s, n), rng.uniform(w, e)
        walk = rng.choice(walks_by_area[a])
        text_ = " ".join(rng.choices(WORDS, k=rng.randrange(3, 12)))
        observations.append(
            (
                2_000_000 + i,
                walk[0],
                category,
                rng.randrange(1, 6),
                rng.randrange(1, 6),
                text_,
                lat,
                lon,
                issue_id,
                a,
                created,
            )
        )
    return cells, walks, issues, observations
