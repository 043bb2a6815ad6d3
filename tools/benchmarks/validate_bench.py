"""`make validate-bench`: the catch rate of the offline checks on realistic mistakes, and `make validate`'s wall time.

The mistakes are glueflow.iac.mutations' catalogue, each applied to a copy of the repo; the timing runs
`glueflow validate --env dev --terraform` (what `make validate ENV=dev` runs) on this tree, once cold (build/iac/
removed: mirror, shadow trees and Terraform inits rebuilt) and once warm. JSON in build/bench/validate.json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from glueflow.iac.mutations import KINDS, MUTATIONS, catch_rate, mutation_runner

REPO = Path(__file__).resolve().parents[2]


def time_validate(env: str = "dev") -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", "validate", "--env", env, "--terraform"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"make validate ENV={env} failed on the clean tree:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def main() -> int:
    shutil.rmtree(REPO / "build" / "iac", ignore_errors=True)
    cold = time_validate()
    warm = time_validate()
    print("make validate ENV=dev (real terraform validate + plan of root, bootstrap, every example; 3 env plans)")
    print(f"  cold {cold:6.1f} s   warm {warm:6.1f} s")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, mutation_runner(REPO, Path(tmp)) as runner:
        outcomes = []
        for mutation in MUTATIONS:
            outcome = runner.run(mutation)
            outcomes.append(outcome)
            mark = "caught" if outcome.caught else "MISSED"
            where = outcome.catching()[0].render()[:110] if outcome.caught else ""
            print(f"  {mark:7} {mutation.kind:6} {mutation.name:38} {outcome.seconds:5.1f}s  {where}")
    rates = catch_rate(outcomes)
    caught = sum(c for c, _ in rates.values())
    print(f"catch rate ({time.perf_counter() - started:.0f} s for {len(outcomes)} mutations):")
    for kind in KINDS:
        got, tried = rates[kind]
        print(f"  {kind:7} {got:3}/{tried:<3} {100 * got / max(tried, 1):5.1f}%")
    print(f"  total   {caught:3}/{len(outcomes):<3} {100 * caught / len(outcomes):5.1f}%")
    # What the checks that existed before real Terraform (spec, fmt, schema, conventions) would have caught alone.
    static = sum(any(f.check not in ("terraform", "plan-vs-runtime") for f in o.catching()) for o in outcomes)
    print(f"  without terraform validate/plan and plan-vs-runtime: {static}/{len(outcomes)}")
    out = REPO / "build" / "bench" / "validate.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "validate_seconds": {"cold": round(cold, 2), "warm": round(warm, 2)},
        "catch_rate": {kind: {"caught": c, "tried": t} for kind, (c, t) in rates.items()},
        "missed": [o.mutation.name for o in outcomes if not o.caught],
        "caught_without_terraform": static,
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if caught == len(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
