"""Settings of the service and the store.

Sources, later ones winning: built-in defaults < the TOML file named by `--config` / `REVIEWER_CONFIG`
(keys as below, lower case, top level or under a `[reviewer]` table) < `REVIEWER_*` environment
variables (`REVIEWER_DATABASE_URL`, `REVIEWER_SECRET_KEY`, `REVIEWER_BROKER_URL`,
`REVIEWER_UPLOAD_LIMIT`, `REVIEWER_ALLOWED_NETWORKS` (comma separated), `REVIEWER_INSTANCE_PATH`).

The instance folder defaults to `./instance` under the current directory (the same folder Flask
uses for an app defined in the project's top-level `service.py`); the default database is the
SQLite file `<instance>/reviewer.sqlite3`. Without a configured secret key one is generated once
and kept in `<instance>/secret_key` (mode 0600), so sessions survive a restart.
"""
from __future__ import annotations

import ipaddress
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_UPLOAD_LIMIT = 50 * 1024 * 1024
ENV_PREFIX = "REVIEWER_"
KEYS = ("database_url", "secret_key", "broker_url", "upload_limit", "allowed_networks", "instance_path")


class ConfigError(ValueError):
    """A bad setting; the message is one line in Chinese."""


@dataclass
class Settings:
    instance_path: Path
    database_url: str
    secret_key: str | None = None
    broker_url: str | None = None
    upload_limit: int = DEFAULT_UPLOAD_LIMIT
    # networks an administrator allowed as URL targets despite the SSRF guard, e.g. ["10.1.0.0/16"]
    allowed_networks: list[str] = field(default_factory=list)

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(n, strict=False) for n in self.allowed_networks]

    def ensure_secret_key(self) -> str:
        """The configured secret key, else one kept in the instance folder (created on first use)."""
        if self.secret_key:
            return self.secret_key
        path = self.instance_path / "secret_key"
        if path.exists():
            self.secret_key = path.read_text().strip()
        else:
            self.instance_path.mkdir(parents=True, exist_ok=True)
            key = secrets.token_urlsafe(48)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(key)
            self.secret_key = key
        return self.secret_key


def _read_toml(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"配置文件不存在：{path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"配置文件 {path} 格式错误：{e}") from None
    if isinstance(data.get("reviewer"), dict):
        data = {**data, **data["reviewer"]}
    return {k: v for k, v in data.items() if k in KEYS}


def load_settings(config_file: str | None = None, env: dict | None = None) -> Settings:
    """Build the Settings from defaults, the TOML file and the environment (see module doc)."""
    env = os.environ if env is None else env
    values: dict = {}
    path = config_file or env.get(ENV_PREFIX + "CONFIG")
    if path:
        values.update(_read_toml(path))
    for key in KEYS:
        v = env.get(ENV_PREFIX + key.upper())
        if v not in (None, ""):
            values[key] = v
    instance = Path(values.get("instance_path") or Path.cwd() / "instance").expanduser().resolve()
    url = values.get("database_url") or f"sqlite:///{instance / 'reviewer.sqlite3'}"
    nets = values.get("allowed_networks") or []
    if isinstance(nets, str):
        nets = [n.strip() for n in nets.split(",") if n.strip()]
    for n in nets:
        try:
            ipaddress.ip_network(n, strict=False)
        except ValueError:
            raise ConfigError(f"allowed_networks 中的网段无效：{n}") from None
    try:
        limit = int(values.get("upload_limit", DEFAULT_UPLOAD_LIMIT))
    except (TypeError, ValueError):
        raise ConfigError("upload_limit 必须是字节数（整数）") from None
    if limit <= 0:
        raise ConfigError("upload_limit 必须大于 0")
    return Settings(instance_path=instance, database_url=str(url), secret_key=values.get("secret_key") or None,
                    broker_url=values.get("broker_url") or None, upload_limit=limit, allowed_networks=list(nets))
