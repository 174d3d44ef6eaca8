from tests.browser.conftest import axe_violations


def test_axe_helper_catches_real_violations(browser):
    """The accessibility checks can fail: a page with known faults is reported."""
    page = browser.new_page()
    page.set_content(
        '<html><body><img src="x.png"><p style="color:#ccc;background:#fff">'
        'faint</p><input type="text"></body></html>'
    )
    found = {v["id"] for v in axe_violations(page)}
    page.close()
    assert {"image-alt", "color-contrast", "label", "html-has-lang"} <= found
