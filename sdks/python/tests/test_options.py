from __future__ import annotations

import logging

import pytest

import panoptic
from panoptic import Options


def test_from_env_reads_the_dotnet_names() -> None:
    o = Options.from_env({"PANOPTIC_ENDPOINT": "https://p.example.com/", "PANOPTIC_API_KEY": "pk_1", "PANOPTIC_SERVICE": "api",
                          "PANOPTIC_SAMPLE_RATE": "0.5", "PANOPTIC_HOSTS": "llm.internal:8443=openai, mail.internal=postmark",
                          "Panoptic__Export__BatchSize": "50", "Panoptic__Export__FlushInterval": "00:00:00.2",
                          "Panoptic__Export__MaxRetryDelay": "00:01:00", "Panoptic__Sampling__Providers__openai": "0.1",
                          "Panoptic__Sampling__Operations__openai/embeddings": "0.01", "Panoptic__Hosts__proxy.local": "anthropic"})
    assert (o.endpoint, o.api_key, o.service, o.batch_size, o.flush_interval, o.max_retry_delay) == \
        ("https://p.example.com", "pk_1", "api", 50, 0.2, 60.0)
    assert o.sampling.rate == 0.5 and o.sampling.providers == {"openai": 0.1} and o.sampling.operations == {"openai/embeddings": 0.01}
    assert o.hosts == {"llm.internal:8443": "openai", "mail.internal": "postmark", "proxy.local": "anthropic"}
    assert o.problems() == [] and "pk_1" not in repr(o)


def test_code_options_win_over_the_environment() -> None:
    o = Options.from_env({"PANOPTIC_SERVICE": "env", "PANOPTIC_SAMPLE_RATE": "0.5"}, service="code", sample_rate=0.25)
    assert o.service == "code" and o.sampling.rate == 0.25


def test_problems_lists_every_problem_by_setting_never_the_key() -> None:
    o = Options.from_env({"PANOPTIC_API_KEY": "pk with space", "PANOPTIC_SAMPLE_RATE": "2", "PANOPTIC_ENABLED": "maybe",
                          "Panoptic__Export__BatchSize": "lots", "PANOPTIC_HOSTS": "nohost="})
    problems = " ".join(o.problems())
    for expected in ("PANOPTIC_ENDPOINT) is missing", "PANOPTIC_API_KEY) contains whitespace", "PANOPTIC_SAMPLE_RATE",
                     "PANOPTIC_ENABLED) must be true or false", "BatchSize must be a whole number", "PANOPTIC_HOSTS"):
        assert expected in problems
    assert "pk with space" not in problems


def test_endpoint_with_credentials_is_rejected_without_showing_them() -> None:
    o = Options.from_env({"PANOPTIC_ENDPOINT": "https://user:hunter2@p.example.com", "PANOPTIC_API_KEY": "k"})
    assert "hunter2" not in " ".join(o.problems()) and o.endpoint is None


def test_init_bad_configuration_is_one_log_line_not_a_crash(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANOPTIC_API_KEY", "pk_secret_123")
    monkeypatch.setenv("PANOPTIC_ENDPOINT", "not a url")
    with caplog.at_level(logging.INFO, logger="panoptic"):
        assert panoptic.init() is None
    assert len(caplog.records) == 1 and "the SDK is off" in caplog.text and "pk_secret_123" not in caplog.text
    panoptic.track("openai")  # still a no-op, never an error


def test_init_wrong_export_value_keeps_the_sdk_on_with_the_default(caplog: pytest.LogCaptureFixture) -> None:
    from fakes import Collect
    exporter = panoptic.init(transport=Collect(), batch_size=0)
    assert exporter is not None and exporter._batch_size == 500
    assert "the defaults are used" in caplog.text


def test_init_with_nothing_configured_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PANOPTIC_ENDPOINT", "PANOPTIC_API_KEY", "PANOPTIC_OUTPUT"):
        monkeypatch.delenv(name, raising=False)
    assert panoptic.init() is None and not panoptic.is_enabled()
    assert panoptic.init(enabled=False, output="console") is None


def test_init_unknown_keyword_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    assert panoptic.init(endpont="typo") is None
    assert "endpont" in caplog.text
