"""What test_every_screen.py checks on each screen, as functions of a Playwright page.

Each returns a list of problems in words (empty when the page passes), so one test can
report every failing check of a screen at once, naming the element or code at fault.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from custodian.testing.plain_words import raw_codes_in

PHONE = (390, 844)
DESK = (1280, 800)
AXE_FAILING = ("serious", "critical")

# Text a person sees or hears on the page: the rendered text (closed <details> and hidden
# elements excluded, as innerText does) plus the attributes read out or shown on hover.
_SHOWN_TEXT = """() => {
  const attrs = [...document.querySelectorAll('[title], [aria-label], [placeholder], img[alt]')]
    .filter(el => el.checkVisibility())
    .map(el => ['title', 'aria-label', 'placeholder', 'alt']
      .map(a => el.getAttribute(a) || '').join(' '));
  return document.body.innerText + '\\n' + attrs.join('\\n');
}"""

_DESCRIBE = """const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.getAttribute('name')) s += `[name=${el.getAttribute('name')}]`;
  if (el.tagName === 'INPUT') s += `[type=${el.type}]`;
  if (['checkbox', 'radio'].includes(el.type)) s += `[value=${el.value}]`;
  if (!el.id && el.classList.length) s += '.' + [...el.classList].join('.');
  return s;
};"""

# A control has an accessible name from aria-label, aria-labelledby or a <label> (a button
# from its text); hidden inputs are not controls a person uses.
_UNLABELLED = (
    "() => {"
    + _DESCRIBE
    + """
  const t = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const named = (el) => {
    if (t(el.getAttribute('aria-label'))) return true;
    const ids = t(el.getAttribute('aria-labelledby'));
    if (ids && ids.split(' ').some(id => t(document.getElementById(id)?.textContent))) return true;
    if (el.labels && [...el.labels].some(l => t(l.textContent))) return true;
    if (el.tagName === 'BUTTON') return !!t(el.textContent);
    if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) return !!t(el.value);
    return false;
  };
  return [...document.querySelectorAll('input, select, textarea, button')]
    .filter(el => el.type !== 'hidden' && !named(el)).map(describe);
}"""
)

# The page's width, and the outermost elements sticking out past the viewport's right edge.
_OVERFLOW = (
    "(limit) => {"
    + _DESCRIBE
    + """
  const width = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const wide = new Map();  // "form.tick" -> [how many, furthest right edge]
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= limit + 0.5) continue;
    const p = el.parentElement;
    if (p && p !== document.body && p.getBoundingClientRect().right > limit + 0.5) continue;
    const [n, right] = wide.get(describe(el)) || [0, 0];
    wide.set(describe(el), [n + 1, Math.max(right, Math.round(r.right))]);
  }
  return {width, wide: [...wide].slice(0, 6).map(([d, [n, right]]) =>
    `${d}${n > 1 ? ` (${n} of them)` : ''} reaches ${right} px`)};
}"""
)


# A log of what happened (the case timeline) names the clause of each step it records; that
# is a record, not the page citing the clause again, so clause checks read around it.
_LOGS = "#timeline, .timeline"
_TEXT_BESIDE_LOGS = f"""() => {{
  let text = document.body.innerText;
  for (const el of document.querySelectorAll('{_LOGS}')) text = text.replace(el.innerText, '');
  return text;
}}"""


def unfold(page) -> None:
    """Open every folded section (<details>): what it holds is on the page a click away."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def shown_text(page) -> str:
    return page.evaluate(_SHOWN_TEXT)


def text_beside_logs(page) -> str:
    """The page's text without its event logs (`#timeline`, `.timeline`)."""
    return page.evaluate(_TEXT_BESIDE_LOGS)


# Template syntax that reached the page: a {# comment #} over two lines, or a tag or
# variable left unrendered.
_TEMPLATE_SYNTAX = re.compile(r"\{[#%{].{0,60}")


