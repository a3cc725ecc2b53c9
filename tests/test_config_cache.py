"""chronicle.yaml's parsed YAML is kept beside the catalog, so a command need not load
the YAML library: the same config as parsing it, and parsed afresh whenever the text
differs, the kept copy is unreadable, or it cannot be kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from chronicle import config as config_module
from chronicle.config import PARSED_CONFIG_NAME, find_chronicle, load_config
from chronicle.errors import ConfigError


def parsed_freshly(path: Path) -> object:
    import yaml

    return config_module.config_from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_the_kept_parse_gives_the_same_config(chronicle_root: Path) -> None:
    path = chronicle_root / "chronicle.yaml"
    first = load_config(path)
    assert (chronicle_root / "index" / PARSED_CONFIG_NAME).is_file()
    assert load_config(path) == first == parsed_freshly(path)


def test_no_yaml_is_loaded_when_the_text_is_the_same(
        chronicle_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = chronicle_root / "chronicle.yaml"
    expected = load_config(path)
    monkeypatch.setitem(sys.modules, "yaml", None)  # importing it would fail
    assert load_config(path) == expected


def test_an_edited_config_is_read_afresh(chronicle_root: Path) -> None:
    path = chronicle_root / "chronicle.yaml"
    load_config(path)
    path.write_text(path.read_text(encoding="utf-8").replace("Test chronicle", "Renamed"),
                    encoding="utf-8")
    assert load_config(path).title == "Renamed"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"chronicle.yaml:2"):
        load_config(path)
    path.write_text("names: [a, b]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'names' must map"):
        load_config(path)
    with pytest.raises(ConfigError, match="'names' must map"):
        load_config(path)  # the kept parse is checked as the fresh one is


@pytest.mark.parametrize("kept", [b"", b"garbage", b"\xe9\x00\x01", None])
def test_an_unreadable_kept_parse_is_ignored(chronicle_root: Path, kept: bytes | None) -> None:
    import marshal

    path = chronicle_root / "chronicle.yaml"
    expected = load_config(path)
    cache = chronicle_root / "index" / PARSED_CONFIG_NAME
    cache.write_bytes(marshal.dumps(("other text", {"title": "Wrong"})) if kept is None
                      else kept)
    assert load_config(path) == expected
    assert load_config(path) == expected


def test_values_marshal_cannot_keep_are_parsed_each_time(chronicle_root: Path) -> None:
    path = chronicle_root / "chronicle.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "since: 2014-04-17\n",
                    encoding="utf-8")
    cache = chronicle_root / "index" / PARSED_CONFIG_NAME
    cache.unlink(missing_ok=True)
    first = load_config(path)
    assert not cache.exists()
    assert load_config(path) == first


def test_nothing_is_written_without_an_index_folder(tmp_path: Path) -> None:
    (tmp_path / "chronicle.yaml").write_text("title: Bare\n", encoding="utf-8")
    (tmp_path / "entries").mkdir()
    assert find_chronicle(tmp_path).config.title == "Bare"
    assert not (tmp_path / "index").exists()
