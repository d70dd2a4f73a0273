"""Display-list renderers (PDF, PNG, ZPL), symbol encoders and the decode-back verifier."""