def raw_codes(text: str) -> list[str]:
    """Raw codes and machine timestamps in the text (custodian.testing.plain_words), and
    template syntax shown as text."""
    hits = raw_codes_in(text)
    found = [f"raw code or timestamp {hit!r} shown" for hit in dict.fromkeys(hits)]
    found += [f"template syntax shown: {m.group()!r}" for m in _TEMPLATE_SYNTAX.finditer(text)]
    return found


@cache
def _clauses(profile: str) -> tuple[tuple[re.Pattern | None, str, tuple[str, ...]], ...]:
    """Per clause of the profile: a pattern for its id (None where the id is also a common
    word or number, e.g. Sonoma's "I" or Westchester's "5"), its id, and its sentences."""
    from custodian import policy
    from custodian.policy.profile import load_profile

    loaded = load_profile(Path(policy.__file__).parent / "profiles" / profile)
    out = []
    for clause in loaded.clauses.values():
        if clause.source == "_contract":
            continue
        distinctive = any(c in clause.id for c in ".¶ ")
        # Whole ids only: "III.C.2" is not counted inside "III.C.2.b" or "III.C.2 ¶2".
        pattern = (
            re.compile(r"(?<![\w.])" + re.escape(clause.id) + r"(?!\.?\w| ¶)")
            if distinctive
            else None
        )
        sentences = tuple(
            s.strip() for s in re.split(r"(?<=[.;:])\s+", clause.text) if len(s.strip()) >= 40
        )
        out.append((pattern, clause.id, sentences))
    return tuple(out)


def _around(text: str, m: re.Match, width: int = 28) -> str:
    """The match with a little of the text either side, to find it on the page."""
    before = text[max(0, m.start() - width) : m.start()]
    after = text[m.end() : m.end() + width]
    return f"…{before}[{m.group()}]{after}…"


def duplicated_clauses(text: str, profile: str, *, ids: bool = True) -> list[str]:
    """A clause cited twice on one page: the same clause id, or the same sentence of a
    clause's text, appearing more than once in what the person reads.

    `ids=False` for a page that is an index of situations (the privacy page), where each
    names the sections it rests on and links to their one full text: ids may repeat there,
    texts may not."""
    flat = " ".join(text.split())
    problems = []
    for pattern, clause_id, sentences in _clauses(profile):
        hits = list(pattern.finditer(flat)) if pattern is not None and ids else []
        if len(hits) > 1:
            where = " | ".join(_around(flat, m) for m in hits[:3])
            problems.append(f"clause {clause_id} cited {len(hits)} times: {where}")
        for sentence in sentences:
            if (n := flat.count(sentence)) > 1:
                problems.append(f"clause {clause_id}'s text {sentence[:60]!r}… shown {n} times")
                break
    return problems


def unlabelled_controls(page) -> list[str]:
    return [f"form control {d} has no label" for d in page.evaluate(_UNLABELLED)]


def sideways_scroll(page, shot: Path | None = None) -> list[str]:
    """At a phone's 390 px the page must not scroll sideways (scrollWidth ≤ 390).

    With `shot`, a full-page screenshot at that width is saved there too."""
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    try:
        found = page.evaluate(_OVERFLOW, PHONE[0])
        if shot is not None:
            page.screenshot(path=str(shot), full_page=True)
    finally:
        page.set_viewport_size({"width": DESK[0], "height": DESK[1]})
    if found["width"] <= PHONE[0]:
        return []
    return [
        f"scrolls sideways at {PHONE[0]} px: page is {found['width']} px wide "
        f"({'; '.join(found['wide']) or 'no single element found'})"
    ]


def axe_violations(page, axe) -> list[str]:
    """axe-core's serious and critical violations, each with its rule id and elements."""
    problems = []
    for v in axe.run(page).response["violations"]:
        if v.get("impact") not in AXE_FAILING:
            continue
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:4]]
        more = f" and {len(v['nodes']) - 4} more" if len(v["nodes"]) > 4 else ""
        problems.append(f"axe {v['id']} ({v['impact']}): {v['help']} at {', '.join(targets)}{more}")
    return problems
