from schalter.knowledge.render import render


def resolve(kind, key):
    return {"article": {"5": "/a/5/"}, "service": {"chancenkarte": "/s/"}}.get(kind, {}).get(key)


def test_scripts_handlers_and_javascript_links_are_removed():
    html = render(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        '\n\n<a href="#" onclick="alert(1)">y</a>',
        resolve,
    ).html
    assert "<script" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert (
        'href="javascript' not in html
        and "<img" not in html
        and "onclick=" not in html.split("&lt;")[0]
    )
    assert "<a " not in html  # none of these became a link


def test_internal_links_resolved_or_flagged_and_external_left_alone():
    rendered = render("[a](article:5) [b](article:99) [c](service:nope) [d](https://e.de)", resolve)
    assert 'href="/a/5/"' in rendered.html and 'href="https://e.de"' in rendered.html
    assert 'class="broken-link"' in rendered.html
    assert len(rendered.warnings) == 2
