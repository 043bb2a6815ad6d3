"""Settings resolve once, in one order: flag, environment variable, env file, default."""

from __future__ import annotations

from pathlib import Path

import pytest

from glueflow.errors import GlueflowError
from glueflow.settings import VARIABLES, Settings
from glueflow.spec import load_deployment


def test_state_dir_flag_beats_variable_beats_env_file_beats_default(project: Path) -> None:
    env = load_deployment("local", root=project).env
    env_file = env.model_copy(update={"local": env.local.model_copy(update={"state_dir": "from-file"})})
    default = env.model_copy(update={"local": env.local.model_copy(update={"state_dir": None})})

    assert Settings.from_environ({}).state_dir_of(default, project) == project / ".glueflow" / "local"
    assert Settings.from_environ({}).state_dir_of(env_file, project) == project / "from-file"
    from_variable = Settings.from_environ({"GLUEFLOW_STATE_DIR": "/tmp/var-state"})
    assert from_variable.state_dir_of(env_file, project) == Path("/tmp/var-state")
    from_flag = Settings.from_environ({"GLUEFLOW_STATE_DIR": "/tmp/var-state"}, state_dir=Path("flag-state"))
    assert from_flag.state_dir_of(env_file, project) == project / "flag-state"


def test_a_deployment_carries_the_settings_it_was_loaded_with(project: Path) -> None:
    settings = Settings.from_environ({}, state_dir=Path("/tmp/elsewhere"), jit="c1")
    deployment = load_deployment("local", root=project, settings=settings)
    assert deployment.settings is settings
    assert deployment.state_dir == Path("/tmp/elsewhere")


def test_switches_and_numbers_parse_the_way_the_docs_say() -> None:
    quiet = Settings.from_environ({"GLUEFLOW_BACKGROUND": "off", "CI": "true", "GLUEFLOW_BACKGROUND_IDLE": "60"})
    assert (quiet.background, quiet.ci, quiet.background_idle_seconds) == (False, True, 60.0)
    plain = Settings.from_environ({"CI": "0", "GLUEFLOW_SPARK_CDS": "OFF", "GLUEFLOW_JIT": "Tiered"})
    assert (plain.background, plain.ci, plain.spark_cds, plain.jit) == (True, False, False, "tiered")
    with pytest.raises(GlueflowError, match="GLUEFLOW_BACKGROUND_IDLE='soon' is not a number of seconds"):
        Settings.from_environ({"GLUEFLOW_BACKGROUND_IDLE": "soon"})


def test_every_setting_has_its_variable_and_unknown_flags_are_refused() -> None:
    assert set(VARIABLES) == set(Settings.__dataclass_fields__)
    with pytest.raises(TypeError, match="unknown settings"):
        Settings.from_environ({}, statedir="x")
