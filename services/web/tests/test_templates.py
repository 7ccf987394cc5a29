"""The templates: every Indonesian text has its English, and no page carries an inline script."""

from __future__ import annotations

import re
from pathlib import Path

from services.web.i18n import EN, STATUS_LABELS

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _template_texts() -> set[str]:
    texts: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        texts.update(re.findall(r'_\("([^"]+)"\)', source))
        texts.update(re.findall(r"_\('([^']+)'\)", source))
        # notices and field labels kept in dicts of the templates, shown through _()
        for block in re.findall(r"\{% set (?:notices|field_labels|state_labels|judge_labels) = \{(.*?)\} %\}", source):
            texts.update(re.findall(r':\s*"([^"]+)"', block))
    return texts


def test_every_indonesian_text_of_the_templates_has_its_english() -> None:
    missing = sorted(text for text in _template_texts() if text not in EN)
    assert missing == []


def test_every_status_label_has_its_english() -> None:
    assert sorted(label for label in STATUS_LABELS.values() if label not in EN) == []


def test_every_idea_status_the_api_sends_has_a_label_and_no_other_does() -> None:
    # The submission service's IdeaStatus values (the web front may not import it): `not_eligible`, never
    # `ineligible`.
    api_statuses = {"draft", "submitted", "eligible", "not_eligible", "withdrawn"}
    assert api_statuses <= STATUS_LABELS.keys()
    assert "ineligible" not in STATUS_LABELS
    assert (STATUS_LABELS["eligible"], STATUS_LABELS["not_eligible"]) == ("Lolos seleksi", "Tidak lolos seleksi")
    css = (TEMPLATES.parent / "static" / "css" / "audisi.css").read_text(encoding="utf-8")
    assert ".tag-not_eligible" in css
    assert "ineligible" not in css


def test_no_template_has_an_inline_script_or_style_attribute() -> None:
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script[^>]*>", source):
            if "src=" not in tag:
                offenders.append(f"{path.name}: {tag}")
        if re.search(r"\son[a-z]+=", source) or re.search(r"\sstyle=", source):
            offenders.append(f"{path.name}: inline handler or style")
    assert offenders == []
