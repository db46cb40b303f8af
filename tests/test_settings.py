"""Settings from the environment: defaults, regions, URL overrides, one-line errors, secrets hidden."""

from __future__ import annotations

import pytest

from timbot.errors import ConfigError
from timbot.settings import REGION_DOMAINS, load_settings

ENV = ("SLACK_", "TIM_", "TIMBOT_", "PORT")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    import os

    for name in list(os.environ):
        if name.startswith(ENV):
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults_of_the_contract() -> None:
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.tim_admin == "administrator"
    assert settings.tim_region == "china" and settings.tim_url == "https://console.tim.qq.com"
    assert settings.timbot_allow_guests is False and settings.timbot_cache_ttl == 30
    assert settings.port == 3000
    assert settings.allowed_users == frozenset() and settings.allowed_channels == frozenset()


@pytest.mark.parametrize(
    ("region", "domain"),
    [
        ("china", "console.tim.qq.com"),
        ("singapore", "adminapisgp.im.qcloud.com"),
        ("seoul", "adminapikr.im.qcloud.com"),
        ("tokyo", "adminapijpn.im.qcloud.com"),
        ("frankfurt", "adminapiger.im.qcloud.com"),
        ("india", "adminapiind.im.qcloud.com"),
        ("silicon-valley", "adminapiusa.im.qcloud.com"),
        ("jakarta", "adminapiidn.im.qcloud.com"),
    ],
)
def test_each_region_calls_its_data_centre(clean_env: pytest.MonkeyPatch, region: str, domain: str) -> None:
    clean_env.setenv("TIM_REGION", region)
    assert load_settings().tim_url == f"https://{domain}"
    assert REGION_DOMAINS[region][0] == domain


def test_base_url_overrides_the_region_and_urls_are_normalised(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TIM_REGION", "frankfurt")
    clean_env.setenv("TIM_BASE_URL", "http://127.0.0.1:8080/")
    clean_env.setenv("SLACK_API_URL", "https://slack-gov.com/api")
    settings = load_settings()
    assert settings.tim_url == "http://127.0.0.1:8080"
    assert settings.slack_api_url == "https://slack-gov.com/api/"  # slack_sdk appends method names


def test_empty_values_count_as_unset(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TIM_BASE_URL", "")
    clean_env.setenv("SLACK_API_URL", "")
    settings = load_settings()
    assert settings.tim_url == "https://console.tim.qq.com"
    assert settings.slack_api_url == "https://slack.com/api/"


def test_allow_lists_are_comma_separated(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TIMBOT_ALLOWED_USERS", " U1, U2 ,,U3")
    clean_env.setenv("TIMBOT_ALLOWED_CHANNELS", "C1")
    clean_env.setenv("TIMBOT_ALLOW_GUESTS", "true")
    settings = load_settings()
    assert settings.allowed_users == {"U1", "U2", "U3"} and settings.allowed_channels == {"C1"}
    assert settings.timbot_allow_guests is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIM_SDKAPPID", "abc"),
        ("TIM_SDKAPPID", "0"),
        ("TIM_REGION", "mars"),
        ("TIM_BASE_URL", "console.tim.qq.com"),
        ("SLACK_API_URL", "ftp://slack.com/api/"),
        ("PORT", "http"),
        ("TIMBOT_ALLOW_GUESTS", "maybe"),
        ("TIMBOT_CACHE_TTL", "-1"),
        ("TIMBOT_LANGUAGE", "fr"),
        ("TIMBOT_LANGUAGE", "ja-JP"),
    ],
)
def test_a_malformed_value_is_one_line_naming_the_variable(
    clean_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(ConfigError) as failed:
        load_settings()
    assert failed.value.variable == name
    assert str(failed.value).startswith(f"{name}: ") and "\n" not in str(failed.value)


def test_required_values_are_named_and_secrets_never_shown(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TIM_SECRET_KEY", "k" * 64)
    clean_env.setenv("SLACK_BOT_TOKEN", "xoxb-secret-token-value")
    settings = load_settings()
    with pytest.raises(ConfigError, match=r"^TIM_SDKAPPID: is required"):
        settings.require("tim_secret_key", "tim_sdkappid")
    shown = repr(settings) + str(settings)
    assert "k" * 64 not in shown and "xoxb-secret-token-value" not in shown
    clean_env.setenv("TIM_SECRET_KEY", "")
    with pytest.raises(ConfigError, match=r"^TIM_SECRET_KEY: is required"):
        load_settings().require("tim_secret_key")


@pytest.mark.parametrize(("value", "lang"),
                         [("", ""), ("ja", "ja"), ("KO", "ko"), (" zh ", "zh"), ("en", "en")])
def test_timbot_language(clean_env: pytest.MonkeyPatch, value: str, lang: str) -> None:
    clean_env.setenv("TIMBOT_LANGUAGE", value)
    assert load_settings().timbot_language == lang
