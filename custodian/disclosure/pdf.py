"""PDFs with fpdf2: the disclosure package, the incident report and the invoice."""

from __future__ import annotations

from fpdf import FPDF

from custodian.disclosure import vocab


def _safe(text) -> str:
    # The core fonts are Latin-1; replace anything else rather than fail.
    return (
        str(text if text is not None else "")
        .replace("\u2014", "-")
        .replace("\u2026", "...")
        .replace("\u2019", "'")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


class _Doc(FPDF):
    def __init__(self, title: str):
        super().__init__(format="Letter")
        self.doc_title = title
        self.set_title(title)
        self.set_creator("Custodian")
        self.set_auto_page_break(auto=True, margin=18)
        self.add_page()
        self.set_font("Helvetica", "B", 15)
        self.multi_cell(0, 8, _safe(title), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, _safe(f"{self.doc_title} - page {self.page_no()}"), align="C")

    def heading(self, text):
        self.ln(2)
        self.set_font("Helvetica", "B", 11)
        self.multi_cell(0, 6, _safe(text), new_x="LMARGIN", new_y="NEXT")

    def para(self, text, style=""):
        self.set_font("Helvetica", style, 10)
        self.multi_cell(0, 5, _safe(text), new_x="LMARGIN", new_y="NEXT")

    def pair(self, label, value):
        self.set_font("Helvetica", "B", 10)
        self.cell(55, 5, _safe(label))
        self.set_font("Helvetica", "", 10)
        self.multi_cell(
            0, 5, _safe(value if value not in (None, "") else "-"), new_x="LMARGIN", new_y="NEXT"
        )


def _value_text(v) -> str:
    if v is None:
        return "(none within the date range)"
    if isinstance(v, list):
        if not v:
            return "(none)"
        return "\n".join(
            "- "
            + (
                ", ".join(f"{k}: {x}" for k, x in r.items() if x not in (None, ""))
                if isinstance(r, dict)
                else str(r)
            )
            for r in v
        )
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def package_pdf(doc: dict) -> bytes:
    pdf = _Doc("Disclosure package")
    pdf.pair("Package", doc["package"])
    pdf.pair("Case", doc["case"])
    pdf.pair("Patron reference", doc["patron_ref"])
    d = doc["document"]
    pdf.pair("Document", vocab.INSTRUMENT_TYPES.get(d.get("type") or "", "none"))
    pdf.pair("Signed by", vocab.SIGNERS.get(d.get("signed_by") or "", "-"))
    pdf.pair("Court", vocab.COURTS.get(d.get("court") or "", "-"))
    pdf.pair(
        "Named on its face", "; ".join(vocab.FIELDS.get(f, f) for f in d.get("scope") or []) or "-"
    )
    pdf.pair("Date range", f"{doc.get('date_from') or 'any'} to {doc.get('date_to') or 'any'}")
    pdf.pair("Handed to", doc["handed_to"])
    pdf.pair("Handed at", doc["handed_at"])
    pdf.pair("Released by", doc["released_by"])
    pdf.heading("Records released (exactly these fields)")
    for f in doc["fields"]:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(
            0, 5, _safe(f"{vocab.FIELDS.get(f, f)} ({f})"), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.para(_value_text(doc["records"].get(f)))
    if doc.get("citations"):
        pdf.heading("Policy basis")
        for c in doc["citations"]:
            pdf.para(f"{c.get('clause')}: {c.get('text')}")
    return bytes(pdf.output())


def incident_pdf(report: dict) -> bytes:
    req, case = report["request"], report["case"]
    pdf = _Doc("Incident report (Sonoma County Library policy III.C.2.h)")
    pdf.pair("Case", str(case.ref))
    pdf.pair("Opened", case.opened_at.strftime("%Y-%m-%d %H:%M"))
    pdf.pair("Taken by", report["taken_by"])
    pdf.pair("Requester", report["requester_kind"])
    pdf.pair("Officer", req.officer_name)
    pdf.pair("Badge number", req.officer_badge)
    pdf.pair("Agency", req.officer_agency)
    pdf.pair("Stated purpose", req.stated_purpose)
    pdf.pair("Response to be sent to", req.response_address)
    pdf.pair("Channel", report["channel"])
    pdf.pair("Shown", ", ".join(report["evidence"]))
    pdf.pair("Document", report["instrument"])
    pdf.pair("Signed by", report["signed_by"])
    pdf.pair("Court", report["court"])
    pdf.pair("Named on its face", "; ".join(report["scope"]))
    pdf.pair("Information asked for", "; ".join(report["requested"]))
    pdf.pair("Decision at the desk", report["outcome"])
    pdf.para(report["explanation"], "I")
    pdf.heading("Steps under III.C.2 a-i")
    for s in report["steps"]:
        pdf.para(f"[{'x' if s.done else ' '}] {s.clause}: {s.label}")
        if s.note:
            pdf.para(f"    Note: {s.note}", "I")
    pdf.heading("Desk notes")
    pdf.para(case.desk_notes or "-")
    pdf.heading("Timeline")
    for e in report["events"]:
        pdf.para(f"{e.at:%d %b %Y %H:%M} {e.actor.get_username()} - {e.label}: {e.note}")
    return bytes(pdf.output())


def invoice_pdf(inv: dict) -> bytes:
    pdf = _Doc("Invoice: costs of responding to a records request")
    pdf.pair("Case", inv["case"])
    pdf.pair("Bill to", inv["bill_to"])
    pdf.pair("Attention", inv["attention"])
    pdf.pair("Address", inv["address"])
    pdf.heading("Staff time")
    for line in inv["lines"]:
        pdf.para(
            f"{line['at']:%Y-%m-%d}  {line['description']}: {line['minutes']} min at "
            f"${line['rate_cents'] / 100:.2f}/h = ${line['amount_cents'] / 100:.2f}"
        )
    pdf.heading(f"Total: {inv['total_minutes']} minutes, ${inv['total_cents'] / 100:.2f}")
    pdf.para(
        "Westchester Public Library policy, clause 5: any costs incurred in such cases shall be borne by "
        "the individual or agency making the request.",
        "I",
    )
    return bytes(pdf.output())
