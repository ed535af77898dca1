"""User text may not carry class or style attributes: a class can borrow the application's own styles
(an invisible overlay, a fake button or banner) and style can do the same directly."""
from tracker.core.markdown import render, sanitize


def test_user_class_and_style_attributes_are_removed():
    html = str(render('<a href="https://example.jp" class="flash error" style="position:fixed">x</a> '
                      '<span class="btn" style="color:red">y</span> <code class="x">z</code> <p style="display:none">p</p>'))
    assert "class=" not in html
    assert "style=" not in html
    assert 'href="https://example.jp"' in html and "y" in html and "z" in html


def test_the_applications_own_reference_classes_survive_the_sanitiser():
    assert 'class="issue"' in sanitize('<a class="issue" href="/issues/1">#1</a>')
    assert 'class="mention"' in sanitize('<span class="mention">@sato</span>')
    assert "class=" not in sanitize('<a class="issue mention admin" href="/x">x</a>').replace('class="issue"', "")
