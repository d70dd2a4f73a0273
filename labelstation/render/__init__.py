"""Display-list renderers (PDF, PNG, ZPL), symbol encoders and the decode-back verifier."""

from labelstation.render.pdf import pdf_bytes, render_pdf
from labelstation.render.png import png_bytes, render_png
from labelstation.render.verify import SymbolCheck, VerifyReport, verify_symbols

__all__ = [
    "SymbolCheck",
    "VerifyReport",
    "pdf_bytes",
    "png_bytes",
    "render_pdf",
    "render_png",
    "verify_symbols",
]
