"""Configuration from the environment (pydantic-settings), with the Tencent region table."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from timbot.bodylimit import DEFAULT_MAX_BODY
from timbot.errors import ConfigError

Region = Literal["china", "singapore", "seoul", "tokyo", "frankfurt", "india", "silicon-valley", "jakarta"]

#: Primary and backup REST domains of each Tencent Cloud Chat data centre (Tencent's REST API overview page).
REGION_DOMAINS: dict[str, tuple[str, str]] = {
    "china": ("console.tim.qq.com", "adminapi.my-imcloud.com"),
    "singapore": ("adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com"),
    "seoul": ("adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com"),
    "tokyo": ("adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com"),
    "frankfurt": ("adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com"),
    "india": ("adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com"),
    "silicon-valley": ("adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com"),
    "jakarta": ("adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com"),
}


def _split_ids(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


class Settings(BaseSettings):
    """Every variable of the README's configuration table; secrets are ``SecretStr`` and never printed.

    Field names are the environment variable names in lower case (``TIM_SDKAPPID`` -> ``tim_sdkappid``).
    """

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", hide_input_in_errors=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    tim_sdkappid: int | None = Field(default=None, ge=1, le=4_294_967_295)
    tim_secret_key: SecretStr | None = None
    tim_admin: str = Field(default="administrator", min_length=1, max_length=32)
    tim_region: Region = "china"
    tim_base_url: str | None = None

    timbot_allowed_users: str = ""
    timbot_allowed_channels: str = ""
    timbot_allow_guests: bool = False
    timbot_cache_ttl: float = Field(default=30.0, ge=0, le=3600)
    #: whether answers carry a Share button (post the page in the channel)
    timbot_allow_share: bool = True
    #: CSV exports walked at once by one process (the others wait, queued)
    timbot_export_limit: int = Field(default=2, ge=1, le=16)
    #: seconds without a heartbeat after which a queued export's job counts as abandoned (its worker was
    #: killed) and is run again by the next worker
    timbot_export_heartbeat: int = Field(default=30, ge=2, le=600)
    #: seconds a stopping ``timbot worker`` lets its exports finish; then they are cancelled and put back
    #: on the queue (without using a try), and the next worker runs them again from the start
    timbot_worker_grace: int = Field(default=20, ge=0, le=600)
    #: the largest request body accepted, in bytes (Slack's payloads are far smaller); 413 above it
    timbot_max_body: int = Field(default=DEFAULT_MAX_BODY, ge=65_536, le=1_073_741_824)
    #: ``timbot socket``: seconds before the first new attempt when Slack cannot be reached (doubled after
    #: each failed one, up to 30 s)
    timbot_socket_backoff: float = Field(default=1.0, gt=0, le=30)

    #: ``DEBUG`` shows every Tencent call; the audit lines are ``INFO``
    timbot_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: ``json``: one JSON object a line, for log platforms
    timbot_log_format: Literal["text", "json"] = "text"

    #: Redis shared by every process (rate budget, answer cache, access checks, export queue); a
    #: ``redis://`` or ``rediss://`` URL, secret since it may hold a password. Unset: all in-process.
    redis_url: SecretStr | None = None
    #: prefix of every key timbot writes to Redis (the SDKAppID follows it)
    timbot_redis_prefix: str = Field(default="timbot:", min_length=1, max_length=64)
    #: the language of every answer (``en``, ``ja``, ``ko``, ``zh``, any case); empty: each user's locale
    timbot_language: Literal["", "en", "ja", "ko", "zh"] = ""

    port: int = Field(default=3000, ge=1, le=65535)

    @field_validator("timbot_log_level", "timbot_log_format", "timbot_language", mode="before")
    @classmethod
    def _any_case(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "timbot_log_level" else value.strip().lower()

    @field_validator("slack_api_url", "tim_base_url")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or value == "":  # set but empty: as if unset
            return "https://slack.com/api/" if info.field_name == "slack_api_url" else None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        # slack_sdk joins method names onto the API URL, so it keeps one trailing slash; the Tencent
        # base URL gets paths that start with one, so it keeps none
        return value.rstrip("/") + ("/" if info.field_name == "slack_api_url" else "")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():  # set but empty: as if unset
            return None
        if not value.get_secret_value().strip().startswith(("redis://", "rediss://")):
            raise ValueError("must start with redis:// or rediss://")
        return SecretStr(value.get_secret_value().strip())

    @property
    def tim_url(self) -> str:
        """The base URL every Tencent call goes to: ``TIM_BASE_URL`` or the region's primary domain."""
        if self.tim_base_url:
            return self.tim_base_url
        return f"https://{REGION_DOMAINS[self.tim_region][0]}"

    @property
    def allowed_users(self) -> frozenset[str]:
        """Slack user IDs allowed to use timbot; empty means everyone (who passes the other checks)."""
        return _split_ids(self.timbot_allowed_users)

    @property
    def allowed_channels(self) -> frozenset[str]:
        """Channel IDs where timbot answers; empty means any channel."""
        return _split_ids(self.timbot_allowed_channels)

    def missing(self, *names: str) -> list[str]:
        """The variables of ``names`` (field names) that are unset or empty, in that order."""
        found = []
        for name in names:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if value is None or value == "":
                found.append(name.upper())
        return found

    def require(self, *names: str) -> None:
        """Raise one ``ConfigError`` naming every one of ``names`` (field names) that is unset or empty."""
        absent = self.missing(*names)
        if absent:
            why = "is required but not set"
            raise ConfigError(absent[0], why, more=[(name, why) for name in absent[1:]])


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, turning a validation failure into one ``ConfigError``.

    Args:
        overrides: values that win over the environment (used by the CLI and tests).

    Raises:
        ConfigError: naming the first malformed variable, never echoing its value.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except SettingsError as exc:  # a value pydantic-settings could not even decode (e.g. not JSON)
        field = re.search(r'field "([^"]+)"', str(exc))
        raise ConfigError(field.group(1).upper() if field else "settings", "cannot be read") from None
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            variable = str(error["loc"][0]).upper() if error["loc"] else "settings"
            problems.setdefault(variable, error["msg"].lower())
        (first, why), *more = problems.items()
        raise ConfigError(first, why, more=more) from None
