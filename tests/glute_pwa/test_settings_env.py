"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import run
from glute_pwa.env import env_bool, env_int, env_list, read_secret_file
from tests.glute_pwa.production import run_in_production

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_accepts_common_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", default=True) is False


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", default=False)


def test_env_int_rejects_non_numbers_and_small_values(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("N", 1, minimum=0)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_the_run_command_creates_the_secret_once_and_settings_read_it(tmp_path):
    path = tmp_path / "data" / "secret_key"
    assert read_secret_file(path) == ""
    assert run.ensure_secret_key(path) is True
    first = read_secret_file(path)
    assert len(first) >= 50
    assert run.ensure_secret_key(path) is False
    assert read_secret_file(path) == first
    assert path.stat().st_mode & 0o777 == 0o600


def _load_settings(
    env: dict[str, str], show: str = "settings.DATABASES['default']['ENGINE']"
) -> subprocess.CompletedProcess[str]:
    """Set Django up in a new process (settings, apps, models) and print ``show``."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "PRODUCTION"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({show})",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = _load_settings(
        {"PRODUCTION": "1", "ALLOWED_HOSTS": "minimus.example", "MINIMUS_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_bad_database_url_is_refused(tmp_path):
    result = _load_settings(
        {"DATABASE_URL": "nosuchdb://x", "MINIMUS_DATA_DIR": str(tmp_path), "SECRET_KEY": "k" * 50}
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL" in result.stderr


def test_without_database_url_sqlite_lives_in_the_data_folder(tmp_path):
    (tmp_path / "secret_key").write_text("a-local-key-" + "k" * 40)
    result = _load_settings({"MINIMUS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret_key"]


def test_the_secret_key_comes_from_the_data_folder_when_the_environment_has_none(tmp_path):
    (tmp_path / "secret_key").write_text("a-local-key-" + "k" * 40 + "\n")
    result = _load_settings({"MINIMUS_DATA_DIR": str(tmp_path)}, show="settings.SECRET_KEY")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a-local-key-" + "k" * 40


def test_loading_settings_in_a_fresh_data_folder_creates_nothing(tmp_path):
    data_dir = tmp_path / "fresh"
    result = _load_settings(
        {"MINIMUS_DATA_DIR": str(data_dir), "SECRET_KEY": "from-the-environment-" + "s" * 40},
        show="settings.SECRET_KEY",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-the-environment-" + "s" * 40
    assert not data_dir.exists()
    assert list(tmp_path.iterdir()) == []


def test_without_any_secret_key_settings_say_how_to_get_one_and_create_nothing(tmp_path):
    data_dir = tmp_path / "fresh"
    result = _load_settings({"MINIMUS_DATA_DIR": str(data_dir)})
    assert result.returncode != 0
    assert f"SECRET_KEY is not set and {data_dir / 'secret_key'} does not exist" in result.stderr
    assert "python3 run.py" in result.stderr
    assert not data_dir.exists()


def test_production_check_deploy_reports_nothing(tmp_path):
    result = run_in_production(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], data_dir=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_pgbouncer_in_transaction_mode_nothing_outlives_a_transaction(tmp_path):
    show = (
        "(lambda d: (d['CONN_MAX_AGE'], d['DISABLE_SERVER_SIDE_CURSORS'], d['OPTIONS']['prepare_threshold']))"
        "(settings.DATABASES['default'])"
    )
    env = {"DATABASE_URL": "postgres://app@127.0.0.1:6432/minimus", "SECRET_KEY": "k" * 50}
    env["MINIMUS_DATA_DIR"] = str(tmp_path)
    pooled = _load_settings({**env, "PGBOUNCER_TRANSACTION_MODE": "1"}, show=show)
    assert pooled.returncode == 0, pooled.stderr
    assert pooled.stdout.strip() == "(0, True, None)"
    direct = _load_settings(env, show="settings.DATABASES['default']['CONN_MAX_AGE']")
    assert direct.stdout.strip() == "60"


def test_an_unknown_log_format_is_refused(tmp_path):
    result = _load_settings({"LOG_FORMAT": "xml", "MINIMUS_DATA_DIR": str(tmp_path), "SECRET_KEY": "k" * 50})
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr
