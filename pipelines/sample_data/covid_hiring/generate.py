"""Generate the covid_hiring sample data deterministically (the same bytes on every machine).

    python pipelines/sample_data/covid_hiring/generate.py

- us_covid_cases_by_state.csv: date,state,cases,deaths — cumulative counts per state, shaped like the
  NYT/Enigma "COVID-19 cases in the USA" dataset of the Registry of Open Data: a spring 2020 wave, a summer wave
  and a winter wave, each state with its own size and timing.
- hiring_rate_by_industry.csv: date,industry,hiring_rate — shaped like LinkedIn's hiring-rate index (1.0 = the
  2019 baseline): a collapse in April 2020 and an uneven recovery, industry by industry, with weekday noise.
The two cover different date ranges on purpose (hiring starts earlier and ends earlier), so the join on date
is a real inner join.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 2020
STATES = {"CA": (39.5, 0), "NY": (19.5, -25), "TX": (29.0, 10), "FL": (21.5, 12), "WA": (7.6, -30)}
INDUSTRIES = {
    "Technology": (0.45, 1.08),
    "Healthcare": (0.30, 1.02),
    "Retail": (0.60, 0.97),
    "Hospitality": (0.75, 0.86),
}
WAVES = ((dt.date(2020, 4, 10), 18, 0.6), (dt.date(2020, 7, 20), 20, 1.0), (dt.date(2021, 1, 8), 25, 2.2))


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _daily_cases(day: dt.date, population_m: float, shift: int, rng: random.Random) -> int:
    rate = 0.0
    for peak, width, height in WAVES:
        offset = (day - peak).days - shift
        rate += height * math.exp(-((offset / width) ** 2))
    return max(0, round(population_m * 60 * rate * rng.uniform(0.85, 1.15)))


def cases_rows() -> list[list[object]]:
    rng = random.Random(SEED)
    totals = {state: [0, 0] for state in STATES}
    rows: list[list[object]] = []
    for day in _days(dt.date(2020, 3, 1), dt.date(2021, 2, 28)):
        for state, (population_m, shift) in STATES.items():
            new = _daily_cases(day, population_m, shift, rng)
            totals[state][0] += new
            totals[state][1] += round(new * rng.uniform(0.012, 0.022))
            rows.append([day.isoformat(), state, totals[state][0], totals[state][1]])
    return rows


def hiring_rows() -> list[list[object]]:
    rng = random.Random(SEED + 1)
    rows: list[list[object]] = []
    crash = dt.date(2020, 4, 12)
    for day in _days(dt.date(2020, 2, 1), dt.date(2021, 1, 31)):
        weekday = 0.92 if day.weekday() >= 5 else 1.0
        for industry, (drop, recovered) in INDUSTRIES.items():
            since = (day - crash).days
            if since < -30:
                level = 1.0
            elif since < 0:
                level = 1.0 - drop * (since + 30) / 30
            else:
                level = (1.0 - drop) + (recovered - (1.0 - drop)) * (1 - math.exp(-since / 70))
            rate = level * weekday * rng.uniform(0.97, 1.03)
            rows.append([day.isoformat(), industry, f"{rate:.4f}"])
    return rows


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    write("us_covid_cases_by_state.csv", ["date", "state", "cases", "deaths"], cases_rows())
    write("hiring_rate_by_industry.csv", ["date", "industry", "hiring_rate"], hiring_rows())


if __name__ == "__main__":
    main()
