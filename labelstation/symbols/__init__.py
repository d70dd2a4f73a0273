"""Symbol encoders: one registry of symbologies that turn content into modules and bars.

Layout uses them to size a symbol; every renderer draws what they return (the glabels
glbarcode pattern), so the PDF, the PNG and the verifier agree on one encoding.
"""
