"""The error every awsglue API we do not implement raises: it names the API and where the supported list is."""

from __future__ import annotations

from typing import Any, NoReturn

DOC = "docs/awsglue.md"


class UnsupportedGlueApiError(NotImplementedError):
    """An awsglue API (or an option of one) that glueflow's local layer does not implement."""

    def __init__(self, api: str, detail: str = "") -> None:
        self.api = api
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"{api} is not supported by glueflow's local awsglue layer{extra}; "
            f"the supported APIs and options are listed in {DOC}"
        )


def unsupported(api: str, detail: str = "") -> NoReturn:
    raise UnsupportedGlueApiError(api, detail)


def stub(api: str) -> Any:
    """A method that raises UnsupportedGlueApiError naming `api` when called (keeps Glue's name visible)."""

    def method(*_args: Any, **_kwargs: Any) -> NoReturn:
        unsupported(api)

    method.__name__ = api.rsplit(".", 1)[-1]
    method.__doc__ = f"Not supported locally: raises UnsupportedGlueApiError (see {DOC})."
    return method
