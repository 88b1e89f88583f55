#!/usr/bin/python3
"""The same one-page invoice as bench-documents.c, made with ReportLab.

Run with Debian's python3 (apt-get install python3-reportlab):
    /usr/bin/python3 bench/documents/reportlab_invoice.py [N]
Prints invoices per second, written to memory, one process, one thread.
"""
import io
import sys
import time

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"
pdfmetrics.registerFont(TTFont("Body", FONT))

LINES = [
    ("Search and retrieval", 1, 1500, 1500, "NY-BASE — N.Y. Pub. Health Law § 18(2)(e)"),
    ("Paper copies, pages 1–40", 40, 75, 3000, "NY-PAGE — N.Y. Pub. Health Law § 18(2)(e)"),
    ("Certification", 1, 1000, 1000, "NY-CERT — N.Y. C.P.L.R. 2306"),
    ("Postage", 1, 389, 389, "POSTAGE — Actual cost"),
    ("Media (USB drive)", 1, 500, 500, "MEDIA — 45 CFR 164.524(c)(4)"),
]


def money(cents):
    return "${:,}.{:02d}".format(cents // 100, cents % 100)


def invoice():
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=letter, pageCompression=1)
    c.setTitle("Invoice")
    c.setCreator("bench")
    w, h = letter
    y = h - 54
    c.setFont("Body", 15)
    c.drawString(54, y - 15, "Saint Zoë Hospital")
    c.setFont("Body", 8.5)
    for text in ("1 Main Street", "Springfield, NY 10001", "(555) 010-0100"):
        y -= 11
        c.drawString(54, y - 20, text)
    y -= 36
    c.line(54, y, w - 54, y)
    c.setFont("Body", 10)
    c.drawRightString(w - 54, y - 16, "March 2, 2026")
    for text in ("Bill to", "Zoë Ångström", "Ångström & Partners LLP", "200 Park Avenue", "New York, NY 10166"):
        y -= 13
        c.drawString(54, y - 24, text)
    y -= 50
    c.setFont("Body", 13.5)
    c.drawString(54, y, "Invoice")
    c.setFont("Body", 9)
    for label, value in (("Request reference", "ROI-2026-000123"), ("Invoice date", "March 2, 2026"),
                         ("Records of", "José Núñez"), ("Payment due", "April 1, 2026")):
        y -= 14
        c.drawString(58, y, label)
        c.drawString(230, y, value)
    y -= 24
    c.setFont("Body", 10)
    c.drawString(54, y, "This invoice is for copies of health information requested on March 2, 2026.")
    y -= 22
    c.setFillGray(0.9)
    c.rect(54, y - 4, w - 108, 14, fill=1, stroke=0)
    c.setFillGray(0)
    c.setFont("Body", 9)
    c.drawString(58, y, "Description")
    c.drawRightString(340, y, "Qty")
    c.drawRightString(440, y, "Unit price")
    c.drawRightString(w - 58, y, "Amount")
    total = 0
    for desc, qty, unit, amount, cite in LINES:
        y -= 16
        c.setFont("Body", 9)
        c.drawString(58, y, desc)
        c.drawRightString(340, y, str(qty))
        c.drawRightString(440, y, money(unit))
        c.drawRightString(w - 58, y, money(amount))
        y -= 11
        c.setFont("Body", 7.5)
        c.setFillGray(0.4)
        c.drawString(58, y, cite)
        c.setFillGray(0)
        total += amount
    y -= 18
    c.line(54, y + 12, w - 54, y + 12)
    c.setFont("Body", 9)
    c.drawString(58, y, "Total due")
    c.drawRightString(w - 58, y, money(total))
    y -= 30
    c.setFont("Body", 13.5)
    c.drawString(54, y, "How to pay")
    c.setFont("Body", 10)
    c.drawString(62, y - 20, "Pay %s by April 1, 2026 by check or money order to Saint Zoë Hospital." % money(total))
    c.setFont("Body", 7.5)
    c.setFillGray(0.4)
    c.drawString(54, 52, "Saint Zoë Hospital · Health Information Management")
    c.drawRightString(w - 54, 52, "Page 1 of 1")
    c.showPage()
    c.save()
    return out.getvalue()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    invoice()
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(n):
        data = invoice()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    print("reportlab one-page invoice: %d in %.3f s wall (%.0f documents/s), %.3f s CPU "
          "(%.0f documents/s), %.1f KB each" % (n, seconds, n / seconds, cpu, n / cpu, len(data) / 1024))


if __name__ == "__main__":
    main()
