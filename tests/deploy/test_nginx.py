"""deploy/nginx/cooperage.conf passes `nginx -t` with the nginx of Debian 12 (1.22) and newer.

The site file is tested as an operator installs it: inside nginx's http block, next to
mime.types, with its placeholders (certificate, key, static root, ACME root) pointed at real
files in a temporary prefix. `nginx -t` parses and checks the whole configuration, loading the
certificate, without binding the ports.
"""

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.nginx

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "cooperage.conf"
PLACEHOLDERS = {
    "/etc/ssl/cooperage/fullchain.pem": "cert/fullchain.pem",
    "/etc/ssl/cooperage/privkey.pem": "cert/privkey.pem",
    "/opt/cooperage/var/static/": "static/",
    "/var/www/letsencrypt": "letsencrypt",
}


def nginx_test(prefix: Path, site_text: str) -> subprocess.CompletedProcess:
    for placeholder, relative in PLACEHOLDERS.items():
        site_text = site_text.replace(placeholder, str(prefix / relative))
    (prefix / "cooperage.conf").write_text(site_text)
    (prefix / "nginx.conf").write_text(
        f"""
        pid {prefix}/nginx.pid;
        error_log {prefix}/error.log;
        events {{}}
        http {{
            include /etc/nginx/mime.types;
            access_log off;
            include {prefix}/cooperage.conf;
        }}
        """
    )
    return subprocess.run(
        ["/usr/sbin/nginx", "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def prefix(tmp_path):
    for directory in ("cert", "static", "letsencrypt", "logs"):
        (tmp_path / directory).mkdir()
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=coop.example.org",
            "-keyout", str(tmp_path / "cert" / "privkey.pem"),
            "-out", str(tmp_path / "cert" / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return tmp_path


def test_the_site_configuration_passes_nginx_t(prefix):
    result = nginx_test(prefix, SITE.read_text())
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    assert "test is successful" in result.stderr


def test_the_check_would_catch_a_broken_site_file(prefix):
    broken = SITE.read_text().replace("client_max_body_size 6m;", "client_max_body_size;")
    result = nginx_test(prefix, broken)
    assert result.returncode != 0
    assert "client_max_body_size" in result.stderr


def test_the_upload_limit_admits_the_largest_hours_import():
    """The import page accepts files up to its limit; nginx must not refuse them first (413)."""
    from coop.hours.importing import MAX_IMPORT_BYTES

    limit = SITE.read_text().split("client_max_body_size ")[1].split(";")[0]
    assert limit.endswith("m"), limit
    assert int(limit[:-1]) * 1024 * 1024 > MAX_IMPORT_BYTES
