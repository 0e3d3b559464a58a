import pytest

from core.pdf import JapaneseFontMissing, ensure_japanese_font

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_fonts(tmp_path, monkeypatch):
    """A fontconfig that knows no fonts at all, as on a machine without fonts-noto-cjk."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path}</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))


def test_without_a_japanese_font_rendering_refuses_and_names_the_package(no_fonts):
    with pytest.raises(JapaneseFontMissing, match="fonts-noto-cjk"):
        ensure_japanese_font()
