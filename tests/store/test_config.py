"""Settings from defaults, a TOML file and REVIEWER_* variables (the variables win)."""
from __future__ import annotations

import pytest

from reviewer.config import DEFAULT_UPLOAD_LIMIT, ConfigError, load_settings


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(env={})
    assert s.instance_path == tmp_path / "instance"
    assert s.database_url == f"sqlite:///{tmp_path / 'instance' / 'reviewer.sqlite3'}"
    assert s.upload_limit == DEFAULT_UPLOAD_LIMIT == 50 * 1024 * 1024
    assert s.secret_key is None and s.broker_url is None and s.allowed_networks == []


def test_toml_then_environment(tmp_path):
    cfg = tmp_path / "reviewer.toml"
    cfg.write_text('[reviewer]\ndatabase_url = "postgresql://u@db/x"\nsecret_key = "from-file"\n'
                   'upload_limit = 1048576\nallowed_networks = ["10.1.0.0/16"]\n'
                   f'instance_path = "{tmp_path / "inst"}"\n', encoding="utf-8")
    s = load_settings(env={"REVIEWER_CONFIG": str(cfg)})
    assert (s.database_url, s.secret_key, s.upload_limit) == ("postgresql://u@db/x", "from-file", 1048576)
    assert s.instance_path == tmp_path / "inst"
    assert [str(n) for n in s.networks()] == ["10.1.0.0/16"]
    s = load_settings(env={"REVIEWER_CONFIG": str(cfg), "REVIEWER_SECRET_KEY": "from-env",
                           "REVIEWER_ALLOWED_NETWORKS": "192.168.5.0/24, 127.0.0.1",
                           "REVIEWER_BROKER_URL": "redis://localhost:6379/0"})
    assert s.secret_key == "from-env" and s.allowed_networks == ["192.168.5.0/24", "127.0.0.1"]
    assert s.broker_url == "redis://localhost:6379/0" and s.database_url == "postgresql://u@db/x"


@pytest.mark.parametrize("env,message", [
    ({"REVIEWER_UPLOAD_LIMIT": "lots"}, "upload_limit"),
    ({"REVIEWER_UPLOAD_LIMIT": "0"}, "upload_limit"),
    ({"REVIEWER_ALLOWED_NETWORKS": "not-a-net"}, "网段无效"),
    ({"REVIEWER_CONFIG": "/nonexistent/reviewer.toml"}, "配置文件不存在"),
])
def test_bad_settings(env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


def test_secret_key_is_generated_once_and_kept(tmp_path):
    s = load_settings(env={"REVIEWER_INSTANCE_PATH": str(tmp_path)})
    key = s.ensure_secret_key()
    assert len(key) > 40 and (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_settings(env={"REVIEWER_INSTANCE_PATH": str(tmp_path)}).ensure_secret_key() == key
