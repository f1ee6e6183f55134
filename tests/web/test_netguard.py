"""The SSRF guard on its own: which addresses a checked URL may reach."""
from __future__ import annotations

import pytest

from reviewer.netguard import Blocked, check_url, parse_networks


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://localhost:8080/",
    "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.0.1/", "http://169.254.169.254/",
    "http://[::1]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/", "http://[fc00::1]/", "http://0.0.0.0/",
    "http://100.64.0.1/", "http://224.0.0.1/", "http://240.0.0.1/",
])
def test_internal_addresses_are_refused(url):
    with pytest.raises(Blocked) as e:
        check_url(url)
    assert "内部或保留" in str(e.value)


@pytest.mark.parametrize("url, message", [
    ("ftp://example.com/", "http"), ("file:///etc/passwd", "http"), ("gopher://127.0.0.1/", "http"),
    ("http://user:pw@example.com/", "用户名"), ("http:///nohost", "主机名"), ("http://[::1/", "格式"),
])
def test_bad_urls_are_refused(url, message):
    with pytest.raises(Blocked) as e:
        check_url(url)
    assert message in str(e.value)


def test_public_literal_passes_and_allowed_networks_open_internal_ones():
    assert check_url("http://8.8.8.8/").addresses == ["8.8.8.8"]
    nets = parse_networks("10.1.0.0/16, 127.0.0.1")
    assert check_url("http://10.1.2.3:8080/x", nets).port == 8080
    assert check_url("http://127.0.0.1/", nets).addresses == ["127.0.0.1"]
    with pytest.raises(Blocked):
        check_url("http://10.2.0.1/", nets)
    with pytest.raises(Blocked):
        check_url("http://127.0.0.2/", nets)


def test_bad_network_setting_is_an_error():
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/33")
