"""PDFs with fpdf2: the disclosure package, the incident report and the invoice."""

from __future__ import annotations

from fpdf import FPDF

from custodian import door
from custodian.disclosure import rendering
from custodian.words import day, dollars, when, word_for


def _safe(text) -> str:
    # The core fonts are Latin-1; replace anything else rather than fail.
    return (
        str(text if text is not None else "")
        .replace("\u2014", "-")
        .replace("\u2013", "-")
        .replace("\u2026", "...")
        .replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
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


def package_pdf(doc: dict) -> bytes:
    pdf = _Doc("Disclosure package")
    pdf.pair("Package", doc["package"])
    pdf.pair("Case", doc["case"])
    pdf.pair("Patron reference", doc["patron_ref"])
    d = doc["document"]
    pdf.pair("Document", word_for(d.get("type"), "instrument") or "No document")
    pdf.pair("Signed by", word_for(d.get("signed_by"), "signer"))
    pdf.pair("Court", word_for(d.get("court"), "court"))
    pdf.pair("Named on its face", "; ".join(word_for(f, "field") for f in d.get("scope") or []))
    if doc.get("date_from") or doc.get("date_to"):
        dates = (
            f"{day(doc.get('date_from')) or 'any date'} to {day(doc.get('date_to')) or 'any date'}"
        )
    else:
        dates = "All dates the document allows"
    pdf.pair("Dates covered", dates)
    pdf.pair("Handed to", doc["handed_to"])
    pdf.pair("Handed over", when(doc["handed_at"]))
    pdf.pair("Released by", doc["released_by"])
    pdf.heading("Records released (exactly these)")
    # The same words as the package page (rendering.package_sections).
    for label, lines in rendering.package_sections(doc):
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, _safe(label), new_x="LMARGIN", new_y="NEXT")
        pdf.para("\n".join(f"- {line}" for line in lines))
    if doc.get("citations"):
        pdf.heading("Policy basis")
        for c in doc["citations"]:
            pdf.para(f"{word_for(c.get('clause'), 'clause')}: {c.get('text')}")
    return bytes(pdf.output())


def incident_pdf(report: dict) -> bytes:
    req, case = report["request"], report["case"]
    pdf = _Doc("Incident report")
    # The clause that asks for the report, in the library's own policy (Sonoma: III.C.2.h).
    clauses = (case.decision or {}).get("obligation_clauses", {}).get("incident_report")
    if clauses:
        pdf.pair("Policy", f"{door.library_name()} policy {', '.join(clauses)}")
    pdf.pair("Case", str(case.ref))
    pdf.pair("Opened", when(case.opened_at))
    pdf.pair("Taken by", report["taken_by"])
    pdf.pair("Requester", report["requester_kind"])
    pdf.pair("Officer", req.officer_name)
    pdf.pair("Badge number", req.officer_badge)
    pdf.pair("Agency", req.officer_agency)
    pdf.pair("Stated purpose", req.stated_purpose)
    pdf.pair("Response to be sent to", req.response_address)
    pdf.pair("How", report["channel"])
    pdf.pair("Shown", ", ".join(report["evidence"]))
    pdf.pair("Document", word_for(req.instrument_type, "instrument") or "No document")
    if req.instrument_type:
        pdf.pair("Signed by", word_for(req.instrument_signed_by, "signer"))
        pdf.pair("Court", word_for(req.instrument_court, "court"))
    pdf.pair("Named on its face", "; ".join(report["scope"]))
    pdf.pair("Information asked for", "; ".join(report["requested"]))
    pdf.pair("Decision at the desk", report["outcome"])
    pdf.para(report["explanation"], "I")
    pdf.heading("The officer procedure, step by step")
    for s in report["steps"]:
        pdf.para(f"[{'x' if s.done else ' '}] {s.clause}: {s.label}")
        if s.note:
            pdf.para(f"    Note: {s.note}", "I")
    if not report["steps"]:
        pdf.para("No officer procedure applies.")
    pdf.heading("Desk notes")
    pdf.para(case.desk_notes or "-")
    pdf.heading("Timeline")
    for e in report["events"]:
        pdf.para(f"{when(e.at)} {e.actor.get_username()} - {e.label}: {e.note}")
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
            f"{day(line['at'])}  {line['description']}: {line['minutes']} minutes at "
            f"{dollars(line['rate_cents'])} an hour = {dollars(line['amount_cents'])}"
        )
    pdf.heading(f"Total: {inv['total_minutes']} minutes, {dollars(inv['total_cents'])}")
    pdf.para(
        "Westchester Public Library policy, clause 5: any costs incurred in such cases shall be borne by "
        "the individual or agency making the request.",
        "I",
    )
    return bytes(pdf.output())
