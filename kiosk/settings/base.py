"""The base every settings section derives from: frozen, unknown keys refused."""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A table of the configuration file. Unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
